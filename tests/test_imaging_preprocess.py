"""preprocess: warp flat, deskew, denoise, CLAHE, resize, re-encode (EXIF and trailing bytes gone)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from ocr_core.imaging import (
    PreprocessOptions,
    PreprocessResult,
    assess_quality,
    find_card_quad,
    load_image,
    preprocess,
)
from ocr_core.imaging.geometry import ID1_ASPECT, estimate_skew, rotate_image
from tests.support.imaging_scenes import card_face, desk, perspective_quad, photo, specimens

BIG = (2000, 1500)  # the card comes out about 1200 px wide: larger than the 1000 px target


@cache
def perspective_scene():
    return photo(size=BIG, quad=perspective_quad(BIG, share=0.62, rotation_deg=9.0, keystone=0.2), seed=11)


@cache
def default_result() -> PreprocessResult:
    return preprocess(perspective_scene().bgr)


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised cross-correlation of two grey images of the same size (1 = identical up to gain)."""
    a = cv2.GaussianBlur(a.astype(np.float32), (0, 0), 2)
    b = cv2.GaussianBlur(b.astype(np.float32), (0, 0), 2)
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


def _local_contrast(bgr: np.ndarray) -> float:
    """Mean distance of each grey level from its neighbourhood's (σ = 8 px)."""
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return float(np.abs(gray - cv2.GaussianBlur(gray, (0, 0), 8)).mean())


def test_perspective_photo_is_warped_flat_to_the_target_size() -> None:
    r = default_result()
    assert r.warped and r.card_quad is not None
    assert (r.width, r.height) == (1000, round(1000 / ID1_ASPECT))
    assert r.bgr.shape == (r.height, r.width, 3)
    # The flattened card looks like the face that was drawn: perspective and rotation are undone.
    face = cv2.resize(card_face("credit"), (r.width, r.height), interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(r.bgr, cv2.COLOR_BGR2GRAY)
    face_gray = cv2.cvtColor(face, cv2.COLOR_BGR2GRAY)
    assert _ncc(gray, face_gray) > 0.7
    assert _ncc(gray, cv2.flip(face_gray, -1)) < 0.3  # the measure tells orientations apart
    # And it is no longer tilted, and its edges are no longer in perspective.
    skew = estimate_skew(r.bgr)
    assert skew is None or abs(skew) < 1.0


def test_a_known_quad_is_used_as_given() -> None:
    s = perspective_scene()
    r = preprocess(s.bgr, card_quad=s.quad)
    assert r.card_quad is not None and np.allclose(r.card_quad, s.quad)
    assert (r.width, r.height) == (default_result().width, default_result().height)


def test_steps_are_reported_in_order_with_timings() -> None:
    r = preprocess(perspective_scene().bgr, PreprocessOptions(denoise=True, clahe=True))
    assert [s.name for s in r.steps] == ["warp", "deskew", "denoise", "clahe", "encode"]
    assert all(s.ms >= 0 for s in r.steps) and r.total_ms == pytest.approx(sum(s.ms for s in r.steps))
    deskew = r.steps[1]
    assert not deskew.applied and "warp" in deskew.detail


def test_result_is_what_will_be_sent() -> None:
    r = default_result()
    assert r.format == "jpeg" and r.size_bytes == len(r.encoded)
    decoded = load_image(r.encoded)
    assert (decoded.width, decoded.height) == (r.width, r.height)


def test_the_card_stays_above_the_api_minimum() -> None:
    r = default_result()
    assert r.width >= 760 and r.height >= 480
    assert assess_quality(r.bgr)["resolution_card"].status == "pass"


def test_a_small_card_is_enlarged_only_to_the_recommended_size() -> None:
    size = (1280, 960)
    s = photo(size=size, quad=perspective_quad(size, share=0.5, rotation_deg=3.0))
    r = preprocess(s.bgr)
    # the card was ~640 px wide: enlarged to the API's 760×480 (issue 12), not to the 1000 px target
    assert r.warped and 760 <= r.width < 800 and r.height >= 480


def test_deskew_straightens_a_rotated_cropped_card() -> None:
    face = cv2.copyMakeBorder(card_face("id"), 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=(250, 250, 250))
    skewed = rotate_image(face, -7.0)  # turned 7° clockwise on screen
    assert estimate_skew(skewed) == pytest.approx(7.0, abs=0.7)
    r = preprocess(skewed, PreprocessOptions(warp=False))
    deskew = next(s for s in r.steps if s.name == "deskew")
    assert deskew.applied
    left = estimate_skew(r.bgr)
    assert left is not None and abs(left) < 0.7


def test_skew_is_found_on_every_specimen_turned_by_a_few_degrees() -> None:
    """The committed specimens, turned by -12..8°: the tilt is found within 1° in all but a few (7 of 78
    here; at the former 1000 px working size, 30 were missed or wrong)."""
    root = Path(__file__).resolve().parents[1] / "samples"
    paths = sorted((root / "cards").glob("*.png")) + sorted((root / "ids").glob("*.png"))
    misses = []
    for path in paths:
        image = cv2.imread(str(path))
        assert image is not None
        for angle in (-12.0, -6.0, -3.0, 2.0, 4.5, 8.0):
            found = estimate_skew(rotate_image(image, angle))
            if found is None or abs(found + angle) > 1.0:
                misses.append((path.name, angle, found))
    assert len(misses) <= len(paths) * 6 // 8, misses


def test_without_a_card_the_image_is_kept_whole_and_capped() -> None:
    r = preprocess(desk((2400, 1600), seed=5), PreprocessOptions(fallback_max_side=1200))
    assert not r.warped and r.steps[0].name == "warp" and not r.steps[0].applied
    assert (r.width, r.height) == (1200, 800)


def test_an_image_shaped_like_a_card_is_sized_as_one() -> None:
    big_card = cv2.resize(card_face("credit"), (1712, 1080))
    r = preprocess(big_card)
    assert not r.warped and (r.width, r.height) == (1000, 631)


def test_clahe_raises_local_contrast_of_a_flat_image() -> None:
    faded = cv2.addWeighted(card_face("id"), 0.15, np.full((540, 856, 3), 200, np.uint8), 0.85, 0)
    plain = preprocess(faded, PreprocessOptions(warp=False, deskew=False, format="png"))
    boosted = preprocess(faded, PreprocessOptions(warp=False, deskew=False, clahe=True, format="png"))
    assert _local_contrast(boosted.bgr) > 1.3 * _local_contrast(plain.bgr)


def test_denoise_reduces_sensor_noise() -> None:
    clean = cv2.resize(card_face("credit"), (800, 505))
    noisy = np.clip(clean + np.random.default_rng(2).normal(0, 10, clean.shape), 0, 255).astype(np.uint8)
    out = preprocess(noisy, PreprocessOptions(warp=False, deskew=False, denoise=True, format="png")).bgr
    err_before = np.abs(noisy.astype(int) - clean).mean()
    err_after = np.abs(out.astype(int) - clean).mean()
    assert err_after < 0.5 * err_before


def test_reencoding_strips_exif_and_trailing_payload() -> None:
    rgb = Image.fromarray(cv2.cvtColor(perspective_scene().bgr, cv2.COLOR_BGR2RGB))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "leaky-software 1.0"  # Software
    buf = io.BytesIO()
    rgb.save(buf, "JPEG", exif=exif.tobytes(), quality=90)
    payload = b"PK\x03\x04<appended archive: should never reach the API>"
    original = buf.getvalue() + payload
    assert b"Exif" in original[:200] and original.endswith(payload)

    r = preprocess(load_image(original))
    assert payload not in r.encoded and b"SecretCam" not in r.encoded and b"Exif" not in r.encoded
    assert r.encoded.startswith(b"\xff\xd8") and r.encoded.endswith(b"\xff\xd9")
    assert not Image.open(io.BytesIO(r.encoded)).getexif()


def test_png_output() -> None:
    r = preprocess(perspective_scene().bgr, PreprocessOptions(format="png"))
    assert r.format == "png" and r.encoded.startswith(b"\x89PNG\r\n\x1a\n")
    assert r.encoded.endswith(b"IEND\xaeB`\x82")
    assert np.array_equal(load_image(r.encoded).bgr, r.bgr)  # lossless


def test_jpeg_quality_changes_the_size() -> None:
    low = preprocess(perspective_scene().bgr, PreprocessOptions(quality=50))
    assert low.size_bytes < default_result().size_bytes


@pytest.mark.parametrize(
    "kwargs", [{"format": "gif"}, {"quality": 0}, {"quality": 101}, {"target_width": 10}]
)
def test_invalid_options(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        PreprocessOptions(**kwargs)


# --- committed specimens ------------------------------------------------------------------------

PHOTOS = [s for s in specimens("photo") if "low-resolution" not in s.effects]
needs_photos = pytest.mark.skipif(not PHOTOS, reason="samples/photos not generated yet (samples/generate.py)")


@needs_photos
@pytest.mark.parametrize("spec", PHOTOS, ids=[s.name for s in PHOTOS])
def test_specimen_photos_are_warped_to_a_readable_card(spec) -> None:
    loaded = load_image(spec.path.read_bytes())
    r = preprocess(loaded)
    assert r.warped, "card not found"
    assert max(r.width, r.height) >= 760 and min(r.width, r.height) >= 480
    assert r.size_bytes < loaded.size_bytes
    # The preprocessed card is itself found to be "the whole image" with nothing cut off.
    assert assess_quality(r.bgr)["boundary"].status == "pass"


@pytest.mark.skipif(
    not any(s.name == "visa_12mp" for s in specimens("photo")), reason="12 MP specimen missing"
)
def test_twelve_megapixel_photo_shrinks_at_least_eightfold() -> None:
    spec = next(s for s in specimens("photo") if s.name == "visa_12mp")
    original = spec.path.read_bytes()
    loaded = load_image(original)
    assert loaded.width * loaded.height >= 12_000_000
    r = preprocess(loaded)
    assert (r.width, r.height) == (1000, 631)
    assert r.size_bytes * 8 <= len(original), (r.size_bytes, len(original))
    quad = find_card_quad(loaded.bgr)
    assert quad is not None and r.card_quad is not None and np.allclose(quad, r.card_quad)


# ---------------------------------------------------------------- issue 12, item 8


def test_a_small_card_is_enlarged_to_the_recommended_size():
    from ocr_core.imaging import PreprocessOptions, preprocess

    card = cv2.imread(str(Path(__file__).resolve().parents[1] / "samples/cards/visa_blue_flat.png"))
    assert card is not None
    small = cv2.resize(card, (300, 190), interpolation=cv2.INTER_AREA)
    out = preprocess(small, PreprocessOptions())
    assert max(out.width, out.height) >= 760 and min(out.width, out.height) >= 480, (out.width, out.height)
    resize = next(s for s in out.steps if s.name in ("resize", "warp") and s.applied)
    assert "no detail added" in resize.detail


def test_a_card_turned_on_its_side_can_be_turned_back():
    from ocr_core.imaging import PreprocessOptions, preprocess

    card = cv2.imread(str(Path(__file__).resolve().parents[1] / "samples/cards/visa_blue_flat.png"))
    assert card is not None
    sideways = cv2.rotate(card, cv2.ROTATE_90_CLOCKWISE)
    out = preprocess(sideways, PreprocessOptions(turn=270, warp=False, deskew=False))
    assert (out.width, out.height) == (card.shape[1], card.shape[0])
    assert out.steps[0].name == "turn" and out.steps[0].applied
    with pytest.raises(ValueError):
        PreprocessOptions(turn=45)
