"""Every API call the dashboard makes goes through ``billed_call``: the page is the door
(``access.metering.Door``): a NHN Cloud call first takes one unit of the user's daily and the
deployment's monthly quota (refused before anything is sent when none is left), and every call —
sandbox or cloud — leaves one audit row (who, where, backend, service, result code, latency, image
SHA-256, hashed Request-Key; never a value or an image). The command line and QA Lab runs use the
same door class, so the quotas are one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from access import Action, allowed
from access.audit import who
from access.ledger import QUOTA_KIND_OF_SERVICE, QuotaLimits, Usage
from access.metering import Door, quota_limits
from ui import secrets
from ui.access import current_identity, where_now
from ui.backend_choice import refuse_unless_offered
from ui.session import effective_connection
from ui.studio_db import ledger, studio_engine

R = TypeVar("R")
__all__ = ["billed_call", "ledger", "limits", "quota_defaults", "studio_engine", "usage"]


def quota_defaults() -> QuotaLimits:
    """``[quotas]`` in secrets.toml; an admin may override each on the Settings page."""
    return quota_limits(secrets.section("quotas"))


def limits() -> QuotaLimits:
    return ledger().limits(quota_defaults())


def usage(service: str) -> Usage | None:
    """This user's use of the quota that ``service`` counts against, when on NHN Cloud."""
    identity = current_identity()
    if identity is None or effective_connection().backend != "cloud":
        return None
    return ledger().usage(who(identity), QUOTA_KIND_OF_SERVICE[service], limits())


def billed_call(
    service: str, call: Callable[[], R], *, image: bytes | None = None, request_key: str | None = None
) -> R:
    """Run one API call under the quota and leave its audit row (``access.metering.Door.call``)."""
    identity = current_identity()
    conn = effective_connection()
    refuse_unless_offered(conn.backend, conn.api_version)  # the door decides, whatever the page offered
    door = Door(
        ledger(),
        limits() if conn.backend == "cloud" else QuotaLimits(),
        user=who(identity),
        role=str(identity.role) if identity else "",
        where=where_now(),
        backend=conn.backend,
        api_version=conn.api_version,
        masked=not allowed(identity, Action.UNMASK) or bool(st.session_state.get("masking", True)),
    )
    return door.call(service, call, image=image, request_key=request_key)
