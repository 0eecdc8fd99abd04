"""The audit trail and quota counters on a real database (SQLite file; PostgreSQL where the store's
fixture provides one): conditional spending that holds under racing sessions, refunds, filters,
per-day totals and retention."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from access.audit import AuditEvent
from access.ledger import Ledger, QuotaLimits, audit_events, quota_usage, studio_settings
from store import engine_for, upgrade
from tests.support.postgres import database_url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db_url(request, tmp_path_factory) -> Iterator[str]:
    """The same tests on an SQLite file and on a real PostgreSQL server the tests start."""
    with database_url(request.param, str(tmp_path_factory.mktemp("ledger"))) as url:
        yield url


@pytest.fixture()
def ledger(db_url) -> Ledger:
    upgrade(db_url)  # the store's Alembic migrations, as the dashboard runs them
    engine = engine_for(db_url)
    with engine.begin() as conn:
        for table in (audit_events, quota_usage, studio_settings):
            conn.execute(delete(table))
    return Ledger(engine)


NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def test_spend_until_the_daily_limit_then_refuse(ledger):
    limits = QuotaLimits(user_daily_analysis=3)
    assert [ledger.try_spend("ann@corp.test", "analysis", limits, now=NOW).ok for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    refused = ledger.try_spend("ann@corp.test", "analysis", limits, now=NOW)
    assert (refused.refused_by, refused.limit) == ("user_daily", 3)
    # Stand-alone is priced apart and counted apart; another user and the next day start afresh.
    assert ledger.try_spend("ann@corp.test", "stand_alone", limits, now=NOW).ok
    assert ledger.try_spend("vic@corp.test", "analysis", limits, now=NOW).ok
    assert ledger.try_spend("ann@corp.test", "analysis", limits, now=NOW + timedelta(days=1)).ok
    usage = ledger.usage("ANN@corp.test", "analysis", limits, now=NOW)
    assert (usage.user_today, usage.user_daily_limit, usage.month) == (3, 3, 5)


def test_the_monthly_limit_binds_the_whole_deployment(ledger):
    limits = QuotaLimits(monthly_stand_alone=2)
    assert ledger.try_spend("a@corp.test", "stand_alone", limits, now=NOW).ok
    assert ledger.try_spend("b@corp.test", "stand_alone", limits, now=NOW).ok
    spend = ledger.try_spend("c@corp.test", "stand_alone", limits, now=NOW)
    assert (spend.ok, spend.refused_by) == (False, "monthly")
    # The refused call took nothing from c's own day either.
    assert ledger.usage("c@corp.test", "stand_alone", limits, now=NOW).user_today == 0
    assert ledger.try_spend("c@corp.test", "stand_alone", limits, now=NOW.replace(month=12, day=1)).ok


def test_refund_gives_back_a_call_that_never_reached_the_api(ledger):
    limits = QuotaLimits(user_daily_analysis=1)
    assert ledger.try_spend("ann@corp.test", "analysis", limits, now=NOW).ok
    ledger.refund("ann@corp.test", "analysis", now=NOW)
    assert ledger.try_spend("ann@corp.test", "analysis", limits, now=NOW).ok


def test_ten_racing_sessions_of_one_user_cannot_exceed_the_quota(ledger):
    limits = QuotaLimits(user_daily_analysis=5, monthly_analysis=100)
    start = threading.Barrier(10)
    results: list[bool] = []
    lock = threading.Lock()

    def session() -> None:
        start.wait()
        for _ in range(3):
            ok = ledger.try_spend("ann@corp.test", "analysis", limits, now=NOW).ok
            with lock:
                results.append(ok)

    threads = [threading.Thread(target=session) for _ in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert len(results) == 30 and results.count(True) == 5
    assert ledger.usage("ann@corp.test", "analysis", limits, now=NOW).user_today == 5


def _event(user: str, at: datetime, **kw) -> AuditEvent:
    return AuditEvent(kind=kw.pop("kind", "api_call"), user=user, role="analyst", at=at, **kw)


def test_audit_rows_filter_total_and_purge(ledger):
    ledger.append(
        _event(
            "ann@corp.test",
            NOW,
            backend="cloud",
            service="credit-card",
            result_code=0,
            latency_ms=812.5,
            image_sha256="ab" * 32,
        )
    )
    ledger.append(_event("ann@corp.test", NOW + timedelta(minutes=1), backend="cloud", result_code=4000111))
    ledger.append(_event("vic@corp.test", NOW - timedelta(days=40), backend="sandbox", result_code=0))
    ledger.append(_event("ada@corp.test", NOW, kind="unmask", masked=False))
    assert {r["user"] for r in ledger.events()} == {"ann@corp.test", "vic@corp.test", "ada@corp.test"}
    assert [r["result_code"] for r in ledger.events(user="ann@corp.test")] == [4000111, 0]
    assert len(ledger.events(backend="cloud")) == 2
    assert len(ledger.events(result_code=4000111)) == 1
    assert len(ledger.events(since=NOW.date())) == 3
    assert ledger.totals() == [{"day": "2026-11-29", "user": "ann@corp.test", "calls": 2}]
    assert ledger.purge(30, now=NOW) == 1
    assert all(r["user"] != "vic@corp.test" for r in ledger.events())


def test_admin_settings_override_the_configured_quota_defaults(ledger):
    defaults = QuotaLimits(user_daily_analysis=50, monthly_analysis=1000)
    assert ledger.limits(defaults) == defaults
    ledger.set_limits(QuotaLimits(user_daily_analysis=2, user_daily_stand_alone=None, monthly_analysis=None))
    assert ledger.limits(defaults) == QuotaLimits(user_daily_analysis=2)
    ledger.set_setting("audit.retention_days", "90")
    ledger.set_setting("audit.retention_days", "30")
    assert ledger.setting("audit.retention_days") == "30"
