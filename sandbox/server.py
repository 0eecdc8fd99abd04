"""Serving the sandbox with uvicorn, in the foreground or in a background thread.

Serving the sandbox with uvicorn: in the foreground (``python -m sandbox``) or in a background
thread on a free port (:func:`start_sandbox`, for the dashboard's embedded default and for tests)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Self

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from sandbox.backend import SandboxBackend
from sandbox.config import DEFAULT_HOST, SandboxConfig
from sandbox.routes import DROP_EXTENSION, create_app


class _Http11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, able to close a connection without an answer.

    uvicorn's HTTP/1.1 protocol, letting the app close a call's connection without any answer (the
    scripted fault ``Scripted(drop=True)``, as a failing gateway does): each request's scope carries
    ``extensions[DROP_EXTENSION]``, a callable that closes the connection. (An ASGI app cannot do this
    otherwise: uvicorn answers 500 for an app that fails or returns before it answers.)"""

    def handle_events(self) -> None:
        super().handle_events()  # creates the cycle (and its task, which runs only after this returns)
        if self.cycle is not None and self.transport is not None:
            extensions = self.cycle.scope.setdefault("extensions", {})
            extensions[DROP_EXTENSION] = {"close": self.transport.close}


def _uvicorn_config(backend: SandboxBackend, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(backend),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,  # paths carry the appKey; answers are logged by the backend without it
        lifespan="off",
        server_header=False,
        http=_Http11,
    )


@dataclass
class RunningSandbox:
    """A sandbox serving in a background thread; ``stop()`` (or leaving a ``with``) ends it."""

    base_url: str
    app_key: str
    secret_key: str = field(repr=False)
    backend: SandboxBackend = field(repr=False)
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and self._server.started

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_sandbox(
    config: SandboxConfig | None = None,
    host: str = DEFAULT_HOST,
    port: int = 0,
    *,
    backend: SandboxBackend | None = None,
    startup_timeout: float = 15.0,
    log_level: str = "warning",
) -> RunningSandbox:
    """Serve a sandbox on ``host:port`` (port 0: a free one) from a daemon thread; returns once it answers."""
    backend = backend or SandboxBackend(config)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on accepted sockets whose proto says TCP,
    # and accepted sockets inherit the listener's. With proto 0 every keep-alive answer (headers and
    # body written apart) waited ~40 ms for the client's delayed ACK (bench/bench_client_reuse.py).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(_uvicorn_config(backend, host, bound_port, log_level))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="sandbox-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the sandbox server did not start")
        time.sleep(0.01)
    url_host = f"[{host}]" if family == socket.AF_INET6 else host
    return RunningSandbox(
        f"http://{url_host}:{bound_port}",
        backend.config.app_key,
        backend.config.secret_key,
        backend,
        server,
        thread,
    )


def serve(config: SandboxConfig, host: str = DEFAULT_HOST, port: int = 8765, log_level: str = "info") -> None:
    """Serve in the foreground until interrupted."""
    uvicorn.Server(_uvicorn_config(SandboxBackend(config), host, port, log_level)).run()
