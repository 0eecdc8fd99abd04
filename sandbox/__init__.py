"""A local emulator of the NHN Cloud Document OCR API.

A local emulator of the NHN Cloud Document OCR API: thin HTTP routes over an HTTP-agnostic
backend, with a real OCR engine (``sandbox.engine``). Run it with ``python -m sandbox`` or
:func:`sandbox.server.start_sandbox`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sandbox.config import SandboxConfig
from sandbox.faults import Faults

if TYPE_CHECKING:
    from sandbox.backend import SandboxBackend, SandboxResponse
    from sandbox.server import RunningSandbox, start_sandbox

__all__ = ["Faults", "RunningSandbox", "SandboxBackend", "SandboxConfig", "SandboxResponse", "start_sandbox"]


def __getattr__(name: str) -> Any:
    # The backend pulls in OpenCV and the server uvicorn; import them only when asked for.
    if name in ("SandboxBackend", "SandboxResponse"):
        from sandbox import backend

        return getattr(backend, name)
    if name in ("RunningSandbox", "start_sandbox"):
        from sandbox import server

        return getattr(server, name)
    raise AttributeError(name)
