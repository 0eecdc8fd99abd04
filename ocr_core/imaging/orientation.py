"""Does the text on an image read upright?

Tesseract's orientation and script detection (OSD, the ``osd`` model of the Debian package
``tesseract-ocr``), run as a subprocess on a reduced copy.

Used only to tell a vertical card design from a card turned on its side: OSD's answer is trusted
for "upright or not", never for the direction to turn (it mistakes MRZ-heavy passport pages for
upside down), so the user chooses the turn."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import lru_cache

import cv2
import numpy as np

_MAX_SIDE = 1200
_TIMEOUT_S = 10.0
_MIN_CONFIDENCE = 0.3


@lru_cache(maxsize=1)
def _tesseract() -> str | None:
    return shutil.which("tesseract")


def text_upright(bgr: np.ndarray) -> bool | None:
    """Whether Tesseract's OSD finds the text upright (None when it cannot tell).

    True when OSD finds the text upright, False when it finds it turned, None when it cannot tell
    (no Tesseract, too little text, low confidence)."""
    binary = _tesseract()
    if binary is None:
        return None
    h, w = bgr.shape[:2]
    scale = min(1.0, _MAX_SIDE / max(h, w))
    small = (
        bgr
        if scale == 1.0
        else cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    )
    ok, png = cv2.imencode(".png", small)
    if not ok:
        return None
    try:
        done = subprocess.run(
            [binary, "stdin", "stdout", "--psm", "0"],
            input=png.tobytes(),
            capture_output=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    out = done.stdout.decode(errors="replace")
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if rotate is None or confidence is None or float(confidence.group(1)) < _MIN_CONFIDENCE:
        return None
    return int(rotate.group(1)) == 0
