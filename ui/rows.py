"""Results as display rows: one row per field, ordered and labelled by ``ocr_core.fields``, masked
as the switch says, with its validator checks. Pure functions: no Streamlit, easy to test.

A row keeps the decrypted value (``raw``) beside what is shown (``shown``): ``raw`` never leaves the
server unless masking is off, and is what the authenticity hand-off and the blur use.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import l10n
from ocr_core import CreditCardResult, IdCardResult
from ocr_core.csv_cells import safe_row
from ocr_core.fields import Lang, field_spec, sort_keys
from ocr_core.imaging.portrait import find_portraits
from ocr_core.masking import mask_value
from ocr_core.models import resolution_verdict
from ocr_core.validators import Check
from ocr_core.verdicts import result_checks
from ui.figures import Region
from ui.i18n import field_label, label_of, text
from ui.marks import verdict_mark

Point = tuple[int, int]
Result = CreditCardResult | IdCardResult


@dataclass(frozen=True)
class FieldRow:
    key: str
    """The API's key (``cardNums`` for each card-number group)."""
    index: int | None
    """Position among rows of the same key (card-number groups), else None."""
    label: str
    raw: str | None
    shown: str
    conf: float | None
    points: tuple[Point, ...] | None
    sensitive: bool
    checks: tuple[Check, ...] = ()

    @property
    def display_key(self) -> str:
        return self.key if self.index is None else f"{self.key}[{self.index}]"


def _show(key: str, value: str | None, masked: bool, **kw: Any) -> str:
    if value is None:
        return ""
    return str(mask_value(key, value, **kw)) if masked else value


def _sensitive(key: str) -> bool:
    spec = field_spec(key)
    return bool(spec and spec.sensitive)


Verdicts = Mapping[str, Sequence[Check]]
"""Each field's validator checks by the API's key (``ocr_core.verdicts.result_checks``)."""


def rows_for(result: Result, lang: Lang, masked: bool, *, checks: Verdicts | None = None) -> list[FieldRow]:
    """Every field of a result in display order, with its validator checks: run on the values here,
    or ``checks`` as recorded when the values were read (a QA lab item, whose values come from the
    store already masked: validators cannot judge a masked number, so none run on them)."""
    verdicts = result_checks(result) if checks is None else checks
    if isinstance(result, CreditCardResult):
        return _card_rows(result, lang, masked, verdicts)
    return _id_rows(result, lang, masked, verdicts)


def _card_rows(result: CreditCardResult, lang: Lang, masked: bool, verdicts: Verdicts) -> list[FieldRow]:
    groups = [g.value or "" for g in result.card_numbers]
    rows: list[FieldRow] = []
    for i, group in enumerate(result.card_numbers):
        rows.append(
            FieldRow(
                key="cardNums",
                index=i,
                label=f"{field_label('cardNums', lang)} {i + 1}",
                raw=group.value,
                shown=_show("cardNums", group.value, masked, groups=groups, index=i),
                conf=group.conf,
                points=tuple(group.box.points) if group.box else None,
                sensitive=True,
            )
        )
    if result.total_card_num is not None:
        rows.append(
            FieldRow(
                key="totalCardNum",
                index=None,
                label=field_label("totalCardNum", lang),
                raw=result.total_card_num,
                shown=_show("totalCardNum", result.total_card_num, masked),
                conf=None,
                points=None,
                sensitive=True,
                checks=tuple(verdicts.get("totalCardNum", ())),
            )
        )
    vt = result.valid_thru
    if vt is not None:
        rows.append(
            FieldRow(
                key="validThru",
                index=None,
                label=field_label("validThru", lang),
                raw=vt.value,
                shown=_show("validThru", vt.value, masked),
                conf=vt.conf,
                points=tuple(vt.box.points) if vt.box else None,
                sensitive=_sensitive("validThru"),
                checks=tuple(verdicts.get("validThru", ())),
            )
        )
    return rows


def absent_by_design(key: str, value: str | None) -> bool:
    """The guide's way of saying a field is not on this document: a driver licence without conditions
    has ``condition`` = ``none``. Not a reading, so its confidence means nothing and is never flagged."""
    return key == "condition" and (value or "").strip().lower() == "none"


def _id_rows(result: IdCardResult, lang: Lang, masked: bool, verdicts: Verdicts) -> list[FieldRow]:
    doc = result.id_type or ""
    by_key = {kv.key: kv for kv in result.key_values}
    rows = []
    for key in sort_keys(by_key, doc):
        kv = by_key[key]
        absent = absent_by_design(key, kv.value)  # said in words ("none on this licence"), never scored
        rows.append(
            FieldRow(
                key=key,
                index=None,
                label=field_label(key, lang),
                raw=kv.value,
                shown=text("res.not_on_document", lang) if absent else _show(key, kv.value, masked),
                conf=None if absent else kv.conf,
                points=tuple(kv.bbox.points) if kv.bbox else None,
                sensitive=_sensitive(key),
                checks=tuple(verdicts.get(key, ())),
            )
        )
    return rows


def all_checks(rows: Sequence[FieldRow]) -> list[tuple[FieldRow, Check]]:
    return [(row, check) for row in rows for check in row.checks]


def check_badge(check: Check, lang: Lang) -> str:
    return f"{verdict_mark(check.ok)} {label_of('check', check.name, lang)}"


def check_detail(check: Check, lang: str) -> str:
    """Why the check passed or failed, in ``lang`` (the catalogue's ``vr.<reason>``)."""
    return l10n.check_detail(check.reason, check.params, lang)


def regions(rows: Sequence[FieldRow]) -> list[Region]:
    """Boxes to draw; a field with no place on the document (the API's all-zero box, e.g. a licence's
    ``condition: none``) gets none."""
    return [Region(r.label, r.shown, r.conf, r.points) for r in rows if r.points and len(set(r.points)) > 1]


def sensitive_polygons(rows: Sequence[FieldRow]) -> list[tuple[Point, ...]]:
    return [r.points for r in rows if r.sensitive and r.points]


def personal_polygons(result: Result, rows: Sequence[FieldRow], bgr: np.ndarray) -> list[tuple[Point, ...]]:
    """Every region of the image that shows personal data, for the masked view's blur.

    The fields the API names (numbers and names), and what it does not name: on IDs every other text
    box (Hanja name, address, aptitude-test dates…) except the heading above the first personal field
    and the boxes of non-personal fields (issue date, issuer, licence type); the holder's photo; on a
    credit card, the band under the number row where the holder's name is embossed (the API returns
    no box for it). Unknown text counts as personal: hiding a label costs less than showing an address.

    "Above" and "under" are the document's own directions, read from the slant of its text boxes, so
    a tilted photo keeps its heading readable and its holder band follows the card."""
    polygons = [r.points for r in rows if r.points and _is_personal(r.key)]
    frame = _TextFrame.of(
        [tuple(b.points) for b in result.boxes]
        if isinstance(result, IdCardResult)
        else [r.points for r in rows if r.points]
    )
    if isinstance(result, IdCardResult):
        public = [frame.bounds(r.points) for r in rows if r.points and not _is_personal(r.key)]
        tops = [frame.bounds(p)[1] for p in polygons]
        heading_bottom = min(tops) if tops else -math.inf
        for box in result.boxes:
            bounds = frame.bounds(box.points)
            if bounds[3] <= heading_bottom or any(_overlap(bounds, b) > 0.5 for b in public):
                continue
            polygons.append(tuple(box.points))
        polygons.extend(find_portraits(bgr))
    else:
        band = _holder_band(rows, frame)
        if band is not None:
            polygons.append(band)
    return polygons


@dataclass(frozen=True)
class _TextFrame:
    """The document's axes in the image: ``u`` along its text lines, ``n`` down the page."""

    u: tuple[float, float] = (1.0, 0.0)

    @property
    def n(self) -> tuple[float, float]:
        return (-self.u[1], self.u[0])

    @classmethod
    def of(cls, boxes: Sequence[Sequence[Point]]) -> _TextFrame:
        """The mean direction of the boxes' long edges, weighted by length (text boxes are wider than
        tall); upright when there are none. Images reach here turned upright, so the slant is small."""
        sx = sy = 0.0
        for box in boxes:
            if len(box) < 4:
                continue
            edges = [
                (box[(i + 1) % len(box)][0] - box[i][0], box[(i + 1) % len(box)][1] - box[i][1])
                for i in range(len(box))
            ]
            dx, dy = max(edges, key=lambda e: e[0] ** 2 + e[1] ** 2)
            if dx < 0:
                dx, dy = -dx, -dy
            sx, sy = sx + dx, sy + dy
        length = math.hypot(sx, sy)
        return cls((sx / length, sy / length)) if length > 0 and sx > 0 else cls()

    def coords(self, point: Point) -> tuple[float, float]:
        return (point[0] * self.u[0] + point[1] * self.u[1], point[0] * self.n[0] + point[1] * self.n[1])

    def point(self, along: float, down: float) -> Point:
        return (round(along * self.u[0] + down * self.n[0]), round(along * self.u[1] + down * self.n[1]))

    def bounds(self, points: Sequence[Point]) -> tuple[float, float, float, float]:
        """(along₀, down₀, along₁, down₁): the points' extent in the document's own axes."""
        return _bounds([self.coords(p) for p in points])


def _is_personal(key: str) -> bool:
    spec = field_spec(key)
    return spec is not None and spec.kind != "none"


def _bounds(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Share of ``a``'s area inside ``b``."""
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    area = max(1.0, (a[2] - a[0]) * (a[3] - a[1]))
    return w * h / area


def _holder_band(rows: Sequence[FieldRow], frame: _TextFrame) -> tuple[Point, ...] | None:
    """Under the card-number row, as wide as the row, down 3.5 rows: where cards print or emboss the
    holder's name. In the card's own axes, so a tilted card's band tilts with it."""
    boxes = [frame.bounds(r.points) for r in rows if r.key == "cardNums" and r.points]
    if not boxes:
        return None
    x0 = min(b[0] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    row_h = max(b[3] - b[1] for b in boxes)
    top, bottom = y1 + 0.1 * row_h, y1 + 3.5 * row_h
    left = x0 - row_h
    if bottom - top < 4:
        return None
    return (frame.point(left, top), frame.point(x1, top), frame.point(x1, bottom), frame.point(left, bottom))


def flagged(rows: Sequence[FieldRow], threshold: float) -> list[FieldRow]:
    """Rows whose confidence is known and under the threshold."""
    return [r for r in rows if r.conf is not None and r.conf < threshold]


def failed_checks(rows: Sequence[FieldRow]) -> list[tuple[FieldRow, Check]]:
    """Validator checks that failed (a Luhn failure, a bad date): a reading is wrong whatever its
    confidence says."""
    return [(row, check) for row, check in all_checks(rows) if check.ok is False]


def needs_attention(row: FieldRow, threshold: float) -> bool:
    """What the Flag column marks: under the threshold, or a failed check."""
    return (row.conf is not None and row.conf < threshold) or any(c.ok is False for c in row.checks)


def other_boxes(result: Result) -> list[list[Point]]:
    """Every text box of an ID result (the API's ``boxes``); card results have none beyond fields."""
    if isinstance(result, IdCardResult):
        return [b.points for b in result.boxes]
    return []


# ---------------------------------------------------------------- specimen truth


def _norm(value: object) -> str:
    return "".join(str(value).split()).upper()


def truth_of(row: FieldRow, truth: Mapping[str, Any]) -> str | None:
    """The specimen's true value for a row, if the truth file has one."""
    if row.key == "cardNums":
        groups = truth.get("groups")
        return (
            groups[row.index]
            if isinstance(groups, list) and row.index is not None and row.index < len(groups)
            else None
        )
    value = truth.get("cardNumber" if row.key == "totalCardNum" else row.key)
    return None if value is None else str(value)


def truth_mismatches(rows: Sequence[FieldRow], truth: Mapping[str, Any]) -> tuple[int, list[FieldRow]]:
    """(fields compared, rows that differ from the specimen's truth); spaces and case ignored."""
    compared, wrong = 0, []
    for row in rows:
        expected = truth_of(row, truth)
        if expected is None:
            continue
        compared += 1
        if _norm(row.raw or "") != _norm(expected):
            wrong.append(row)
    return compared, wrong


# ---------------------------------------------------------------- resolution


@dataclass(frozen=True)
class Resolution:
    verdict: str
    """``normal`` or ``low`` by the API's rule, applied to the whole image as sent."""
    width: int
    height: int
    card_size: tuple[int, int] | None
    """The card's own size in pixels when its boundary was found."""


def measure_resolution(width: int, height: int, card_quad: Sequence[Point] | None) -> Resolution:
    """Our own ``normal``/``low`` verdict: long side ≥ 760 and short side ≥ 480."""
    verdict = resolution_verdict(width, height)
    card = None
    if card_quad is not None and len(card_quad) == 4:
        (x1, y1), (x2, y2), (x3, y3), (x4, y4) = card_quad
        w = (_dist(x1, y1, x2, y2) + _dist(x4, y4, x3, y3)) / 2
        h = (_dist(x1, y1, x4, y4) + _dist(x2, y2, x3, y3)) / 2
        card = (round(w), round(h))
    return Resolution(verdict, width, height, card)


def _dist(ax: float, ay: float, bx: float, by: float) -> float:
    return float(((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5)


# ---------------------------------------------------------------- exports


def result_json(result: Result, masked: bool, metadata: Mapping[str, object] | None = None) -> str:
    """The API's JSON (masked as asked); ``metadata`` (see ``ui.downloads.export_metadata``) goes
    under an ``export`` key beside the API's own ``header`` and ``result``."""
    doc = result.to_api_json(masked=masked)
    if metadata is not None:
        doc = {"export": dict(metadata), **doc}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def rows_csv(rows: Sequence[FieldRow], metadata: Mapping[str, object] | None = None) -> str:
    """CSV of the rows as shown (so masked rows stay masked); UTF-8 with a BOM for spreadsheet apps.
    ``metadata`` comes first, one ``# name: value`` line each."""
    out = io.StringIO()
    writer = csv.writer(out)
    for name, value in (metadata or {}).items():  # one cell each: a line break or a comma in a value cannot
        writer.writerow([f"# {name}: {' '.join(str(value).split())}"])  # start a row or a cell of its own
    writer.writerow(["key", "label", "value", "confidence", "checks"])
    for r in rows:  # every cell through ocr_core.csv_cells: a value read as "=1+2" stays text
        writer.writerow(
            safe_row(
                [
                    r.display_key,
                    r.label,
                    r.shown,
                    "" if r.conf is None else f"{r.conf:.4f}",
                    "; ".join(
                        f"{c.name}={'ok' if c.ok else 'fail' if c.ok is False else 'n/a'}" for c in r.checks
                    ),
                ]
            )
        )
    return "\ufeff" + out.getvalue()
