"""assess_quality and find_card_quad: synthetic scenes with known faults, then the committed specimens."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from ocr_core.imaging import (
    CHECK_NAMES,
    QualityCheck,
    QualityReport,
    QualityThresholds,
    assess_quality,
    find_card_quad,
    load_image,
)
from ocr_core.imaging.geometry import card_geometry, order_quad
from tests.support.imaging_scenes import Scene, card_face, desk, perspective_quad, photo, specimens
from ui.i18n import label_of
from ui.quality_panel import quality_reason

HANGUL = re.compile("[가-힣]")
SIZE = (1280, 960)


@cache
def scene(name: str) -> Scene:
    """Each scene is drawn once per test session."""
    variants: dict[str, dict[str, Any]] = {
        "good": {"quad": perspective_quad(SIZE, rotation_deg=1.0, keystone=0.04, share=0.66)},
        "good_id": {
            "kind": "id",
            "quad": perspective_quad(SIZE, rotation_deg=-1.5, keystone=0.05, share=0.66),
        },
        "blurred": {"blur_sigma": 4.0, "quad": perspective_quad(SIZE, rotation_deg=1.0, share=0.66)},
        "dark": {"gain": 0.3, "quad": perspective_quad(SIZE, rotation_deg=1.0, share=0.66)},
        "glare": {
            "kind": "id",
            "glare": (0.1, -0.05, 0.25),
            "quad": perspective_quad(SIZE, rotation_deg=1.0, share=0.66),
        },
        "tilted": {"quad": perspective_quad(SIZE, rotation_deg=22.0, keystone=0.05, share=0.55)},
        "perspective": {"quad": perspective_quad(SIZE, rotation_deg=2.0, keystone=0.45, share=0.66)},
        "cut_off": {"quad": perspective_quad(SIZE, share=0.6, offset=(0.35, 0.0))},
        "far": {"quad": perspective_quad(SIZE, share=0.3, rotation_deg=1.0)},
        "thumb": {"thumb": True, "quad": perspective_quad(SIZE, rotation_deg=4.0, share=0.6)},
    }
    return photo(size=SIZE, seed=7, **variants[name])


@cache
def report(name: str) -> QualityReport:
    return assess_quality(scene(name).bgr)


def _value(check: QualityCheck) -> float:
    assert check.value is not None, check
    return check.value


def statuses(r: QualityReport) -> dict[str, str]:
    return {c.name: c.status for c in r.checks}


def corner_error(found: np.ndarray, truth: np.ndarray, shape: tuple[int, ...]) -> float:
    """Largest corner distance as a share of the image diagonal."""
    return float(
        np.linalg.norm(order_quad(found) - order_quad(truth), axis=1).max() / np.hypot(shape[0], shape[1])
    )


# --- synthetic scenes --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["good", "good_id"])
def test_a_good_photo_passes_every_check(name: str) -> None:
    r = report(name)
    assert r.status == "pass", [(c.name, c.status, c.value, c.reason) for c in r.problems]
    assert list(statuses(r)) == list(CHECK_NAMES)


@pytest.mark.parametrize(
    "name", ["good", "tilted", "perspective", "far", "blurred", "dark", "glare", "thumb"]
)
def test_card_quad_is_found_where_it_was_drawn(name: str) -> None:
    s = scene(name)
    found = find_card_quad(s.bgr)
    assert found is not None
    assert found.shape == (4, 2) and found.dtype == np.float32
    assert corner_error(found, s.quad, s.bgr.shape) < 0.01
    held = report(name).card_quad
    assert held is not None and np.array_equal(held, found)


def test_quad_is_ordered_clockwise_from_top_left() -> None:
    q = find_card_quad(scene("tilted").bgr)
    assert q is not None
    tl, tr, br, bl = q
    assert tl[0] < tr[0] and bl[0] < br[0] and tl[1] < bl[1] and tr[1] < br[1]


def test_blur_fails_sharpness_only() -> None:
    s = statuses(report("blurred"))
    assert s["sharpness"] == "fail"
    assert _value(report("blurred")["sharpness"]) < _value(report("good")["sharpness"]) / 5
    assert s["brightness"] == s["glare"] == s["boundary"] == "pass"


def test_dark_photo_fails_brightness_not_sharpness() -> None:
    s = statuses(report("dark"))
    assert s["brightness"] == "fail"
    assert s["sharpness"] == "pass"  # underexposed is not blurred


def test_glare_is_measured_and_masked_on_the_card() -> None:
    r = report("glare")
    glare = r["glare"]
    assert glare.status == "fail" and _value(glare) > 0.05
    h, w = scene("glare").bgr.shape[:2]
    assert r.glare_mask.shape == (h, w) and r.glare_mask.dtype == np.uint8
    ys, xs = np.nonzero(r.glare_mask)
    centre = scene("glare").quad.mean(axis=0)
    assert abs(xs.mean() - centre[0]) < 0.25 * w and abs(ys.mean() - centre[1]) < 0.25 * h
    # No glare reported on a pale ID card without a highlight: paper white is not glare.
    assert report("good_id")["glare"].status == "pass"
    assert not report("good_id").glare_mask.any()


def test_tilt_is_measured_from_the_card_edges() -> None:
    tilt = report("tilted")["tilt"]
    assert tilt.status == "fail"
    assert tilt.value == pytest.approx(22.0, abs=1.0)
    assert abs(_value(report("good")["tilt"]) - 1.0) < 1.0


def test_strong_perspective_is_flagged() -> None:
    assert report("perspective")["perspective"].status != "pass"
    assert report("good")["perspective"].status == "pass"


def test_card_touching_the_edge_is_cut_off() -> None:
    assert report("cut_off")["boundary"].status == "fail"
    assert report("good")["boundary"].status == "pass"


def test_far_card_fails_card_resolution_while_the_image_passes() -> None:
    s = statuses(report("far"))
    assert s["resolution_card"] == "fail" and s["resolution_image"] == "pass"


def test_small_image_fails_image_resolution() -> None:
    small = photo(size=(480, 300), quad=perspective_quad((480, 300), share=0.7, rotation_deg=1.0)).bgr
    s = statuses(assess_quality(small))
    assert s["resolution_image"] == "fail" and s["resolution_card"] == "fail"


def test_no_card_at_all() -> None:
    r = assess_quality(desk((1200, 900), seed=3))
    assert r.card_quad is None
    assert r["boundary"].status == "warn"
    assert r["resolution_card"].value is None


def test_an_image_already_cropped_to_the_card_is_the_card() -> None:
    r = assess_quality(card_face("id"))
    assert r.card_quad is None
    assert r["boundary"].status == "pass" and r["resolution_card"].status == "pass"


def test_thresholds_are_parameters() -> None:
    lenient = QualityThresholds(tilt_warn_deg=30, tilt_fail_deg=40)
    assert assess_quality(scene("tilted").bgr, lenient)["tilt"].status == "pass"


def test_report_accepts_a_loaded_image() -> None:
    from tests.support.imaging_scenes import encode

    loaded = load_image(encode(scene("good").bgr, ".jpg", 90))
    assert assess_quality(loaded).status == "pass"


def test_every_reason_is_bilingual_and_labelled() -> None:
    for name in ("good", "blurred", "dark", "glare", "tilted", "cut_off", "far"):
        for check in report(name).checks:
            assert check.status in ("pass", "warn", "fail")
            assert check.reason.startswith(check.name.split("_")[0])  # a code, no prose in the library
            en, ko = quality_reason(check, "en"), quality_reason(check, "ko")
            assert en and not HANGUL.search(en) and "{" not in en, (name, check.reason)
            assert HANGUL.search(ko) and "{" not in ko, (name, check.reason)
            assert check.name in CHECK_NAMES and label_of("quality", check.name, "en") != check.name
            assert HANGUL.search(label_of("quality", check.name, "ko"))


def test_report_status_is_the_worst_check() -> None:
    assert report("blurred").status == "fail"
    assert report("good").status == "pass" and report("good").problems == ()


def test_geometry_of_a_known_quad() -> None:
    g = card_geometry(np.array([[0, 0], [856, 0], [856, 540], [0, 540]], np.float32))
    assert (g.width, g.height, g.rotation_deg, g.keystone) == (856, 540, 0, 0)


# --- committed specimens ------------------------------------------------------------------------

PHOTOS = specimens("photo")
CLEAN = specimens("clean")
needs_photos = pytest.mark.skipif(not PHOTOS, reason="samples/photos not generated yet (samples/generate.py)")


@cache
def specimen_report(path: str) -> QualityReport:
    with open(path, "rb") as f:
        return assess_quality(load_image(f.read()))


@needs_photos
@pytest.mark.parametrize("spec", PHOTOS, ids=[s.name for s in PHOTOS])
def test_specimen_photo_quad_matches_its_truth(spec) -> None:
    r = specimen_report(str(spec.path))
    assert r.card_quad is not None, "card not found"
    shape = (spec.truth["height"], spec.truth["width"])
    assert corner_error(r.card_quad, spec.quad, shape) < 0.02


@needs_photos
@pytest.mark.parametrize("spec", PHOTOS, ids=[s.name for s in PHOTOS])
def test_specimen_photo_faults_are_flagged(spec) -> None:
    s = statuses(specimen_report(str(spec.path)))
    effects = set(spec.effects)
    expected = {
        "blur": ["sharpness"],
        "glare": ["glare"],
        "dark": ["brightness"],
        "low-resolution": ["resolution_card", "resolution_image"],
    }
    flagged = [check for effect in effects for check in expected.get(effect, [])]
    for check in flagged:
        assert s[check] != "pass", f"{check} should be flagged for {sorted(effects)}"
    if not flagged:  # perspective, shadow, sideways, 12 MP: nothing that stops a reading
        assert "fail" not in s.values(), s


@pytest.mark.skipif(not CLEAN, reason="samples not generated yet (samples/generate.py)")
@pytest.mark.parametrize("spec", CLEAN, ids=[s.name for s in CLEAN])
def test_clean_specimens_pass(spec) -> None:
    r = specimen_report(str(spec.path))
    assert r.status == "pass", [(c.name, c.value, c.reason) for c in r.problems]


# ---------------------------------------------------------------- issue 12, item 8


def _specimen_bgr(rel: str):
    return cv2.imread(str(Path(__file__).resolve().parents[1] / "samples" / rel))


@pytest.mark.parametrize(("quality", "status"), [(20, "fail"), (40, "warn"), (90, "pass")])
def test_jpeg_compression_is_checked(quality, status):
    from ocr_core.imaging import assess_quality, load_image

    _, buf = cv2.imencode(
        ".jpg", _specimen_bgr("cards/visa_blue_flat.png"), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    report = assess_quality(load_image(buf.tobytes()))
    check = report.get("compression")
    assert check is not None and check.status == status, check
    assert abs(check.value - quality) <= 2


def test_a_card_turned_90_degrees_fails_no_longer_silently():
    from ocr_core.imaging import assess_quality, load_image

    card = _specimen_bgr("cards/visa_blue_flat.png")
    for turned, expected in ((cv2.rotate(card, cv2.ROTATE_90_CLOCKWISE), "warn"), (card, "pass")):
        _, buf = cv2.imencode(".png", turned)
        check = assess_quality(load_image(buf.tobytes())).get("orientation")
        assert check is not None and check.status == expected, check
    photo = (Path(__file__).resolve().parents[1] / "samples/photos/samsunglike_sideways.jpg").read_bytes()
    check = assess_quality(load_image(photo)).get("orientation")
    assert check is not None and check.status == "warn", check


def test_a_vertical_card_design_passes_orientation_and_the_same_card_turned_is_warned():
    from ocr_core.imaging import assess_quality, load_image

    card = _specimen_bgr("cards/visa_purple_vertical.png")
    for turned, status, reason in (
        (card, "pass", "orientation.vertical"),
        # turned, it lies flat: its shape says so, without asking Tesseract
        (cv2.rotate(card, cv2.ROTATE_90_CLOCKWISE), "pass", "orientation.pass"),
    ):
        _, buf = cv2.imencode(".png", turned)
        check = assess_quality(load_image(buf.tobytes())).get("orientation")
        assert check is not None and (check.status, check.reason) == (status, reason), check


@pytest.mark.slow  # eight tesseract runs
@pytest.mark.parametrize("rel", ["cards/visa_purple_vertical.png", "ids/resident_hong_gildong.png"])
def test_orientation_in_process_agrees_with_the_tesseract_command(rel, capfd):
    """The in-process OSD (libtesseract's C API) answers what ``tesseract --psm 0`` answers, an
    independent path through the same model, in each of the four turns, and prints nothing."""
    from ocr_core.imaging import orientation

    library = orientation._osd_library()
    if library is None or orientation._tesseract() is None:
        pytest.skip("libtesseract with its osd model, or the tesseract command, is missing")
    card = _specimen_bgr(rel)
    capfd.readouterr()
    for turn in (None, cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE):
        image = card if turn is None else cv2.rotate(card, turn)
        here, command = library.detect(image), orientation._osd_command(image)
        assert here is not None and command is not None
        assert here[0] == command[0], (turn, here, command)
        assert min(here[1], command[1]) >= orientation._MIN_CONFIDENCE
    assert capfd.readouterr() == ("", "")  # no "Invalid resolution 0 dpi" per call on the studio's log


def test_a_card_too_blurred_for_orientation_says_nothing_on_the_studios_log(capfd):
    """Tesseract's OSD finding too little text (a card standing up, blurred as a sweep blurs it) is a
    "cannot tell", not a line "Too few characters. Skipping this page" on stderr per check."""
    from ocr_core.imaging import orientation

    if orientation._osd_library() is None:
        pytest.skip("libtesseract with its osd model is missing")
    standing = cv2.rotate(_specimen_bgr("cards/visa_blue_flat.png"), cv2.ROTATE_90_CLOCKWISE)
    capfd.readouterr()
    for image in (cv2.GaussianBlur(standing, (0, 0), 4), np.full((480, 300, 3), 255, np.uint8)):
        assert orientation.text_upright(image) is None
    assert capfd.readouterr() == ("", "")


def test_grey_percentiles_from_a_histogram_equal_numpys():
    from ocr_core.imaging.levels import percentiles

    rng = np.random.default_rng(7)
    for size in (1, 2, 3, 99, 1000, 65_537):
        for spread in (0.5, 12.0, 80.0):
            grey = np.clip(rng.normal(128, spread, size), 0, 255).astype(np.uint8).reshape(1, -1)
            ps = (0, 1, 2, 37.5, 50, 98, 99, 100)
            assert percentiles(grey, ps) == tuple(float(v) for v in np.percentile(grey, ps))


def test_grey_medians_from_a_histogram_equal_numpys_within_a_mask_too():
    """The checks' medians (the Canny thresholds, the glare's paper level): a channel of a colour
    image (not contiguous), with and without a mask, one that keeps nothing included."""
    from ocr_core.imaging.levels import median

    rng = np.random.default_rng(5)
    for h, w in ((1, 1), (2, 3), (37, 41), (480, 640)):
        hsv = rng.integers(0, 256, (h, w, 3)).astype(np.uint8)
        value = hsv[..., 2]
        assert median(value) == float(np.median(value))
        for share in (0.0, 0.01, 0.5, 1.0):
            mask = (rng.random((h, w)) < share).astype(np.uint8) * 255
            if mask.any():
                assert median(value, mask) == float(np.median(value[mask > 0]))
            else:
                assert np.isnan(median(value, mask))


def test_glare_candidates_in_one_pass_equal_numpys_comparisons_at_fractional_levels_too():
    """The glare's bright-and-unsaturated pixels: its level is the paper's median + 6, a median may end
    in .5, and a level above 255 keeps nothing."""
    from ocr_core.imaging.quality import bright_unsaturated

    rng = np.random.default_rng(3)
    hsv = rng.integers(0, 256, (120, 160, 3)).astype(np.uint8)
    for level in (0, 252, 252.5, 253, 254.99, 255, 255.5, 256, 261.5):
        for saturation in (0, 50, 50.5, 255):
            expected = ((hsv[..., 2] >= level) & (hsv[..., 1] <= saturation)).astype(np.uint8) * 255
            assert np.array_equal(bright_unsaturated(hsv, level, saturation), expected), (level, saturation)


def test_nearest_colour_distance_equals_the_plain_numpy_form():
    from ocr_core.imaging.geometry import _nearest_distance

    rng = np.random.default_rng(11)
    for shape in ((240, 320, 3), (1, 500, 3), (1, 1, 3)):
        pixels = (rng.random(shape) * 255).astype(np.float32)
        centres = (rng.random((3, 3)) * 255).astype(np.float32)
        squares = [np.einsum("...k,...k->...", pixels - c, pixels - c) for c in centres]
        plain = np.sqrt(np.minimum.reduce(squares))
        assert np.array_equal(_nearest_distance(pixels, centres), plain)


def test_the_checks_shrink_a_photo_to_the_work_size_once_and_read_it_as_before(monkeypatch) -> None:
    """The card's outline and the skew estimate share one shrunk copy (3 ms of a card's ~40 ms)."""
    from ocr_core.imaging import geometry, quality

    outlined, bare = scene("good").bgr, desk((1200, 900), seed=3)  # bare: no outline, the skew is estimated
    before = (find_card_quad(outlined), geometry.estimate_skew(bare))
    sizes: list[int] = []
    real = geometry.downscale

    def counted(bgr: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
        sizes.append(max_side)
        return real(bgr, max_side)

    monkeypatch.setattr(geometry, "downscale", counted)
    monkeypatch.setattr(quality, "downscale", counted)
    for image, quad in ((outlined, "found"), (bare, None)):
        sizes.clear()
        assert (assess_quality(image).card_quad is not None) == (quad == "found")
        assert sizes.count(geometry.WORK_SIDE) == 1, sizes
    shared = find_card_quad(outlined, downscaled=real(outlined, geometry.WORK_SIDE))
    assert shared is not None and before[0] is not None and np.array_equal(shared, before[0])
    assert geometry.estimate_skew(bare, downscaled=real(bare, geometry.WORK_SIDE)) == before[1]
