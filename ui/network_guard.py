"""What the server answers before Streamlit sees a request, whatever address it was told to listen on.

- Without sign-in (and without ``STUDIO_ALLOW_ANONYMOUS=1``) the dashboard is one person's local tool:
  a request that is not from this machine — a non-loopback peer, or one a proxy forwarded — gets 403
  over HTTP and a policy-violation close over the WebSocket. ``serve.py`` already refuses to start on
  such an address; this holds even when it was started some other way. Nor is it the tool of every
  account on a shared host: a loopback connection opened by another account (``access.local_peer``
  asks the kernel) gets the same refusal.
- Streamlit's internal endpoints (``/_stcore/metrics``: cached function names and timings;
  ``/_stcore/script-health-check``: runs the app script) answer only such local requests, in every
  mode; the shipped nginx does not pass them on either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from access.listen import allow_anonymous, local_request
from access.local_peer import same_account

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

INTERNAL_PATHS = ("/_stcore/metrics", "/_stcore/script-health-check")
NOT_LOCAL = (
    b"This dashboard has no sign-in configured, so it serves only the machine it runs on.\n"
    b"Ask its operator to configure sign-in (docs/access.md).\n"
)
OTHER_ACCOUNT = (
    b"This dashboard has no sign-in configured, so it serves only the account that started it.\n"
    b"Start your own (./studio run on another port), or ask its operator to configure sign-in.\n"
)


def _request_is_local(scope: Scope) -> bool:
    client = scope.get("client")
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", ())
    }
    return local_request(client[0] if client else None, headers)


def _own_account(scope: Scope) -> bool:
    client, server = scope.get("client"), scope.get("server")
    if not client or not server:  # not a TCP connection: nobody to check, nobody to trust
        return False
    return same_account((client[0], int(client[1])), (server[0], int(server[1])))


def _served_to_anyone() -> bool:
    from ui.access import access_config

    try:
        return access_config().sign_in_configured or allow_anonymous()
    except Exception:  # noqa: BLE001 - a broken sign-in configuration: every page says so; no network access
        return False


class NetworkGuard:
    """Pure ASGI middleware in front of Streamlit (``serve.py``)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") in ("http", "websocket"):
            local = _request_is_local(scope)
            if not local and scope.get("path", "").startswith(INTERNAL_PATHS):
                await _answer(scope, send, 404, b"Not found\n")
                return
            if not _served_to_anyone():
                if not local:
                    await _answer(scope, send, 403, NOT_LOCAL)
                    return
                if not _own_account(scope):
                    await _answer(scope, send, 403, OTHER_ACCOUNT)
                    return
        await self.app(scope, receive, send)


async def _answer(scope: Scope, send: Send, status: int, body: bytes) -> None:
    if scope.get("type") == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": body})
