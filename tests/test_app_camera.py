"""Issue 12, item 9: the camera asks for 1080p, explains HTTPS, and blurs the captured frame while
masking is on."""

from __future__ import annotations

import pytest

from tests.support.apptest import assert_clean, open_page
from ui.image_input import CAMERA_BLUR_CSS, camera_needs_https

pytestmark = pytest.mark.usefixtures("sandbox")


@pytest.mark.parametrize(
    ("url", "blocked"),
    [
        ("http://10.0.0.5:8501/id-card", True),
        ("http://ocr-studio.intranet/", True),
        ("https://ocr-studio.intranet/", False),
        ("http://localhost:8501/", False),
        ("http://127.0.0.1:8501/", False),
        ("http://[::1]:8501/", False),
        (None, False),
    ],
)
def test_plain_http_off_this_machine_cannot_have_the_camera(url, blocked):
    assert camera_needs_https(url) is blocked


def _camera_page(**state):
    at = open_page("pages/credit_card.py", **state)
    at.segmented_control(key="cc_source").set_value("camera").run()
    assert_clean(at)
    return at


def _camera_proto(at):
    return next(e.proto for e in at.get("camera_input"))


def test_camera_asks_for_the_highest_resolution_and_blurs_while_masking():
    at = _camera_page()
    assert _camera_proto(at).resolution_height == 1080
    assert any(CAMERA_BLUR_CSS in h.proto.body for h in at.html)
    at.toggle(key="masking").set_value(False).run()
    assert not any(CAMERA_BLUR_CSS in h.proto.body for h in at.html)
