"""An image's name in the lab: safe to store, show and match, whatever bytes the file system or ZIP held.

A name comes from places nobody checks: a folder written by a CP949 tool or an SMB share (bytes that
are not UTF-8), a ZIP made on another system, a file named on purpose to fool a reader. The lab keeps
every name as text that is

- **valid**: bytes that are not UTF-8 are read as CP949 when they are CP949 (Korean Windows), else
  each such byte is written ``\\xNN`` — a name is never lost, and never a string the database or a
  terminal chokes on (a lone surrogate from ``os.fsdecode`` made SQLAlchemy refuse the whole run);
- **visible**: control characters (NUL, escape, line breaks), the bidirectional overrides that make
  ``gnp.exe`` look like ``exe.png`` (U+202E and its kin) and other invisible format characters are
  written ``\\x1b`` / ``\\u202e``, so what a QA engineer reads is what the file is called;
- **composed** (Unicode NFC): a Mac writes ``카드.png`` decomposed; the truth file says it composed;
- **bounded**: at most :data:`MAX_CHARS` characters (the middle of a longer one becomes ``…``; the
  store keeps 300).

:func:`distinct` then tells apart the images of one run that share a name (see its docstring).
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from typing import Final, TypeVar

__all__ = ["MAX_CHARS", "distinct", "from_bytes", "from_os", "safe_name"]

MAX_CHARS: Final = 200
"""The longest name kept whole (the store's column holds 300: room for a folder in front)."""
_TAIL: Final = 40  # a shortened name keeps its last characters (the suffix, a number) after the "…"

T = TypeVar("T")


def _visible(ch: str) -> str:
    category = unicodedata.category(ch)
    if (
        category in ("Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn") and ch != "\u200d"
    ):  # ZWJ joins emoji and Hangul
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return ch


def safe_name(text: str) -> str:
    """``text`` valid, visible, composed and bounded (see the module's docstring)."""
    if not text.isprintable():  # printable text holds nothing to escape (the common case, kept fast)
        text = "".join(_visible(ch) for ch in text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - _TAIL - 1] + "…" + text[-_TAIL:]
    return text


def from_bytes(raw: bytes, encodings: Sequence[str] = ("utf-8", "cp949")) -> str:
    """A name from bytes, as safe text.

    Bytes of a name read in the first of ``encodings`` that fits, else UTF-8 with every byte that does
    not fit written ``\\xNN``; then :func:`safe_name`."""
    for encoding in encodings:
        try:
            return safe_name(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    return safe_name(raw.decode("utf-8", "backslashreplace"))


def from_os(name: str) -> str:
    """A name as ``os`` gave it, as safe text.

    A name as ``os`` gave it (``os.fsdecode``: bytes that are not UTF-8 are lone surrogates), as safe
    text: UTF-8, else CP949 (a Korean Windows tool or an SMB share wrote it), else ``\\xNN`` escapes."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return from_bytes(os.fsencode(name))
    return safe_name(name)


def distinct(
    items: Sequence[T], name: Callable[[T], str], paths: Sequence[str], rename: Callable[[T, str], T]
) -> list[T]:
    """``items`` with names no two share.

    Each item's name is kept when it is the only one; when two or more share it, each of them is named by
    its path (``paths``, parallel to ``items``: its path in the ZIP or folder, or
    ``archive.zip/inner/a.png`` across several); any still shared get `` (2)``, `` (3)`` before the suffix,
    in order. Names are compared exactly, case included, as truth files match them."""
    names = [name(item) for item in items]
    counts = Counter(names)
    names = [safe_name(path) if counts[n] > 1 else n for n, path in zip(names, paths, strict=True)]
    seen: Counter[str] = Counter()
    counts = Counter(names)
    out: list[T] = []
    for item, n in zip(items, names, strict=True):
        if counts[n] > 1:
            seen[n] += 1
            if seen[n] > 1:
                pure = PurePosixPath(n)
                n = (
                    str(pure.with_name(f"{pure.stem} ({seen[n]}){pure.suffix}"))
                    if pure.name
                    else f"{n} ({seen[n]})"
                )
        out.append(item if n == name(item) else rename(item, n))
    return out
