"""Credit-card parsing: card-number groups (4-4-4-4, Amex 4-6-5, 19-digit 4-4-4-4-3) and the expiry.

Lines on one row are joined left to right; digit runs become tokens with their own boxes (a line
box holding several groups is split proportionally, card fonts being monospaced). A candidate number
is a run of tokens grouping as 4-4-4-4 / 4-6-5 / 4-4-4-4-3 (or one unbroken run of 15/16/19 digits),
on one row or continued on the rows below (vertical cards print 8 + 8 digits, or four rows of four);
among candidates,
Luhn-valid ones win, then the longer (a 19-digit number holds a 16-digit run), then the most
confident. A number that fails Luhn is still answered, with its confidence capped below the
dashboard's default threshold: a misread must not look like a clean read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from stdnum import luhn

from sandbox.engine.confidence import checked, formed
from sandbox.engine.geometry import char_span, to_quad
from sandbox.engine.ocr import TextLine
from sandbox.engine.types import CardReading, Reading

DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
        "G": "6",
        "b": "6",
        "g": "9",
        "q": "9",
        "T": "7",
    }
)
LAYOUTS = {16: (4, 4, 4, 4), 15: (4, 6, 5), 19: (4, 4, 4, 4, 3)}
FAILED_CHECK_CAP = 0.5
"""Confidence ceiling of a value its validator rejects (the dashboard flags below 0.8)."""
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
    return [
        Token(m.group(), char_span(line.quad, text, m.start(), m.end()), line.score)
        for m in re.finditer(r"\d+", text)
    ]


def _direction(line: TextLine) -> np.ndarray:
    """Unit vector along the line's baseline (a tilted photo tilts every row alike)."""
    v = (line.quad[1] - line.quad[0]) + (line.quad[2] - line.quad[3])
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else np.array([1.0, 0.0], np.float32)


def _rows(lines: list[TextLine]) -> list[list[TextLine]]:
    """Group lines lying on one baseline: the offset across the row's direction under half a line height.

    Each row comes back in reading order along that direction."""
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: -ln.width):  # the widest lines set each row's direction
        centre = line.quad.mean(axis=0)
        for row in rows:
            ref = row[0]
            u = _direction(ref)
            normal = np.array([-u[1], u[0]])
            offset = abs(float(np.dot(centre - ref.quad.mean(axis=0), normal)))
            if offset < 0.5 * max(ref.height, line.height):
                row.append(line)
                break
        else:
            rows.append([line])
    ordered = []
    for row in rows:
        u = _direction(row[0])
        ordered.append(sorted(row, key=lambda ln: float(np.dot(ln.quad.mean(axis=0), u))))
    return ordered


def _overlap_variants(tokens: list[Token], u: np.ndarray) -> list[list[Token]]:
    """Every way of splitting overlapping detections of one stretch of print.

    Where two detections cover one stretch of print ('4169' + '948527'), the shared glyphs belong
    to one of them: every way of giving each overlap to the left or the right token (few overlaps),
    after the tokens as read (boxes also overlap by their padding alone)."""

    def along(q: np.ndarray) -> np.ndarray:
        return q @ u

    def centres(t: Token) -> list[float]:
        return [float(char_span(t.quad, t.digits, k, k + 1).mean(axis=0) @ u) for k in range(len(t.digits))]

    # (index of the left token, digits to cut from its tail, digits to cut from the right's head)
    overlaps = []
    for i in range(len(tokens) - 1):
        left_end, right_start = along(tokens[i].quad).max(), along(tokens[i + 1].quad).min()
        if right_start < left_end:
            tail = sum(c > right_start for c in centres(tokens[i]))
            head = sum(c < left_end for c in centres(tokens[i + 1]))
            if tail or head:
                overlaps.append((i, tail, head))
    if not overlaps or len(overlaps) > 4:
        return [tokens]
    variants = [tokens]
    for choice in range(2 ** len(overlaps)):
        cut = {i: [0, 0] for i in range(len(tokens))}  # token -> [head, tail] digits to drop
        for bit, (i, tail, head) in enumerate(overlaps):
            if choice >> bit & 1:
                cut[i][1] = max(cut[i][1], tail)
            else:
                cut[i + 1][0] = max(cut[i + 1][0], head)
        variant = []
        for i, t in enumerate(tokens):
            a, b = cut[i][0], len(t.digits) - cut[i][1]
            if a < b:
                variant.append(Token(t.digits[a:b], char_span(t.quad, t.digits, a, b), t.score))
        variants.append(variant)
    return variants


def _split(token: Token, sizes: tuple[int, ...]) -> list[Token]:
    out, i = [], 0
    for n in sizes:
        out.append(Token(token.digits[i : i + n], char_span(token.quad, token.digits, i, i + n), token.score))
        i += n
    return out


def _candidates(tokens: list[Token]) -> list[list[Token]]:
    found: list[list[Token]] = []
    for i, tok in enumerate(tokens):
        if len(tok.digits) in LAYOUTS:  # printed without spaces
            found.append(_split(tok, LAYOUTS[len(tok.digits)]))
        for sizes in LAYOUTS.values():
            run = tokens[i : i + len(sizes)]
            if len(run) == len(sizes) and tuple(len(t.digits) for t in run) == sizes:
                found.append(run)
    return found


def _below(a: list[TextLine], b: list[TextLine]) -> bool:
    """Row `b` lies right below row `a`, starting at about the same left edge, in print of about its size."""
    ha, hb = a[0].height, b[0].height
    drop = float(b[0].quad.mean(axis=0)[1] - a[0].quad.mean(axis=0)[1])
    return 0.8 * ha < drop < 2.2 * ha and abs(a[0].x - b[0].x) < 1.5 * ha and 0.7 < hb / ha < 1.4


def _stacked(rows: list[list[TextLine]]) -> list[list[Token]]:
    """Token runs of a row and up to three rows right below it.

    Token runs of a row followed by up to three rows right below it, starting at about the same left
    edge: a number printed as two lines of two groups, or (portrait cards) four lines of one group."""
    out = []
    for a in rows:
        chain = [a]
        while len(chain) < 4:
            nxt = [b for b in rows if all(b is not c for c in chain) and _below(chain[-1], b)]
            if not nxt:
                break
            chain.append(min(nxt, key=lambda b: float(b[0].quad.mean(axis=0)[1])))
            tokens = [t for row in chain for line in row for t in _tokens(line) if len(t.digits) >= 3]
            if 2 <= len(tokens) <= 5:
                out.append(tokens)
    return out


def parse_card(lines: list[TextLine]) -> CardReading | None:
    """The best card number (and expiry) among `lines`, or None when no number is there."""
    best: tuple[tuple[bool, int, float], list[Token]] | None = None
    rows = _rows(lines)
    runs = [
        v
        for row in rows
        for v in _overlap_variants([t for line in row for t in _tokens(line)], _direction(row[0]))
    ]
    for tokens in runs + _stacked(rows):
        # stray 1-3 digit tokens (guilloche, logos read as digits) must not break a 4-4-4-4 run
        for cand in (
            _candidates(tokens)
            + _candidates([t for t in tokens if len(t.digits) >= 4])
            + _candidates([t for t in tokens if len(t.digits) >= 3])
        ):
            number = "".join(t.digits for t in cand)
            key = (luhn.is_valid(number), len(number), sum(t.score for t in cand) / len(cand))
            if best is None or key > best[0]:
                best = (key, cand)
    if best is None:
        return None
    valid = best[0][0]
    groups = tuple(
        Reading(
            t.digits, checked(t.score) if valid else round(FAILED_CHECK_CAP * t.score, 4), to_quad(t.quad)
        )
        for t in best[1]
    )
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
            found.append((rank, Reading(value, formed(line.score), to_quad(quad))))
    return min(found, key=lambda f: f[0])[1] if found else None
