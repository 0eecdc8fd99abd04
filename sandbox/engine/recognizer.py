"""The engine the sandbox backend calls: OCR adapter + document parsers, one shared instance."""
from __future__ import annotations

import threading
from dataclasses import replace

import cv2
import numpy as np

from sandbox.engine.cards import parse_card
from sandbox.engine.geometry import rotate_image, to_quad, unrotate_points
from sandbox.engine.idcards import parse_id
from sandbox.engine.ocr import HangulReader, RapidReader, TextLine
from sandbox.engine.types import CardReading, IdReading, Quad, Reading

CARD_MAX_SIDE = 960
"""Cards carry big type: detecting on a smaller image is faster and loses nothing."""
ID_MAX_SIDE = 1280
UPRIGHT_SCORE = 0.93


class Recognizer:
    """`OcrEngine` implementation. Thread-safe: the OCR adapters serialise model access."""

    def __init__(self, rapid: RapidReader | None = None, hangul: HangulReader | None = None) -> None:
        self.rapid = rapid or RapidReader()
        self.hangul = hangul or HangulReader()

    @property
    def hangul_available(self) -> bool:
        return self.hangul.available

    def read_credit_card(self, bgr: np.ndarray) -> CardReading | None:
        """Try the image as sent, then turned (see `_orders`); boxes are mapped back to the image as sent."""
        bgr = _as_bgr(bgr)
        for turns in _orders(bgr):
            lines = self.rapid.read(rotate_image(bgr, turns), CARD_MAX_SIDE)
            if not lines and turns == 0:
                return None  # no text at all: turning the image will not find any
            reading = parse_card(lines)
            if reading is not None:
                return _unrotate_card(reading, turns, bgr.shape) if turns else reading
            if turns == 0 and _upright(lines):
                return None
        return None

    def read_id_card(self, bgr: np.ndarray) -> IdReading | None:
        """As sent when the text reads upright; otherwise the orientation that yields the most fields."""
        bgr = _as_bgr(bgr)
        best: tuple[int, IdReading] | None = None
        for turns in _orders(bgr):
            image = rotate_image(bgr, turns)
            lines = self.rapid.read(image, ID_MAX_SIDE)
            if not lines:
                if turns == 0:
                    return None
                continue
            reading = parse_id(image, lines, self.hangul)
            if reading is not None:
                found = sum(1 for _, r in reading.fields if r.value and r.value != "none")
                if best is None or found > best[0]:
                    best = (found, _unrotate_id(reading, turns, bgr.shape) if turns else reading)
            if _upright(lines):
                break  # this orientation reads well: the others cannot do better
        return best[1] if best else None


def _as_bgr(img: np.ndarray) -> np.ndarray:
    """Grey and BGRA inputs as 3-channel BGR (the parsers and Tesseract crops expect it)."""
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    return img


def _upright(lines: list[TextLine]) -> bool:
    """Text already reads well as sent (several horizontal lines, confidently read): turning the image
    cannot reveal a document that is not there. Sideways text gives tall boxes, upside-down text
    recogniser probabilities around 0.75; upright print scores about 0.99."""
    flat = [ln.rec_score for ln in lines if ln.width > 1.5 * ln.height and len(ln.text) >= 2]
    return len(flat) >= 3 and float(np.median(flat)) >= UPRIGHT_SCORE


def _orders(bgr: np.ndarray) -> tuple[int, ...]:
    """Quarter turns to try, as sent first; then a quarter either way (a card photographed sideways),
    then upside down."""
    return (0, 1, 3, 2)


def _unrotate_quad(quad: Quad, turns: int, shape: tuple[int, ...]) -> Quad:
    if quad == ((0, 0), (0, 0), (0, 0), (0, 0)):
        return quad
    return to_quad(unrotate_points(np.array(quad, np.float32), turns, shape))


def _unrotate_reading(r: Reading, turns: int, shape: tuple[int, ...]) -> Reading:
    return replace(r, box=_unrotate_quad(r.box, turns, shape))


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
