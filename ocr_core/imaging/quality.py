"""Pre-flight quality checks: will this photo read well, and if not, why — before any call is paid for.

Every check measures the card itself when its outline is found (warped flat to a reference width,
so figures do not depend on how far away the camera was) and the whole image otherwise. Each check
is pass / warn / fail against :class:`QualityThresholds`, the one place where the limits live.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from ocr_core.imaging.geometry import (
    ID1_ASPECT,
    CardGeometry,
    card_geometry,
    downscale,
    estimate_skew,
    find_card_quad,
    looks_like_document,
    quad_touches_border,
    warp_card,
)
from ocr_core.imaging.loading import LoadedImage
from ocr_core.imaging.orientation import text_upright

__all__ = [
    "CHECK_LABELS",
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

# Names of the checks, in display order, with their labels.
CHECK_LABELS: dict[str, tuple[str, str]] = {
    "resolution_card": ("Card resolution", "카드 해상도"),
    "resolution_image": ("Image resolution", "이미지 해상도"),
    "sharpness": ("Sharpness", "선명도"),
    "brightness": ("Brightness", "밝기"),
    "contrast": ("Contrast", "대비"),
    "glare": ("Glare", "빛 반사"),
    "boundary": ("Card boundary", "카드 경계"),
    "tilt": ("Tilt", "기울기"),
    "perspective": ("Perspective", "원근 왜곡"),
    "orientation": ("Orientation", "방향"),
    "compression": ("JPEG compression", "JPEG 압축"),
}


@dataclass(frozen=True)
class QualityThresholds:
    """Limits of every check. ``*_warn`` is where a warning starts, ``*_fail`` where failure starts.

    Sharpness was calibrated on synthetic card photos (tests/support/imaging_scenes.py) with and
    without sensor noise and underexposure: at the reference width a sharp card scores 80–130, a
    Gaussian blur of σ = 1.5 px 30–50, σ = 2 px 18–35, σ = 3 px 8–21, σ = 4 px under 17.
    """

    min_width: int = 760
    """The API's own line (spec/API_NOTES.md): below 760×480 its ``resolution`` says ``low``."""
    min_height: int = 480
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
    name: str
    status: Status
    value: float | None
    reason_en: str
    reason_ko: str

    def reason(self, lang: str = "en") -> str:
        return self.reason_ko if lang == "ko" else self.reason_en

    def label(self, lang: str = "en") -> str:
        en, ko = CHECK_LABELS.get(self.name, (self.name, self.name))
        return ko if lang == "ko" else en


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

    @property
    def problems(self) -> tuple[QualityCheck, ...]:
        return tuple(c for c in self.checks if c.status != "pass")


def assess_quality(img: np.ndarray | LoadedImage, thresholds: QualityThresholds = DEFAULT_THRESHOLDS) -> QualityReport:
    """Run every check on a BGR image (or a :class:`LoadedImage`)."""
    bgr = img.bgr if isinstance(img, LoadedImage) else img
    t = thresholds
    quad = find_card_quad(bgr)
    geometry = card_geometry(quad) if quad is not None else None
    region = _measured_region(bgr, quad, t.reference_width)
    gray = cv2.cvtColor(region, cv2.COLOR_BGR2GRAY)
    mask, glare_share = glare_mask(bgr, quad, t)

    cropped = quad is None and looks_like_document(bgr.shape[1], bgr.shape[0])
    checks = [
        _check_card_resolution(geometry, cropped, bgr.shape, t),
        _check_image_resolution(bgr.shape, t),
        _check_sharpness(sharpness(gray), t),
        _check_brightness(gray, t),
        _check_contrast(gray, t),
        _check_glare(glare_share, t),
        _check_boundary(quad, cropped, bgr.shape),
        _check_tilt(geometry.rotation_deg if geometry else estimate_skew(bgr), geometry is not None, t),
        _check_perspective(geometry, t),
        _check_orientation(geometry, cropped, bgr),
        _check_compression(img.original_bytes if isinstance(img, LoadedImage) and img.format == "jpeg" else None),
    ]
    return QualityReport(tuple(checks), quad, mask)


def glare_mask(
    bgr: np.ndarray, quad: np.ndarray | None = None, thresholds: QualityThresholds = DEFAULT_THRESHOLDS
) -> tuple[np.ndarray, float]:
    """Glare blobs (bright, unsaturated, compact) inside the card (or the image): mask and share."""
    t = thresholds
    h, w = bgr.shape[:2]
    small, scale = downscale(bgr, t.reference_width)
    sh, sw = small.shape[:2]
    region = np.full((sh, sw), 255, np.uint8)
    if quad is not None:
        region[:] = 0
        cv2.fillConvexPoly(region, np.round(quad * scale).astype(np.int32), 255)
    region_px = max(int(np.count_nonzero(region)), 1)

    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    value = hsv[..., 2]
    paper = float(np.median(value[region > 0]))
    level = max(t.glare_value, paper + t.glare_above_paper)
    bright = ((value >= level) & (hsv[..., 1] <= t.glare_saturation)).astype(np.uint8) * 255
    bright = cv2.bitwise_and(bright, region)
    disc = max(3, round(t.glare_stroke_share * sw) | 1)
    bright = cv2.morphologyEx(bright, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (disc, disc)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=8)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = (areas >= t.glare_min_blob_share * region_px) & (areas <= t.glare_max_blob_share * region_px)
    lut = np.zeros(count, np.uint8)
    lut[1:][keep] = 255
    small_mask = lut[labels]
    share = float(areas[keep].sum()) / region_px
    full = cv2.resize(small_mask, (w, h), interpolation=cv2.INTER_NEAREST) if scale < 1 else small_mask
    return full, share


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian after stretching grey levels 1st–99th percentile to 0–255.

    The stretch makes the figure independent of exposure (a dark photo is not a blurred one); a
    Gaussian of σ = 1 px first keeps sensor noise (which the stretch amplifies) from passing for
    detail; the caller fixes the scale (``reference_width``) so it is independent of distance too.
    """
    lo, hi = np.percentile(gray, (1, 99))
    if hi - lo < 1:
        return 0.0
    stretched = np.clip((gray.astype(np.float32) - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.float32)
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


def _check(name: str, status: Status, value: float | None, texts: dict[Status, tuple[str, str]]) -> QualityCheck:
    en, ko = texts[status]
    return QualityCheck(name, status, value, en, ko)


def _resolution_check(name: str, what: tuple[str, str], size: tuple[float, float], t: QualityThresholds) -> QualityCheck:
    long_side, short_side = max(size), min(size)
    share = min(long_side / t.min_width, short_side / t.min_height)
    status: Status = "pass" if share >= 1 else "warn" if share >= t.resolution_warn_share else "fail"
    dims = f"{long_side:.0f}×{short_side:.0f}"
    need = f"{t.min_width}×{t.min_height}"
    en_what, ko_what = what
    return _check(name, status, round(share, 3), {
        "pass": (f"{en_what} is {dims} px, at least {need}.", f"{ko_what} {dims} 픽셀로 기준({need}) 이상입니다."),
        "warn": (f"{en_what} is {dims} px, under {need}: the API will call it low resolution; move closer.",
                 f"{ko_what} {dims} 픽셀로 기준({need})보다 작아 저해상도로 판정됩니다. 더 가까이서 촬영하세요."),
        "fail": (f"{en_what} is only {dims} px, far under {need}: fields will not read; move closer.",
                 f"{ko_what} {dims} 픽셀로 기준({need})에 크게 못 미칩니다. 더 가까이서 촬영하세요."),
    })


def _check_card_resolution(
    geometry: CardGeometry | None, cropped: bool, shape: tuple[int, ...], t: QualityThresholds
) -> QualityCheck:
    if cropped:
        return _resolution_check("resolution_card", ("The card (the whole image)", "카드(이미지 전체)가"),
                                 (shape[1], shape[0]), t)
    if geometry is None:
        return QualityCheck(
            "resolution_card", "warn", None,
            "The card's outline was not found, so its own size is unknown (the image size applies).",
            "카드 윤곽을 찾지 못해 카드 자체의 크기를 알 수 없습니다(이미지 크기로 판단).",
        )
    return _resolution_check("resolution_card", ("The card", "카드가"), (geometry.width, geometry.height), t)


def _check_image_resolution(shape: tuple[int, ...], t: QualityThresholds) -> QualityCheck:
    return _resolution_check("resolution_image", ("The image", "이미지가"), (shape[1], shape[0]), t)


def _check_sharpness(value: float, t: QualityThresholds) -> QualityCheck:
    return _check("sharpness", _grade_low(value, t.sharpness_warn, t.sharpness_fail), round(value, 1), {
        "pass": ("Sharp enough (variance of the Laplacian).", "충분히 선명합니다(라플라시안 분산)."),
        "warn": ("Slightly blurred: hold still and let the camera focus.",
                 "약간 흐립니다. 초점이 맞을 때까지 움직이지 마세요."),
        "fail": ("Blurred: text edges are lost; retake with the camera steady and in focus.",
                 "흐려서 글자 윤곽이 보이지 않습니다. 초점을 맞추고 흔들림 없이 다시 촬영하세요."),
    })


def _check_brightness(gray: np.ndarray, t: QualityThresholds) -> QualityCheck:
    mean = round(float(gray.mean()), 1)
    brightest = float(np.percentile(gray, 99))
    clipped = float(np.count_nonzero(gray >= t.clipped_level)) / gray.size
    if brightest < t.dark_warn:
        status: Status = "fail" if brightest < t.dark_fail else "warn"
        en = f"Too dark: even the brightest print reaches only {brightest:.0f}/255; add light."
        ko = f"너무 어둡습니다. 가장 밝은 부분도 {brightest:.0f}/255에 그칩니다. 조명을 밝게 하세요."
    elif clipped > t.clipped_warn:
        status = "fail" if clipped > t.clipped_fail else "warn"
        en = f"Overexposed: {clipped:.0%} of the card is washed out to white; avoid direct light."
        ko = f"너무 밝습니다. 카드의 {clipped:.0%}가 하얗게 날아갔습니다. 직접 조명을 피하세요."
    else:
        status = "pass"
        en = f"Exposure is fine (mean grey {mean:.0f}, brightest print {brightest:.0f})."
        ko = f"노출이 적당합니다(평균 밝기 {mean:.0f}, 가장 밝은 부분 {brightest:.0f})."
    return QualityCheck("brightness", status, mean, en, ko)


def _check_contrast(gray: np.ndarray, t: QualityThresholds) -> QualityCheck:
    lo, hi = np.percentile(gray, (2, 98))
    spread = round(float(hi - lo), 1)
    return _check("contrast", _grade_low(spread, t.contrast_warn, t.contrast_fail), spread, {
        "pass": (f"Contrast is fine (grey levels span {spread:.0f}/255).",
                 f"대비가 적당합니다(밝기 범위 {spread:.0f}/255)."),
        "warn": ((f"Low contrast (span {spread:.0f}/255): text may be faint; try the contrast (CLAHE) "
                 "option or better light."),
                 f"대비가 낮습니다(밝기 범위 {spread:.0f}/255). 대비 보정(CLAHE)을 켜거나 조명을 바꾸세요."),
        "fail": (f"Very low contrast (span {spread:.0f}/255): text is hard to separate from the card.",
                 f"대비가 매우 낮아(밝기 범위 {spread:.0f}/255) 글자를 구분하기 어렵습니다."),
    })


def _check_glare(share: float, t: QualityThresholds) -> QualityCheck:
    pct = f"{share * 100:.1f}%"
    return _check("glare", _grade_high(share, t.glare_warn, t.glare_fail), round(share, 4), {
        "pass": (f"No significant glare ({pct} of the card).", f"빛 반사가 거의 없습니다(카드의 {pct})."),
        "warn": (f"Some glare ({pct} of the card): tilt the card slightly away from the light.",
                 f"빛 반사가 있습니다(카드의 {pct}). 카드를 조명에서 약간 비스듬히 하세요."),
        "fail": (f"Strong glare ({pct} of the card) may hide digits: change the angle or the light.",
                 f"빛 반사가 심해(카드의 {pct}) 글자가 가려질 수 있습니다. 각도나 조명을 바꾸세요."),
    })


def _check_boundary(quad: np.ndarray | None, cropped: bool, shape: tuple[int, ...]) -> QualityCheck:
    if cropped:
        return QualityCheck(
            "boundary", "pass", None,
            "No background around the document and the image has a card's shape: taken as already cropped.",
            "배경 없이 카드 비율의 이미지이므로 이미 잘라낸 이미지로 간주합니다.",
        )
    if quad is None:
        return QualityCheck(
            "boundary", "warn", None,
            "No card outline found: fine if the image is already cropped to the card; otherwise "
            "photograph the card whole on a plain, contrasting background.",
            "카드 윤곽을 찾지 못했습니다. 이미 카드만 잘라낸 이미지라면 괜찮고, 아니라면 대비되는 배경 위에서 "
            "카드 전체가 보이게 촬영하세요.",
        )
    fill = abs(cv2.contourArea(quad.astype(np.float32))) / float(shape[0] * shape[1])
    if fill >= _FILLS_IMAGE:
        return QualityCheck(
            "boundary", "pass", 1.0,
            "The card fills the image (already cropped or warped).",
            "카드가 이미지 전체를 채우고 있습니다(이미 잘라냈거나 보정된 이미지).",
        )
    if quad_touches_border(quad, shape):
        return QualityCheck(
            "boundary", "fail", 0.0,
            "The card touches the image edge and is probably cut off: keep the whole card in the frame.",
            "카드가 이미지 가장자리에 닿아 잘렸을 수 있습니다. 카드 전체가 화면에 들어오게 하세요.",
        )
    return QualityCheck("boundary", "pass", 1.0, "The whole card is in the frame.", "카드 전체가 화면 안에 있습니다.")


def _check_tilt(angle: float | None, from_outline: bool, t: QualityThresholds) -> QualityCheck:
    if angle is None:
        return QualityCheck(
            "tilt", "pass", None,
            "No straight edges to measure a tilt against; assumed level.",
            "기울기를 잴 직선이 없어 수평으로 간주합니다.",
        )
    source_en, source_ko = ("card edges", "카드 가장자리") if from_outline else ("straight lines", "직선")
    deg = f"{angle:+.1f}°"
    return _check("tilt", _grade_high(abs(angle), t.tilt_warn_deg, t.tilt_fail_deg), round(angle, 2), {
        "pass": (f"Level ({deg}, from the {source_en}).", f"수평입니다({source_ko} 기준 {deg})."),
        "warn": (f"Tilted by {deg}: deskew in preprocessing will straighten it.",
                 f"{deg} 기울어져 있습니다. 전처리의 기울기 보정으로 바로잡을 수 있습니다."),
        "fail": (f"Tilted by {deg}: hold the camera level with the card, or turn on warp/deskew.",
                 f"{deg} 기울어져 있습니다. 카드와 수평으로 촬영하거나 원근/기울기 보정을 켜세요."),
    })


def _check_perspective(geometry: CardGeometry | None, t: QualityThresholds) -> QualityCheck:
    if geometry is None:
        return QualityCheck("perspective", "pass", None, "No outline, so no perspective to measure.",
                            "윤곽이 없어 원근 왜곡을 잴 수 없습니다.")
    k = geometry.keystone
    pct = f"{k * 100:.0f}%"
    return _check("perspective", _grade_high(k, t.keystone_warn, t.keystone_fail), round(k, 3), {
        "pass": (f"Seen nearly head-on (opposite sides differ by {pct}).",
                 f"거의 정면에서 촬영되었습니다(마주 보는 변 차이 {pct})."),
        "warn": (f"Seen at an angle (opposite sides differ by {pct}): warp in preprocessing flattens it.",
                 f"비스듬히 촬영되었습니다(변 차이 {pct}). 전처리의 원근 보정으로 펼 수 있습니다."),
        "fail": (f"Strong perspective ({pct}): hold the camera straight above the card.",
                 f"원근 왜곡이 심합니다({pct}). 카드 바로 위에서 촬영하세요."),
    })



_SIDEWAYS_RATIO = 1.15
"""A card taller than wide by this much stands on its side (an ID-1 card lying flat is 1.586 : 1)."""


def _check_orientation(geometry: CardGeometry | None, cropped: bool, bgr: np.ndarray) -> QualityCheck:
    """A card turned 90° reads badly or not at all. The card's shape tells a card on its side from one
    lying flat; for a card standing up, Tesseract's orientation detection tells a vertical design
    (text upright) from a turned card. Neither says which way to turn, nor spots a card upside down."""
    if geometry is not None:
        width, height = geometry.width, geometry.height
    elif cropped:
        height, width = bgr.shape[0], bgr.shape[1]
    else:
        return QualityCheck("orientation", "pass", None, "No card outline, so no orientation to judge.",
                            "카드 윤곽이 없어 방향을 판단할 수 없습니다.")
    ratio = round(float(height) / max(float(width), 1e-6), 2)
    if ratio >= _SIDEWAYS_RATIO and text_upright(bgr) is True:
        return QualityCheck("orientation", "pass", ratio, "A vertical card: it stands up, and its text reads upright.",
                            "세로형 카드입니다. 세로로 서 있고 글자가 바로 읽힙니다.")
    if ratio >= _SIDEWAYS_RATIO:
        return QualityCheck(
            "orientation", "warn", ratio,
            "The card stands on its side (taller than wide): it was probably turned 90°. Turn it upright "
            "(preprocessing: Turn) unless it is a vertical card design.",
            "카드가 세로로 서 있습니다(높이가 폭보다 큼). 90° 돌아갔을 가능성이 큽니다. 세로형 디자인이 아니라면 "
            "바로 세우세요(전처리: 회전).",
        )
    return QualityCheck("orientation", "pass", ratio, "The card lies flat (wider than tall).",
                        "카드가 가로로 놓여 있습니다(폭이 높이보다 큼).")


# IJG's standard luminance quantisation table (JPEG Annex K); its sum is all that is compared.
_STD_LUMA_SUM = sum((
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
))
JPEG_QUALITY_WARN = 50
JPEG_QUALITY_FAIL = 25


def jpeg_quality(data: bytes) -> int | None:
    """The IJG quality (1–100) a JPEG was saved at, estimated from its luminance quantisation table
    (``None`` when the file has none). Exact for files written by libjpeg and its descendants; for
    other encoders it is the quality their table is equivalent to, which is what matters here."""
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker == 0xDA:  # start of scan: the tables come before it
            return None
        if marker == 0xDB:
            seg, j = data[i + 4:i + 2 + length], 0
            while j < len(seg):
                precision, table_id = seg[j] >> 4, seg[j] & 0x0F
                size = 128 if precision else 64
                values = (
                    [int.from_bytes(seg[j + 1 + 2 * k:j + 3 + 2 * k], "big") for k in range(64)]
                    if precision else list(seg[j + 1:j + 1 + size])
                )
                if table_id == 0 and len(values) == 64:
                    scale = 100.0 * sum(values) / _STD_LUMA_SUM
                    quality = (200.0 - scale) / 2.0 if scale <= 100 else 5000.0 / scale
                    return max(1, min(100, round(quality)))
                j += 1 + size
        i += 2 + length
    return None


def _check_compression(jpeg: bytes | None) -> QualityCheck:
    """Blocky, smeared digits from a heavily compressed JPEG (a messenger's re-send, a low camera
    setting) are misread; resharpening cannot bring them back."""
    quality = jpeg_quality(jpeg) if jpeg is not None else None
    if quality is None:
        return QualityCheck("compression", "pass", None, "Not a JPEG (or no table to read): no JPEG artefacts.",
                            "JPEG이 아니어서 압축 손상이 없습니다.")
    status: Status = "fail" if quality < JPEG_QUALITY_FAIL else "warn" if quality < JPEG_QUALITY_WARN else "pass"
    return _check("compression", status, quality, {
        "pass": (f"Saved at JPEG quality ≈{quality}: no visible compression artefacts.",
                 f"JPEG 품질 약 {quality}로 저장되어 압축 손상이 거의 없습니다."),
        "warn": (f"Saved at JPEG quality ≈{quality}: block artefacts may blur digits. Send the original "
                 "photo rather than a re-sent or compressed copy.",
                 f"JPEG 품질 약 {quality}: 블록 손상으로 숫자가 흐려질 수 있습니다. 다시 보낸 사본이 아닌 원본 "
                 "사진을 사용하세요."),
        "fail": (f"Saved at JPEG quality ≈{quality}: heavy block artefacts; digits will be misread. Use the "
                 "original photo (messengers recompress images).",
                 f"JPEG 품질 약 {quality}: 블록 손상이 심해 숫자를 잘못 읽습니다. 원본 사진을 사용하세요 "
                 "(메신저는 이미지를 다시 압축합니다)."),
    })
