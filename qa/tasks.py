"""The lab's task queue: Huey. SQLite storage in the data folder by default (embedded: no server);
``STUDIO_QUEUE_URL=redis://host:6379/0`` switches to Redis, where several ``huey_consumer
qa.tasks.huey`` processes on several machines share the work.

One task executes one run (its items in a bounded thread pool with a calls-per-second cap, see
``qa.runner``); every state lives in the database, so a page only reads progress. ``./studio run``
needs nothing else: the dashboard starts a consumer inside its own process (``start_consumer``) —
it already holds the embedded sandbox and the configured credentials, and stops with it.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey

from ocr_core import OcrClient, Settings
from qa.backend import sandbox_settings
from qa.runner import execute_run, mark_interrupted
from qa.spool import Spool
from store import data_dir, session_factory

QUEUE_URL_ENV = "STUDIO_QUEUE_URL"
log = logging.getLogger("qa")


def _make_huey() -> Huey:
    url = os.environ.get(QUEUE_URL_ENV, "")
    if url.startswith("redis://"):
        return RedisHuey("studio-qa", url=url, results=False)
    return SqliteHuey("studio-qa", filename=str(data_dir() / "queue.db"), results=False)


huey = _make_huey()

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


def spool() -> Spool:
    return Spool(data_dir() / "spool")


@huey.task()
def execute(run_id: int, db_url: str, backend: str, api_version: str) -> str:
    factory = session_factory(db_url)
    with OcrClient(_settings_for(backend, api_version)) as client:
        return execute_run(factory, run_id, client, spool())


def enqueue(run_id: int, db_url: str, backend: str, api_version: str) -> None:
    execute(run_id, db_url, backend, api_version)


_consumer: Any = None
_consumer_lock = threading.Lock()


def start_consumer(db_url: str, *, workers: int = 2) -> Any:
    """Start a Huey consumer in background threads of this process (once); runs left ``running`` by a
    previous process are marked interrupted first."""
    global _consumer
    with _consumer_lock:
        if _consumer is not None:
            return _consumer
        mark_interrupted(session_factory(db_url), stale_after=15.0)
        consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=False,
                                        check_worker_health=False)
        # Consumer.start() also installs signal handlers, which only the main thread may do.
        consumer.scheduler.start()
        for _, worker in consumer.worker_threads:
            worker.start()
        _consumer = consumer
        return consumer


def stop_consumer() -> None:
    global _consumer
    with _consumer_lock:
        if _consumer is not None:
            _consumer.stop(graceful=False)
            _consumer = None
