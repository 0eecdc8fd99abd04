"""The lab's task queue: Huey. SQLite storage in the data folder by default (embedded: no server);
``STUDIO_QUEUE_URL=redis://host:6379/0`` switches to Redis, where several ``huey_consumer
qa.tasks.huey`` processes on several machines share the work.

One task executes one run (its items in a bounded thread pool with a calls-per-second cap, see
``qa.runner``); every state lives in the database, so a page only reads progress. ``./studio run``
needs nothing else: the dashboard starts a consumer inside its own process when it starts
(``serve.py`` → ``start_consumer``) — it already holds the embedded sandbox and the configured
credentials, and stops with it — and ``recover`` puts back on the queue what a previous process left:
runs whose worker died (only their never-sent items are sent; the items that were on the wire when it
died are ``unknown`` and wait for a person's counted confirmation on the Runs page) and queued runs whose
task is gone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer
from sqlalchemy import select

from appconfig import settings
from ocr_core import OcrClient, Settings
from qa.backend import sandbox_settings
from qa.runner import CONTROL_PATIENCE, HEARTBEAT_SECONDS, execute_run, mark_dead, recovery_cancel, requeue
from qa.spool import Spool
from store import Run, data_dir, default_url, session_factory
from store.db import retrying

QUEUE_URL_ENV = "STUDIO_QUEUE_URL"
log = logging.getLogger("qa")


def _make_huey(url: str | None = None) -> Huey:
    """The queue ``STUDIO_QUEUE_URL`` names (``url``, when given, instead): Redis, or SQLite in the data
    folder."""
    if url is None:
        url = settings().QUEUE_URL
    if url.startswith("redis://"):
        return RedisHuey("studio-qa", url=url, results=False)
    return SqliteHuey("studio-qa", filename=str(data_dir() / "queue.db"), results=False)


huey = _make_huey()


def queue_kind() -> str:
    """Where the queue lives, for the log (never the URL: it may carry a password)."""
    return "Redis" if isinstance(huey, RedisHuey) else f"SQLite in {data_dir()}"


SettingsFor = Callable[[str, str], Settings]
"""(backend kind, api version) → the client settings to use in this process."""


def _default_settings_for(kind: str, api_version: str) -> Settings:
    if kind == "cloud":
        return Settings.from_env(api_version=api_version)
    return sandbox_settings(api_version=api_version)


_settings_for: SettingsFor = _default_settings_for


def configure(settings_for: SettingsFor) -> None:
    """Where this process's workers get client settings (the dashboard passes its own resolver:
    its embedded sandbox, credentials from secrets.toml)."""
    global _settings_for
    _settings_for = settings_for


def spool(db_url: str | None = None) -> Spool:
    """The runs' sealed inputs, in the studio database every worker shares (``qa.spool``)."""
    return Spool(session_factory(db_url or default_url()))


@huey.task()
def execute(run_id: int, db_url: str, backend: str, api_version: str) -> str:
    factory = session_factory(db_url)
    with OcrClient(_settings_for(backend, api_version)) as client:
        return execute_run(factory, run_id, client, Spool(factory))


def enqueue(run_id: int, db_url: str, backend: str, api_version: str) -> None:
    execute(run_id, db_url, backend, api_version)


class EmbeddedConsumer(Consumer):
    """Huey's consumer for inside another program's process, started and stopped with Huey's documented
    ``Consumer.start()`` and ``Consumer.stop()`` (Huey's docs, "create_consumer" and "Consumer":
    "useful for embedding the consumer within your own application process").

    ``start()`` ends by installing handlers for SIGINT, SIGTERM and SIGHUP — right for the
    ``huey_consumer`` command, whose process it owns, wrong here: the dashboard's server owns this
    process's signals (Ctrl-C stops the server, which stops this consumer), and the consumer is started
    from a thread other than the main one, where ``signal.signal`` raises ``ValueError`` (after the
    workers were started). So that one step, ``Consumer._set_signal_handlers``, does nothing here.
    """

    def _set_signal_handlers(self) -> None:
        pass


_consumer: EmbeddedConsumer | None = None
_consumer_lock = threading.Lock()


def start_consumer(db_url: str, *, workers: int = 2, recover_runs: bool = True) -> EmbeddedConsumer:
    """Start a Huey consumer in background threads of this process (once), then (in another thread)
    put back on the queue what a previous process left unfinished (``recover``)."""
    global _consumer
    with _consumer_lock:
        if _consumer is not None:
            return _consumer
        session_factory(db_url)  # the schema is up to date before any worker touches it
        # Threads, not processes: they share this process's embedded sandbox and credentials. No
        # periodic tasks (there are none); no health checks (those run in Consumer.run()'s loop, which an
        # embedded consumer does not run).
        consumer = EmbeddedConsumer(
            huey, workers=workers, worker_type="thread", periodic=False, check_worker_health=False
        )
        consumer.start()
        _consumer = consumer
        if recover_runs:
            threading.Thread(target=_recover_logged, args=(db_url,), name="qa-recover", daemon=True).start()
        return consumer


def _recover_logged(db_url: str) -> None:
    try:
        resumed = recover(db_url)
    except Exception:  # a database that is down must not take the dashboard with it
        log.exception("QA lab: could not recover unfinished runs")
        return
    if resumed:
        log.info("QA lab: runs %s back on the queue", ", ".join(map(str, resumed)))


def _live(db_url: str) -> dict[int, tuple[str, datetime | None]]:
    def read() -> dict[int, tuple[str, datetime | None]]:
        with session_factory(db_url)() as s:
            return {
                rid: (status, beat)
                for rid, status, beat in s.execute(
                    select(Run.id, Run.status, Run.heartbeat_at).where(
                        Run.status.in_(("running", "cancelling"))
                    )
                )
            }

    return retrying(read, what="looking for unfinished QA runs", patience=CONTROL_PATIENCE)


def recover(db_url: str, *, watch_seconds: float = 2.5 * HEARTBEAT_SECONDS) -> list[int]:
    """What a previous process left, back on the queue; returns the run ids queued again.

    A ``running`` run's worker may live in another process (several consumers on Redis), so it counts
    as dead only when its heartbeat does not move for ``watch_seconds``; it is then resumed — only the
    items that were never sent are sent; those that were on the wire when it died become ``unknown`` and
    are not resent (they may have been billed: the Runs page asks a person, with their number) — or
    cancelled, if a cancel was asked. A ``queued`` or ``interrupted`` run whose task is no longer in the
    queue is queued again. The resumed runs stay booked to whom they were booked to.
    """
    factory = session_factory(db_url)
    before = _live(db_url)
    if before:
        time.sleep(watch_seconds)
    after = _live(db_url)
    dead = [rid for rid, seen in before.items() if after.get(rid) == seen]
    if dead:
        mark_dead(factory, dead)

    def read_waiting() -> list[Any]:
        with factory() as s:
            return list(
                s.execute(
                    select(Run.id, Run.status, Run.backend, Run.api_version)
                    .where(Run.status.in_(("queued", "interrupted")))
                    .order_by(Run.id)
                ).all()
            )

    waiting = retrying(read_waiting, what="looking for queued QA runs", patience=CONTROL_PATIENCE)
    on_queue = {task.args[0] for task in huey.pending() if task.name.endswith("execute") and task.args}
    resumed = []
    for rid, status, backend, api_version in waiting:
        if rid in dead and before[rid][0] == "cancelling":
            recovery_cancel(factory, rid, spool(db_url))
            continue
        if status == "interrupted":
            requeue(factory, rid)
        elif rid in on_queue:
            continue
        enqueue(rid, db_url, backend, api_version)
        resumed.append(rid)
    return resumed


def stop_consumer() -> None:
    global _consumer
    with _consumer_lock:
        if _consumer is not None:
            # Not graceful: a run in progress is not waited for (it may take minutes); its threads are
            # daemons and end with the process, and the next start's ``recover`` resumes the run.
            _consumer.stop(graceful=False)
            _consumer = None
