"""Where the holder's photo is on an ID: the API reports text boxes only, yet a masked view must
hide the face too. Two detectors, united: the photo's frame (a bordered portrait rectangle, the way
Korean ID cards print it) and faces (OpenCV's bundled Haar cascade, no download), grown to the
head-and-shoulders area a printed portrait covers (when the OpenCV build has ``objdetect``)."""
from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

Quad = tuple[tuple[int, int], ...]

_FRAME_AREA = (0.03, 0.35)
"""Share of the image a printed portrait frame covers (resident card ≈ 12 %, photo of a card less)."""
_FRAME_ASPECT = (1.05, 1.75)
"""Height / width of a portrait frame (3 × 4 cm → 1.33), allowing for perspective."""


def find_portraits(bgr: np.ndarray) -> list[Quad]:
    """Quadrilaterals (image pixels) that hold a portrait: photo frames and grown face boxes."""
    return _frames(bgr) + _faces(bgr)


def _frames(bgr: np.ndarray) -> list[Quad]:
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
    h, w = gray.shape[:2]
    edges = cv2.dilate(cv2.Canny(cv2.GaussianBlur(gray, (3, 3), 0), 40, 120), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[Quad] = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if not _FRAME_AREA[0] * w * h <= area <= _FRAME_AREA[1] * w * h:
            continue
        poly = cv2.approxPolyDP(contour, 0.04 * cv2.arcLength(contour, True), True)
        if len(poly) != 4 or not cv2.isContourConvex(poly):
            continue
        _, _, bw, bh = cv2.boundingRect(poly)
        if not _FRAME_ASPECT[0] <= bh / max(bw, 1) <= _FRAME_ASPECT[1]:
            continue
        if area < 0.7 * bw * bh:  # not a rectangle seen (nearly) face-on
            continue
        quad = tuple((int(px), int(py)) for px, py in poly.reshape(4, 2))
        if not any(_same(quad, q) for q in found):
            found.append(quad)
    return found


def _same(a: Quad, b: Quad) -> bool:
    ax, ay = np.mean(a, axis=0)
    bx, by = np.mean(b, axis=0)
    span = max(np.ptp(np.asarray(a)[:, 0]), 1)
    return bool(abs(ax - bx) < 0.2 * span and abs(ay - by) < 0.2 * span)


@lru_cache(maxsize=1)
def _cascade() -> object | None:
    if not hasattr(cv2, "CascadeClassifier"):  # an OpenCV build without objdetect: frames only
        return None
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(path)
    return None if cascade.empty() else cascade


def _faces(bgr: np.ndarray) -> list[Quad]:
    cascade = _cascade()
    if cascade is None:
        return []
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
    h, w = gray.shape[:2]
    side = min(h, w)
    faces = cascade.detectMultiScale(gray,  # type: ignore[attr-defined]
                                      scaleFactor=1.1, minNeighbors=6, minSize=(side // 12, side // 12))
    out: list[Quad] = []
    for x, y, fw, fh in faces if len(faces) else ():
        # a portrait shows hair and shoulders too: grow the face box to the frame it sits in
        xa, xb = max(0, int(x - 0.5 * fw)), min(w, int(x + 1.5 * fw))
        ya, yb = max(0, int(y - 0.6 * fh)), min(h, int(y + 1.9 * fh))
        out.append(((xa, ya), (xb, ya), (xb, yb), (xa, yb)))
    return out
