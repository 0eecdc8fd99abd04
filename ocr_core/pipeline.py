"""The one road from an uploaded file to the bytes that leave the machine.

Every door — the dashboard's pages, ``python -m ocr_core`` and the batch lab — calls :func:`prepare`
(or :func:`prepare_loaded` when it already holds the decoded image) and sends ``Payload.data``,
never the upload itself. In order:

1. validate (``load_image``): type by content, byte limit, pixel limit read from the header — a
   decompression bomb is refused with :class:`ImageRejected` before a single pixel or request exists —
   and a minimum size: an image under 32 px on a side (``too_small``; ``constants.MIN_IMAGE_SIDE``
   says why) cannot be read, so it is never a billed call. What is finally sent is measured again
   (a preprocessing step or a lab sweep's downscale makes its own pixels);
   HEIC/HEIF, single-page PDF and TIFF are converted there to JPEG/PNG (``CONVERTED``);
2. orient: the EXIF orientation is applied, so what is sent is what the user sees;
3. strip: when the upload is not upright or carries anything besides the image (EXIF with its GPS
   position, XMP, IPTC, comments, a payload after the end marker), its upright pixels are re-encoded
   (PNG losslessly, JPEG at quality 95, 4:4:4); otherwise the bytes go exactly as uploaded;
4. optional preprocessing (``imaging.preprocess``), which re-encodes from pixels too;
5. the result is a frozen :class:`Payload` that says what was done in ``steps`` (codes, no prose).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from ocr_core.imaging import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    ImageRejected,
    LoadedImage,
    PreprocessOptions,
    PreprocessResult,
    inspect_upload,
    reencode,
)
from ocr_core.imaging import (
    preprocess as run_preprocess,
)
from ocr_core.imaging.loading import ImageFormat, check_min_side, load_image

__all__ = [
    "CONVERTED",
    "EXIF_ROTATED",
    "METADATA_STRIPPED",
    "RE_ENCODED",
    "TRAILING_REMOVED",
    "ImageRejected",
    "Payload",
    "prepare",
    "prepare_loaded",
]

EXIF_ROTATED: Final = "exif-rotated"
"""The upload's EXIF orientation was not 1: its pixels were turned upright."""
METADATA_STRIPPED: Final = "metadata-stripped"
"""The upload carried metadata (``Payload.metadata`` names it); none of it is sent."""
TRAILING_REMOVED: Final = "trailing-removed"
"""Bytes after the image's end marker (``Payload.trailing_bytes``) were dropped."""
CONVERTED: Final = "converted"
"""The upload was of a type the API does not take (HEIC/HEIF, PDF, TIFF) and was converted on loading
(``Payload.converted_from`` names it)."""
RE_ENCODED: Final = "re-encoded"
"""The bytes sent were encoded from pixels, not copied from the upload."""


@dataclass(frozen=True, eq=False)  # holds arrays: identity, not element-wise, equality
class Payload:
    """What will be sent, and how it came to be.

    ``steps`` lists codes in the order they happened: the four module constants above, then the
    applied preprocessing steps by name (``warp``, ``deskew``, ``resize``, ``denoise``, ``clahe``).
    """

    data: bytes = field(repr=False)
    """Exactly the bytes that are sent."""
    format: ImageFormat
    width: int
    height: int
    sha256: str
    """Of the original upload (identifies the file, e.g. for a batch's records)."""
    steps: tuple[str, ...]
    image: LoadedImage = field(repr=False)
    """The upload decoded upright: for quality checks and previews."""
    preprocessed: PreprocessResult | None = field(default=None, repr=False)
    metadata: tuple[str, ...] = ()
    """Names of the metadata the upload carried (``EXIF``, ``XMP``…), none of which is sent."""
    trailing_bytes: int = 0
    """Bytes the upload had after its end marker, none of which are sent."""

    @property
    def bgr(self) -> np.ndarray:
        """The pixels ``data`` decodes to (up to JPEG loss)."""
        return self.preprocessed.bgr if self.preprocessed is not None else self.image.bgr

    @property
    def converted_from(self) -> str | None:
        """``HEIC``, ``HEIF``, ``PDF`` or ``TIFF`` when the upload was converted to ``format``."""
        return self.image.converted_from

    @property
    def as_uploaded(self) -> bool:
        """The upload's own bytes are sent unchanged."""
        return RE_ENCODED not in self.steps

    @property
    def size_bytes(self) -> int:
        return len(self.data)


def prepare(
    data: bytes,
    *,
    name: str | None = None,
    preprocess: PreprocessOptions | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Payload:
    """Validate, orient, strip and (when ``preprocess`` is given) preprocess an upload.

    ``name`` is the file's name for messages only: the type is always read from the content.
    Raises :class:`ImageRejected` (an ``InputError`` with ``code``) before anything could be sent.
    """
    del name  # the type comes from the content; the name is accepted so every door passes it alike
    return prepare_loaded(load_image(data, max_bytes=max_bytes, max_pixels=max_pixels), preprocess=preprocess)


def prepare_loaded(
    image: LoadedImage,
    *,
    preprocess: PreprocessOptions | None = None,
    card_quad: np.ndarray | None = None,
) -> Payload:
    """:func:`prepare` for an image that ``load_image`` already accepted.

    :func:`prepare` for an image ``load_image`` already accepted (the dashboard validates on
    upload and caches the decode), or pixels made from one (a lab sweep's level). ``card_quad`` spares
    preprocessing finding the card again. Raises :class:`ImageRejected` (``too_small``) when the
    image to be sent is under the minimum size."""
    found = inspect_upload(image.original_bytes, image.format)
    steps: list[str] = [CONVERTED] if image.converted_from else []
    if image.orientation != 1:
        steps.append(EXIF_ROTATED)
    if found.metadata:
        steps.append(METADATA_STRIPPED)
    if found.trailing_bytes:
        steps.append(TRAILING_REMOVED)

    def payload(
        data: bytes, fmt: ImageFormat, width: int, height: int, result: PreprocessResult | None = None
    ) -> Payload:
        check_min_side(width, height)  # what is sent, whoever made its pixels
        return Payload(
            data=data,
            format=fmt,
            width=width,
            height=height,
            sha256=image.source_sha256,
            steps=tuple(steps),
            image=image,
            preprocessed=result,
            metadata=found.metadata,
            trailing_bytes=found.trailing_bytes,
        )

    if preprocess is not None:
        result = run_preprocess(image, preprocess, card_quad=card_quad)
        steps.append(RE_ENCODED)
        steps.extend(s.name for s in result.steps if s.applied and s.name != "encode")
        return payload(result.encoded, result.format, result.width, result.height, result)
    if not steps:
        return payload(image.original_bytes, image.format, image.width, image.height)
    if steps == [CONVERTED]:  # converted on loading from clean pixels: those bytes, not encoded twice
        steps.append(RE_ENCODED)
        return payload(image.original_bytes, image.format, image.width, image.height)
    encoded, fmt = reencode(image.bgr, image.format)
    steps.append(RE_ENCODED)
    return payload(encoded, fmt, image.width, image.height)
