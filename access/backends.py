"""Which backends each role may use, and which one a session starts on.

An admin sets this per role on the Settings page; it is kept in the studio database's settings
(``backends.<role>`` = ``"sandbox,cloud"``, ``backends.<role>.default`` = ``"sandbox"``). Unset, a role
keeps what it had before: viewers the sandbox only, analysts and admins both, starting on NHN Cloud when
its credentials are configured. NHN Cloud is never offered to a role without ``Action.USE_CLOUD``
(viewers), whatever is stored: billed calls stay where ``access.policy`` puts them.

Analysts then choose per analysis (the sidebar) and per lab run (the QA Lab form) among what
``choices`` returns; the door that sends (``ui.billing.billed_call``, the lab's *Start*) asks
``resolve``/``permitted`` again, so a choice the page did not offer is refused there and audited.
UI-free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from access.policy import Action, Role, allowed_role

Backend = Literal["sandbox", "cloud"]
BACKENDS: tuple[Backend, ...] = ("sandbox", "cloud")


@dataclass(frozen=True)
class RoleBackends:
    """What one role may use, and the default a new session of that role starts on."""

    allowed: tuple[Backend, ...]
    default: Backend

    def as_dict(self) -> dict[str, object]:
        """How a change is recorded in the audit trail (``access.audit.change_detail``)."""
        return {"allowed": list(self.allowed), "default": self.default}


BUILT_IN: dict[Role, RoleBackends] = {
    Role.VIEWER: RoleBackends(("sandbox",), "sandbox"),
    Role.ANALYST: RoleBackends(("sandbox", "cloud"), "cloud"),
    Role.ADMIN: RoleBackends(("sandbox", "cloud"), "cloud"),
}


class BackendRuleError(ValueError):
    """A per-role setting that cannot be kept: no backend, a default not allowed, cloud for viewers."""


def _key(role: Role) -> str:
    return f"backends.{role}"


def validated(role: Role, allowed: tuple[str, ...] | list[str], default: str) -> RoleBackends:
    chosen = tuple(b for b in BACKENDS if b in allowed)
    if not chosen:
        raise BackendRuleError("no_backend")
    if "cloud" in chosen and not allowed_role(role, Action.USE_CLOUD):
        raise BackendRuleError("cloud_not_for_role")
    if default not in chosen:
        raise BackendRuleError("default_not_allowed")
    return RoleBackends(chosen, default)


def read_rules(setting: Callable[[str], str | None]) -> dict[Role, RoleBackends]:
    """Every role's backends from the stored settings (``Ledger.setting``), else the built-in ones; a
    stored value that no longer makes sense (edited by hand) falls back to the built-in one."""
    rules: dict[Role, RoleBackends] = {}
    for role in Role:
        stored, default = setting(_key(role)), setting(_key(role) + ".default")
        try:
            rules[role] = (
                BUILT_IN[role]
                if stored is None
                else validated(role, [b.strip() for b in stored.split(",")], (default or "").strip())
            )
        except BackendRuleError:
            rules[role] = BUILT_IN[role]
    return rules


def stored_settings(role: Role, rule: RoleBackends) -> dict[str, str]:
    """The settings rows that keep ``rule`` for ``role``."""
    return {_key(role): ",".join(rule.allowed), _key(role) + ".default": rule.default}


def choices(rule: RoleBackends, role: Role, *, cloud_ready: bool) -> tuple[Backend, ...]:
    """What a person of ``role`` may choose now: the role's backends, NHN Cloud only when its
    credentials are configured and the role may spend billed calls."""
    return tuple(
        b for b in rule.allowed if b == "sandbox" or (cloud_ready and allowed_role(role, Action.USE_CLOUD))
    )


def resolve(rule: RoleBackends, role: Role, wanted: str | None, *, cloud_ready: bool) -> Backend | None:
    """The backend a session uses: what it chose if that is among ``choices``, else the role's default
    if available, else the first choice; ``None`` when the role has nothing it can use now (cloud only,
    and NHN Cloud not configured)."""
    offered = choices(rule, role, cloud_ready=cloud_ready)
    if wanted in offered:
        return wanted
    if rule.default in offered:
        return rule.default
    return offered[0] if offered else None


class BackendRefused(PermissionError):
    """Not sent: the backend asked for is not one this person may use now. ``options``: what they may
    (empty: nothing, e.g. NHN Cloud only and not configured), so the refusal can say just that."""

    def __init__(self, backend: str, options: tuple[str, ...]) -> None:
        super().__init__(f"backend {backend} not allowed; allowed: {', '.join(options) or 'none'}")
        self.backend, self.options = backend, options
