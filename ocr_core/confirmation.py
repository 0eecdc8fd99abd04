"""Which fields a validator *confirms*: a reading a check proves right, whatever the API's confidence says.

A confidence is the reader's own doubt; a check digit that matches, a Luhn sum that comes out, the
printed page agreeing with the machine-readable zone are proof. So a confirmed field is not "under
the threshold" for the verdict, the table's flag or the colours: amber and red are left for fields
nothing confirms. What confirms (``CONFIRMING``):

- ``card_luhn`` passing: the card number — and each printed group of it, when the groups put
  together are that number;
- ``rrn`` passing with its check digit (``rrn_ok``: birth date real and check digit right; not the
  short form, not a number from the random era, whose last digit proves nothing);
- ``mrz_check_digits`` passing: MRZ line 2, whose every part carries its check digit;
- ``viz_mrz`` passing: a printed field that says what the check-digited MRZ says. A date printed in
  words (``15 JAN 1990``) is confirmed when it names the same day as its ``…YMD`` twin and the twin is
  confirmed; MRZ line 1 when the names printed on the page (surname and given names) agree with it.

Format checks (a licence's shape, a plausible date, an unexpired document) are not confirmation:
a misread digit keeps a plausible shape. UI-free; works on any rows with ``key``, ``index``, ``raw``
and ``checks`` (``ui.rows.FieldRow``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from ocr_core.validators import Check

__all__ = ["CONFIRMING", "Readable", "confirmations", "confirms"]

CONFIRMING: frozenset[tuple[str, str]] = frozenset(
    {
        ("card_luhn", "luhn_ok"),
        ("rrn", "rrn_ok"),
        ("mrz_check_digits", "check_digits_ok"),
        ("viz_mrz", "viz_match"),
        ("viz_mrz", "viz_all_match"),
    }
)
"""(check name, reason) of the passing verdicts that prove a reading right."""

_TWIN_DATES = {
    "dateOfBirth": "dateOfBirthYMD",
    "dateOfExpiry": "dateOfExpiryYMD",
    "dateOfIssue": "dateOfIssueYMD",
}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WORD_DATE = re.compile(r"(\d{1,2})\D*?(" + "|".join(_MONTHS) + r")\D*?(\d{4})")
_LINE1_NAMES = ("surName", "givenName")


class Readable(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def index(self) -> int | None: ...
    @property
    def raw(self) -> str | None: ...
    @property
    def checks(self) -> tuple[Check, ...]: ...


def confirms(check: Check) -> bool:
    """True for a passing verdict that proves the value right (not merely well-formed)."""
    return check.ok is True and (check.name, check.reason) in CONFIRMING


def confirmations(rows: Sequence[Readable]) -> dict[int, tuple[str, ...]]:
    """Row position → the names of the checks that confirm it (rows no check confirms are left out)."""
    found: dict[int, tuple[str, ...]] = {}
    for i, row in enumerate(rows):
        names = tuple(dict.fromkeys(c.name for c in row.checks if confirms(c)))
        if names:
            found[i] = names
    by_key = {row.key: i for i, row in enumerate(rows) if row.index is None}
    _card_groups(rows, by_key, found)
    for text_key, ymd_key in _TWIN_DATES.items():
        text, ymd = by_key.get(text_key), by_key.get(ymd_key)
        if (
            text is not None
            and ymd is not None
            and ymd in found
            and text not in found
            and _ymd(rows[text].raw) is not None
            and _ymd(rows[text].raw) == _digits(rows[ymd].raw)
        ):
            found[text] = found[ymd]
    line1 = by_key.get("MRZ1")
    printed = [by_key.get(k) for k in _LINE1_NAMES]
    if (
        line1 is not None
        and line1 not in found
        and all(n is not None and "viz_mrz" in found.get(n, ()) for n in printed)
    ):
        found[line1] = ("viz_mrz",)
    return dict(sorted(found.items()))


def _card_groups(rows: Sequence[Readable], by_key: dict[str, int], found: dict[int, tuple[str, ...]]) -> None:
    total = by_key.get("totalCardNum")
    if total is None or "card_luhn" not in found.get(total, ()):
        return
    groups = [i for i, row in enumerate(rows) if row.key == "cardNums"]
    if groups and "".join(_digits(rows[i].raw) for i in groups) == _digits(rows[total].raw):
        for i in groups:
            found.setdefault(i, ("card_luhn",))


def _digits(value: str | None) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


def _ymd(value: str | None) -> str | None:
    """``15 JAN 1990`` (also ``15 1월/JAN 1990``) as ``19900115``; None when it is not such a date."""
    match = _WORD_DATE.search((value or "").upper())
    if match is None:
        return None
    day, month, year = match.groups()
    return f"{year}{_MONTHS.index(month) + 1:02d}{int(day):02d}"
