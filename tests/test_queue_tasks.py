"""The lab's queue (``qa.tasks``) in Huey's immediate mode (its documented test mode: a task runs when it
is enqueued, on an in-memory queue): the task executes a queued run; ``recover`` resumes a dead worker's
run without resending what was on the wire, finishes a cancel asked of a dead worker's run instead of
resuming it, and queues again what is waiting. Which queue ``STUDIO_QUEUE_URL`` names, without a Redis.
The embedded consumer (threads, no signal handlers) started and stopped for real. Each test takes well
under two seconds: the sandbox answers with a fault, so no image is recognised. The crash itself (a
worker killed with SIGKILL, requests on the wire) is ``test_qa_crash_billing``.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from sqlalchemy import select, update

from qa import tasks
from sandbox.faults import Faults
from store import Item, Run, data_dir, session_factory
from tests.support.apptest import RunningSandbox
from tests.support.lab_runs import card_sweep_run

ITEMS = 5


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'runs.db'}"


@pytest.fixture
def immediate() -> Iterator[None]:
    tasks.huey.immediate = True  # the in-memory queue (immediate_use_memory, Huey's default)
    try:
        yield
    finally:
        tasks.huey.immediate = False


@pytest.fixture
def fast_sandbox(sandbox: RunningSandbox) -> Iterator[RunningSandbox]:
    """The session's sandbox (its URL in the environment: the task's default settings use it), answering
    every credit-card call at once with a fault, its journal counting only this test's calls."""
    sandbox.backend.journal.clear()
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))
    try:
        yield sandbox
    finally:
        sandbox.backend.set_faults(Faults())
        sandbox.backend.journal.clear()


def _calls(sandbox: RunningSandbox) -> int:
    return int(sandbox.backend.journal.calls("credit-card"))


def _run(db: str, sandbox: RunningSandbox) -> int:
    """A queued run of ITEMS items (one image, a blur sweep), not on any queue."""
    return card_sweep_run(session_factory(db), tasks.spool(db), sandbox, ITEMS)


def _left_by_a_dead_worker(db: str, run_id: int, status: str, *, answered: int, sending: int) -> None:
    """What a worker killed mid-run leaves: the run ``status`` with a heartbeat that will not move,
    ``answered`` items done, the next ``sending`` on the wire."""
    factory = session_factory(db)
    with factory() as s:
        ids = list(s.scalars(select(Item.id).where(Item.run_id == run_id).order_by(Item.position)))
        s.execute(
            update(Item)
            .where(Item.id.in_(ids[:answered]))
            .values(state="done", result_code=5000001, finished_at=datetime.now(UTC))
        )
        s.execute(update(Item).where(Item.id.in_(ids[answered : answered + sending])).values(state="sending"))
        s.execute(
            update(Run)
            .where(Run.id == run_id)
            .values(
                status=status,
                done=answered,
                started_at=datetime.now(UTC) - timedelta(seconds=30),
                heartbeat_at=datetime.now(UTC) - timedelta(seconds=1),
            )
        )
        s.commit()


def _states(db: str, run_id: int) -> tuple[str, list[str]]:
    with session_factory(db)() as s:
        run = s.get(Run, run_id)
        assert run is not None
        return run.status, [i.state for i in sorted(run.items, key=lambda i: i.position)]


def test_the_task_executes_a_queued_run(fast_sandbox, db, immediate):
    run_id = _run(db, fast_sandbox)
    tasks.enqueue(run_id, db, "sandbox", "v2.0")  # immediate mode: executed here, now
    status, states = _states(db, run_id)
    assert status == "done" and states == ["failed"] * ITEMS  # each answered (with the fault)
    assert _calls(fast_sandbox) == ITEMS
    assert not tasks.spool(db).has(run_id)  # the sealed images dropped with the finished run


def test_recover_resumes_a_dead_workers_run_and_never_resends_what_was_on_the_wire(
    fast_sandbox, db, immediate
):
    run_id = _run(db, fast_sandbox)
    _left_by_a_dead_worker(db, run_id, "running", answered=1, sending=2)

    assert tasks.recover(db, watch_seconds=0.2) == [run_id]  # the heartbeat stood still: dead

    status, states = _states(db, run_id)
    assert status == "done"
    assert states == ["done", "unknown", "unknown", "failed", "failed"]  # the two on the wire: unknown
    assert _calls(fast_sandbox) == ITEMS - 1 - 2  # only the never-sent items were sent
    with session_factory(db)() as s:
        run = s.get(Run, run_id)
        assert run is not None and run.done == run.total == ITEMS


def test_recover_leaves_a_run_whose_heartbeat_moves(fast_sandbox, db, immediate):
    """A ``running`` run whose worker lives in another process (several consumers on Redis) beats: not
    dead."""
    run_id = _run(db, fast_sandbox)
    _left_by_a_dead_worker(db, run_id, "running", answered=1, sending=1)
    factory = session_factory(db)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(0.02):
            with factory() as s:
                s.execute(update(Run).where(Run.id == run_id).values(heartbeat_at=datetime.now(UTC)))
                s.commit()

    beating = threading.Thread(target=beat)
    beating.start()
    try:
        assert tasks.recover(db, watch_seconds=0.3) == []
    finally:
        stop.set()
        beating.join()
    status, states = _states(db, run_id)
    assert status == "running" and states.count("sending") == 1
    assert _calls(fast_sandbox) == 0


def test_recover_finishes_a_cancel_instead_of_resuming(fast_sandbox, db, immediate):
    """Cancel asked (``cancelling``), then the worker died: the run ends ``cancelled``, nothing is sent."""
    run_id = _run(db, fast_sandbox)
    _left_by_a_dead_worker(db, run_id, "cancelling", answered=1, sending=1)

    assert tasks.recover(db, watch_seconds=0.2) == []

    status, states = _states(db, run_id)
    assert status == "cancelled"
    assert states == ["done", "unknown", "pending", "pending", "pending"]
    assert _calls(fast_sandbox) == 0
    assert not tasks.spool(db).has(run_id)


def test_recover_queues_a_waiting_run_once_and_leaves_ended_ones(fast_sandbox, db, immediate):
    """A ``queued`` run whose task is gone (a restart lost the SQLite queue) is queued again; a run
    already on the queue is not queued twice; a cancelled run is not resumed."""
    lost = _run(db, fast_sandbox)
    ended = _run(db, fast_sandbox)
    with session_factory(db)() as s:
        s.execute(
            update(Run).where(Run.id == ended).values(status="cancelled", finished_at=datetime.now(UTC))
        )
        s.commit()

    assert tasks.recover(db, watch_seconds=0.2) == [lost]

    assert _states(db, lost)[0] == "done"
    assert _states(db, ended) == ("cancelled", ["pending"] * ITEMS)
    assert _calls(fast_sandbox) == ITEMS


def _own_queue(monkeypatch: pytest.MonkeyPatch, queue: Huey) -> None:
    """``qa.tasks`` on a queue of this test's own, its task registered there under the same name."""
    monkeypatch.setattr(tasks, "huey", queue)
    monkeypatch.setattr(tasks, "execute", queue.task(name=tasks.execute.name)(tasks.execute.func))


def test_recover_does_not_queue_twice_what_is_on_the_queue(fast_sandbox, db, monkeypatch):
    """Not immediate: the task waits on the queue (in memory, never consumed), and recovery sees it there."""
    _own_queue(monkeypatch, MemoryHuey("studio-qa", results=False))
    run_id = _run(db, fast_sandbox)
    tasks.enqueue(run_id, db, "sandbox", "v2.0")

    assert tasks.recover(db, watch_seconds=0.2) == []

    assert [t.args[0] for t in tasks.huey.pending()] == [run_id]  # still once
    assert _states(db, run_id)[0] == "queued" and _calls(fast_sandbox) == 0


def test_the_queue_is_the_one_studio_queue_url_names(monkeypatch):
    redis = tasks._make_huey("redis://:secret@queue.example:6390/3")  # redis-py connects on first use only
    assert isinstance(redis, RedisHuey) and redis.name == "studio-qa"
    pool = redis.storage.pool.connection_kwargs
    assert (pool["host"], pool["port"], pool["db"], pool["password"]) == ("queue.example", 6390, 3, "secret")

    monkeypatch.setenv(tasks.QUEUE_URL_ENV, "redis://127.0.0.1:6391/0")
    assert isinstance(tasks._make_huey(), RedisHuey)

    monkeypatch.delenv(tasks.QUEUE_URL_ENV)
    sqlite = tasks._make_huey()
    assert isinstance(sqlite, SqliteHuey) and not isinstance(sqlite, RedisHuey)
    assert sqlite.storage.filename == str(data_dir() / "queue.db")


def test_the_embedded_consumer_runs_a_queued_run_in_threads_and_leaves_signals_alone(
    fast_sandbox, db, monkeypatch, tmp_path
):
    """Started from a thread other than the main one, as ``serve.py`` does: Huey's ``Consumer.start()``
    would install signal handlers there (a ValueError); the embedded one installs none, anywhere."""
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    _own_queue(monkeypatch, SqliteHuey("studio-qa", filename=str(tmp_path / "queue.db"), results=False))
    monkeypatch.setattr(tasks, "_consumer", None)
    run_id = _run(db, fast_sandbox)
    tasks.enqueue(run_id, db, "sandbox", "v2.0")  # on the SQLite queue, waiting

    started: list[tasks.EmbeddedConsumer] = []
    starter = threading.Thread(target=lambda: started.append(tasks.start_consumer(db, recover_runs=False)))
    starter.start()
    starter.join()
    try:
        assert started and started[0] is tasks.start_consumer(db)  # once per process
        deadline = time.monotonic() + 10
        while _states(db, run_id)[0] != "done" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _states(db, run_id)[0] == "done" and _calls(fast_sandbox) == ITEMS
        assert {sig: signal.getsignal(sig) for sig in before} == before
    finally:
        tasks.stop_consumer()
    assert tasks._consumer is None
