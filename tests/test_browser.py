"""The dashboard in a real browser: started with the README's command, driven by Playwright in
Debian's Chromium, checked for what a person sees and for what travels over its websocket.

Screenshots land in ``test-artifacts/browser/`` for a person to look at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from harness.browser import needs_chromium, settled

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SANDBOX_SECRET = "sandbox-secretkey"

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]


def _truth(rel: str) -> dict:
    return json.loads((ROOT / "samples" / rel).with_suffix(".json").read_text(encoding="utf-8"))


@dataclass
class Traffic:
    """Everything the page received over its websocket, and every host it asked for anything."""

    frames: list[bytes] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)

    def blob(self) -> bytes:
        return b"\n".join(self.frames)


@pytest.fixture()
def page(browser, dashboard):
    traffic = Traffic()
    # Streamlit scrolls inside the page: a tall viewport puts the whole result into the screenshot.
    context = browser.new_context(viewport={"width": 1440, "height": 3000})
    pg = context.new_page()

    def on_ws(ws):
        def keep(payload):
            traffic.frames.append(payload if isinstance(payload, bytes) else payload.encode())

        ws.on("framereceived", keep)

    pg.on("websocket", on_ws)
    pg.on("request", lambda req: traffic.hosts.add(urlparse(req.url).hostname or ""))
    pg.traffic = traffic
    yield pg
    context.close()


def _analyse(pg, url: str, path: str, specimen: str, expect: str, shot: str) -> None:
    pg.goto(f"{url}/{path}", wait_until="domcontentloaded")
    pg.get_by_role("radio", name="Upload", exact=True).click(timeout=60_000)
    pg.locator('input[type="file"]').first.wait_for(state="attached", timeout=60_000)
    pg.locator('input[type="file"]').first.set_input_files(str(ROOT / "samples" / specimen))
    button = pg.get_by_role("button", name=re.compile(r"^\W*Analyse$"))
    button.wait_for(timeout=60_000)
    button.click()
    # Tables are canvas grids whose cells are hidden in the DOM: wait for the text, not for visibility.
    pg.wait_for_function("text => document.body.innerHTML.includes(text)", arg=expect, timeout=120_000)
    # a chart on show (the pre-flight glare figure is folded away with its table since issue 18)
    pg.locator(".js-plotly-plot >> visible=true").first.wait_for(timeout=30_000)
    settled(pg)  # every delta of the run has landed before the page is read
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / shot), full_page=True)


def _assert_never_shown(pg, secrets: list[str]) -> None:
    html = pg.content()
    frames = pg.traffic.blob()
    for secret in secrets:
        assert secret not in html, f"{secret[:4]}… appears in the page"
        assert secret.encode() not in frames, f"{secret[:4]}… travelled over the websocket"


def test_credit_card_masked_end_to_end(page, dashboard):
    truth = _truth("cards/visa_blue_flat.png")["fields"]
    digits = truth["cardNumber"]
    masked_head = digits[:6]
    _analyse(
        page, dashboard, "credit-card", "cards/visa_blue_flat.png", f"{masked_head}******", "credit_card.png"
    )
    # Values appear (masked) and the overlay is drawn.
    assert page.locator(".js-plotly-plot").count() >= 1
    assert truth["validThru"] in page.content()
    spaced = " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
    _assert_never_shown(page, [digits, spaced, spaced.replace(" ", "-"), SANDBOX_SECRET])
    assert page.traffic.hosts <= {"127.0.0.1"}, f"the page reached out to {page.traffic.hosts}"


def test_resident_card_masked_end_to_end(page, dashboard):
    truth = _truth("ids/resident_hong_gildong.png")["fields"]
    rrn = truth["residentNumber"]
    _analyse(page, dashboard, "id-card", "ids/resident_hong_gildong.png", f"{rrn[:8]}******", "id_card.png")
    assert page.get_by_text("Request-Key", exact=False).count() >= 1
    _assert_never_shown(page, [rrn, rrn.replace("-", ""), truth["name"], SANDBOX_SECRET])
    assert page.traffic.hosts <= {"127.0.0.1"}, f"the page reached out to {page.traffic.hosts}"


def test_confidence_chart_hovers_zooms_and_fits_at_1280x800(browser, dashboard):
    """The confidence chart is a Plotly chart: hovering a bar tells its field, masked value, confidence
    and the threshold; the toolbar zooms and saves a PNG; the longest field names are not cut off."""
    truth = _truth("ids/resident_hong_gildong.png")["fields"]
    rrn = truth["residentNumber"]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    try:
        _analyse(
            pg, dashboard, "id-card", "ids/resident_hong_gildong.png", f"{rrn[:8]}******", "id_card_1280.png"
        )
        chart = pg.locator(".st-key-id_confidence")
        chart.scroll_into_view_if_needed()
        box = chart.locator(".js-plotly-plot").bounding_box()
        labels = chart.locator(".ytick text")
        assert labels.count() >= 3
        names = []
        for i in range(labels.count()):
            label = labels.nth(i)
            names.append(label.text_content())
            b = label.bounding_box()
            assert b["x"] >= box["x"] - 1 and b["x"] + b["width"] <= box["x"] + box["width"] + 1, names[-1]
        assert any("Resident registration" in n for n in names), names
        chart.screenshot(path=str(ARTIFACTS / "confidence_chart_1280.png"))

        bars = chart.locator(".bars .point path")
        assert bars.count() >= 3
        label = labels.nth(
            next(i for i, n in enumerate(names) if "Resident registration" in n)
        ).bounding_box()
        middle = label["y"] + label["height"] / 2
        target = min(
            (bars.nth(i).bounding_box() for i in range(bars.count())),
            key=lambda b: abs(b["y"] + b["height"] / 2 - middle),
        )
        pg.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2)
        hover = chart.locator(".hoverlayer .hovertext")
        hover.wait_for(timeout=10_000)
        said = hover.text_content()
        assert "Resident registration number" in said and f"{rrn[:8]}******" in said, said
        assert "Confidence: " in said and "threshold: 0.80" in said, said
        assert rrn not in said
        modebar = chart.locator(".modebar")
        assert modebar.locator('[data-title="Zoom"]').count() == 1
        assert modebar.locator('[data-title^="Download plot as a"]').count() == 1
        with pg.expect_download(timeout=30_000) as download:
            modebar.locator('[data-title^="Download plot as a"]').click()
        assert download.value.suggested_filename == "confidence.png"
    finally:
        context.close()
