"""What reached the sandbox: API calls counted per route and, on request, the images they carried.

QA needs to see what actually arrived, not what a client meant to send: "a refused image made no
request", "the photo that arrived carries no GPS position". Counting is always on; keeping the
decrypted images (personal data) only when ``SandboxConfig.keep_uploads`` or :meth:`Journal.keep`
asks for it, and only the most recent few.
"""
from __future__ import annotations

import threading
from collections import Counter, deque

KEPT_UPLOADS = 16
"""At most this many decrypted images are held (newest first out of the window)."""


class Journal:
    """Thread-safe counters of API calls by route (``credit-card``, ``public-keys``…)."""

    def __init__(self, keep_uploads: bool = False) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._uploads: deque[bytes] = deque(maxlen=KEPT_UPLOADS)
        self._keep = keep_uploads

    def count(self, route: str) -> None:
        with self._lock:
            self._calls[route] += 1

    def received(self, image: bytes) -> None:
        """An image decrypted from an analysis request."""
        if self._keep:
            with self._lock:
                self._uploads.append(image)

    def keep(self, on: bool = True) -> None:
        """Start (or stop) keeping the decrypted images of analysis requests."""
        with self._lock:
            self._keep = on
            if not on:
                self._uploads.clear()

    def calls(self, route: str | None = None) -> int:
        """API calls so far to ``route``, or to any route."""
        with self._lock:
            return sum(self._calls.values()) if route is None else self._calls[route]

    def uploads(self) -> list[bytes]:
        with self._lock:
            return list(self._uploads)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self._uploads.clear()
