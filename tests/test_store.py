"""The store on SQLite and on a real PostgreSQL server: Alembic from empty, runs, items, fields,
cascading delete, masked values only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, select

from store import Item, ItemField, Run, engine_for, session_factory, upgrade
from tests.support.postgres import database_url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db_url(request, tmp_path_factory) -> Iterator[str]:
    """The same tests on an SQLite file and on a real PostgreSQL server the tests start."""
    with database_url(request.param, str(tmp_path_factory.mktemp("store"))) as url:
        yield url


def test_alembic_upgrade_from_empty_creates_the_tables(db_url):
    upgrade(db_url)
    tables = set(inspect(engine_for(db_url)).get_table_names())
    assert {
        "qa_runs",
        "qa_items",
        "qa_item_fields",
        "qa_spool",
        "audit_events",
        "quota_usage",
        "studio_settings",
        "alembic_version",
    } <= tables
    with engine_for(db_url).connect() as conn:
        assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == "0009"
    assert "checks" in {c["name"] for c in inspect(engine_for(db_url)).get_columns("qa_item_fields")}
    assert {"billed_to", "billed_role"} <= {
        c["name"] for c in inspect(engine_for(db_url)).get_columns("qa_runs")
    }


def test_run_items_fields_round_trip_and_cascade(db_url):
    factory = session_factory(db_url)
    with factory() as s:
        run = Run(
            backend="sandbox",
            endpoint="http://127.0.0.1:1",
            api_version="v2.0",
            service="credit-card",
            sweep=[["blur", [0, 1.5]]],
            key_versions={"credit-card": "3"},
            total=1,
        )
        run.items.append(
            Item(
                position=0,
                source=0,
                image_name="a.png",
                degradation="blur",
                level=1.5,
                quality={"blur": {"status": "warn", "value": 12.5}},
                fields=[
                    ItemField(
                        name="totalCardNum",
                        value="439631******9782",
                        conf=0.98,
                        correct=True,
                        checks=[{"name": "card_luhn", "ok": False, "reason": "luhn_mismatch", "params": {}}],
                    )
                ],
            )
        )
        s.add(run)
        s.commit()
        run_id = run.id
    with factory() as s:
        got = s.get_one(Run, run_id)
        assert got.sweep == [["blur", [0, 1.5]]] and got.key_versions == {"credit-card": "3"}
        item = got.items[0]
        assert item.quality["blur"]["status"] == "warn"
        assert item.fields[0].value == "439631******9782" and item.fields[0].correct is True
        assert item.fields[0].checks == [
            {"name": "card_luhn", "ok": False, "reason": "luhn_mismatch", "params": {}}
        ]
        s.delete(got)
        s.commit()
    with factory() as s:
        assert (
            s.scalar(
                select(ItemField)
                .where(ItemField.name == "totalCardNum")
                .join(Item)
                .where(Item.run_id == run_id)
            )
            is None
        )


def test_a_run_executes_and_reads_back_on_this_database(db_url, tmp_path):
    """The runner's SQL (counter updates, heartbeats, JSON columns) on each database, against a sandbox."""
    from ocr_core import OcrClient, Settings
    from qa.analysis import load_run
    from qa.runner import RunSpec, Source, create_run, execute_run
    from qa.spool import Spool
    from sandbox.faults import Faults
    from sandbox.server import start_sandbox
    from tests.support.apptest import SAMPLES

    sb = start_sandbox()
    try:
        sb.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))
        factory = session_factory(db_url)
        spool = Spool(factory)
        card = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
        run_id = create_run(
            factory,
            RunSpec("credit-card", "sandbox", sb.base_url, "v2.0", sweep=[("blur", (0.0, 2.0))]),
            [Source("card.png", card), Source("bad.png", b"not an image")],
            spool,
        )
        with OcrClient(Settings(base_url=sb.base_url, app_key=sb.app_key, secret_key=sb.secret_key)) as c:
            assert execute_run(factory, run_id, c, spool) == "done"
        data = load_run(factory, run_id)
        assert (data.run["done"], data.run["failed"], data.run["total"]) == (3, 3, 3)
        assert [i.result_code for i in data.items] == [5000001, 5000001, None]
    finally:
        sb.stop()


@pytest.fixture
def fresh_url(db_url, tmp_path) -> Iterator[str]:
    """An empty database beside the module's one: a new SQLite file, or a new database on the same
    PostgreSQL server."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    from sqlalchemy import create_engine

    name = f"fresh_{tmp_path.name.lower().replace('-', '_')}"[:60]
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = db_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')  # Alembic's own engine may hold one
        admin.dispose()


def test_upgrade_from_0003_keeps_the_fields_and_marks_their_verdicts_not_recorded(fresh_url):
    """A database a run was stored in before verdicts were kept: 0004 adds the column, every old field
    reads back unchanged with ``checks`` NULL (the item view says "not recorded"), and new fields keep
    theirs. Downgrading drops the column again."""
    from alembic import command

    from qa.analysis import load_run
    from store.db import alembic_config

    cfg = alembic_config(fresh_url)
    command.upgrade(cfg, "0003")
    with engine_for(fresh_url).begin() as conn:
        conn.exec_driver_sql(
            "insert into qa_runs (created_at, started_by, backend, endpoint, api_version, key_versions,"
            " service, preprocess, sweep, concurrency, status, total, done, failed)"
            " values ('2026-11-01 10:00:00+00', 'local', 'sandbox', 'http://127.0.0.1:1', 'v2.0', '{}',"
            " 'credit-card', false, '[]', 2, 'done', 1, 1, 0)"
        )
        run_id = conn.exec_driver_sql("select max(id) from qa_runs").scalar_one()
        conn.exec_driver_sql(
            "insert into qa_items (run_id, position, source, image_name, degradation, level, quality, state,"
            f" result_code) values ({run_id}, 0, 0, 'card.png', 'none', 0, '{{}}', 'done', 0)"
        )
        item_id = conn.exec_driver_sql("select max(id) from qa_items").scalar()
        conn.exec_driver_sql(
            "insert into qa_item_fields (item_id, name, value, conf, correct) values"
            f" ({item_id}, 'totalCardNum', '439631******9782', 0.98, true)"
        )
    upgrade(fresh_url)
    with engine_for(fresh_url).connect() as conn:
        assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == "0009"
    (item,) = load_run(session_factory(fresh_url), run_id).items
    assert item.fields == {
        "totalCardNum": {
            "value": "439631******9782",
            "conf": 0.98,
            "correct": True,
            "checks": None,
            "expected": None,
            "diff": None,
        }
    }
    assert not item.checks_recorded and item.checks() is None
    with session_factory(fresh_url)() as s:
        s.add(ItemField(item_id=item_id, name="validThru", value="04/29", conf=0.9, correct=True, checks=[]))
        s.commit()
    assert load_run(session_factory(fresh_url), run_id).items[0].fields["validThru"]["checks"] == []
    command.downgrade(cfg, "0003")
    assert "checks" not in {c["name"] for c in inspect(engine_for(fresh_url)).get_columns("qa_item_fields")}


def test_upgrade_from_0004_books_old_runs_to_who_started_them(fresh_url):
    """0005 adds whom a run's billed calls are booked to once someone else resumes it: a run stored before
    reads back with ``billed_to`` NULL (its starter's quota, as before), its items as they were; a resume by
    another person books the rest to them. In one transaction; downgrading drops the columns again."""
    from alembic import command

    from access.policy import Identity, Role
    from qa.runner import requeue
    from store.db import alembic_config

    cfg = alembic_config(fresh_url)
    command.upgrade(cfg, "0004")
    with engine_for(fresh_url).begin() as conn:
        conn.exec_driver_sql(
            "insert into qa_runs (created_at, started_by, backend, endpoint, api_version, key_versions,"
            " service, preprocess, sweep, concurrency, status, total, done, failed)"
            " values ('2026-11-01 10:00:00+00', 'ann@corp.test', 'cloud', 'https://x', 'v2.0', '{}',"
            " 'credit-card', false, '[]', 2, 'interrupted', 2, 1, 0)"
        )
        run_id = conn.exec_driver_sql("select max(id) from qa_runs").scalar_one()
        for pos, state in enumerate(("done", "pending")):
            conn.exec_driver_sql(
                "insert into qa_items (run_id, position, source, image_name, degradation, level, quality,"
                " state)"
                f" values ({run_id}, {pos}, 0, 'card.png', 'none', 0, '{{}}', '{state}')"
            )
    upgrade(fresh_url)
    with engine_for(fresh_url).connect() as conn:
        assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == "0009"
    factory = session_factory(fresh_url)
    with factory() as s:
        run = s.get_one(Run, run_id)
        assert (run.started_by, run.billed_to, run.billed_role) == ("ann@corp.test", None, None)
        assert [i.state for i in run.items] == ["done", "pending"]
    requeue(factory, run_id, by=Identity("ada", "ada@corp.test", "Ada", Role.ADMIN, "oidc"))
    with factory() as s:
        run = s.get_one(Run, run_id)
        assert (run.status, run.billed_to, run.billed_role) == ("queued", "ada@corp.test", "admin")
    engine_for(fresh_url).dispose()
    command.downgrade(cfg, "0004")
    assert not {"billed_to", "billed_role"} & {
        c["name"] for c in inspect(engine_for(fresh_url)).get_columns("qa_runs")
    }


def test_upgrade_from_0005_keeps_old_fields_with_no_expected_value_and_items_with_no_tags(fresh_url):
    """0008 adds each field's expected value (masked) and difference, and each item's tags: a misread
    stored before reads back unchanged with nothing expected to show (the views say "–"), its item with
    no tags; new rows keep theirs. Downgrading drops the columns again."""
    from alembic import command

    from qa.analysis import load_run, tag_summary
    from qa.report import items_table, misreads
    from store.db import alembic_config

    cfg = alembic_config(fresh_url)
    command.upgrade(cfg, "0005")
    with engine_for(fresh_url).begin() as conn:
        conn.exec_driver_sql(
            "insert into qa_runs (created_at, started_by, backend, endpoint, api_version, key_versions,"
            " service, preprocess, sweep, concurrency, status, total, done, failed)"
            " values ('2026-11-01 10:00:00+00', 'local', 'sandbox', 'http://127.0.0.1:1', 'v2.0', '{}',"
            " 'credit-card', false, '[]', 2, 'done', 1, 1, 0)"
        )
        run_id = conn.exec_driver_sql("select max(id) from qa_runs").scalar_one()
        conn.exec_driver_sql(
            "insert into qa_items (run_id, position, source, image_name, degradation, level, quality, state,"
            f" result_code) values ({run_id}, 0, 0, 'card.png', 'none', 0, '{{}}', 'done', 0)"
        )
        item_id = conn.exec_driver_sql("select max(id) from qa_items").scalar()
        conn.exec_driver_sql(
            "insert into qa_item_fields (item_id, name, value, conf, correct, checks) values"
            f" ({item_id}, 'totalCardNum', '439631******9783', 0.5, false, '[]')"
        )
    upgrade(fresh_url)
    data = load_run(session_factory(fresh_url), run_id)
    (item,) = data.items
    assert item.tags == {} and tag_summary(data) == {}
    assert item.fields["totalCardNum"]["expected"] is None and item.fields["totalCardNum"]["diff"] is None
    assert [(m["expected_marked"], m["value_marked"], m["difference"]) for m in misreads(data)] == [
        ("–", "439631******9783", "")
    ]
    assert "totalCardNum 439631******9783 50% ✗" in items_table(data) and "expected" not in items_table(data)
    with session_factory(fresh_url)() as s:
        s.add(
            ItemField(
                item_id=item_id,
                name="validThru",
                value="04/29",
                conf=0.9,
                correct=False,
                checks=[],
                expected="04/30",
                diff={"of": 4, "read_of": 4, "changes": [], "expected_marks": [4], "read_marks": [4]},
            )
        )
        s.get_one(Item, item_id).tags = {"device": "S21"}
        s.commit()
    again = load_run(session_factory(fresh_url), run_id)
    assert again.items[0].fields["validThru"]["expected"] == "04/30" and again.items[0].tags == {
        "device": "S21"
    }
    command.downgrade(cfg, "0005")
    assert not {"expected", "diff"} & {
        c["name"] for c in inspect(engine_for(fresh_url)).get_columns("qa_item_fields")
    }
    assert "tags" not in {c["name"] for c in inspect(engine_for(fresh_url)).get_columns("qa_items")}


def _new_run(url: str) -> int:
    """A minimal run's id."""
    with session_factory(url)() as s:
        run = Run(
            backend="sandbox",
            endpoint="http://127.0.0.1:1",
            api_version="v2.0",
            service="credit-card",
            sweep=[],
            key_versions={},
            total=0,
        )
        s.add(run)
        s.commit()
        return run.id


def _delete_run(url: str, run_id: int) -> None:
    with session_factory(url)() as s:
        s.delete(s.get(Run, run_id))
        s.commit()


def test_a_deleted_runs_id_is_never_given_to_a_new_run(db_url):
    """The audit names a run by its id (``qa-run:<id>``): a new run must not inherit a deleted one's trail.
    SQLite reuses the highest row id once its row is gone unless the table is AUTOINCREMENT (0009)."""
    upgrade(db_url)
    gone = _new_run(db_url)
    _delete_run(db_url, gone)
    assert _new_run(db_url) > gone


def test_upgrade_to_0009_keeps_every_run_item_and_field_and_stops_reusing_ids(fresh_url):
    """0009 rebuilds qa_runs on SQLite; the rebuild (foreign keys off while migrating) cascades nothing."""
    from alembic import command

    from store.db import alembic_config

    cfg = alembic_config(fresh_url)
    command.upgrade(cfg, "0008")
    with engine_for(fresh_url).begin() as conn:
        for _ in range(2):
            conn.exec_driver_sql(
                "insert into qa_runs (created_at, started_by, backend, endpoint, api_version, key_versions,"
                " service, preprocess, sweep, concurrency, status, total, done, failed) values"
                " ('2026-11-01 10:00:00+00', 'local', 'sandbox', 'http://127.0.0.1:1', 'v2.0', '{}',"
                " 'credit-card', false, '[]', 2, 'done', 1, 1, 0)"
            )
            run_id = conn.exec_driver_sql("select max(id) from qa_runs").scalar()
            conn.exec_driver_sql(
                "insert into qa_items (run_id, position, source, image_name, degradation, level, quality,"
                " state)"
                f" values ({run_id}, 0, 0, 'card.png', 'none', 0, '{{}}', 'done')"
            )
    upgrade(fresh_url)
    with engine_for(fresh_url).connect() as conn:
        assert conn.exec_driver_sql("select count(*) from qa_items").scalar() == 2
    gone = _new_run(fresh_url)
    _delete_run(fresh_url, gone)
    assert _new_run(fresh_url) > gone
    engine_for(fresh_url).dispose()
    command.downgrade(cfg, "0008")
    with engine_for(fresh_url).connect() as conn:
        assert conn.exec_driver_sql("select count(*) from qa_items").scalar() == 2
