"""A ``requests`` transport adapter that hands requests straight to a :class:`SandboxBackend`.

With it an ``OcrClient`` (or any ``requests`` code) talks to the sandbox in-process, with no
socket and no server thread — the same backend and URL table the HTTP server uses::

    backend = SandboxBackend(SandboxConfig())
    session = sandbox_session(backend)            # mounted on IN_PROCESS_URL
    client = OcrClient(Settings(base_url=IN_PROCESS_URL, app_key=..., secret_key=...), session=session)

Only the vendor's routes and the token route are served this way; ``/healthz`` and the admin
routes belong to the HTTP server (use the backend's methods directly in process).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from http.client import RemoteDisconnected
from typing import Any, Final
from urllib.parse import unquote, urlsplit

import requests
import urllib3
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from sandbox.backend import SandboxBackend

IN_PROCESS_URL: Final = "http://sandbox.in-process"
"""A base URL that never resolves, so a request that misses the adapter fails loudly."""


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if isinstance(body, Iterable):
        return b"".join(c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body)
    raise TypeError(f"cannot send a body of type {type(body).__name__}")


class SandboxTransport(BaseAdapter):
    """Answers every request from ``backend.dispatch``; never opens a connection."""

    def __init__(self, backend: SandboxBackend) -> None:
        super().__init__()
        self.backend = backend

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        path = unquote(urlsplit(request.url or "").path) or "/"
        answer = self.backend.dispatch(
            request.method or "GET",
            path,
            [
                (name, value if isinstance(value, str) else value.decode("latin-1"))
                for name, value in request.headers.items()
            ],
            _body_bytes(request.body),
        )
        if answer.drop:  # what requests raises when a server closes the connection without an answer
            raise requests.exceptions.ConnectionError(
                urllib3.exceptions.ProtocolError(
                    "Connection aborted.", RemoteDisconnected("Remote end closed connection without response")
                ),
                request=request,
            )
        response = requests.Response()
        response.status_code = answer.status
        response.reason = HTTPStatus(answer.status).phrase
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.body
        response.raw = io.BytesIO(answer.body)
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        response.connection = self  # type: ignore[assignment]  # requests types it as HTTPAdapter, reads only .close
        return response

    def close(self) -> None:
        """Nothing to release: no sockets, no threads."""


def sandbox_session(backend: SandboxBackend, base_url: str = IN_PROCESS_URL) -> requests.Session:
    """A session whose requests under ``base_url`` are answered by ``backend`` in process."""
    session = requests.Session()
    session.mount(base_url.rstrip("/") + "/", SandboxTransport(backend))
    return session
