"""A studio database that cannot be opened or upgraded, where the dashboard's user meets it: the
analysis pages (every call leaves an audit row), the QA Lab, Runs, Audit and Settings pages. Each says
which database and why, in the user's language — never "Something went wrong", never a traceback."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from qa.runner import VIEW_PATIENCE
from store import shown_url
from tests.support.apptest import assert_clean, open_page, texts
from tests.support.postgres import database_url

pytestmark = pytest.mark.usefixtures("sandbox")
GENERIC = ("Something went wrong", "내부 오류가 발생했습니다")


def _forget_database() -> None:
    """Drop the dashboard's cached handles on the studio database (as a new server process starts
    without them), and the audit sink of the cached ledger with them."""
    from access.audit import remove_sink
    from ui import billing, lab

    remove_sink(billing.ledger().append)
    billing.ledger.clear()
    lab.db_url.clear()


@pytest.fixture
def use_database(monkeypatch) -> Iterator[Callable[[str], None]]:
    """Point the dashboard at another database for one test; back to the session's after it."""

    def use(url: str) -> None:
        _forget_database()
        monkeypatch.setenv("STUDIO_DATABASE_URL", url)

    yield use
    monkeypatch.undo()
    from ui import billing, lab

    billing.ledger.clear()  # nothing on the broken database was cached: it never opened
    lab.db_url.clear()


@pytest.fixture
def not_a_database(tmp_path, use_database) -> Path:
    path = tmp_path / "studio.sqlite3"
    path.write_bytes(b"not SQLite at all\n" * 300)
    use_database(f"sqlite:///{path}")
    return path


def _errors(at) -> str:
    return "\n".join(texts(at.error))


def _assert_names_it(at, path: Path, cause: str) -> None:
    assert_clean(at)
    shown = _errors(at)
    assert f"sqlite:///{path}" in shown and cause in shown, shown
    assert not any(g in shown for g in GENERIC), shown


def test_the_analyse_button_names_the_database_and_the_cause(not_a_database):
    at = open_page("pages/credit_card.py")
    at.selectbox(key="cc_specimen").set_value("cards/visa_blue_flat.png").run()
    at.button(key="cc_analyze").click().run()
    _assert_names_it(at, not_a_database, "file is not a database")
    assert "The studio database" in _errors(at) and "cannot be opened" in _errors(at)


@pytest.mark.parametrize("page", ["pages/qa_lab.py", "pages/runs.py", "pages/audit.py"])
def test_the_pages_that_read_the_store_name_it(not_a_database, page):
    at = open_page(page)
    _assert_names_it(at, not_a_database, "file is not a database")


def test_settings_still_works_when_the_quotas_cannot_be_read(not_a_database):
    at = open_page("pages/settings.py")
    _assert_names_it(at, not_a_database, "file is not a database")
    assert any(tg.key == "settings_presenter" for tg in at.toggle)  # the rest of the page is there


def test_unmasking_that_cannot_be_audited_does_not_happen(not_a_database):
    at = open_page("pages/credit_card.py")
    at.toggle(key="masking").set_value(False).run()
    _assert_names_it(at, not_a_database, "file is not a database")
    assert at.session_state["masking"] is True and at.toggle(key="masking").value is True


def test_in_korean(not_a_database):
    at = open_page("pages/runs.py", lang="ko")
    _assert_names_it(at, not_a_database, "file is not a database")
    assert "스튜디오 데이터베이스" in _errors(at) and "열 수 없습니다" in _errors(at)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def test_a_failed_upgrade_says_where_the_database_stays(tmp_path, use_database, kind):
    with database_url(kind, str(tmp_path)) as url:
        engine = create_engine(url)
        with engine.begin() as conn:  # a table of revision 0002 that someone made by hand
            conn.exec_driver_sql("CREATE TABLE quota_usage (anything INTEGER)")
        engine.dispose()
        use_database(url)
        at = open_page("pages/runs.py")
        assert_clean(at)
        shown = _errors(at)
        assert f"`{shown_url(url)}`" in shown and "quota_usage" in shown and "already exists" in shown, shown
        assert "could not be upgraded to revision" in shown and "stays at revision 0001" in shown


@pytest.mark.slow  # starts and stops a PostgreSQL server
def test_a_database_server_gone_after_start_is_named(tmp_path, use_database):
    """PostgreSQL stops while the dashboard runs: the next page says the database cannot be used."""
    from tests.support.postgres import postgres_server, unavailable_reason

    if unavailable_reason():
        pytest.skip(f"PostgreSQL tests skipped: {unavailable_reason()}")
    with postgres_server() as url:
        use_database(url)
        at = open_page("pages/runs.py")
        assert_clean(at)
        assert not at.error, _errors(at)
    started = time.monotonic()
    at.run()  # the server is gone now
    assert time.monotonic() - started < VIEW_PATIENCE + 10  # said within seconds, not after 30 s
    assert_clean(at)
    shown = _errors(at)
    assert f"The studio database `{shown_url(url)}` cannot be used: " in shown, shown
    assert not any(g in shown for g in GENERIC), shown
