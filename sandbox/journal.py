"""What reached the sandbox.

What reached the sandbox: API calls counted per route, the connections they came on and, on request,
what each call carried.

QA needs to see what actually arrived, not what a client meant to send: "a refused image made no
request", "the photo that arrived carries no GPS position", "fifty analyses came over one
connection". Counting is always on (the token route is counted as ``token``); keeping what the calls
carried — headers, the decrypted image, an authenticity call's decrypted fields: personal data and
credentials — only when ``SandboxConfig.keep_uploads`` or :meth:`Journal.keep` asks for it, only the
most recent few, and only in memory.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KEPT_UPLOADS = 16
"""At most this many arrivals (with their decrypted images) are held (newest first out of the window)."""


@dataclass(frozen=True)
class Arrival:
    """One API call as the sandbox opened it (kept only while the journal keeps arrivals)."""

    route: str
    """``credit-card``, ``id-card``, ``id-card/stand-alone`` or ``id-card/authenticity``."""
    headers: Mapping[str, str] = field(repr=False)
    """As sent, names in lower case."""
    image: bytes | None = field(default=None, repr=False)
    """The decrypted image of an analysis."""
    image_encoding: str | None = None
    """How the encrypted image travelled: ``raw`` bytes or ``base64`` text."""
    fields: Mapping[str, str] = field(default_factory=dict, repr=False)
    """An authenticity call's fields, decrypted."""
    body: Mapping[str, Any] | None = field(default=None, repr=False)
    """An authenticity call's JSON body as sent (values still encrypted)."""


class Journal:
    """Thread-safe counters of API calls by route (``credit-card``, ``public-keys``, ``token``…)."""

    def __init__(self, keep_uploads: bool = False) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._peers: set[tuple[str, int]] = set()
        self._arrivals: deque[Arrival] = deque(maxlen=KEPT_UPLOADS)
        self._keep = keep_uploads

    def count(self, route: str) -> None:
        with self._lock:
            self._calls[route] += 1

    def connection(self, peer: tuple[str, int] | None) -> None:
        """The client address (host, port) of a call that came over HTTP: one per TCP connection."""
        if peer is not None:
            with self._lock:
                self._peers.add((peer[0], peer[1]))

    def arrived(self, arrival: Arrival) -> None:
        """An API call the sandbox opened (kept only while keeping)."""
        if self._keep:
            with self._lock:
                self._arrivals.append(arrival)

    def keep(self, on: bool = True) -> None:
        """Start (or stop) keeping what API calls carried."""
        with self._lock:
            self._keep = on
            if not on:
                self._arrivals.clear()

    def calls(self, route: str | None = None) -> int:
        """API calls so far to ``route``, or to any route."""
        with self._lock:
            return sum(self._calls.values()) if route is None else self._calls[route]

    def connections(self) -> int:
        """TCP connections the HTTP server's calls came on (0 for in-process calls)."""
        with self._lock:
            return len(self._peers)

    def arrivals(self) -> list[Arrival]:
        with self._lock:
            return list(self._arrivals)

    def uploads(self) -> list[bytes]:
        """The decrypted images of the kept analysis calls, oldest first."""
        return [a.image for a in self.arrivals() if a.image is not None]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self._peers.clear()
            self._arrivals.clear()
