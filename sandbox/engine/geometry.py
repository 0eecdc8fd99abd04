"""Box arithmetic shared by the parsers: quads as API boxes, sub-spans of a line, undoing rotations."""

from __future__ import annotations

import numpy as np

from sandbox.engine.types import Quad

EMPTY_QUAD: Quad = ((0, 0), (0, 0), (0, 0), (0, 0))


def to_quad(points: np.ndarray) -> Quad:
    """Four float corners -> the engine's integer Quad, clockwise from top-left."""
    p = np.asarray(points, np.float64).reshape(4, 2)
    centre = p.mean(axis=0)
    angles = np.arctan2(p[:, 1] - centre[1], p[:, 0] - centre[0])
    p = p[np.argsort(angles)]  # clockwise in image coordinates (y down), starting anywhere
    start = int(np.argmin(p[:, 0] + p[:, 1]))  # top-left: smallest x + y
    p = np.roll(p, -start, axis=0)
    return tuple((round(float(x)), round(float(y))) for x, y in p)  # type: ignore[return-value]


def span(quad: np.ndarray, start: float, end: float) -> np.ndarray:
    """The part of a line quad between fractions `start` and `end` of its length (0..1)."""
    q = np.asarray(quad, np.float32)
    top = q[0] + (q[1] - q[0]) * np.array([[start], [end]], np.float32)
    bottom = q[3] + (q[2] - q[3]) * np.array([[start], [end]], np.float32)
    return np.array([top[0], top[1], bottom[1], bottom[0]], np.float32)


def char_span(quad: np.ndarray, text: str, start: int, end: int) -> np.ndarray:
    """The quad of characters text[start:end], assuming evenly spaced glyphs (true of card fonts)."""
    n = max(len(text), 1)
    return span(quad, start / n, end / n)


def union(quads: list[np.ndarray]) -> np.ndarray:
    """The quad spanning several quads of one line (first's left edge to last's right edge)."""
    first, last = np.asarray(quads[0], np.float32), np.asarray(quads[-1], np.float32)
    return np.array([first[0], last[1], last[2], first[3]], np.float32)


def rotate_image(bgr: np.ndarray, quarter_turns: int) -> np.ndarray:
    """Rotate clockwise by 90 degrees `quarter_turns` times."""
    k = quarter_turns % 4
    return np.ascontiguousarray(np.rot90(bgr, -k)) if k else bgr


def unrotate_points(points: np.ndarray, quarter_turns: int, original_shape: tuple[int, ...]) -> np.ndarray:
    """Map points found in `rotate_image(img, quarter_turns)` back to `img`'s coordinates."""
    h, w = original_shape[:2]
    p = np.asarray(points, np.float32).copy()
    k = quarter_turns % 4
    x, y = p[..., 0].copy(), p[..., 1].copy()
    if k == 1:  # rotated image is h wide: (xr, yr) = (h - 1 - y, x)  =>  x = yr, y = h - 1 - xr
        p[..., 0], p[..., 1] = y, h - 1 - x
    elif k == 2:
        p[..., 0], p[..., 1] = w - 1 - x, h - 1 - y
    elif k == 3:  # (xr, yr) = (y, w - 1 - x)  =>  x = w - 1 - yr, y = xr
        p[..., 0], p[..., 1] = w - 1 - y, x
    return p
