"""The sandbox's real OCR engine against the committed specimens (and a few pure parser checks)."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from sandbox.engine import get_engine
from sandbox.engine.cards import parse_card
from sandbox.engine.geometry import rotate_image, unrotate_points
from sandbox.engine.mrz import check_digit, parse_td3
from sandbox.engine.ocr import HangulReader, TextLine
from sandbox.engine.recognizer import Recognizer
from sandbox.engine.types import CardReading, IdReading, Quad

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def load(rel: str) -> tuple[np.ndarray, dict]:
    image = cv2.imread(str(SAMPLES / rel), cv2.IMREAD_COLOR)
    assert image is not None, rel
    truth = json.loads((SAMPLES / rel).with_suffix(".json").read_text(encoding="utf-8"))
    return image, truth


@pytest.fixture(scope="module")
def engine():
    return get_engine()


def inside(box: Quad, image: np.ndarray) -> bool:
    h, w = image.shape[:2]
    return all(-2 <= x <= w + 2 and -2 <= y <= h + 2 for x, y in box) and box[2][0] > box[0][0]


def glare(image: np.ndarray, strength: float) -> np.ndarray:
    """A specular highlight over the middle of the number row."""
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    spot = np.exp(-(((xx - w * 0.55) / (w * 0.18)) ** 2 + ((yy - h * 0.58) / (h * 0.2)) ** 2))[..., None]
    return np.clip(image + spot * strength, 0, 255).astype(np.uint8)


def card_conf(reading: CardReading) -> float:
    return float(np.mean([g.conf for g in reading.groups]))


def id_values(reading: IdReading) -> dict[str, str]:
    return {k: r.value for k, r in reading.fields}


# ---------------------------------------------------------------------------- credit cards


@pytest.mark.slow  # the real OCR engine on a specimen
@pytest.mark.parametrize(
    "rel", ["cards/visa_blue_flat.png", "cards/amex_green_embossed.png", "cards/visa_purple_vertical.png"]
)
def test_clean_card_is_read_exactly(engine, rel: str) -> None:
    image, truth = load(rel)
    reading = engine.read_credit_card(image)
    assert reading is not None
    assert [g.value for g in reading.groups] == truth["fields"]["groups"]
    assert reading.valid_thru is not None and reading.valid_thru.value == truth["fields"]["validThru"]
    assert all(inside(g.box, image) for g in reading.groups) and inside(reading.valid_thru.box, image)
    lefts = [g.box[0][0] for g in reading.groups]
    assert lefts == sorted(lefts), "groups come left to right, each with its own box"
    assert all(0.0 < g.conf <= 1.0 for g in reading.groups)


@pytest.mark.slow  # the real OCR engine on a specimen
def test_sideways_photo_is_turned_and_boxed_in_the_photo(engine) -> None:
    image, truth = load("photos/samsunglike_sideways.jpg")
    reading = engine.read_credit_card(image)
    assert reading is not None and "".join(g.value for g in reading.groups) == truth["fields"]["cardNumber"]
    quad = np.array(truth["meta"]["quad"], np.float32)
    x0, y0 = quad.min(axis=0)
    x1, y1 = quad.max(axis=0)
    for g in reading.groups:  # boxes are in the photo's coordinates, on the card
        cx, cy = np.mean(g.box, axis=0)
        assert x0 <= cx <= x1 and y0 <= cy <= y1
    tops = [g.box[0][1] for g in reading.groups]
    assert tops == sorted(tops, reverse=True), "on a card turned a quarter left, the number runs upwards"


@pytest.mark.slow  # the real OCR engine on a specimen
def test_degraded_copies_score_lower(engine) -> None:
    image, _ = load("cards/visa_blue_flat.png")
    clean = engine.read_credit_card(image)
    h, w = image.shape[:2]
    degraded = {
        "blurred": cv2.GaussianBlur(image, (0, 0), 2.5),
        "dark": (image * 0.3).astype(np.uint8),
        "small": cv2.resize(image, (w * 2 // 5, h * 2 // 5), interpolation=cv2.INTER_AREA),
        "glare": glare(image, strength=180),
    }
    for name, img in degraded.items():
        reading = engine.read_credit_card(img)
        assert reading is not None, name
        # a Luhn-valid number's calibrated confidence spans 0.9-1.0 (sandbox/engine/confidence.py: such
        # a read is right whatever the blur), so it falls by a tenth of the raw score's drop - but falls
        assert card_conf(reading) < card_conf(clean) - 0.005, name


@pytest.mark.slow  # the real OCR engine on a specimen
def test_blank_image_is_no_card_and_no_id(engine) -> None:
    blank = np.full((540, 856, 3), 235, np.uint8)
    assert engine.read_credit_card(blank) is None
    assert engine.read_id_card(blank) is None


# ---------------------------------------------------------------------------- ID cards


@pytest.mark.slow  # the real OCR engine on a specimen
@pytest.mark.parametrize(
    "rel", ["ids/resident_hong_gildong.png", "ids/driver_lee_seojun.png", "ids/passport_kim_minseo.png"]
)
def test_clean_id_is_read_field_by_field(engine, rel: str) -> None:
    image, truth = load(rel)
    reading = engine.read_id_card(image)
    assert reading is not None and reading.id_type == truth["docType"]
    assert [k for k, _ in reading.fields] == list(truth["fields"]), "every key of the guide, in its order"
    got = id_values(reading)
    hangul = engine.hangul_available
    for key, expected in truth["fields"].items():
        if not hangul and any("가" <= ch <= "힣" for ch in str(expected)):
            continue  # without Tesseract's Korean data Hangul values cannot be read
        assert got[key] == expected, key
    for key, r in reading.fields:
        if r.value and r.value != "none":
            assert inside(r.box, image) and 0.0 < r.conf <= 1.0, key
    if hangul:  # calibrated (issue 22): a clean read that is right says so
        unsure = {k: r.conf for k, r in reading.fields if r.value not in ("", "none") and r.conf < 0.9}
        assert not unsure, unsure
    assert len(reading.boxes) >= len([1 for _, r in reading.fields if r.value]) // 2


@pytest.mark.slow  # the real OCR engine on a specimen
def test_upside_down_id_is_read_and_boxed_in_the_image_as_sent(engine) -> None:
    image, truth = load("ids/resident_park_jiwoo.png")
    turned = rotate_image(image, 2)
    reading = engine.read_id_card(turned)
    assert reading is not None and reading.id_type == "resident"
    number = dict(reading.fields)["residentNumber"]
    assert number.value == truth["fields"]["residentNumber"]
    h, w = turned.shape[:2]
    cx, cy = np.mean(number.box, axis=0)
    assert cx > w / 2 and cy > h / 2, "printed top-left, so bottom-right once turned"


@pytest.mark.slow  # the real OCR engine on a specimen
def test_blurred_id_scores_lower(engine) -> None:
    image, _ = load("ids/resident_kim_minseo.png")
    clean = dict(engine.read_id_card(image).fields)
    blurred = engine.read_id_card(cv2.GaussianBlur(image, (0, 0), 2.0))
    assert blurred is not None
    # calibrated (sandbox/engine/confidence.py): a checked number spans 0.9-1.0, a real date 0.8-1.0, so
    # the drop is a tenth / a fifth of the raw score's
    for key, drop in (("residentNumber", 0.005), ("issueDate", 0.01)):
        assert dict(blurred.fields)[key].conf < clean[key].conf - drop, key


@pytest.mark.slow  # the real OCR engine on a specimen
def test_without_tesseract_ids_are_still_typed_and_numbers_read(engine) -> None:
    image, truth = load("ids/driver_hong_gildong.png")
    bare = Recognizer(rapid=engine.rapid, hangul=HangulReader(enabled=False))
    reading = bare.read_id_card(image)
    assert reading is not None and reading.id_type == "driver"
    got = id_values(reading)
    for key in ("driverLicenseNumber", "residentNumber", "serialNum", "issueDate"):
        assert got[key] == truth["fields"][key], key
    assert got["name"] == "" and dict(reading.fields)["name"].conf == 0.0


# ---------------------------------------------------------------------------- speed seams


@pytest.mark.slow  # the real OCR engine on a specimen
def test_detection_on_a_small_copy_finds_the_lines_the_full_size_finds(engine) -> None:
    """Detection runs on a copy far smaller than the crops the recogniser reads (its cost grows with
    area); the lines and their readings stay those of a full-size detection."""
    image, truth = load("ids/driver_lee_seojun.png")
    full = {ln.text for ln in engine.rapid.read(image, 1280, det_side=1280)}
    small = engine.rapid.read(image, 1280, det_side=640)
    for key in ("driverLicenseNumber", "residentNumber", "serialNum"):
        assert truth["fields"][key] in full and truth["fields"][key] in {ln.text for ln in small}, key
    h, w = image.shape[:2]
    for ln in small:  # boxes in the coordinates of the image given, not of the small copy
        assert ln.quad[:, 0].min() >= 0 and ln.quad[:, 0].max() <= w and ln.quad[:, 1].max() <= h


@pytest.mark.slow  # the real OCR engine on a specimen
def test_onnx_sessions_let_idle_threads_sleep(engine) -> None:
    for model in engine.rapid._load():
        options = model.session.session.get_session_options()
        assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"


@pytest.mark.slow  # the real OCR engine on a specimen
def test_concurrent_tesseract_runs_give_each_crop_its_own_reading(engine, monkeypatch) -> None:
    if not engine.hangul_available:
        pytest.skip("Tesseract with Korean data is not installed")
    from sandbox.engine import ocr

    image, _ = load("ids/resident_hong_gildong.png")
    quads = [ln.quad for ln in engine.rapid.read(image, 1280)]
    together = engine.hangul.read(image, quads)
    monkeypatch.setattr(ocr, "TESSERACT_JOBS", 1)
    assert engine.hangul.read(image, quads) == together
    assert any(h.text.replace(" ", "").startswith("홍길동") for h in together)


# ---------------------------------------------------------------------------- pure parts


def test_icao_check_digits_and_repair() -> None:
    # ICAO 9303 part 4 specimen values
    assert check_digit("L898902C3") == "6" and check_digit("740812") == "2" and check_digit("120415") == "9"
    td3 = parse_td3(
        "PMK0RH0NG<<GILD0NG<<<<<<<<<<<<<<<<<<<<<<<<<<", "M123456788K0R9001158M29051431234567<<<<<<<44"
    )
    assert td3.checks_ok and td3.surname == "HONG" and td3.given_names == "GILDONG" and td3.country == "KOR"
    broken = parse_td3(
        "PMKORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<", "M123456788KOR9001158M29051431234568<<<<<<<44"
    )
    assert not broken.checks_ok


def line(text: str, x: float, y: float, w: float, score: float = 0.99) -> TextLine:
    return TextLine(text, score, np.array([[x, y], [x + w, y], [x + w, y + 50], [x, y + 50]], np.float32))


def test_card_parser_prefers_luhn_and_splits_unbroken_numbers() -> None:
    reading = parse_card(
        [
            line("4111111111111112", 50, 100, 640),
            line("4111 1111 1111 1111", 50, 300, 760),
            line("VALID THRU 09/27", 300, 400, 300),
        ]
    )
    assert reading is not None and [g.value for g in reading.groups] == ["4111", "1111", "1111", "1111"]
    assert reading.valid_thru is not None and reading.valid_thru.value == "09/27"
    amex = parse_card([line("3782 822463 10005", 50, 100, 680)])
    assert amex is not None and [g.value for g in amex.groups] == ["3782", "822463", "10005"]
    widths = [g.box[1][0] - g.box[0][0] for g in amex.groups]
    assert widths[1] > widths[2] > widths[0], "a split line gives each group its share of the box"
    assert parse_card([line("HONG GILDONG", 50, 100, 300), line("1234 5678", 50, 200, 300)]) is None


def test_card_parser_reads_a_glyph_shared_by_two_detections_once() -> None:
    # '4169' and '948527' both cover the 9; '948527' and '7544 0040' both cover the 7 (a tilted photo)
    lines = [line("4169", 140, 272, 121), line("948527", 235, 277, 230), line("7544 0040", 440, 283, 270)]
    reading = parse_card(lines)
    assert reading is not None and [g.value for g in reading.groups] == ["4169", "4852", "7544", "0040"]
    # boxes that overlap by their padding alone keep every digit
    padded = parse_card([line("4396", 167, 282, 144), line("3173 5623 9782", 291, 282, 398)])
    assert padded is not None and [g.value for g in padded.groups] == ["4396", "3173", "5623", "9782"]


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_rotation_round_trip(turns: int) -> None:
    img = np.zeros((5, 8), np.uint8)
    img[1, 6] = 9
    y, x = np.argwhere(rotate_image(img, turns) == 9)[0]
    assert unrotate_points(np.array([[x, y]], np.float32), turns, img.shape).tolist() == [[6.0, 1.0]]
