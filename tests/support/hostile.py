"""Hostile inputs made for real: ZIPs whose headers lie (crafted byte by byte, as an attacker would),
deflate streams that inflate to far more than they take, and a peak-memory probe."""

from __future__ import annotations

import struct
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

MB = 1024 * 1024


def zeros_deflated(size: int, chunk: int = 4 * MB) -> tuple[bytes, int]:
    """A raw deflate stream of ``size`` zero bytes (about 1/230 of it: zlib's fastest level, as a
    quick attacker's tool) and the CRC-32 of those bytes, made a chunk at a time (never ``size`` bytes in
    memory)."""
    comp = zlib.compressobj(1, zlib.DEFLATED, -15)
    block = bytes(chunk)
    parts, crc, left = [], 0, size
    while left:
        piece = block[: min(chunk, left)]
        parts.append(comp.compress(piece))
        crc = zlib.crc32(piece, crc)
        left -= len(piece)
    parts.append(comp.flush())
    return b"".join(parts), crc


@dataclass
class Member:
    """One entry of a crafted ZIP: ``payload`` as stored (already compressed for ``method`` 8), and
    what the headers say about it — which may be anything."""

    name: bytes
    payload: bytes
    method: int = 8
    crc: int = 0
    declared: int = 0
    """The uncompressed size the headers declare."""
    compressed: int | None = None
    """The compressed size the headers declare (default: the payload's real length)."""
    flags: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def deflated(cls, name: str | bytes, data: bytes, **kw: Any) -> Member:
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        payload = comp.compress(data) + comp.flush()
        raw = name.encode() if isinstance(name, str) else name
        return cls(raw, payload, 8, zlib.crc32(data), len(data), **kw)


def crafted_zip(members: list[Member], *, entries: int | None = None) -> bytes:
    """A ZIP of ``members`` exactly as declared (local headers, central directory, end record); the end
    record's entry count can lie too (``entries``)."""
    out, central = bytearray(), bytearray()
    for m in members:
        offset = len(out)
        size = len(m.payload) if m.compressed is None else m.compressed
        local = struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            m.flags,
            m.method,
            0,
            0x21,
            m.crc,
            size,
            m.declared,
            len(m.name),
            0,
        )
        out += local + m.name + m.payload
        central += (
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                m.flags,
                m.method,
                0,
                0x21,
                m.crc,
                size,
                m.declared,
                len(m.name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + m.name
        )
    count = len(members) if entries is None else entries
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(out), 0)
    return bytes(out + central + end)


@contextmanager
def peak_memory() -> Iterator[Callable[[], int]]:
    """Bytes allocated at the peak inside the ``with`` (tracemalloc: Python's and zlib's buffers alike),
    above what was allocated when it began."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    peak = [0]
    try:
        yield lambda: peak[0]
    finally:
        peak[0] = tracemalloc.get_traced_memory()[1] - base
        if started:
            tracemalloc.stop()
