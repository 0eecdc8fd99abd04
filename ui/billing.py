"""Every API call the dashboard makes goes through ``billed_call``: a NHN Cloud call first takes one
unit of the user's daily and the deployment's monthly quota (refused before anything is sent when
none is left), and every call — sandbox or cloud — leaves one audit row (who, where, backend,
service, result code, latency, image SHA-256, hashed Request-Key; never a value or an image).
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import streamlit as st

from access import Action, allowed
from access.audit import add_sink, event_for, record, request_key_hash
from access.ledger import QUOTA_KIND_OF_SERVICE, Ledger, QuotaExceeded, QuotaLimits, Usage
from ocr_core import ApiError, InputError, TransportError
from ui.access import current_identity, where_now
from ui.session import effective_connection

R = TypeVar("R")


@st.cache_resource(show_spinner=False)
def ledger() -> Ledger:
    """The process's ledger on the studio database; also the audit trail's database sink."""
    book = Ledger(studio_engine())
    add_sink(book.append)
    return book


def studio_engine() -> Any:
    """The studio database (``STUDIO_DATABASE_URL``, else ``data/studio.sqlite3``), migrated to head."""
    from store import engine_for, upgrade

    upgrade()
    return engine_for()


def _section(name: str) -> Mapping[str, Any]:
    try:
        value = st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets.toml
        return {}
    return value if isinstance(value, Mapping) else {}


def quota_defaults() -> QuotaLimits:
    """``[quotas]`` in secrets.toml; an admin may override each on the Settings page."""
    section = _section("quotas")

    def limit(name: str) -> int | None:
        value = section.get(name)
        return int(value) if value not in (None, "") else None

    return QuotaLimits(user_daily_analysis=limit("user_daily_analysis"),
                       user_daily_stand_alone=limit("user_daily_stand_alone"),
                       monthly_analysis=limit("monthly_analysis"), monthly_stand_alone=limit("monthly_stand_alone"))


def limits() -> QuotaLimits:
    return ledger().limits(quota_defaults())


def usage(service: str) -> Usage | None:
    """This user's use of the quota that ``service`` counts against, when on NHN Cloud."""
    identity = current_identity()
    if identity is None or effective_connection().backend != "cloud":
        return None
    return ledger().usage(identity.email or identity.subject, QUOTA_KIND_OF_SERVICE[service], limits())


def billed_call(service: str, call: Callable[[], R], *, image: bytes | None = None,
                request_key: str | None = None) -> R:
    """Run one API call under the quota and leave its audit row."""
    ledger()  # the audit sink is registered before the first row
    identity = current_identity()
    conn = effective_connection()
    cloud = conn.backend == "cloud"
    user = identity.email or identity.subject if identity else "anonymous"
    kind = QUOTA_KIND_OF_SERVICE[service]
    common: dict[str, Any] = {
        "where": where_now(), "backend": conn.backend, "api_version": conn.api_version, "service": service,
        "image_sha256": hashlib.sha256(image).hexdigest() if image else "",
        "request_key_hash": request_key_hash(request_key) if request_key else "",
        "masked": not allowed(identity, Action.UNMASK) or bool(st.session_state.get("masking", True)),
    }
    if cloud:
        spend = ledger().try_spend(user, kind, limits())
        if not spend.ok:
            record(event_for(identity, "refused", action=f"quota:{spend.refused_by}", **common))
            raise QuotaExceeded(spend.refused_by, spend.limit, kind)
    started = time.perf_counter()
    code: int | None = None
    try:
        result = call()
        code = 0
        return result
    except ApiError as err:
        code = err.result_code
        raise
    except InputError:
        if cloud:  # refused locally: nothing was sent
            ledger().refund(user, kind)
        raise
    except TransportError as err:
        if cloud and not err.billable:  # the analysis POST never went out (a failed connect, key or token call)
            ledger().refund(user, kind)
        raise
    finally:
        record(event_for(identity, "api_call", result_code=code,
                         latency_ms=round((time.perf_counter() - started) * 1000, 1), **common))
