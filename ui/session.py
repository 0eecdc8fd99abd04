"""Where the dashboard's state lives: the connection choice, the client, the embedded sandbox.

- The embedded sandbox is started on first use, once per server process (``st.cache_resource``), so
  its keys, Request-Keys and registry survive reruns and are shared by every browser session.
- One ``OcrClient`` per connection choice, also a cached resource: it holds a pooled HTTP session
  and cached public keys, never personal data.
- Results live only in ``st.session_state`` (one browser session). Nothing here uses
  ``st.cache_data``: that cache is shared by all users of the server.
- Credentials come only from ``.streamlit/secrets.toml`` (``[nhn_ocr]``) or ``NHN_OCR_*`` variables;
  they are read on the server and never rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from access import Action, allowed
from appconfig import settings
from ocr_core import OcrClient, Settings
from ui.credentials import (
    ENDPOINT_URLS,
    SECRETS_SECTION,
    Backend,
    Connection,
    Endpoint,
    cloud_settings,
    credentials_configured,
)

__all__ = [
    "ENDPOINT_URLS",
    "SECRETS_SECTION",
    "Backend",
    "Connection",
    "Endpoint",
    "cloud_settings",
    "credentials_configured",
]  # re-exported: where they lived before ui.credentials

CONNECTION_KEY = "connection"
PRESENTER_KEY = "presenter_view"
MASKING_KEY = "masking"

SANDBOX_URL_ENV = "STUDIO_SANDBOX_URL"
"""Use an already running sandbox (``python -m sandbox``) instead of starting one in-process."""


@dataclass(frozen=True)
class SandboxHandle:
    """How to reach the sandbox in use: its URL and its documented demo credentials."""

    base_url: str
    app_key: str
    secret_key: str
    uak_id: str
    uak_secret: str
    token_url: str
    embedded: bool


# ---------------------------------------------------------------- sandbox


WARM_ENV = "STUDIO_WARM_ENGINE"
"""``0`` leaves the embedded sandbox's engine cold until its first request (for the benchmark)."""


@st.cache_resource(show_spinner=False)
def _embedded_sandbox() -> Any:
    """Start the sandbox in a background thread of this server process; once per process. Its OCR
    engine is warmed at once in another thread (``sandbox.engine.warm_up``), while the first visitor
    still looks at the page: the first analysis then takes as long as a repeat."""
    import threading

    from qa.backend import embedded_sandbox
    from sandbox.engine import warm_up

    running = embedded_sandbox()
    if settings().warm_engine:
        # not a daemon: a process that ends while native code of the engine runs in a daemon thread
        # aborts ("terminate called without an active exception"); this one ends within seconds
        threading.Thread(target=_warm, args=(warm_up,), name="sandbox-warm-up", daemon=False).start()
    return running


def _warm(warm_up: Any) -> None:
    import logging

    try:
        logging.getLogger("ocr_core").debug("sandbox engine warmed in %.2f s", warm_up())
    except Exception as exc:  # noqa: BLE001 - a failed warm-up (or a process ending meanwhile): the engine loads on first use
        logging.getLogger("ocr_core").info("sandbox engine warm-up did not finish: %s", exc)


def sandbox_handle() -> SandboxHandle:
    from sandbox.config import DEMO_APP_KEY, DEMO_SECRET_KEY, DEMO_UAK_ID, DEMO_UAK_SECRET, TOKEN_PATH

    external = settings().SANDBOX_URL  # else the process's one embedded sandbox (qa.backend.embedded_sandbox)
    if external:
        return SandboxHandle(
            external,
            DEMO_APP_KEY,
            DEMO_SECRET_KEY,
            DEMO_UAK_ID,
            DEMO_UAK_SECRET,
            external + TOKEN_PATH,
            embedded=False,
        )
    running = _embedded_sandbox()
    return SandboxHandle(
        running.base_url,
        running.app_key,
        running.secret_key,
        DEMO_UAK_ID,
        DEMO_UAK_SECRET,
        running.base_url + TOKEN_PATH,
        embedded=True,
    )


# ---------------------------------------------------------------- connection and client


def default_connection() -> Connection:
    """The default backend of the signed-in role (``access.backends``: NHN Cloud for analysts and
    admins unless an admin set otherwise, when its credentials are configured), else the sandbox."""
    from ui.access import current_identity
    from ui.backend_choice import resolved

    return Connection(backend=resolved(current_identity(), None) or "sandbox")


def connection() -> Connection:
    conn = st.session_state.get(CONNECTION_KEY)
    if not isinstance(conn, Connection):
        conn = default_connection()
        st.session_state[CONNECTION_KEY] = conn
    return conn


def set_connection(conn: Connection) -> None:
    st.session_state[CONNECTION_KEY] = conn


def effective_connection() -> Connection:
    """The connection actually used: the session's choice when the signed-in role may use it now (an
    admin's per-role rule, ``access.backends``; NHN Cloud only with its credentials and for a role that
    may spend billed calls), else the role's default (decided here, so no crafted session state can
    choose it). With nothing the role may use, the sandbox is shown and the door refuses to send
    (``ui.billing.billed_call``)."""
    from ui.access import current_identity
    from ui.backend_choice import resolved

    conn = connection()
    backend = resolved(current_identity(), conn.backend, conn.api_version) or "sandbox"
    if backend == "cloud" and not (credentials_configured(conn.api_version) and _may(Action.USE_CLOUD)):
        backend = "sandbox"
    return conn if backend == conn.backend else replace(conn, backend=backend)


def settings_for(conn: Connection) -> Settings:
    if conn.backend == "cloud":
        return cloud_settings(conn)
    sb = sandbox_handle()
    return Settings(
        base_url=sb.base_url,
        app_key=sb.app_key,
        secret_key=sb.secret_key,
        api_version=conn.api_version,
        uak_id=sb.uak_id,
        uak_secret=sb.uak_secret,
        token_url=sb.token_url,
        image_encoding=conn.image_encoding,
    )


@st.cache_resource(show_spinner=False, max_entries=8)
def _client(conn: Connection, sandbox_url: str) -> OcrClient:
    # ``sandbox_url`` is part of the cache key only: a different sandbox means a different client.
    return OcrClient(settings_for(conn))


def client(conn: Connection | None = None) -> OcrClient:
    """The shared client of the effective connection."""
    conn = conn or effective_connection()
    sandbox_url = sandbox_handle().base_url if conn.backend == "sandbox" else ""
    return _client(conn, sandbox_url)


def token_url(conn: Connection) -> str:
    """Where v2.1 bearer tokens come from for this connection (the sandbox's own route, or NHN's)."""
    return sandbox_handle().token_url if conn.backend == "sandbox" else cloud_settings(conn).token_url


def base_url(conn: Connection) -> str:
    return sandbox_handle().base_url if conn.backend == "sandbox" else ENDPOINT_URLS[conn.endpoint]


# ---------------------------------------------------------------- display preferences


def masking_on() -> bool:
    """Masking is off only when the session asked for it *and* the signed-in role may unmask."""
    return not _may(Action.UNMASK) or bool(st.session_state.get(MASKING_KEY, True))


def _may(action: Action) -> bool:
    from ui.access import current_identity

    return allowed(current_identity(), action)


def presenter_view() -> bool:
    return bool(st.session_state.get(PRESENTER_KEY, False))
