"""Make a photo into what the API reads best: the card alone, flat, level, at the recommended size.

Re-encoding from pixels is also a sanitiser: the output carries no EXIF (OpenCV writes none) and
nothing that was appended after the original's end marker.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Literal, Self

import cv2
import numpy as np

from ocr_core.imaging.geometry import (
    ID1_ASPECT,
    card_geometry,
    downscale,
    estimate_skew,
    find_card_quad,
    looks_like_document,
    order_quad,
    rotate_image,
    warp_card,
)
from ocr_core.imaging.loading import LoadedImage

__all__ = ["PreprocessOptions", "PreprocessResult", "PreprocessStep", "preprocess"]

OutputFormat = Literal["jpeg", "png"]

_MIN_SKEW_DEG = 0.5
"""Below this a rotation costs more sharpness (resampling) than it gains."""
_MAX_SKEW_DEG = 30.0


RECOMMENDED_SIZE = (760, 480)
"""The API's recommended minimum (long side, short side); smaller images are enlarged up to it."""
_MAX_UPSCALE = 4.0
"""Enlarging adds no detail; beyond 4× it only adds bytes (and the quality check says so anyway)."""
TURNS = (0, 90, 180, 270)


@dataclass(frozen=True)
class PreprocessOptions:
    turn: int = 0
    """Clockwise quarter turns to apply first (0, 90, 180, 270): for a card photographed on its side
    or upside down. Chosen by the user: deskew only straightens small tilts (up to 30°)."""
    warp: bool = True
    """Find the card and map it flat onto an upright rectangle (perspective correction)."""
    deskew: bool = True
    """Straighten the remaining in-plane rotation (only needed when the card was not warped)."""
    denoise: bool = False
    """Non-local-means denoising: helps grainy low-light photos; ~0.2 s on a 1000 px card."""
    clahe: bool = False
    """Local contrast equalisation (CLAHE) on lightness only, colours kept."""
    target_width: int = 1000
    """Width of the warped card: 1000 × 631 for ID-1 keeps it above 760×480 with margin."""
    fallback_max_side: int = 1600
    """Without a card outline the whole image is kept, with its long side capped at this."""
    format: OutputFormat = "jpeg"
    quality: int = 90

    def __post_init__(self) -> None:
        if self.turn not in TURNS:
            raise ValueError(f"turn must be one of {TURNS}, not {self.turn!r}")
        if self.format not in ("jpeg", "png"):
            raise ValueError(f"format must be 'jpeg' or 'png', not {self.format!r}")
        if not 1 <= self.quality <= 100:
            raise ValueError("quality must be within 1..100")
        if self.target_width < 100 or self.fallback_max_side < 100:
            raise ValueError("target_width and fallback_max_side must be at least 100 px")


_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


@dataclass(frozen=True)
class PreprocessStep:
    name: str
    applied: bool
    ms: float
    detail: str = ""


@dataclass(frozen=True, eq=False)  # holds arrays: identity, not element-wise, equality
class PreprocessResult:
    bgr: np.ndarray = field(repr=False)
    encoded: bytes = field(repr=False)
    format: OutputFormat
    steps: tuple[PreprocessStep, ...]
    size_bytes: int
    width: int
    height: int
    card_quad: np.ndarray | None = field(default=None, repr=False)
    """The outline that was warped, in the input's pixels, when the card was found."""

    @property
    def total_ms(self) -> float:
        return sum(s.ms for s in self.steps)

    @property
    def warped(self) -> bool:
        return self.card_quad is not None


def preprocess(
    img: np.ndarray | LoadedImage,
    options: PreprocessOptions | None = None,
    *,
    card_quad: np.ndarray | None = None,
) -> PreprocessResult:
    """Run the preprocessing steps that ``options`` ask for, in order.

    Run the steps ``options`` ask for, in order: turn, warp (which also sizes the card), deskew,
    resize (only when no card was warped), denoise, CLAHE, encode. A card or image under the API's
    recommended 760×480 is enlarged to it (with a note that enlarging adds no detail).

    ``card_quad`` (e.g. ``QualityReport.card_quad``) spares finding the outline a second time.
    """
    opts = options or PreprocessOptions()
    bgr = img.bgr if isinstance(img, LoadedImage) else img
    steps: list[PreprocessStep] = []
    quad: np.ndarray | None = None

    if opts.turn:
        with _Timer() as t:
            bgr = cv2.rotate(bgr, _ROTATIONS[opts.turn])
            card_quad = None  # the outline found on the unturned image no longer applies
        steps.append(PreprocessStep("turn", True, t.ms, f"turned {opts.turn}° clockwise"))

    if opts.warp:
        with _Timer() as t:
            bgr, quad, detail = _warp(bgr, opts.target_width, card_quad)
        steps.append(PreprocessStep("warp", quad is not None, t.ms, detail))

    if opts.deskew:
        with _Timer() as t:
            if quad is not None:
                applied, detail = False, "not needed: the warp already levelled the card"
            else:
                bgr, applied, detail = _deskew(bgr)
        steps.append(PreprocessStep("deskew", applied, t.ms, detail))

    if quad is None:
        # Shrink before the costly filters; a card found and warped is already at its size.
        with _Timer() as t:
            bgr, applied, detail = _cap_size(bgr, _fallback_side(bgr, opts))
        steps.append(PreprocessStep("resize", applied, t.ms, detail))

    if opts.denoise:
        with _Timer() as t:
            bgr = cv2.fastNlMeansDenoisingColored(bgr, None, 7, 7, 5, 11)
        steps.append(PreprocessStep("denoise", True, t.ms, "non-local means, h=7, 5×5 patches, 11×11 search"))

    if opts.clahe:
        with _Timer() as t:
            bgr = _clahe(bgr)
        steps.append(PreprocessStep("clahe", True, t.ms, "clip 2.0, 8×8 tiles, on L of Lab"))

    with _Timer() as t:
        encoded = _encode(bgr, opts)
    steps.append(PreprocessStep("encode", True, t.ms, f"{opts.format}, {len(encoded)} bytes"))

    h, w = bgr.shape[:2]
    return PreprocessResult(bgr, encoded, opts.format, tuple(steps), len(encoded), w, h, quad)


def _warp(
    bgr: np.ndarray, target_width: int, known: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None, str]:
    quad = find_card_quad(bgr) if known is None else order_quad(known)
    if quad is None:
        return bgr, None, "no card outline found; image kept whole"
    g = card_geometry(quad)
    # ID-1 cards are snapped to their true ratio (perspective distorts the measured one); other
    # documents keep the measured ratio.
    aspect = ID1_ASPECT if abs(g.aspect / ID1_ASPECT - 1) <= 0.1 else g.aspect
    measured = round(max(g.width, g.height))
    at_least = math.ceil(max(RECOMMENDED_SIZE[0], RECOMMENDED_SIZE[1] * aspect))  # the API's minimum
    long_side = max(min(target_width, measured), min(at_least, round(measured * _MAX_UPSCALE)))
    short_side = round(long_side / aspect)
    portrait = g.height > g.width
    size = (short_side, long_side) if portrait else (long_side, short_side)
    out = warp_card(bgr, quad, size)
    note = " (enlarged to the recommended size: no detail added)" if long_side > measured else ""
    return out, quad, f"card {g.width:.0f}×{g.height:.0f} px → {size[0]}×{size[1]}{note}"


def _deskew(bgr: np.ndarray) -> tuple[np.ndarray, bool, str]:
    angle = estimate_skew(bgr)
    if angle is None:
        return bgr, False, "no straight lines to measure the skew"
    if abs(angle) < _MIN_SKEW_DEG or abs(angle) > _MAX_SKEW_DEG:
        return bgr, False, f"skew {angle:+.1f}° left as is"
    return rotate_image(bgr, angle), True, f"rotated by {-angle:+.1f}°"


def _fallback_side(bgr: np.ndarray, opts: PreprocessOptions) -> int:
    """An image shaped like a card is most likely the card already cropped: size it as one."""
    h, w = bgr.shape[:2]
    if looks_like_document(w, h):
        return opts.target_width
    return opts.fallback_max_side


def _cap_size(bgr: np.ndarray, max_side: int) -> tuple[np.ndarray, bool, str]:
    h, w = bgr.shape[:2]
    long_side, short_side = max(h, w), min(h, w)
    factor = max(RECOMMENDED_SIZE[0] / long_side, RECOMMENDED_SIZE[1] / short_side)
    if factor > 1:  # under the API's recommended size: enlarge to it
        factor = min(factor, _MAX_UPSCALE)
        size = (math.ceil(w * factor), math.ceil(h * factor))
        out = cv2.resize(bgr, size, interpolation=cv2.INTER_CUBIC)
        return out, True, f"{w}×{h} → {size[0]}×{size[1]} (enlarged to the recommended size: no detail added)"
    if long_side <= max_side:
        return bgr, False, f"{w}×{h} kept"
    out, _ = downscale(bgr, max_side)
    return out, True, f"{w}×{h} → {out.shape[1]}×{out.shape[0]}"


def _clahe(bgr: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)
    lab[..., 0] = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)


def _encode(bgr: np.ndarray, opts: PreprocessOptions) -> bytes:
    if opts.format == "jpeg":
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, opts.quality])
    else:
        ok, buf = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:  # pragma: no cover - OpenCV fails only on invalid arrays, which the steps never make
        raise RuntimeError("OpenCV could not encode the image")
    return buf.tobytes()


class _Timer:
    ms: float = 0.0

    def __enter__(self) -> Self:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.ms = (time.perf_counter() - self._start) * 1000
