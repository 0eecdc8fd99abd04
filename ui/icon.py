"""The app's favicon, drawn here: an ID card in the theme's red.

An emoji favicon is drawn with the browser's emoji font — an empty box where there is none (Debian's
Chromium); a ":material/…:" favicon is fetched from a Google CDN. A small image made in memory
is served by Streamlit itself, from this server, and looks the same everywhere.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

_SIZE = 64
_RED = (75, 75, 255, 255)  # BGRA of Streamlit's primary red
_WHITE = (255, 255, 255, 255)


@lru_cache(maxsize=1)
def app_icon() -> bytes:
    """A 64×64 PNG (``st.set_page_config`` takes bytes, not arrays): a rounded card with a photo
    and three text lines."""
    img = np.zeros((_SIZE, _SIZE, 4), np.uint8)
    top, bottom, left, right, r = 12, 52, 4, 60, 6
    cv2.rectangle(img, (left + r, top), (right - r, bottom), _RED, -1)
    cv2.rectangle(img, (left, top + r), (right, bottom - r), _RED, -1)
    for cx, cy in (
        (left + r, top + r),
        (right - r, top + r),
        (left + r, bottom - r),
        (right - r, bottom - r),
    ):
        cv2.circle(img, (cx, cy), r, _RED, -1, lineType=cv2.LINE_AA)
    cv2.circle(img, (19, 27), 6, _WHITE, -1, lineType=cv2.LINE_AA)  # head
    cv2.ellipse(img, (19, 44), (10, 7), 0, 180, 360, _WHITE, -1, lineType=cv2.LINE_AA)  # shoulders
    for y in (24, 32, 40):
        cv2.line(img, (34, y), (54 if y < 40 else 46, y), _WHITE, 3, lineType=cv2.LINE_AA)
    ok, png = cv2.imencode(".png", img)
    if not ok:  # pragma: no cover - encoding a fixed small array does not fail
        raise ValueError("cannot encode the favicon")
    return png.tobytes()
