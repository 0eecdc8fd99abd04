"""Image validation, quality checks and preprocessing (OpenCV, Pillow; no UI).

``load_image`` validates and decodes an upload, ``assess_quality`` says whether it will read well
and why not, ``preprocess`` turns it into what is best sent, ``inspect_upload`` says whether the
bytes as uploaded carry anything besides the image (metadata, a trailing payload). See
docs/interfaces.md, "imaging".
"""

from ocr_core.imaging._errors import REJECT_CODES, ImageRejected, RejectCode
from ocr_core.imaging.container import (
    REENCODE_JPEG_QUALITY,
    UploadBytes,
    inspect_upload,
    reencode,
    send_as_is,
)
from ocr_core.imaging.geometry import CardGeometry, card_geometry, find_card_quad, warp_card
from ocr_core.imaging.loading import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    LoadedImage,
    detect_format,
    load_image,
)
from ocr_core.imaging.preprocess import PreprocessOptions, PreprocessResult, PreprocessStep, preprocess
from ocr_core.imaging.quality import (
    CHECK_NAMES,
    DEFAULT_THRESHOLDS,
    QualityCheck,
    QualityReport,
    QualityThresholds,
    assess_quality,
)

__all__ = [
    "CHECK_NAMES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_THRESHOLDS",
    "REENCODE_JPEG_QUALITY",
    "REJECT_CODES",
    "CardGeometry",
    "ImageRejected",
    "LoadedImage",
    "PreprocessOptions",
    "PreprocessResult",
    "PreprocessStep",
    "QualityCheck",
    "QualityReport",
    "QualityThresholds",
    "RejectCode",
    "UploadBytes",
    "assess_quality",
    "card_geometry",
    "detect_format",
    "find_card_quad",
    "inspect_upload",
    "load_image",
    "preprocess",
    "reencode",
    "send_as_is",
    "warp_card",
]
