"""CSV cells a spreadsheet cannot run: the one guard every CSV the product writes puts its cells through.

Excel, LibreOffice and Google Sheets read a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK(…)`` phones home with the row's values, ``+cmd|' /C calc'!A0`` asks to run a
program through DDE, ``@SUM(…)`` is Lotus syntax Excel still honours); a leading tab or carriage return
is stripped by some of them first, so it counts too. OWASP's advice ("CSV Injection") is followed: such
a cell is written with a single quote in front, which the spreadsheet shows as text and does not
evaluate. A file name from a ZIP, a value the OCR read, a user name — anything that is text — goes
through :func:`safe_cell`.

Numbers stay numbers, decided by type and by shape, never by trust:

- an ``int`` or a finite ``float`` (a level, a confidence, a result code such as ``-1``) is written as
  Python writes it, which is only digits, a sign, a dot and an exponent: nothing a spreadsheet can call;
- a string that is entirely a plain decimal number (``-0.5``, ``+3``, ``1e-05``; the pattern below) is
  left as it is for the same reason — a spreadsheet reads it as that number;
- anything else that starts with one of the characters, ``-inf`` and ``-1+2`` included, gets the quote.

The quote is visible to a program that reads the CSV back (Python's ``csv`` module, pandas): a value
that began with one of these characters comes back with ``'`` in front. That is the price OWASP names;
the reports' columns that may legitimately start so (a masked value, a message) are text anyway.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Final

__all__ = ["FORMULA_STARTS", "safe_cell", "safe_row"]

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet evaluate a cell (OWASP, "CSV Injection")."""

_PLAIN_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """A value as a CSV cell that no spreadsheet evaluates as a formula.

    ``value`` as a CSV cell no spreadsheet evaluates: ``None``, booleans and finite numbers unchanged,
    text with a single quote in front when it starts with one of :data:`FORMULA_STARTS` (unless it is a
    plain decimal number)."""
    if value is None or isinstance(value, int):  # bool is an int
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return value if isinstance(value, str) else text


def safe_row(values: Iterable[object]) -> list[object]:
    """:func:`safe_cell` of every value of a row."""
    return [safe_cell(v) for v in values]
