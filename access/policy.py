"""Roles, actions and the one table that says which role may do what.

| action                         | viewer | analyst | admin |
|--------------------------------|--------|---------|-------|
| sandbox analyses, Compare, Lab | yes    | yes     | yes   |
| NHN Cloud (billed) calls       | –      | yes     | yes   |
| masking off (PCI DSS 3.4.1)    | –      | –       | yes   |
| Settings, audit view           | –      | –       | yes   |

QA Lab runs, by whose run it is (``run_allowed``; the owner is ``Run.started_by``):

| action on a run                      | viewer, own     | analyst, own | anyone else's | admin |
|--------------------------------------|-----------------|--------------|---------------|-------|
| view, compare, download              | yes             | yes          | yes           | yes   |
| cancel (sends nothing)               | yes             | yes          | –             | yes   |
| resume; resend items of unknown fate | sandbox run     | yes          | –             | yes   |
| settle unknown items as lost         | yes             | yes          | –             | yes   |
| delete                               | sandbox run     | yes          | –             | yes   |

A cloud run's resume or resend also needs ``USE_CLOUD``: a viewer never sends a billed call, whoever's
run it is; its calls then spend the quota of the one who resumed it (``qa.runner``). Sandbox runs cost
nothing, so a viewer may resume, resend and delete their own; never anyone else's.

The decision is made on the server at the action (``require``, ``require_run``), never by hiding a
widget; the pages also hide what the user may not press.
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
    RUN_CANCEL = "run_cancel"
    RUN_RESUME = "run_resume"
    RUN_RESEND = "run_resend"  # send again items whose request may have left (maybe billed twice)
    RUN_SETTLE = "run_settle"  # give up on items of unknown fate: kept as lost, never resent
    RUN_DELETE = "run_delete"


RUN_ACTIONS = frozenset(
    {Action.RUN_CANCEL, Action.RUN_RESUME, Action.RUN_RESEND, Action.RUN_SETTLE, Action.RUN_DELETE}
)
_SENDS = frozenset({Action.RUN_RESUME, Action.RUN_RESEND})


_GRANTS: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.ANALYSE_SANDBOX}),
    Role.ANALYST: frozenset({Action.ANALYSE_SANDBOX, Action.USE_CLOUD}),
    Role.ADMIN: frozenset(Action),
}
_OWN_RUN_GRANTS: dict[Role, dict[str, frozenset[Action]]] = {  # role → backend of their own run → actions
    Role.VIEWER: {"sandbox": RUN_ACTIONS, "cloud": frozenset({Action.RUN_CANCEL, Action.RUN_SETTLE})},
    Role.ANALYST: {"sandbox": RUN_ACTIONS, "cloud": RUN_ACTIONS},
    Role.ADMIN: {"sandbox": RUN_ACTIONS, "cloud": RUN_ACTIONS},
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

    @property
    def user(self) -> str:
        """Whom a quota, an audit row or a lab run is booked to: the e-mail, else the subject."""
        return self.email or self.subject


LOCAL_USER = Identity(subject="local", email="", name="local user", role=Role.ADMIN, source="local")
"""Bound to loopback with no sign-in configured, the dashboard is one person's local tool, as before."""


class AccessDenied(PermissionError):
    """The identity's role does not grant the action. Carries both, for the message and the audit row
    (``owner``: for an action on a run, whose run it is)."""

    def __init__(self, identity: Identity | None, action: Action, owner: str | None = None) -> None:
        whose = (
            ""
            if owner is None
            else (
                " on their own run"
                if identity is not None and owns(identity, owner)
                else f" on {owner}'s run"
            )
        )
        super().__init__(f"{identity.role if identity else 'nobody'} may not {action}{whose}")
        self.identity = identity
        self.action = action
        self.owner = owner


def allowed(identity: Identity | None, action: Action) -> bool:
    return identity is not None and action in _GRANTS[identity.role]


def allowed_role(role: Role, action: Action) -> bool:
    """Whether the table above grants ``action`` to ``role`` (for rules set per role, not per person)."""
    return action in _GRANTS[role]


def require(identity: Identity | None, action: Action) -> Identity:
    """Return the identity if it may do ``action``; raise ``AccessDenied`` otherwise."""
    if identity is None or not allowed(identity, action):
        raise AccessDenied(identity, action)
    return identity


def owns(identity: Identity, owner: str) -> bool:
    """Whether a run started by ``owner`` (``Run.started_by``) is this identity's own."""
    return identity.user.strip().lower() == (owner or "").strip().lower()


def run_allowed(identity: Identity | None, action: Action, *, owner: str, backend: str) -> bool:
    """May ``identity`` do ``action`` on a run started by ``owner`` on ``backend``? (the table above)"""
    if identity is None or action not in RUN_ACTIONS:
        return False
    if action in _SENDS and backend == "cloud" and not allowed(identity, Action.USE_CLOUD):
        return False
    if identity.role == Role.ADMIN:
        return True
    return owns(identity, owner) and action in _OWN_RUN_GRANTS[identity.role].get(backend, frozenset())


def require_run(identity: Identity | None, action: Action, *, owner: str, backend: str) -> Identity:
    """Return the identity if it may do ``action`` on that run; raise ``AccessDenied`` otherwise."""
    if identity is None or not run_allowed(identity, action, owner=owner, backend=backend):
        raise AccessDenied(identity, action, owner)
    return identity
