"""Blur the sensitive regions of an image for display, so masked values are not readable in pixels.

Pixelation followed by a blur: a plain Gaussian blur of large digits can stay legible, and
pixelation alone can sometimes be reversed for digits of a known font.
"""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

Point = tuple[int, int]


def blur_regions(bgr: np.ndarray, polygons: Sequence[Sequence[Point]], *, margin: float = 0.25) -> np.ndarray:
    """A copy of ``bgr`` with every polygon (grown by ``margin`` of its height) made unreadable."""
    out = bgr.copy()
    h, w = out.shape[:2]
    for poly in polygons:
        if len(poly) < 3:
            continue
        pts = np.asarray(poly, dtype=np.float32)
        x0, y0 = pts.min(axis=0)
        x1, y1 = pts.max(axis=0)
        pad = max(4.0, (y1 - y0) * margin)
        xa, ya = max(0, int(x0 - pad)), max(0, int(y0 - pad))
        xb, yb = min(w, int(np.ceil(x1 + pad))), min(h, int(np.ceil(y1 + pad)))
        if xb - xa < 2 or yb - ya < 2:
            continue
        patch = out[ya:yb, xa:xb]
        cell = max(4, (yb - ya) // 3)
        small = cv2.resize(patch, (max(1, (xb - xa) // cell), max(1, (yb - ya) // cell)),
                           interpolation=cv2.INTER_AREA)
        blocky = cv2.resize(small, (xb - xa, yb - ya), interpolation=cv2.INTER_NEAREST)
        k = max(3, (cell // 2) * 2 + 1)
        out[ya:yb, xa:xb] = cv2.GaussianBlur(blocky, (k, k), 0)
    return out


SOFT_SIDE = 40
"""Long side, in pixels, that a softened preview keeps: shapes, colours and glare stay visible,
printed characters do not."""


def soften(bgr: np.ndarray, side: int = SOFT_SIDE) -> np.ndarray:
    """The whole image made unreadable but recognisable, at its original size (for previews shown
    while masking is on, before the API has said where the personal data is)."""
    h, w = bgr.shape[:2]
    scale = min(1.0, side / max(h, w))
    small = cv2.resize(bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
