"""Sandbox or NHN Cloud, chosen by the person within what an admin allows their role (``access.backends``):
the sidebar's choice for analyses, the QA Lab form's for a run, and the check at the door that sends.

The rules are read from the studio database at most every ``RULES_TTL_SECONDS`` per server process (a
change made on another replica reaches this one within that; one made here at once).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import streamlit as st

from access import Identity, Role
from access.backends import BUILT_IN, Backend, BackendRefused, RoleBackends, choices, read_rules, resolve
from ui.credentials import credentials_configured
from ui.i18n import Lang, t, text

RULES_TTL_SECONDS = 2.0
LAB_KEY = "lab_backend"
_seen: dict[str, Any] = {"at": -1e9, "rules": dict(BUILT_IN)}


def rules() -> dict[Role, RoleBackends]:
    """Every role's backends; the built-in ones when the studio database cannot be read."""
    now = time.monotonic()
    if now - _seen["at"] > RULES_TTL_SECONDS:
        from ui.studio_db import ledger

        try:
            _seen["rules"] = read_rules(ledger().setting)
        except Exception as exc:  # noqa: BLE001 - the database is down: the built-in rules
            logging.getLogger("studio.access").warning("backend rules unreadable (%s)", type(exc).__name__)
            _seen["rules"] = dict(BUILT_IN)
        _seen["at"] = now
    return dict(_seen["rules"])


def forget_rules() -> None:
    _seen["at"] = -1e9


def _cloud_ready(api_version: str) -> bool:
    return credentials_configured(api_version)


def offered(identity: Identity | None, api_version: str = "v2.0") -> tuple[Backend, ...]:
    """What this person may choose now (nothing when signed out)."""
    if identity is None:
        return ()
    return choices(rules()[identity.role], identity.role, cloud_ready=_cloud_ready(api_version))


def resolved(identity: Identity | None, wanted: str | None, api_version: str = "v2.0") -> Backend | None:
    """The backend this person's session uses when it asks for ``wanted`` (``access.backends.resolve``)."""
    if identity is None:
        return "sandbox"  # nothing is sent for a signed-out visitor anyway; the sandbox costs nothing
    return resolve(rules()[identity.role], identity.role, wanted, cloud_ready=_cloud_ready(api_version))


def backend_name(backend: str) -> str:
    return t("side.backend_cloud") if backend == "cloud" else t("side.backend_sandbox")


def choice_name(backend: str) -> str:
    return t("bk.choice_cloud") if backend == "cloud" else t("bk.choice_sandbox")


def lab_choice(default: str, api_version: str) -> Backend | None:
    """The backend of the lab run being built, on the QA Lab form (its own choice, starting on the
    sidebar's); ``None`` when the role has none it can use now."""
    from ui.access import current_identity

    options = offered(current_identity(), api_version)
    if not options:
        st.warning(t("bk.none_available"), icon=":material/block:")
        return None
    if st.session_state.get(LAB_KEY) not in options:
        st.session_state[LAB_KEY] = default if default in options else options[0]
    if len(options) < 2:
        st.caption(t("bk.lab_only", backend=backend_name(options[0])))
        return options[0]
    return st.radio(t("bk.lab_label"), options, key=LAB_KEY, format_func=choice_name, horizontal=True)


def refuse_unless_offered(backend: str, api_version: str) -> None:
    """At the door that sends: raise ``BackendRefused`` (after an audit row) unless this person may use
    ``backend`` now — whatever the page offered or the session holds."""
    from ui.access import audit_event, current_identity

    identity = current_identity()
    options = offered(identity, api_version)
    if backend in options:
        return
    audit_event("refused", action=f"backend:{backend}", backend=backend)
    raise BackendRefused(backend, options)


def refusal_words(exc: BackendRefused, lang: Lang) -> str:
    """What was refused and what this person may choose instead, or that they may choose nothing."""

    def name(b: str) -> str:
        return text("bk.choice_cloud" if b == "cloud" else "bk.choice_sandbox", lang)

    if not exc.options:
        return text("bk.refused_none", lang, backend=name(exc.backend))
    return text(
        "bk.refused", lang, backend=name(exc.backend), choices=", ".join(name(b) for b in exc.options)
    )


def quota_way_out(lang: Lang) -> str:
    """What a person refused by a quota can do: choose the sandbox only if their role may use it."""
    from ui.access import current_identity

    try:
        may_sandbox = "sandbox" in offered(current_identity())
    except Exception:  # noqa: BLE001 - no session (a bare call): say only what always holds
        may_sandbox = False
    return text("bk.quota_action_sandbox" if may_sandbox else "bk.quota_action_no_sandbox", lang)
