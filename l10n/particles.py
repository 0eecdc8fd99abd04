"""Korean particles chosen for the word they follow.

A Korean template cannot know the word a field will hold, so the catalogue writes both forms —
``{host}(으)로``, ``{field}은(는)`` — and :func:`attach` picks one once the word is in: ``127.0.0.1로``,
``카드 번호는``, ``주민등록번호를``. The choice follows the sound of the last syllable: a final consonant
(받침) takes 은/이/을/과/으로, none takes 는/가/를/와/로, and ㄹ takes 로. Digits and Latin letters are
read as a Korean reader says them (1 "일", 3 "삼", ``M`` "엠", ``file`` "파일"); a closing bracket or
quote is skipped, since the particle belongs to the word before it (``'이름'(name)을``).
"""

from __future__ import annotations

import re

_FORMS = {  # written form: (after a final consonant, after none)
    "은(는)": ("은", "는"),
    "는(은)": ("은", "는"),
    "이(가)": ("이", "가"),
    "가(이)": ("이", "가"),
    "을(를)": ("을", "를"),
    "를(을)": ("을", "를"),
    "과(와)": ("과", "와"),
    "와(과)": ("과", "와"),
    "(으)로": ("으로", "로"),
    "(이)나": ("이나", "나"),
}
_PATTERN = re.compile("|".join(re.escape(form) for form in _FORMS))

_NONE, _CONSONANT, _RIEUL = 0, 1, 2
_DIGITS = {
    "0": _CONSONANT,
    "1": _RIEUL,
    "2": _NONE,
    "3": _CONSONANT,
    "4": _NONE,  # 영 일 이 삼 사
    "5": _NONE,
    "6": _CONSONANT,
    "7": _RIEUL,
    "8": _RIEUL,
    "9": _NONE,
}  # 오 육 칠 팔 구
_LETTER_NAMES = {
    "l": _RIEUL,
    "r": _RIEUL,
    "m": _CONSONANT,
    "n": _CONSONANT,
}  # 엘 알 엠 엔; the rest end in a vowel
_CLOSERS = {")": "(", "]": "[", "'": "'", '"': '"', "’": "‘", "”": "“", "」": "「", "』": "『", "»": "«"}


def _ending(before: str) -> int:
    """How the text ``before`` a particle ends when read aloud: no final consonant, one, or ㄹ."""
    end = len(before)
    while end and before[end - 1] in _CLOSERS:  # skip ")…(" and quotes back to the word itself
        opener = before.rfind(_CLOSERS[before[end - 1]], 0, end - 1)
        if opener < 0:
            end -= 1
            continue
        end = opener if before[end - 1] == ")" or before[end - 1] == "]" else end - 1
    word = before[:end].rstrip()
    if not word:
        return _NONE
    last = word[-1]
    if "가" <= last <= "힣":
        final = (ord(last) - ord("가")) % 28
        return _NONE if final == 0 else _RIEUL if final == 8 else _CONSONANT
    if last in _DIGITS:
        return _DIGITS[last]
    if last.isascii() and last.isalpha():
        letters = re.search(r"[A-Za-z]+$", word)
        run = letters.group(0) if letters else last
        lower = run.lower()
        if run.isupper() or not re.search("[aeiouy]", lower):  # read letter by letter: PNG, jpg, "M" 엠
            return _LETTER_NAMES.get(lower[-1], _NONE)
        if lower.endswith(("l", "le")):  # file 파일, pixel 픽셀
            return _RIEUL
        return _CONSONANT if lower.endswith(("m", "n", "p", "k", "b")) else _NONE  # com 컴, zip 집, web 웹
    return _NONE


def attach(text: str) -> str:
    """``text`` with every two-way particle (``은(는)``, ``(으)로`` …) resolved for the word before it."""
    if "(" not in text:
        return text
    out, start = [], 0
    for match in _PATTERN.finditer(text):
        with_final, without = _FORMS[match.group(0)]
        ending = _ending(text[: match.start()])
        if match.group(0) == "(으)로":
            chosen = with_final if ending == _CONSONANT else without  # ㄹ takes 로: 서울로, 파일로
        else:
            chosen = without if ending == _NONE else with_final
        out += [text[start : match.start()], chosen]
        start = match.end()
    out.append(text[start:])
    return "".join(out)
