"""Calibrated confidence: what a field's reported confidence means, by the evidence behind its value.

A line's raw score (recogniser probability x legibility, `ocr.TextLine.score`; Tesseract's word
confidence x legibility for Hangul) measures how well the print could be seen, not how often the
value is right: on the hard set a value whose check digit holds was right every time whatever its
raw score (0.6-1.0), while a Hangul name at raw 0.92 could still be one syllable off. So the reported
confidence is the raw score mapped by the kind of evidence the value has (issue 22, item 3):

- `checked`: a validator holds (Luhn, the resident number's check digit, a licence number's region,
  the MRZ's check digits): 0.9 + 0.1 x raw.
- `formed`: the value has a form that is itself checked (a real calendar date, MM/YY with a month
  01-12, a licence type of the closed list as read, an issuer the official list knows as read,
  condition codes A-H): 0.8 + 0.2 x raw.
- `plain`: nothing confirms it (a name, a serial, an issuer the list does not know): the raw score
  (for a Hangul name, Tesseract's confidence x legibility squared: blur costs it twice),
  lowered where Tesseract's readings of the line at two glyph heights do not both hold the value
  (`ocr.HangulText.agrees`).
- what a validator rejects is halved and what the lexicon changed is capped (`korea.LEXICON_FIX_CAP`)
  where that happens, after the mapping: both stay below the dashboard's 0.8.

The constants were set on the hard set's default seed and are checked on other seeds by
`bench/bench_recognition.py --hard --seed N` (reliability diagram, expected calibration error).
"""

from __future__ import annotations

CHECKED_FLOOR = 0.9
FORMED_FLOOR = 0.8
DISAGREE = 0.85
"""Factor on a plain Hangul value whose two Tesseract readings (two glyph heights) differ."""


def checked(raw: float) -> float:
    return round(CHECKED_FLOOR + (1 - CHECKED_FLOOR) * max(0.0, min(1.0, raw)), 4) if raw > 0 else 0.0


def formed(raw: float) -> float:
    return round(FORMED_FLOOR + (1 - FORMED_FLOOR) * max(0.0, min(1.0, raw)), 4) if raw > 0 else 0.0


def plain(raw: float, agreed: bool = True) -> float:
    return round(max(0.0, min(1.0, raw)) * (1.0 if agreed else DISAGREE), 4)


BINS = 10


def reliability(pairs: list[tuple[float, bool]]) -> tuple[list[tuple[float, float, float, int]], float]:
    """Reliability diagram rows over ten confidence bins, and the expected calibration error.

    Reliability diagram rows (bin's low edge, mean confidence, share right, fields) over ten
    equal-width confidence bins, and the expected calibration error: the fields-weighted mean gap
    between a bin's mean confidence and its share of exact reads."""
    rows, ece = [], 0.0
    for b in range(BINS):
        low, high = b / BINS, (b + 1) / BINS
        inside = [(c, ok) for c, ok in pairs if low <= c < high or (b == BINS - 1 and c >= 1.0)]
        if inside:
            mean_conf = sum(c for c, _ in inside) / len(inside)
            right = sum(ok for _, ok in inside) / len(inside)
            rows.append((low, mean_conf, right, len(inside)))
            ece += len(inside) / len(pairs) * abs(mean_conf - right)
    return rows, ece
