"""Korean ID parsing: decide resident / driver / passport, then read every key the guide lists.

Each detected line carries RapidOCR's reading and, for lines that need it (Hangul, unreadable or
doubtful), Tesseract's. Digits come from RapidOCR, Hangul from Tesseract. Values follow the normal
forms of `samples/README.md` (issue dates as YYYYMMDD, numbers as printed).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from stdnum.kr import rrn

from sandbox.engine.cards import digitish
from sandbox.engine.confidence import checked, formed, plain
from sandbox.engine.geometry import EMPTY_QUAD, char_span, span, to_quad
from sandbox.engine.korea import (
    LEXICON_FIX_CAP,
    LICENCE_CLASSES,
    LICENCE_REGION_CODES,
    LICENCE_REGIONS,
    POLICE_ISSUERS,
    RESIDENT_ISSUERS,
    edits,
    lexicon_fix,
    nearest,
)
from sandbox.engine.mrz import NATIONALITIES, Td3, parse_td3, viz_date, viz_to_ymd, yymmdd_to_ymd
from sandbox.engine.ocr import THIRD_HEIGHT, EarlyHangul, HangulReader, HangulText, TextLine
from sandbox.engine.types import IdReading, IdType, Reading

KEYS: dict[str, tuple[str, ...]] = {
    "resident": ("name", "residentNumber", "issueDate", "issuer"),
    "driver": (
        "driverLicenseNumber",
        "licenseType",
        "name",
        "residentNumber",
        "condition",
        "serialNum",
        "issueDate",
        "issuer",
    ),
    "passport": (
        "passportType",
        "countryCode",
        "passportNo",
        "surName",
        "givenName",
        "nationality",
        "dateOfBirth",
        "dateOfBirthYMD",
        "sex",
        "dateOfIssue",
        "dateOfIssueYMD",
        "dateOfExpiry",
        "dateOfExpiryYMD",
        "koreanName",
        "personalNo",
        "MRZ1",
        "MRZ2",
    ),
}
PLAIN_LATIN = re.compile(r"[A-Za-z0-9 .,:;'/<\-()~]+")
RRN = re.compile(r"(?<!\d)(\d{6}) ?- ?(\d{7})(?!\d)")
LICENCE = re.compile(r"(?<!\d)(\d{2}) ?- ?(\d{2}) ?- ?(\d{6}) ?- ?(\d{2})(?!\d)")
LICENCE_TAIL = re.compile(r"(?<![\d-])(\d{2}) ?- ?(\d{6}) ?- ?(\d{2})(?!\d)")
"""An older licence number after its region name ('서울 19-123456-12'): the name is Hangul."""
LOOSE_TYPE = re.compile(r"(\d)종([가-힣]{2,3})")
BLURRED_TYPE = re.compile(r"(\d)([가-힣])([가-힣]{2,3})")
ONLY_CLASS = {"대형": "1", "특수": "1", "원동기": "2"}
FAILED_CHECK_CAP = 0.5
"""Confidence factor for a value its validator rejects (a misread must fall below the dashboard's 0.8)."""
COMPACT_DATE = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})\.?$")
FIRST_ISSUE = date(1968, 11, 21)
"""The first resident registration cards; no issue date on a Korean ID precedes it."""
DOTTED_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[ .,、·]{1,3}(\d{1,2})[ .,、·]{1,3}(\d{1,2})(?!\d)")
"""A printed date with its dots (or, blurred, what the dots were read as: commas, spaces, '、')."""
LICENCE_TYPE = re.compile(r"[12]종(?:대형|보통|소형|특수|원동기)")
ISSUER = re.compile(r"([가-힣]{2,}(?:청장|시장|군수))")
METRO = re.compile(
    r"^([가-힣]+?(?:특별시|광역시|특별자치시|특별자치도)|[가-힣]{1,4}도)(?=[가-힣]+(?:구청장|시장|군수)$)"
)
HANGUL_NAME = re.compile(r"^([가-힣]{2,5})")
NOT_NAMES = {
    "주민등록증",
    "자동차운전면허증",
    "운전면허증",
    "대한민국",
    "여권",
    "한글성명",
    "성명",
    "주소",
    "조건",
}
SERIAL = re.compile(r"^(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*\d)[A-Z0-9]{5,6}$")
VIZ_DATE = re.compile(r"\d{1,2} ?[A-Z]{3} ?\d{4}")


@dataclass(frozen=True)
class Line:
    """One detected line with both readings."""

    rapid: TextLine
    hangul: HangulText | None
    third: Callable[[], HangulText] | None = None
    """Tesseract's reading of the same crop at a third glyph height, made when first asked for."""

    @property
    def quad(self) -> np.ndarray:
        return self.rapid.quad

    @property
    def latin(self) -> str:
        return self.rapid.text

    @property
    def korean(self) -> str:
        """Tesseract's text with the spaces it puts between Hangul syllables removed."""
        text = self.hangul.text if self.hangul and self.hangul.words else self.rapid.text
        return re.sub(r"(?<=[가-힣]) +(?=[가-힣])", "", text)

    @property
    def korean_conf(self) -> float:
        """Tesseract's confidence, scaled by the line's legibility like RapidOCR's."""
        return self.hangul.conf * self.rapid.legibility if self.hangul and self.hangul.words else 0.0


def _read_as(ln: Line, value: str) -> bool:
    """Whether one of Tesseract's readings of this line holds `value` exactly (spaces ignored).

    The official lists fix a misread syllable (`korea.lexicon_fix`), and what they change is capped
    below the dashboard's 0.8: the value was not read. But Tesseract reads a line at two glyph
    heights, and a syllable misread at one is often read right at another; a line the list would
    change is also read at a third (`ocr.THIRD_HEIGHT`). When one of those readings holds the
    list's value exactly, the value was read as printed, not written by the list."""
    if ln.hangul is None:
        return False
    compact = value.replace(" ", "")
    if any(compact in other.replace(" ", "") for other in ln.hangul.others):
        return True
    return ln.third is not None and compact in ln.third().text.replace(" ", "")


def _needs_hangul(line: TextLine) -> bool:
    """Lines RapidOCR could not have read, to be read again by Tesseract.

    Lines RapidOCR could not have read: empty, doubtful, non-Latin, or far too wide for their text
    (a Hangul word read as one Latin glyph). Bilingual labels ("성/Surname") and the MRZ are skipped."""
    text = line.text
    if "<<" in text or re.search(r"/[A-Za-z]{3,}", text):
        return False
    too_wide = line.width > 1.6 * line.height * max(len(text), 1)
    digits = digitish(text)
    region_name = bool(LICENCE_TAIL.search(digits)) and not LICENCE.search(
        digits
    )  # RapidOCR drops the Hangul
    return not text or line.rec_score < 0.9 or not PLAIN_LATIN.fullmatch(text) or too_wide or region_name


def hangul_quads(line: TextLine) -> list[np.ndarray]:
    """What of this line Tesseract reads (`parse_id`'s choice, line by line): nothing, the line, or the
    line and its licence-type prefix."""
    if not _needs_hangul(line):
        return []
    prefix = _type_prefix(line)
    return [line.quad] if prefix is None else [line.quad, prefix]


def _type_prefix(line: TextLine) -> np.ndarray | None:
    """What precedes a licence number printed on the licence type's line.

    What precedes a licence number printed on the licence type's line ('1종보통 11-19-123456-12'),
    generously cut: Tesseract also reads it apart, its glyphs then not shrunk to fit the whole line."""
    digits = digitish(line.text)
    m = LICENCE.search(digits)
    if m and m.start() >= 2 and re.search(r"[^\d\s]", digits[: m.start()]):
        return span(line.quad, 0.0, min(1.0, (m.start() + 3.0) / len(digits)))
    return None


def _compact(text: str) -> str:
    return text.replace(" ", "")


def _reading(value: str, conf: float, quad: np.ndarray | None) -> Reading:
    return Reading(value, round(float(conf), 4), to_quad(quad) if quad is not None else EMPTY_QUAD)


MISSING = Reading("", 0.0, EMPTY_QUAD)


def parse_id(
    image: np.ndarray, detected: list[TextLine], hangul: HangulReader | EarlyHangul
) -> IdReading | None:
    """Read an ID from the detected lines of `image`; None when no known ID type is recognised."""
    wanted = [i for i, ln in enumerate(detected) if _needs_hangul(ln)]
    prefixes = {i: quad for i in wanted if (quad := _type_prefix(detected[i])) is not None}
    prefixed = list(prefixes)
    got = hangul.read(image, [detected[i].quad for i in wanted] + list(prefixes.values()))
    readings = dict(zip(wanted, got, strict=False))  # got also holds the prefixes' readings, after
    read_from: dict[int, np.ndarray] = {}  # lines whose reading is of their licence-type prefix
    for i, extra in zip(
        prefixed, got[len(wanted) :], strict=True
    ):  # the licence type read apart: keep what finds more types, or as many with more read as printed
        if _types_found(extra.text) > _types_found(readings[i].text):
            readings[i] = extra
            read_from[i] = prefixes[i]

    def third(quad: np.ndarray) -> Callable[[], HangulText]:
        @functools.cache
        def once() -> HangulText:
            return hangul.read(image, [quad], (THIRD_HEIGHT,))[0]

        return once

    lines = [
        Line(ln, readings.get(i), third(read_from.get(i, ln.quad)) if i in readings else None)
        for i, ln in enumerate(detected)
    ]
    id_type = _id_type(lines)
    if id_type is None:
        return None
    fields = {"resident": _resident, "driver": _driver, "passport": _passport}[id_type](lines, image.shape)
    if all(not r.value for r in fields.values()):
        return None
    ordered = tuple((k, fields.get(k, MISSING)) for k in KEYS[id_type])
    return IdReading(id_type=id_type, fields=ordered, boxes=tuple(to_quad(ln.quad) for ln in lines))


def _types_found(text: str) -> tuple[int, int]:
    """Licence types in a reading: how many, and how many of them name a class exactly ('2종소형', not
    the '2종소영' of a glyph misread at one size), which need no fix from the list of classes."""
    found = LOOSE_TYPE.findall(_compact(text))
    exact = sum(
        1 for kind, rest in found if kind in "12" and (rest in LICENCE_CLASSES or rest[:2] in LICENCE_CLASSES)
    )
    return len(found), exact


def _id_type(lines: list[Line]) -> IdType | None:
    text = "".join(ln.korean.replace(" ", "") for ln in lines)
    latin = " ".join(ln.latin.upper() for ln in lines)
    if "면허" in text or "DRIVER" in latin:
        return "driver"
    if "주민등록증" in text or "등록증" in text:
        return "resident"
    if "PASSPORT" in latin or any(_mrz_like(ln.latin) for ln in lines):
        return "passport"
    # no title read (no Hangul reader, or a damaged title): the numbers still tell the two cards apart
    digits = " ".join(digitish(ln.latin) for ln in lines)
    if LICENCE.search(digits):
        return "driver"
    if any(rrn.is_valid(f"{a}{b}") for a, b in RRN.findall(digits)):
        return "resident"
    return None


# ------------------------------------------------------------------ shared fields (resident, driver)


def _resident_number(lines: list[Line]) -> tuple[Reading, Line | None]:
    found: list[tuple[bool, float, Reading, Line]] = []
    for ln in lines:
        for source, conf in ((digitish(ln.latin), ln.rapid.score), (ln.korean, ln.korean_conf)):
            for m in RRN.finditer(source):
                value = f"{m.group(1)}-{m.group(2)}"
                found.append(
                    (
                        rrn.is_valid(value),
                        conf,
                        _reading(
                            value,
                            conf,
                            char_span(ln.quad, source, m.start(), m.end()) if len(source) > 16 else ln.quad,
                        ),
                        ln,
                    )
                )
    if not found:
        return MISSING, None
    best = max(found, key=lambda f: (f[0], f[1]))
    reading = (
        replace(best[2], conf=checked(best[2].conf))
        if best[0]
        else replace(best[2], conf=round(best[2].conf * FAILED_CHECK_CAP, 4))
    )
    return reading, best[3]


def _name_above(lines: list[Line], anchor: Line | None) -> Reading:
    """The Hangul name on the nearest line above `anchor` (the resident number)."""
    candidates = []
    for ln in lines:
        if anchor is not None and ln.rapid.y >= anchor.rapid.y - 0.5 * anchor.rapid.height:
            continue
        compact = ln.korean.replace(" ", "")
        m = HANGUL_NAME.match(compact)
        if not m or any(w in compact for w in NOT_NAMES) or ISSUER.search(compact) or "종" in compact[:3]:
            continue
        name = m.group(1)
        # nothing confirms a name: blur costs it twice (a syllable misread alike at both heights is
        # the name of someone else)
        conf = plain(_name_conf(ln.hangul, name) * ln.rapid.legibility**2, _agreed(ln, name))
        quad = char_span(ln.quad, compact, 0, len(name)) if len(compact) > len(name) + 1 else ln.quad
        candidates.append((ln.rapid.y, _reading(name, conf, quad)))
    return max(candidates, key=lambda c: c[0])[1] if candidates else MISSING


def _agreed(ln: Line, value: str) -> bool:
    """Tesseract read `value` on this line at every glyph height (a misread syllable seldom repeats)."""
    return ln.hangul.agrees(value) if ln.hangul is not None else True


def _name_conf(h: HangulText | None, name: str) -> float:
    """How sure Tesseract is of every syllable of `name`: its least sure syllable, in the reading of the
    line that is surest of them all. The reading kept for the line is the surer of the whole line, and
    on an older resident card the line also holds the name in hanja, which Tesseract reads poorly: the
    kept reading can be the one less sure of the name itself ('김서주 (金瑞周)': 주 at 0.93 at one glyph
    height, 0.85 at the other, kept for its hanja)."""
    best = _words_conf(h, name, weakest=True)
    for words in h.other_words if h is not None else ():
        used = _confs_within(words, name)
        if name in "".join(w for w, _ in words).replace(" ", "") and used:
            best = max(best, min(used))
    return best


def _confs_within(words: tuple[tuple[str, float], ...], value: str) -> list[float]:
    """The confidences of the Tesseract words that are part of `value`."""
    return [c for w, c in words if w and w.replace(" ", "") in value]


def _words_conf(h: HangulText | None, value: str, weakest: bool = False) -> float:
    """Mean confidence of the Tesseract words that make up `value`.

    Mean confidence of the Tesseract words that make up `value` (the whole line's when unsure); with
    `weakest`, the least confident of them (a name is right only if every syllable is)."""
    if h is None or not h.words:
        return 0.0
    used = _confs_within(h.words, value)
    if not used:
        return h.conf
    return min(used) if weakest else sum(used) / len(used)


def _issue_date(lines: list[Line]) -> Reading:
    """The card's issue date.

    The lowest plausible date on the card that is not a validity period: dotted in any printed form
    (`2019.5.14.`, `2019. 05. 14.`), or eight digits alone on their line (dots lost to blur); a real
    calendar date, not in the future, not before resident cards existed."""
    found = []
    today = date.today()
    for ln in lines:
        text = digitish(ln.latin) if ln.latin else ln.korean
        if "~" in text or "~" in ln.korean or "적성" in ln.korean or "갱신" in ln.korean:
            continue
        matches = list(DOTTED_DATE.finditer(text)) or list(COMPACT_DATE.finditer(text.strip()))
        for m in matches:
            try:
                day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
            if not FIRST_ISSUE <= day <= today:
                continue
            found.append((ln.rapid.y, _reading(day.strftime("%Y%m%d"), formed(ln.rapid.score), ln.quad)))
    return max(found, key=lambda f: f[0])[1] if found else MISSING


def _issuer(lines: list[Line]) -> Reading:
    """The issuing office, as printed.

    The lowest line naming an office (…청장, …시장, …군수) as printed; the official list may fix one
    misread syllable (confidence then capped, `lexicon_fix`) but never swaps in another office. Failing
    that, one of the two lowest Hangul lines that the list knows to within a syllable."""
    found = []
    for ln in lines:
        compact = ln.korean.replace(" ", "")
        m = ISSUER.search(compact)
        if m:
            value = m.group(1)
            conf = _words_conf(ln.hangul, m.group(1)) * ln.rapid.legibility
            # a police agency when it says so, else a district office; failing that the other list: a
            # misread '경칠청장' is still a police agency, nearer to one than to any district office
            lists = (
                (POLICE_ISSUERS, RESIDENT_ISSUERS) if "경찰" in value else (RESIDENT_ISSUERS, POLICE_ISSUERS)
            )
            known = lexicon_fix(value, lists[0]) or lexicon_fix(value, lists[1])
            if known:
                value, changed = known
                changed = changed and not _read_as(ln, value)
                conf = min(formed(conf), LEXICON_FIX_CAP) if changed else formed(conf)
            else:  # an office the list does not know: as printed, confirmed by nothing
                conf = plain(conf, _agreed(ln, m.group(1)))
                if not value.endswith("경찰청장"):
                    value = METRO.sub(r"\1 ", value)
            found.append((ln.rapid.y, _reading(value, conf, ln.quad)))
    if not found:  # the office's title blurred past the pattern: the lowest lines, against the official list
        hangul_lines = [ln for ln in lines if 6 <= len(re.sub(r"[^가-힣]", "", ln.korean)) <= 16]
        for ln in sorted(hangul_lines, key=lambda x: -x.rapid.y)[:2]:
            fixed = lexicon_fix(re.sub(r"[^가-힣]", "", ln.korean), RESIDENT_ISSUERS + POLICE_ISSUERS)
            if fixed:
                value, changed = fixed
                changed = changed and not _read_as(ln, value)
                conf = min(formed(ln.korean_conf), LEXICON_FIX_CAP) if changed else formed(ln.korean_conf)
                found.append((ln.rapid.y, _reading(value, conf, ln.quad)))
    return max(found, key=lambda f: f[0])[1] if found else MISSING


def _resident(lines: list[Line], shape: tuple[int, ...]) -> dict[str, Reading]:
    number, number_line = _resident_number(lines)
    return {
        "name": _name_above(lines, number_line),
        "residentNumber": number,
        "issueDate": _issue_date(lines),
        "issuer": _issuer(lines),
    }


# ------------------------------------------------------------------ driver licence


def _driver(lines: list[Line], shape: tuple[int, ...]) -> dict[str, Reading]:
    number, number_line = _resident_number(lines)
    return {
        "driverLicenseNumber": _licence_number(lines),
        "licenseType": _licence_type(lines),
        "name": _name_above(lines, number_line),
        "residentNumber": number,
        "condition": _condition(lines, number_line),
        "serialNum": _serial(lines, shape),
        "issueDate": _issue_date(lines),
        "issuer": _issuer(lines),
    }


def _licence_number(lines: list[Line]) -> Reading:
    """The driver-licence number.

    `NN-NN-NNNNNN-NN` (a known region code first), or an older `<region> NN-NNNNNN-NN` whose region
    name Tesseract reads; the candidate whose region checks out wins, then the more confident. One
    whose region does not check out keeps a capped confidence."""
    found: list[tuple[bool, float, Reading]] = []
    fixed_region: dict[int, bool] = {}  # readings whose region name the list fixed (kept capped)
    for ln in lines:
        for source, conf in ((digitish(ln.latin), ln.rapid.score), (ln.korean, ln.korean_conf)):
            m = LICENCE.search(source)
            if m:
                found.append(
                    (m.group(1) in LICENCE_REGION_CODES, conf, _reading("-".join(m.groups()), conf, ln.quad))
                )
                continue
            m = LICENCE_TAIL.search(source)
            if not m:
                continue
            region_text = re.sub(
                r"[^가-힣]", "", (ln.korean.split(m.group(1))[0] if ln.hangul else "")
            ) or _region_left_of(lines, ln)
            fixed = lexicon_fix(region_text, list(LICENCE_REGIONS), least=0.5) if region_text else None
            region = fixed[0] if fixed else None
            tail = "-".join(m.groups())
            value = f"{region or region_text} {tail}".strip()
            conf = min(conf, ln.korean_conf) if ln.hangul else conf
            if fixed and fixed[1]:  # the list fixed a syllable of the region name: say so
                conf = min(conf, LEXICON_FIX_CAP)
            reading = _reading(value, conf, ln.quad)
            if fixed and fixed[1]:
                fixed_region[id(reading)] = True
            found.append((region is not None, conf, reading))
    if not found:
        return MISSING
    ok, conf, best = max(found, key=lambda f: (f[0], f[1]))
    if not ok:
        return replace(best, conf=round(conf * FAILED_CHECK_CAP, 4))
    sure = checked(best.conf)
    return replace(best, conf=min(sure, LEXICON_FIX_CAP) if fixed_region.get(id(best)) else sure)


def _region_left_of(lines: list[Line], number: Line) -> str:
    """Hangul of a short line just left of `number` on its row (a region name detected apart)."""
    for ln in lines:
        if ln is number or abs(ln.rapid.y - number.rapid.y) > 0.5 * number.rapid.height:
            continue
        if ln.rapid.x < number.rapid.x and re.fullmatch(r"[가-힣]{2,4}", ln.korean.replace(" ", "")):
            return ln.korean.replace(" ", "")
    return ""


def _licence_type(lines: list[Line]) -> Reading:
    """Every licence class on the card, joined by '/'.

    Every `1종…`/`2종…` class on the card, in reading order, joined by '/'; one character Tesseract
    misread (a class syllable, 종, the digit a class implies) is fixed from the closed list of classes,
    with the confidence capped; a type needing more than one fix is not answered."""
    types: list[str] = []
    confs: list[float] = []
    quads: list[np.ndarray] = []
    for ln in lines:
        compact = ln.korean.replace(" ", "")
        if "적성" in compact or "조건" in compact:
            continue
        found = [(k, "종", rest) for k, rest in LOOSE_TYPE.findall(compact)]
        if not found and (LICENCE.search(digitish(ln.latin)) or len(compact) <= 8):
            # '1촉대연': 종 itself misread, on the number's line or alone - trusted only if the class snaps
            found = [
                (k, mid, rest)
                for k, mid, rest in BLURRED_TYPE.findall(compact)
                if nearest(mid, ("종",), least=0.3) and nearest(rest[:2], LICENCE_CLASSES, least=0.5)
            ]
        used: list[str] = []  # what the types accepted on this line cover of it
        for kind, mid, rest in found:
            read_kind = kind if kind in "12" or ln.latin[:1] not in ("1", "2") else ln.latin[:1]
            cls = (
                next((c for c in (rest, rest[:2]) if c in LICENCE_CLASSES), None)
                or nearest(rest[:2], LICENCE_CLASSES, least=0.5)
                or nearest(rest, LICENCE_CLASSES, least=0.5)
            )
            if cls in ONLY_CLASS:  # 대형/특수 exist only as 1종, 원동기 only as 2종
                kind = ONLY_CLASS[cls]
            elif kind not in "12" and ln.latin[:1] in ("1", "2"):
                kind = ln.latin[:1]  # Tesseract misread the digit; RapidOCR reads digits better
            name = f"{kind}종{cls}" if cls and kind in "12" else None
            if not name or name in types:
                continue
            fixes = edits(f"{read_kind}{mid}{rest[: len(cls or '')]}", name)
            if fixes > 1:
                continue  # the list would be writing the type, not fixing a character of it
            if fixes and _read_as(ln, name):
                fixes = 0  # Tesseract read the type so at another glyph height
            types.append(name)
            raw = _words_conf(ln.hangul, name) * ln.rapid.legibility
            conf = formed(raw) if _agreed(ln, f"종{cls}") else plain(raw, False)
            confs.append(min(conf, LEXICON_FIX_CAP) if fixes else conf)
            quads.append(ln.quad)
            used.append(f"{mid}{rest}")
        left = compact
        for segment in used:
            left = left.replace(segment, "", 1)
        if used and len(re.sub(r"[^가-힣]", "", left)) >= 2:
            # Hangul on a type's line that no type explains: the blurred line may hide another type
            # ('2종소형' read of '1종보통 2종소형'), so what was read is confirmed by nothing
            confs[-len(used) :] = [min(c, plain(c, False)) for c in confs[-len(used) :]]
    if not types:
        return MISSING
    return _reading("/".join(types), min(confs), quads[0])


CONDITION_CODES = re.compile(r"[A-H](?: ?, ?[A-H])*")
UNREAD_LABEL = re.compile(r"^[^\x00-\x7F]{1,2} ?(?=[A-H](?: ?, ?[A-H])*$)")
"""The 조건 label as RapidOCR misreads it, one or two glyphs of another script, before condition codes."""


def _condition(lines: list[Line], number_line: Line | None = None) -> Reading:
    """What follows 조건 on its line; the guide's "none" when the licence has no condition line.

    When the label itself went unread, a line of nothing but condition codes (A-H, comma-separated) below
    the resident number, in the card's text column, is the condition; so is one where RapidOCR read the
    label as a glyph or two of its own script before the codes ('丕E', with Tesseract's '주건도')."""
    for ln in lines:
        if "조건" in ln.korean.replace(" ", ""):
            # the codes are Latin letters, which RapidOCR reads better than Tesseract's Hangul model
            # ... the trailing ones, after the label's (mis)read glyphs: '圣A', '조건 A,B'
            m = re.search(r"(?:^|[^A-Za-z])([A-Z](?:[ ,]+[A-Z])*)\s*$", ln.latin.upper())
            if m:
                return _reading(",".join(re.findall(r"[A-Z]", m.group(1))), formed(ln.rapid.score), ln.quad)
            value = re.sub(r"[^0-9A-Za-z,]", "", ln.korean.replace(" ", "").split("조건", 1)[1])
            return _reading(
                value.upper(), plain(_words_conf(ln.hangul, value) * ln.rapid.legibility), ln.quad
            )
    if number_line is not None:
        for ln in lines:
            text = UNREAD_LABEL.sub("", ln.latin.strip().upper())
            if (
                CONDITION_CODES.fullmatch(text)
                and ln.rapid.y > number_line.rapid.y
                and abs(ln.rapid.x - number_line.rapid.x) < 2 * number_line.rapid.height
            ):
                return _reading(",".join(re.findall(r"[A-H]", text)), formed(ln.rapid.score), ln.quad)
    return Reading("none", 0.0, EMPTY_QUAD)


def _serial(lines: list[Line], shape: tuple[int, ...]) -> Reading:
    """The 5–6 character cipher serial of a driver licence.

    The 5-6 character cipher serial printed under or beside the photo: a line that is nothing but
    upper-case letters and digits, both present."""
    for ln in sorted(lines, key=lambda x: -x.rapid.score):
        for text, conf in (
            (ln.latin.replace(" ", "").upper(), ln.rapid.score),
            ((ln.hangul.text if ln.hangul else "").replace(" ", "").upper(), ln.korean_conf),
        ):
            if SERIAL.match(text):
                return _reading(text, plain(conf), ln.quad)
    return MISSING


# ------------------------------------------------------------------ passport


def _mrz_like(text: str) -> bool:
    compact = text.replace(" ", "")
    return len(compact) >= 30 and compact.count("<") >= 2


def _passport(lines: list[Line], shape: tuple[int, ...]) -> dict[str, Reading]:
    mrz_lines = sorted(
        (ln for ln in lines if _mrz_like(ln.latin) or (ln.hangul and _mrz_like(ln.hangul.text))),
        key=lambda ln: ln.rapid.y,
    )[-2:]
    if len(mrz_lines) < 2:
        return {}
    td3, conf = _best_td3(*mrz_lines)
    q1, q2 = mrz_lines[0].quad, mrz_lines[1].quad
    birth = yymmdd_to_ymd(td3.birth, future=False) or ""
    expiry = yymmdd_to_ymd(td3.expiry, future=True) or ""
    viz = _viz_dates(lines)
    issue = next(((ymd, r) for ymd, r in viz if ymd not in (birth, expiry)), None)

    def from_viz(value: str, fallback: np.ndarray) -> Reading:
        """The MRZ's value, boxed where the visual zone prints it (with that line's confidence)."""
        for ln in lines:
            if value and ln.latin.strip().upper() == value:
                return _reading(
                    value, min(conf, ln.rapid.score) if td3.checks_ok else ln.rapid.score, ln.quad
                )
        return _reading(value, conf, fallback)

    def dated(ymd: str, fallback: np.ndarray) -> tuple[Reading, Reading]:
        if not ymd:
            return MISSING, MISSING
        shown = viz_date(ymd)
        box = next((r for y, r in viz if y == ymd), None)
        r = box if box is not None else _reading(shown, conf, fallback)
        return Reading(shown, r.conf, r.box), Reading(ymd, r.conf, r.box)

    dob, dob_ymd = dated(birth, q2)
    doe, doe_ymd = dated(expiry, q2)
    doi, doi_ymd = (
        (
            Reading(viz_date(issue[0]), issue[1].conf, issue[1].box),
            Reading(issue[0], issue[1].conf, issue[1].box),
        )
        if issue
        else (MISSING, MISSING)
    )
    nationality = NATIONALITIES.get(td3.nationality, td3.nationality)

    def sure(r: Reading) -> Reading:
        """A value the MRZ's check digits vouch for."""
        return replace(r, conf=checked(r.conf)) if td3.checks_ok and r.value else r

    doi, doi_ymd = replace(doi, conf=formed(doi.conf)), replace(doi_ymd, conf=formed(doi_ymd.conf))
    fields = {
        "passportType": from_viz(td3.doc_type, q1),
        "countryCode": from_viz(td3.country, q1),
        "passportNo": from_viz(td3.number, q2),
        "surName": from_viz(td3.surname, q1),
        "givenName": from_viz(td3.given_names, q1),
        "nationality": from_viz(nationality, q2),
        "dateOfBirth": dob,
        "dateOfBirthYMD": dob_ymd,
        "sex": from_viz(td3.sex, q2),
        "dateOfIssue": doi,
        "dateOfIssueYMD": doi_ymd,
        "dateOfExpiry": doe,
        "dateOfExpiryYMD": doe_ymd,
        "koreanName": _korean_name(lines, mrz_lines[0]),
        "personalNo": from_viz(td3.personal, q2),
        "MRZ1": _reading(td3.line1, conf, q1),
        "MRZ2": _reading(td3.line2, conf, q2),
    }
    return {
        k: r if k in ("dateOfIssue", "dateOfIssueYMD", "koreanName") else sure(r) for k, r in fields.items()
    }


def _best_td3(first: Line, second: Line) -> tuple[Td3, float]:
    """The pair of readings (RapidOCR's, Tesseract's) whose check digits hold, most confident first."""

    def options(ln: Line) -> list[tuple[str, float]]:
        out = [(ln.latin, ln.rapid.score)]
        if ln.hangul and ln.hangul.words:
            out.append((ln.hangul.text, ln.hangul.conf))
        return out

    tried = []
    for t1, c1 in options(first):
        for t2, c2 in options(second):
            td3 = parse_td3(t1, t2)
            tried.append((td3.checks_ok, min(c1, c2), td3))
    ok, conf, td3 = max(tried, key=lambda t: (t[0], t[1]))
    return td3, conf if ok else conf * 0.5


def _viz_dates(lines: list[Line]) -> list[tuple[str, Reading]]:
    out = []
    for ln in sorted(lines, key=lambda x: (x.rapid.y, x.rapid.x)):
        m = VIZ_DATE.search(ln.latin.upper())
        ymd = viz_to_ymd(m.group()) if m else None
        if ymd:
            out.append((ymd, _reading(viz_date(ymd), ln.rapid.score, ln.quad)))
    return out


def _korean_name(lines: list[Line], mrz_first: Line) -> Reading:
    """The tallest line that is nothing but 2-5 Hangul syllables above the MRZ (labels are smaller print)."""
    candidates = []
    for ln in lines:
        compact = ln.korean.replace(" ", "")
        if (
            ln.rapid.y < mrz_first.rapid.y
            and re.fullmatch(r"[가-힣]{2,5}", compact)
            and compact not in NOT_NAMES
        ):
            candidates.append(
                (
                    ln.rapid.height,
                    _reading(
                        compact,
                        plain(
                            _words_conf(ln.hangul, compact, weakest=True) * ln.rapid.legibility**2,
                            _agreed(ln, compact),
                        ),
                        ln.quad,
                    ),
                )
            )
    return max(candidates, key=lambda c: c[0])[1] if candidates else MISSING
