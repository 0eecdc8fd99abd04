"""The result view is mounted once, before the first analysis, and kept out of sight until then
(``ui.result_slot``); in Chromium, on every analysis page that shows it.

The regression this catches: the first result in a tab mounting the result view anew (its container, the
threshold slider, the view switch and the Key/Value table's element); mounted before, it saved the browser
about 130 ms of main-thread CPU on the first result (bench_dashboard, traced). Nodes found before the first
analysis must be the very nodes that show its result. The Plotly charts are new plots either way (Streamlit
keys a chart by a hash of its figure), so they are checked for being drawn out of sight, not for surviving.
Screenshots before and after, English and Korean: ``test-artifacts/browser/result_slot_*.png``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness.browser import LAYOUT_PROBE, needs_chromium, settled
from ui.i18n import Lang, text

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]

# How the held-back result view looks from the page: where it is, what of it shows, what space it
# takes (the main block's height with the slot and without it), and whether its charts were drawn.
SLOT_STATE = """
(prefix) => {
  const slot = document.querySelector(`.st-key-${prefix}_result`);
  if (!slot) return null;
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  const withSlot = block.scrollHeight;
  const display = slot.style.display;
  slot.style.display = 'none';
  const withoutSlot = block.scrollHeight;
  slot.style.display = display;
  const seen = [...slot.querySelectorAll('*')].filter(e => e.checkVisibility({visibilityProperty: true}));
  return {
    visibility: getComputedStyle(slot).visibility,
    height: slot.getBoundingClientRect().height,
    space: withSlot - withoutSlot,
    seen: seen.length,
    plots: [...slot.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg')).length,
    images: slot.querySelectorAll('.js-plotly-plot image').length,
    tables: slot.querySelectorAll('table.studio-table').length,
  };
}
"""

# The result view's own nodes, remembered before the first analysis.
MARK = """
(prefix) => {
  const slot = document.querySelector(`.st-key-${prefix}_result`);
  const table = slot && slot.querySelector('table.studio-table');
  window.__premounted = {
    container: slot,
    threshold: document.querySelector(`.st-key-${prefix}_threshold`),
    view: document.querySelector(`.st-key-${prefix}_view`),
    table: table && table.closest('[data-testid="stElementContainer"]'),
  };
  return Object.entries(window.__premounted).filter(([, node]) => !node).map(([name]) => name);
}
"""

# Which of them were replaced (no longer in the page, or no longer what the selector finds).
REPLACED = """
(prefix) => {
  const now = {
    container: document.querySelector(`.st-key-${prefix}_result`),
    threshold: document.querySelector(`.st-key-${prefix}_threshold`),
    view: document.querySelector(`.st-key-${prefix}_view`),
  };
  return Object.entries(window.__premounted)
    .filter(([name, node]) => !node.isConnected || (name in now && now[name] !== node))
    .map(([name]) => name);
}
"""


def _truth(rel: str) -> dict:
    return json.loads((ROOT / "samples" / rel).with_suffix(".json").read_text(encoding="utf-8"))["fields"]


def _masked_card(fields: dict) -> str:
    return fields["cardNumber"][:6] + "******"


def _masked_rrn(fields: dict) -> str:
    return fields["residentNumber"][:8] + "******"


def _masked_licence(fields: dict) -> str:
    return fields["driverLicenseNumber"][:6] + "******-**"


PAGES = {  # page: (url path, key prefix, specimen, what of it the result shows, masked)
    "credit-card": ("credit-card", "cc", "cards/visa_blue_flat.png", _masked_card),
    "id-card": ("id-card", "id", "ids/resident_hong_gildong.png", _masked_rrn),
    "stand-alone": ("stand-alone", "sa", "ids/driver_hong_gildong.png", _masked_licence),
}


def _settled(pg) -> None:
    settled(pg)


def _assert_out_of_sight(pg, prefix: str, lang: Lang | None = None) -> None:
    """The made-up result is drawn, but nothing of it shows, takes room or reaches the accessibility
    tree (its slider and heading, by their names in ``lang`` when the page's language is known)."""
    # Plotly's code is a large chunk the browser loads and compiles on first use: wait for the plots.
    pg.wait_for_function(
        "p => document.querySelectorAll(`.st-key-${p}_result .js-plotly-plot image`).length",
        arg=prefix,
        timeout=120_000,
    )
    state = pg.evaluate(SLOT_STATE, prefix)
    assert state is not None, "no result container before the first analysis: the view is not pre-mounted"
    assert state["visibility"] == "hidden" and state["height"] == 0, state
    assert state["seen"] == 0 and state["space"] == 0, state  # nothing shows, no room taken, no jump
    assert state["plots"] == 2 and state["images"] == 1 and state["tables"] == 1, state  # drawn, though
    assert pg.get_by_role("slider").count() == 0  # nothing of it in the accessibility tree
    if lang is not None:
        assert pg.get_by_role("heading", name=text("res.heading", lang)).count() == 0


def _first_analysis(browser, url: str, page: str, lang: str = "en", shots: bool = False) -> None:
    path, prefix, specimen, masked = PAGES[page]
    expect = masked(_truth(specimen))
    words: Lang = "ko" if lang == "ko" else "en"
    context = browser.new_context(
        viewport={"width": 1440, "height": 2600}, locale="ko-KR" if lang == "ko" else "en-GB"
    )
    pg = context.new_page()
    try:
        pg.goto(f"{url}/{path}", wait_until="domcontentloaded")
        either = f"^({text('img.src_upload', 'en')}|{text('img.src_upload', 'ko')})$"
        pg.get_by_role("radio", name=re.compile(either)).wait_for(timeout=120_000)  # the browser's language
        _settled(pg)
        _assert_out_of_sight(pg, prefix)  # from the first page load, before any image
        if lang == "ko":
            pg.locator('[data-testid="stSidebar"]').get_by_text("한국어", exact=True).click(timeout=60_000)
            _settled(pg)
        pg.get_by_role("radio", name=text("img.src_upload", words), exact=True).click(timeout=60_000)
        pg.locator('input[type="file"]').first.set_input_files(str(ROOT / "samples" / specimen))
        button = pg.get_by_role("button", name=re.compile(rf"^\W*{text('an.button', words)}$"))
        button.wait_for(timeout=120_000)
        _settled(pg)
        _assert_out_of_sight(pg, prefix, words)
        if shots:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / f"result_slot_{page}_{lang}_before.png"), full_page=True)
        assert pg.evaluate(MARK, prefix) == []

        button.click()
        pg.wait_for_function("t => document.body.innerText.includes(t)", arg=expect, timeout=180_000)
        _settled(pg)
        assert pg.evaluate(REPLACED, prefix) == [], "the first result mounted the result view anew"
        state = pg.evaluate(SLOT_STATE, prefix)
        assert state["visibility"] == "visible" and state["height"] > 300 and state["seen"] > 0, state
        assert state["plots"] == 2 and state["images"] == 1, state
        assert pg.get_by_role("slider", name=text("res.threshold", words)).count() == 1
        # the normal (not presenter) view at 1440 px: no value cut with an ellipsis, no word split
        assert pg.evaluate(LAYOUT_PROBE) == []
        if shots:
            pg.locator(f".st-key-{prefix}_result").scroll_into_view_if_needed()
            pg.screenshot(path=str(ARTIFACTS / f"result_slot_{page}_{lang}_after.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_credit_card_first_result_lands_in_the_premounted_view(browser, dashboard, lang):
    _first_analysis(browser, dashboard, "credit-card", lang, shots=True)


@pytest.mark.parametrize("page", ["id-card", "stand-alone"])
def test_id_pages_first_result_lands_in_the_premounted_view(browser, dashboard, page):
    _first_analysis(browser, dashboard, page, shots=page == "id-card")
