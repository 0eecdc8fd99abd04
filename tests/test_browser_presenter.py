"""The presenter's demo in a real browser at a projector's 1280×800, in English and Korean: Settings
→ presenter view → ID card → Analyse → Verify → back. Issue 12, items 1, 2 and 6.

Checks what a person would see: masked values whole (not eaten by Markdown), no metric value cut
with an ellipsis, no word (or Korean word) split across lines in metric labels and table cells, no
table wider than the page, the result and its image still there after Verify and back. Screenshots
land in ``test-artifacts/browser/presenter_<lang>_*.png`` for a person to look at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness.browser import LAYOUT_PROBE, PAINTED, needs_chromium, settled
from ui.specimens import Specimen, by_image

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
VIEWPORT = {"width": 1280, "height": 800}


def _specimen(image: str) -> Specimen:
    found = by_image(image)
    assert found is not None, image
    return found


RESIDENT = _specimen("ids/resident_hong_gildong.png")

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]

TEXT = {
    "en": {
        "presenter": "Presenter view",
        "id_card": "ID card",
        "analyse": "Analyse",
        "verify": "Verify authenticity →",
        "auth_title": "Authenticity",
    },
    "ko": {
        "presenter": "발표자 보기",
        "id_card": "신분증",
        "analyse": "분석하기",
        "verify": "진위 확인 →",
        "auth_title": "진위 확인",
    },
}


def _truth(rel: str) -> dict:
    return json.loads((ROOT / "samples" / rel).with_suffix(".json").read_text(encoding="utf-8"))["fields"]


def _shot(pg, name: str, anchor=None) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if anchor is not None:
        anchor.scroll_into_view_if_needed()
        pg.evaluate(PAINTED)
    pg.screenshot(path=str(ARTIFACTS / name))


def _settled(pg) -> None:
    settled(pg)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_presenter_demo_at_1280x800(browser, dashboard, lang):
    words = TEXT[lang]
    truth = _truth("ids/resident_hong_gildong.png")
    context = browser.new_context(viewport=VIEWPORT, locale="ko-KR" if lang == "ko" else "en-GB")
    pg = context.new_page()
    try:
        pg.goto(f"{dashboard}/settings", wait_until="domcontentloaded")
        if lang == "ko":
            pg.locator('[data-testid="stSidebar"]').get_by_text("한국어", exact=True).click(timeout=60_000)
            _settled(pg)
        pg.get_by_text(words["presenter"]).first.click(timeout=60_000)
        _settled(pg)
        pg.get_by_role("link", name=words["id_card"], exact=True).click()
        _settled(pg)
        pg.get_by_role("button", name=RESIDENT.title(lang), exact=True).click(timeout=60_000)
        _settled(pg)
        pg.get_by_role("button", name=re.compile(rf"^\W*{words['analyse']}$")).click(timeout=60_000)
        masked_rrn = truth["residentNumber"][:8] + "******"
        pg.wait_for_function("t => document.body.innerText.includes(t)", arg=masked_rrn, timeout=180_000)
        _settled(pg)
        _shot(pg, f"presenter_{lang}_1_overlay.png", pg.locator(".js-plotly-plot").last)
        _shot(pg, f"presenter_{lang}_2_result.png", pg.locator('[data-testid="stMetric"]').first)
        _shot(pg, f"presenter_{lang}_3_table.png", pg.locator("table.studio-table").last)

        body = pg.locator('[data-testid="stMain"]').inner_text()
        assert masked_rrn in body  # the stars survive (no Markdown emphasis)
        assert truth["residentNumber"] not in body and truth["name"] not in body
        problems = pg.evaluate(LAYOUT_PROBE)
        assert not problems, problems

        pg.get_by_role("button", name=words["verify"]).click()
        _settled(pg)
        pg.get_by_role("heading", name=words["auth_title"]).first.wait_for(timeout=60_000)
        _shot(pg, f"presenter_{lang}_4_authenticity.png")
        assert not pg.evaluate(LAYOUT_PROBE)

        pg.get_by_role("link", name=words["id_card"], exact=True).click()
        _settled(pg)
        pg.wait_for_function("t => document.body.innerText.includes(t)", arg=masked_rrn, timeout=60_000)
        _shot(pg, f"presenter_{lang}_5_back.png")
        assert RESIDENT.title(lang) in pg.locator('[data-testid="stMain"]').inner_text()
    finally:
        context.close()


def test_normal_view_at_1280x800_keeps_the_text_that_is_the_point(browser, dashboard):
    """Not presenter view: the quality reasons, envelope details and gallery names are whole."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    pg = context.new_page()
    try:
        pg.goto(f"{dashboard}/id-card", wait_until="domcontentloaded")
        gallery_names = pg.locator('[data-testid="stMain"] [data-testid="stColumn"] button p')
        gallery_names.first.wait_for(timeout=60_000)
        cut = pg.evaluate("""() =>
            [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stColumn"] button p')]
            .filter(p => p.scrollWidth > p.clientWidth + 1 || p.scrollHeight > p.clientHeight + 1)
            .map(p => p.innerText)""")
        assert not cut, f"gallery names cut: {cut}"
        _shot(pg, "normal_en_1_gallery.png")
        pg.get_by_role("button", name="Driver's licence, specimen 1", exact=True).click(timeout=60_000)
        _settled(pg)
        # the checks are folded into their verdict line (issue 18, item 2): the line opens to the table
        pg.locator('[data-testid="stMain"] [data-testid="stExpander"] summary').filter(
            has_text="Pre-flight"
        ).first.click(timeout=60_000)
        why = pg.locator("table.studio-table").first
        why.wait_for(timeout=60_000)
        assert "Why" in why.inner_text() and "Not a JPEG" in why.inner_text()  # the whole reason, in the page
        _shot(pg, "normal_en_2_quality.png", why)
        pg.get_by_role("button", name=re.compile(r"^\W*Analyse$")).click(timeout=60_000)
        pg.wait_for_function("() => document.body.innerText.includes('Request-Key issued')", timeout=240_000)
        _settled(pg)
        pg.get_by_role("radio", name="Envelope").or_(pg.get_by_role("button", name="Envelope")).first.click()
        # the click's rerun may not have started yet: wait for the envelope's own table, not for quiet
        envelope = pg.locator("table.studio-table").filter(has_text=re.compile("public key", re.IGNORECASE))
        envelope.last.wait_for(timeout=60_000)
        _settled(pg)
        envelope = envelope.last
        _shot(pg, "normal_en_3_envelope.png", envelope)
        assert not pg.evaluate(LAYOUT_PROBE)
    finally:
        context.close()
