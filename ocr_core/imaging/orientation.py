"""Does the text on an image read upright?

Tesseract's orientation and script detection (OSD, the ``osd`` model of the Debian package
``tesseract-ocr``) on a reduced copy: through libtesseract's C API in this process, the model loaded
once per kept handle (a card's check ~0.08 s of CPU, against ~0.24 s for a ``tesseract`` run, most
of it loading the model), or as a ``tesseract`` subprocess where the library will not load.

Used only to tell a vertical card design from a card turned on its side: OSD's answer is trusted
for "upright or not", never for the direction to turn (it mistakes MRZ-heavy passport pages for
upside down), so the user chooses the turn."""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import threading
from functools import lru_cache
from typing import Any

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
    h, w = bgr.shape[:2]
    scale = min(1.0, _MAX_SIDE / max(h, w))
    small = (
        bgr
        if scale == 1.0
        else cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    )
    osd = _osd_library()
    found = osd.detect(small) if osd is not None else _osd_command(small)
    if found is None or found[1] < _MIN_CONFIDENCE:
        return None
    return found[0] == 0


def _osd_command(small: np.ndarray) -> tuple[int, float] | None:
    """(degrees to rotate, confidence) from a ``tesseract --psm 0`` run, or None."""
    binary = _tesseract()
    if binary is None:
        return None
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
    if rotate is None or confidence is None:
        return None
    return int(rotate.group(1)), float(confidence.group(1))


_PSM_OSD_ONLY = 0
_DEFAULT_DPI = 70
"""What the command assumes for an image without a resolution (its "Invalid resolution 0 dpi")."""


class _OsdLibrary:
    """libtesseract's OSD through its C API (ctypes releases the GIL during the call).

    A handle serves one call at a time; calls in parallel (a QA run's check threads) take one each
    from a stack that grows to the most ever used at once. OpenMP is held to one thread, as the
    engine's Tesseract is: on two cores its extra threads only fight the rest."""

    def __init__(self, lib: Any, lept: Any) -> None:
        self._lib = lib
        self._lept = lept
        self._free: list[int] = []
        self._lock = threading.Lock()

    @classmethod
    def load(cls) -> _OsdLibrary | None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # read by libgomp when it loads
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("tesseract") or "libtesseract.so.5")
            lept = ctypes.CDLL(ctypes.util.find_library("lept") or "liblept.so.5")
        except OSError:
            return None
        p, c_int, c_float = ctypes.c_void_p, ctypes.c_int, ctypes.c_float
        # the image goes in as a Leptonica Pix that carries a resolution: given bare pixels (SetImage),
        # OSD prints "Invalid resolution 0 dpi" to stderr on every call, whatever resolution is set
        lept.pixReadMem.restype = p
        lept.pixReadMem.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
        lept.pixSetResolution.argtypes = [p, c_int, c_int]
        lept.pixDestroy.argtypes = [ctypes.POINTER(p)]
        lib.TessBaseAPICreate.restype = p
        lib.TessBaseAPICreate.argtypes = []
        lib.TessBaseAPIDelete.argtypes = [p]
        lib.TessBaseAPIInit3.argtypes = [p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPIInit3.restype = c_int
        lib.TessBaseAPISetPageSegMode.argtypes = [p, c_int]
        lib.TessBaseAPISetVariable.argtypes = [p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPISetVariable.restype = c_int
        lib.TessBaseAPISetImage2.argtypes = [p, p]
        lib.TessBaseAPIDetectOrientationScript.argtypes = [
            p,
            ctypes.POINTER(c_int),
            ctypes.POINTER(c_float),
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.POINTER(c_float),
        ]
        lib.TessBaseAPIDetectOrientationScript.restype = c_int
        lib.TessBaseAPIClear.argtypes = [p]
        out = cls(lib, lept)
        handle = out._new()
        if handle is None:  # no osd model
            return None
        out._free.append(handle)
        atexit.register(out.close)
        return out

    def _new(self) -> int | None:
        handle = self._lib.TessBaseAPICreate()
        if not handle or self._lib.TessBaseAPIInit3(handle, None, b"osd") != 0:
            if handle:
                self._lib.TessBaseAPIDelete(handle)
            return None
        self._lib.TessBaseAPISetPageSegMode(handle, _PSM_OSD_ONLY)
        # Tesseract's own messages ("Too few characters. Skipping this page" for a blurred card's OSD) go
        # to stderr, the studio's log, unless its debug_file says otherwise; /dev/null drops them
        self._lib.TessBaseAPISetVariable(handle, b"debug_file", b"/dev/null")
        return int(handle)

    def close(self) -> None:
        """Free the idle handles (at exit: the library reports models still held as leaks)."""
        with self._lock:
            handles, self._free = self._free, []
        for handle in handles:
            self._lib.TessBaseAPIDelete(handle)

    def detect(self, bgr: np.ndarray) -> tuple[int, float] | None:
        """(degrees to rotate, confidence), as the command's ``Rotate`` and ``Orientation confidence``."""
        with self._lock:
            handle = self._free.pop() if self._free else None
        if handle is None:
            handle = self._new()
            if handle is None:
                return None
        pix = ctypes.c_void_p()
        try:
            grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
            ok, bmp = cv2.imencode(".bmp", grey)
            data = bmp.tobytes() if ok else b""
            pix.value = self._lept.pixReadMem(data, len(data)) if data else None
            if not pix.value:
                return None
            self._lept.pixSetResolution(pix, _DEFAULT_DPI, _DEFAULT_DPI)
            self._lib.TessBaseAPISetImage2(handle, pix)
            degrees, confidence = ctypes.c_int(), ctypes.c_float()
            script, script_confidence = ctypes.c_char_p(), ctypes.c_float()
            found = self._lib.TessBaseAPIDetectOrientationScript(
                handle,
                ctypes.byref(degrees),
                ctypes.byref(confidence),
                ctypes.byref(script),
                ctypes.byref(script_confidence),
            )
            self._lib.TessBaseAPIClear(handle)
        finally:
            if pix.value:
                self._lept.pixDestroy(ctypes.byref(pix))
            with self._lock:
                self._free.append(handle)
        if not found:
            return None
        # the page's orientation, counter-clockwise; the command prints the turn that undoes it
        return (360 - degrees.value) % 360, float(confidence.value)


_OSD_LOCK = threading.Lock()
_OSD: list[_OsdLibrary | None] = []


def _osd_library() -> _OsdLibrary | None:
    """The in-process OSD, loaded once; None where libtesseract or its ``osd`` model is missing."""
    if not _OSD:
        with _OSD_LOCK:
            if not _OSD:
                try:
                    usable = _OsdLibrary.load()
                except (OSError, AttributeError):  # a library without the functions used here
                    usable = None
                _OSD.append(usable)
    return _OSD[0]
