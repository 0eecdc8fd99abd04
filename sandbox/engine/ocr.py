"""The OCR adapter: RapidOCR finds text lines and reads Latin/digits; Tesseract reads Hangul lines.

Everything above this module works with `TextLine` values in the coordinates of the image it was
given; nothing above it knows which library produced them. Models load once, lazily, under a lock.

RapidOCR (`rapidocr` 3.x) ships its ONNX models in the wheel, so nothing is downloaded. Its
recogniser is the Chinese/Latin one: it cannot read Hangul. For Hangul we crop RapidOCR's own line
boxes (with a margin) and read them with Tesseract (`-l kor`, one line per image) in this process
through libtesseract's C API (`_TessLib`: the model loads once per kept handle), starting on each
recognition batch's lines while RapidOCR reads the next (`EarlyHangul`); where the library will not
load, as the pages of one in-memory TIFF piped to a `tesseract` run. `kor` alone,
not `kor+eng`: the mixed model turns Hangul beside hanja into Latin; Latin and digits come from
RapidOCR anyway. Without Tesseract or its Korean data the engine still works; Hangul fields then come
back empty with confidence 0 (`hangul_available` says which).
"""

from __future__ import annotations

import atexit
import io
import logging
import math
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Self

import cv2
import numpy as np
from PIL import Image

log = logging.getLogger("sandbox.engine")

# The engine's two switches, for comparisons (docs/sandbox.md); the server's settings are sandbox.config's.
ENV_REC_THREADS = "SANDBOX_REC_THREADS"
"""Recognition batches read at once (default 2; 1: one at a time, as before)."""
ENV_TESSERACT_CLI = "SANDBOX_TESSERACT_CLI"
"""``1``: Hangul through the ``tesseract`` command instead of libtesseract in the process."""

READ_MAX_SIDE = 1280
"""Default working size: images are scaled down to this long side before their lines are read."""
TESSERACT_TIMEOUT_S = 20.0
TESSERACT_JOBS = 2
"""Concurrent Tesseract runs per document (each reads with one thread; the machine has two cores)."""
CROP_HEIGHTS = (40, 56)
"""Each Hangul line crop is read at these heights (pixels, margin included)."""
THIRD_HEIGHT = 48
"""A line the official lists would change is read once more at this height (`idcards.Line.more`)."""


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
        return (
            float(np.linalg.norm(self.quad[3] - self.quad[0]) + np.linalg.norm(self.quad[2] - self.quad[1]))
            / 2
        )

    @property
    def width(self) -> float:
        return (
            float(np.linalg.norm(self.quad[1] - self.quad[0]) + np.linalg.norm(self.quad[2] - self.quad[3]))
            / 2
        )


@dataclass(frozen=True)
class HangulText:
    """Tesseract's reading of one line crop: words with their confidences (0..1)."""

    words: tuple[tuple[str, float], ...] = ()
    others: tuple[str, ...] = ()
    """What the crop's readings at the other glyph heights said (calibrated confidence)."""
    other_words: tuple[tuple[tuple[str, float], ...], ...] = ()
    """Those readings' words with their confidences, as `words`."""

    def agrees(self, value: str) -> bool:
        """Every other reading of the line also holds `value` (spaces ignored)."""
        compact = value.replace(" ", "")
        return all(compact in o.replace(" ", "") for o in self.others)

    @property
    def text(self) -> str:
        return " ".join(w for w, _ in self.words)

    @property
    def conf(self) -> float:
        return sum(c for _, c in self.words) / len(self.words) if self.words else 0.0


MODELS = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")
"""RapidOCR 3.x's default detector and recogniser, shipped inside its wheel."""


REC_THREADS = int(os.environ.get(ENV_REC_THREADS, "2"))
"""Recognition batches read at once, each inference on one thread: independent batches side by side
use two cores better than one batch's operators split between two threads."""


def _session(model: Path, threads: int = 0) -> Any:  # an onnxruntime.InferenceSession (no types)
    """An ONNX Runtime session whose idle worker threads sleep instead of spinning.

    On a shared two-core machine (the sandbox's 20 clients, a QA run beside it) spinning threads burn
    the cycles the other reads need; on a quiet one the wake-up costs microseconds per operator."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # ONNX Runtime's own arena keeps the buffers of one inference for the next, where RapidOCR returns
    # them to malloc after each: 10-15 % less CPU per read (bench_recognition --speed), and under the
    # 20-client load a flat 709 MiB instead of glibc's fragmented 800-935 MiB (bench_sandbox_load).
    options.enable_cpu_mem_arena = True
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = threads  # 0: ONNX Runtime's default, one per core
    return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


class RapidReader:
    """RapidOCR detection + recognition, keeping every detected box (even unreadable ones).

    Detection and recognition work at different resolutions: the detector's cost grows with the image's
    area and it finds a line of print at a fraction of the size the recogniser needs, so it runs on a
    small copy (`det_side`) while the recogniser reads crops cut from the image at its working size
    (`max_side`). Only RapidOCR's models and their pre/post-processing are used, not its pipeline, so
    no image is scaled twice and the detector's input is normalised in float32 (its own
    pre-processing goes through float64).

    Reads may run in several threads at once: ONNX Runtime's `run` is thread-safe and RapidOCR's
    pre/post-processing keeps no state between calls, so only loading the models takes the lock. The
    sandbox reads on a pool as large as the machine's cores (`sandbox.backend`): while one read waits
    for Tesseract or runs its Python steps, another's inference uses the core it leaves idle.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: tuple[Any, Any] | None = None

    def _load(self) -> tuple[Any, Any]:  # (TextDetector, TextRecognizer), imported lazily
        if self._models is not None:
            return self._models
        with self._lock:  # loaded once; inference itself needs no lock (see `read`)
            if self._models is not None:
                return self._models
            import rapidocr
            from rapidocr import RapidOCR

            det_path, rec_path = (Path(rapidocr.__file__).parent / "models" / name for name in MODELS)
            ocr = RapidOCR(
                params={
                    "Global.log_level": "error",
                    "Global.use_cls": False,  # orientation is handled per document (see recognizer.py)
                    "Det.model_path": str(det_path),
                    "Rec.model_path": str(rec_path),
                }
            )
            detector, recognizer = ocr._load_det_model(), ocr._load_rec_model()
            detector.session.session = _session(det_path)
            recognizer.session.session = _session(rec_path, threads=1 if REC_THREADS > 1 else 0)
            self._models = (detector, recognizer)
            return self._models

    def _detect(self, bgr: np.ndarray, side: int) -> np.ndarray:
        """Text quads detected in `bgr`.

        Text quads (N, 4, 2) in `bgr`'s coordinates, detected on a copy at most `side` long (each
        side a multiple of 32, as the network requires)."""
        detector, _ = self._load()
        h, w = bgr.shape[:2]
        scale = min(1.0, side / max(h, w))
        scaled = (round(h * scale), round(w * scale))
        size = (max(32, round(scaled[1] / 32) * 32), max(32, round(scaled[0] / 32) * 32))
        small = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA if scale < 1.0 else cv2.INTER_LINEAR)
        blob = np.ascontiguousarray(
            (small.astype(np.float32) * np.float32(1 / 127.5) - 1).transpose(2, 0, 1)[None]
        )
        # boxes in whole pixels of the scaled copy, then scaled back (as RapidOCR's own pipeline has them)
        boxes, _scores = detector.postprocess_op(detector.session(blob), scaled)
        if len(boxes) == 0:
            return np.zeros((0, 4, 2), np.float32)
        return detector.sorted_boxes(np.asarray(boxes, np.float32) / np.float32(scale))

    def detect(self, bgr: np.ndarray, max_side: int) -> list[np.ndarray]:
        """Text boxes only (no recognition), detected cheaply.

        Text boxes only (no recognition), detected on `bgr` scaled to `max_side`: where the text is
        in a large photo, cheaply. Quads in `bgr`'s coordinates."""
        return list(self._detect(bgr, max_side))

    def read(
        self,
        bgr: np.ndarray,
        max_side: int = READ_MAX_SIDE,
        det_side: int | None = None,
        measure: np.ndarray | None = None,
        on_lines: Callable[[list[TextLine]], None] | None = None,
    ) -> list[TextLine]:
        """All text lines of `bgr`, in reading order.

        All text lines of `bgr`, in reading order (top to bottom, then left to right): detected on a
        copy `det_side` long, read from crops of `bgr` scaled to `max_side`. Legibility is measured on
        `measure` when given (the image before deblurring: a sharpened copy must not earn the
        confidence of a sharp photo). `on_lines` is called with each recognition batch's lines as soon
        as they are read (in no particular order)."""
        from rapidocr.ch_ppocr_rec.typings import TextRecInput
        from rapidocr.utils.process_img import get_rotate_crop_image

        h, w = bgr.shape[:2]
        scale = min(1.0, max_side / max(h, w))
        working = (
            cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
            if scale < 1.0
            else bgr
        )
        quads = self._detect(bgr, min(det_side or max_side, max_side))
        if len(quads) == 0:
            return []
        crops = [get_rotate_crop_image(working, q * np.float32(scale)) for q in quads]
        recognizer = self._load()[1]
        source = bgr if measure is None else measure
        grey = cv2.cvtColor(source, cv2.COLOR_BGR2GRAY) if source.ndim == 3 else source
        lines: list[TextLine] = []

        def recognise(group: list[int]) -> list[TextLine]:
            rec = recognizer(TextRecInput(img=[crops[i] for i in group]))
            return [
                TextLine(str(t).strip(), float(s), quads[i], legibility(grey, quads[i]))
                for i, t, s in zip(group, rec.txts, rec.scores, strict=True)
            ]

        groups = rec_batches(crops)
        if on_lines is not None:
            # widest first: the widest lines are the longest to recognise and the longest for Tesseract
            # after them; sent last, the widest batch trailed alone on one core while the other sat
            # idle (a licence: 0.36 s), then Tesseract read its lines alone (0.12 s)
            groups.reverse()
        if REC_THREADS <= 1 or len(groups) == 1:
            done: Iterable[list[TextLine]] = map(recognise, groups)
            pool = None
        else:  # batches side by side, each inference on one thread (`_session`'s rec_threads)
            pool = ThreadPoolExecutor(REC_THREADS, thread_name_prefix="rec")
            done = (f.result() for f in as_completed([pool.submit(recognise, g) for g in groups]))
        try:
            for batch in done:
                if on_lines is not None:
                    on_lines(batch)  # e.g. Tesseract starts on this batch's Hangul while the next is read
                lines.extend(batch)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        return sorted(lines, key=lambda ln: (ln.y, ln.x))


REC_HEIGHT = 48
"""Height (px) the recogniser reads every crop at; a batch is padded to its widest crop, and to at
least `REC_MIN_WIDTH`."""
REC_MIN_WIDTH = 160
REC_BATCH = 6
REC_SLACK = 1.25
"""A batch holds crops whose padded widths are within this factor of its narrowest."""


def rec_batches(crops: list[np.ndarray]) -> list[list[int]]:
    """Indices of `crops` in recognition batches: by width, at most `REC_BATCH` each, and a new batch
    where a crop would pad the others by more than `REC_SLACK`. The recogniser's cost grows with the
    padded width of every crop in a batch (about 0.05 s of CPU per 320 px), and RapidOCR's fixed batches
    of six padded an ID's short lines to its long ones: 15-28 % of the work was padding."""
    widths = [max(REC_MIN_WIDTH, math.ceil(REC_HEIGHT * c.shape[1] / max(1, c.shape[0]))) for c in crops]
    batches: list[list[int]] = []
    for i in sorted(range(len(crops)), key=lambda k: widths[k]):
        if not batches or len(batches[-1]) == REC_BATCH or widths[i] > REC_SLACK * widths[batches[-1][0]]:
            batches.append([])
        batches[-1].append(i)
    return batches


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
    crop = grey[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)].astype(np.float32)
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
        out = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=10, check=False
        )
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
                    log.warning(
                        "Tesseract with Korean data not found: Hangul fields will be empty. "
                        "Install the Debian packages tesseract-ocr and tesseract-ocr-kor."
                    )
                self._checked = True
        return self._binary is not None

    def read(
        self, bgr: np.ndarray, quads: list[np.ndarray], heights: tuple[int, ...] = CROP_HEIGHTS
    ) -> list[HangulText]:
        """Tesseract's words for each quad of `bgr`; no words when unavailable or unread.

        Each crop is rendered at `heights` (page-segmentation mode 7 = one line per image); per crop
        the most confident non-empty reading wins (Tesseract's LSTM is sensitive to glyph size on short
        words), the others kept (`HangulText.others`). The crops are shared between `TESSERACT_JOBS`
        concurrent passes (Tesseract reads with one thread: two use both cores), in this process
        (`_TessLib`) or, failing that, as `tesseract` runs over in-memory TIFFs. Nothing touches the
        disk: the crops hold personal data.
        """
        if not quads:
            return []
        binary = self._binary if self.available else None
        if binary is None:
            return [HangulText()] * len(quads)
        crops = [[_prepare(_crop_line(bgr, q), height) for height in heights] for q in quads]
        jobs = min(TESSERACT_JOBS, len(crops))
        shares = [list(range(k, len(crops), jobs)) for k in range(jobs)]  # crop indices of each run

        def run_share(share: list[int]) -> dict[int, HangulText]:
            return self._run(binary, [page for i in share for page in crops[i]])

        if jobs == 1:  # no thread for a single run
            pages = [run_share(shares[0])]
        else:
            with ThreadPoolExecutor(jobs) as pool:
                pages = list(pool.map(run_share, shares))
        out: list[HangulText] = [HangulText()] * len(quads)
        for share, read in zip(shares, pages, strict=True):
            for n, i in enumerate(share):
                options = [read.get(n * len(heights) + k + 1, HangulText()) for k in range(len(heights))]
                best = max(options, key=lambda h: (bool(h.words), h.conf))
                rest = [o for o in options if o is not best]
                out[i] = replace(
                    best, others=tuple(o.text for o in rest), other_words=tuple(o.words for o in rest)
                )
        return out

    def _run(self, binary: str, images: list[np.ndarray]) -> dict[int, HangulText]:
        """One Tesseract pass over `images`: words per page number (1-based).

        In this process through libtesseract's C API when it loads (`_TessLib`: the Korean model is
        read once per handle, not once per call), else one `tesseract` run over the images as the pages
        of one in-memory TIFF."""
        lib = _tess_lib()
        if lib is not None:
            return lib.read_pages(images)
        return self._run_cli(binary, images)

    @staticmethod
    def _run_cli(binary: str, images: list[np.ndarray]) -> dict[int, HangulText]:
        """One Tesseract run over `images` as the pages of one in-memory TIFF: words per page number."""
        pages_in = [Image.fromarray(img) for img in images]
        tiff = io.BytesIO()
        pages_in[0].save(tiff, "TIFF", save_all=True, append_images=pages_in[1:], compression="tiff_deflate")
        try:
            proc = subprocess.run(
                [binary, "stdin", "stdout", "-l", "kor", "--psm", "7", "tsv"],
                input=tiff.getvalue(),
                capture_output=True,
                timeout=TESSERACT_TIMEOUT_S,
                check=False,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # its OpenMP threads only fight each other
            )
        except (OSError, subprocess.SubprocessError) as err:
            log.warning("tesseract failed: %s", err)
            return {}
        return _pages(proc.stdout.decode("utf-8", "replace"))

    def early(
        self, image: np.ndarray, quads_of: Callable[[TextLine], list[np.ndarray]]
    ) -> EarlyHangul | None:
        """A reader that starts on lines of `image` as they are recognised (`EarlyHangul`); None where
        Tesseract is not in this process (one launch per line would cost more than it saves)."""
        if not self.available or _tess_lib() is None:
            return None
        return EarlyHangul(self, image, quads_of)


class EarlyHangul:
    """Tesseract reading a document's Hangul lines while RapidOCR still recognises its other lines.

    Which lines Tesseract must read is known line by line, from RapidOCR's reading of each
    (`quads_of`); RapidOCR recognises in batches, so each batch's Hangul lines are handed to
    `TESSERACT_JOBS` threads at once (`add`, from `RapidReader.read`'s `on_lines`) instead of waiting
    for the last batch: the two halves of the read overlap on the two cores. `read` has
    `HangulReader.read`'s contract and gives the same words (each line is read alone, as it was within
    a run: Tesseract's line recogniser keeps no state between lines); lines not started early are read
    then. Use as a context manager (the threads end with it)."""

    def __init__(
        self, reader: HangulReader, image: np.ndarray, quads_of: Callable[[TextLine], list[np.ndarray]]
    ) -> None:
        self.reader, self.image, self.quads_of = reader, image, quads_of
        self._pool = ThreadPoolExecutor(TESSERACT_JOBS, thread_name_prefix="hangul")
        self._started: dict[bytes, Future[HangulText]] = {}

    @property
    def available(self) -> bool:
        return self.reader.available

    def add(self, lines: list[TextLine]) -> None:
        for line in lines:
            for quad in self.quads_of(line):
                key = np.asarray(quad, np.float32).tobytes()
                if key not in self._started:
                    self._started[key] = self._pool.submit(self._one, quad)

    def _one(self, quad: np.ndarray) -> HangulText:
        return self.reader.read(self.image, [quad])[0]

    def read(
        self, bgr: np.ndarray, quads: list[np.ndarray], heights: tuple[int, ...] = CROP_HEIGHTS
    ) -> list[HangulText]:
        if bgr is not self.image or heights != CROP_HEIGHTS:
            return self.reader.read(bgr, quads, heights)
        keys = [np.asarray(q, np.float32).tobytes() for q in quads]
        late = [q for q, k in zip(quads, keys, strict=True) if k not in self._started]
        rest = iter(self.reader.read(bgr, late) if late else [])
        return [self._started[k].result() if k in self._started else next(rest) for k in keys]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


PSM_SINGLE_LINE = 7


class _TessLib:
    """libtesseract's C API in this process (ctypes; the library the `tesseract` command itself uses).

    A `tesseract` launch costs ~0.08 s of CPU before it reads a line (the process, the Korean model
    read from disk), twice per ID: a third of the Hangul pass. Here each handle loads the model once
    and is kept; a handle serves one call at a time, so calls in parallel (`TESSERACT_JOBS`, the
    sandbox's engine workers) take one each from a stack that grows to the most ever used at once
    (four on two cores: ~30 MiB each). ctypes releases the GIL during the calls. The same settings as
    the command (`-l kor --psm 7`, 70 dpi for images without a resolution, OpenMP on one thread) give
    the same words and confidences."""

    def __init__(self, lib: Any, gomp: Any) -> None:
        self._lib = lib
        self._gomp = gomp
        self._free: list[int] = []
        self._lock = threading.Lock()

    @classmethod
    def load(cls) -> _TessLib | None:
        import ctypes
        import ctypes.util

        # Tesseract's LSTM asks OpenMP for several threads (num_threads clauses that only a thread
        # limit caps); on two cores beside ONNX Runtime they only fight each other (the command was run
        # with OMP_THREAD_LIMIT=1 for that reason). libgomp reads the limit when it loads: nothing else in
        # the engine's process uses it (ONNX Runtime and OpenCV bring their own thread pools).
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("tesseract") or "libtesseract.so.5")
        except OSError:
            return None
        try:
            gomp = ctypes.CDLL(ctypes.util.find_library("gomp") or "libgomp.so.1")
        except OSError:
            gomp = None
        p, c_int, c_char_p = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
        lib.TessBaseAPICreate.restype = p
        lib.TessBaseAPICreate.argtypes = []
        lib.TessBaseAPIDelete.argtypes = [p]
        lib.TessBaseAPIInit3.argtypes = [p, c_char_p, c_char_p]
        lib.TessBaseAPIInit3.restype = c_int
        lib.TessBaseAPISetPageSegMode.argtypes = [p, c_int]
        lib.TessBaseAPISetVariable.argtypes = [p, c_char_p, c_char_p]
        lib.TessBaseAPISetImage.argtypes = [p, c_char_p, c_int, c_int, c_int, c_int]
        lib.TessBaseAPISetSourceResolution.argtypes = [p, c_int]
        lib.TessBaseAPIRecognize.argtypes = [p, p]
        lib.TessBaseAPIRecognize.restype = c_int
        lib.TessBaseAPIGetTsvText.argtypes = [p, c_int]
        lib.TessBaseAPIGetTsvText.restype = p  # freed with TessDeleteText
        lib.TessDeleteText.argtypes = [p]
        lib.TessBaseAPIClear.argtypes = [p]
        out = cls(lib, gomp)
        handle = out._new()
        if handle is None:
            return None
        out._free.append(handle)
        atexit.register(out.close)
        return out

    def close(self) -> None:
        """Free the idle handles (at exit: the library reports models still held as leaks)."""
        with self._lock:
            handles, self._free = self._free, []
        for handle in handles:
            self._lib.TessBaseAPIDelete(handle)

    def _new(self) -> int | None:
        handle = self._lib.TessBaseAPICreate()
        if not handle or self._lib.TessBaseAPIInit3(handle, None, b"kor") != 0:
            if handle:
                self._lib.TessBaseAPIDelete(handle)
            return None
        self._lib.TessBaseAPISetPageSegMode(handle, PSM_SINGLE_LINE)
        return int(handle)

    def read_pages(self, images: list[np.ndarray]) -> dict[int, HangulText]:
        """Words per image, numbered from 1 like the pages of the command's TIFF."""
        import ctypes

        with self._lock:
            handle = self._free.pop() if self._free else None
        if handle is None:
            handle = self._new()
            if handle is None:
                return {}
        try:
            if self._gomp is not None:
                self._gomp.omp_set_num_threads(1)  # this thread's parallel regions: one thread
            out: dict[int, HangulText] = {}
            for number, img in enumerate(images, start=1):
                grey = np.ascontiguousarray(img, np.uint8)
                h, w = grey.shape[:2]
                self._lib.TessBaseAPISetImage(handle, grey.ctypes.data_as(ctypes.c_char_p), w, h, 1, w)
                self._lib.TessBaseAPISetSourceResolution(handle, 70)
                if self._lib.TessBaseAPIRecognize(handle, None) != 0:
                    continue
                tsv = self._lib.TessBaseAPIGetTsvText(handle, number - 1)
                if tsv:
                    try:
                        text = ctypes.string_at(tsv).decode("utf-8", "replace")
                    finally:
                        self._lib.TessDeleteText(tsv)
                    out.update(_pages("header\n" + text))
            self._lib.TessBaseAPIClear(handle)
            return out
        finally:
            with self._lock:
                self._free.append(handle)


_TESS_LIB: _TessLib | None = None
_TESS_LIB_TRIED = False
_TESS_LIB_LOCK = threading.Lock()


def _tess_lib() -> _TessLib | None:
    """The in-process Tesseract, loaded once; None where the library is missing or will not load
    (`SANDBOX_TESSERACT_CLI=1` forces the command, for comparisons)."""
    global _TESS_LIB, _TESS_LIB_TRIED
    if _TESS_LIB_TRIED:
        return _TESS_LIB
    with _TESS_LIB_LOCK:
        if not _TESS_LIB_TRIED:
            if os.environ.get(ENV_TESSERACT_CLI) != "1":
                try:
                    _TESS_LIB = _TessLib.load()
                except (OSError, AttributeError) as err:
                    log.warning("libtesseract not usable (%s): using the tesseract command", err)
            _TESS_LIB_TRIED = True
    return _TESS_LIB


def _crop_line(bgr: np.ndarray, quad: np.ndarray, margin: float = 0.18) -> np.ndarray:
    """The line's quad, rectified, with a margin proportional to its height."""
    q = quad.astype(np.float32)
    width = max(int(np.linalg.norm(q[1] - q[0])), 1)
    height = max(int(np.linalg.norm(q[3] - q[0])), 1)
    pad = margin * height
    dst = np.array(
        [[pad, pad], [pad + width, pad], [pad + width, pad + height], [pad, pad + height]], np.float32
    )
    m = cv2.getPerspectiveTransform(q, dst)
    return cv2.warpPerspective(
        bgr,
        m,
        (int(width + 2 * pad), int(height + 2 * pad)),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_REPLICATE,
    )


def _prepare(crop: np.ndarray, height: int) -> np.ndarray:
    """Grey, scaled to `height`, stretched to full contrast, dark text on light, white border."""
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    scale = height / grey.shape[0]
    grey = cv2.resize(
        grey,
        (max(1, round(grey.shape[1] * scale)), height),
        interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA,
    )
    grey = cv2.normalize(grey, np.empty_like(grey), 0, 255, cv2.NORM_MINMAX)
    if grey.mean() < 127:  # light text on a dark card
        grey = 255 - grey
    return cv2.copyMakeBorder(_erase_rules(grey), 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)


def _erase_rules(grey: np.ndarray) -> np.ndarray:
    """Paint over frame lines (a box drawn around a field) that Tesseract would read as glyphs."""
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    h, w = grey.shape
    rules = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(w * 0.6)), 1))
    )
    rules = cv2.bitwise_or(
        rules,
        cv2.morphologyEx(
            ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, int(h * 0.8))))
        ),
    )
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
        words.setdefault(page, []).append(
            (block, line, left, cols[11].strip(), max(0.0, float(cols[10])) / 100.0)
        )
    return {p: HangulText(tuple((w, c) for *_, w, c in sorted(ws))) for p, ws in words.items()}
