"""A crash never bills twice (audit finding D7): a worker process killed with SIGKILL while requests are on
the wire, then the start-up recovery (``qa.tasks.recover``, the queue in Huey's immediate mode) on SQLite
and on a real PostgreSQL. Counted at the sandbox, which journals every request that arrives: the items
that were on the wire at the kill are ``unknown`` and are not sent again by the recovery — N items, N
POSTs (it was N + the number in flight) — and only a resend confirmed with their exact number sends them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from access.policy import LOCAL_USER
from qa import tasks
from qa.runner import NotConfirmed, resend_unknown, run_facts
from sandbox.faults import Faults
from store import Item, Run, session_factory
from tests.support.apptest import ROOT
from tests.support.lab_runs import card_sweep_run
from tests.support.postgres import database_url

ITEMS = 10
WORKER = """
import sys
from ocr_core import OcrClient, Settings
from qa.runner import execute_run
from qa.tasks import spool
from store import session_factory
url, db, run_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
with OcrClient(Settings(base_url=url, app_key="sandbox-appkey", secret_key="sandbox-secretkey")) as c:
    execute_run(session_factory(db), run_id, c, spool(db))
"""


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db(request, tmp_path):
    with database_url(request.param, str(tmp_path)) as url:
        yield url


@pytest.fixture
def immediate_queue():
    tasks.huey.immediate = True  # Huey's documented test mode: a task runs when it is enqueued
    try:
        yield
    finally:
        tasks.huey.immediate = False


def _calls(sandbox) -> int:
    return sandbox.backend.journal.calls("credit-card")


def _answered(factory, run_id: int) -> int:
    with factory() as s:
        return int(s.execute(select(Run.done).where(Run.id == run_id)).scalar_one())


def _on_the_wire(factory, run_id: int) -> int:
    """The run's items its worker marked as being sent."""
    with factory() as s:
        return len(s.scalars(select(Item.id).where(Item.run_id == run_id, Item.state == "sending")).all())


@pytest.mark.slow  # kills a worker process mid-run
def test_a_killed_worker_with_requests_in_flight_is_recovered_without_sending_them_again(
    sandbox, db, immediate_queue
):
    factory = session_factory(db)
    sandbox.backend.journal.clear()
    sandbox.backend.set_faults(Faults(latency_ms=600, result_code=5000001, rate=1.0, route="credit-card"))
    try:
        run_id = card_sweep_run(factory, tasks.spool(db), sandbox, ITEMS)
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, sandbox.base_url, db, str(run_id)], cwd=ROOT, env={**os.environ}
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                if _answered(factory, run_id) < 3:
                    time.sleep(0.01)
                    continue
                # The worker's two slots answer a few milliseconds apart, so a state read while it runs
                # may be gone by the kill (CI: the next answer recorded, its follower not yet sent). It is
                # read with the worker stopped, after a moment for bytes already written to arrive.
                os.kill(proc.pid, signal.SIGSTOP)
                time.sleep(0.2)
                if _on_the_wire(factory, run_id) == 2 and _calls(sandbox) == _answered(factory, run_id) + 2:
                    break  # three or more answered, two requests on the wire
                os.kill(proc.pid, signal.SIGCONT)
                time.sleep(0.01)
            os.kill(proc.pid, signal.SIGKILL)  # a crash: nothing of the worker runs after this
        finally:
            proc.wait(10)
        with factory() as s:
            answered = s.execute(select(Run.done).where(Run.id == run_id)).scalar_one()
        in_flight = _calls(sandbox) - answered
        assert 3 <= answered < ITEMS and in_flight == 2

        assert tasks.recover(db, watch_seconds=0.3) == [run_id]  # the dashboard's start-up, nobody watching
        with factory() as s:
            run = s.get_one(Run, run_id)
            states = [i.state for i in run.items]
            assert run.status == "done" and run.done == run.total == ITEMS
        assert states.count("unknown") == in_flight
        assert _calls(sandbox) == ITEMS  # each item sent once: nothing billed twice (was ITEMS + in_flight)
        facts = run_facts(factory, run_id, tasks.spool(db))
        assert facts.unknown == in_flight and facts.images_kept

        with pytest.raises(NotConfirmed):  # a confirmation of another number sends nothing
            resend_unknown(factory, run_id, tasks.spool(db), by=LOCAL_USER, confirmed=in_flight - 1)
        assert _calls(sandbox) == ITEMS
        resend_unknown(factory, run_id, tasks.spool(db), by=LOCAL_USER, confirmed=in_flight)
        tasks.enqueue(run_id, db, "sandbox", "v2.0")
        with factory() as s:
            run = s.get_one(Run, run_id)
            assert run.status == "done" and run.done == run.total == ITEMS
            assert all(i.result_code == 5000001 for i in run.items)
        assert _calls(sandbox) == ITEMS + in_flight  # the confirmed ones, once more, as confirmed
        assert not tasks.spool(db).has(run_id)
    finally:
        sandbox.backend.set_faults(Faults())
        sandbox.backend.journal.clear()
