"""Which account on this host opened a loopback connection, read from the kernel's socket table.

Without sign-in the dashboard is one person's tool on 127.0.0.1, but every account on a shared host
can connect to 127.0.0.1 too. On Linux the kernel says who owns each TCP socket (``/proc/net/tcp``
and ``tcp6``: the ``uid`` column), so the server can look up the client end of a connection — local
address = the client's, remote address = the server's — and serve only its own account (and root).
Elsewhere (no ``/proc``) the answer is ``None`` and the caller decides.
"""

from __future__ import annotations

import ipaddress
import os
import struct
from pathlib import Path

PROC_NET = Path("/proc/net")


def _hex_endpoint(host: str, port: int) -> tuple[str, str]:
    """(table file, ``ADDR:PORT``) as the kernel writes it: each 32-bit word of the address in host
    (little-endian) order, in upper-case hex."""
    address = ipaddress.ip_address(host.strip("[]"))
    if address.version == 4:
        words = struct.unpack("<I", address.packed)
        return "tcp", f"{words[0]:08X}:{port:04X}"
    words = struct.unpack("<IIII", address.packed)
    return "tcp6", "".join(f"{w:08X}" for w in words) + f":{port:04X}"


def supported() -> bool:
    return (PROC_NET / "tcp").exists()


def connection_owner(client: tuple[str, int], server: tuple[str, int]) -> int | None:
    """The uid that owns the client end of the TCP connection ``client`` → ``server`` on this host, or
    ``None`` when the table cannot tell (no ``/proc``, the connection already gone)."""
    try:
        table, local = _hex_endpoint(*client)
        _, remote = _hex_endpoint(*server)
        lines = (PROC_NET / table).read_text(encoding="ascii").splitlines()[1:]
    except (ValueError, OSError):
        return None
    for line in lines:
        fields = line.split()
        if len(fields) > 7 and fields[1] == local and fields[2] == remote:
            return int(fields[7])
    return None


def own_accounts() -> frozenset[int]:
    """The accounts this dashboard belongs to: its own, root, and whoever started it with ``sudo``
    (the README's Quick start runs as root; the browser is then the desktop user's)."""
    accounts = {os.geteuid(), 0}
    sudo_uid = os.environ.get("SUDO_UID", "")
    if os.geteuid() == 0 and sudo_uid.isdigit():
        accounts.add(int(sudo_uid))
    return frozenset(accounts)


def same_account(client: tuple[str, int], server: tuple[str, int]) -> bool:
    """Whether one of this dashboard's own accounts opened the connection. Fails closed on Linux when
    the connection is not found; without a socket table (not Linux) there is nothing to check."""
    if not supported():
        return True
    owner = connection_owner(client, server)
    return owner is not None and owner in own_accounts()
