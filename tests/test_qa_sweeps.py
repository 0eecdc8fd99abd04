"""Sweep generation: every degradation really moves the image in its stated direction; specs parse."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from qa.sweeps import DEGRADATIONS, SweepError, degrade, parse_spec, sweep_levels
from tests.support.apptest import SAMPLES


def _image(path: Path) -> np.ndarray:
    image = cv2.imread(str(path))
    assert image is not None, path
    return image


CARD = _image(SAMPLES / "cards" / "visa_blue_flat.png")


def sharpness(img: np.ndarray) -> float:
    return float(cv2.Laplacian(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var())


def test_blur_lowers_sharpness_monotonically():
    values = [sharpness(degrade(CARD, "blur", s)) for s in (0, 1, 2, 4)]
    assert values == sorted(values, reverse=True) and values[-1] < values[0] / 5


def test_dark_lowers_brightness():
    assert degrade(CARD, "dark", 0.3).mean() < 0.35 * CARD.mean()


def test_scale_shrinks():
    out = degrade(CARD, "scale", 0.5)
    assert out.shape[:2] == (CARD.shape[0] // 2, CARD.shape[1] // 2)


def test_jpeg_loses_detail_as_quality_drops():
    err = [float(np.abs(degrade(CARD, "jpeg", q).astype(int) - CARD).mean()) for q in (90, 40, 5)]
    assert err == sorted(err) and err[0] > 0


def test_rotate_turns_and_grows_the_canvas():
    out = degrade(CARD, "rotate", 30)
    assert out.shape[0] > CARD.shape[0] and out.shape[1] > CARD.shape[1]


def test_rotate_and_tilt_fill_new_corners_with_the_background_colour():
    """Around a turned or tilted photo is more of its background (the frame's median colour): not
    black, and not edge pixels smeared outwards."""
    photo = np.full((300, 400, 3), (40, 160, 90), np.uint8)
    photo[100:200, 120:280] = 255  # a white card on a green table, touching no edge
    photo[0, :50] = 0  # a few dark pixels on the frame do not move the median
    for name, level in (("rotate", 25), ("perspective", 0.3)):
        out = degrade(photo, name, level)
        assert tuple(out[0, 0]) == (40, 160, 90), name
        assert tuple(out[0, -1]) == (40, 160, 90), name


def test_glare_adds_a_bright_spot():
    bright = lambda im: (cv2.cvtColor(im, cv2.COLOR_BGR2GRAY) >= 250).mean()
    assert bright(degrade(CARD, "glare", 0.8)) > bright(CARD) + 0.05


def test_perspective_narrows_the_top_edge():
    out = degrade(CARD, "perspective", 0.2)
    assert out.shape == CARD.shape
    moved = np.abs(out.astype(int) - CARD).mean(axis=(1, 2))
    assert (
        moved[: len(moved) // 2].mean() > 3 * moved[-10:].mean()
    )  # the top pulled in, the bottom edge in place


def test_noise_adds_variance_reproducibly():
    a, b = degrade(CARD, "noise", 25), degrade(CARD, "noise", 25)
    assert np.array_equal(a, b)
    assert (a.astype(int) - CARD).std() > 15


def test_noise_has_the_level_as_its_deviation_in_every_channel_independently():
    grey = np.full((400, 500, 3), 128, np.uint8)  # mid-grey: nothing clips at σ 20
    added = degrade(grey, "noise", 20).astype(float) - 128
    assert np.allclose(added.std(axis=(0, 1)), 20, rtol=0.03) and abs(added.mean()) < 0.2
    channels = added.reshape(-1, 3).T
    assert abs(np.corrcoef(channels)[0, 1]) < 0.02 and abs(np.corrcoef(channels)[1, 2]) < 0.02


def test_noise_levels_scale_one_pattern():
    """A sweep varies only the noise's strength: level 10 is level 20's pattern at half the amplitude."""
    grey = np.full((200, 300, 3), 128, np.uint8)
    weak, strong = (degrade(grey, "noise", s).astype(float) - 128 for s in (10, 20))
    assert np.corrcoef(weak.ravel(), strong.ravel())[0, 1] > 0.99
    assert strong.std() / weak.std() == pytest.approx(2, rel=0.02)


def test_identity_levels_are_the_image_as_given():
    for d in DEGRADATIONS.values():
        assert degrade(CARD, d.name, d.identity) is CARD
    assert sweep_levels([("blur", (0.0, 1.5)), ("jpeg", (100.0, 40.0))]) == [("blur", 1.5), ("jpeg", 40.0)]


@pytest.mark.parametrize(
    "spec, message",
    [
        ("fog:1", "Unknown degradation"),
        ("blur", "give levels"),
        ("blur:1,x", "not a number"),
        ("scale:0,2", "between"),
    ],
)
def test_bad_specs_say_why(spec, message):
    with pytest.raises(SweepError, match=message):
        parse_spec(spec)


def test_spec_parses():
    assert parse_spec("jpeg:90,40,15") == ("jpeg", (90.0, 40.0, 15.0))
