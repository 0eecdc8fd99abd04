"""Credit-card parsing: card-number groups (4-4-4-4 or Amex 4-6-5) and the expiry, from text lines.

Lines on one row are joined left to right; digit runs become tokens with their own boxes (a line
box holding several groups is split proportionally, card fonts being monospaced). A candidate number
is a run of tokens grouping as 4-4-4-4 / 4-6-5 (or one unbroken run of 15/16 digits); among
candidates, Luhn-valid ones win, then the most confident.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from stdnum import luhn

from sandbox.engine.geometry import char_span, to_quad
from sandbox.engine.ocr import TextLine
from sandbox.engine.types import CardReading, Reading

DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
                                  "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6",
                                  "b": "6", "g": "9", "q": "9", "T": "7"})
LAYOUTS = {16: (4, 4, 4, 4), 15: (4, 6, 5)}
EXPIRY = re.compile(r"(?<!\d)(0[1-9]|1[0-2]) ?[/7] ?(\d{2})(?!\d)")
EXPIRY_LABEL = re.compile(r"VALID|THRU|GOOD|EXP|유효", re.IGNORECASE)


@dataclass(frozen=True)
class Token:
    digits: str
    quad: np.ndarray
    score: float


def digitish(text: str) -> str:
    """Fix letter/digit confusions only in lines that are mostly digits already."""
    compact = text.replace(" ", "")
    if not compact:
        return text
    digits = sum(c.isdigit() for c in compact)
    return text.translate(DIGIT_LOOKALIKES) if digits / len(compact) >= 0.6 else text


def _tokens(line: TextLine) -> list[Token]:
    text = digitish(line.text)
    return [Token(m.group(), char_span(line.quad, text, m.start(), m.end()), line.score)
            for m in re.finditer(r"\d+", text)]


def _rows(lines: list[TextLine]) -> list[list[TextLine]]:
    """Group lines whose vertical centres are within half a line height, each row left to right."""
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: ln.y):
        for row in rows:
            ref = row[0]
            if abs(line.y - ref.y) < 0.5 * max(ref.height, line.height):
                row.append(line)
                break
        else:
            rows.append([line])
    return [sorted(r, key=lambda ln: ln.x) for r in rows]


def _split(token: Token, sizes: tuple[int, ...]) -> list[Token]:
    out, i = [], 0
    for n in sizes:
        out.append(Token(token.digits[i:i + n], char_span(token.quad, token.digits, i, i + n), token.score))
        i += n
    return out


def _candidates(tokens: list[Token]) -> list[list[Token]]:
    found: list[list[Token]] = []
    for i, tok in enumerate(tokens):
        if len(tok.digits) in LAYOUTS:  # printed without spaces
            found.append(_split(tok, LAYOUTS[len(tok.digits)]))
        for sizes in LAYOUTS.values():
            run = tokens[i:i + len(sizes)]
            if len(run) == len(sizes) and tuple(len(t.digits) for t in run) == sizes:
                found.append(run)
    return found


def parse_card(lines: list[TextLine]) -> CardReading | None:
    """The best card number (and expiry) among `lines`, or None when no number is there."""
    best: tuple[tuple[bool, float], list[Token]] | None = None
    for row in _rows(lines):
        tokens = [t for line in row for t in _tokens(line)]
        # stray 1-3 digit tokens (guilloche, logos read as digits) must not break a 4-4-4-4 run
        for cand in _candidates(tokens) + _candidates([t for t in tokens if len(t.digits) >= 4]):
            number = "".join(t.digits for t in cand)
            key = (luhn.is_valid(number), sum(t.score for t in cand) / len(cand))
            if best is None or key > best[0]:
                best = (key, cand)
    if best is None:
        return None
    groups = tuple(Reading(t.digits, round(t.score, 4), to_quad(t.quad)) for t in best[1])
    number_y = float(np.mean([t.quad[:, 1].mean() for t in best[1]]))
    return CardReading(groups=groups, valid_thru=_expiry(lines, number_y))


def _expiry(lines: list[TextLine], number_y: float) -> Reading | None:
    """MM/YY nearest a VALID THRU label (else the latest MM/YY below the number)."""
    labels = [ln for ln in lines if EXPIRY_LABEL.search(ln.text)]
    found: list[tuple[float, Reading]] = []
    for line in lines:
        text = digitish(line.text) if "/" in line.text else line.text
        for m in EXPIRY.finditer(text):
            value = f"{m.group(1)}/{m.group(2)}"
            quad = char_span(line.quad, text, m.start(), m.end())
            centre = quad.mean(axis=0)
            if labels:
                rank = min(float(np.linalg.norm(centre - lb.quad.mean(axis=0))) for lb in labels)
            else:
                rank = -(int(m.group(2)) * 12 + int(m.group(1))) + (0 if centre[1] >= number_y else 1e6)
            found.append((rank, Reading(value, round(line.score, 4), to_quad(quad))))
    return min(found, key=lambda f: f[0])[1] if found else None

