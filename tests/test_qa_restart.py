"""The lab's queue starts with the dashboard, not with a page: a queued run goes on as soon as
``./studio run`` is up with no page open; the process killed mid-run and started again resumes it,
sending only the items that were never sent (counted at a sandbox outside the dashboard): the one on the
wire at the kill is of unknown fate and is not sent again (D7: it was)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from harness.dashboard_process import free_port, running_dashboard, worker_log
from qa.runner import RunSpec, Source, create_run
from qa.spool import Spool, spool_key
from sandbox.faults import Faults
from store import Run, session_factory
from tests.support.apptest import ROOT, SAMPLES

pytestmark = pytest.mark.slow
CARD = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9]  # ten items: the card as given and nine blur levels


def _env(data: Path, sandbox_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STUDIO_DATABASE_URL", "STUDIO_QUEUE_URL")}
    return {
        **env,
        "STUDIO_DATA_DIR": str(data),
        "STUDIO_SANDBOX_URL": sandbox_url,
        "STUDIO_PORT": str(port),
        "STUDIO_ADDRESS": "127.0.0.1",
    }


def _wait(factory, run_id: int, until, timeout: float, what: str) -> Run:
    deadline = time.monotonic() + timeout
    while True:
        with factory() as s:
            run = s.get_one(Run, run_id)
            if until(run):
                return run
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: run is {run.status}, {run.done}/{run.total} after {timeout:.0f} s")
        time.sleep(0.2)


def test_runs_go_on_when_the_dashboard_starts_and_resume_after_a_kill(sandbox, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    factory = session_factory(f"sqlite:///{data / 'studio.sqlite3'}")  # the dashboard's default database
    spec = RunSpec(
        "credit-card", "sandbox", sandbox.base_url, "v2.0", concurrency=1, sweep=[("blur", LEVELS)]
    )
    run_id = create_run(
        factory, spec, [Source("card.png", CARD)], Spool(factory, key=spool_key(data)[0])
    )  # queued, on no queue
    sandbox.backend.journal.clear()
    sandbox.backend.set_faults(Faults(latency_ms=700, result_code=5000001, rate=1.0, route="credit-card"))
    log = worker_log(ROOT / "test-artifacts" / "qa_restart.log")
    try:
        port = free_port()
        with running_dashboard(["./studio", "run"], _env(data, sandbox.base_url, port), port, log) as (
            _,
            pid,
        ):
            # nobody opens a page: the consumer started with the server picks the queued run up
            _wait(
                factory,
                run_id,
                lambda r: r.done >= 3 and sandbox.backend.journal.calls("credit-card") > r.done,
                180,
                "queued run after the first start",
            )  # three answered, the fourth on the wire
            os.killpg(pid, signal.SIGKILL)  # a crash: no shutdown hook runs
            time.sleep(1.0)
        with factory() as s:
            before = s.get_one(Run, run_id)
            answered, status = before.done, before.status
        calls_before = sandbox.backend.journal.calls("credit-card")
        assert status == "running" and 3 <= answered < 10 and calls_before == answered + 1
        port = free_port()
        with running_dashboard(["./studio", "run"], _env(data, sandbox.base_url, port), port, log):
            run = _wait(
                factory,
                run_id,
                lambda r: r.status in ("done", "cancelled", "failed"),
                240,
                "interrupted run after the restart",
            )
        assert run.status == "done" and run.done == run.total == 10
        resent = sandbox.backend.journal.calls("credit-card") - calls_before
        assert resent == 10 - answered - 1  # only the items never sent
        assert sandbox.backend.journal.calls("credit-card") == 10  # each once: nothing billed twice
        with factory() as s:
            items = s.get_one(Run, run_id).items
            assert [i.state for i in items].count("unknown") == 1  # the one on the wire at the kill
            assert all(i.result_code == 5000001 for i in items if i.state != "unknown")
    finally:
        sandbox.backend.set_faults(Faults())
        sandbox.backend.journal.clear()
