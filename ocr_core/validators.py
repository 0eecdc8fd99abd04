"""Plausibility checks of recognised values, for the badges beside each field.

Every check returns a :class:`Check`: ``ok`` is ``True`` (passes), ``False`` (fails) or ``None``
(not applicable, or it cannot be decided — e.g. the check digit of a resident number assigned since
October 2020). Why is a code (``reason``) with its facts (``params``: a count, a month, the parts that
disagree), never words and never the value itself: the UI and the CLI word it from the message
catalogue (``l10n.check_detail``, keys ``vr.<reason>``), so a reason can be shown even when values
are masked.

Luhn and the resident-number rules come from python-stdnum; the ICAO 9303 check digit (weights
7-3-1) and the Korean licence and passport formats are small enough to state here.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.kr import rrn as _rrn

from ocr_core.hangul_names import spells

__all__ = [
    "CHECK_NAMES",
    "CHECK_PARTS",
    "RRN_RANDOM_SINCE",
    "Check",
    "Td3",
    "check_card_number",
    "check_date",
    "check_document_expiry",
    "check_driver_license",
    "check_expiry",
    "check_mrz",
    "check_mrz_line1",
    "check_passport_number",
    "check_resident_number",
    "check_serial_number",
    "check_viz_mrz",
    "check_yyyymmdd",
    "checks_for",
    "icao_check_digit",
    "parse_td3",
]

# Resident numbers assigned from this day on end in random digits: no region code, no check digit.
RRN_RANDOM_SINCE = date(2020, 10, 5)


@dataclass(frozen=True, slots=True)
class Check:
    """One check's verdict.

    ``ok=None`` means "not applicable / cannot tell"; ``reason`` says why (a code of the catalogue's ``vr.``
    family) and ``params`` carry its facts."""

    name: str
    ok: bool | None
    reason: str
    params: Mapping[str, object] = field(default_factory=dict)


CHECK_NAMES: tuple[str, ...] = (
    "card_luhn",
    "card_expiry",
    "rrn",
    "licence_format",
    "passport_format",
    "serial_format",
    "date",
    "document_expiry",
    "mrz_line1",
    "mrz_check_digits",
    "viz_mrz",
)
"""Every ``Check.name``; the UI labels them from its catalogue (``check.<name>``)."""


def _ok(name: str, reason: str, **params: object) -> Check:
    return Check(name, True, reason, params)


def _fail(name: str, reason: str, **params: object) -> Check:
    return Check(name, False, reason, params)


def _unknown(name: str, reason: str, **params: object) -> Check:
    return Check(name, None, reason, params)


def _compact(value: str, separators: str = " -") -> str:
    return "".join(c for c in value.strip() if c not in separators)


# --- credit card -------------------------------------------------------------------------------


def check_card_number(value: str) -> Check:
    """Luhn over a 13–19-digit card number (spaces and hyphens ignored)."""
    name = "card_luhn"
    digits = _compact(value)
    if not digits.isdigit():
        return _fail(name, "not_digits")
    if not 13 <= len(digits) <= 19:
        return _fail(name, "card_length", n=len(digits))
    if luhn.is_valid(digits):
        return _ok(name, "luhn_ok", n=len(digits))
    return _fail(name, "luhn_mismatch")


_EXPIRY_RE = re.compile(r"^\s*(\d{1,2})\s*[/\-. ]?\s*(\d{4}|\d{2})\s*$")
_MAX_CARD_YEARS_AHEAD = 20


def check_expiry(value: str, *, today: date | None = None) -> Check:
    """A card's ``MM/YY`` (or ``MM/YYYY``): a real month, not absurdly far ahead, expired or valid."""
    name = "card_expiry"
    today = today or date.today()
    match = _EXPIRY_RE.match(value)
    if match is None:
        return _fail(name, "expiry_form")
    month, year = int(match.group(1)), int(match.group(2))
    if len(match.group(2)) == 2:
        year += 2000
    if not 1 <= month <= 12:
        return _fail(name, "month_range")
    if year > today.year + _MAX_CARD_YEARS_AHEAD:
        return _fail(name, "too_far_ahead", n=_MAX_CARD_YEARS_AHEAD)
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    if last_day < today:
        return _fail(name, "card_expired", month=month, year=year)
    return _ok(name, "card_valid", month=month, year=year)


# --- resident registration number --------------------------------------------------------------


def check_resident_number(value: str, *, today: date | None = None) -> Check:
    """A resident registration number: 13 digits, or the driver authenticity form of 7 (YYMMDD + G).

    The birth date (with the century from the 7th digit) must be real and not in the future. The
    check digit is verified with python-stdnum's formula, but numbers assigned since 2020-10-05 end in
    random digits, and a person born earlier may have been given such a number (a change of number,
    naturalisation), so a mismatch is reported as undecidable, not as a failure.
    """
    name = "rrn"
    today = today or date.today()
    number = _rrn.compact(_compact(value))
    if not number.isdigit() or len(number) not in (7, 13):
        return _fail(name, "rrn_length")
    try:
        birth = _rrn.get_birth_date(number)
    except (ValidationError, ValueError):
        return _fail(name, "rrn_birth_date")
    if birth > today:
        return _fail(name, "birth_in_future")
    if len(number) == 7:
        return _ok(name, "rrn_short_ok")
    since = RRN_RANDOM_SINCE.isoformat()
    if birth >= RRN_RANDOM_SINCE:
        return _unknown(name, "rrn_random_era", since=since)
    if number[-1] == _rrn.calc_check_digit(number[:-1]):
        return _ok(name, "rrn_ok")
    return _unknown(name, "rrn_check_digit_unknown", since=since)


# --- driver licence, passport, serial ------------------------------------------------------------

# Region codes printed in place of region names since the Road Traffic Authority's change; the numeric
# form is accepted for 11–28 (27 is not known to be assigned, but a false failure would be worse).
LICENCE_REGIONS: Mapping[str, int] = {
    "서울": 11,
    "부산": 12,
    "경기남부": 13,
    "경기": 13,
    "강원": 14,
    "충북": 15,
    "충남": 16,
    "전북": 17,
    "전남": 18,
    "경북": 19,
    "경남": 20,
    "제주": 21,
    "대구": 22,
    "인천": 23,
    "광주": 24,
    "대전": 25,
    "울산": 26,
    "경기북부": 28,
}
_LICENCE_CODES = range(11, 29)
_LICENCE_REST_RE = re.compile(r"^-?(\d{2})-?(\d{6})-?(\d{2})$")


def check_driver_license(value: str) -> Check:
    """Check the format of a Korean driver-licence number.

    A 12-digit licence number ``RR-YY-NNNNNN-NN`` (hyphens optional) whose region ``RR`` is a known
    code, or the older form that prints the region's name (``서울 19-123456-12``). No check digit is
    published for it, so only the format is checked."""
    name = "licence_format"
    text = "".join(value.split())
    region: int | None = None
    for region_name in sorted(LICENCE_REGIONS, key=len, reverse=True):
        if text.startswith(region_name):
            region, text = LICENCE_REGIONS[region_name], text[len(region_name) :]
            break
    if region is None:
        if len(text) < 2 or not text[:2].isdigit():
            return _fail(name, "licence_no_region")
        region, text = int(text[:2]), text[2:]
    if _LICENCE_REST_RE.match(text) is None:
        return _fail(name, "licence_form")
    if region not in _LICENCE_CODES:
        return _fail(name, "licence_region_range", low=_LICENCE_CODES.start, high=_LICENCE_CODES.stop - 1)
    return _ok(name, "licence_ok")


# Korean passport types: M multiple, S single, R residence, G official, D diplomatic, T travel certificate.
_KOREAN_PASSPORT_RE = re.compile(r"^[MSRGDT](?:\d{8}|\d{3}[A-Z]\d{4})$")
_ICAO_PASSPORT_RE = re.compile(r"^[A-Z0-9]{9}$")


def check_passport_number(value: str, *, country: str | None = None) -> Check:
    """Check the format of a passport number.

    Korean: a type letter and 8 digits (``M12345678``) or, since the 2021 passports, a letter,
    3 digits, a letter and 4 digits (``M123A4567``). Others: 9 upper-case letters or digits."""
    name = "passport_format"
    number = value.strip()
    korean = _KOREAN_PASSPORT_RE.match(number) is not None
    if (country or "").strip().upper() == "KOR":
        return _ok(name, "passport_korean") if korean else _fail(name, "passport_not_korean")
    if korean:
        return _ok(name, "passport_korean")
    if _ICAO_PASSPORT_RE.match(number):
        return _ok(name, "passport_icao")
    return _fail(name, "passport_form")


_SERIAL_RE = re.compile(r"^[A-Za-z0-9]{5,6}$")


def check_serial_number(value: str) -> Check:
    """The licence's security serial (암호 일련번호): 5 or 6 letters or digits."""
    if _SERIAL_RE.match(value.strip()):
        return _ok("serial_format", "serial_ok")
    return _fail("serial_format", "serial_form")


# --- dates -------------------------------------------------------------------------------------


def _parse_yyyymmdd(value: str) -> date | None:
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def check_yyyymmdd(value: str, *, not_after: date | None = None, not_before: date | None = None) -> Check:
    """Exactly eight digits forming a real calendar date from 1900 on, within the optional bounds."""
    name = "date"
    if len(value) != 8 or not value.isdigit():
        return _fail(name, "date_form")
    parsed = _parse_yyyymmdd(value)
    if parsed is None or parsed.year < 1900:
        return _fail(name, "date_unreal")
    if not_after is not None and parsed > not_after:
        return _fail(name, "date_future")
    if not_before is not None and parsed < not_before:
        return _fail(name, "date_too_early")
    return _ok(name, "date_ok")


_LOOSE_DATE_RE = re.compile(r"^\s*(\d{4})\s*[.\-/ ]\s*(\d{1,2})\s*[.\-/ ]\s*(\d{1,2})\s*\.?\s*$")


def _normalise_date(value: str) -> str:
    """``2019.6.20.`` / ``2019-06-20`` / ``2019. 06. 20`` → ``20190620``; other text unchanged."""
    match = _LOOSE_DATE_RE.match(value)
    if match is None:
        return value.strip()
    year, month, day = match.groups()
    return f"{year}{int(month):02d}{int(day):02d}"


def check_date(value: str, *, not_after: date | None = None, not_before: date | None = None) -> Check:
    """Like :func:`check_yyyymmdd` but also accepts the printed forms ``2019.06.20`` and ``2019-6-20``."""
    return check_yyyymmdd(_normalise_date(value), not_after=not_after, not_before=not_before)


def check_document_expiry(value: str, *, today: date | None = None) -> Check:
    """Whether a document's expiry date (YYYYMMDD or printed form) has passed."""
    name = "document_expiry"
    today = today or date.today()
    parsed = _parse_yyyymmdd(_normalise_date(value))
    if parsed is None:
        return _unknown(name, "no_date")
    if parsed < today:
        return _fail(name, "document_expired")
    return _ok(name, "not_expired")


# --- ICAO 9303 machine-readable zone (TD3: passports, two lines of 44) -------------------------------

_MRZ_CHARS_RE = re.compile(r"^[A-Z0-9<]+$")
TD3_LENGTH = 44


def icao_check_digit(data: str) -> str:
    """ICAO 9303 check digit: weights 7, 3, 1; digits as themselves, A–Z as 10–35, ``<`` as 0."""
    total = 0
    for i, char in enumerate(data):
        if char.isdigit():
            n = int(char)
        elif "A" <= char <= "Z":
            n = ord(char) - ord("A") + 10
        elif char == "<":
            n = 0
        else:
            raise ValueError("not an MRZ character")
        total += n * (7, 3, 1)[i % 3]
    return str(total % 10)


@dataclass(frozen=True, slots=True)
class Td3:
    """The fields of a TD3 MRZ, fillers removed; dates stay ``YYMMDD`` as printed."""

    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    name_truncated: bool
    passport_number: str
    nationality: str
    birth_date: str
    sex: str
    expiry_date: str
    personal_number: str


def _clean_mrz(line: str) -> str:
    return "".join(line.split())


def parse_td3(line1: str | None, line2: str) -> Td3 | None:
    """Split TD3 lines into fields; ``None`` when line 2 is not 44 MRZ characters.

    A missing or malformed line 1 leaves the line-1 fields (type, issuing state, names) empty."""
    l2 = _clean_mrz(line2)
    if len(l2) != TD3_LENGTH or not _MRZ_CHARS_RE.match(l2):
        return None
    l1 = _clean_mrz(line1) if line1 else ""
    if len(l1) != TD3_LENGTH or not _MRZ_CHARS_RE.match(l1):
        l1 = ""
    names = l1[5:] if l1 else ""
    surname, _, given = names.partition("<<")
    return Td3(
        document_code=l1[:2].rstrip("<"),
        issuing_state=l1[2:5].rstrip("<"),
        surname=surname.replace("<", " ").strip(),
        given_names=given.replace("<", " ").strip(),
        name_truncated=bool(l1) and not l1.endswith("<"),
        passport_number=l2[0:9].rstrip("<"),
        nationality=l2[10:13].rstrip("<"),
        birth_date=l2[13:19],
        sex=l2[20],
        expiry_date=l2[21:27],
        personal_number=l2[28:42].rstrip("<"),
    )


def check_mrz_line1(value: str) -> Check:
    """TD3 line 1: 44 MRZ characters starting with ``P`` (document code, issuing state, names)."""
    name = "mrz_line1"
    line = _clean_mrz(value)
    if not _MRZ_CHARS_RE.match(line or "-"):
        return _fail(name, "mrz_chars")
    if len(line) != TD3_LENGTH:
        return _fail(name, "mrz_length", n=len(line), length=TD3_LENGTH)
    if not line.startswith("P"):
        return _fail(name, "mrz_start")
    return _ok(name, "mrz_line1_ok", length=TD3_LENGTH)


def check_mrz(line2: str, *, line1: str | None = None) -> Check:
    """Check the five ICAO 9303 check digits of a TD3 MRZ.

    The five ICAO 9303 check digits of TD3 line 2: passport number, birth date, expiry date,
    personal number (``<`` or 0 when it is empty) and the composite. Line 1, when given, must be a
    well-formed TD3 line too."""
    name = "mrz_check_digits"
    if line1 is not None:
        first = check_mrz_line1(line1)
        if first.ok is False:
            return _fail(name, "line1", line1=first.reason, **first.params)
    l2 = _clean_mrz(line2)
    if not _MRZ_CHARS_RE.match(l2 or "-"):
        return _fail(name, "mrz_chars")
    if len(l2) != TD3_LENGTH:
        return _fail(name, "mrz_length", n=len(l2), length=TD3_LENGTH)
    fields = {
        "passport_number": (l2[0:9], l2[9]),
        "date_of_birth": (l2[13:19], l2[19]),
        "date_of_expiry": (l2[21:27], l2[27]),
        "composite": (l2[0:10] + l2[13:20] + l2[21:43], l2[43]),
    }
    personal, personal_digit = l2[28:42], l2[42]
    bad = [part for part, (data, digit) in fields.items() if icao_check_digit(data) != digit]
    personal_ok = icao_check_digit(personal) == personal_digit or (
        set(personal) == {"<"} and personal_digit in "<0"
    )
    if not personal_ok:
        bad.insert(3, "personal_number")
    if bad:
        return _fail(name, "check_digit_mismatch", parts=tuple(bad))
    return _ok(name, "check_digits_ok")


# --- passport VIZ (printed page) against its MRZ ---------------------------------------------------


def _letters(value: str) -> str:
    return "".join(c for c in value.upper() if c.isalpha())


def _same_name(viz: str, mrz: str, truncated: bool) -> bool:
    a, b = _letters(viz), _letters(mrz)
    return a == b or (truncated and a.startswith(b))


PRINTED_SEX: Mapping[str, str] = {"F": "여", "M": "남"}
"""The MRZ's sex code → how a Korean passport's printed page writes it ("F/여"): text read from a
document, not words of the UI (like :data:`LICENCE_REGIONS`)."""


def _viz_sex(value: str) -> str:
    upper = value.upper()
    for code, printed in PRINTED_SEX.items():
        if code in upper or printed in value:
            return code
    return "<"


def _same_personal(viz: str, mrz: str) -> bool:
    a, b = _compact(viz), mrz.replace("<", "")
    return a == b or (min(len(a), len(b)) >= 7 and (a.endswith(b) or b.endswith(a)))


# key → (the part's code, for the catalogue's ``vr.part.<code>``; comparison of the VIZ value with the MRZ)
_VIZ_RULES: Mapping[str, tuple[str, Callable[[str, Td3], bool]]] = {
    "passportNo": ("passport_number", lambda v, m: _compact(v).upper() == m.passport_number),
    "dateOfBirthYMD": ("date_of_birth", lambda v, m: _compact(v)[2:] == m.birth_date),
    "dateOfExpiryYMD": ("date_of_expiry", lambda v, m: _compact(v)[2:] == m.expiry_date),
    "sex": ("sex", lambda v, m: _viz_sex(v) == m.sex),
    "nationality": ("nationality", lambda v, m: _letters(v) == m.nationality),
    "countryCode": ("country_code", lambda v, m: _letters(v) == m.issuing_state),
    "passportType": ("passport_type", lambda v, m: _letters(v) == m.document_code),
    "surName": ("surname", lambda v, m: _same_name(v, m.surname, m.name_truncated)),
    "givenName": ("given_names", lambda v, m: _same_name(v, m.given_names, m.name_truncated)),
    "personalNo": ("personal_number", lambda v, m: _same_personal(v, m.personal_number)),
    "koreanName": ("korean_name", lambda v, m: spells(v, m.surname, m.given_names)),
}
_NEEDS_LINE1 = {"countryCode", "passportType", "surName", "givenName", "koreanName"}

CHECK_PARTS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            "passport_number",
            "date_of_birth",
            "date_of_expiry",
            "personal_number",
            "composite",
            *(part for part, _ in _VIZ_RULES.values()),
        )
    )
)
"""Every code a check's ``parts`` may hold: the MRZ's check-digit parts and the VIZ fields compared
with it (catalogue ``vr.part.<code>``)."""


def _comparable(key: str, value: str, mrz: Td3) -> bool:
    if key in _NEEDS_LINE1 and not mrz.issuing_state:
        return False
    if key == "nationality":  # printed as "REPUBLIC OF KOREA" on Korean passports: only a code compares
        return len(_letters(value)) == 3
    if key == "personalNo":
        return bool(mrz.personal_number)
    if key == "koreanName":  # only a spelling the rules give confirms; another may be the holder's own
        return not mrz.name_truncated and spells(value, mrz.surname, mrz.given_names)
    return True


def check_viz_mrz(values: Mapping[str, str], *, only: str | None = None) -> Check:
    """Compare the printed fields (VIZ) of a passport with its MRZ.

    Compare the printed fields (VIZ) with the MRZ: passport number, dates of birth and expiry, sex,
    nationality, country, type, names and personal number; or just the field ``only``."""
    name = "viz_mrz"
    line2 = values.get("MRZ2")
    mrz = parse_td3(values.get("MRZ1"), line2) if isinstance(line2, str) else None
    if mrz is None:
        return _unknown(name, "no_mrz")
    keys = [only] if only else list(_VIZ_RULES)
    compared, mismatched = 0, []
    for key in keys:
        rule = _VIZ_RULES.get(key)
        value = values.get(key)
        if rule is None or not isinstance(value, str) or not value.strip():
            continue
        if not _comparable(key, value, mrz):
            continue
        compared += 1
        part, same = rule
        if not same(value, mrz):
            mismatched.append(part)
    if compared == 0:
        return _unknown(name, "nothing_to_compare")
    if mismatched:
        return _fail(name, "viz_mismatch", parts=tuple(mismatched))
    if only:
        return _ok(name, "viz_match")
    return _ok(name, "viz_all_match", n=compared)


# --- per field ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    value: str
    values: Mapping[str, str]
    """Every field of the document, this one included."""
    id_type: str | None
    today: date


def _expiry_checks(f: _Field) -> list[Check]:
    well_formed = check_date(f.value)
    return [well_formed, check_document_expiry(f.value, today=f.today)] if well_formed.ok else [well_formed]


def _mrz2_checks(f: _Field) -> list[Check]:
    line1 = f.values.get("MRZ1")
    return [
        check_mrz(f.value, line1=line1 if isinstance(line1, str) and line1.strip() else None),
        check_viz_mrz(f.values),
    ]


def _passport_checks(f: _Field) -> list[Check]:
    country = f.values.get("countryCode") if f.id_type != "authenticity" else None
    return [check_passport_number(f.value, country=country)]


def _past_date(f: _Field) -> list[Check]:
    return [check_date(f.value, not_after=f.today)]


_FIELD_CHECKS: Mapping[str, Callable[[_Field], list[Check]]] = {
    "totalCardNum": lambda f: [check_card_number(f.value)],
    "validThru": lambda f: [check_expiry(f.value, today=f.today)],
    "residentNumber": lambda f: [check_resident_number(f.value, today=f.today)],
    # a passport's personal number is a resident number only in its 13-digit form
    "personalNo": lambda f: (
        [check_resident_number(f.value, today=f.today)] if len(_compact(f.value)) == 13 else []
    ),
    "driverLicenseNumber": lambda f: [check_driver_license(f.value)],
    "serialNum": lambda f: [check_serial_number(f.value)],
    "passportNo": _passport_checks,
    "passportNumber": _passport_checks,
    "issueDate": _past_date,
    "dateOfIssueYMD": _past_date,
    "dateOfBirthYMD": _past_date,
    "birthDate": _past_date,
    "dateOfExpiryYMD": _expiry_checks,
    "expirationDate": _expiry_checks,
    "MRZ1": lambda f: [check_mrz_line1(f.value)],
    "MRZ2": _mrz2_checks,
}
"""Which checks each field gets: one entry per API field name (a new field touches only this table)."""


def checks_for(
    key: str,
    value: str | None,
    id_type: str | None = None,
    all_values: Mapping[str, str] | None = None,
    *,
    today: date | None = None,
) -> tuple[Check, ...]:
    """The checks relevant to one field, for the UI's badges; empty when none applies.

    ``all_values`` are the other fields of the same document (key → value), used to compare a
    passport's printed page with its MRZ and to know the issuing country.
    """
    if not isinstance(value, str) or not value.strip():
        return ()
    today = today or date.today()
    values = {**(all_values or {}), key: value}
    rule = _FIELD_CHECKS.get(key)
    checks = list(rule(_Field(value, values, id_type, today))) if rule is not None else []
    if key in _VIZ_RULES and id_type in (None, "passport") and "MRZ2" in values:
        viz = check_viz_mrz(values, only=key)
        if viz.ok is not None or parse_td3(None, str(values["MRZ2"])) is None:
            checks.append(viz)  # skip only "nothing comparable" (e.g. a nationality printed in full)
    return tuple(checks)
