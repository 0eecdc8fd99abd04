"""Engines and sessions from a URL, and the schema brought up to date by Alembic."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DATABASE_URL_ENV = "STUDIO_DATABASE_URL"
DATA_DIR_ENV = "STUDIO_DATA_DIR"
_ROOT = Path(__file__).resolve().parent.parent

_lock = threading.RLock()
_engines: dict[str, Engine] = {}
_upgraded: set[str] = set()


def data_dir() -> Path:
    """The folder for the database file and the run spool (``data/`` by default; git-ignored)."""
    path = Path(os.environ.get(DATA_DIR_ENV) or _ROOT / "data")
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_url() -> str:
    return os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{data_dir() / 'studio.sqlite3'}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")  # readers (pages) never wait for the writer (the worker)
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the process
    # crashing (what a run's bookkeeping needs), only a power cut may drop the last few.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def engine_for(url: str | None = None) -> Engine:
    """One engine per URL per process (pooled, thread-safe)."""
    url = url or default_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = create_engine(url, pool_pre_ping=True)
            _engines[url] = engine
        return engine


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_ROOT / "store" / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """Bring the schema to the newest migration (once per URL per process)."""
    url = url or default_url()
    if url in _upgraded:
        return
    with _lock:
        if url in _upgraded:
            return
        cfg = alembic_config(url)
        with engine_for(url).begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        _upgraded.add(url)


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    """Sessions on an up-to-date schema: ``with factory() as session: ...`` (one per unit of work)."""
    url = url or default_url()
    upgrade(url)
    return sessionmaker(engine_for(url), expire_on_commit=False)
