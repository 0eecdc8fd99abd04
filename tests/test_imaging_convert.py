"""Issue 22, item 5: HEIC/HEIF photos, single-page PDFs and TIFF scans are accepted at the one loading
door every entrance uses and converted to what the API takes (JPEG for photos, PNG for scans); the
pipeline says so; a PDF or TIFF of several pages is refused with a clear message."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from l10n import rejection
from ocr_core.constants import JPEG_MAGIC, PNG_MAGIC
from ocr_core.imaging import ImageRejected, load_image
from ocr_core.pipeline import CONVERTED, RE_ENCODED, prepare
from qa.collect import is_image_name
from sandbox.engine import get_engine
from tests.support.uploads import heic

CARD = Path(__file__).resolve().parents[1] / "samples" / "cards" / "visa_blue_flat.png"
CARD_NUMBER = "".join(__import__("json").loads(CARD.with_suffix(".json").read_text())["fields"]["groups"])


def card() -> Image.Image:
    return Image.open(CARD).convert("RGB")


def encoded(image: Image.Image, fmt: str, **kw) -> bytes:
    if fmt == "HEIF":
        return heic(image)
    buf = io.BytesIO()
    image.save(buf, fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("fmt", "named", "sent"), [("HEIF", "HEIC", "jpeg"), ("PDF", "PDF", "png"), ("TIFF", "TIFF", "png")]
)
def test_each_type_is_converted_and_the_pipeline_says_so(fmt: str, named: str, sent: str) -> None:
    data = encoded(card(), fmt)
    loaded = load_image(data)
    assert loaded.converted_from == named and loaded.format == sent
    payload = prepare(data)
    assert payload.steps[:2] == (CONVERTED, RE_ENCODED) and payload.converted_from == named
    assert payload.data.startswith(JPEG_MAGIC if sent == "jpeg" else PNG_MAGIC)
    again = load_image(payload.data)  # what is sent is an image the API takes, of the document
    assert again.converted_from is None and again.format == sent
    if fmt != "PDF":  # a PDF page is rendered at 200 dpi, not at the picture's own size
        assert (again.width, again.height) == card().size


@pytest.mark.slow  # a CLI process, or real OCR through the sandbox
def test_a_converted_card_is_read_by_the_sandbox() -> None:
    for fmt in ("HEIF", "PDF"):
        payload = prepare(encoded(card(), fmt))
        bgr = cv2.imdecode(np.frombuffer(payload.data, np.uint8), cv2.IMREAD_COLOR)
        assert bgr is not None
        reading = get_engine().read_credit_card(bgr)
        assert reading is not None and "".join(g.value for g in reading.groups) == CARD_NUMBER, fmt


@pytest.mark.parametrize("fmt", ["PDF", "TIFF"])
def test_several_pages_are_refused_with_a_clear_message(fmt: str) -> None:
    data = encoded(card(), fmt, save_all=True, append_images=[card()])
    with pytest.raises(ImageRejected) as caught:
        load_image(data)
    assert caught.value.code == "multi_page" and caught.value.params["pages"] == 2
    assert "2 pages" in rejection("multi_page", caught.value.params, "en")
    assert "2쪽" in rejection("multi_page", caught.value.params, "ko")


def test_a_damaged_heic_is_refused_as_corrupt() -> None:
    data = encoded(card(), "HEIF")
    with pytest.raises(ImageRejected) as caught:
        load_image(data[: len(data) // 3])
    assert caught.value.code == "corrupt"


def test_a_huge_pdf_page_is_refused_before_rendering() -> None:
    page = Image.new("RGB", (200, 200), "white")
    data = encoded(page, "PDF", resolution=2.0)  # 200 px at 2 dpi: a page 100 inches wide
    with pytest.raises(ImageRejected) as caught:
        load_image(data)
    assert caught.value.code == "bomb"


def test_the_lab_collects_the_converted_types() -> None:
    assert all(is_image_name(f"scan.{ext}") for ext in ("heic", "HEIF", "pdf", "tif", "tiff"))


@pytest.mark.slow  # a CLI process, or real OCR through the sandbox
def test_the_cli_sends_a_heic_photo_and_refuses_a_two_page_pdf(tmp_path: Path) -> None:
    """The CLI door, end to end against the sandbox (its real engine reads the converted card)."""
    import os
    import subprocess
    import sys

    from sandbox.config import SandboxConfig
    from sandbox.server import start_sandbox

    heic, pdf = tmp_path / "card.heic", tmp_path / "two.pdf"
    heic.write_bytes(encoded(card(), "HEIF"))
    pdf.write_bytes(encoded(card(), "PDF", save_all=True, append_images=[card()]))
    env = {k: v for k, v in os.environ.items() if not k.startswith("NHN_OCR_")}
    with start_sandbox(SandboxConfig()) as running:
        creds = [
            "--base-url",
            running.base_url,
            "--app-key",
            running.app_key,
            "--secret-key",
            running.secret_key,
        ]

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "ocr_core", *creds, *args],
                cwd=CARD.parents[2],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )

        sent = cli("--json", "--unmasked", "credit-card", str(heic))
        assert sent.returncode == 0, sent.stderr
        assert __import__("json").loads(sent.stdout)["result"]["totalCardNum"] == CARD_NUMBER
        refused = cli("credit-card", str(pdf))
        assert refused.returncode == 4 and "2 pages" in refused.stderr + refused.stdout


def test_the_will_send_line_says_what_the_upload_was_converted_from() -> None:
    from ui.preprocess_panel import cleaned_note

    note = cleaned_note(prepare(encoded(card(), "HEIF")))
    assert "converted from HEIC" in note and "JPEG" in note
    assert "converted from PDF" in cleaned_note(prepare(encoded(card(), "PDF")))


def test_a_scan_whose_png_would_pass_the_byte_limit_is_sent_as_jpeg() -> None:
    noisy = Image.fromarray(np.random.default_rng(22).integers(0, 256, (600, 900, 3), dtype=np.uint8))
    data = encoded(noisy, "TIFF")
    assert load_image(data).format == "png"
    small_limit = load_image(data, max_bytes=len(data))  # the PNG of noise is as large as the TIFF
    assert small_limit.converted_from == "TIFF" and small_limit.format == "jpeg"
