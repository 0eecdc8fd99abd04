"""The HTTP shell (Starlette): ``/healthz``, the admin routes, and everything else to the backend.

Every vendor path (and every unknown one) goes to :meth:`SandboxBackend.dispatch`, which owns the
URL table, so the in-process transport and this server cannot disagree about routing. Bodies are
read up to the size at which the backend answers 4131000 anyway; the rest is drained and dropped.

Admin routes (``/_sandbox/faults``, ``/_sandbox/reset``, ``/_sandbox/rotate/{service}``) exist only
when ``SandboxConfig.admin`` is on, and answer only clients on the loopback interface (4010007
otherwise). They use the vendor's answer shape too, so one parser reads every answer.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from sandbox import codes
from sandbox.backend import SandboxBackend, SandboxResponse, api_response, crypto_overhead, log_unexpected
from sandbox.faults import Faults

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}
DROP_EXTENSION = "sandbox.drop"
"""The scope extension (set by ``sandbox.server``) whose ``close`` ends the connection unanswered."""


def _send(resp: SandboxResponse) -> Response:
    headers = {k: v for k, v in resp.headers.items() if k.lower() != "content-type"}
    return Response(resp.body, resp.status, headers, media_type=resp.headers.get("Content-Type"))


async def _capped_body(request: Request, cap: int) -> bytes:
    """At most ``cap`` bytes of the body; the rest is read and discarded so the answer arrives."""
    kept = bytearray()
    async for chunk in request.stream():
        if len(kept) < cap:
            kept += chunk[: cap - len(kept)]
    return bytes(kept)


class _AsgiEndpoint:
    """Starlette treats a plain function as request->response; an instance as a raw ASGI app."""

    def __init__(self, app: Any) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def create_app(backend: SandboxBackend) -> Starlette:
    cfg = backend.config
    body_cap = cfg.max_upload_bytes + crypto_overhead(cfg.max_upload_bytes) + 1

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "keyVersions": backend.keys.versions()})

    async def vendor(scope: Scope, receive: Receive, send: Send) -> None:
        """A bare ASGI app, so that the catch-all route accepts every method (even unknown ones)."""
        request = Request(scope, receive)
        client = scope.get("client")
        backend.journal.connection((str(client[0]), int(client[1])) if client else None)
        try:
            body = await _capped_body(request, body_cap)
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
            resp = await run_in_threadpool(backend.dispatch, request.method, scope["path"], headers, body)
        except ClientDisconnect:
            return
        except Exception as err:  # noqa: BLE001 - dispatch never raises; this guards the shell itself
            log_unexpected(err, "routes")
            resp = api_response(codes.FAIL)
        drop = scope.get("extensions", {}).get(DROP_EXTENSION)
        if resp.drop and drop is not None:
            drop["close"]()
            await receive()  # returns once the server has seen the connection go: no 500 is written then
            return
        await _send(resp)(scope, receive, send)

    def admin(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            client = request.client.host if request.client else ""
            if client not in _LOOPBACK:
                return _send(api_response(codes.PERMISSION_DENIED))
            try:
                return _send(api_response(result=await handler(request)))
            except (ValueError, TypeError, KeyError):
                return _send(api_response(codes.INVALID_PARAMETER))

        return endpoint

    async def faults(request: Request) -> dict[str, Any]:
        if request.method == "POST":
            doc = json.loads(await request.body() or b"{}")
            if not isinstance(doc, dict):
                raise ValueError("a JSON object is expected")
            backend.set_faults(Faults.from_json(doc))
        return backend.current_faults.to_json()

    async def reset(request: Request) -> dict[str, Any]:
        backend.reset()
        return {"reset": True}

    async def rotate(request: Request) -> dict[str, Any]:
        service = request.path_params["service"]
        return {"service": service, "version": backend.rotate_key(service)}

    routes = [Route("/healthz", healthz, methods=["GET"])]
    if cfg.admin:
        routes += [
            Route("/_sandbox/faults", admin(faults), methods=["GET", "POST"]),
            Route("/_sandbox/reset", admin(reset), methods=["POST"]),
            Route("/_sandbox/rotate/{service}", admin(rotate), methods=["POST"]),
        ]
    routes.append(Route("/{path:path}", _AsgiEndpoint(vendor)))  # every method, every other path
    return Starlette(routes=routes)
