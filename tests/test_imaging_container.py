"""What an upload carries besides its pixels: metadata segments and bytes after the end marker."""

import io

import numpy as np
from PIL import Image, PngImagePlugin

from ocr_core.imaging import inspect_upload


def test_upload_inspection_finds_png_text_and_progressive_jpeg_ends():
    img = Image.fromarray(np.random.default_rng(3).integers(0, 255, (30, 50, 3), dtype=np.uint8))
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "37.57,126.98")
    png = io.BytesIO()
    img.save(png, "PNG", pnginfo=info)
    found = inspect_upload(png.getvalue() + b"zz", "png")
    assert found.metadata == ("text",) and found.trailing_bytes == 2 and not found.clean
    jpeg = io.BytesIO()
    img.save(jpeg, "JPEG", progressive=True, icc_profile=b"\0" * 128)  # several scans; ICC is not metadata
    assert inspect_upload(jpeg.getvalue(), "jpeg").clean
    assert inspect_upload(jpeg.getvalue() + b"\xff\xd9", "jpeg").trailing_bytes == 2
