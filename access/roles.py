"""Roles an admin gives on the Roles page, kept in the studio database (``store.access_models.RoleGrant``).

A grant is one rule → one role, in the secrets file's own syntax: ``alice@corp.example`` (a person),
``@corp.example`` (a whole e-mail domain), ``group:ocr-analysts`` (a group of the ID token's group claim).
Precedence (``access.config.RoleRules.role_for``): a person gets the highest role that any rule gives,
from ``[access]`` in the secrets file or from here; ``default_role`` only when no rule matches. The
Roles page therefore adds and raises, and never lowers what the file gives (the file is the floor: a
typo on the page cannot lock out the admins the file names). UI-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from access.policy import Role
from store.access_models import RoleGrant
from store.models import Base

role_grants = Base.metadata.tables[RoleGrant.__tablename__]

_EMAIL = re.compile(r"^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$")
_DOMAIN = re.compile(r"^@[a-z0-9-]+(\.[a-z0-9-]+)+$")
_GROUP = re.compile(r"^group:[^\s,]{1,200}$")


class RuleError(ValueError):
    """Not a person, a domain or a group; ``str`` is the catalogue key of why."""


@dataclass(frozen=True)
class Grant:
    rule: str
    role: Role
    granted_by: str
    granted_at: datetime

    @property
    def kind(self) -> str:
        """``person``, ``domain`` or ``group``."""
        return rule_kind(self.rule)


def rule_kind(rule: str) -> str:
    return "group" if rule.startswith("group:") else "domain" if rule.startswith("@") else "person"


def normalised(rule: str) -> str:
    """The rule as kept: trimmed, lower case (e-mails and groups are matched case-insensitively)."""
    rule = rule.strip().lower()
    if not rule:
        raise RuleError("rol.err_empty")
    if len(rule) > 320:
        raise RuleError("rol.err_long")
    if rule.startswith("group:"):
        if not _GROUP.match(rule):
            raise RuleError("rol.err_group")
    elif rule.startswith("@"):
        if not _DOMAIN.match(rule):
            raise RuleError("rol.err_domain")
    elif not _EMAIL.match(rule):
        raise RuleError("rol.err_person")
    return rule


def grants(engine: Engine) -> list[Grant]:
    """Every grant, sorted by rule."""
    with engine.connect() as conn:
        rows = conn.execute(select(role_grants).order_by(role_grants.c.rule)).all()
    out = []
    for r in rows:
        try:
            out.append(Grant(r.rule, Role(r.role), r.granted_by, r.granted_at))
        except ValueError:  # a role name this version does not know: not a grant
            continue
    return out


def pairs(engine: Engine) -> list[tuple[str, Role]]:
    """(rule, role) for ``RoleRules.role_for``."""
    return [(g.rule, g.role) for g in grants(engine)]


def grant(engine: Engine, rule: str, role: Role, *, by: str, now: datetime | None = None) -> Role | None:
    """Give ``rule`` the ``role`` (replacing its previous grant); returns the role it had before."""
    rule = normalised(rule)
    at = now or datetime.now(UTC)
    with engine.begin() as conn:
        before = conn.execute(select(role_grants.c.role).where(role_grants.c.rule == rule)).scalar()
        if before is None:
            conn.execute(insert(role_grants).values(rule=rule, role=str(role), granted_by=by, granted_at=at))
        else:
            conn.execute(
                update(role_grants)
                .where(role_grants.c.rule == rule)
                .values(role=str(role), granted_by=by, granted_at=at)
            )
    return Role(before) if before in set(Role) else None


def revoke(engine: Engine, rule: str) -> Role | None:
    """Remove the grant of ``rule``; returns the role it gave (``None``: there was none)."""
    rule = rule.strip().lower()
    with engine.begin() as conn:
        before = conn.execute(select(role_grants.c.role).where(role_grants.c.rule == rule)).scalar()
        conn.execute(delete(role_grants).where(role_grants.c.rule == rule))
    return Role(before) if before in set(Role) else None
