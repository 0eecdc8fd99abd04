"""Short cells and boxes whole at the widths people use (1440 px, and a projector's 1280×800), in
English and Korean: the pre-flight quality table's verdicts ("✓ 통과") on one line, and the Audit
page's date range not cut. Measured with the shared ``LAYOUT_PROBE``; screenshots land in
``test-artifacts/browser/layout_*.png`` for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.browser import LAYOUT_PROBE, needs_chromium, settled
from ui.specimens import Specimen, by_image

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
WIDTHS = {"1440": {"width": 1440, "height": 900}, "1280x800": {"width": 1280, "height": 800}}


def _specimen(image: str) -> Specimen:
    found = by_image(image)
    assert found is not None, image
    return found


VISA = _specimen("cards/visa_blue_flat.png")

pytestmark = [pytest.mark.browser, needs_chromium]


def _page(browser, size: str, lang: str):
    context = browser.new_context(viewport=WIDTHS[size], locale="ko-KR" if lang == "ko" else "en-GB")
    return context, context.new_page()


def _settled(pg) -> None:
    settled(pg)


@pytest.mark.parametrize("size", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_quality_verdicts_stay_on_one_line(browser, dashboard, lang, size):
    context, pg = _page(browser, size, lang)
    try:
        pg.goto(f"{dashboard}/credit-card", wait_until="domcontentloaded")
        pg.get_by_role("button", name=VISA.title(lang), exact=True).click(timeout=120_000)
        # the checks are folded into their verdict line (issue 18, item 2): open it to the table
        pg.locator('[data-testid="stMain"] [data-testid="stExpander"] summary').filter(
            has_text=re.compile("Pre-flight|사전 점검")
        ).first.click(timeout=120_000)
        table = pg.locator("table.studio-table").first
        table.wait_for(timeout=120_000)
        _settled(pg)
        assert ("✓ 통과" if lang == "ko" else "✓ pass") in table.inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        table.scroll_into_view_if_needed()
        pg.screenshot(path=str(ARTIFACTS / f"layout_quality_{lang}_{size}.png"))
        assert pg.evaluate(LAYOUT_PROBE) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_audit_date_range_is_whole_at_1440(browser, dashboard, lang):
    context, pg = _page(browser, "1440", lang)
    try:
        pg.goto(f"{dashboard}/audit", wait_until="domcontentloaded")
        dates = pg.locator('[data-testid="stDateInputFieldsScroller"]').first
        dates.wait_for(timeout=120_000)
        _settled(pg)
        assert "–" in dates.inner_text()  # a range: from – to
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"layout_audit_{lang}_1440.png"))
        assert pg.evaluate(LAYOUT_PROBE) == []
    finally:
        context.close()
