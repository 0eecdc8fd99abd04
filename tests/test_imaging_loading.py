"""load_image: type by content, size and pixel limits before decoding, corrupt files, EXIF orientation."""

from __future__ import annotations

import io
import re
import struct
import time
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from l10n import rejection
from ocr_core.errors import InputError
from ocr_core.imaging import REJECT_CODES, ImageRejected, LoadedImage, detect_format, load_image
from ocr_core.imaging.loading import declared_size
from tests.support.imaging_scenes import encode

HANGUL = re.compile("[가-힣]")


def _pil_bytes(image: Image.Image, fmt: str, **save_args: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **save_args)
    return buf.getvalue()


def _marked(width: int = 200, height: int = 100) -> np.ndarray:
    """Grey BGR image with a red block at the top-left and a blue block at the bottom-right."""
    img = np.full((height, width, 3), 128, np.uint8)
    img[:20, :20] = (0, 0, 255)
    img[-20:, -20:] = (255, 0, 0)
    return img


def _rejected(data: bytes, **kwargs: int) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        load_image(data, **kwargs)
    return info.value


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png_bomb(side: int = 30000) -> bytes:
    """A real, complete, valid 1-bit greyscale PNG of side × side zeros: ~100 KB on disk, 900
    megapixels (2.7 GB as BGR) once decoded."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed bits
    comp = zlib.compressobj(9)
    parts = [comp.compress(row * 1000) for _ in range(side // 1000)]
    parts.append(comp.compress(row * (side % 1000)))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def _jpeg_with_declared_size(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) is patched to declare width × height."""
    data = bytearray(encode(_marked(64, 48), ".jpg"))
    sof = data.find(b"\xff\xc0")
    assert sof > 0
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


# --- accepted images ---------------------------------------------------------------------------


@pytest.mark.parametrize("ext,fmt", [(".jpg", "jpeg"), (".png", "png")])
def test_loads_jpeg_and_png_as_bgr(ext: str, fmt: str) -> None:
    data = encode(_marked(), ext, quality=95)
    loaded = load_image(data)
    assert isinstance(loaded, LoadedImage)
    assert (loaded.format, loaded.width, loaded.height) == (fmt, 200, 100)
    assert loaded.bgr.shape == (100, 200, 3) and loaded.bgr.dtype == np.uint8
    b, g, r = loaded.bgr[5, 5].astype(int)
    assert r > 200 and b < 60 and g < 60  # red stays red: channels are in OpenCV's BGR order
    assert not loaded.exif_rotated and loaded.orientation == 1
    assert loaded.original_bytes == data and loaded.size_bytes == len(data)
    assert "original_bytes" not in repr(loaded) and "array" not in repr(loaded)


def test_accepts_bytearray_and_memoryview_refuses_other_types() -> None:
    data = encode(_marked(), ".png")
    assert load_image(bytearray(data)).width == 200
    assert load_image(memoryview(data)).width == 200
    with pytest.raises(TypeError):
        load_image("not bytes")  # type: ignore[arg-type]


def test_transparency_is_flattened_onto_white() -> None:
    rgba = Image.new("RGBA", (40, 32), (255, 0, 0, 255))
    rgba.putpixel((0, 0), (0, 0, 0, 0))  # fully transparent black
    loaded = load_image(_pil_bytes(rgba, "PNG"))
    assert loaded.bgr[0, 0].tolist() == [255, 255, 255]
    assert loaded.bgr[10, 10].tolist() == [0, 0, 255]


@pytest.mark.parametrize(
    "mode,fmt", [("L", "JPEG"), ("CMYK", "JPEG"), ("P", "PNG"), ("LA", "PNG"), ("1", "PNG")]
)
def test_other_pixel_modes_become_bgr(mode: str, fmt: str) -> None:
    rgb = Image.fromarray(cv2.cvtColor(_marked(), cv2.COLOR_BGR2RGB))
    loaded = load_image(_pil_bytes(rgb.convert(mode), fmt))
    assert loaded.bgr.shape == (100, 200, 3) and loaded.bgr.dtype == np.uint8
    assert loaded.bgr[50, 100].std() < 8  # the grey middle stays grey


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped() -> None:
    gray16 = np.full((40, 60), 32768, np.uint16)
    ok, buf = cv2.imencode(".png", gray16)
    assert ok
    loaded = load_image(buf.tobytes())
    assert loaded.bgr.shape == (40, 60, 3)
    assert 120 <= int(loaded.bgr[0, 0, 0]) <= 135  # mid-grey, not saturated white


@pytest.mark.parametrize(
    "orientation,size,red_corner",
    [
        (3, (200, 100), (-1, -1)),  # rotated 180°: the red block ends bottom-right
        (6, (100, 200), (0, -1)),  # shown turned 90° clockwise: red ends top-right
        (8, (100, 200), (-1, 0)),  # shown turned 90° counter-clockwise: red ends bottom-left
    ],
)
def test_exif_orientation_is_applied(
    orientation: int, size: tuple[int, int], red_corner: tuple[int, int]
) -> None:
    rgb = Image.fromarray(cv2.cvtColor(_marked(), cv2.COLOR_BGR2RGB))
    exif = Image.Exif()
    exif[0x0112] = orientation
    loaded = load_image(_pil_bytes(rgb, "JPEG", exif=exif.tobytes(), quality=95))
    assert loaded.exif_rotated and loaded.orientation == orientation
    assert (loaded.width, loaded.height) == size
    row, col = red_corner
    y = 5 if row == 0 else loaded.height - 6
    x = 5 if col == 0 else loaded.width - 6
    b, g, r = loaded.bgr[y, x].astype(int)
    assert r > 200 and b < 60, f"red block expected at {(y, x)}, found BGR {(b, g, r)}"


def test_trailing_payload_after_the_end_marker_does_not_stop_loading() -> None:
    data = encode(_marked(), ".jpg") + b"PK\x03\x04 hidden archive appended after FFD9"
    assert load_image(data).width == 200


def test_custom_pixel_limit_is_honoured_for_ordinary_sizes() -> None:
    data = encode(_marked(), ".png")
    assert load_image(data, max_pixels=200 * 100).width == 200
    assert _rejected(data, max_pixels=200 * 100 - 1).code == "bomb"


# --- rejections --------------------------------------------------------------------------------


def test_empty() -> None:
    assert _rejected(b"").code == "empty"


def test_too_large_is_checked_before_anything_else() -> None:
    data = encode(_marked(), ".png")
    err = _rejected(data, max_bytes=len(data) - 1)
    assert err.code == "too_large"
    assert err.params == {"size_bytes": len(data), "limit_bytes": len(data) - 1}
    assert "MB" in rejection(err.code, err.params, "en") and "MB" in rejection(err.code, err.params, "ko")


@pytest.mark.parametrize(
    "data", [b"hello, this is plain text\n", b"<html><body>no</body></html>", b"\x00" * 64]
)
def test_not_an_image(data: bytes) -> None:
    assert _rejected(data).code == "not_image"


def _gif() -> bytes:
    return _pil_bytes(Image.new("RGB", (8, 8), "red"), "GIF")


def _webp() -> bytes:
    try:
        return _pil_bytes(Image.new("RGB", (8, 8), "red"), "WEBP")
    except (KeyError, OSError):  # Pillow built without WebP: the signature is what matters
        return b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24


@pytest.mark.parametrize(
    "make,name",
    [
        (_gif, "GIF"),
        (_webp, "WebP"),
        (lambda: _pil_bytes(Image.new("RGB", (8, 8)), "BMP"), "BMP"),
    ],
)
def test_other_image_types_are_named_in_the_refusal(make, name: str) -> None:
    """PDF, TIFF and HEIC are converted instead (issue 22; tests/test_imaging_convert.py): damaged,
    they are refused as such, named (test_converted_types_damaged_are_named_in_the_refusal)."""
    err = _rejected(make())
    assert err.code == "unsupported_type"
    assert err.detail == name
    assert name in rejection(err.code, err.params, "en") and name in rejection(err.code, err.params, "ko")


def test_real_png_decompression_bomb_is_refused_from_its_header() -> None:
    bomb = _png_bomb()
    assert len(bomb) < 500_000  # a few hundred KB on the wire ...
    assert declared_size(bomb, "png") == (30000, 30000)  # ... declaring 900 megapixels
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(bomb))  # Pillow agrees it is a bomb
    started = time.perf_counter()
    err = _rejected(bomb)
    assert time.perf_counter() - started < 1.0  # refused without inflating anything
    assert err.code == "bomb"
    assert err.detail == "30000x30000"
    assert err.params == {"width": 30000, "height": 30000, "limit_pixels": 50_000_000}
    assert all("30000×30000" in rejection(err.code, err.params, lang) for lang in ("en", "ko"))


@pytest.mark.parametrize("side", [9000, 40000])  # 81 MP (under Pillow's own guard) and 1.6 GP (over it)
def test_jpeg_declaring_a_huge_frame_is_a_bomb(side: int) -> None:
    data = _jpeg_with_declared_size(side, side)
    assert declared_size(data, "jpeg") == (side, side)
    err = _rejected(data)
    assert err.code == "bomb" and err.detail == f"{side}x{side}"


def test_declared_size_matches_the_decoder() -> None:
    for ext in (".jpg", ".png"):
        data = encode(_marked(200, 100), ext)
        assert declared_size(data, "jpeg" if ext == ".jpg" else "png") == (200, 100)


@pytest.mark.parametrize("ext", [".jpg", ".png"])
def test_truncated_file_is_corrupt(ext: str) -> None:
    data = encode(np.random.default_rng(0).integers(0, 255, (120, 160, 3), dtype=np.uint8), ext)
    assert _rejected(data[: len(data) // 2]).code == "corrupt"


@pytest.mark.parametrize("data", [b"\xff\xd8\xff" + b"garbage" * 20, b"\x89PNG\r\n\x1a\n" + b"garbage" * 20])
def test_right_magic_wrong_body_is_corrupt(data: bytes) -> None:
    assert _rejected(data).code == "corrupt"


def test_png_with_a_broken_checksum_is_corrupt() -> None:
    data = bytearray(encode(_marked(), ".png"))
    idat = data.find(b"IDAT")
    data[idat + 10] ^= 0xFF
    assert _rejected(bytes(data)).code == "corrupt"


def test_every_code_is_reachable_and_every_message_is_bilingual() -> None:
    samples = {
        "empty": (b"", {}),
        "too_large": (encode(_marked(), ".png"), {"max_bytes": 10}),
        "not_image": (b"just text", {}),
        "unsupported_type": (_gif(), {}),
        "bomb": (_jpeg_with_declared_size(9000, 9000), {}),
        "corrupt": (b"\xff\xd8\xff\xe0broken", {}),
        "too_small": (encode(_marked(200, 31), ".png"), {}),
        "multi_page": (
            _pil_bytes(
                Image.new("RGB", (64, 64)), "TIFF", save_all=True, append_images=[Image.new("RGB", (64, 64))]
            ),
            {},
        ),
    }
    assert set(samples) == set(REJECT_CODES)
    for code, (data, kwargs) in samples.items():
        err = _rejected(data, **kwargs)
        assert err.code == code
        assert isinstance(err, InputError)
        assert err.rule == code and not HANGUL.search(str(err))  # the library speaks codes
        en, ko = rejection(code, err.params, "en"), rejection(code, err.params, "ko")
        assert en and not HANGUL.search(en) and HANGUL.search(ko), f"{code}: a message is missing"


def test_detect_format_reads_content_not_names() -> None:
    assert detect_format(encode(_marked(), ".jpg")) == "jpeg"
    assert detect_format(encode(_marked(), ".png")) == "png"
    with pytest.raises(ImageRejected):
        detect_format(b"GIF89a....")


def test_unknown_reject_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        ImageRejected("nope")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make,name",
    [
        (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        (lambda: b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
        (lambda: b"II*\x00" + b"\x00" * 12, "TIFF"),
    ],
)
def test_converted_types_damaged_are_named_in_the_refusal(make, name: str) -> None:
    err = _rejected(make())
    assert err.code == "corrupt" and err.params["type_name"] == name
    assert name in rejection(err.code, err.params, "en") and name in rejection(err.code, err.params, "ko")
