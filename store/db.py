"""Engines and sessions from a URL, and the schema brought up to date by Alembic.

An upgrade is atomic per migration on every database: a step that fails leaves nothing of itself, and
the database stays at the last revision that completed (``upgrade``). A database that cannot be opened
or upgraded raises :class:`StoreUnavailable`, which names it (never with its password) and the cause.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext, MigrationInfo
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from appconfig import settings

DATABASE_URL_ENV = "STUDIO_DATABASE_URL"  # the names of appconfig.StudioSettings, for messages
DATA_DIR_ENV = "STUDIO_DATA_DIR"
SQLITE_BUSY_ENV = "STUDIO_SQLITE_BUSY_SECONDS"
"""How long one SQLite statement waits for another connection's lock before it fails (default 10 s)."""
DB_PATIENCE_ENV = "STUDIO_DB_PATIENCE_SECONDS"
"""How long ``retrying`` waits out a database in trouble before it gives up (default 120 s)."""
T = TypeVar("T")
log = logging.getLogger("store")
_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = _ROOT / "store" / "migrations"

_lock = threading.RLock()
_engines: dict[str, Engine] = {}
_upgraded: set[str] = set()


class StoreUnavailable(RuntimeError):
    """The studio database cannot be opened (``phase="open"``) or used (``"use"``), a migration step failed
    (``"upgrade"``: ``revision`` is where the database stays, ``head`` where it was going), or the
    database is at a revision this code does not know (``"newer"``: a newer version upgraded it).
    ``where`` is the URL without its password; ``cause`` the database's (or the step's) own words."""

    def __init__(
        self,
        where: str,
        cause: str,
        *,
        phase: str = "open",
        revision: str | None = None,
        head: str | None = None,
    ) -> None:
        self.where, self.cause, self.phase, self.revision, self.head = where, cause, phase, revision, head
        super().__init__(self.plain())

    @classmethod
    def in_use(cls, url: str, err: BaseException) -> StoreUnavailable:
        """A database that was upgraded but then failed (a server gone, a file locked or removed)."""
        return cls(shown_url(url), _cause(url, err), phase="use")

    def plain(self) -> str:
        """The message in English, for the command line and the log."""
        if self.phase == "newer":
            return (
                f"the studio database {self.where} is at revision {self.revision}, which this version of the "
                "studio does not know: a newer version upgraded it. Run that version, or point "
                f"{DATABASE_URL_ENV} at another database."
            )
        if self.phase == "upgrade":
            return (
                f"the studio database {self.where} could not be upgraded to revision {self.head}: "
                f"{self.cause}. Nothing of the failed step was kept: "
                f"it stays at revision {self.revision or 'none (empty)'}."
            )
        verb = "cannot be used" if self.phase == "use" else "cannot be opened"
        return f"the studio database {self.where} {verb}: {self.cause}"


def data_dir() -> Path:
    """The folder for the database file, the queue and the run spool (``data/`` by default; git-ignored).

    Owner-only (0700), whatever the umask: the files inside hold the audit trail, masked results and
    the spool's key, and other accounts on a shared host have no business listing or reading them."""
    path = settings().DATA_DIR
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix" and path.stat().st_mode & 0o077 and path.stat().st_uid == os.geteuid():
        path.chmod(0o700)  # made before this rule, or by a looser umask
    return path


def default_url() -> str:
    return settings().DATABASE_URL or f"sqlite:///{data_dir() / 'studio.sqlite3'}"


def shown_url(url: str) -> str:
    """The URL as it may be shown or logged: any password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # not a URL SQLAlchemy can read: whatever stands before an "@" may be secret
        head, sep, rest = url.rpartition("@")
        scheme = head.split("://")[0] + "://" if "://" in head else ""
        return f"{scheme}***@{rest}" if sep else url


def _sqlite_pragmas(dbapi_conn: Any, *, foreign_keys: bool) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (pages) never wait for the writer (the worker)
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the process
    # crashing (what a run's bookkeeping needs), only a power cut may drop the last few.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA busy_timeout={int(sqlite_busy_seconds() * 1000)}")
    cur.close()


def sqlite_busy_seconds() -> float:
    return settings().SQLITE_BUSY_SECONDS


def patience_seconds() -> float:
    return settings().DB_PATIENCE_SECONDS


def transient(err: BaseException) -> bool:
    """A database failure worth waiting out: a lock another connection holds longer than the busy
    timeout (a backup, an admin's ``sqlite3`` shell), a server restarting, a dropped connection.
    Operational and interface errors are; a constraint, a type or a programming error is not."""
    if isinstance(err, DBAPIError) and err.connection_invalidated:
        return True
    return isinstance(err, OperationalError | InterfaceError)


def retrying(
    work: Callable[[], T],
    *,
    what: str,
    patience: float | None = None,
    first_delay: float = 0.05,
    max_delay: float = 2.0,
) -> T:
    """``work()``, tried again with a bounded, jittered exponential back-off (``first_delay`` doubling up to
    ``max_delay``) while it fails with a transient database error (``transient``), for at most
    ``patience`` seconds in all (``STUDIO_DB_PATIENCE_SECONDS``, default 120). ``work`` must be one whole
    unit of work (its own session and commit), so a try that failed left nothing behind. Each wait is
    one WARNING line on the ``store`` logger (no traceback); the last failure is raised as it came."""
    budget = patience_seconds() if patience is None else patience
    deadline = time.monotonic() + budget
    delay = first_delay
    tries = 0
    while True:
        try:
            return work()
        except Exception as err:
            tries += 1
            left = deadline - time.monotonic()
            if not transient(err) or left <= 0:
                raise
            cause = (str(err.orig) if isinstance(err, DBAPIError) else str(err)).strip().splitlines()
            wait = min(delay * (1 + random.random() / 2), max_delay, left)
            log.warning(
                "studio database busy or unreachable while %s (try %d: %s); trying again in %.2f s",
                what,
                tries,
                cause[0][:200] if cause else type(err).__name__,
                wait,
            )
            time.sleep(wait)
            delay = min(delay * 2, max_delay)


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    _sqlite_pragmas(dbapi_conn, foreign_keys=True)


def engine_for(url: str | None = None) -> Engine:
    """One engine per URL per process (pooled, thread-safe)."""
    url = url or default_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                engine = create_engine(
                    url, connect_args={"check_same_thread": False, "timeout": sqlite_busy_seconds()}
                )
                event.listen(engine, "connect", _on_sqlite_connect)
            else:
                engine = create_engine(url, pool_pre_ping=True)
            _engines[url] = engine
        return engine


def _on_migration_connect(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite's legacy transaction handling never BEGINs before DDL, so each CREATE/ALTER would
    # commit on its own and a failed step would leave half a schema. Take the BEGIN over (SQLAlchemy's
    # "Transactions with SQLite and the sqlite3 driver" recipe; ``autocommit=False`` does the same from
    # Python 3.12 on). Foreign keys off while the schema changes: a batch migration that rebuilds a
    # table drops the old one, and with them on that drop would delete (cascade) its children's rows.
    dbapi_conn.isolation_level = None
    _sqlite_pragmas(dbapi_conn, foreign_keys=False)


def _begin_immediate(conn: Any) -> None:
    # IMMEDIATE takes the write lock at BEGIN (waiting out busy_timeout for another writer), so the
    # revision a step reads cannot change before it writes: a second process upgrading the same file
    # waits, then finds the steps done.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def migration_engine(url: str) -> Engine:
    """A one-off engine for migrations whose transactions hold DDL on every database (see above);
    Alembic runs each migration in one transaction on it (``store/migrations/env.py``)."""
    if not url.startswith("sqlite"):
        return create_engine(url, poolclass=NullPool)
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 10})
    event.listen(engine, "connect", _on_migration_connect)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def foreign_keys_hold(
    ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any], run_args: Mapping[str, Any]
) -> None:
    """After each migration, inside its transaction (Alembic's ``on_version_apply``): with foreign keys
    off while the schema changes (SQLite), check them before the step commits, as SQLite's own
    procedure for schema changes does; a step that left a row pointing nowhere is rolled back."""
    conn = ctx.connection
    if conn is None or conn.dialect.name != "sqlite":
        return
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(
            f"the step leaves {len(broken)} row(s) whose foreign key points nowhere "
            f"(first in table {broken[0][0]})"
        )


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


UPGRADE_LOCK_KEY = 0x5354554449_4F  # "STUDIO" as a number: the PostgreSQL advisory lock of schema upgrades


@contextmanager
def _serialised(conn: Connection) -> Iterator[None]:
    """One upgrade at a time per PostgreSQL database, across processes and hosts. Without it, replicas
    started in the same second each see an empty database and create the same tables; the losers fail
    on the catalogue's unique indexes (``pg_type_typname_nsp_index``) and start without their queue
    consumer. A session-level advisory lock waits for the upgrade in progress; the waiter then finds
    the steps done. (SQLite serialises on ``BEGIN IMMEDIATE`` instead, see ``migration_engine``.)"""
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.exec_driver_sql(f"SELECT pg_advisory_lock({UPGRADE_LOCK_KEY})")
    conn.commit()  # the lock outlives this transaction; Alembic begins its own per migration
    try:
        yield
    finally:
        # Best effort: a connection that broke takes its lock with it when it closes (NullPool).
        with suppress(SQLAlchemyError):
            if conn.in_transaction():  # a step failed: its transaction is rolled back before the unlock
                conn.rollback()
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({UPGRADE_LOCK_KEY})")
            conn.commit()


@functools.cache
def _head_revision(migrations: Path) -> str | None:
    """The newest migration's revision, read from the migration scripts once per process."""
    return ScriptDirectory(str(migrations)).get_current_head()


def _at_head(conn: Connection) -> bool:
    """The database already has every step: one read of ``alembic_version``, where Alembic's upgrade
    would load its environment and every migration script first (~50 ms) to find nothing to do."""
    return MigrationContext.configure(conn).get_current_heads() == (_head_revision(MIGRATIONS),)


def upgrade(url: str | None = None) -> None:
    """Bring the schema to the newest migration (once per URL per process); raises
    :class:`StoreUnavailable` when the database cannot be opened or a step fails."""
    url = url or default_url()
    if url in _upgraded:
        return
    with _lock:
        if url in _upgraded:
            return
        cfg = alembic_config(url)
        try:
            engine = migration_engine(url)
        except Exception as err:  # not a URL SQLAlchemy can use: a typo, a driver that is not installed
            raise StoreUnavailable(shown_url(url), _cause(url, err)) from err
        try:
            with engine.connect() as conn:
                done = _at_head(conn)
                conn.rollback()  # not in a transaction: Alembic begins one per migration
                if not done:
                    with _serialised(conn):
                        cfg.attributes["connection"] = conn
                        command.upgrade(cfg, "head")
        except Exception as err:
            problem = _unavailable(url, engine, ScriptDirectory.from_config(cfg), err)
            if problem.phase != "upgrade" or problem.revision != problem.head:
                raise problem from err
            # At head after all: another process (the dashboard, ``python -m qa``, a worker) upgraded
            # it while this one waited on its lock, and this one's step then collided with its tables.
        finally:
            engine.dispose()
        _upgraded.add(url)


def _unavailable(url: str, engine: Engine, scripts: ScriptDirectory, err: BaseException) -> StoreUnavailable:
    """What went wrong, read back from the database after the failed step was rolled back."""
    where, cause = shown_url(url), _cause(url, err)
    try:
        with engine.connect() as conn:
            heads = MigrationContext.configure(conn).get_current_heads()
    except Exception:  # noqa: BLE001 - the database cannot even be read: the first error says why
        return StoreUnavailable(where, cause)
    unknown = [h for h in heads if h not in {s.revision for s in scripts.walk_revisions()}]
    if unknown:
        return StoreUnavailable(where, cause, phase="newer", revision=unknown[0])
    return StoreUnavailable(
        where, cause, phase="upgrade", revision=heads[0] if heads else None, head=scripts.get_current_head()
    )


def _cause(url: str, err: BaseException) -> str:
    """The failure in the database's own words (its first line; never the SQL or its parameters,
    never the URL's password)."""
    text = str(err.orig) if isinstance(err, DBAPIError) else (str(err) or type(err).__name__)
    text = (text.strip().splitlines() or [type(err).__name__])[0][:300]
    try:
        password = make_url(url).password
    except ArgumentError:
        password = None
    return text.replace(str(password), "***") if password else text


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    """Sessions on an up-to-date schema: ``with factory() as session: ...`` (one per unit of work)."""
    url = url or default_url()
    upgrade(url)
    return sessionmaker(engine_for(url), expire_on_commit=False)
