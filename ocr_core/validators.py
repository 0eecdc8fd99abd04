"""Plausibility checks of recognised values, for the badges beside each field.

Every check returns a :class:`Check`: ``ok`` is ``True`` (passes), ``False`` (fails) or ``None``
(not applicable, or it cannot be decided — e.g. the check digit of a resident number assigned since
October 2020). A detail says why, in English and Korean, and never repeats the value itself, so
details can be shown even when values are masked.

Luhn and the resident-number rules come from python-stdnum; the ICAO 9303 check digit (weights
7-3-1) and the Korean licence and passport formats are small enough to state here.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.kr import rrn as _rrn

__all__ = [
    "CHECK_NAMES",
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
    """One check's verdict. ``ok=None`` means "not applicable / cannot tell"."""

    name: str
    ok: bool | None
    detail: str
    detail_ko: str = ""

    def text(self, lang: str = "en") -> str:
        return self.detail_ko if lang == "ko" and self.detail_ko else self.detail


CHECK_NAMES: tuple[str, ...] = (
    "card_luhn", "card_expiry", "rrn", "licence_format", "passport_format", "serial_format", "date",
    "document_expiry", "mrz_line1", "mrz_check_digits", "viz_mrz",
)
"""Every ``Check.name``; the UI labels them from its catalogue (``check.<name>``)."""


def _ok(name: str, detail: str, detail_ko: str) -> Check:
    return Check(name, True, detail, detail_ko)


def _fail(name: str, detail: str, detail_ko: str) -> Check:
    return Check(name, False, detail, detail_ko)


def _unknown(name: str, detail: str, detail_ko: str) -> Check:
    return Check(name, None, detail, detail_ko)


def _compact(value: str, separators: str = " -") -> str:
    return "".join(c for c in value.strip() if c not in separators)


# --- credit card -------------------------------------------------------------------------------

def check_card_number(value: str) -> Check:
    """Luhn over a 13–19-digit card number (spaces and hyphens ignored)."""
    name = "card_luhn"
    digits = _compact(value)
    if not digits.isdigit():
        return _fail(name, "contains characters other than digits", "숫자가 아닌 문자가 있습니다")
    if not 13 <= len(digits) <= 19:
        return _fail(name, f"{len(digits)} digits; card numbers have 13 to 19",
                     f"{len(digits)}자리입니다. 카드 번호는 13~19자리입니다")
    if luhn.is_valid(digits):
        return _ok(name, f"Luhn check digit matches ({len(digits)} digits)",
                   f"Luhn 검증 숫자 일치 ({len(digits)}자리)")
    return _fail(name, "Luhn check digit does not match: a digit is probably misread",
                 "Luhn 검증 숫자 불일치: 잘못 인식된 숫자가 있을 수 있습니다")


_EXPIRY_RE = re.compile(r"^\s*(\d{1,2})\s*[/\-. ]?\s*(\d{4}|\d{2})\s*$")
_MAX_CARD_YEARS_AHEAD = 20


def check_expiry(value: str, *, today: date | None = None) -> Check:
    """A card's ``MM/YY`` (or ``MM/YYYY``): a real month, not absurdly far ahead, expired or valid."""
    name = "card_expiry"
    today = today or date.today()
    match = _EXPIRY_RE.match(value)
    if match is None:
        return _fail(name, "not in MM/YY form", "MM/YY 형식이 아닙니다")
    month, year = int(match.group(1)), int(match.group(2))
    if len(match.group(2)) == 2:
        year += 2000
    if not 1 <= month <= 12:
        return _fail(name, "the month is not between 01 and 12", "월이 01~12 사이가 아닙니다")
    if year > today.year + _MAX_CARD_YEARS_AHEAD:
        return _fail(name, f"more than {_MAX_CARD_YEARS_AHEAD} years ahead: probably misread",
                     f"{_MAX_CARD_YEARS_AHEAD}년 이상 미래입니다: 잘못 인식되었을 수 있습니다")
    last_day = date(year, month, calendar.monthrange(year, month)[1])
    if last_day < today:
        return _fail(name, f"expired at the end of {month:02d}/{year}",
                     f"{year}년 {month:02d}월 말에 만료되었습니다")
    return _ok(name, f"valid through {month:02d}/{year}", f"{year}년 {month:02d}월까지 유효")


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
        return _fail(name, "expected 13 digits (7 for the driver-licence form)",
                     "13자리 숫자여야 합니다 (운전면허 진위확인은 7자리)")
    try:
        birth = _rrn.get_birth_date(number)
    except (ValidationError, ValueError):
        return _fail(name, "the first six digits with the 7th are not a real birth date",
                     "앞 6자리와 7번째 자리가 실제 생년월일이 아닙니다")
    if birth > today:
        return _fail(name, "the birth date is in the future", "생년월일이 미래입니다")
    if len(number) == 7:
        return _ok(name, "birth date and gender digit are plausible (this 7-digit form has no check digit)",
                   "생년월일과 성별 자리가 타당합니다 (7자리 형식에는 검증 숫자가 없습니다)")
    if birth >= RRN_RANDOM_SINCE:
        return _unknown(name, "birth date is valid; numbers assigned since 2020-10-05 have no check digit",
                        "생년월일은 타당합니다. 2020-10-05 이후 부여된 번호에는 검증 숫자가 없습니다")
    if number[-1] == _rrn.calc_check_digit(number[:-1]):
        return _ok(name, "birth date is valid and the check digit matches",
                   "생년월일이 타당하고 검증 숫자가 일치합니다")
    return _unknown(
        name,
        "birth date is valid; the check digit does not match the pre-2020 rule — either a digit is misread "
        "or the number was assigned since 2020-10-05 (random last digits)",
        "생년월일은 타당하나 2020년 이전 규칙의 검증 숫자와 다릅니다. 숫자를 잘못 읽었거나 2020-10-05 이후 "
        "부여된 번호(끝자리 임의)일 수 있습니다",
    )


# --- driver licence, passport, serial ------------------------------------------------------------

# Region codes printed in place of region names since the Road Traffic Authority's change; the numeric
# form is accepted for 11–28 (27 is not known to be assigned, but a false failure would be worse).
LICENCE_REGIONS: Mapping[str, int] = {
    "서울": 11, "부산": 12, "경기남부": 13, "경기": 13, "강원": 14, "충북": 15, "충남": 16, "전북": 17,
    "전남": 18, "경북": 19, "경남": 20, "제주": 21, "대구": 22, "인천": 23, "광주": 24, "대전": 25,
    "울산": 26, "경기북부": 28,
}
_LICENCE_CODES = range(11, 29)
_LICENCE_REST_RE = re.compile(r"^-?(\d{2})-?(\d{6})-?(\d{2})$")


def check_driver_license(value: str) -> Check:
    """A 12-digit licence number ``RR-YY-NNNNNN-NN`` (hyphens optional) whose region ``RR`` is a known
    code, or the older form that prints the region's name (``서울 19-123456-12``). No check digit is
    published for it, so only the format is checked."""
    name = "licence_format"
    text = "".join(value.split())
    region: int | None = None
    for region_name in sorted(LICENCE_REGIONS, key=len, reverse=True):
        if text.startswith(region_name):
            region, text = LICENCE_REGIONS[region_name], text[len(region_name):]
            break
    if region is None:
        if len(text) < 2 or not text[:2].isdigit():
            return _fail(name, "does not start with a region code or region name",
                         "지역 번호나 지역명으로 시작하지 않습니다")
        region, text = int(text[:2]), text[2:]
    if _LICENCE_REST_RE.match(text) is None:
        return _fail(name, "expected 12 digits as RR-YY-NNNNNN-NN",
                     "RR-YY-NNNNNN-NN 형식의 12자리가 아닙니다")
    if region not in _LICENCE_CODES:
        return _fail(name, "the region code is not between 11 and 28", "지역 번호가 11~28 사이가 아닙니다")
    return _ok(name, "12 digits with a known region code (no published check digit)",
               "알려진 지역 번호의 12자리 (공개된 검증 숫자 없음)")


# Korean passport types: M multiple, S single, R residence, G official, D diplomatic, T travel certificate.
_KOREAN_PASSPORT_RE = re.compile(r"^[MSRGDT](?:\d{8}|\d{3}[A-Z]\d{4})$")
_ICAO_PASSPORT_RE = re.compile(r"^[A-Z0-9]{9}$")


def check_passport_number(value: str, *, country: str | None = None) -> Check:
    """Korean: a type letter and 8 digits (``M12345678``) or, since the 2021 passports, a letter,
    3 digits, a letter and 4 digits (``M123A4567``). Others: 9 upper-case letters or digits."""
    name = "passport_format"
    number = value.strip()
    korean = _KOREAN_PASSPORT_RE.match(number) is not None
    if (country or "").strip().upper() == "KOR":
        if korean:
            return _ok(name, "Korean passport number format", "한국 여권번호 형식")
        return _fail(name,
                     "not a Korean passport number (letter + 8 digits, or letter + 3 digits + letter"
                     " + 4 digits)",
                     "한국 여권번호 형식(영문 1 + 숫자 8, 또는 영문 1 + 숫자 3 + 영문 1 + 숫자 4)이 아닙니다")
    if korean:
        return _ok(name, "Korean passport number format", "한국 여권번호 형식")
    if _ICAO_PASSPORT_RE.match(number):
        return _ok(name, "9 upper-case letters or digits", "영문 대문자·숫자 9자리")
    return _fail(name, "expected 9 upper-case letters or digits", "영문 대문자·숫자 9자리가 아닙니다")


_SERIAL_RE = re.compile(r"^[A-Za-z0-9]{5,6}$")


def check_serial_number(value: str) -> Check:
    """The licence's security serial (암호 일련번호): 5 or 6 letters or digits."""
    if _SERIAL_RE.match(value.strip()):
        return _ok("serial_format", "5–6 letters or digits", "영문·숫자 5~6자리")
    return _fail("serial_format", "expected 5–6 letters or digits", "영문·숫자 5~6자리가 아닙니다")


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
        return _fail(name, "expected YYYYMMDD (8 digits)", "YYYYMMDD(8자리) 형식이 아닙니다")
    parsed = _parse_yyyymmdd(value)
    if parsed is None or parsed.year < 1900:
        return _fail(name, "not a real calendar date", "실제 날짜가 아닙니다")
    if not_after is not None and parsed > not_after:
        return _fail(name, "the date is in the future", "미래 날짜입니다")
    if not_before is not None and parsed < not_before:
        return _fail(name, "the date is too early", "너무 이른 날짜입니다")
    return _ok(name, "a real date", "올바른 날짜")


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
        return _unknown(name, "no readable date", "읽을 수 있는 날짜가 없습니다")
    if parsed < today:
        return _fail(name, "the document has expired", "만료된 신분증입니다")
    return _ok(name, "not expired", "만료되지 않았습니다")


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
    """Split TD3 lines into fields; ``None`` when line 2 is not 44 MRZ characters. A missing or
    malformed line 1 leaves the line-1 fields (type, issuing state, names) empty."""
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
        return _fail(name, "contains characters outside A–Z, 0–9 and <", "A–Z, 0–9, < 이외의 문자가 있습니다")
    if len(line) != TD3_LENGTH:
        return _fail(name, f"{len(line)} characters; a passport MRZ line has 44",
                     f"{len(line)}자입니다. 여권 MRZ 한 줄은 44자입니다")
    if not line.startswith("P"):
        return _fail(name, "a passport MRZ starts with P", "여권 MRZ는 P로 시작합니다")
    return _ok(name, "44 characters, passport document code", "44자, 여권 문서 코드")


def check_mrz(line2: str, *, line1: str | None = None) -> Check:
    """The five ICAO 9303 check digits of TD3 line 2: passport number, birth date, expiry date,
    personal number (``<`` or 0 when it is empty) and the composite. Line 1, when given, must be a
    well-formed TD3 line too."""
    name = "mrz_check_digits"
    if line1 is not None:
        first = check_mrz_line1(line1)
        if first.ok is False:
            return _fail(name, "line 1: " + first.detail, "1행: " + first.detail_ko)
    l2 = _clean_mrz(line2)
    if not _MRZ_CHARS_RE.match(l2 or "-"):
        return _fail(name, "contains characters outside A–Z, 0–9 and <", "A–Z, 0–9, < 이외의 문자가 있습니다")
    if len(l2) != TD3_LENGTH:
        return _fail(name, f"{len(l2)} characters; a passport MRZ line has 44",
                     f"{len(l2)}자입니다. 여권 MRZ 한 줄은 44자입니다")
    fields = {
        ("passport number", "여권번호"): (l2[0:9], l2[9]),
        ("date of birth", "생년월일"): (l2[13:19], l2[19]),
        ("date of expiry", "만료일"): (l2[21:27], l2[27]),
        ("composite", "종합"): (l2[0:10] + l2[13:20] + l2[21:43], l2[43]),
    }
    personal, personal_digit = l2[28:42], l2[42]
    bad = [labels for labels, (data, digit) in fields.items() if icao_check_digit(data) != digit]
    personal_ok = icao_check_digit(personal) == personal_digit or (
        set(personal) == {"<"} and personal_digit in "<0")
    if not personal_ok:
        bad.insert(3, ("personal number", "개인번호"))
    if bad:
        return _fail(name, "check digit mismatch: " + ", ".join(en for en, _ in bad),
                     "검증 숫자 불일치: " + ", ".join(ko for _, ko in bad))
    return _ok(name, "all five check digits match", "검증 숫자 5개 모두 일치")


# --- passport VIZ (printed page) against its MRZ ---------------------------------------------------

def _letters(value: str) -> str:
    return "".join(c for c in value.upper() if c.isalpha())


def _same_name(viz: str, mrz: str, truncated: bool) -> bool:
    a, b = _letters(viz), _letters(mrz)
    return a == b or (truncated and a.startswith(b))


def _viz_sex(value: str) -> str:
    upper = value.upper()
    if "F" in upper or "여" in value:
        return "F"
    if "M" in upper or "남" in value:
        return "M"
    return "<"


def _same_personal(viz: str, mrz: str) -> bool:
    a, b = _compact(viz), mrz.replace("<", "")
    return a == b or (min(len(a), len(b)) >= 7 and (a.endswith(b) or b.endswith(a)))


# key → (label en, label ko, comparison of the VIZ value with the parsed MRZ)
_VIZ_RULES = {
    "passportNo": ("passport number", "여권번호", lambda v, m: _compact(v).upper() == m.passport_number),
    "dateOfBirthYMD": ("date of birth", "생년월일", lambda v, m: _compact(v)[2:] == m.birth_date),
    "dateOfExpiryYMD": ("date of expiry", "만료일", lambda v, m: _compact(v)[2:] == m.expiry_date),
    "sex": ("sex", "성별", lambda v, m: _viz_sex(v) == m.sex),
    "nationality": ("nationality", "국적", lambda v, m: _letters(v) == m.nationality),
    "countryCode": ("country code", "국가 코드", lambda v, m: _letters(v) == m.issuing_state),
    "passportType": ("passport type", "여권 종류", lambda v, m: _letters(v) == m.document_code),
    "surName": ("surname", "성", lambda v, m: _same_name(v, m.surname, m.name_truncated)),
    "givenName": ("given names", "이름", lambda v, m: _same_name(v, m.given_names, m.name_truncated)),
    "personalNo": ("personal number", "개인번호", lambda v, m: _same_personal(v, m.personal_number)),
}
_NEEDS_LINE1 = {"countryCode", "passportType", "surName", "givenName"}


def _comparable(key: str, value: str, mrz: Td3) -> bool:
    if key in _NEEDS_LINE1 and not mrz.issuing_state:
        return False
    if key == "nationality":  # printed as "REPUBLIC OF KOREA" on Korean passports: only a code compares
        return len(_letters(value)) == 3
    if key == "personalNo":
        return bool(mrz.personal_number)
    return True


def check_viz_mrz(values: Mapping[str, str], *, only: str | None = None) -> Check:
    """Compare the printed fields (VIZ) with the MRZ: passport number, dates of birth and expiry, sex,
    nationality, country, type, names and personal number; or just the field ``only``."""
    name = "viz_mrz"
    line2 = values.get("MRZ2")
    mrz = parse_td3(values.get("MRZ1"), line2) if isinstance(line2, str) else None
    if mrz is None:
        return _unknown(name, "no readable MRZ to compare with", "비교할 MRZ를 읽지 못했습니다")
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
        en, ko, same = rule
        if not same(value, mrz):
            mismatched.append((en, ko))
    if compared == 0:
        return _unknown(name, "nothing printed to compare with the MRZ", "MRZ와 비교할 인쇄 항목이 없습니다")
    if mismatched:
        return _fail(name, "differs from the MRZ: " + ", ".join(en for en, _ in mismatched),
                     "MRZ와 다름: " + ", ".join(ko for _, ko in mismatched))
    if only:
        return _ok(name, "matches the MRZ", "MRZ와 일치")
    return _ok(name, f"{compared} printed fields match the MRZ", f"인쇄 항목 {compared}개가 MRZ와 일치")


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
    return [check_mrz(f.value, line1=line1 if isinstance(line1, str) and line1.strip() else None),
            check_viz_mrz(f.values)]


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
    "personalNo": lambda f: ([check_resident_number(f.value, today=f.today)]
                             if len(_compact(f.value)) == 13 else []),
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
