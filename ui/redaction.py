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
    """A copy of ``bgr`` with every polygon, grown by ``margin`` of its height, made unreadable.

    The blur follows the polygon: a text line or a portrait on a tilted or photographed document is a
    rotated, sheared quad, and its axis-aligned bounding box would overhang onto what is not personal
    (the heading above it, the "RE" of "REPUBLIC OF KOREA"). So each polygon's convex hull is grown by
    a distance (the hull's short side × ``margin``, at least 4 px: its own height, whatever way it
    turns), and only the pixels within that distance of the hull are replaced.
    """
    out = bgr.copy()
    h, w = out.shape[:2]
    for poly in polygons:
        if len(poly) < 3:
            continue
        pts = np.asarray(poly, dtype=np.float32).reshape(-1, 2)
        hull = cv2.convexHull(pts)
        _, (rw, rh), _ = cv2.minAreaRect(hull)
        thickness = min(rw, rh)
        pad = max(4.0, thickness * margin)
        x0, y0 = pts.min(axis=0)
        x1, y1 = pts.max(axis=0)
        xa, ya = max(0, int(x0 - pad)), max(0, int(y0 - pad))
        xb, yb = min(w, int(np.ceil(x1 + pad)) + 1), min(h, int(np.ceil(y1 + pad)) + 1)
        if xb - xa < 2 or yb - ya < 2:
            continue
        outside = np.full((yb - ya, xb - xa), 255, np.uint8)
        cv2.fillConvexPoly(outside, np.round(hull.reshape(-1, 2) - (xa, ya)).astype(np.int32), 0)
        # distance of every pixel to the hull: within ``pad`` of it is part of the grown polygon
        inside = cv2.distanceTransform(outside, cv2.DIST_L2, 3) <= pad
        if not inside.any():
            continue
        patch = out[ya:yb, xa:xb]
        cell = max(4, int(thickness + 2 * pad) // 3)
        small = cv2.resize(
            patch, (max(1, (xb - xa) // cell), max(1, (yb - ya) // cell)), interpolation=cv2.INTER_AREA
        )
        blocky = cv2.resize(small, (xb - xa, yb - ya), interpolation=cv2.INTER_NEAREST)
        k = max(3, (cell // 2) * 2 + 1)
        patch[inside] = cv2.GaussianBlur(blocky, (k, k), 0)[inside]
    return out


SOFT_SIDE = 40
"""Long side, in pixels, that a softened preview keeps: shapes, colours and glare stay visible,
printed characters do not."""


def soften(bgr: np.ndarray, side: int = SOFT_SIDE) -> np.ndarray:
    """The whole image made unreadable but recognisable, at its original size (for previews shown
    while masking is on, before the API has said where the personal data is)."""
    h, w = bgr.shape[:2]
    scale = min(1.0, side / max(h, w))
    small = cv2.resize(
        bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
    )
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
