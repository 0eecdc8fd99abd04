"""The intranet tables: the audit trail, the quota counters, the admins' settings and role grants.

An audit row names who did what, where and with which outcome — never a field value, an image or a
secret (images by SHA-256, Request-Keys by a keyed digest). ``access.ledger`` reads and writes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base


class AuditRow(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    user: Mapped[str] = mapped_column(String(320), index=True)
    role: Mapped[str] = mapped_column(String(16), default="")
    where: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(32), default="")
    backend: Mapped[str] = mapped_column(String(16), default="", index=True)
    api_version: Mapped[str] = mapped_column(String(8), default="")
    service: Mapped[str] = mapped_column(String(32), default="")
    result_code: Mapped[int | None] = mapped_column(Integer, index=True)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    image_sha256: Mapped[str] = mapped_column(String(64), default="")
    request_key_hash: Mapped[str] = mapped_column(String(64), default="")
    masked: Mapped[bool | None] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(
        String(1000), default=""
    )  # a change "from → to" (JSON), see access.audit


class QuotaUsage(Base):
    __tablename__ = "quota_usage"

    scope: Mapped[str] = mapped_column(String(330), primary_key=True)  # "user:<e-mail>" or "deployment"
    period: Mapped[str] = mapped_column(String(10), primary_key=True)  # "2026-11-29" or "2026-11"
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "analysis" | "stand_alone"
    used: Mapped[int] = mapped_column(Integer, default=0)


class StudioSetting(Base):
    __tablename__ = "studio_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class RoleGrant(Base):
    """A role an admin gave on the Roles page.

    A role an admin gave on the Roles page, on top of the secrets file's ``[access]`` rules: one rule
    (``alice@corp``, ``@domain``, ``group:name``) → one role (``access.roles``)."""

    __tablename__ = "role_grants"

    rule: Mapped[str] = mapped_column(String(320), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    granted_by: Mapped[str] = mapped_column(String(320), default="")
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
