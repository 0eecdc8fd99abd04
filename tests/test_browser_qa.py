"""The QA Lab in a real browser (``./studio run``, Debian's Chromium): start a small sweep, watch its
progress, download the HTML report and open it — it draws its charts and asks no host for anything."""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import pytest

from harness.browser import needs_chromium, settled, sweep_chart
from harness.dashboard_process import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "browser"

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


def test_small_sweep_progress_and_report(browser, dashboard, tmp_path):
    from playwright.sync_api import expect

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
    # That line is the progress fragment's; the results below it were drawn by the page's last run,
    # while the run was going on. The fragment then reruns the page, which draws them again, finished:
    # each chart with new data is a new Plotly plot (CI saw the old one beside the new, and a full run
    # the old one detached under a scroll). The results' own line says when they are the final ones.
    pg.get_by_text(re.compile(r"^Run \d+: Credit card · sandbox v2\.0 · preprocessing off · done$")).wait_for(
        timeout=60_000
    )
    settled(pg)
    button = pg.get_by_role("button", name="HTML report")
    button.wait_for(timeout=60_000)
    pg.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    sweep = pg.locator(".st-key-lab_chart_sweeps .js-plotly-plot")
    expect(sweep).to_have_count(1, timeout=30_000)
    sweep.scroll_into_view_if_needed()
    sweep.locator(".main-svg").first.wait_for(timeout=30_000)
    _one_chart_per_degradation(sweep_chart(pg))
    pg.screenshot(path=str(ARTIFACTS / "qa_lab_results.png"), full_page=True)

    # a click on an item (the second row: the card at 0.5×) opens it with the analysis pages' overlay
    overlay = pg.locator(".st-key-lab_res_overlay .js-plotly-plot")
    assert overlay.count() == 0  # nothing opened yet
    grid = pg.locator(".st-key-lab_items [data-testid='stDataFrameResizable']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    pg.mouse.click(box["x"] + 16, box["y"] + 35 + 35 + 17)  # the row marker of data row 2 (rows are 35 px)
    expect(overlay).to_have_count(1, timeout=60_000)  # one plot, not an old one beside a new
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
    viewer.on(
        "request", lambda r: hosts.append(urlparse(r.url).scheme + ":" + (urlparse(r.url).hostname or ""))
    )
    viewer.goto(report.as_uri())
    viewer.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    viewer.screenshot(path=str(ARTIFACTS / "qa_report.png"), full_page=True)
    _one_chart_per_degradation(sweep_chart(viewer))  # the same charts in the report
    assert (
        viewer.locator(".js-plotly-plot").count() == 4
    )  # and the batch's: per field, per type, right vs wrong
    assert set(hosts) == {"file:"}
    context.close()


def _made_run(db_url, sandbox, sources, truth) -> int:
    """A run in the studio database the dashboard reads (``db_url``), made and executed here."""
    from ocr_core import OcrClient, Settings
    from qa.runner import RunSpec, create_run, execute_run
    from qa.tasks import spool
    from store import session_factory

    factory = session_factory(db_url)
    rid = create_run(
        factory,
        RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0", truth=truth),
        sources,
        spool(db_url),
    )
    with OcrClient(
        Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)
    ) as client:
        assert execute_run(factory, rid, client, spool(db_url)) == "done"
    return rid


def _choose(pg, key: str, option: str) -> None:
    box = pg.locator(f".st-key-{key} input")
    box.click()
    pg.get_by_role("option", name=option, exact=True).click()


def test_runs_page_shows_expected_beside_read_tags_and_the_per_image_diff(
    browser, dashboard, dashboard_database, sandbox
):
    """Issue 19 in Chromium: the misread item opened shows what was expected beside what was read, both
    masked, the differing digit marked and named; accuracy per tag as a table and chart; and the Compare
    tab lists image by image what flipped, warning that the two runs were of different images."""
    from qa.runner import Source
    from qa.truth import parse_truth
    from tests.support.apptest import SAMPLES
    from tests.support.misread import PRINTED_NUMBER, TRUE_NUMBER, luhn_failing_card

    made = luhn_failing_card()
    visa = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
    a = _made_run(
        dashboard_database,
        sandbox,
        [Source("card.png", made), Source("visa.png", visa)],
        parse_truth(
            "a.csv", f"file,totalCardNum\ncard.png,{PRINTED_NUMBER}\nvisa.png,{TRUE_NUMBER}\n".encode()
        ),
    )
    other = SAMPLES / "cards" / "bc_red_flat.png"
    other_number = json.loads(other.with_suffix(".json").read_text("utf-8"))["fields"]["cardNumber"]
    b = _made_run(
        dashboard_database,
        sandbox,
        [Source("renamed.png", made), Source("bc.png", other.read_bytes())],
        parse_truth(
            "b.csv",
            (
                f"file,totalCardNum,device\nrenamed.png,{TRUE_NUMBER},Galaxy S21\n"
                f"bc.png,{other_number},iPhone 12\n"
            ).encode(),
            "credit-card",
        ),
    )
    context = browser.new_context(viewport={"width": 1440, "height": 3200})
    pg = context.new_page()
    pg.goto(f"{dashboard}/runs", wait_until="domcontentloaded")
    pg.locator(".st-key-runs_pick input").wait_for(timeout=90_000)
    _choose(pg, "runs_pick", str(b))
    _choose(pg, "runs_item", "#1 renamed.png · as given")
    pg.get_by_text("Result: 0 — The call succeeded.").first.wait_for(timeout=60_000)  # the item opened
    # the grid's cells, as its accessible table holds them (the grid itself is drawn on a canvas)
    for cell in ("439631******978[3]", "439631******978[2]", "digit 16 of 16 read wrong"):
        pg.locator("td", has_text=cell).first.wait_for(state="attached", timeout=30_000)
    tag_chart = pg.locator(".st-key-runs_tag_chart_device .js-plotly-plot")
    tag_chart.scroll_into_view_if_needed()
    tag_chart.locator(".main-svg").first.wait_for(timeout=30_000)
    assert sorted(tag_chart.locator(".xtick text").all_text_contents()) == ["Galaxy S21", "iPhone 12"]
    pg.locator("td", has_text="Galaxy S21").first.wait_for(state="attached", timeout=30_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "qa_runs_expected.png"), full_page=True)

    pg.get_by_role("tab", name="Compare").click()
    _choose(pg, "runs_cmp_a", str(a))
    _choose(pg, "runs_cmp_b", str(b))
    pg.get_by_text("The two runs were of different images: 1 only in A, 1 only in B.").wait_for(
        timeout=60_000
    )
    pg.get_by_text("1 right → wrong, 0 wrong → right, 0 unchanged").wait_for(timeout=30_000)
    pg.locator("td", has_text="right → wrong").first.wait_for(state="attached", timeout=30_000)
    pg.locator("td", has_text="card.png / renamed.png").first.wait_for(state="attached", timeout=30_000)
    pg.screenshot(path=str(ARTIFACTS / "qa_runs_diff.png"), full_page=True)
    body = pg.locator("body").inner_text()
    assert TRUE_NUMBER not in body and PRINTED_NUMBER not in body
    context.close()
