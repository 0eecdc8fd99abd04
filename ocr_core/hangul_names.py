"""Does a Korean passport's Hangul name (``koreanName``, 홍길동) spell the MRZ's Latin one (HONG / GILDONG)?

Korean passports romanise names by the Revised Romanization syllable by syllable (no sound changes
across syllables: 길동 is GILDONG, not GILTTONG); surnames keep their customary spellings (이 LEE, 박
PARK, 김 KIM …). :func:`spells` says yes only where one of those readings gives the MRZ's letters, so a
"yes" is evidence the Hangul was read right; a "no" may be a spelling of the holder's own choosing and
proves nothing wrong.
"""

from __future__ import annotations

_INITIALS = (
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
)
_MEDIALS = (
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
)
_FINALS = (
    "",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
)

SURNAME_SPELLINGS: dict[str, tuple[str, ...]] = {
    # customary spellings beside the Revised Romanization (passport practice)
    "김": ("KIM", "GIM"),
    "이": ("LEE", "YI", "RHEE", "I"),
    "박": ("PARK", "BAK", "PAK"),
    "최": ("CHOI", "CHOE"),
    "정": ("JUNG", "JEONG", "CHUNG"),
    "강": ("KANG", "GANG"),
    "조": ("CHO", "JO"),
    "윤": ("YOON", "YUN"),
    "장": ("JANG", "CHANG"),
    "임": ("LIM", "IM"),
    "한": ("HAN",),
    "오": ("OH", "O"),
    "서": ("SEO", "SUH"),
    "신": ("SHIN", "SIN"),
    "권": ("KWON", "GWON"),
    "황": ("HWANG",),
    "안": ("AHN", "AN"),
    "송": ("SONG",),
    "류": ("RYU", "YOO", "YU"),
    "유": ("YOO", "YU"),
    "전": ("JEON", "JUN", "CHUN"),
    "홍": ("HONG",),
    "고": ("KO", "GO"),
    "문": ("MOON", "MUN"),
    "양": ("YANG",),
    "손": ("SON", "SOHN"),
    "배": ("BAE",),
    "백": ("BAEK", "PAIK"),
    "허": ("HEO", "HUH"),
    "남": ("NAM",),
    "노": ("NOH", "ROH", "NO"),
    "하": ("HA",),
    "곽": ("KWAK", "GWAK"),
    "성": ("SUNG", "SEONG"),
    "차": ("CHA",),
    "주": ("JOO", "JU"),
    "우": ("WOO", "U"),
    "구": ("KOO", "GU"),
    "민": ("MIN",),
    "진": ("JIN",),
    "나": ("NA", "RA"),
}


def romanize(hangul: str) -> str | None:
    """The Revised Romanization of a Hangul name, in capitals.

    The Revised Romanization of ``hangul``, syllable by syllable, in capitals; None for anything that
    is not a Hangul syllable (spaces aside)."""
    out = []
    for ch in hangul.replace(" ", ""):
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            return None
        out.append(_INITIALS[code // 588] + _MEDIALS[code % 588 // 28] + _FINALS[code % 28])
    return "".join(out).upper() if out else None


def _letters(text: str) -> str:
    return "".join(c for c in text.upper() if "A" <= c <= "Z")


def spells(hangul: str, surname: str, given_names: str) -> bool:
    """Whether a Hangul name spells the MRZ's surname and given names.

    Whether ``hangul`` (surname first, one or two syllables) reads as the MRZ's ``surname`` and
    ``given_names``, by the Revised Romanization or a surname's customary spelling."""
    name = hangul.replace(" ", "")
    want_surname, want_given = _letters(surname), _letters(given_names)
    if not want_surname or not want_given:
        return False
    for cut in (1, 2):
        family, given = name[:cut], name[cut:]
        readings = {romanize(family), *SURNAME_SPELLINGS.get(family, ())}
        if want_surname in readings and romanize(given) == want_given:
            return True
    return False
