"""Every door spends the same quotas and leaves the same audit rows: ``python -m ocr_core`` and QA Lab
runs (``python -m qa run`` and the runner the dashboard's queue uses) against "NHN Cloud" — the real
``https://api-ocr.nhncloudservice.com`` configuration, reached through an HTTPS egress proxy that serves
NHN's hosts from a local sandbox (``tests/support/cloud_edge.py``). The sandbox's journal says how many
analyses arrived; the studio database says which rows were written."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from access.audit import request_key_hash
from access.ledger import Ledger
from access.metering import configured_quotas
from ocr_core import OcrClient, Settings
from ocr_core import cli as ocr_cli
from ocr_core.pipeline import prepare
from qa import cli as qa_cli
from qa.runner import RunSpec, Source, create_run, execute_run
from qa.spool import Spool
from sandbox.config import DEMO_APP_KEY, DEMO_SECRET_KEY, SandboxConfig
from sandbox.server import RunningSandbox, start_sandbox
from store import engine_for, session_factory, upgrade
from store.models import Item, Run
from tests.support.cloud_edge import CLOUD_URL, cloud_edge
from tests.support.postgres import database_url

ROOT = Path(__file__).resolve().parents[1]
CARD = ROOT / "samples" / "cards" / "visa_blue_flat.png"
ID_CARD = ROOT / "samples" / "ids" / "driver_hong_gildong.png"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cloud() -> Iterator[RunningSandbox]:
    """The sandbox that plays NHN Cloud behind the edge (its own, so its journal counts only ours)."""
    with start_sandbox(SandboxConfig()) as running:
        yield running


@pytest.fixture(scope="module")
def edge(cloud: RunningSandbox, tmp_path_factory) -> Iterator[dict[str, str]]:
    with cloud_edge(cloud.base_url, tmp_path_factory.mktemp("edge")) as env:
        yield env


@pytest.fixture()
def database(request, tmp_path) -> Iterator[str]:
    """An SQLite file; a fresh PostgreSQL server for a test marked ``@pytest.mark.parametrize("database",
    ["postgresql"], indirect=True)``."""
    with database_url(getattr(request, "param", "sqlite"), str(tmp_path)) as url:
        yield url


@pytest.fixture()
def studio(edge, cloud, database, tmp_path, monkeypatch) -> dict[str, Any]:
    """A fresh studio database and secrets file; the NHN Cloud credentials and the egress proxy in the
    environment, as an operator's shell would have them."""
    url = database
    secrets = tmp_path / "secrets.toml"
    env = {
        **edge,
        "STUDIO_DATABASE_URL": url,
        "STUDIO_SECRETS_FILE": str(secrets),
        "NHN_OCR_APPKEY": DEMO_APP_KEY,
        "NHN_OCR_SECRETKEY": DEMO_SECRET_KEY,
        "NHN_OCR_BASE_URL": CLOUD_URL,
        "STUDIO_USER": "carol@corp.test",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("NHN_OCR_API_VERSION", raising=False)
    cloud.backend.reset()
    upgrade(url)
    return {"url": url, "secrets": secrets, "env": env, "ledger": Ledger(engine_for(url))}


def quotas(studio: dict[str, Any], **limits: int) -> None:
    studio["secrets"].write_text("[quotas]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items()), "utf-8")


def rows(studio: dict[str, Any], kind: str, where: str | None = None) -> list[dict]:
    return list(studio["ledger"].events(kinds=[kind], where=where))


def ocr(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = ocr_cli.main(list(argv), out=out, err_out=err)
    return code, out.getvalue(), err.getvalue()


def assert_no_values(found: list[dict], *secrets: str) -> None:
    text = json.dumps(found, default=str)
    for secret in secrets:
        assert secret not in text


def test_the_ocr_core_cli_spends_the_quota_and_writes_one_row_per_billed_call(studio, cloud):
    quotas(studio, user_daily_analysis=2)
    truth = json.loads(CARD.with_suffix(".json").read_text("utf-8"))["fields"]["cardNumber"]
    for _ in range(2):
        code, _, err = ocr("--json", "credit-card", str(CARD))
        assert code == 0, err
    assert cloud.backend.journal.calls("credit-card") == 2
    # The third is refused before anything is sent, in plain words, with the input/refusal exit code;
    # a real process this time, as an operator runs it.
    proc = subprocess.run(
        [sys.executable, "-m", "ocr_core", "credit-card", str(CARD)],
        cwd=ROOT,
        env={**os.environ, **studio["env"]},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == ocr_cli.EXIT_INPUT, proc.stderr
    assert "daily quota of 2 billed analysis calls" in proc.stderr and "Nothing was sent" in proc.stderr
    assert cloud.backend.journal.calls("credit-card") == 2

    calls = rows(studio, "api_call", "cli")
    assert len(calls) == 2
    sent = prepare(CARD.read_bytes(), name=CARD.name).data
    for row in calls:
        assert (row["user"], row["backend"], row["api_version"], row["service"], row["result_code"]) == (
            "carol@corp.test",
            "cloud",
            "v2.0",
            "credit-card",
            0,
        )
        assert row["latency_ms"] > 0 and row["image_sha256"] == hashlib.sha256(sent).hexdigest()
    refused = rows(studio, "refused", "cli")
    assert [r["action"] for r in refused] == ["quota:user_daily"]
    assert_no_values(calls + refused, truth, truth[-4:] + '"', DEMO_SECRET_KEY, DEMO_APP_KEY)
    usage = studio["ledger"].usage(
        "carol@corp.test", "analysis", studio["ledger"].limits(configured_quotas())
    )
    assert (usage.user_today, usage.month) == (2, 2)


def test_stand_alone_is_counted_apart_and_a_request_key_only_as_a_digest(studio, cloud):
    quotas(studio, user_daily_analysis=2, user_daily_stand_alone=1, monthly_stand_alone=1)
    code, out, err = ocr("--json", "--user", "dave@corp.test", "id-card", str(ID_CARD))
    assert code == 0, err
    request_key = json.loads(out)["requestKey"]
    code, _, err = ocr(
        "--user",
        "dave@corp.test",
        "verify",
        "--request-key",
        request_key,
        "--id-type",
        "driver",
        "--name",
        "홍길동",
        "--resident-number",
        "9001011",
        "--driver-license-number",
        "11-19-123456-12",
        "--serial-num",
        "AB12C3",
    )
    assert code == 0, err
    # The analysis quota (2) is used up, authenticity included; stand-alone is priced and counted apart.
    assert ocr("--user", "dave@corp.test", "credit-card", str(CARD))[0] == ocr_cli.EXIT_INPUT
    assert ocr("--user", "dave@corp.test", "id-card", "--stand-alone", str(ID_CARD))[0] == 0
    code, _, err = ocr("--user", "erin@corp.test", "id-card", "--stand-alone", str(ID_CARD))
    assert code == ocr_cli.EXIT_INPUT and "monthly quota of 1" in err  # the deployment's month, for everyone
    assert (
        cloud.backend.journal.calls("id-card") == 1
        and cloud.backend.journal.calls("id-card/stand-alone") == 1
    )
    calls = rows(studio, "api_call", "cli")
    assert sorted(r["service"] for r in calls) == ["authenticity", "id-card", "stand-alone"]
    verify = next(r for r in calls if r["service"] == "authenticity")
    assert verify["request_key_hash"] == request_key_hash(request_key)
    assert_no_values(calls, request_key, "900101", "홍길동")


def test_the_sandbox_is_not_billed_and_not_counted(studio, sandbox, monkeypatch):
    quotas(studio, user_daily_analysis=0)
    monkeypatch.setenv("NHN_OCR_BASE_URL", sandbox.base_url)
    assert ocr("credit-card", str(CARD))[0] == 0
    assert not rows(studio, "api_call") and not rows(studio, "refused")


def _run(studio: dict[str, Any], n_images: int, concurrency: int, user: str) -> tuple[int, str]:
    factory = session_factory(studio["url"])
    spool = Spool(factory)
    spec = RunSpec("credit-card", "cloud", CLOUD_URL, "v2.0", concurrency=concurrency, started_by=user)
    run_id = create_run(
        factory, spec, [Source(f"card{i}.png", CARD.read_bytes()) for i in range(n_images)], spool
    )
    settings = Settings(base_url=CLOUD_URL, app_key=DEMO_APP_KEY, secret_key=DEMO_SECRET_KEY)
    with OcrClient(settings) as client:
        status = execute_run(factory, run_id, client, spool)
    return run_id, status


def _items(studio: dict[str, Any], run_id: int) -> list[Item]:
    with session_factory(studio["url"])() as s:
        return list(s.query(Item).filter(Item.run_id == run_id).order_by(Item.position))


def test_a_lab_run_reserves_per_item_and_refuses_the_rest_without_failing(studio, cloud):
    quotas(studio, user_daily_analysis=3)
    run_id, status = _run(studio, 5, 1, "fay@corp.test")
    assert status == "done"
    states = [i.state for i in _items(studio, run_id)]
    assert states == ["done", "done", "done", "refused", "refused"]
    assert all(
        (i.result_message or "").startswith("refused: quota")
        for i in _items(studio, run_id)
        if i.state == "refused"
    )
    assert cloud.backend.journal.calls("credit-card") == 3
    calls = rows(studio, "api_call", f"qa-run:{run_id}")
    assert len(calls) == 3 and {r["user"] for r in calls} == {"fay@corp.test"}
    assert all(r["result_code"] == 0 and r["image_sha256"] and r["latency_ms"] > 0 for r in calls)
    assert [r["action"] for r in rows(studio, "refused", f"qa-run:{run_id}")] == ["quota:user_daily"]
    assert f"qa-run:{run_id}" in studio["ledger"].doors()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_ten_concurrent_lab_items_cannot_exceed_the_quota(studio, cloud):
    quotas(studio, user_daily_analysis=4)
    run_id, status = _run(studio, 10, 10, "gus@corp.test")
    assert status == "done"
    states = [i.state for i in _items(studio, run_id)]
    assert states.count("done") == 4 and states.count("refused") == 6
    assert cloud.backend.journal.calls("credit-card") == 4
    assert len(rows(studio, "api_call", f"qa-run:{run_id}")) == 4


def test_python_m_qa_run_is_a_door_too(studio, cloud):
    quotas(studio, user_daily_analysis=1)
    out, err = io.StringIO(), io.StringIO()
    code = qa_cli.main(
        [
            "run",
            "--service",
            "credit-card",
            "--yes",
            "--user",
            "hal@corp.test",
            "--db",
            studio["url"],
            "--sweep",
            "blur:0,1.5",
            str(CARD),
        ],
        out=out,
        err=err,
    )
    assert code == qa_cli.EXIT_INPUT, err.getvalue()
    assert "1 of 2 items were not sent: refused: quota" in err.getvalue()
    with session_factory(studio["url"])() as s:
        run = s.query(Run).order_by(Run.id.desc()).first()
        assert run is not None and run.status == "done" and run.started_by == "hal@corp.test"
        run_id = run.id
    assert cloud.backend.journal.calls("credit-card") == 1
    assert [r["user"] for r in rows(studio, "api_call", f"qa-run:{run_id}")] == ["hal@corp.test"]


def test_without_its_database_a_billed_cli_call_is_not_sent(studio, cloud, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'studio.sqlite3'}"
    monkeypatch.setenv("STUDIO_DATABASE_URL", url)
    code, _, err = ocr("credit-card", str(CARD))
    assert code == ocr_cli.EXIT_USAGE, err
    assert (
        f"the studio database {url} cannot be opened: unable to open database file; it keeps the quotas and "
        "the audit trail, so nothing was sent"
    ) in err, err
    assert cloud.backend.journal.calls("credit-card") == 0


def test_a_broken_quotas_file_stops_a_billed_cli_call_before_it_is_sent(studio, cloud):
    studio["secrets"].write_text("[quotas\nuser_daily_analysis = 1\n", "utf-8")
    code, _, err = ocr("credit-card", str(CARD))
    assert code == ocr_cli.EXIT_USAGE and "cannot read the [quotas] section" in err, err
    assert cloud.backend.journal.calls("credit-card") == 0
