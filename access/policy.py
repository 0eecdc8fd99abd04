"""Roles, actions and the one table that says which role may do what.

| action                         | viewer | analyst | admin |
|--------------------------------|--------|---------|-------|
| sandbox analyses, Compare, Lab | yes    | yes     | yes   |
| NHN Cloud (billed) calls       | –      | yes     | yes   |
| masking off (PCI DSS 3.4.1)    | –      | –       | yes   |
| Settings, audit view           | –      | –       | yes   |

The decision is made on the server at the action (``require``), never by hiding a widget.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Role.VIEWER: 0, Role.ANALYST: 1, Role.ADMIN: 2}


class Action(StrEnum):
    ANALYSE_SANDBOX = "analyse_sandbox"
    USE_CLOUD = "use_cloud"
    UNMASK = "unmask"
    SETTINGS = "settings"
    AUDIT = "audit"


_GRANTS: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.ANALYSE_SANDBOX}),
    Role.ANALYST: frozenset({Action.ANALYSE_SANDBOX, Action.USE_CLOUD}),
    Role.ADMIN: frozenset(Action),
}

Source = Literal["local", "oidc", "proxy"]


@dataclass(frozen=True)
class Identity:
    """A signed-in person (or the single local user), with the role the rules gave them."""

    subject: str
    email: str
    name: str
    role: Role
    source: Source
    groups: tuple[str, ...] = field(default=())

    @property
    def display_name(self) -> str:
        return self.name or self.email or self.subject


LOCAL_USER = Identity(subject="local", email="", name="local user", role=Role.ADMIN, source="local")
"""Bound to loopback with no sign-in configured, the dashboard is one person's local tool, as before."""


class AccessDenied(PermissionError):
    """The identity's role does not grant the action. Carries both, for the message and the audit row."""

    def __init__(self, identity: Identity | None, action: Action) -> None:
        super().__init__(f"{identity.role if identity else 'nobody'} may not {action}")
        self.identity = identity
        self.action = action


def allowed(identity: Identity | None, action: Action) -> bool:
    return identity is not None and action in _GRANTS[identity.role]


def require(identity: Identity | None, action: Action) -> Identity:
    """Return the identity if it may do ``action``; raise ``AccessDenied`` otherwise."""
    if identity is None or not allowed(identity, action):
        raise AccessDenied(identity, action)
    return identity
