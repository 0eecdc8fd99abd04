"""A run's images wait in the shared database, sealed, so whichever worker on whichever machine takes the
run can read them (issue 20): never a file in one host's data folder. A worker that cannot read them
(another spool key) ends the run ``failed`` with the reason, never a silent ``running``. And on Redis,
two ``huey_consumer`` processes with separate data folders — two machines — share the runs, each item
sent once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from ocr_core import OcrClient, Settings
from qa.runner import RunSpec, Source, create_run, execute_run
from qa.spool import Spool, spool_key
from sandbox.faults import Faults
from store import Item, Run, SpoolPart, session_factory
from tests.support.apptest import ROOT, SAMPLES
from tests.support.redis_server import redis_server, unavailable_reason

CARD = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()


@pytest.fixture(autouse=True)
def _no_faults_left(sandbox):
    """The sandbox is the session's: the faults set here end with each test."""
    yield
    sandbox.backend.set_faults(Faults())


def _spec(sandbox, **kw) -> RunSpec:
    return RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0", **kw)


def _client(sandbox) -> OcrClient:
    return OcrClient(
        Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)
    )


def test_images_wait_in_the_database_sealed_and_leave_with_the_run(sandbox, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "host-a"))
    factory = session_factory(f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    spool = Spool(factory, key=Fernet.generate_key())
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))  # fast answers
    run_id = create_run(factory, _spec(sandbox), [Source("card.png", CARD)], spool)
    with factory() as s:
        parts = {p.part: p.sealed for p in s.scalars(select(SpoolPart).where(SpoolPart.run_id == run_id))}
    assert sorted(parts) == [-1, 0]  # the truth and the one source
    assert CARD[:64] not in parts[0] and len(parts[0]) > len(CARD)  # sealed, not the image
    assert not (tmp_path / "host-a" / "spool" / f"run-{run_id}").exists()  # nothing on this host's disk
    with _client(sandbox) as client:
        assert execute_run(factory, run_id, client, spool) == "done"
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(SpoolPart).where(SpoolPart.run_id == run_id)) == 0


def test_a_run_created_on_one_host_is_executed_on_another_with_the_shared_key(sandbox, tmp_path, monkeypatch):
    """Host A creates the run, host B (another data folder) executes it: the key comes from the secrets
    file both read (``[studio] spool_key``), so B reads A's images. Without it each host has its own key."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[studio]\nspool_key = "a long random string shared by every replica and worker"\n')
    monkeypatch.delenv("STUDIO_SPOOL_KEY", raising=False)
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(tmp_path / "none.toml"))
    assert spool_key(tmp_path / "a")[1] == "host"
    assert spool_key(tmp_path / "a")[0] != spool_key(tmp_path / "b")[0]
    monkeypatch.setenv("STUDIO_SECRETS_FILE", str(secrets))
    key_a, key_b = spool_key(tmp_path / "a"), spool_key(tmp_path / "b")
    assert key_a == key_b and key_a[1] == "secrets"

    factory = session_factory(f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))
    run_id = create_run(
        factory,
        _spec(sandbox, sweep=[("blur", [1.0])]),
        [Source("card.png", CARD)],
        Spool(factory, key=key_a[0]),
    )
    sandbox.backend.journal.clear()
    with _client(sandbox) as client:
        assert execute_run(factory, run_id, client, Spool(factory, key=key_b[0])) == "done"
    assert sandbox.backend.journal.calls("credit-card") == 2


def test_a_worker_with_another_key_ends_the_run_failed_with_the_reason(sandbox, tmp_path):
    """It used to raise out of the runner and leave the run ``running 0/N`` until a page called it
    interrupted, and a resume sent it to a random worker again."""
    factory = session_factory(f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    run_id = create_run(
        factory,
        _spec(sandbox, concurrency=2, sweep=[("blur", [1.0, 2.0])]),
        [Source("card.png", CARD)],
        Spool(factory, key=Fernet.generate_key()),
    )
    sandbox.backend.journal.clear()
    with _client(sandbox) as client:
        assert execute_run(factory, run_id, client, Spool(factory, key=Fernet.generate_key())) == "failed"
    with factory() as s:
        run = s.get(Run, run_id)
        assert run is not None and run.status == "failed"
        assert "sealed with another spool key" in (run.message or "")
        assert "STUDIO_SPOOL_KEY" in (run.message or "") and "spool_key" in (run.message or "")
        states = s.scalars(select(Item.state).where(Item.run_id == run_id)).all()
    assert set(states) == {"pending"}  # nothing was marked sent
    assert sandbox.backend.journal.calls("credit-card") == 0


_ENQUEUE = """
import sys
from qa.tasks import enqueue
for rid in sys.argv[2:]:
    enqueue(int(rid), sys.argv[1], "sandbox", "v2.0")
"""


def test_whatever_stops_the_runner_ends_the_run_failed_with_the_reason(sandbox, tmp_path, monkeypatch):
    """Not only the database or the spool: any exception out of the runner (here a bug in sending) ends
    the run ``failed`` with its words, and the item it was sending is ``unknown``, never resent silently."""
    import qa.runner

    factory = session_factory(f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    spool = Spool(factory, key=Fernet.generate_key())
    run_id = create_run(factory, _spec(sandbox, concurrency=1), [Source("card.png", CARD)], spool)

    def broken(*_args, mark=None, **_kw):
        mark()  # marked sending, then the runner breaks
        raise RuntimeError("the answer could not be parsed")

    monkeypatch.setattr(qa.runner, "_send", broken)
    with _client(sandbox) as client:
        assert execute_run(factory, run_id, client, spool) == "failed"
    with factory() as s:
        run = s.get(Run, run_id)
        assert run is not None and (run.status, run.message) == (
            "failed",
            "RuntimeError: the answer could not be parsed",
        )
        assert s.scalars(select(Item.state).where(Item.run_id == run_id)).all() == ["unknown"]


def _consumer(data: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    (data).mkdir(parents=True)
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "huey_consumer"), "qa.tasks.huey", "-w", "2", "-k", "thread"],
            cwd=ROOT,
            env={**env, "STUDIO_DATA_DIR": str(data)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@pytest.mark.slow
def test_two_workers_on_separate_data_folders_share_runs_over_redis(sandbox, tmp_path, monkeypatch):
    """The README's scale-out, for real: Redis from Debian, two ``huey_consumer qa.tasks.huey`` with their
    own data folders (two machines) and one database. Six runs, each put on the queue twice on purpose:
    all done, and the sandbox received each item exactly once."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    db = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[studio]\nspool_key = "shared by the dashboard and both workers"\n')
    with redis_server() as queue_url:
        env = {
            **os.environ,
            "STUDIO_QUEUE_URL": queue_url,
            "STUDIO_DATABASE_URL": db,
            "STUDIO_SECRETS_FILE": str(secrets),
            "STUDIO_SANDBOX_URL": sandbox.base_url,
        }
        env.pop("STUDIO_SPOOL_KEY", None)
        monkeypatch.setenv("STUDIO_SECRETS_FILE", str(secrets))
        monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "creator"))  # a third host: it only creates
        factory = session_factory(db)
        spool = Spool(factory)
        sandbox.backend.set_faults(Faults(latency_ms=100, result_code=5000001, rate=1.0, route="credit-card"))
        sandbox.backend.journal.clear()
        runs = [
            create_run(
                factory, _spec(sandbox, sweep=[("blur", [1.0, 2.0])]), [Source("card.png", CARD)], spool
            )
            for _ in range(6)
        ]
        workers = [_consumer(tmp_path / f"worker-{n}", env, tmp_path / f"worker-{n}.log") for n in (1, 2)]
        try:
            ready = time.monotonic() + 120
            while not all(
                "Huey consumer started" in (tmp_path / f"worker-{n}.log").read_text(errors="replace")
                for n in (1, 2)
            ):
                assert time.monotonic() < ready and all(w.poll() is None for w in workers), (
                    "a worker did not start"
                )
                time.sleep(0.2)
            # on the shared queue as a replica puts them (qa.tasks.enqueue, with STUDIO_QUEUE_URL), twice each
            subprocess.run(
                [sys.executable, "-c", _ENQUEUE, db, *map(str, runs + runs)],
                cwd=ROOT,
                env={**env, "STUDIO_DATA_DIR": str(tmp_path)},
                check=True,
                timeout=120,
            )
            deadline = time.monotonic() + 150
            while True:
                with factory() as s:
                    statuses = dict(s.execute(select(Run.id, Run.status).where(Run.id.in_(runs))).all())
                if all(v in ("done", "failed") for v in statuses.values()) or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
        finally:
            for w in workers:
                w.terminate()
            for w in workers:
                w.wait(timeout=30)
        logs = [(tmp_path / f"worker-{n}.log").read_text(errors="replace") for n in (1, 2)]
        assert statuses == dict.fromkeys(runs, "done"), (statuses, [log[-1500:] for log in logs])
        assert sandbox.backend.journal.calls("credit-card") == 6 * 3  # each item once, not twice
        assert all("Executing qa.tasks.execute" in log for log in logs), "both workers took runs"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_runs_page_says_why_in_the_readers_language(sandbox, lang):
    """The worker's reason is English (log, CLI); the Runs page says it in the reader's language."""
    from tests.support.apptest import assert_clean, open_page
    from ui import lab
    from ui.i18n import text

    factory = lab.session_factory(lab.default_url())
    run_id = create_run(
        factory, _spec(sandbox), [Source("card.png", CARD)], Spool(factory, key=Fernet.generate_key())
    )
    with _client(sandbox) as client:
        assert execute_run(factory, run_id, client, Spool(factory, key=Fernet.generate_key())) == "failed"
    at = open_page("pages/runs.py", lang=lang)
    at.selectbox(key="runs_pick").set_value(run_id).run()
    assert_clean(at)
    errors = [e.value for e in at.error]
    said = text("runs.failed_reason", lang, reason=text("runs.spool_other_key", lang))
    assert said in errors, errors
    assert not any(
        "sealed with another spool key than this worker" in e for e in errors
    )  # not the log's words
