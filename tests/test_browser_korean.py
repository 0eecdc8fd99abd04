"""Issue 18, item 6 (Korean throughout), in a real browser (./studio run + Chromium) at 1280×800: the
Korean view of an ID card's result names no field by the API's key (``issueDate``, ``residentNumber``),
shows no English enum ("정상 (normal)", "주민등록증 (resident)"), no "Key / Value" tab, no "(으)로"
left for the reader to choose, and no metric broken mid-word. The JSON view (raw, by design) is not
opened."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocr_core.fields import FIELDS
from tests.support.browser import LAYOUT_PROBE, needs_chromium
from tests.support.dashboard_process import studio_run
from ui.specimens import by_image

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

pytestmark = [pytest.mark.browser, needs_chromium]

ENGLISH_ENUMS = ("(normal)", "(low)", "(resident)", "(driver)", "(passport)", "(credit-card)", "Key / Value", "(으)로")


@pytest.fixture(scope="module")
def dashboard() -> Iterator[str]:
    with studio_run(ARTIFACTS.parent / "dashboard_korean.log") as url:
        yield url


def _settled(pg) -> None:
    pg.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    pg.wait_for_timeout(500)


@pytest.mark.parametrize("specimen", ["ids/resident_hong_gildong.png", "ids/passport_hong_gildong.png"])
def test_the_korean_view_of_a_result_has_no_stray_english(browser, dashboard, specimen):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    pg = context.new_page()
    try:
        pg.goto(f"{dashboard}/id-card", wait_until="domcontentloaded")
        pg.locator('[data-testid="stSidebar"]').get_by_text("한국어", exact=True).click(timeout=60_000)
        _settled(pg)
        pg.get_by_role("button", name=by_image(specimen).title("ko"), exact=True).click(timeout=60_000)
        _settled(pg)
        pg.get_by_role("button", name=re.compile(r"^\W*분석하기$")).click(timeout=60_000)
        result = pg.locator(".st-key-id_result")
        result.locator("table.studio-table").first.wait_for(timeout=240_000)
        pg.wait_for_function("() => [...document.querySelectorAll('.st-key-id_result .js-plotly-plot .annotation-text')]"
                             ".length > 0", timeout=120_000)
        _settled(pg)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"korean_{by_image(specimen).doc_type}_result.png"))
        shown = pg.locator('[data-testid="stMain"]').inner_text()
        keys = [k for k in FIELDS if re.search(rf"(?<![A-Za-z]){re.escape(k)}(?![A-Za-z])", shown)]
        assert not keys, f"API key names in the Korean view: {keys}"
        enums = [e for e in ENGLISH_ENUMS if e in shown]
        assert not enums, f"English in the Korean view: {enums}"
        problems = pg.evaluate(LAYOUT_PROBE)
        assert not problems, problems
    finally:
        context.close()
