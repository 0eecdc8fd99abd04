"""Issue 18, item 4 (privacy first): on a phone photo of an ID — 12 MP, stored sideways with an
EXIF orientation tag, the card tilted and in perspective on a desk — the holder's portrait is
blurred in what reaches the browser while masking is on, as it always was on flat specimens.

The photo is made here (``tests.support.imaging_scenes.photographed_id``): the resident-card
specimen with a made-up, face-like portrait in its photo box, so the test knows exactly where the
portrait lands in the upright photo. Every image that reaches the browser is read twice over: from
the WebSocket frames the dashboard sends (every ``data:image`` in them, whatever element shows it)
and from the images the page's charts draw; each one shaped like the photo must show the portrait
blurred (its detail gone) and the desk around the card as it is (it is the photo, not another image).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from harness.browser import needs_chromium
from tests.support.imaging_scenes import SAMPLES_DIR, PhotographedId, photographed_id

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

pytestmark = [pytest.mark.browser, needs_chromium]

_DATA_URI = re.compile(rb"data:image/(?:jpeg|png);base64,([A-Za-z0-9+/=]+)")


def _unescaped(frame: bytes) -> bytes:
    """A frame with JSON's escapes of ``/`` undone (Plotly's encoder writes ``\\u002f``)."""
    return frame.replace(b"\\u002f", b"/").replace(b"\\/", b"/")


@pytest.fixture(scope="module")
def phone_photo(tmp_path_factory) -> tuple[PhotographedId, Path]:
    shot = photographed_id(SAMPLES_DIR / "ids/resident_park_jiwoo.png", "resident", orientation=6)
    path = tmp_path_factory.mktemp("photo") / "IMG_20261206_phone.jpg"
    path.write_bytes(shot.data)
    return shot, path


def _detail(gray: np.ndarray, inside: np.ndarray) -> float:
    """How much fine detail a region holds: the variance of the image's Laplacian inside it."""
    return float(cv2.Laplacian(gray, cv2.CV_64F)[inside].var())


def _inner_mask(shape: tuple[int, int], quad: np.ndarray, shrink: float = 0.8) -> np.ndarray:
    centre = quad.mean(axis=0)
    inner = centre + (quad - centre) * shrink
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, np.round(inner).astype(np.int32), 1)
    return mask.astype(bool)


def _judge(
    shown: np.ndarray,
    shot: PhotographedId,
    box: tuple[int, int, int, int] | None = None,
) -> tuple[float, float]:
    """(portrait detail shown / portrait detail in the photo at that size, mean difference off the
    portrait) for one image that reached the browser: the whole photo, or its ``box`` (x0, y0, x1, y1)."""
    h, w = shown.shape[:2]
    x0, y0, x1, y1 = box or (0, 0, shot.upright.shape[1], shot.upright.shape[0])
    reference = cv2.resize(shot.upright[y0:y1, x0:x1], (w, h), interpolation=cv2.INTER_AREA)
    scale = w / (x1 - x0)
    portrait = _inner_mask((h, w), (shot.portrait - (x0, y0)) * scale)
    g_shown = cv2.cvtColor(shown, cv2.COLOR_BGR2GRAY)
    g_ref = cv2.cvtColor(reference, cv2.COLOR_BGR2GRAY)
    ratio = _detail(g_shown, portrait) / max(1e-6, _detail(g_ref, portrait))
    desk = ~_inner_mask((h, w), (shot.card - (x0, y0)) * scale, 1.15)
    desk[: h // 20] = desk[-h // 20 :] = False
    off = desk if desk.any() else ~_inner_mask((h, w), (shot.portrait - (x0, y0)) * scale, 1.3)
    return ratio, float(np.abs(g_shown.astype(int) - g_ref.astype(int))[off].mean())


def _photo_shaped(images: list[np.ndarray], shot: PhotographedId) -> list[np.ndarray]:
    h, w = shot.upright.shape[:2]
    return [im for im in images if im.shape[0] >= 200 and abs(im.shape[1] / im.shape[0] - w / h) < 0.02]


def _decode(b64: bytes) -> np.ndarray | None:
    arr = np.frombuffer(base64.b64decode(b64 + b"=" * (-len(b64) % 4)), np.uint8)
    return cv2.imdecode(arr, cv2.IMREAD_COLOR)


def test_the_portrait_on_a_12mp_exif_rotated_photo_is_blurred_in_what_reaches_the_browser(
    browser, dashboard, phone_photo
):
    shot, path = phone_photo
    frames: list[bytes] = []
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    pg = context.new_page()
    pg.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda p: frames.append(p if isinstance(p, bytes) else p.encode())),
    )
    try:
        pg.goto(f"{dashboard}/id-card", wait_until="domcontentloaded")
        pg.get_by_role("radio", name="Upload", exact=True).click(timeout=60_000)
        pg.locator('input[type="file"]').first.wait_for(state="attached", timeout=60_000)
        pg.locator('input[type="file"]').first.set_input_files(str(path))
        pg.get_by_text("Rotated upright from its EXIF orientation").first.wait_for(timeout=120_000)
        button = pg.get_by_role("button", name=re.compile(r"^\W*Analyse$"))
        button.click(timeout=120_000)
        truth = json.loads((SAMPLES_DIR / "ids/resident_park_jiwoo.json").read_text(encoding="utf-8"))[
            "fields"
        ]
        masked_rrn = truth["residentNumber"][:8] + "******"
        pg.wait_for_function("t => document.body.innerText.includes(t)", arg=masked_rrn, timeout=240_000)
        pg.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "portrait_photo_overlay.png"))
        # the overlay shows the document, cut from the photo (item 4): its image and where it sits
        cut = pg.evaluate("""() => {
            const d = document.querySelector('.st-key-id_result .js-plotly-plot').data[0];
            return [d.source, d.x0 || 0, d.y0 || 0, d.dx, d.dy];
        }""")
        data_uri = _DATA_URI.search(cut[0].encode())
        assert data_uri is not None, cut[0][:80]
        cropped = _decode(data_uri.group(1))
        width = shot.upright.shape[1]
        assert cropped is not None and cropped.shape[1] * cut[3] < 0.95 * width, (
            "the overlay shows the whole frame"
        )
        crop_box = (
            round(cut[1]),
            round(cut[2]),
            round(cut[1] + cropped.shape[1] * cut[3]),
            round(cut[2] + cropped.shape[0] * cut[4]),
        )
        # and the whole frame at the flip of a switch
        pg.get_by_text("Whole photo", exact=True).click()
        pg.wait_for_function(
            """() => { const d = document.querySelector('.st-key-id_result .js-plotly-plot').data[0];
                                        return !d.x0 && !d.y0; }""",
            timeout=60_000,
        )
        pg.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
        )
        pg.screenshot(path=str(ARTIFACTS / "portrait_photo_whole.png"))
        drawn = [
            _decode(m.group(1))
            for href in pg.evaluate(
                """() => [...document.querySelectorAll('.js-plotly-plot image')]
                 .map(i => i.getAttribute('href') || i.getAttribute('xlink:href') || '')"""
            )
            for m in [_DATA_URI.search(href.encode())]
            if m
        ]
        sent = [_decode(m.group(1)) for frame in frames for m in _DATA_URI.finditer(_unescaped(frame))]
    finally:
        context.close()

    shown = _photo_shaped([im for im in drawn if im is not None], shot)
    assert shown, "no image of the photo was drawn in the page"
    travelled = _photo_shaped([im for im in sent if im is not None], shot)
    assert travelled, "no image of the photo travelled over the WebSocket"
    judged = [(image.shape[:2], *_judge(image, shot)) for image in shown + travelled]
    judged.append((cropped.shape[:2], *_judge(cropped, shot, crop_box)))
    cv2.imwrite(str(ARTIFACTS / "portrait_photo_cropped.png"), cropped)
    for i, image in enumerate(shown):
        cv2.imwrite(str(ARTIFACTS / f"portrait_photo_shown_{i}.png"), image)
    for _shape, ratio, desk_diff in judged:
        assert desk_diff < 12, f"not the photo ({desk_diff:.1f} grey levels off on the desk): {judged}"
        assert ratio < 0.15, f"the portrait is still sharp: {ratio:.2f} of its detail shown: {judged}"
