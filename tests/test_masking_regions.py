"""Issue 12, item 10: with masking on, the image hides every personal region — the fields the API
names and what it does not (Hanja name, address, photo; a credit card holder's name) — while the
heading stays readable. Real OCR through the sandbox; coordinates are the specimens' own layout."""
from __future__ import annotations

import numpy as np
import pytest

from ocr_core import OcrClient, Settings
from ocr_core.imaging import load_image
from ocr_core.imaging.portrait import find_portraits
from tests.support.apptest import SAMPLES
from ui.redaction import blur_regions
from ui.rows import personal_polygons, rows_for

# (x0, y0, x1, y1) on the 856×540 specimens
RESIDENT_REGIONS = {"hanja": (185, 140, 305, 190), "address": (60, 285, 400, 350), "photo": (640, 130, 780, 340)}
DRIVER_REGIONS = {"address": (50, 320, 340, 375), "photo": (650, 120, 780, 310), "name": (50, 215, 160, 260)}
CARD_REGIONS = {"holder": (75, 455, 310, 488)}
HEADING = (62, 45, 300, 100)


@pytest.fixture(scope="module")
def client(sandbox):
    with OcrClient(Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)) as c:
        yield c


def _changed(before: np.ndarray, after: np.ndarray, box: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = box
    return float(np.mean(np.abs(before[y0:y1, x0:x1].astype(int) - after[y0:y1, x0:x1].astype(int))))


def _masked(client, image: str):
    data = (SAMPLES / image).read_bytes()
    bgr = load_image(data).bgr
    result = client.analyze_credit_card(data) if image.startswith("cards/") else \
        client.analyze_id_card(data, stand_alone=True)
    rows = rows_for(result, "en", masked=True)
    return bgr, blur_regions(bgr, personal_polygons(result, rows, bgr))


@pytest.mark.parametrize(("image", "regions"), [
    ("ids/resident_hong_gildong.png", RESIDENT_REGIONS),
    ("ids/driver_hong_gildong.png", DRIVER_REGIONS),
    ("cards/visa_blue_flat.png", CARD_REGIONS),
])
def test_every_personal_region_is_blurred_and_the_heading_is_not(client, image, regions):
    before, after = _masked(client, image)
    for name, box in regions.items():
        assert _changed(before, after, box) > 4, f"{name} is still sharp on {image}"
    if not image.startswith("cards/"):
        assert _changed(before, after, HEADING) < 1, "the document's heading was blurred"


@pytest.mark.parametrize("image", ["ids/resident_hong_gildong.png", "ids/driver_kim_minseo.jpg",
                                   "ids/passport_hong_gildong.png", "photos/resident_hong_desk.jpg",
                                   "photos/passport_hong_desk.jpg", "photos/driver_lee_low_res.jpg"])
def test_the_holders_photo_is_found(image):
    bgr = load_image((SAMPLES / image).read_bytes()).bgr
    quads = find_portraits(bgr)
    assert quads, f"no portrait found on {image}"
    h, w = bgr.shape[:2]
    for quad in quads:
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        assert 0.03 < (max(xs) - min(xs)) * (max(ys) - min(ys)) / (w * h) < 0.35


def test_no_portrait_on_a_credit_card():
    assert find_portraits(load_image((SAMPLES / "cards/visa_blue_flat.png").read_bytes()).bgr) == []
