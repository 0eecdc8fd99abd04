"""Alembic upgrades are atomic per migration on SQLite as on PostgreSQL: a step that fails (a real
conflict in the database, or a step that raises half-way) leaves nothing of itself, the database stays
at the last good revision and the next start upgrades it once the cause is gone. A database that
cannot be opened or upgraded says which one (never its password) and why."""

from __future__ import annotations

import shutil
import socket
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

import store.db
from store import Item, Run, StoreUnavailable, engine_for, session_factory, upgrade
from store.db import alembic_config
from tests.support.postgres import database_url

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def server(request, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(kind, URL) of the module's database server: an SQLite folder, or a real PostgreSQL."""
    with database_url(request.param, str(tmp_path_factory.mktemp("migrations"))) as url:
        yield request.param, url


@pytest.fixture
def fresh_url(server, tmp_path) -> Iterator[str]:
    """An empty database of its own for each test."""
    kind, url = server
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'studio.sqlite3'}"
        return
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    yield url.rsplit("/", 1)[0] + f"/{name}"
    admin.dispose()


def _state(url: str) -> tuple[str | None, set[str]]:
    """(revision in alembic_version, tables) as a fresh connection sees them."""
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            version = (
                conn.execute(text("select version_num from alembic_version")).scalar()
                if "alembic_version" in tables
                else None
            )
        return version, tables
    finally:
        engine.dispose()


def _execute(url: str, sql: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()


def test_a_conflicting_table_stops_the_upgrade_at_the_last_good_revision(fresh_url):
    """0002 creates audit_events, then meets a quota_usage table that is already there."""
    _execute(fresh_url, "CREATE TABLE quota_usage (anything INTEGER)")
    with pytest.raises(StoreUnavailable) as failed:
        upgrade(fresh_url)
    version, tables = _state(fresh_url)
    assert version == "0001"  # 0001 completed and stays; the version row was not lost
    assert "qa_runs" in tables and "audit_events" not in tables  # nothing of the failed step 0002
    err = failed.value
    assert (err.phase, err.revision, err.head) == ("upgrade", "0001", HEAD)
    assert "quota_usage" in err.cause and "already exists" in err.cause
    assert str(err).startswith(f"the studio database {store.db.shown_url(fresh_url)} could not be upgraded")
    assert "stays at revision 0001" in str(err)

    _execute(fresh_url, "DROP TABLE quota_usage")  # the cause removed: the next start upgrades it
    upgrade(fresh_url)
    assert _state(fresh_url)[0] == HEAD


def _next_migration(tmp_path: Path, monkeypatch, body: str) -> None:
    """The real migrations plus a new head ``9999`` whose ``upgrade()`` is ``body``, used by ``upgrade``."""
    migrations = tmp_path / "migrations"
    shutil.copytree(store.db.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / "9999_injected.py").write_text(
        f'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "9999"\ndown_revision = "{HEAD}"\n'
        "branch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n"
        + textwrap.indent(textwrap.dedent(body), "    ")
        + "\n\ndef downgrade() -> None:\n    pass\n",
        "utf-8",
    )
    monkeypatch.setattr(store.db, "MIGRATIONS", migrations)


def test_a_step_that_raises_half_way_keeps_none_of_its_changes(fresh_url, tmp_path, monkeypatch):
    """A new head migration creates a table, adds a column to a populated table, then fails."""
    _next_migration(
        tmp_path,
        monkeypatch,
        """
        op.create_table("half_way", sa.Column("id", sa.Integer(), primary_key=True))
        with op.batch_alter_table("qa_runs") as batch:
            batch.add_column(sa.Column("half_way_note", sa.String(20), nullable=True))
        op.execute("INSERT INTO studio_settings (key, value) VALUES ('half-way', 'x')")
        raise RuntimeError("step 9999 failed half-way")
    """,
    )
    with pytest.raises(StoreUnavailable) as failed:
        upgrade(fresh_url)
    version, tables = _state(fresh_url)
    assert version == HEAD and "half_way" not in tables
    engine = create_engine(fresh_url)
    try:
        assert "half_way_note" not in {c["name"] for c in inspect(engine).get_columns("qa_runs")}
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from studio_settings")).scalar() == 0
    finally:
        engine.dispose()
    assert (failed.value.phase, failed.value.revision, failed.value.head) == ("upgrade", HEAD, "9999")
    assert failed.value.cause == "step 9999 failed half-way"


def test_a_database_newer_than_this_code_is_named_as_such(fresh_url):
    upgrade(fresh_url)
    _execute(fresh_url, "UPDATE alembic_version SET version_num = '9f00'")
    store.db._upgraded.discard(fresh_url)  # as a new process would
    with pytest.raises(StoreUnavailable) as failed:
        upgrade(fresh_url)
    assert (failed.value.phase, failed.value.revision) == ("newer", "9f00")
    assert "is at revision 9f00, which this version of the studio does not know" in str(failed.value)


def test_a_file_that_is_not_a_database_is_named_with_its_cause(tmp_path):
    path = tmp_path / "studio.sqlite3"
    path.write_bytes(b"this is a text file, not SQLite\n" * 200)
    with pytest.raises(StoreUnavailable) as failed:
        upgrade(f"sqlite:///{path}")
    assert failed.value.phase == "open"
    assert (
        str(failed.value) == f"the studio database sqlite:///{path} cannot be opened: file is not a database"
    )


def test_an_unreachable_server_is_named_without_its_password():
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://studio:Sup3rSecret@127.0.0.1:{port}/studio"
    with pytest.raises(StoreUnavailable) as failed:
        upgrade(url)
    message = str(failed.value)
    assert "Sup3rSecret" not in message and "Sup3rSecret" not in failed.value.cause
    assert message.startswith(
        f"the studio database postgresql+psycopg://studio:***@127.0.0.1:{port}/studio cannot be opened: "
    )
    assert "refused" in failed.value.cause.lower(), failed.value.cause


def test_alembic_on_its_own_uses_the_same_atomic_steps(fresh_url):
    """env.py's URL path (no connection handed in), as ``alembic upgrade head`` would run it."""
    from alembic import command

    _execute(fresh_url, "CREATE TABLE quota_usage (anything INTEGER)")
    with pytest.raises(Exception, match="quota_usage"):
        command.upgrade(alembic_config(fresh_url), "head")
    version, tables = _state(fresh_url)
    assert version == "0001" and "audit_events" not in tables


def _runs_with_items(url: str) -> None:
    """One run with one item, written by the store's own models (as the lab writes them)."""
    with session_factory(url)() as session:
        run = Run(
            backend="sandbox",
            endpoint="http://127.0.0.1:1",
            api_version="v2.0",
            service="credit-card",
            total=1,
            items=[Item(position=0, source=0, image_name="a.png")],
        )
        session.add(run)
        session.commit()
    engine_for(url).dispose()


def test_a_batch_step_that_rebuilds_a_parent_table_keeps_its_children(tmp_path, monkeypatch):
    """SQLite: Alembic's batch mode rebuilds a table (copy, DROP, rename). With foreign keys on, that
    DROP would delete every child row through ON DELETE CASCADE; migrations run with them off."""
    url = f"sqlite:///{tmp_path / 'studio.sqlite3'}"
    upgrade(url)
    _runs_with_items(url)
    store.db._upgraded.discard(url)
    _next_migration(
        tmp_path,
        monkeypatch,
        """
        with op.batch_alter_table("qa_runs", recreate="always") as batch:
            batch.add_column(sa.Column("rebuilt", sa.Boolean(), nullable=True))
    """,
    )
    upgrade(url)
    assert _state(url)[0] == "9999"
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from qa_items")).scalar() == 1
    engine.dispose()


def test_a_step_that_leaves_a_dangling_foreign_key_is_rolled_back(tmp_path, monkeypatch):
    """With foreign keys off while the schema changes, each step is checked before it commits."""
    url = f"sqlite:///{tmp_path / 'studio.sqlite3'}"
    upgrade(url)
    _runs_with_items(url)
    store.db._upgraded.discard(url)
    _next_migration(
        tmp_path,
        monkeypatch,
        """
        op.execute("DELETE FROM qa_runs")
    """,
    )
    with pytest.raises(StoreUnavailable, match="foreign key points nowhere"):
        upgrade(url)
    assert _state(url)[0] == HEAD
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from qa_runs")).scalar() == 1
    engine.dispose()


def test_a_process_that_loses_the_race_to_upgrade_finds_the_work_done(fresh_url):
    """Two processes start on an empty database (the dashboard and ``python -m qa``): the one that
    waited on the other's lock, then collided with its tables, finds the database at head and goes on."""
    import threading

    from alembic import command

    other = store.db.migration_engine(fresh_url)
    conn = other.connect()
    tx = conn.begin()  # "another process" upgrades in one transaction it has not committed yet
    cfg = alembic_config(fresh_url)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")
    outcome: list[BaseException | None] = []
    ours = threading.Thread(target=lambda: outcome.append(_upgrade_or_error(fresh_url)))
    ours.start()
    ours.join(timeout=2)  # it waits on the other's lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the catalog)
    assert ours.is_alive()
    tx.commit()
    conn.close()
    other.dispose()
    ours.join(timeout=30)
    assert outcome == [None], outcome
    assert _state(fresh_url)[0] == HEAD


def _upgrade_or_error(url: str) -> BaseException | None:
    try:
        upgrade(url)
    except BaseException as err:  # noqa: BLE001 - handed to the test's thread
        return err
    return None


@pytest.mark.parametrize(
    ("url", "shown", "cause"),
    [
        (
            "postgres//studio:Sup3rSecret@db.corp/studio",
            "***@db.corp/studio",
            "Could not parse SQLAlchemy URL from given URL string",
        ),
        (
            "postgresql+nodriver://studio:Sup3rSecret@db.corp/studio",
            "postgresql+nodriver://studio:***@db.corp/studio",
            "Can't load plugin: sqlalchemy.dialects:postgresql.nodriver",
        ),
    ],
)
def test_a_url_that_cannot_be_used_is_named_without_its_password(url, shown, cause):
    with pytest.raises(StoreUnavailable) as failed:
        upgrade(url)
    assert str(failed.value) == f"the studio database {shown} cannot be opened: {cause}"


_RACER = """
import sys, time
from store.db import upgrade
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))  # every racer leaves the blocks in the same instant
upgrade(sys.argv[1])
print("up")
"""


@pytest.mark.slow  # six processes
def test_replicas_started_in_the_same_instant_all_upgrade(fresh_url):
    """Six processes (replicas, workers) upgrade one empty database at the same instant: each comes
    up, none with ``duplicate key … pg_type_typname_nsp_index`` (PostgreSQL: an advisory lock; SQLite:
    ``BEGIN IMMEDIATE``), and the database is at head once."""
    import subprocess
    import sys
    import time

    start = time.time() + 3.0  # the imports of six interpreters are done by then, on two loaded cores
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, fresh_url, repr(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outcomes = [racer.communicate(timeout=120) for racer in racers]
    failed = [
        err.strip().splitlines()[-1]
        for (out, err), racer in zip(outcomes, racers, strict=True)
        if racer.returncode != 0 or out.strip() != "up"
    ]
    assert failed == [], failed
    assert _state(fresh_url)[0] == HEAD


def test_a_database_already_at_head_is_opened_without_running_alembic(tmp_path, monkeypatch):
    """Every process opens its database through ``upgrade``: one at head is read, not upgraded again
    (Alembic's own upgrade loads its environment and every script first, to find nothing to do)."""
    url = f"sqlite:///{tmp_path / 'studio.sqlite3'}"
    upgrade(url)
    store.db._upgraded.discard(url)  # as a new process would

    ran: list[str] = []
    monkeypatch.setattr(store.db.command, "upgrade", lambda cfg, revision: ran.append(revision))
    upgrade(url)
    assert ran == [], "Alembic's upgrade ran on a database at head"
    assert _state(url)[0] == HEAD
    with session_factory(url)() as session:
        assert session.query(Run).count() == 0
