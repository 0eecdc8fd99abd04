"""Closed vocabularies printed on Korean IDs: issuing offices, licence regions, licence types.

Tesseract misreads a syllable of blurred Hangul ('서울특별시 관와구청장'); these fields come from
short official lists, which may fix such a syllable (`lexicon_fix`): one character, never more, so a
name the list does not know ('인천광역시 서해구청장', a district created after the list was written)
comes back as printed, not as the nearest entry ('인천광역시 서구청장'). A value the list changed is
reported with its confidence capped (`LEXICON_FIX_CAP`): the card did not print it as read. Names
are as printed on the cards (issuer with a single space between the metropolitan city and the
district office; police agencies written solid).
"""

from __future__ import annotations

import functools
import unicodedata

DISTRICTS: dict[str, tuple[str, ...]] = {
    "서울특별시": (
        "종로구",
        "중구",
        "용산구",
        "성동구",
        "광진구",
        "동대문구",
        "중랑구",
        "성북구",
        "강북구",
        "도봉구",
        "노원구",
        "은평구",
        "서대문구",
        "마포구",
        "양천구",
        "강서구",
        "구로구",
        "금천구",
        "영등포구",
        "동작구",
        "관악구",
        "서초구",
        "강남구",
        "송파구",
        "강동구",
    ),
    "부산광역시": (
        "중구",
        "서구",
        "동구",
        "영도구",
        "부산진구",
        "동래구",
        "남구",
        "북구",
        "해운대구",
        "사하구",
        "금정구",
        "강서구",
        "연제구",
        "수영구",
        "사상구",
        "기장군",
    ),
    "대구광역시": ("중구", "동구", "서구", "남구", "북구", "수성구", "달서구", "달성군", "군위군"),
    "인천광역시": (
        "중구",
        "동구",
        "미추홀구",
        "연수구",
        "남동구",
        "부평구",
        "계양구",
        "서구",
        "강화군",
        "옹진군",
        "제물포구",
        "영종구",
        "서해구",
        "검단구",
    ),  # the last four since July 2026; older cards keep the old
    "광주광역시": ("동구", "서구", "남구", "북구", "광산구"),
    "대전광역시": ("동구", "중구", "서구", "유성구", "대덕구"),
    "울산광역시": ("중구", "남구", "동구", "북구", "울주군"),
}
RESIDENT_ISSUERS = tuple(
    f"{metro} {d}{'수' if d.endswith('군') else '청장'}" for metro, ds in DISTRICTS.items() for d in ds
) + ("세종특별자치시장",)
POLICE_ISSUERS = (
    "서울특별시경찰청장",
    "부산광역시경찰청장",
    "대구광역시경찰청장",
    "인천광역시경찰청장",
    "광주광역시경찰청장",
    "대전광역시경찰청장",
    "울산광역시경찰청장",
    "세종특별자치시경찰청장",
    "경기도남부경찰청장",
    "경기도북부경찰청장",
    "강원도경찰청장",
    "강원특별자치도경찰청장",
    "충청북도경찰청장",
    "충청남도경찰청장",
    "전라북도경찰청장",
    "전북특별자치도경찰청장",
    "전라남도경찰청장",
    "경상북도경찰청장",
    "경상남도경찰청장",
    "제주특별자치도경찰청장",
    "서울지방경찰청장",
    "부산지방경찰청장",
    "대구지방경찰청장",
    "인천지방경찰청장",
    "광주지방경찰청장",
    "대전지방경찰청장",
    "울산지방경찰청장",
    "경기지방경찰청장",
    "경기남부지방경찰청장",
    "경기북부지방경찰청장",
    "강원지방경찰청장",
    "충북지방경찰청장",
    "충남지방경찰청장",
    "전북지방경찰청장",
    "전남지방경찰청장",
    "경북지방경찰청장",
    "경남지방경찰청장",
    "제주지방경찰청장",
    "제주특별자치도지방경찰청장",
)
LICENCE_REGIONS = {
    "서울": "11",
    "부산": "12",
    "경기": "13",
    "강원": "14",
    "충북": "15",
    "충남": "16",
    "전북": "17",
    "전남": "18",
    "경북": "19",
    "경남": "20",
    "제주": "21",
    "대구": "22",
    "인천": "23",
    "광주": "24",
    "대전": "25",
    "울산": "26",
    "경기북부": "28",
}
"""Region names printed before older licence numbers, with the two-digit code that replaced them."""
LICENCE_REGION_CODES = frozenset(LICENCE_REGIONS.values()) | {"27"}
LICENCE_CLASSES = ("대형", "보통", "소형", "특수", "원동기")
"""What follows 1종/2종 in a licence type."""


def nearest(reading: str, vocabulary: tuple[str, ...] | list[str], least: float = 0.75) -> str | None:
    """The vocabulary entry nearest to `reading`, counting edits over jamo.

    The vocabulary entry `reading` (spaces ignored) is nearest to, counting edits over jamo (a
    misread syllable usually keeps some of its letters: '등례' for '동래'), when it is strictly nearer
    than any other entry and the edits touch at most 1 - `least` of its letters; None otherwise."""
    compact = _jamo(reading)
    if not compact:
        return None
    # Entries in order of the fewest edits they could need (the difference in length); once that is no
    # fewer than the runner-up's count, no later entry changes the best or the runner-up's count.
    # The same answer as scoring every entry (test), for a fraction of the edits.
    entries = sorted((abs(len(_jamo(v)) - len(compact)), v) for v in vocabulary)
    top: list[tuple[int, str]] = []  # the two best (edits, entry) so far
    for bound, v in entries:
        if len(top) == 2 and bound >= top[1][0]:
            break
        top = sorted([*top, (edits(compact, _jamo(v)), v)])[:2]
    best_edits, best = top[0]
    runner = top[1][0] if len(top) > 1 else len(compact) + 1
    if best_edits < runner and best_edits <= (1 - least) * len(_jamo(best)):
        return best
    return None


LEXICON_FIX_CAP = 0.75
"""Confidence ceiling of a value the vocabulary corrected: below the dashboard's 0.8, so a fixed
syllable shows amber, however sure the reader was of the syllable it replaced."""


def lexicon_fix(
    reading: str, vocabulary: tuple[str, ...] | list[str], least: float = 0.75
) -> tuple[str, bool] | None:
    """An official-list entry for `reading`, fixing at most one misread syllable per word.

    (entry, changed) when `reading` is an entry of `vocabulary` (spaces ignored: changed is False)
    or differs from its clearly nearest entry (`nearest`) in at most one character of each of its
    words (a syllable misread, '서물특별시 관와구청장': changed is True); None otherwise, and the
    reading stands as read. A syllable more or fewer is not a misread but another name ('서해구' is
    not '서구')."""
    compact = reading.replace(" ", "")
    for v in vocabulary:
        if v.replace(" ", "") == compact:
            return v, False  # spacing is the normal form's, not a change of what is printed
    entry = nearest(reading, vocabulary, least)
    if entry is None:
        return None
    target = entry.replace(" ", "")
    if len(target) != len(compact):
        return None
    start, wrong_per_word = 0, []
    for word in entry.split(" "):
        wrong_per_word.append(
            sum(a != b for a, b in zip(compact[start : start + len(word)], word, strict=True))
        )
        start += len(word)
    return (entry, True) if max(wrong_per_word) <= 1 else None


def edits(a: str, b: str) -> int:
    """Levenshtein distance, a column of the edit table at a time as the bits of two integers (Hyyrö's
    bit-parallel form of Myers' algorithm): the table's answer (test) for a tenth of the plain loops'
    time, on names of 20-30 jamo."""
    if not a or not b:
        return len(a) + len(b)
    full, top = (1 << len(a)) - 1, 1 << (len(a) - 1)
    where: dict[str, int] = {}  # the positions of each letter of `a`, as bits
    for i, letter in enumerate(a):
        where[letter] = where.get(letter, 0) | 1 << i
    up, down, score = full, 0, len(a)  # vertical differences +1 / -1 of the current column
    for letter in b:
        eq = where.get(letter, 0)
        xv = eq | down
        xh = ((((eq & up) + up) & full) ^ up) | eq
        right = (down | ~(xh | up)) & full
        left = up & xh
        score += 1 if right & top else -1 if left & top else 0
        right = ((right << 1) | 1) & full
        left = (left << 1) & full
        up = (left | ~(xv | right)) & full
        down = right & xv
    return score


@functools.lru_cache(maxsize=4096)
def _jamo(text: str) -> str:
    """Hangul syllables decomposed into their letters (Unicode NFD), spaces dropped."""
    return unicodedata.normalize("NFD", text.replace(" ", ""))
