"""Validate and decode an uploaded image before anything is sent.

The API takes JPEG and PNG. What people have besides is converted here, the one place every door
loads through: an iPhone's HEIC/HEIF photo (``pillow-heif``) becomes a JPEG (quality 95), a
scanner's single-page PDF (``pypdfium2``, rendered at 200 dpi) or TIFF (Pillow) a PNG; the
``LoadedImage`` then says what it was converted from (``converted_from``), and the pipeline what it
did. A PDF or TIFF of several pages is refused (``multi_page``): which page would be the document?

Order matters: cheap checks first (size, magic bytes), then the pixel count read from the header
(Pillow's ``open`` is lazy and stops after the header), and only then the full decode — so a
decompression bomb (a few KB that would inflate to gigabytes) is refused before any pixel exists.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from dataclasses import dataclass, field, replace
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageOps

from ocr_core.constants import JPEG_MAGIC, MAX_IMAGE_BYTES, MIN_IMAGE_SIDE, PNG_MAGIC
from ocr_core.imaging._errors import ImageRejected

__all__ = [
    "CONVERTED_TYPES",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "MIN_SIDE",
    "ImageFormat",
    "LoadedImage",
    "check_min_side",
    "convertible_type",
    "declared_size",
    "detect_format",
    "load_image",
]

ImageFormat = Literal["jpeg", "png"]

CONVERTED_TYPES = ("HEIC", "HEIF", "PDF", "TIFF")
"""Types accepted by conversion to what the API takes (JPEG for photos, PNG for scans)."""
PDF_DPI = 200
"""A scanned A4 page at 200 dpi is 1654x2339 px: a card on it keeps ~670 px of width."""

DEFAULT_MAX_BYTES = MAX_IMAGE_BYTES
"""The API's upload limit (docs/vendor-api.md#images: JPEG/PNG, at most 20 MB)."""

DEFAULT_MAX_PIXELS = 50_000_000
"""50 megapixels: above any phone's default mode (12–48 MP), far below what exhausts memory
(a 50 MP BGR frame is 150 MB). Pillow's own bomb guard (``Image.MAX_IMAGE_PIXELS``) is 89 MP."""

MIN_SIDE = MIN_IMAGE_SIDE
"""The short side below which an image cannot be read at all (``ocr_core.constants.MIN_IMAGE_SIDE``
says why 32 px): refused as ``too_small``, by the header's size before any decode."""

_EXIF_ORIENTATION = 0x0112

# Signatures of formats we accept, and of those we name when refusing them.
_KNOWN_OTHERS: tuple[tuple[int, bytes, str], ...] = (
    (0, b"GIF87a", "GIF"),
    (0, b"GIF89a", "GIF"),
    (0, b"%PDF", "PDF"),
    (0, b"BM", "BMP"),
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (0, b"\x00\x00\x01\x00", "ICO"),
    (0, b"8BPS", "PSD"),
    (0, b"PK\x03\x04", "ZIP"),
    (0, b"\xff\x0a", "JPEG XL"),
    (0, b"\x00\x00\x00\x0cJXL ", "JPEG XL"),
    (0, b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
)
_FTYP_BRANDS = {
    b"heic": "HEIC",
    b"heix": "HEIC",
    b"hevc": "HEIC",
    b"mif1": "HEIF",
    b"msf1": "HEIF",
    b"avif": "AVIF",
    b"avis": "AVIF",
}

# What Pillow raises on a file that passes the magic check but does not decode.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)


@dataclass(frozen=True, eq=False)  # holds arrays: identity, not element-wise, equality
class LoadedImage:
    """A decoded, upright image: BGR pixels (OpenCV's order) plus what we learnt on the way."""

    bgr: np.ndarray = field(repr=False)
    format: ImageFormat
    width: int
    height: int
    exif_rotated: bool
    original_bytes: bytes = field(repr=False)
    orientation: int = 1
    """The EXIF orientation tag as found (1 = upright or absent)."""
    converted_from: str | None = None
    """``HEIC``, ``HEIF``, ``PDF`` or ``TIFF`` when the upload was converted to ``format`` on loading
    (``original_bytes`` are then the converted file's)."""
    upload_sha256: str | None = None
    """SHA-256 of the file as uploaded, when that is not ``original_bytes`` (a converted upload)."""

    @property
    def size_bytes(self) -> int:
        return len(self.original_bytes)

    @property
    def source_sha256(self) -> str:
        """SHA-256 of the file as the user has it: what a batch's records and a re-read compare."""
        return self.upload_sha256 or hashlib.sha256(self.original_bytes).hexdigest()


def detect_format(data: bytes) -> ImageFormat:
    """Name the type from the content, never from a file name; refuse anything but JPEG/PNG."""
    head = bytes(data[:32])
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    if head.startswith(PNG_MAGIC):
        return "png"
    other = _name_other_format(head)
    if other is not None:
        raise ImageRejected("unsupported_type", type_name=other)
    raise ImageRejected("not_image")


def load_image(
    data: bytes | bytearray | memoryview,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> LoadedImage:
    """Validate ``data`` and decode it upright (EXIF orientation applied) into BGR.

    Raises :class:`ImageRejected` with ``code`` one of ``empty``, ``too_large``, ``not_image``,
    ``unsupported_type``, ``bomb``, ``corrupt``, ``too_small``.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"load_image expects bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise ImageRejected("empty")
    if len(data) > max_bytes:
        raise ImageRejected("too_large", size_bytes=len(data), limit_bytes=max_bytes)
    kind = convertible_type(data)
    if kind is not None:  # what is sent must fit the API's byte limit as any upload must
        converted = load_image(
            _convert(data, kind, max_pixels, max_bytes), max_bytes=max_bytes, max_pixels=max_pixels
        )
        return replace(converted, converted_from=kind, upload_sha256=hashlib.sha256(data).hexdigest())
    fmt = detect_format(data)
    declared = declared_size(data, fmt)
    if declared is not None and declared[0] * declared[1] > max_pixels:
        raise _bomb(declared, max_pixels)
    if declared is not None and min(declared) > 0:
        check_min_side(*declared)
    # Pillow's own guard (Image.MAX_IMAGE_PIXELS) stays on as a second line; its exception is
    # translated. Its warning is left alone: silencing it would touch process-global state.
    if fmt == "png":
        _verify_png(data, max_pixels)
    image = _open(data, fmt, max_pixels)
    with image:
        width, height = image.size
        if width <= 0 or height <= 0:
            raise _corrupt(fmt)
        if width * height > max_pixels:
            raise _bomb((width, height), max_pixels)
        check_min_side(width, height)
        orientation = _orientation(image)
        try:
            image.load()
            upright = ImageOps.exif_transpose(image) if orientation != 1 else image
            bgr = _to_bgr(upright)
        except Image.DecompressionBombError as err:
            raise _bomb((width, height), max_pixels) from err
        except _DECODE_ERRORS as err:
            raise _corrupt(fmt) from err

    out_h, out_w = bgr.shape[:2]
    return LoadedImage(
        bgr=bgr,
        format=fmt,
        width=out_w,
        height=out_h,
        exif_rotated=orientation != 1,
        original_bytes=data,
        orientation=orientation,
    )


def convertible_type(data: bytes) -> str | None:
    """``HEIC``/``HEIF``/``PDF``/``TIFF`` when ``data`` is one of the types converted on loading."""
    name = _name_other_format(bytes(data[:32]))
    return name if name in CONVERTED_TYPES else None


def _convert(data: bytes, kind: str, max_pixels: int, max_bytes: int) -> bytes:
    """An upload converted to JPEG or PNG, its size checked before decoding.

    The upload as JPEG (a HEIC/HEIF photo) or PNG (a PDF page, a TIFF scan; JPEG at quality 95 when
    the PNG would pass ``max_bytes``); the size is checked against ``max_pixels`` before any pixel is
    decoded or rendered."""
    try:
        if kind == "PDF":
            rgb = _render_pdf(data, max_pixels)
        elif kind == "TIFF":
            rgb = _decode_tiff(data, max_pixels)
        else:
            rgb = _decode_heif(data, max_pixels)
    except ImageRejected:
        raise
    except Exception as err:  # each library has its own error types for a damaged file
        raise ImageRejected("corrupt", type_name=kind) from err
    out = io.BytesIO()
    if kind not in ("HEIC", "HEIF"):
        rgb.save(out, "PNG")
        if out.tell() <= max_bytes:
            return out.getvalue()
        out = io.BytesIO()
    rgb.save(out, "JPEG", quality=95, subsampling=0)
    return out.getvalue()


def _guard(width: float, height: float, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise _bomb((int(width), int(height)), max_pixels)


def _render_pdf(data: bytes, max_pixels: int) -> Image.Image:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    pdf = pdfium.PdfDocument(data)
    try:
        if len(pdf) != 1:
            raise ImageRejected("multi_page", type_name="PDF", pages=len(pdf))
        page = pdf[0]
        scale = PDF_DPI / 72
        width, height = page.get_size()
        _guard(width * scale, height * scale, max_pixels)
        image: Image.Image = page.render(scale=scale).to_pil().convert("RGB")  # pypdfium2's are untyped
        return image
    finally:
        pdf.close()


def _decode_tiff(data: bytes, max_pixels: int) -> Image.Image:
    with Image.open(io.BytesIO(data), formats=["TIFF"]) as image:
        frames = getattr(image, "n_frames", 1)
        if frames != 1:
            raise ImageRejected("multi_page", type_name="TIFF", pages=frames)
        width, height = image.size
        _guard(width, height, max_pixels)
        upright = ImageOps.exif_transpose(image)
        return Image.fromarray(cv2.cvtColor(_to_bgr(upright), cv2.COLOR_BGR2RGB))


def _decode_heif(data: bytes, max_pixels: int) -> Image.Image:
    import pillow_heif

    heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)  # lazy: the header only
    width, height = heif.size
    _guard(width, height, max_pixels)
    return heif.to_pillow().convert("RGB")  # the photo's rotation (irot/imir) is applied by libheif


def check_min_side(width: int, height: int) -> None:
    """Refuses (``too_small``) an image whose short side is under :data:`MIN_SIDE` pixels."""
    if min(width, height) < MIN_SIDE:
        raise ImageRejected("too_small", width=width, height=height, min_side=MIN_SIDE)


def declared_size(data: bytes, fmt: ImageFormat) -> tuple[int, int] | None:
    """(width, height) as the file's header declares it, read without any decoder; None if unreadable.

    PNG: the IHDR chunk, which must come first. JPEG: the first start-of-frame marker (SOF0–SOF15,
    except DHT, JPG and DAC, which share the range), found by walking the marker segments.
    """
    if fmt == "png":
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xDA)):  # stand-alone markers (TEM, RSTn, SOI, EOI, SOS)
            if marker == 0xDA or marker == 0xD9:
                return None
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if pos + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        pos += 2 + length
    return None


def _open(data: bytes, fmt: ImageFormat, max_pixels: int) -> Image.Image:
    """Pillow's lazy open: parses the header only."""
    try:
        return Image.open(io.BytesIO(data), formats=["JPEG" if fmt == "jpeg" else "PNG"])
    except Image.DecompressionBombError as err:
        raise _bomb(None, max_pixels) from err
    except _DECODE_ERRORS as err:
        raise _corrupt(fmt) from err


def _verify_png(data: bytes, max_pixels: int) -> None:
    """Check every PNG chunk's CRC.

    Check every chunk's CRC (``verify`` reads chunks, inflates nothing): the decoder itself
    happily turns a damaged PNG into wrong pixels."""
    with _open(data, "png", max_pixels) as probe:
        try:
            probe.verify()
        except _DECODE_ERRORS as err:
            raise _corrupt("png") from err


def _name_other_format(head: bytes) -> str | None:
    for offset, magic, name in _KNOWN_OTHERS:
        if head[offset : offset + len(magic)] == magic:
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], "HEIF/MP4")
    return None


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1..8), 1 when absent or unreadable: bad EXIF must not reject a photo."""
    try:
        value = image.getexif().get(_EXIF_ORIENTATION, 1)
    except _DECODE_ERRORS:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _to_bgr(image: Image.Image) -> np.ndarray:
    """Any Pillow mode to 8-bit BGR; transparency is flattened onto white, as a viewer shows it."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        gray = np.asarray(image, dtype=np.uint32)
        peak = 65535 if mode.startswith("I;16") else max(int(gray.max()), 1)
        gray8 = (gray * 255 // peak).astype(np.uint8)
        return cv2.cvtColor(gray8, cv2.COLOR_GRAY2BGR)
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        canvas.alpha_composite(rgba)
        image = canvas
    rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))  # no copy when RGB already
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _bomb(size: tuple[int, int] | None, max_pixels: int) -> ImageRejected:
    if size is None:
        return ImageRejected("bomb", limit_pixels=max_pixels)
    width, height = size
    return ImageRejected("bomb", width=width, height=height, limit_pixels=max_pixels)


def _corrupt(fmt: ImageFormat) -> ImageRejected:
    return ImageRejected("corrupt", type_name="JPEG" if fmt == "jpeg" else "PNG")
