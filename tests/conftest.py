"""Shared pytest set-up: keep Streamlit and every library we start offline and quiet."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import tests.support.qa_env  # noqa: F401  (the QA lab's data folder: a temporary one, set before qa is imported)
from harness.browser import chromium
from harness.dashboard_process import ROOT, studio_run, worker_log
from tests.support.apptest import faults, sandbox  # noqa: F401 - the AppTests' sandbox fixtures, for every module

os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
os.environ.setdefault(
    "STUDIO_WARM_ENGINE", "0"
)  # no engine warm-up per test process (bench_first_result measures it)


def _remember_readings() -> None:
    """Every sandbox this process starts reads with the real engine, each distinct image once
    (``harness.readings.RememberingEngine``): hundreds of AppTests analyse the same specimens to check
    what the dashboard does with a result. The engine's own tests read through it too: each of their
    images is read for real the first time, and a reading depends on nothing but the pixels."""
    import sandbox.engine
    from harness.readings import RememberingEngine
    from sandbox.engine.recognizer import shared_engine

    remembering = RememberingEngine(shared_engine())  # models load on the first read, not here
    sandbox.engine.get_engine = lambda: remembering


_remember_readings()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """The order's seed, also under ``-q`` (which hides pytest-randomly's header line): any failure can be
    run again in the same order."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int) and not hasattr(config, "workerinput"):
        terminalreporter.write_line(f"random order: repeat it with --randomly-seed={seed}")


@pytest.fixture(scope="session")
def studio_template(tmp_path_factory) -> Path:
    """One studio database migrated to head by Alembic, once per test process: every test gets a copy
    (a file copy takes under a millisecond; an Alembic upgrade about 100 ms)."""
    from sqlalchemy import text

    from store import db

    path = tmp_path_factory.mktemp("studio-template") / "studio.sqlite3"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    engine = db.engine_for(url)
    with engine.connect() as conn:  # everything in the main file, nothing left in the WAL
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute(text("SELECT 1"))
    _forget_engine(url)
    return path


@pytest.fixture(scope="session")
def new_studio_database(studio_template: Path, tmp_path_factory) -> Callable[[], str]:
    """Makes a studio database of its own (a copy of the migrated template) and returns its URL."""

    def make() -> str:
        path = tmp_path_factory.mktemp("db", numbered=True) / "studio.sqlite3"
        shutil.copyfile(studio_template, path)
        return f"sqlite:///{path}"

    return make


@pytest.fixture(scope="session", autouse=True)
def studio_database(new_studio_database: Callable[[], str]) -> Iterator[str]:
    """Tests never write into the checkout's data/ folder. What a module- or session-scoped fixture sets
    up before any test runs uses this database; each test then gets its own (``fresh_studio_database``)."""
    url = new_studio_database()
    previous = os.environ.get("STUDIO_DATABASE_URL")
    os.environ["STUDIO_DATABASE_URL"] = url
    yield url
    if previous is None:
        os.environ.pop("STUDIO_DATABASE_URL", None)
    else:
        os.environ["STUDIO_DATABASE_URL"] = previous


@pytest.fixture(autouse=True)
def fresh_studio_database(new_studio_database: Callable[[], str]) -> Iterator[str]:
    """Every test starts on its own studio database (ledger, audit trail, runs, settings, grants), a copy
    of the migrated template, and with none of the process-wide state a previous test left: the
    environment, the dashboard's caches of the database and of what it read from it."""
    url = new_studio_database()
    environ = dict(os.environ)
    os.environ["STUDIO_DATABASE_URL"] = url
    _reset_process_state()
    yield url
    _stop_queue_consumer()
    _reset_process_state()
    os.environ.clear()
    os.environ.update(environ)
    _forget_engine(url)


def _stop_queue_consumer() -> None:
    """Stop the embedded QA queue consumer a test started (a QA Lab page starts one), waiting for the
    runs its workers are executing, and drop what is still queued: those runs belong to this test's
    database, which is closed next. Left running, a worker went on with a run while its database's
    connections were closed under it (a segmentation fault in SQLite), or kept the next test's run
    waiting behind a previous test's."""
    import sys

    if "qa.tasks" not in sys.modules:  # no test has touched the queue: nothing to stop
        return
    from qa import tasks

    with tasks._consumer_lock:
        consumer, tasks._consumer = tasks._consumer, None
    if consumer is not None:
        consumer.shutdown_timeout = 20
        consumer.stop(graceful=True)
        tasks.huey.flush()


def _forget_engine(url: str) -> None:
    """Close a throw-away database's pooled connections (store keeps one engine per URL per process)."""
    from store import db

    with db._lock:
        engine = db._engines.pop(url, None)
        db._upgraded.discard(url)
    if engine is not None:
        engine.dispose()


def _reset_process_state() -> None:
    """What the dashboard's modules keep per server process, forgotten between tests (each test is a
    server process of its own, as far as it can tell)."""
    import sys

    billing = sys.modules.get("ui.billing")
    if billing is not None:
        from access.audit import _sinks

        _sinks.clear()  # the cached ledger's audit sink, on the previous test's database
        billing.ledger.clear()
    lab = sys.modules.get("ui.lab")
    if lab is not None:
        lab.db_url.clear()
    access = sys.modules.get("ui.access")
    if access is not None:
        access._sign_ins_seen.clear()
        access._grants_seen.update({"at": -1e9, "pairs": []})
    choice = sys.modules.get("ui.backend_choice")
    if choice is not None:
        from access.backends import BUILT_IN

        choice._seen.update({"at": -1e9, "rules": dict(BUILT_IN)})
    session = sys.modules.get("ui.session")
    if session is not None:
        session._client.clear()  # clients made from the previous test's environment (credentials, endpoints)
    owners = sys.modules.get("ui.session_owners")
    if owners is not None:
        with owners._lock:
            owners._owners.clear()


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, one per test module (harness.browser.chromium)."""
    with chromium() as b:
        yield b


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each test reads the application's settings anew (appconfig: read once per process otherwise)."""
    import appconfig

    appconfig.reset()
    yield


@pytest.fixture(scope="session")
def dashboard_database(new_studio_database: Callable[[], str]) -> str:
    """The studio database of the shared dashboard (``dashboard``): a test that puts a run there for the
    dashboard to show uses this URL, not its own database."""
    return new_studio_database()


@pytest.fixture(scope="session")
def dashboard(dashboard_database: str) -> Iterator[str]:
    """The README's first command, ``./studio run``, on a free loopback port, once per test session (per
    xdist worker) for every browser test that needs the plain local dashboard; stopped (the whole
    process group) after. Each test opens its own browser context, hence its own Streamlit session; no
    test changes the server's settings. A test that needs another configuration starts its own."""
    with studio_run(
        worker_log(ROOT / "test-artifacts" / "browser" / "dashboard.log"),
        STUDIO_DATABASE_URL=dashboard_database,
    ) as url:
        yield url
