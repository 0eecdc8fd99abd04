"""Where the audit trail and the billing quotas are kept: tables of the studio database
(``store.access_models``, created by the store's Alembic migrations).

Quotas are counted in billed NHN Cloud calls, analysis and stand-alone apart (they are priced apart):
per user per day and for the whole deployment per month. ``try_spend`` takes one call from both
counters in one transaction with conditional ``UPDATE … WHERE used < limit`` statements, so sessions
racing for the last call cannot together exceed a limit, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from sqlalchemy import (
    and_,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from access.audit import QA_RUN_PREFIX, AuditEvent
from ocr_core import InputError
from store.access_models import AuditRow, QuotaUsage, StudioSetting
from store.models import Base

# The tables as Core ``Table`` objects (``Model.__table__`` is typed as a bare ``FromClause``).
audit_events = Base.metadata.tables[AuditRow.__tablename__]
quota_usage = Base.metadata.tables[QuotaUsage.__tablename__]
studio_settings = Base.metadata.tables[StudioSetting.__tablename__]

QuotaKind = Literal["analysis", "stand_alone"]
QUOTA_KIND_OF_SERVICE: dict[str, QuotaKind] = {
    "credit-card": "analysis",
    "id-card": "analysis",
    "authenticity": "analysis",
    "stand-alone": "stand_alone",
}


@dataclass(frozen=True)
class QuotaLimits:
    """Billed calls allowed; ``None`` means no limit."""

    user_daily_analysis: int | None = None
    user_daily_stand_alone: int | None = None
    monthly_analysis: int | None = None
    monthly_stand_alone: int | None = None

    def user_daily(self, kind: QuotaKind) -> int | None:
        return self.user_daily_analysis if kind == "analysis" else self.user_daily_stand_alone

    def monthly(self, kind: QuotaKind) -> int | None:
        return self.monthly_analysis if kind == "analysis" else self.monthly_stand_alone


QUOTA_NAMES: tuple[str, ...] = tuple(f.name for f in fields(QuotaLimits))
"""The four quotas, as settings (``quota.<name>``), secrets-file keys and ``QuotaLimits`` fields."""


class QuotaExceeded(InputError):
    """Refused before anything is sent: the user's daily (``scope="user_daily"``) or the deployment's
    monthly (``"monthly"``) quota of billed ``kind`` calls is used up."""

    def __init__(self, scope: str, limit: int | None, kind: str) -> None:
        which = "the user's daily" if scope == "user_daily" else "the deployment's monthly"
        super().__init__(
            f"{which} quota of {limit} billed {kind.replace('_', '-')} calls on NHN Cloud is used up",
            rule="quota",
        )
        self.scope, self.limit, self.kind = scope, limit, kind


@dataclass(frozen=True)
class Spend:
    ok: bool
    refused_by: Literal["", "user_daily", "monthly"] = ""
    limit: int | None = None


@dataclass(frozen=True)
class Usage:
    kind: QuotaKind
    user_today: int
    user_daily_limit: int | None
    month: int
    monthly_limit: int | None


def _periods(now: datetime) -> tuple[str, str]:
    day = now.astimezone(UTC).date()
    return day.isoformat(), day.isoformat()[:7]


def _ensure_row(conn: Connection, scope: str, period: str, kind: str) -> None:
    exists = conn.execute(
        select(quota_usage.c.used).where(
            and_(quota_usage.c.scope == scope, quota_usage.c.period == period, quota_usage.c.kind == kind)
        )
    ).first()
    if exists is None:
        dialect = conn.dialect.name
        if dialect in ("sqlite", "postgresql"):
            module = __import__(f"sqlalchemy.dialects.{dialect}", fromlist=["insert"])
            stmt = module.insert(quota_usage).values(scope=scope, period=period, kind=kind, used=0)
            conn.execute(stmt.on_conflict_do_nothing())
        else:  # pragma: no cover - other databases: a plain insert, a duplicate is a lost race
            conn.execute(insert(quota_usage).values(scope=scope, period=period, kind=kind, used=0))


def _take(conn: Connection, scope: str, period: str, kind: str, limit: int | None) -> bool:
    cond = and_(quota_usage.c.scope == scope, quota_usage.c.period == period, quota_usage.c.kind == kind)
    if limit is not None:
        cond = and_(cond, quota_usage.c.used < limit)
    return conn.execute(update(quota_usage).where(cond).values(used=quota_usage.c.used + 1)).rowcount == 1


class Ledger:
    """The audit trail and the quota counters on one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------------ quotas
    def try_spend(
        self, user: str, kind: QuotaKind, limits: QuotaLimits, *, now: datetime | None = None
    ) -> Spend:
        day, month = _periods(now or datetime.now(UTC))
        user_scope = f"user:{user.lower()}"
        with self.engine.begin() as conn:
            _ensure_row(conn, user_scope, day, kind)
            _ensure_row(conn, "deployment", month, kind)
        with self.engine.begin() as conn:
            if not _take(conn, user_scope, day, kind, limits.user_daily(kind)):
                conn.rollback()
                return Spend(False, "user_daily", limits.user_daily(kind))
            if not _take(conn, "deployment", month, kind, limits.monthly(kind)):
                conn.rollback()
                return Spend(False, "monthly", limits.monthly(kind))
        return Spend(True)

    def refund(self, user: str, kind: QuotaKind, *, now: datetime | None = None) -> None:
        """Give a call back when it surely never reached the API (nothing was billed)."""
        day, month = _periods(now or datetime.now(UTC))
        with self.engine.begin() as conn:
            for scope, period in ((f"user:{user.lower()}", day), ("deployment", month)):
                conn.execute(
                    update(quota_usage)
                    .where(
                        and_(
                            quota_usage.c.scope == scope,
                            quota_usage.c.period == period,
                            quota_usage.c.kind == kind,
                            quota_usage.c.used > 0,
                        )
                    )
                    .values(used=quota_usage.c.used - 1)
                )

    def usage(self, user: str, kind: QuotaKind, limits: QuotaLimits, *, now: datetime | None = None) -> Usage:
        day, month = _periods(now or datetime.now(UTC))

        def used(scope: str, period: str) -> int:
            with self.engine.connect() as conn:
                value = conn.execute(
                    select(quota_usage.c.used).where(
                        and_(
                            quota_usage.c.scope == scope,
                            quota_usage.c.period == period,
                            quota_usage.c.kind == kind,
                        )
                    )
                ).scalar()
            return int(value or 0)

        return Usage(
            kind,
            used(f"user:{user.lower()}", day),
            limits.user_daily(kind),
            used("deployment", month),
            limits.monthly(kind),
        )

    # ------------------------------------------------------------------ admin settings
    def setting(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(studio_settings.c.value).where(studio_settings.c.key == key)).scalar()

    def set_setting(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            if (
                conn.execute(
                    update(studio_settings).where(studio_settings.c.key == key).values(value=value)
                ).rowcount
                == 0
            ):
                conn.execute(insert(studio_settings).values(key=key, value=value))

    def limits(self, defaults: QuotaLimits) -> QuotaLimits:
        """The quotas in force: what an admin set on the Settings page, else the configured defaults."""
        values = {}
        for name in QUOTA_NAMES:
            stored = self.setting(f"quota.{name}")
            values[name] = getattr(defaults, name) if stored is None else (int(stored) if stored else None)
        return QuotaLimits(**values)

    def set_limits(self, limits: QuotaLimits) -> None:
        for name in QUOTA_NAMES:
            value = getattr(limits, name)
            self.set_setting(f"quota.{name}", "" if value is None else str(int(value)))

    # ------------------------------------------------------------------ audit trail
    def check_writable(self) -> None:
        """Raise the database's own error unless a row could be written now: one write transaction that
        changes nothing (it takes SQLite's write lock, or a PostgreSQL connection, and lets them go)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(studio_settings)
                .where(studio_settings.c.key.is_(None))
                .values(value=studio_settings.c.value)
            )

    def append(self, event: AuditEvent) -> None:
        row = {c.name: getattr(event, c.name) for c in audit_events.columns if c.name != "id"}
        with self.engine.begin() as conn:
            conn.execute(insert(audit_events).values(**row))

    def events(
        self,
        *,
        user: str | None = None,
        since: date | None = None,
        until: date | None = None,
        backend: str | None = None,
        result_code: int | None = None,
        kinds: Iterable[str] = (),
        where: str | None = None,
        limit: int = 5000,
    ) -> Sequence[dict]:
        """Rows newest first; ``where`` picks one door (a QA Lab run is ``qa-run:<id>``)."""
        conds = []
        if user:
            conds.append(audit_events.c.user == user)
        if since:
            conds.append(audit_events.c.at >= datetime.combine(since, datetime.min.time(), UTC))
        if until:
            conds.append(
                audit_events.c.at < datetime.combine(until + timedelta(days=1), datetime.min.time(), UTC)
            )
        if backend:
            conds.append(audit_events.c.backend == backend)
        if where:
            conds.append(audit_events.c.where == where)
        if result_code is not None:
            conds.append(audit_events.c.result_code == result_code)
        kinds = list(kinds)
        if kinds:
            conds.append(audit_events.c.kind.in_(kinds))
        stmt = select(audit_events).where(and_(True, *conds)).order_by(audit_events.c.at.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def doors(self) -> list[str]:
        """The doors rows came through besides the pages: ``cli`` and each QA Lab run (newest run first)."""
        with self.engine.connect() as conn:
            found = (
                conn.execute(
                    select(audit_events.c.where)
                    .distinct()
                    .where((audit_events.c.where == "cli") | audit_events.c.where.startswith(QA_RUN_PREFIX))
                )
                .scalars()
                .all()
            )
        run_ids = (w.removeprefix(QA_RUN_PREFIX) for w in found if w.startswith(QA_RUN_PREFIX))
        runs = [f"{QA_RUN_PREFIX}{n}" for n in sorted((int(i) for i in run_ids if i.isdigit()), reverse=True)]
        return (["cli"] if "cli" in found else []) + runs

    def users(self) -> list[str]:
        """Everyone with a row in the trail, sorted."""
        with self.engine.connect() as conn:
            return sorted(conn.execute(select(audit_events.c.user).distinct()).scalars().all())

    def totals(self, *, since: date | None = None) -> Sequence[dict]:
        """Billed calls (``api_call`` rows on NHN Cloud) per user per UTC day, newest day first."""
        counts: dict[tuple[str, str], int] = {}
        for row in self.events(since=since, backend="cloud", kinds=["api_call"], limit=1_000_000):
            at = row["at"] if row["at"].tzinfo else row["at"].replace(tzinfo=UTC)
            key = (at.astimezone(UTC).date().isoformat(), row["user"])
            counts[key] = counts.get(key, 0) + 1
        return [
            {"day": d, "user": u, "calls": n}
            for (d, u), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1]), reverse=True)
        ]

    def purge(self, retention_days: int, *, now: datetime | None = None) -> int:
        """Delete audit rows older than the retention period; returns how many went."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
        with self.engine.begin() as conn:
            return conn.execute(delete(audit_events).where(audit_events.c.at < cutoff)).rowcount
