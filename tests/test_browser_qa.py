"""The QA Lab in a real browser (``./studio run``, Debian's Chromium): start a small sweep, watch its
progress, download the HTML report and open it — it draws its charts and asks no host for anything."""
from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.support.browser import SWEEP_CHART_PROBE, needs_chromium
from tests.test_browser import ARTIFACTS, dashboard  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]


def _pick(pg, label: str, option: str) -> None:
    box = pg.get_by_label(label)
    box.click()
    pg.get_by_role("option", name=option, exact=True).click()
    pg.keyboard.press("Escape")


def _one_chart_per_degradation(chart: dict) -> None:
    """Darkness and scale each in a chart of its own, its x axis in its own unit read worse to the right
    (both are worse when lower: reversed), each drawn in a colour of its own."""
    assert chart["subplots"][:2] == ["Darkness", "Scale"]  # in the catalogue's order
    assert [a["title"] for a in chart["axes"]] == ["× exposure — worse →", "× size — worse →"]
    assert "× size — worse →" in chart["titles"] and "× exposure — worse →" in chart["titles"]  # drawn
    assert [a["reversed"] for a in chart["axes"]] == [True, True]
    assert set(chart["strokes"]) == {"scale", "dark"} and len(set(chart["strokes"].values())) == 2


def test_small_sweep_progress_and_report(browser, dashboard, tmp_path):  # noqa: F811
    context = browser.new_context(viewport={"width": 1440, "height": 2600}, accept_downloads=True)
    pg = context.new_page()
    pg.goto(f"{dashboard}/qa-lab", wait_until="domcontentloaded")
    pg.get_by_text("Specimens (they carry their truth)").wait_for(timeout=90_000)
    _pick(pg, "Specimens (they carry their truth)", "cards/visa_blue_flat.png")
    _pick(pg, "Degradation sweep", "Scale")
    _pick(pg, "Degradation sweep", "Darkness")
    for label, value in (("Scale (× size) levels", "1,0.5"), ("Darkness (× exposure) levels", "1,0.5")):
        levels = pg.get_by_label(label)
        levels.fill(value)
        levels.press("Enter")
    pg.get_by_text("1 images → 3 calls").wait_for(timeout=30_000)
    pg.get_by_role("button", name="Start run").click()
    pg.get_by_text(re.compile(r"\d/3 done")).first.wait_for(timeout=60_000)  # live progress
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "qa_lab_progress.png"), full_page=True)
    pg.get_by_text("3/3 done · 0 failed · done").wait_for(timeout=240_000)
    button = pg.get_by_role("button", name="HTML report")
    button.wait_for(timeout=60_000)
    pg.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    sweep = pg.locator(".st-key-lab_chart_sweeps .js-plotly-plot")
    sweep.scroll_into_view_if_needed()
    sweep.locator(".main-svg").first.wait_for(timeout=30_000)
    _one_chart_per_degradation(pg.evaluate(SWEEP_CHART_PROBE))
    pg.screenshot(path=str(ARTIFACTS / "qa_lab_results.png"), full_page=True)

    # a click on an item (the second row: the card at 0.5×) opens it with the analysis pages' overlay
    overlay = pg.locator(".st-key-lab_res_overlay .js-plotly-plot")
    assert overlay.count() == 0  # nothing opened yet
    grid = pg.locator(".st-key-lab_items [data-testid='stDataFrameResizable']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    pg.mouse.click(box["x"] + 16, box["y"] + 35 + 35 + 17)  # the row marker of data row 2 (rows are 35 px)
    overlay.wait_for(timeout=60_000)
    overlay.locator(".main-svg").first.wait_for(timeout=30_000)
    assert pg.locator(".st-key-lab_item input").input_value() == "#2 visa_blue_flat.png · Scale 0.5 × size"
    # with the verdicts the validators gave the number as read, recorded by the run: no validator ran
    # on the masked value the page holds
    pg.locator("td", has_text=re.compile(r"^✓ Luhn$")).first.wait_for(timeout=30_000)
    pg.locator(".st-key-lab_res_overlay").scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / "qa_lab_item.png"), full_page=True)
    with pg.expect_download() as dl:
        button.click()
    report = tmp_path / "report.html"
    dl.value.save_as(report)
    text = report.read_text("utf-8")
    assert "totalCardNum=439631******9782 ✓" in text and "4396317356239782" not in text

    viewer = context.new_page()
    hosts: list[str] = []
    viewer.on("request", lambda r: hosts.append(urlparse(r.url).scheme + ":" + (urlparse(r.url).hostname or "")))
    viewer.goto(report.as_uri())
    viewer.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    viewer.screenshot(path=str(ARTIFACTS / "qa_report.png"), full_page=True)
    _one_chart_per_degradation(viewer.evaluate(SWEEP_CHART_PROBE))  # the same charts in the report
    assert viewer.locator(".js-plotly-plot").count() == 4  # and the batch's: per field, per type, right vs wrong
    assert set(hosts) == {"file:"}
    context.close()
