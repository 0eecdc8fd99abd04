"""What the Settings page does, apart from drawing it (``pages/settings.py`` keeps the layout and calls
these): apply a connection choice, probe a backend's public keys, save the quotas, save each role's
backends. Every change is checked and audited at the action (``ui.access.may_change_settings``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from access import Role
from access.audit import change_detail
from access.backends import BackendRuleError, RoleBackends, stored_settings, validated
from access.ledger import QUOTA_NAMES, QuotaLimits
from ocr_core import OcrClient, PublicKeyInfo, TransportError
from ocr_core.services import SERVICES
from ui.access import may_change_settings
from ui.backend_choice import forget_rules, rules
from ui.billing import limits
from ui.session import Connection, client, connection, effective_connection, set_connection, settings_for
from ui.studio_db import ledger

Saved = Literal["saved", "unchanged", "refused"]


def apply_connection(changes: Mapping[str, Any]) -> bool:
    """Set the session's connection to ``changes`` (Connection attributes) when this person may."""
    conn = connection()
    if not may_change_settings(
        "settings_change",
        action="connection",
        detail=change_detail({attr: (getattr(conn, attr), value) for attr, value in changes.items()}),
    ):
        return False
    set_connection(replace(conn, **changes))
    return True


@dataclass(frozen=True)
class Probe:
    """One service's public-key fetch: its key, or the failure, or skipped after ``first`` failed."""

    service: str
    info: PublicKeyInfo | None = None
    error: BaseException | None = None
    skipped_after: str | None = None


def probe_public_keys(conn: Connection) -> Iterator[Probe]:
    """Fetch every service's public key from the backend of ``conn`` (never silently another one): one
    attempt per key, no retries; after a network failure the rest are skipped. A key fetched from the
    connection in use also refreshes the shared client (and so the sidebar)."""
    failed_on: str | None = None
    with OcrClient(settings_for(conn).replace(max_retries=0)) as probe:
        for service in SERVICES:
            if failed_on is not None:
                yield Probe(service, skipped_after=failed_on)
                continue
            try:
                info = probe.public_key(service, refresh=True)
            except Exception as exc:  # noqa: BLE001 - every failure is reported, per service, never as a traceback
                if isinstance(exc, TransportError):
                    failed_on = service
                yield Probe(service, error=exc)
            else:
                yield Probe(service, info=info)
                if conn == effective_connection():  # the host answered: let the shared client hold the key
                    client(conn).public_key(service, refresh=True)


def save_quotas(values: Mapping[str, float | int | None]) -> Saved:
    """The admins' quotas (empty: no limit), compared with those in force when saved (another admin may
    have saved meanwhile); one audit row naming each change."""
    wanted = QuotaLimits(**{k: (None if v is None else int(v)) for k, v in values.items()})
    before = limits()
    detail = change_detail({name: (getattr(before, name), getattr(wanted, name)) for name in QUOTA_NAMES})
    if detail == "{}":
        return "unchanged"
    if not may_change_settings("settings_change", action="quotas", detail=detail):
        return "refused"
    ledger().set_limits(wanted)
    return "saved"


def backend_rule_problems(
    picked: Mapping[Role, tuple[Sequence[str], str]],
) -> tuple[dict[Role, RoleBackends], list[tuple[Role, str]]]:
    """Each role's rule as chosen, and the (role, problem code) of those that are not valid."""
    wanted: dict[Role, RoleBackends] = {}
    problems: list[tuple[Role, str]] = []
    for role, (chosen, default) in picked.items():
        try:
            wanted[role] = validated(role, list(chosen), default)
        except BackendRuleError as err:
            problems.append((role, str(err)))
    return wanted, problems


def save_backends(wanted: Mapping[Role, RoleBackends]) -> Saved:
    """Store each role's rule that changed; one audit row naming each, from → to."""
    before = rules()
    detail = change_detail(
        {f"backends.{role}": (before[role].as_dict(), wanted[role].as_dict()) for role in Role}
    )
    if detail == "{}":
        return "unchanged"
    if not may_change_settings("settings_change", action="backends", detail=detail):
        return "refused"
    book = ledger()
    for role in Role:
        if before[role] != wanted[role]:
            for key, value in stored_settings(role, wanted[role]).items():
                book.set_setting(key, value)
    forget_rules()
    return "saved"
