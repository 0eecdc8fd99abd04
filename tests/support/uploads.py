"""Uploads that must never leave the machine as they are: a phone photo with a GPS position and an
appended payload, and a PNG decompression bomb."""

from __future__ import annotations

import io
import struct
import zlib

import cv2
import numpy as np
from PIL import Image

GPS_LATITUDE = (37.0, 33.0, 59.0)


def photo_with_gps(bgr: np.ndarray | None = None, *, orientation: int = 1, trailing: bytes = b"") -> bytes:
    """A JPEG as a phone saves it: EXIF with camera model and GPS position (and optionally an
    orientation tag and bytes after the end marker, as "motion photos" append a video)."""
    if bgr is None:
        bgr = np.full((500, 800, 3), 200, np.uint8)
        cv2.putText(bgr, "4111 1111 1111 1111", (40, 250), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
    exif = Image.Exif()
    exif[0x0110] = "Phone X"
    if orientation != 1:
        exif[0x0112] = orientation
    exif.get_ifd(0x8825).update({1: "N", 2: GPS_LATITUDE})
    buf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)).save(buf, "JPEG", quality=92, exif=exif)
    return buf.getvalue() + trailing


def carries_gps(data: bytes) -> bool:
    """True when the image's EXIF (if any) holds a GPS block, or the raw bytes hold an EXIF header."""
    with Image.open(io.BytesIO(data)) as img:
        gps = img.getexif().get_ifd(0x8825)
    return bool(gps) or b"Exif\x00\x00" in data


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bomb(side: int = 40_000) -> bytes:
    """A valid ``side``×``side`` 1-bit grey PNG of zeros: a few hundred KB that inflate to
    ``side``² pixels (1.6 gigapixels, 4.8 GB as BGR for the default)."""
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    block = row * 1000
    parts = [packer.compress(block) for _ in range(side // 1000)]
    parts.append(packer.compress(row * (side % 1000)))
    parts.append(packer.flush())
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
    )


def heic(image: Image.Image, quality: int = 90) -> bytes:
    """``image`` as an iPhone-style HEIC file, encoded with x265's fastest preset: the tests need a real
    HEIC to open, not a small one (the default preset takes about five times as long)."""
    import pillow_heif

    buf = io.BytesIO()
    pillow_heif.from_pillow(image).save(buf, quality=quality, enc_params={"preset": "ultrafast"})
    return buf.getvalue()
