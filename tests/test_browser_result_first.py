"""Issue 18, item 2 (result first), in a real browser (./studio run + Chromium) at a laptop's
1280×800 and a projector's 1920×1080, in English and Korean: once a specimen is chosen, *Analyse* is
on screen without scrolling, the pre-flight checks are one verdict line that opens to the table and
preprocessing is folded; after *Analyse* the result scrolls into view by itself, with the image (its
boxes and, written beside them, the values masked as the table shows them) and the field list on one
screen. The test never scrolls; what it checks is what a presenter's audience sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.browser import needs_chromium, settled
from ui.i18n import text
from ui.specimens import by_image

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SIZES = {"1280x800": {"width": 1280, "height": 800}, "1920x1080": {"width": 1920, "height": 1080}}

pytestmark = [pytest.mark.browser, needs_chromium]

ON_SCREEN = """el => { const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight + 1
    && r.left >= 0 && r.right <= window.innerWidth + 1; }"""


def _settled(pg) -> None:
    settled(pg)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_analyse_is_on_screen_and_the_result_comes_into_view_by_itself(browser, dashboard, lang, size):
    truth_rrn = "900115-1"  # resident hong gildong's masked number starts so (samples/ids/…json)
    context = browser.new_context(viewport=SIZES[size], locale="ko-KR" if lang == "ko" else "en-GB")
    pg = context.new_page()
    try:
        pg.goto(f"{dashboard}/id-card", wait_until="domcontentloaded")
        if lang == "ko":
            pg.locator('[data-testid="stSidebar"]').get_by_text("한국어", exact=True).click(timeout=60_000)
            _settled(pg)
        resident = by_image("ids/resident_hong_gildong.png")
        assert resident is not None
        pg.get_by_role("button", name=resident.title(lang), exact=True).click(timeout=60_000)
        _settled(pg)
        analyse = pg.get_by_role("button", name=re.compile(rf"^\W*{text('an.button', lang)}$"))
        analyse.wait_for(timeout=60_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"result_first_{lang}_{size}_1_chosen.png"))
        assert analyse.evaluate(ON_SCREEN), "Analyse is below the fold"

        main = pg.locator('[data-testid="stMain"]')
        verdict = main.get_by_text(text("q.line_pass", lang, n=11))
        assert verdict.is_visible(), "no pre-flight verdict line"
        assert not main.locator("table.studio-table").first.is_visible(), "the pre-flight table is not folded"
        assert not main.get_by_text(text("pre.enable", lang)).is_visible(), "preprocessing is not folded"

        analyse.click()
        result = main.locator(".st-key-id_result")
        overlay = result.locator(".js-plotly-plot").first
        pg.wait_for_function(
            "t => [...document.querySelectorAll('.st-key-id_result .js-plotly-plot .annotation-text')]"
            ".some(a => a.textContent.startsWith(t))",
            arg=truth_rrn,
            timeout=240_000,
        )
        _settled(pg)
        pg.wait_for_function(
            f"() => ({ON_SCREEN})(document.querySelector('.st-key-id_result .js-plotly-plot'))",
            timeout=10_000,
        )
        pg.screenshot(path=str(ARTIFACTS / f"result_first_{lang}_{size}_2_result.png"))
        charts = result.locator(".js-plotly-plot")
        assert overlay.evaluate(ON_SCREEN), "the image with its boxes is not on screen"
        assert charts.nth(1).evaluate(ON_SCREEN), "the field list is not on screen with the image"
        values = overlay.locator(".annotation-text").all_text_contents()
        assert any(v.startswith(truth_rrn) and v.endswith("*" * 6) for v in values), (
            values
        )  # masked as in the table
        # the verdict line opens to the table
        verdict.click()
        main.locator("table.studio-table").first.wait_for(timeout=30_000)
    finally:
        context.close()
