"""Grey-level statistics of 8-bit images, counted from a histogram: NumPy's figures, exactly, for less.

Counting 256 levels is several times cheaper than NumPy's partial sort of every pixel, and a mask
spares copying the pixels it keeps."""

from __future__ import annotations

import math

import cv2
import numpy as np


def percentiles(gray: np.ndarray, ps: tuple[float, ...], mask: np.ndarray | None = None) -> tuple[float, ...]:
    """``np.percentile(gray[mask > 0], ps)`` (linear interpolation; all of ``gray`` without a mask), equal
    to it; from a histogram when ``gray`` is 8-bit (NaN where the mask keeps no pixel)."""
    if gray.dtype != np.uint8 or gray.size == 0:
        kept = gray if mask is None else gray[mask > 0]
        return tuple(float(v) for v in np.percentile(kept, ps))
    counts = cv2.calcHist([gray], [0], mask, [256], [0, 256]).ravel().astype(np.int64)
    below = np.cumsum(counts)  # below[v]: pixels at level v or darker
    n = int(below[-1])
    if n == 0:  # a mask that keeps nothing: no level, as np.median says
        return tuple(math.nan for _ in ps)
    out = []
    for p in ps:
        rank = p / 100 * (n - 1)
        k = math.floor(rank)
        a = float(np.searchsorted(below, k, side="right"))  # the k-th smallest value (0-based)
        b = float(np.searchsorted(below, min(k + 1, n - 1), side="right"))
        t = rank - k
        out.append(a + (b - a) * t if t < 0.5 else b - (b - a) * (1 - t))  # NumPy's own lerp
    return tuple(out)


def median(gray: np.ndarray, mask: np.ndarray | None = None) -> float:
    """``np.median(gray[mask > 0])`` (of all of ``gray`` without a mask), equal to it."""
    return percentiles(gray, (50,), mask)[0]
