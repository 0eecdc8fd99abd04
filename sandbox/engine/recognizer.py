"""The engine the sandbox backend calls: OCR adapter + document parsers, one shared instance."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import replace

import cv2
import numpy as np
from stdnum import luhn
from stdnum.kr import rrn

from sandbox.engine.cards import parse_card
from sandbox.engine.geometry import rotate_image, to_quad, unrotate_points
from sandbox.engine.idcards import hangul_quads, parse_id
from sandbox.engine.locate import View, document_view
from sandbox.engine.ocr import HangulReader, RapidReader, TextLine
from sandbox.engine.types import CardReading, IdReading, Quad, Reading

CARD_MAX_SIDE = 960
"""Cards carry big type: detecting on a smaller image is faster and loses nothing."""
ID_MAX_SIDE = 1280
CARD_DET_SIDE = 640
"""Long side of the copy a card's text is detected on (the recogniser reads crops of the working
size): a card's large print is found at two thirds of the working size for under half the cost. A card
whose number is not found there (faint print on a dark card) is detected again at the working size."""
ID_VIEW_SIDE = 1024
"""Long side of an ID cut out of a large photo (text cluster and margin): its print then stands as
large as on a 1000x630 image of the card alone, where IDs are read right; at the working size the cut
was 1.6x the area to detect text in, for nothing (a 12 MP photo's read cost 2.9 s of CPU against 1.4)."""
ID_DET_SIDE = ID_MAX_SIDE
"""An ID's text is detected at the working size: on a smaller copy its fine Hangul lines get boxes a
pixel or two off, enough to change what Tesseract reads on a blurred photo."""
UPRIGHT_SCORE = 0.93
LOCATE_ABOVE = 1.5
"""Photos longer than this x the working size are searched for the document first (a card small in a
12 MP frame); smaller ones are read whole."""
LOCATE_SIDE = 640
"""Long side of the copy searched for text when locating (a card a third of the frame wide still
shows its lines there; detection cost grows with area)."""


class Recognizer:
    """`OcrEngine` implementation. Thread-safe: reads may run in several threads at once (the models
    load once, under a lock; inference and parsing share no mutable state)."""

    def __init__(self, rapid: RapidReader | None = None, hangul: HangulReader | None = None) -> None:
        self.rapid = rapid or RapidReader()
        self.hangul = hangul or HangulReader()

    @property
    def hangul_available(self) -> bool:
        return self.hangul.available

    def _view(self, bgr: np.ndarray, max_side: int, view_side: int | None = None) -> View:
        """The document cut out of a large photo and straightened (at most `view_side` long), or the
        image itself."""
        if max(bgr.shape[:2]) <= LOCATE_ABOVE * max_side:
            return View(bgr)
        return document_view(bgr, self.rapid.detect(bgr, LOCATE_SIDE), view_side or max_side)

    def read_credit_card(self, bgr: np.ndarray) -> CardReading | None:
        """Read a credit card from a photo.

        Find the card in a large photo, read it as it lies, then turned (see `_orders`); boxes are
        mapped back to the image as sent."""
        bgr = _as_bgr(bgr)
        view = self._view(bgr, CARD_MAX_SIDE)
        reading = self._read_card(view.image, CARD_DET_SIDE)
        if reading is None:  # no number found on the small copy: detect at the working size
            reading = self._read_card(view.image, CARD_MAX_SIDE)
        elif reading.valid_thru is None:  # the expiry's small print was not found there: look again
            finer = self._read_card(view.image, CARD_MAX_SIDE)
            if finer is not None and finer.valid_thru is not None and _number(finer) == _number(reading):
                reading = replace(reading, valid_thru=finer.valid_thru)
        if reading is None or not _luhn_ok(reading):  # weak first read: once more, mildly deblurred
            second = self._read_card(sharpen(view.image), CARD_MAX_SIDE, measure=view.image)
            if second is not None and (reading is None or _luhn_ok(second)):
                reading = second
        if reading is None and view.to_photo is not None:
            reading, view = self._read_card(bgr, CARD_MAX_SIDE), View(bgr)  # the cut missed: the whole photo
        return _map_card(reading, view.back) if reading is not None and view.to_photo is not None else reading

    def _read_card(
        self, bgr: np.ndarray, det_side: int, measure: np.ndarray | None = None
    ) -> CardReading | None:
        for turns in _orders(bgr):
            lines = self.rapid.read(
                rotate_image(bgr, turns),
                CARD_MAX_SIDE,
                det_side,
                measure=rotate_image(measure, turns) if measure is not None else None,
            )
            if not lines and turns == 0:
                return None  # no text at all: turning the image will not find any
            reading = parse_card(lines)
            if reading is not None:
                return _unrotate_card(reading, turns, bgr.shape) if turns else reading
            if turns == 0 and _upright(lines):
                return None
        return None

    def read_id_card(self, bgr: np.ndarray) -> IdReading | None:
        """Read an ID from a photo.

        Find the ID in a large photo; read it as it lies when the text reads upright, otherwise in the
        orientation that yields the most fields. Boxes are mapped back to the image as sent."""
        bgr = _as_bgr(bgr)
        view = self._view(bgr, ID_MAX_SIDE, ID_VIEW_SIDE)
        reading, turns = self._read_id(view.image)
        if reading is not None and _weak(reading):  # once more, mildly deblurred, in the orientation found
            second, _ = self._read_id(sharpen(view.image), measure=view.image, orders=(turns,))
            if second is not None and second.id_type == reading.id_type:
                reading = _merge(reading, second)
        if reading is None and view.to_photo is not None:
            (reading, _), view = self._read_id(bgr), View(bgr)
        return _map_id(reading, view.back) if reading is not None and view.to_photo is not None else reading

    def _read_id(
        self, bgr: np.ndarray, measure: np.ndarray | None = None, orders: tuple[int, ...] | None = None
    ) -> tuple[IdReading | None, int]:
        """The best reading over the orientations tried, and the quarter turns that gave it."""
        best: tuple[int, IdReading, int] | None = None
        for turns in orders or _orders(bgr):
            image = rotate_image(bgr, turns)
            # Tesseract reads each recognition batch's Hangul lines while RapidOCR reads the next
            with self.hangul.early(image, hangul_quads) or nullcontext() as early:
                lines = self.rapid.read(
                    image,
                    ID_MAX_SIDE,
                    ID_DET_SIDE,
                    measure=rotate_image(measure, turns) if measure is not None else None,
                    on_lines=early.add if early is not None else None,
                )
                if not lines:
                    if turns == 0:
                        return None, 0
                    continue
                reading = parse_id(image, lines, early or self.hangul)
            if reading is not None:
                found = sum(1 for _, r in reading.fields if r.value and r.value != "none")
                if best is None or found > best[0]:
                    best = (found, _unrotate_id(reading, turns, bgr.shape) if turns else reading, turns)
            if _upright(lines) or (reading is not None and _validated(reading)):
                break  # this orientation reads well: the others cannot do better
        return (best[1], best[2]) if best else (None, 0)


WEAK_CONF = 0.6
"""A first ID read with a key field missing or below this is read again, mildly deblurred."""
OPTIONAL = {"condition", "koreanName", "personalNo", "dateOfIssue", "dateOfIssueYMD"}


def sharpen(bgr: np.ndarray) -> np.ndarray:
    """A mild unsharp mask: restores edges softened by motion or focus blur without inventing strokes."""
    soft = cv2.GaussianBlur(bgr, (0, 0), 2.0)
    return cv2.addWeighted(bgr, 1.8, soft, -0.8, 0)


def _number(c: CardReading) -> str:
    return "".join(g.value for g in c.groups)


def _luhn_ok(c: CardReading) -> bool:
    return luhn.is_valid(_number(c))


def _weak(r: IdReading) -> bool:
    return any((not v.value or v.conf < WEAK_CONF) for k, v in r.fields if k not in OPTIONAL)


def _merge(first: IdReading, second: IdReading) -> IdReading:
    """Per field, the better of the first read and the deblurred one.

    Per field, the deblurred read fills what the first missed or read weakly (a validator's failure
    already halved a confidence); legibility of both was measured on the image as sent, so the
    deblurred copy earns no extra."""
    other = dict(second.fields)

    def pick(a: Reading, b: Reading) -> Reading:
        """The first read stands unless it is missing or weak and the second read is surer."""
        found_a, found_b = bool(a.value) and a.value != "none", bool(b.value) and b.value != "none"
        if found_b and (not found_a or (a.conf < WEAK_CONF and b.conf > a.conf)):
            return b
        return a

    fields = tuple((k, pick(v, other.get(k, v))) for k, v in first.fields)
    return IdReading(id_type=first.id_type, fields=fields, boxes=first.boxes)


def _validated(r: IdReading) -> bool:
    """Whether a number whose check digits hold was read.

    A number whose check digits hold was read: the document lies the right way up (an ID's Hangul
    lines score low in RapidOCR whichever way it lies, so `_upright` alone would turn it thrice)."""
    values = {k: v.value for k, v in r.fields}
    if rrn.is_valid(values.get("residentNumber", "")):
        return True
    return bool(values.get("MRZ2")) and bool(values.get("dateOfBirthYMD"))


def _as_bgr(img: np.ndarray) -> np.ndarray:
    """Grey and BGRA inputs as 3-channel BGR (the parsers and Tesseract crops expect it)."""
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    return img


def _upright(lines: list[TextLine]) -> bool:
    """Whether the text already reads well as sent.

    Text already reads well as sent (several horizontal lines, confidently read): turning the image
    cannot reveal a document that is not there. Sideways text gives tall boxes, upside-down text
    recogniser probabilities around 0.75; upright print scores about 0.99."""
    flat = [ln.rec_score for ln in lines if ln.width > 1.5 * ln.height and len(ln.text) >= 2]
    return len(flat) >= 3 and float(np.median(flat)) >= UPRIGHT_SCORE


def _orders(bgr: np.ndarray) -> tuple[int, ...]:
    """Quarter turns to try, in order.

    Quarter turns to try, as sent first; then a quarter either way (a card photographed sideways),
    then upside down."""
    return (0, 1, 3, 2)


def _unrotate_quad(quad: Quad, turns: int, shape: tuple[int, ...]) -> Quad:
    if quad == ((0, 0), (0, 0), (0, 0), (0, 0)):
        return quad
    return to_quad(unrotate_points(np.array(quad, np.float32), turns, shape))


def _unrotate_reading(r: Reading, turns: int, shape: tuple[int, ...]) -> Reading:
    return replace(r, box=_unrotate_quad(r.box, turns, shape))


PointMap = Callable[[np.ndarray], np.ndarray]
"""Points of the cut-out document → the same points in the photo (``View.back``)."""


def _map_quad(quad: Quad, fn: PointMap) -> Quad:
    if quad == ((0, 0), (0, 0), (0, 0), (0, 0)):
        return quad
    return to_quad(fn(np.array(quad, np.float32)))


def _map_card(c: CardReading, fn: PointMap) -> CardReading:
    """Boxes of a reading of the cut-out document, in the photo's coordinates."""
    return CardReading(
        groups=tuple(replace(g, box=_map_quad(g.box, fn)) for g in c.groups),
        valid_thru=replace(c.valid_thru, box=_map_quad(c.valid_thru.box, fn)) if c.valid_thru else None,
    )


def _map_id(r: IdReading, fn: PointMap) -> IdReading:
    return IdReading(
        id_type=r.id_type,
        fields=tuple((k, replace(v, box=_map_quad(v.box, fn))) for k, v in r.fields),
        boxes=tuple(_map_quad(q, fn) for q in r.boxes),
    )


def _unrotate_card(c: CardReading, turns: int, shape: tuple[int, ...]) -> CardReading:
    return CardReading(
        groups=tuple(_unrotate_reading(g, turns, shape) for g in c.groups),
        valid_thru=_unrotate_reading(c.valid_thru, turns, shape) if c.valid_thru else None,
    )


def _unrotate_id(r: IdReading, turns: int, shape: tuple[int, ...]) -> IdReading:
    return IdReading(
        id_type=r.id_type,
        fields=tuple((k, _unrotate_reading(v, turns, shape)) for k, v in r.fields),
        boxes=tuple(_unrotate_quad(q, turns, shape) for q in r.boxes),
    )


_shared: Recognizer | None = None
_shared_lock = threading.Lock()


def shared_engine() -> Recognizer:
    """The process-wide engine; models load on first use, not here."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Recognizer()
        return _shared


__all__ = ["Recognizer", "TextLine", "shared_engine"]
