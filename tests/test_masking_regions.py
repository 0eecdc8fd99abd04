"""Issue 12, item 10: with masking on, the image hides every personal region — the fields the API
names and what it does not (Hanja name, address, photo; a credit card holder's name) — while the
heading stays readable. Real OCR through the sandbox; coordinates are the specimens' own layout."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr_core import OcrClient, Settings
from ocr_core.imaging import load_image
from ocr_core.imaging.portrait import find_portraits
from tests.support.apptest import SAMPLES
from tests.support.imaging_scenes import photographed_id
from ui.redaction import blur_regions
from ui.rows import personal_polygons, rows_for

# (x0, y0, x1, y1) on the 856×540 specimens
RESIDENT_REGIONS = {
    "hanja": (185, 140, 305, 190),
    "address": (60, 285, 400, 350),
    "photo": (640, 130, 780, 340),
}
DRIVER_REGIONS = {"address": (50, 320, 340, 375), "photo": (650, 120, 780, 310), "name": (50, 215, 160, 260)}
CARD_REGIONS = {"holder": (75, 455, 310, 488)}
HEADING = (62, 45, 300, 100)


@pytest.fixture(scope="module")
def client(sandbox):
    with OcrClient(
        Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)
    ) as c:
        yield c


def _changed(before: np.ndarray, after: np.ndarray, box: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = box
    return float(np.mean(np.abs(before[y0:y1, x0:x1].astype(int) - after[y0:y1, x0:x1].astype(int))))


def _masked(client, image: str):
    data = (SAMPLES / image).read_bytes()
    bgr = load_image(data).bgr
    result = (
        client.analyze_credit_card(data)
        if image.startswith("cards/")
        else client.analyze_id_card(data, stand_alone=True)
    )
    rows = rows_for(result, "en", masked=True)
    return bgr, blur_regions(bgr, personal_polygons(result, rows, bgr))


@pytest.mark.slow  # real OCR through the sandbox, or a 12 MP photo
@pytest.mark.parametrize(
    ("image", "regions"),
    [
        ("ids/resident_hong_gildong.png", RESIDENT_REGIONS),
        ("ids/driver_hong_gildong.png", DRIVER_REGIONS),
        ("cards/visa_blue_flat.png", CARD_REGIONS),
    ],
)
def test_every_personal_region_is_blurred_and_the_heading_is_not(client, image, regions):
    before, after = _masked(client, image)
    for name, box in regions.items():
        assert _changed(before, after, box) > 4, f"{name} is still sharp on {image}"
    if not image.startswith("cards/"):
        assert _changed(before, after, HEADING) < 1, "the document's heading was blurred"


@pytest.mark.parametrize(
    "image",
    [
        "ids/resident_hong_gildong.png",
        "ids/driver_kim_minseo.jpg",
        "ids/passport_hong_gildong.png",
        "photos/resident_hong_desk.jpg",
        "photos/passport_hong_desk.jpg",
        "photos/driver_lee_low_res.jpg",
    ],
)
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


# ---------------------------------------------------------------- issue 18, item 4: photos too


def _cover(quad, truth: np.ndarray, shape) -> tuple[float, float]:
    """(intersection over union, share of the true portrait covered) of a found quad."""
    found, true = np.zeros(shape[:2], np.uint8), np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(found, np.asarray(quad, np.int32), 1)
    cv2.fillConvexPoly(true, np.round(truth).astype(np.int32), 1)
    both = int((found & true).sum())
    return both / max(1, int((found | true).sum())), both / max(1, int(true.sum()))


@pytest.mark.slow  # real OCR through the sandbox, or a 12 MP photo
@pytest.mark.parametrize(
    ("flat", "doc", "orientation", "tilt"),
    [
        ("ids/resident_park_jiwoo.png", "resident", 6, 7.0),
        ("ids/resident_hong_gildong.png", "resident", 8, -12.0),
        ("ids/driver_hong_gildong.png", "driver", 6, 5.0),
        ("ids/passport_hong_gildong.png", "passport", 3, -4.0),
    ],
)
def test_the_portrait_on_a_12mp_exif_rotated_photo_is_found_as_the_document_warps_it(
    flat, doc, orientation, tilt
):
    shot = photographed_id(SAMPLES / flat, doc, orientation=orientation, rotation_deg=tilt)
    bgr = load_image(shot.data).bgr
    assert bgr.shape[:2] == shot.upright.shape[:2]  # turned upright from its EXIF tag
    best = max((_cover(q, shot.portrait, bgr.shape) for q in find_portraits(bgr)), default=(0.0, 0.0))
    assert best[0] > 0.9 and best[1] > 0.97, f"portrait found as {best} (IoU, covered)"


def test_the_blur_follows_a_tilted_polygon_and_leaves_what_is_beside_it():
    rng = np.random.default_rng(3)
    img = rng.integers(0, 255, (400, 600, 3), dtype=np.uint8)
    # a text line tilted by 20°: its axis-aligned box would cover the corners above and below it
    line = cv2.boxPoints(((300, 200), (360, 30), 20)).astype(int)
    out = blur_regions(img, [tuple(map(tuple, line))])
    assert out[195:205, 290:310].std() < img[195:205, 290:310].std() / 3  # on the line: gone
    for corner in ((slice(250, 270), slice(140, 170)), (slice(125, 140), slice(430, 460))):
        # inside the line's bounding box, far from the line itself
        assert np.array_equal(out[corner], img[corner])


def _tilted(image: str, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """The specimen on a wider dark table, turned by ``degrees``: (picture, 3×3 map from the specimen's
    own coordinates into it)."""
    flat = cv2.imread(str(SAMPLES / image))
    assert flat is not None, image
    pad = 160
    canvas = cv2.copyMakeBorder(flat, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(70, 60, 50))
    turn = cv2.getRotationMatrix2D((canvas.shape[1] / 2, canvas.shape[0] / 2), degrees, 1.0)
    picture = cv2.warpAffine(canvas, turn, (canvas.shape[1], canvas.shape[0]), borderValue=(70, 60, 50))
    return picture, np.vstack([turn, [0, 0, 1]]) @ np.array([[1, 0, pad], [0, 1, pad], [0, 0, 1]], float)


def _changed_inside(
    before: np.ndarray, after: np.ndarray, box: tuple[int, int, int, int], to: np.ndarray
) -> float:
    """Mean change inside ``box`` (specimen coordinates, shrunk by 15 % to keep off the blur's margin)
    where the map ``to`` put it."""
    x0, y0, x1, y1 = box
    corners = (to @ np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], float).T)[:2].T
    middle = corners.mean(axis=0)
    inner = middle + (corners - middle) * 0.85
    mask = np.zeros(before.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, inner.astype(np.int32), 1)
    return float(np.abs(before.astype(int) - after.astype(int)).mean(axis=2)[mask > 0].mean())


@pytest.mark.slow  # real OCR through the sandbox, or a 12 MP photo
@pytest.mark.parametrize("degrees", [-12, -8, 8, 12])
@pytest.mark.parametrize(
    ("image", "regions"),
    [
        ("ids/resident_hong_gildong.png", RESIDENT_REGIONS),
        ("ids/driver_hong_gildong.png", DRIVER_REGIONS),
        ("cards/visa_blue_flat.png", CARD_REGIONS),
    ],
)
def test_on_a_tilted_document_the_heading_stays_readable_and_the_rest_is_hidden(
    client, image, regions, degrees
):
    """Issue 18 item 4: "above the first personal field" and "under the number row" are the document's
    own directions. Read in the image's axes, a card turned by −8° had its heading blurred (mean change
    78 where a readable heading changes < 1)."""
    picture, to = _tilted(image, degrees)
    data = cv2.imencode(".png", picture)[1].tobytes()
    bgr = load_image(data).bgr
    result = (
        client.analyze_credit_card(data)
        if image.startswith("cards/")
        else client.analyze_id_card(data, stand_alone=True)
    )
    after = blur_regions(bgr, personal_polygons(result, rows_for(result, "en", masked=True), bgr))
    for name, box in regions.items():
        assert _changed_inside(bgr, after, box, to) > 4, f"{name} is still sharp on {image} at {degrees}°"
    if not image.startswith("cards/"):
        assert _changed_inside(bgr, after, HEADING, to) < 1, f"the heading was blurred at {degrees}°"
