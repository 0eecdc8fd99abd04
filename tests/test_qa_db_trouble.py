"""A database in trouble is waited out (audit finding D8), and a sandbox call is not made when its audit
row cannot be kept (issue 17, item 7).

- A real SQLite lock: another connection holds ``BEGIN EXCLUSIVE`` longer than SQLite's busy timeout
  (as a backup or an admin's ``sqlite3`` shell does) while a run is sending. The run's item writes and
  its heartbeat wait it out with a bounded back-off (``store.db.retrying``): no traceback in the log,
  every answer received meanwhile kept, the run finishes ``done``, each item sent once.
- A lock held longer than the run's patience: the run ends ``failed`` with the reason, not a thread dead
  with a traceback and the run left ``running``.
- A PostgreSQL server that is down: a sandbox analysis through ``access.metering.Door`` is refused before
  anything is sent (it used to be made, then its result withheld when the audit row failed).
- ``create_run`` that fails part-way (a file name the database refuses) leaves no sealed image (D2).
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

import qa.runner
from access.ledger import Ledger, QuotaLimits
from access.metering import Door
from ocr_core import OcrClient, Settings
from qa.runner import RunSpec, Source, create_run, execute_run
from qa.spool import Spool
from sandbox.faults import Faults
from store import Item, Run, SpoolPart, engine_for, session_factory
from store.db import DB_PATIENCE_ENV, SQLITE_BUSY_ENV
from tests.support.lab_runs import CARD, card_sweep_run
from tests.support.postgres import database_url, postgres_server, unavailable_reason

ITEMS = 8


@pytest.fixture
def busy(monkeypatch):
    """SQLite gives up on a lock after 0.2 s (10 s in production), and a heartbeat every 0.2 s (5 s), so
    that a lock of a second or two is "longer than the busy timeout" and spans several heartbeats."""
    monkeypatch.setenv(SQLITE_BUSY_ENV, "0.2")
    monkeypatch.setattr(qa.runner, "HEARTBEAT_SECONDS", 0.2)


@pytest.fixture
def client(sandbox):
    sandbox.backend.journal.clear()
    with OcrClient(
        Settings(
            base_url=sandbox.base_url,
            app_key=sandbox.app_key,
            secret_key=sandbox.secret_key,
            backoff_base=0.0,
        )
    ) as c:
        yield c
    sandbox.backend.set_faults(Faults())
    sandbox.backend.journal.clear()


class Tracebacks:
    """Every record with a traceback on any logger, and every exception that ended a thread."""

    def __init__(self) -> None:
        self.records: list[logging.LogRecord] = []
        self.threads: list[BaseException | None] = []


@pytest.fixture
def tracebacks(caplog, monkeypatch):
    caught = Tracebacks()
    monkeypatch.setattr(threading, "excepthook", lambda args: caught.threads.append(args.exc_value))
    caplog.set_level(logging.WARNING)
    yield caught
    caught.records = [r for r in caplog.records if r.exc_info]


def _hold_lock(path, seconds: float, locked: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _run_under_lock(sandbox, client, tmp_path, hold: float) -> tuple[int, str, float]:
    path = tmp_path / "studio.sqlite3"
    factory = session_factory(f"sqlite:///{path}")
    spool = Spool(factory)
    sandbox.backend.set_faults(Faults(latency_ms=150, result_code=5000001, rate=1.0, route="credit-card"))
    run_id = card_sweep_run(factory, spool, sandbox, ITEMS)
    outcome: dict[str, str] = {}
    worker = threading.Thread(
        target=lambda: outcome.setdefault("status", execute_run(factory, run_id, client, spool))
    )
    worker.start()
    while True:  # the lock taken with the run under way: two answered, more on the wire
        with factory() as s:
            if (s.scalar(select(Run.done).where(Run.id == run_id)) or 0) >= 2:
                break
        time.sleep(0.01)
    locked = threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(path, hold, locked))
    holder.start()
    locked.wait(5)
    started = time.monotonic()
    holder.join()
    held = time.monotonic() - started
    worker.join(60)
    assert not worker.is_alive()
    return run_id, outcome["status"], held


@pytest.mark.slow  # waits out a held database lock, or stops PostgreSQL
def test_a_lock_longer_than_the_busy_timeout_is_waited_out(busy, sandbox, client, tmp_path, tracebacks):
    run_id, status, held = _run_under_lock(sandbox, client, tmp_path, hold=1.5)
    assert held >= 1.4
    factory = session_factory(f"sqlite:///{tmp_path / 'studio.sqlite3'}")
    with factory() as s:
        run = s.get_one(Run, run_id)
        items = s.scalars(select(Item).where(Item.run_id == run_id)).all()
        assert (status, run.status, run.done, run.total) == ("done", "done", ITEMS, ITEMS)
        assert all(i.state == "failed" and i.result_code == 5000001 for i in items)  # every answer kept
    assert sandbox.backend.journal.calls("credit-card") == ITEMS  # nothing sent twice
    assert not tracebacks.threads and not tracebacks.records


@pytest.mark.slow  # waits out a held database lock, or stops PostgreSQL
def test_a_lock_held_past_the_runs_patience_ends_it_failed_with_the_reason(
    busy, sandbox, client, tmp_path, tracebacks, monkeypatch
):
    monkeypatch.setenv(DB_PATIENCE_ENV, "0.5")  # 120 s in production
    run_id, status, _ = _run_under_lock(sandbox, client, tmp_path, hold=2.5)
    factory = session_factory(f"sqlite:///{tmp_path / 'studio.sqlite3'}")
    with factory() as s:
        run = s.get_one(Run, run_id)
        states = [i.state for i in s.scalars(select(Item).where(Item.run_id == run_id))]
    assert status == run.status == "failed"
    assert run.message is not None and "database is locked" in run.message and "cannot be used" in run.message
    assert "pending" in states  # it stopped sending
    assert "sending" not in states  # the items whose answers could not be written: fate unknown
    assert sandbox.backend.journal.calls("credit-card") == ITEMS - states.count("pending")
    assert not tracebacks.threads and not tracebacks.records


@pytest.mark.slow  # starts and stops a PostgreSQL server
def test_no_sandbox_call_is_made_when_its_audit_row_cannot_be_kept(sandbox, client):
    if reason := unavailable_reason():
        pytest.skip(reason)
    with postgres_server() as url:
        from store import upgrade

        upgrade(url)
        book = Ledger(engine_for(url))
        door = Door(
            book,
            QuotaLimits(),
            user="vic@corp.test",
            where="/credit_card",
            backend="sandbox",
            api_version="v2.0",
        )
        door.call("credit-card", lambda: client.analyze_credit_card(CARD), image=CARD)  # up: made, recorded
        assert sandbox.backend.journal.calls("credit-card") == 1
    # the server is stopped now: the same call is refused before anything is sent
    with pytest.raises(SQLAlchemyError):
        door.call("credit-card", lambda: client.analyze_credit_card(CARD), image=CARD)
    assert sandbox.backend.journal.calls("credit-card") == 1
    engine_for(url).dispose()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def test_create_run_that_fails_leaves_no_sealed_image(kind, tmp_path):
    """D2: ``python -m qa run`` with a file name the database refuses (a lone surrogate, which SQLite's
    driver cannot encode; a NUL, which PostgreSQL refuses) used to leave the images it had sealed."""
    bad = "b\udcff.png" if kind == "sqlite" else "b\x00.png"
    with database_url(kind, str(tmp_path)) as url:
        factory = session_factory(url)
        spool = Spool(factory)
        with pytest.raises(Exception):  # noqa: B017 - the driver's own error, whichever it is
            create_run(
                factory,
                RunSpec("credit-card", "sandbox", "http://127.0.0.1:9", "v2.0"),
                [Source("a.png", CARD), Source(bad, CARD)],
                spool,
            )
        with factory() as s:
            assert s.scalars(select(Run)).all() == []
            assert s.scalars(select(SpoolPart)).all() == []  # no sealed image left
        ok = create_run(
            factory,
            RunSpec("credit-card", "sandbox", "http://127.0.0.1:9", "v2.0"),
            [Source("a.png", CARD)],
            spool,
        )
        assert spool.has(ok)


@pytest.mark.slow  # waits out a held database lock, or stops PostgreSQL
def test_a_live_worker_taken_for_dead_and_a_second_one_never_send_an_item_twice(
    busy, sandbox, client, tmp_path, tracebacks
):
    """A page that saw the heartbeat stand still through a long lock marks the run interrupted and someone
    resumes it while its first worker lives on: the two workers share the run's items (each item is
    claimed by its ``sending`` mark, a conditional UPDATE), every answer is kept, nothing is sent twice."""
    from qa.runner import mark_dead, requeue

    factory = session_factory(f"sqlite:///{tmp_path / 'studio.sqlite3'}")

    spool = Spool(factory)
    sandbox.backend.set_faults(Faults(latency_ms=250, result_code=5000001, rate=1.0, route="credit-card"))
    run_id = card_sweep_run(factory, spool, sandbox, ITEMS, concurrency=1)
    first = threading.Thread(target=execute_run, args=(factory, run_id, client, spool))
    first.start()
    while True:
        with factory() as s:
            if (s.scalar(select(Run.done).where(Run.id == run_id)) or 0) >= 1:
                break
        time.sleep(0.01)
    # Taken for dead (its item on the wire: unknown) and resumed. The live worker's next beat (every 0.2 s
    # here) turns ``interrupted`` back into ``running``; if it falls between the two, the resume is refused
    # as it should be, and the person tries again, as here.
    for _ in range(50):
        assert mark_dead(factory, [run_id]) == [run_id]
        try:
            requeue(factory, run_id)
            break
        except ValueError as refused:
            assert "is running, not interrupted" in str(refused)
    else:
        pytest.fail("the run could not be resumed in 50 tries")
    second = threading.Thread(target=execute_run, args=(factory, run_id, client, spool))
    second.start()
    first.join(60)
    second.join(60)
    with factory() as s:
        run = s.get_one(Run, run_id)
        assert run.status == "done" and run.done == run.total == ITEMS
        assert all(i.result_code == 5000001 for i in run.items)  # the one taken for unknown got its answer
    assert sandbox.backend.journal.calls("credit-card") == ITEMS
    assert not tracebacks.threads and not tracebacks.records


@pytest.mark.slow  # waits out a held database lock, or stops PostgreSQL
def test_the_runs_pages_own_write_waits_out_a_lock_too(busy, tmp_path):
    """The Runs page marks runs whose worker stopped (``mark_interrupted``) each time it opens: under a lock
    longer than the busy timeout it waits, then does it (it used to fail the page with the lock's error)."""
    from qa.runner import mark_interrupted

    path = tmp_path / "studio.sqlite3"
    factory = session_factory(f"sqlite:///{path}")
    run_id = create_run(
        factory,
        RunSpec("credit-card", "sandbox", "http://127.0.0.1:9", "v2.0"),
        [Source("card.png", CARD)],
        Spool(factory),
    )
    with factory() as s:
        s.get_one(Run, run_id).status = "running"  # and no heartbeat: a dead worker's
        s.commit()
    locked = threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(path, 1.0, locked))
    holder.start()
    locked.wait(5)
    started = time.monotonic()
    assert mark_interrupted(factory) == [run_id]
    assert time.monotonic() - started >= 0.7  # it waited for the lock
    holder.join()


def test_retrying_waits_only_for_transient_trouble_and_not_forever(monkeypatch):
    from sqlalchemy.exc import IntegrityError, OperationalError

    from store import db
    from store.db import retrying

    tries: list[float] = []
    waits: list[float] = []
    sleep = time.sleep

    def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)
        sleep(seconds)

    monkeypatch.setattr(db.time, "sleep", recorded_sleep)

    def locked() -> None:
        tries.append(time.monotonic())
        raise OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))

    started = time.monotonic()
    with pytest.raises(OperationalError):
        retrying(locked, what="a test", patience=0.6, max_delay=0.2)
    took = time.monotonic() - started
    assert 0.6 <= took < 1.0 and len(tries) >= 4  # bounded: stops at its patience
    # each wait it asked for is at most max_delay (measured between tries, a loaded machine added 0.15 s)
    assert len(waits) == len(tries) - 1 and all(w <= 0.2 for w in waits), waits

    def broken() -> None:
        tries.append(time.monotonic())
        raise IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))

    tries.clear()
    with pytest.raises(IntegrityError):
        retrying(broken, what="a test", patience=5)
    assert len(tries) == 1  # not a database in trouble: raised at once
    calls = iter([OperationalError("x", {}, sqlite3.OperationalError("database is locked")), None])

    def once_locked() -> str:
        err = next(calls)
        if err is not None:
            raise err
        return "ok"

    assert retrying(once_locked, what="a test", patience=5) == "ok"


@pytest.mark.slow  # waits out a held database lock, or stops PostgreSQL
def test_postgresql_stopped_and_started_again_mid_run_is_waited_out(
    busy, sandbox, client, tmp_path, tracebacks
):
    """PostgreSQL stopped (``pg_ctl stop -m immediate``: every connection dropped) for two seconds while a run
    sends, then started again: the run's writes and heartbeat wait, the answers received meanwhile are
    kept, the run finishes ``done`` and nothing is sent twice."""
    import os
    import shutil
    import subprocess

    from tests.support import postgres

    if reason := unavailable_reason():
        pytest.skip(reason)
    bindir = postgres._bin_dir()
    root = tempfile.mkdtemp(prefix="studio-pg-restart-")
    data = os.path.join(root, "data")
    os.chmod(root, 0o755)
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_pg:
        shutil.chown(root, "postgres", "postgres")
    port = postgres._free_port()
    subprocess.run(
        [*as_pg, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
    )

    def pg_ctl(*args: str) -> None:
        subprocess.run(
            [
                *as_pg,
                f"{bindir}/pg_ctl",
                "-D",
                data,
                "-w",
                "-l",
                os.path.join(root, "log"),
                "-o",
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
                *args,
            ],
            check=True,
            capture_output=True,
        )

    pg_ctl("start")
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    try:
        factory = session_factory(url)
        spool = Spool(factory)
        sandbox.backend.set_faults(Faults(latency_ms=300, result_code=5000001, rate=1.0, route="credit-card"))
        run_id = card_sweep_run(factory, spool, sandbox, ITEMS)
        outcome: dict[str, str] = {}
        worker = threading.Thread(
            target=lambda: outcome.setdefault("status", execute_run(factory, run_id, client, spool))
        )
        worker.start()
        while True:
            with factory() as s:
                if (s.scalar(select(Run.done).where(Run.id == run_id)) or 0) >= 2:
                    break
            time.sleep(0.01)
        pg_ctl("-m", "immediate", "stop")
        time.sleep(2.0)
        pg_ctl("start")
        worker.join(90)
        assert outcome.get("status") == "done"
        with factory() as s:
            run = s.get_one(Run, run_id)
            assert (run.status, run.done, run.total) == ("done", ITEMS, ITEMS)
            assert all(i.result_code == 5000001 for i in run.items)  # every answer kept
        assert sandbox.backend.journal.calls("credit-card") == ITEMS
        assert not tracebacks.threads and not tracebacks.records
    finally:
        engine_for(url).dispose()
        subprocess.run(
            [*as_pg, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)
