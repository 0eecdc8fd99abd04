"""Streamlit serves ``/media/<id>`` (images, downloads) and accepts ``/_stcore/upload_file/<session>/…``
to anyone who has the URL; with sign-in on, that would hand a card image or a JSON download to an
anonymous client or to another colleague. This ASGI middleware, mounted by ``serve.py``, answers
those paths only for the signed-in user whose session the file or the upload belongs to, in both
sign-in modes (OpenID Connect: Streamlit's signed identity cookie; proxy headers: the user header of
a request that carries the proxy's secret, and the owner each session noted in ``ui.session_owners``).

It leans on Streamlit internals (the media manager's per-session index, a session's user info, the
signed identity cookie); ``tests/test_media_guard.py`` pins the behaviour against the locked
Streamlit version, so an upgrade that moves them fails loudly rather than opening the door.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

MEDIA_PREFIX = "/media/"
UPLOAD_PREFIX = "/_stcore/upload_file/"


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed Cookie header identifies nobody
                return {}
    return {k: m.value for k, m in jar.items()}


def _header(scope: Scope, wanted: str) -> str:
    key = wanted.lower().encode("latin-1")
    for name, value in scope.get("headers", ()):
        if name == key:
            return value.decode("latin-1").strip()
    return ""


def requester_email(scope: Scope) -> str | None:
    """Who is asking: the e-mail in Streamlit's signed identity cookie (OIDC) or the trusted proxy's
    user header; ``None`` for an anonymous or forged request."""
    from access.config import PROXY_SECRET_HEADER
    from ui.access import access_config

    config = access_config()
    if config.mode == "proxy":
        client = scope.get("client")
        peer = client[0] if client else None
        if not config.proxy_trusted(
            None if peer in ("127.0.0.1", "::1") else peer, _header(scope, PROXY_SECRET_HEADER)
        ):
            return None
        return _header(scope, config.proxy_user_header).lower() or None
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME
    from streamlit.web.server.starlette.starlette_websocket import _get_signed_cookie_with_chunks

    raw = _get_signed_cookie_with_chunks(_cookies(scope), USER_COOKIE_NAME)
    if not raw:
        return None
    try:
        payload = json.loads(raw)
    except ValueError:
        return None
    email = payload.get("email") if payload.get("is_logged_in") else None
    return str(email).lower() if email else None


def _session_email(session_id: str) -> str | None:
    """The signed-in owner of a live session: Streamlit's user info (OIDC), else what the session's
    page run noted (proxy headers)."""
    from streamlit.runtime import Runtime

    from ui import session_owners

    info = Runtime.instance()._session_mgr.get_session_info(session_id)
    if info is None:
        return None
    user_info = getattr(info.session, "_user_info", {}) or {}
    email = user_info.get("email") if user_info.get("is_logged_in", True) else None
    return str(email).lower() if email else session_owners.owner(session_id)


def _media_owner_sessions(file_id: str) -> list[str]:
    from streamlit.runtime import Runtime

    manager = Runtime.instance().media_file_mgr
    with manager._lock:
        by_session = manager._files_by_session_and_coord
        return [sid for sid, files in by_session.items() if file_id in files.values()]


def may_fetch(path: str, email: str | None) -> bool:
    """Only the user whose session holds the file (or takes the upload) may fetch it."""
    if email is None:
        return False
    if path.startswith(UPLOAD_PREFIX):
        session_id = path[len(UPLOAD_PREFIX) :].split("/", 1)[0]
        return _session_email(session_id) == email
    file_id = path[len(MEDIA_PREFIX) :].split("/", 1)[0].split(".", 1)[0]
    return email in {_session_email(sid) for sid in _media_owner_sessions(file_id)}


class MediaGuard:
    """Pure ASGI middleware; everything but the two guarded prefixes passes untouched."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope.get("type") == "http" and path.startswith((MEDIA_PREFIX, UPLOAD_PREFIX)):
            from ui.access import access_config

            if access_config().sign_in_configured and not may_fetch(path, requester_email(scope)):
                await _refuse(send)
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 404,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": b"Not found"})
