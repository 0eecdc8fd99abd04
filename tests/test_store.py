"""The store on SQLite and on a real PostgreSQL server: Alembic from empty, runs, items, fields,
cascading delete, masked values only."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, select

from store import Item, ItemField, Run, engine_for, session_factory, upgrade
from tests.support.postgres import postgres_server, unavailable_reason


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request, tmp_path_factory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store') / 'studio.db'}"
        return
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL store tests skipped: {reason}")
    with postgres_server() as url:
        yield url
        engine_for(url).dispose()


def test_alembic_upgrade_from_empty_creates_the_tables(db_url):
    upgrade(db_url)
    tables = set(inspect(engine_for(db_url)).get_table_names())
    assert {"qa_runs", "qa_items", "qa_item_fields", "alembic_version"} <= tables
    with engine_for(db_url).connect() as conn:
        assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == "0001"


def test_run_items_fields_round_trip_and_cascade(db_url):
    factory = session_factory(db_url)
    with factory() as s:
        run = Run(backend="sandbox", endpoint="http://127.0.0.1:1", api_version="v2.0", service="credit-card",
                  sweep=[["blur", [0, 1.5]]], key_versions={"credit-card": "3"}, total=1)
        run.items.append(Item(position=0, source=0, image_name="a.png", degradation="blur", level=1.5,
                              quality={"blur": {"status": "warn", "value": 12.5}},
                              fields=[ItemField(name="totalCardNum", value="439631******9782", conf=0.98,
                                                correct=True)]))
        s.add(run)
        s.commit()
        run_id = run.id
    with factory() as s:
        got = s.get(Run, run_id)
        assert got.sweep == [["blur", [0, 1.5]]] and got.key_versions == {"credit-card": "3"}
        item = got.items[0]
        assert item.quality["blur"]["status"] == "warn"
        assert item.fields[0].value == "439631******9782" and item.fields[0].correct is True
        s.delete(got)
        s.commit()
    with factory() as s:
        assert s.scalar(select(ItemField).where(ItemField.name == "totalCardNum")
                        .join(Item).where(Item.run_id == run_id)) is None
