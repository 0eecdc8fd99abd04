"""ocr_core.pipeline: what leaves the machine, decided once for every door."""

from __future__ import annotations

import hashlib
import io

import cv2
import numpy as np
import pytest
from PIL import Image

from ocr_core import InputError
from ocr_core.imaging import ImageRejected, PreprocessOptions, inspect_upload, load_image
from ocr_core.pipeline import (
    EXIF_ROTATED,
    METADATA_STRIPPED,
    RE_ENCODED,
    TRAILING_REMOVED,
    prepare,
    prepare_loaded,
)
from tests.support.imaging_scenes import perspective_quad, photo
from tests.support.uploads import carries_gps, photo_with_gps, png_bomb


def _png(w: int = 60, h: int = 40) -> bytes:
    rgb = np.random.default_rng(3).integers(0, 255, (h, w, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "PNG")
    return buf.getvalue()


def test_clean_upload_goes_byte_for_byte() -> None:
    data = _png()
    payload = prepare(data, name="card.png")
    assert payload.data == data and payload.steps == () and payload.as_uploaded
    assert (payload.format, payload.width, payload.height) == ("png", 60, 40)
    assert payload.sha256 == hashlib.sha256(data).hexdigest() and payload.preprocessed is None
    assert payload.bgr is payload.image.bgr


def test_gps_exif_rotation_and_trailing_bytes_never_leave() -> None:
    original = photo_with_gps(orientation=6, trailing=b"\x00\x00\x00\x18ftypmp42" + bytes(500))
    assert carries_gps(original)
    payload = prepare(original)
    assert payload.steps == (EXIF_ROTATED, METADATA_STRIPPED, TRAILING_REMOVED, RE_ENCODED)
    assert payload.metadata == ("EXIF",) and payload.trailing_bytes == 512
    assert not carries_gps(payload.data) and inspect_upload(payload.data, payload.format).clean
    sent = load_image(payload.data)
    assert (sent.width, sent.height) == (payload.width, payload.height) == (500, 800)  # upright as shown
    assert sent.orientation == 1 and payload.sha256 == hashlib.sha256(original).hexdigest()


def test_preprocessing_reencodes_and_names_its_steps() -> None:
    size = (2000, 1500)
    scene = photo(size=size, quad=perspective_quad(size, share=0.62, rotation_deg=9.0, keystone=0.2), seed=11)
    _, buf = cv2.imencode(".png", scene.bgr)
    payload = prepare(buf.tobytes(), preprocess=PreprocessOptions())
    assert payload.preprocessed is not None and payload.data == payload.preprocessed.encoded
    assert payload.steps[0] == RE_ENCODED and "warp" in payload.steps and "encode" not in payload.steps
    assert (payload.width, payload.height) == (payload.preprocessed.width, payload.preprocessed.height)
    assert payload.bgr is payload.preprocessed.bgr and payload.image.width == scene.bgr.shape[1]


def test_preprocessing_a_photo_still_drops_its_gps() -> None:
    payload = prepare(photo_with_gps(), preprocess=PreprocessOptions(warp=False, deskew=False, format="jpeg"))
    assert METADATA_STRIPPED in payload.steps and not carries_gps(payload.data)


def test_bomb_is_refused_from_its_header() -> None:
    bomb = png_bomb()
    assert len(bomb) < 1_000_000
    with pytest.raises(ImageRejected) as caught:
        prepare(bomb, name="bomb.png")
    assert caught.value.code == "bomb" and isinstance(caught.value, InputError)


@pytest.mark.parametrize(
    ("data", "code"), [(b"", "empty"), (b"GIF89a....", "unsupported_type"), (b"hello", "not_image")]
)
def test_other_refusals_carry_their_code(data: bytes, code: str) -> None:
    with pytest.raises(ImageRejected) as caught:
        prepare(data)
    assert caught.value.code == code


def test_limits_are_the_callers_to_choose() -> None:
    with pytest.raises(ImageRejected) as caught:
        prepare(_png(), max_pixels=60 * 40 - 1)
    assert caught.value.code == "bomb"
    assert prepare(_png(), max_pixels=60 * 40).width == 60
    with pytest.raises(ImageRejected) as too_big:
        prepare(_png(), max_bytes=10)
    assert too_big.value.code == "too_large"


def test_prepare_loaded_is_prepare_for_an_image_already_decoded() -> None:
    data = photo_with_gps()
    a, b = prepare(data), prepare_loaded(load_image(data))
    assert a.data == b.data and a.steps == b.steps and a.sha256 == b.sha256


@pytest.mark.parametrize(("w", "h"), [(1, 1), (31, 400), (600, 31), (16, 16)])
def test_an_image_too_small_to_read_is_refused_before_anything_is_sent(w: int, h: int) -> None:
    """A 1×1 PNG was a billed call that could not succeed (issue 17): refused locally, with its size."""
    with pytest.raises(ImageRejected) as caught:
        prepare(_png(w, h), name="pixel.png")
    assert caught.value.code == "too_small" and isinstance(caught.value, InputError)
    assert dict(caught.value.params) == {"width": w, "height": h, "min_side": 32}
    from l10n import rejection

    english, korean = (
        rejection("too_small", caught.value.params, "en"),
        rejection("too_small", caught.value.params, "ko"),
    )
    assert f"{w}×{h}" in english and "32" in english and f"{w}×{h}" in korean and english != korean
    assert prepare(_png(32, 32)).width == 32  # the smallest accepted


def test_what_is_sent_is_measured_again_after_the_pixels_are_remade() -> None:
    """A lab sweep's downscale (or any step that makes its own pixels) below the minimum is refused too:
    every door that goes through prepare_loaded gets it."""
    from dataclasses import replace

    loaded = load_image(_png(200, 100))
    tiny = cv2.resize(loaded.bgr, (40, 20), interpolation=cv2.INTER_AREA)
    with pytest.raises(ImageRejected) as caught:
        prepare_loaded(replace(loaded, bgr=tiny, width=40, height=20, orientation=6))
    assert caught.value.code == "too_small" and caught.value.params["height"] == 20
