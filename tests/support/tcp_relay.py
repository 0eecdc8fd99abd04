"""A plain TCP relay that connects onward *from a chosen local address*: what any account on a host
can run to make its connections look as if they came from a proxy's address (audit D13)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def _pump(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        for s in (source, target):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


@contextmanager
def tcp_relay(upstream: tuple[str, int], source_address: str) -> Iterator[int]:
    """Listen on a free 127.0.0.1 port (yielded); each connection is relayed to ``upstream``, opened
    from ``source_address``."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                onward = socket.create_connection(upstream, timeout=10, source_address=(source_address, 0))
            except OSError:
                client.close()
                continue
            onward.settimeout(None)
            for a, b in ((client, onward), (onward, client)):
                threading.Thread(target=_pump, args=(a, b), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        server.close()
        thread.join(timeout=5)
