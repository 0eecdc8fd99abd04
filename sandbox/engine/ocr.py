"""The OCR adapter: RapidOCR finds text lines and reads Latin/digits; Tesseract reads Hangul lines.

Everything above this module works with `TextLine` values in the coordinates of the image it was
given; nothing above it knows which library produced them. Models load once, lazily, under a lock.

RapidOCR (`rapidocr` 3.x) ships its ONNX models in the wheel, so nothing is downloaded. Its
recogniser is the Chinese/Latin one: it cannot read Hangul. For Hangul we crop RapidOCR's own line
boxes (with a margin) and pipe them all, as the pages of one in-memory TIFF, to a single `tesseract`
run (`-l kor`, one line per page): one process launch per document instead of one per line. `kor` alone,
not `kor+eng`: the mixed model turns Hangul beside hanja into Latin; Latin and digits come from
RapidOCR anyway. Without Tesseract or its Korean data the engine still works; Hangul fields then come
back empty with confidence 0 (`hangul_available` says which).
"""
from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

log = logging.getLogger("sandbox.engine")

DETECT_MAX_SIDE = 1280
"""Images are scaled down to this long side before detection (detector cost grows with area)."""
TESSERACT_TIMEOUT_S = 20.0
CROP_HEIGHTS = (40, 56)
"""Each Hangul line crop is read at these heights (pixels, margin included)."""


@dataclass(frozen=True)
class TextLine:
    """One detected line: its text, its 4 corners and how sure we are of it.

    `rec_score` is RapidOCR's recogniser probability; it saturates near 1.0 on any print it can
    read at all, so it hardly moves under blur, darkness or glare. `legibility` (0..1) measures the
    line's own pixels - edge sharpness, contrast, glyph height - and `score`, the confidence the
    engine reports, is `rec_score * legibility`.
    """

    text: str
    rec_score: float
    quad: np.ndarray  # (4, 2) float32, clockwise from top-left, image coordinates
    legibility: float = 1.0

    @property
    def score(self) -> float:
        return self.rec_score * self.legibility

    @property
    def x(self) -> float:
        return float(self.quad[:, 0].min())

    @property
    def y(self) -> float:
        return float(self.quad[:, 1].mean())

    @property
    def height(self) -> float:
        return float(np.linalg.norm(self.quad[3] - self.quad[0]) + np.linalg.norm(self.quad[2] - self.quad[1])) / 2

    @property
    def width(self) -> float:
        return float(np.linalg.norm(self.quad[1] - self.quad[0]) + np.linalg.norm(self.quad[2] - self.quad[3])) / 2


@dataclass(frozen=True)
class HangulText:
    """Tesseract's reading of one line crop: words with their confidences (0..1)."""

    words: tuple[tuple[str, float], ...] = ()

    @property
    def text(self) -> str:
        return " ".join(w for w, _ in self.words)

    @property
    def conf(self) -> float:
        return sum(c for _, c in self.words) / len(self.words) if self.words else 0.0


class RapidReader:
    """RapidOCR detection + recognition, keeping every detected box (even unreadable ones)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ocr = None

    def _engine(self):  # returns rapidocr.RapidOCR, imported lazily
        if self._ocr is None:
            from rapidocr import RapidOCR

            self._ocr = RapidOCR(params={
                "Global.log_level": "error",  # its "detection result is empty" warning is our None
                "Global.use_cls": False,  # orientation is handled per document (see cards.py)
                "Global.max_side_len": DETECT_MAX_SIDE,
                "Det.limit_type": "max",
                "Det.limit_side_len": DETECT_MAX_SIDE,
            })
        return self._ocr

    def detect(self, bgr: np.ndarray, max_side: int) -> list[np.ndarray]:
        """Text boxes only (no recognition), detected on `bgr` scaled to `max_side`: where the text is
        in a large photo, cheaply. Quads in `bgr`'s coordinates."""
        h, w = bgr.shape[:2]
        scale = min(1.0, max_side / max(h, w))
        small = cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) \
            if scale < 1.0 else bgr
        with self._lock:
            det = self._engine()._load_det_model()(small)
        if det.boxes is None:
            return []
        return [np.asarray(b, np.float32) / scale for b in det.boxes]

    def read(self, bgr: np.ndarray, max_side: int = DETECT_MAX_SIDE,
             measure: np.ndarray | None = None) -> list[TextLine]:
        """All text lines of `bgr`, in reading order (top to bottom, then left to right). Legibility is
        measured on `measure` when given (the image before deblurring: a sharpened copy must not earn
        the confidence of a sharp photo)."""
        from rapidocr.utils.process_img import map_boxes_to_original

        h, w = bgr.shape[:2]
        scale = min(1.0, max_side / max(h, w))
        small = cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA) \
            if scale < 1.0 else bgr
        with self._lock:
            engine = self._engine()
            img, op_record = engine.preprocess_img(small)
            det, _cls, rec, _crops = engine.run_ocr_steps(img, op_record)
        if det.boxes is None or rec.txts is None or len(det.boxes) == 0:
            return []
        sh, sw = small.shape[:2]
        boxes = map_boxes_to_original(det.boxes, op_record, sh, sw)
        source = bgr if measure is None else measure
        grey = cv2.cvtColor(source, cv2.COLOR_BGR2GRAY) if source.ndim == 3 else source
        lines = []
        for b, t, s in zip(boxes, rec.txts, rec.scores):
            quad = np.asarray(b, np.float32) / scale
            lines.append(TextLine(str(t).strip(), float(s), quad, legibility(grey, quad)))
        return sorted(lines, key=lambda ln: (ln.y, ln.x))


SHARP_EDGE = 0.9
"""Peak Sobel response per unit of contrast of crisp print (a Gaussian blur of 2 px gives ~0.4)."""
FULL_CONTRAST = 0.5
"""Ink-to-paper difference (fraction of 255) from which contrast no longer limits reading."""
FULL_HEIGHT = 40.0
"""Line box height in pixels from which glyph size no longer limits reading."""
SATURATED = 253
"""Grey level of a blown-out highlight."""
GLARE_BLOB = 0.25
"""Saturated areas wider than this fraction of the line height are glare, not white strokes."""
GLARE_WEIGHT = 2.0
"""Glare term = this x the share of the line under blown-out highlight (capped at 1)."""


def legibility(grey: np.ndarray, quad: np.ndarray) -> float:
    """0..1: sqrt(sharpness x contrast x size) x (1 - glare) of the line's pixels in the image as sent.

    Blur lowers the edge term; darkness, shadow and a washed-out stretch the contrast term (measured
    in windows one line-height wide, so glare over part of a line counts); a small image the size
    term; a blown-out highlight (saturated blobs wider than a stroke) the glare term.
    """
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    crop = grey[max(0, y0):max(0, y1), max(0, x0):max(0, x1)].astype(np.float32)
    if crop.shape[0] < 3 or crop.shape[1] < 3:
        return 0.0
    p5, p95 = np.percentile(crop, (5, 95))
    spread = float(p95 - p5)
    if spread < 1.0:
        return 0.0
    gx = cv2.Sobel(crop, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(crop, cv2.CV_32F, 0, 1)
    edge = float(np.percentile(np.hypot(gx, gy), 99)) / (4 * spread)  # a unit step gives 4 under Sobel
    windows = np.array_split(crop, max(1, round(crop.shape[1] / crop.shape[0])), axis=1)
    local = float(np.mean([np.percentile(w, 95) - np.percentile(w, 5) for w in windows]))
    height = float(np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    stroke = max(3, round(crop.shape[0] * GLARE_BLOB))
    blown = cv2.erode((crop >= SATURATED).astype(np.uint8), np.ones((stroke, stroke), np.uint8))
    sharp = min(1.0, edge / SHARP_EDGE)
    contrast = min(1.0, local / 255 / FULL_CONTRAST)
    size = min(1.0, height / FULL_HEIGHT)
    glare = min(1.0, float(blown.mean()) * GLARE_WEIGHT)
    return float(np.sqrt(sharp * contrast * size)) * (1.0 - glare)


def _tesseract_langs(binary: str) -> set[str]:
    try:
        out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return set()
    return {ln.strip() for ln in (out.stdout + out.stderr).splitlines()[1:] if ln.strip()}


class HangulReader:
    """Tesseract (`kor`) over line crops, one process launch per call.

    `enabled=False` gives the reader of a machine without Tesseract (for tests and comparisons).
    """

    def __init__(self, enabled: bool = True) -> None:
        self._checked = not enabled
        self._binary: str | None = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        with self._lock:
            if not self._checked:
                binary = shutil.which("tesseract")
                if binary and "kor" in _tesseract_langs(binary):
                    self._binary = binary
                else:
                    log.warning("Tesseract with Korean data not found: Hangul fields will be empty. "
                                "Install the Debian packages tesseract-ocr and tesseract-ocr-kor.")
                self._checked = True
        return self._binary is not None

    def read(self, bgr: np.ndarray, quads: list[np.ndarray]) -> list[HangulText]:
        """Tesseract's words for each quad of `bgr`; no words when unavailable or unread.

        Each crop is rendered at a couple of scales, all as the pages of one multi-page TIFF piped
        to one Tesseract run (page-segmentation mode 7 = one line per page); per crop the most
        confident non-empty reading wins (Tesseract's LSTM is sensitive to glyph size on short
        words). Nothing touches the disk: the crops hold personal data.
        """
        if not quads:
            return []
        binary = self._binary if self.available else None
        if binary is None:
            return [HangulText()] * len(quads)
        pages_in = [Image.fromarray(_prepare(_crop_line(bgr, q), height)) for q in quads for height in CROP_HEIGHTS]
        tiff = io.BytesIO()
        pages_in[0].save(tiff, "TIFF", save_all=True, append_images=pages_in[1:], compression="tiff_deflate")
        try:
            proc = subprocess.run(
                [binary, "stdin", "stdout", "-l", "kor", "--psm", "7", "tsv"],
                input=tiff.getvalue(), capture_output=True, timeout=TESSERACT_TIMEOUT_S, check=False,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # its OpenMP threads only fight on 2 cores
            )
        except (OSError, subprocess.SubprocessError) as err:
            log.warning("tesseract failed: %s", err)
            return [HangulText()] * len(quads)
        pages = _pages(proc.stdout.decode("utf-8", "replace"))
        out = []
        for i in range(len(quads)):
            options = [pages.get(i * len(CROP_HEIGHTS) + k + 1, HangulText()) for k in range(len(CROP_HEIGHTS))]
            out.append(max(options, key=lambda h: (bool(h.words), h.conf)))
        return out


def _crop_line(bgr: np.ndarray, quad: np.ndarray, margin: float = 0.18) -> np.ndarray:
    """The line's quad, rectified, with a margin proportional to its height."""
    q = quad.astype(np.float32)
    width = max(int(np.linalg.norm(q[1] - q[0])), 1)
    height = max(int(np.linalg.norm(q[3] - q[0])), 1)
    pad = margin * height
    dst = np.array([[pad, pad], [pad + width, pad], [pad + width, pad + height], [pad, pad + height]], np.float32)
    m = cv2.getPerspectiveTransform(q, dst)
    return cv2.warpPerspective(bgr, m, (int(width + 2 * pad), int(height + 2 * pad)),
                               flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def _prepare(crop: np.ndarray, height: int) -> np.ndarray:
    """Grey, scaled to `height`, stretched to full contrast, dark text on light, white border."""
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    scale = height / grey.shape[0]
    grey = cv2.resize(grey, (max(1, round(grey.shape[1] * scale)), height),
                      interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)
    grey = cv2.normalize(grey, np.empty_like(grey), 0, 255, cv2.NORM_MINMAX)
    if grey.mean() < 127:  # light text on a dark card
        grey = 255 - grey
    return cv2.copyMakeBorder(_erase_rules(grey), 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)


def _erase_rules(grey: np.ndarray) -> np.ndarray:
    """Paint over frame lines (a box drawn around a field) that Tesseract would read as glyphs."""
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    h, w = grey.shape
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(w * 0.6)), 1)))
    rules = cv2.bitwise_or(rules, cv2.morphologyEx(ink, cv2.MORPH_OPEN,
                                                   cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(h * 0.8))))))
    if not rules.any():
        return grey
    out = grey.copy()
    out[cv2.dilate(rules, np.ones((3, 3), np.uint8)) > 0] = 255
    return out


def _pages(tsv: str) -> dict[int, HangulText]:
    """Tesseract TSV (level 5 = word rows) -> words per page number, left to right."""
    words: dict[int, list[tuple[int, int, int, str, float]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        page, block, line, left = int(cols[1]), int(cols[2]), int(cols[4]), int(cols[6])
        words.setdefault(page, []).append((block, line, left, cols[11].strip(), max(0.0, float(cols[10])) / 100.0))
    return {p: HangulText(tuple((w, c) for *_, w, c in sorted(ws))) for p, ws in words.items()}
