"""What an uploaded file carries besides its pixels: metadata segments and bytes after the image.

Without preprocessing the dashboard would send the file exactly as uploaded. That is only right
when those bytes are clean: a phone photo can carry EXIF (with GPS position, device serials), XMP,
IPTC or comments, and some cameras append a payload after the image's end marker (a "motion photo"
video, a second image). ``load_image`` validates and decodes; this module walks the container —
headers only, no decoding — to report what else it holds.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import cv2
import numpy as np

from ocr_core.constants import PNG_MAGIC
from ocr_core.imaging.loading import DEFAULT_MAX_BYTES, ImageFormat, LoadedImage

# JPEG application segments that are rendering information and say nothing about the person or
# the device: APP0 (JFIF/JFXX header), APP14 (Adobe colour transform), and an ICC colour profile in
# APP2. Everything else in APP1–APP15 (EXIF, XMP, IPTC/Photoshop, MPF, maker data) and COM is
# metadata to drop.
_JPEG_KEEP_APP = {0xE0, 0xEE}
_JPEG_SOS, _JPEG_EOI, _JPEG_COM = 0xDA, 0xD9, 0xFE
# PNG ancillary chunks that only say how to draw the pixels; any other ancillary chunk (eXIf,
# tEXt, zTXt, iTXt, tIME, private chunks) is metadata to drop.
_PNG_RENDERING = {b"PLTE", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs", b"iCCP"}
_RENDERING = "ICC"
REENCODE_JPEG_QUALITY = 95
"""Quality of a JPEG re-encoded only to drop what it carried besides the image."""


@dataclass(frozen=True)
class UploadBytes:
    """What the container holds besides the image."""

    metadata: tuple[str, ...]
    """Names of metadata found (``EXIF``, ``XMP``, ``IPTC``, ``comment``, ``text``…), in file order."""
    trailing_bytes: int
    """Bytes after the image's end marker (JPEG EOI, PNG IEND)."""

    @property
    def clean(self) -> bool:
        return not self.metadata and self.trailing_bytes == 0


def inspect_upload(data: bytes, fmt: str) -> UploadBytes:
    """Metadata and trailing bytes of a JPEG or PNG already validated by ``load_image``.

    A container that cannot be walked to its end marker counts as entirely suspicious (its remainder as
    trailing)."""
    return _inspect_png(data) if fmt == "png" else _inspect_jpeg(data)


def send_as_is(img: LoadedImage, found: UploadBytes) -> bool:
    """The original bytes may go as they are: upright already and nothing besides the image."""
    return img.orientation == 1 and found.clean


def reencode(bgr: np.ndarray, fmt: str) -> tuple[bytes, ImageFormat]:
    """PNG stays lossless PNG; JPEG becomes JPEG at quality 95 with full-resolution colour (4:4:4).

    A PNG too large for the API's limit falls back to that JPEG."""
    if fmt == "png":
        ok, buf = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 6])
        if ok and buf.size <= DEFAULT_MAX_BYTES:
            return buf.tobytes(), "png"
    ok, buf = cv2.imencode(
        ".jpg",
        bgr,
        [
            cv2.IMWRITE_JPEG_QUALITY,
            REENCODE_JPEG_QUALITY,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444,
        ],
    )
    if not ok:  # pragma: no cover - encoding a decoded image does not fail
        raise ValueError("could not re-encode the image")
    return buf.tobytes(), "jpeg"


def _add(names: list[str], name: str) -> None:
    if name not in names:
        names.append(name)


def _app_name(marker: int, payload: bytes) -> str:
    if marker == 0xE1:
        if payload.startswith(b"Exif\x00"):
            return "EXIF"
        if payload.startswith((b"http://ns.adobe.com/xap/", b"http://ns.adobe.com/xmp/")):
            return "XMP"
    if marker == 0xE2:
        if payload.startswith(b"ICC_PROFILE\x00"):
            return "ICC"
        if payload.startswith(b"MPF\x00"):
            return "MPF"
    if marker == 0xED:
        return "IPTC"
    return f"APP{marker - 0xE0}"


def _inspect_jpeg(data: bytes) -> UploadBytes:
    names: list[str] = []
    pos, n = 2, len(data)  # after SOI
    while pos + 2 <= n:
        if data[pos] != 0xFF:
            return UploadBytes(tuple(names), n - pos)  # lost sync: treat the rest as unknown
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == _JPEG_EOI:
            return UploadBytes(tuple(names), n - (pos + 2))
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # TEM, RSTn: no length
            pos += 2
            continue
        if pos + 4 > n:
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        end = pos + 2 + length
        if 0xE0 <= marker <= 0xEF and marker not in _JPEG_KEEP_APP:
            name = _app_name(marker, data[pos + 4 : min(end, pos + 40)])
            if name != _RENDERING:
                _add(names, name)
        elif marker == _JPEG_COM:
            _add(names, "comment")
        pos = end
        if marker == _JPEG_SOS:
            pos = _skip_entropy_data(data, pos)
    return UploadBytes(tuple(names), max(0, n - pos))


def _skip_entropy_data(data: bytes, pos: int) -> int:
    """The position of the next marker after a JPEG scan's entropy-coded data.

    The position of the next marker after a scan's entropy-coded data (``FF 00`` is a stuffed
    byte and ``FF D0``–``FF D7`` are restart markers inside the scan)."""
    n = len(data)
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= n:
            return n
        nxt = data[pos + 1]
        if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
            pos += 1 if nxt == 0xFF else 2
            continue
        return pos


def _inspect_png(data: bytes) -> UploadBytes:
    names: list[str] = []
    pos, n = len(PNG_MAGIC), len(data)
    while pos + 12 <= n:
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if kind == b"IEND":
            return UploadBytes(tuple(names), max(0, n - end))
        ancillary = bool(kind[0] & 0x20)
        if ancillary and kind not in _PNG_RENDERING:
            _add(
                names,
                {b"eXIf": "EXIF", b"tIME": "time"}.get(
                    kind, "text" if kind in (b"tEXt", b"zTXt", b"iTXt") else kind.decode("latin-1")
                ),
            )
        pos = end
    return UploadBytes(tuple(names), max(0, n - pos))
