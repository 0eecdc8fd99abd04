"""Status marks for text cells (tables, CSV-like strings): characters every system font draws.

Colour emoji (✅ ❌ ⚠️ ➖) need an emoji font, which Debian's Chromium and many intranet desktops do
not have: they showed as empty boxes in table cells. These are plain text symbols (DejaVu, Liberation,
Segoe UI Symbol and Apple's system fonts all have them); no variation selector, so no browser swaps
in an emoji. Elements that take an icon use Material symbols instead (bundled with Streamlit).
"""

from __future__ import annotations

from typing import Literal

OK = "✓"  # U+2713 CHECK MARK
FAIL = "✗"  # U+2717 BALLOT X
WARN = "⚠"  # U+26A0 WARNING SIGN, text presentation
NONE = "–"  # U+2013 EN DASH: not applicable
DIFFERS = "≠"

Status = Literal["pass", "warn", "fail"]
STATUS_MARK: dict[str, str] = {"pass": OK, "warn": WARN, "fail": FAIL}


def verdict_mark(ok: bool | None) -> str:
    """✓ for True, ✗ for False, – for "could not tell"."""
    return OK if ok else (FAIL if ok is False else NONE)
