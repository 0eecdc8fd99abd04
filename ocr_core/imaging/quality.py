"""Pre-flight quality checks: will this photo read well, and if not, why — before any call is paid for.

Every check measures the card itself when its outline is found (warped flat to a reference width,
so figures do not depend on how far away the camera was) and the whole image otherwise. Each check
is pass / warn / fail against :class:`QualityThresholds`, the one place where the limits live.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from ocr_core.constants import NORMAL_RESOLUTION
from ocr_core.imaging.geometry import (
    ID1_ASPECT,
    WORK_SIDE,
    CardGeometry,
    card_geometry,
    downscale,
    estimate_skew,
    find_card_quad,
    looks_like_document,
    quad_touches_border,
    warp_card,
)
from ocr_core.imaging.levels import median, percentiles
from ocr_core.imaging.loading import LoadedImage
from ocr_core.imaging.orientation import text_upright

__all__ = [
    "CHECK_NAMES",
    "DEFAULT_THRESHOLDS",
    "QualityCheck",
    "QualityReport",
    "QualityThresholds",
    "Status",
    "assess_quality",
    "glare_mask",
    "jpeg_quality",
    "sharpness",
]

Status = Literal["pass", "warn", "fail"]

_FILLS_IMAGE = 0.9
"""A card outline covering this share of the image is the image itself: cropped, not cut off."""
_RANK: dict[Status, int] = {"pass": 0, "warn": 1, "fail": 2}

CHECK_NAMES: tuple[str, ...] = (
    "resolution_card",
    "resolution_image",
    "sharpness",
    "brightness",
    "contrast",
    "glare",
    "boundary",
    "tilt",
    "perspective",
    "orientation",
    "compression",
)
"""The checks, in display order; the UI labels them from its catalogue (``quality.<name>``)."""


@dataclass(frozen=True)
class QualityThresholds:
    """Limits of every check. ``*_warn`` is where a warning starts, ``*_fail`` where failure starts.

    Sharpness was calibrated on synthetic card photos (tests/support/imaging_scenes.py) with and
    without sensor noise and underexposure: at the reference width a sharp card scores 80–130, a
    Gaussian blur of σ = 1.5 px 30–50, σ = 2 px 18–35, σ = 3 px 8–21, σ = 4 px under 17.
    """

    min_width: int = NORMAL_RESOLUTION[0]
    """The API's own line (``NORMAL_RESOLUTION``): below 760×480 its ``resolution`` says ``low``."""
    min_height: int = NORMAL_RESOLUTION[1]
    resolution_warn_share: float = 0.75
    """Between this share of 760×480 and 760×480 the result may still read: warn, not fail."""
    reference_width: int = 1000
    """The card (or image) is scaled to this width before sharpness is measured."""
    sharpness_warn: float = 35.0
    sharpness_fail: float = 15.0
    dark_fail: float = 140.0
    """Underexposure is judged on the brightest content (99th percentile of grey), not the mean:
    a black card is dark by design, but its white print should still be bright. Specimens score
    187–250; a dark, noisy photo 133."""
    dark_warn: float = 180.0
    clipped_level: int = 253
    clipped_warn: float = 0.15
    """Overexposure: the share of the card at or above ``clipped_level`` (washed out to white).
    White cards, pale ID cards and passport pages print on 240–250 "paper", below this level."""
    clipped_fail: float = 0.4
    contrast_warn: float = 80.0
    """Contrast: the spread between the 2nd and 98th percentiles of grey (0–255). Specimens
    score 93–220; a fogged or very dark photo under 80."""
    contrast_fail: float = 50.0
    glare_value: int = 252
    """A glare pixel: HSV value at least this (clipped, or nearly) ..."""
    glare_above_paper: int = 6
    """... and at least this much above the card's median value (pale ID cards print on 240–250
    "paper": that is the card, not glare) ..."""
    glare_saturation: int = 50
    """... and saturation at most this (specular light is white, whatever the card's colour)."""
    glare_stroke_share: float = 0.009
    """Bright areas thinner than this share of the width are white print (logos, text), not glare:
    an opening with a disc of this diameter removes them."""
    glare_min_blob_share: float = 0.0005
    glare_max_blob_share: float = 0.6
    """A bright blob covering more of the card than this is a white card or overexposure, not glare
    (the brightness check reports overexposure)."""
    glare_warn: float = 0.005
    glare_fail: float = 0.03
    tilt_warn_deg: float = 5.0
    tilt_fail_deg: float = 15.0
    keystone_warn: float = 0.12
    keystone_fail: float = 0.3


DEFAULT_THRESHOLDS = QualityThresholds()


@dataclass(frozen=True)
class QualityCheck:
    """One check's verdict.

    ``reason`` is a code (``glare.warn``, ``boundary.cut_off``…) and ``params`` its facts; the UI words them
    (catalogue ``qr.<reason>``)."""

    name: str
    status: Status
    value: float | None
    reason: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)  # holds arrays: identity, not element-wise, equality
class QualityReport:
    checks: tuple[QualityCheck, ...]
    card_quad: np.ndarray | None = field(repr=False)
    """The card's corners in image pixels (TL, TR, BR, BL), or None when not found."""
    glare_mask: np.ndarray = field(repr=False)
    """uint8, the image's height × width, 255 where glare was found."""

    @property
    def status(self) -> Status:
        """The worst status of all checks."""
        return max((c.status for c in self.checks), key=_RANK.__getitem__, default="pass")

    def get(self, name: str) -> QualityCheck | None:
        return next((c for c in self.checks if c.name == name), None)

    def __getitem__(self, name: str) -> QualityCheck:
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    @property
    def problems(self) -> tuple[QualityCheck, ...]:
        return tuple(c for c in self.checks if c.status != "pass")


def assess_quality(
    img: np.ndarray | LoadedImage, thresholds: QualityThresholds = DEFAULT_THRESHOLDS
) -> QualityReport:
    """Run every check on a BGR image (or a :class:`LoadedImage`)."""
    bgr = img.bgr if isinstance(img, LoadedImage) else img
    t = thresholds
    work = downscale(bgr, WORK_SIDE)  # made once for the outline and the skew: 3 ms for a 1000 px card
    quad = find_card_quad(bgr, downscaled=work)
    geometry = card_geometry(quad) if quad is not None else None
    region = _measured_region(bgr, quad, t.reference_width)
    gray = cv2.cvtColor(region, cv2.COLOR_BGR2GRAY)
    mask, glare_share = glare_mask(bgr, quad, t)

    cropped = quad is None and looks_like_document(bgr.shape[1], bgr.shape[0])
    tilt = geometry.rotation_deg if geometry else estimate_skew(bgr, downscaled=work)
    checks = [
        _check_card_resolution(geometry, cropped, bgr.shape, t),
        _check_image_resolution(bgr.shape, t),
        _check_sharpness(sharpness(gray), t),
        _check_brightness(gray, t),
        _check_contrast(gray, t),
        _check_glare(glare_share, t),
        _check_boundary(quad, cropped, bgr.shape),
        _check_tilt(tilt, geometry is not None, t),
        _check_perspective(geometry, t),
        _check_orientation(geometry, cropped, bgr),
        _check_compression(
            img.original_bytes if isinstance(img, LoadedImage) and img.format == "jpeg" else None
        ),
    ]
    return QualityReport(tuple(checks), quad, mask)


def glare_mask(
    bgr: np.ndarray, quad: np.ndarray | None = None, thresholds: QualityThresholds = DEFAULT_THRESHOLDS
) -> tuple[np.ndarray, float]:
    """Glare blobs (bright, unsaturated, compact) inside the card (or the image): mask and share.

    Most photos have no bright blob left after the opening: they skip the blob count, two thirds of
    the work (46 of 60 sweep items; with ``bright_unsaturated``, 7.5 -> 3.0 ms a sweep item)."""
    t = thresholds
    h, w = bgr.shape[:2]
    small, scale = downscale(bgr, t.reference_width)
    sh, sw = small.shape[:2]
    region: np.ndarray | None = None  # the card, or (None) all of the image
    region_px = sh * sw
    if quad is not None:
        region = np.zeros((sh, sw), np.uint8)
        cv2.fillConvexPoly(region, np.round(quad * scale).astype(np.int32), 255)
        region_px = max(cv2.countNonZero(region), 1)

    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    paper = median(hsv[..., 2], region)
    bright = bright_unsaturated(hsv, max(t.glare_value, paper + t.glare_above_paper), t.glare_saturation)
    if region is not None:
        bright = cv2.bitwise_and(bright, region)
    disc = max(3, round(t.glare_stroke_share * sw) | 1)
    bright = cv2.morphologyEx(
        bright, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (disc, disc))
    )
    if not cv2.countNonZero(bright):
        return np.zeros((h, w), np.uint8), 0.0
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = (areas >= t.glare_min_blob_share * region_px) & (areas <= t.glare_max_blob_share * region_px)
    if not keep.any():
        return np.zeros((h, w), np.uint8), 0.0
    lut = np.zeros(count, np.uint8)
    lut[1:][keep] = 255
    small_mask = lut[labels]
    share = float(areas[keep].sum()) / region_px
    full = cv2.resize(small_mask, (w, h), interpolation=cv2.INTER_NEAREST) if scale < 1 else small_mask
    return full, share


def bright_unsaturated(hsv: np.ndarray, level: float, saturation: float) -> np.ndarray:
    """255 where an 8-bit HSV pixel's value is at least ``level`` and its saturation at most
    ``saturation``, else 0: NumPy's comparisons, in one OpenCV pass. The bounds are made whole first:
    OpenCV rounds a fractional one to the nearest (252.5 -> 252)."""
    return cv2.inRange(hsv, (0, 0, math.ceil(level)), (255, math.floor(saturation), 255))


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian after stretching grey levels 1st–99th percentile to 0–255.

    The stretch makes the figure independent of exposure (a dark photo is not a blurred one); a
    Gaussian of σ = 1 px first keeps sensor noise (which the stretch amplifies) from passing for
    detail; the caller fixes the scale (``reference_width``) so it is independent of distance too.
    """
    lo, hi = percentiles(gray, (1, 99))
    if hi - lo < 1:
        return 0.0
    if gray.dtype == np.uint8:  # the stretch of each of the 256 levels, looked up: the same float32 values
        levels = np.arange(256, dtype=np.float64)
        stretched = cv2.LUT(gray, np.clip((levels - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.float32))
    else:
        stretched = np.clip((gray.astype(np.float64) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.float32)
    return float(cv2.Laplacian(cv2.GaussianBlur(stretched, (0, 0), 1.0), cv2.CV_32F).var())


def _measured_region(bgr: np.ndarray, quad: np.ndarray | None, reference_width: int) -> np.ndarray:
    """The card warped flat at the reference width, or the whole image scaled to it."""
    if quad is not None:
        g = card_geometry(quad)
        portrait = g.height > g.width
        aspect = g.aspect if abs(g.aspect / ID1_ASPECT - 1) > 0.08 else ID1_ASPECT
        long_side = min(reference_width, round(max(g.width, g.height)))
        short_side = max(1, round(long_side / aspect))
        return warp_card(bgr, quad, (short_side, long_side) if portrait else (long_side, short_side))
    h, w = bgr.shape[:2]
    return downscale(bgr, max(reference_width, round(reference_width * h / w)))[0]


def _grade_low(value: float, warn: float, fail: float) -> Status:
    return "fail" if value < fail else "warn" if value < warn else "pass"


def _grade_high(value: float, warn: float, fail: float) -> Status:
    return "fail" if value > fail else "warn" if value > warn else "pass"


def _check(name: str, status: Status, value: float | None, **params: object) -> QualityCheck:
    """A check whose reason is ``<name>.<status>`` with ``params``."""
    return QualityCheck(name, status, value, f"{name}.{status}", params)


def _resolution_check(
    name: str, subject: str, size: tuple[float, float], t: QualityThresholds
) -> QualityCheck:
    long_side, short_side = max(size), min(size)
    share = min(long_side / t.min_width, short_side / t.min_height)
    status: Status = "pass" if share >= 1 else "warn" if share >= t.resolution_warn_share else "fail"
    return QualityCheck(
        name,
        status,
        round(share, 3),
        f"resolution.{status}",
        {
            "subject": subject,
            "long": long_side,
            "short": short_side,
            "min_long": t.min_width,
            "min_short": t.min_height,
        },
    )


def _check_card_resolution(
    geometry: CardGeometry | None, cropped: bool, shape: tuple[int, ...], t: QualityThresholds
) -> QualityCheck:
    if cropped:
        return _resolution_check("resolution_card", "card_whole", (shape[1], shape[0]), t)
    if geometry is None:
        return QualityCheck("resolution_card", "warn", None, "resolution.no_outline", {})
    return _resolution_check("resolution_card", "card", (geometry.width, geometry.height), t)


def _check_image_resolution(shape: tuple[int, ...], t: QualityThresholds) -> QualityCheck:
    return _resolution_check("resolution_image", "image", (shape[1], shape[0]), t)


def _check_sharpness(value: float, t: QualityThresholds) -> QualityCheck:
    return _check("sharpness", _grade_low(value, t.sharpness_warn, t.sharpness_fail), round(value, 1))


def _check_brightness(gray: np.ndarray, t: QualityThresholds) -> QualityCheck:
    mean = round(float(gray.mean()), 1)
    (brightest,) = percentiles(gray, (99,))
    clipped = float(np.count_nonzero(gray >= t.clipped_level)) / gray.size
    if brightest < t.dark_warn:
        status: Status = "fail" if brightest < t.dark_fail else "warn"
        return QualityCheck("brightness", status, mean, "brightness.dark", {"brightest": brightest})
    if clipped > t.clipped_warn:
        status = "fail" if clipped > t.clipped_fail else "warn"
        return QualityCheck("brightness", status, mean, "brightness.overexposed", {"clipped": clipped})
    return QualityCheck("brightness", "pass", mean, "brightness.pass", {"mean": mean, "brightest": brightest})


def _check_contrast(gray: np.ndarray, t: QualityThresholds) -> QualityCheck:
    lo, hi = percentiles(gray, (2, 98))
    spread = round(float(hi - lo), 1)
    return _check("contrast", _grade_low(spread, t.contrast_warn, t.contrast_fail), spread, spread=spread)


def _check_glare(share: float, t: QualityThresholds) -> QualityCheck:
    return _check("glare", _grade_high(share, t.glare_warn, t.glare_fail), round(share, 4), share=share)


def _check_boundary(quad: np.ndarray | None, cropped: bool, shape: tuple[int, ...]) -> QualityCheck:
    if cropped:
        return QualityCheck("boundary", "pass", None, "boundary.cropped", {})
    if quad is None:
        return QualityCheck("boundary", "warn", None, "boundary.no_outline", {})
    fill = abs(cv2.contourArea(quad.astype(np.float32))) / float(shape[0] * shape[1])
    if fill >= _FILLS_IMAGE:
        return QualityCheck("boundary", "pass", 1.0, "boundary.fills", {})
    if quad_touches_border(quad, shape):
        return QualityCheck("boundary", "fail", 0.0, "boundary.cut_off", {})
    return QualityCheck("boundary", "pass", 1.0, "boundary.pass", {})


def _check_tilt(angle: float | None, from_outline: bool, t: QualityThresholds) -> QualityCheck:
    if angle is None:
        return QualityCheck("tilt", "pass", None, "tilt.no_lines", {})
    status = _grade_high(abs(angle), t.tilt_warn_deg, t.tilt_fail_deg)
    reason = f"tilt.{status}" + (("_edges" if from_outline else "_lines") if status == "pass" else "")
    return QualityCheck("tilt", status, round(angle, 2), reason, {"angle": angle})


def _check_perspective(geometry: CardGeometry | None, t: QualityThresholds) -> QualityCheck:
    if geometry is None:
        return QualityCheck("perspective", "pass", None, "perspective.none", {})
    k = geometry.keystone
    return _check("perspective", _grade_high(k, t.keystone_warn, t.keystone_fail), round(k, 3), keystone=k)


_SIDEWAYS_RATIO = 1.15
"""A card taller than wide by this much stands on its side (an ID-1 card lying flat is 1.586 : 1)."""


def _check_orientation(geometry: CardGeometry | None, cropped: bool, bgr: np.ndarray) -> QualityCheck:
    """A card turned 90° reads badly or not at all.

    The card's shape tells a card on its side from one lying flat; for a card standing up, Tesseract's
    orientation detection tells a vertical design (text upright) from a turned card. Neither says which way
    to turn, nor spots a card upside down."""
    if geometry is not None:
        width, height = geometry.width, geometry.height
    elif cropped:
        height, width = bgr.shape[0], bgr.shape[1]
    else:
        return QualityCheck("orientation", "pass", None, "orientation.none", {})
    ratio = round(float(height) / max(float(width), 1e-6), 2)
    if ratio >= _SIDEWAYS_RATIO and text_upright(bgr) is True:
        return QualityCheck("orientation", "pass", ratio, "orientation.vertical", {})
    if ratio >= _SIDEWAYS_RATIO:
        return QualityCheck("orientation", "warn", ratio, "orientation.warn", {})
    return QualityCheck("orientation", "pass", ratio, "orientation.pass", {})


# IJG's standard luminance quantisation table (JPEG Annex K); its sum is all that is compared.
_STD_LUMA_SUM = sum(
    (
        16,
        11,
        10,
        16,
        24,
        40,
        51,
        61,
        12,
        12,
        14,
        19,
        26,
        58,
        60,
        55,
        14,
        13,
        16,
        24,
        40,
        57,
        69,
        56,
        14,
        17,
        22,
        29,
        51,
        87,
        80,
        62,
        18,
        22,
        37,
        56,
        68,
        109,
        103,
        77,
        24,
        35,
        55,
        64,
        81,
        104,
        113,
        92,
        49,
        64,
        78,
        87,
        103,
        121,
        120,
        101,
        72,
        92,
        95,
        98,
        112,
        100,
        103,
        99,
    )
)
JPEG_QUALITY_WARN = 50
JPEG_QUALITY_FAIL = 25


def jpeg_quality(data: bytes) -> int | None:
    """The IJG quality (1–100) a JPEG was saved at, estimated from its quantisation table.

    The IJG quality (1–100) a JPEG was saved at, estimated from its luminance quantisation table
    (``None`` when the file has none). Exact for files written by libjpeg and its descendants; for
    other encoders it is the quality their table is equivalent to, which is what matters here."""
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker, length = data[i + 1], int.from_bytes(data[i + 2 : i + 4], "big")
        if marker == 0xDA:  # start of scan: the tables come before it
            return None
        if marker == 0xDB:
            seg, j = data[i + 4 : i + 2 + length], 0
            while j < len(seg):
                precision, table_id = seg[j] >> 4, seg[j] & 0x0F
                size = 128 if precision else 64
                values = (
                    [int.from_bytes(seg[j + 1 + 2 * k : j + 3 + 2 * k], "big") for k in range(64)]
                    if precision
                    else list(seg[j + 1 : j + 1 + size])
                )
                if table_id == 0 and len(values) == 64:
                    scale = 100.0 * sum(values) / _STD_LUMA_SUM
                    quality = (200.0 - scale) / 2.0 if scale <= 100 else 5000.0 / scale
                    return max(1, min(100, round(quality)))
                j += 1 + size
        i += 2 + length
    return None


def _check_compression(jpeg: bytes | None) -> QualityCheck:
    """Check for heavy JPEG compression, which blurs digits beyond repair.

    Blocky, smeared digits from a heavily compressed JPEG (a messenger's re-send, a low camera
    setting) are misread; resharpening cannot bring them back."""
    quality = jpeg_quality(jpeg) if jpeg is not None else None
    if quality is None:
        return QualityCheck("compression", "pass", None, "compression.none", {})
    status: Status = (
        "fail" if quality < JPEG_QUALITY_FAIL else "warn" if quality < JPEG_QUALITY_WARN else "pass"
    )
    return _check("compression", status, quality, quality=quality)
