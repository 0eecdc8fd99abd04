"""Issue 18, item 3: presenter mode from the URL (``?present=1``: a bookmark opens it) and from a sidebar
switch, in a real browser (./studio run + Chromium) at 1280×800 and 1920×1080, in English and Korean: large
type; after *Analyse* the image and the field list in view without scrolling; no JSON or envelope view, no
"Will send" line, no endpoint; nothing cut or split (``LAYOUT_PROBE``). The switch turns it off again, and the
address bar follows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.browser import LAYOUT_PROBE, needs_chromium, settled
from ui.i18n import text
from ui.specimens import by_image

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SIZES = {"1280x800": {"width": 1280, "height": 800}, "1920x1080": {"width": 1920, "height": 1080}}
ON_SCREEN = """el => { const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 1; }"""
H1_PX = "() => parseFloat(getComputedStyle(document.querySelector('[data-testid=\"stMain\"] h1')).fontSize)"

pytestmark = [pytest.mark.browser, needs_chromium]


def _settled(pg) -> None:
    settled(pg)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_bookmark_with_present_1_opens_presenter_mode(browser, dashboard, lang, size):
    context = browser.new_context(viewport=SIZES[size], locale="ko-KR" if lang == "ko" else "en-GB")
    pg = context.new_page()
    try:
        pg.goto(f"{dashboard}/id-card?present=1", wait_until="domcontentloaded")
        sidebar = pg.locator('[data-testid="stSidebar"]')
        if lang == "ko":
            sidebar.get_by_text("한국어", exact=True).click(timeout=60_000)
            _settled(pg)
        switch = (
            sidebar.locator('[data-testid="stCheckbox"], [data-testid="stToggle"]')
            .filter(has_text=text("set.presenter", lang))
            .locator("input")
        )
        switch.wait_for(state="attached", timeout=60_000)
        _settled(pg)
        assert switch.is_checked(), "?present=1 did not turn presenter mode on"
        # the switch can be drawn a moment before the page's style sheet lands: wait for the type, not a frame
        pg.wait_for_function(f"() => ({H1_PX})() > 48", timeout=30_000)  # large type: 51.2 px; 44 px without
        resident = by_image("ids/resident_hong_gildong.png")
        assert resident is not None
        pg.get_by_role("button", name=resident.title(lang), exact=True).click(timeout=60_000)
        _settled(pg)
        pg.get_by_role("button", name=re.compile(rf"^\W*{text('an.button', lang)}$")).click(timeout=60_000)
        pg.wait_for_function(
            "() => [...document.querySelectorAll('.st-key-id_result .js-plotly-plot .annotation-text')]"
            ".some(a => a.textContent.startsWith('900115-1'))",
            timeout=240_000,
        )
        _settled(pg)
        pg.wait_for_function(
            f"() => ({ON_SCREEN})(document.querySelector('.st-key-id_result .js-plotly-plot'))",
            timeout=10_000,
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"present_{lang}_{size}_result.png"))
        charts = pg.locator(".st-key-id_result .js-plotly-plot")
        assert charts.nth(1).evaluate(ON_SCREEN), "the field list is not on screen with the image"
        main = pg.locator('[data-testid="stMain"]')
        body = main.inner_text()
        views = main.locator('.st-key-id_result [data-testid="stButtonGroup"]').first.inner_text()
        assert text("res.tab_json", lang) not in views and text("res.tab_envelope", lang) not in views, views
        assert text("pre.will_send", lang, fmt="", w="", h="", size="").split(":")[0] not in body
        assert not sidebar.get_by_text(text("side.endpoint", lang)).count(), "the endpoint is shown"
        problems = pg.evaluate(LAYOUT_PROBE)
        assert not problems, problems

        sidebar.get_by_text(text("set.presenter", lang), exact=True).click()  # off again, from the sidebar
        pg.wait_for_function(f"() => ({H1_PX})() < 48", timeout=30_000)  # 44 px: ordinary type again
        pg.wait_for_url(lambda url: "present=1" not in url, timeout=30_000)
    finally:
        context.close()
