"""ICAO 9303 TD3 (passport) machine-readable zone: repair OCR confusions, verify check digits, derive
fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
TO_DIGIT = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
)
TO_ALPHA = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G"})
NATIONALITIES = {"KOR": "REPUBLIC OF KOREA"}


def check_digit(data: str) -> str:
    """Weights 7-3-1 over digits, A-Z as 10-35 and '<' as 0."""
    total = 0
    for i, ch in enumerate(data):
        value = int(ch) if ch.isdigit() else (ord(ch) - 55 if "A" <= ch <= "Z" else 0)
        total += value * (7, 3, 1)[i % 3]
    return str(total % 10)


def clean_line(text: str) -> str:
    """OCR text of one MRZ line -> 44 characters of [A-Z0-9<] (spaces dropped, look-alikes of '<' fixed)."""
    t = text.upper().replace(" ", "").replace("«", "<<").replace("‹", "<").replace("(", "<").replace("[", "<")
    t = re.sub(r"[^A-Z0-9<]", "<", t)
    return (t + "<" * 44)[:44]


def _alpha(s: str) -> str:
    return s.translate(TO_ALPHA)


def _digits(s: str) -> str:
    return s.translate(TO_DIGIT)


@dataclass(frozen=True)
class Td3:
    line1: str
    line2: str
    checks_ok: bool

    @property
    def doc_type(self) -> str:
        return self.line1[0:2].replace("<", "")

    @property
    def country(self) -> str:
        return self.line1[2:5]

    @property
    def surname(self) -> str:
        return self.line1[5:].split("<<", 1)[0].replace("<", " ").strip()

    @property
    def given_names(self) -> str:
        parts = self.line1[5:].split("<<", 1)
        return parts[1].replace("<", " ").strip() if len(parts) > 1 else ""

    @property
    def number(self) -> str:
        return self.line2[0:9].replace("<", "")

    @property
    def nationality(self) -> str:
        return self.line2[10:13]

    @property
    def birth(self) -> str:
        return self.line2[13:19]

    @property
    def sex(self) -> str:
        return self.line2[20].replace("<", "X")

    @property
    def expiry(self) -> str:
        return self.line2[21:27]

    @property
    def personal(self) -> str:
        return self.line2[28:42].replace("<", "")


def parse_td3(line1: str, line2: str) -> Td3:
    """Repair each field by its alphabet (names and codes are letters, dates digits), then check.

    The document number and optional data may mix letters and digits: where their check digit
    fails, their digit readings are tried.
    """
    l1, l2 = _alpha(clean_line(line1)), clean_line(line2)
    number = _repair(l2[0:9], _digits(l2[9]))
    personal = _repair(l2[28:42], _digits(l2[42]))
    l2 = (
        number
        + _digits(l2[9])
        + _alpha(l2[10:13])
        + _digits(l2[13:20])
        + _alpha(l2[20])
        + _digits(l2[21:28])
        + personal
        + _digits(l2[42:44])
    )
    ok = (
        l2[9] == check_digit(l2[0:9])
        and l2[19] == check_digit(l2[13:19])
        and l2[27] == check_digit(l2[21:27])
        and (l2[42] == check_digit(l2[28:42]) or (l2[42] == "<" and set(l2[28:42]) == {"<"}))
        and l2[43] == check_digit(l2[0:10] + l2[13:20] + l2[21:43])
    )
    return Td3(l1, l2, ok)


def _repair(field: str, check: str) -> str:
    """The field as read if its check digit holds, else its digit readings (letter then digits, all digits).

    No arbitrary single swaps: with ten possible check digits they would "repair" too much.
    """
    for candidate in (field, field[0] + _digits(field[1:]), _digits(field)):
        if check_digit(candidate) == check:
            return candidate
    return field


def yymmdd_to_ymd(yymmdd: str, *, future: bool, today: date | None = None) -> str | None:
    """Expand YYMMDD; birth dates lie in the past, expiry dates within a few decades ahead."""
    if not re.fullmatch(r"\d{6}", yymmdd):
        return None
    today = today or date.today()
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    century = 2000 if future or yy <= today.year % 100 else 1900
    try:
        return date(century + yy, mm, dd).strftime("%Y%m%d")
    except ValueError:
        return None


def viz_date(ymd: str) -> str:
    """YYYYMMDD -> '15 JAN 1990' (the visual zone's form)."""
    return f"{ymd[6:8]} {MONTHS[int(ymd[4:6]) - 1]} {ymd[:4]}"


def viz_to_ymd(text: str) -> str | None:
    """'15 JAN 1990' (also '15 1월/JAN 1990') -> '19900115'."""
    m = re.search(r"(\d{1,2})\s*(?:\d{1,2}월\s*/\s*)?([A-Z]{3})\s*(\d{4})", text.upper())
    if not m or m.group(2) not in MONTHS:
        return None
    return f"{m.group(3)}{MONTHS.index(m.group(2)) + 1:02d}{int(m.group(1)):02d}"
