"""Issue 18, item 6 (Korean throughout), in a real browser (./studio run + Chromium) at 1280×800: the
Korean view of an ID card's result names no field by the API's key (``issueDate``, ``residentNumber``),
shows no English enum ("정상 (normal)", "주민등록증 (resident)"), no "Key / Value" tab, no "(으)로"
left for the reader to choose, and no metric broken mid-word. The JSON view (raw, by design) is not
opened."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.browser import LAYOUT_PROBE, needs_chromium, settled
from ocr_core.fields import FIELDS
from ui.specimens import Specimen, by_image

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

pytestmark = [pytest.mark.browser, needs_chromium]

ENGLISH_ENUMS = (
    "(normal)",
    "(low)",
    "(resident)",
    "(driver)",
    "(passport)",
    "(credit-card)",
    "Key / Value",
    "(으)로",
)


def _settled(pg) -> None:
    settled(pg)


# Latin words a Korean reader meets as they are: names of products, standards and file formats, the
# language switch's own "English", and the API's "Request-Key" that the vendor's Korean guide keeps too.
ALLOWED = {
    "Document",
    "OCR",
    "Studio",
    "NHN",
    "CLOUD",
    "Cloud",
    "QA",
    "Lab",
    "MRZ",
    "Luhn",
    "Request-Key",
    "PNG",
    "JPEG",
    "JPG",
    "KB",
    "MB",
    "JSON",
    "CSV",
    "ZIP",
    "API",
    "English",
    "Language",
    "BC",
    "Visa",
    "Mastercard",
    "Amex",
    "ID",
}
# The page's words without icons (Material Symbols ligatures such as "photo_library" are text in the DOM)
# and without Streamlit's hidden "Skip to main content" link.
WORDS = """() => {
  const root = document.querySelector('[data-testid="stApp"]');
  const copy = root.cloneNode(true);
  const icons = [...root.querySelectorAll('*')].map(e => getComputedStyle(e).fontFamily.includes('Material'));
  [...copy.querySelectorAll('*')].forEach((e, i) => { if (icons[i]) e.textContent = ''; });
  copy.querySelectorAll('[data-testid="stSkipToContent"]').forEach(e => e.remove());
  copy.style.position = 'absolute'; copy.style.left = '-20000px'; document.body.appendChild(copy);
  const said = copy.innerText; copy.remove(); return said; }"""


def _stray_english(said: str, printed: str) -> list[str]:
    """Latin words in ``said`` that are neither allowed nor printed on the document being shown, each
    with the words around it (to find it on the page)."""
    words = set(
        re.findall(r"(?<![A-Za-z0-9_-])[A-Za-z][A-Za-z_-]*[A-Za-z](?![A-Za-z0-9_-])", said)
    )  # not "387117ea"
    stray = sorted(w for w in words if w not in ALLOWED and w.upper() not in printed.upper())
    return [f"{w}: …{said[max(0, said.find(w) - 40) : said.find(w) + 40]}…" for w in stray]


def _specimen(image: str) -> Specimen:
    spec = by_image(image)
    assert spec is not None, image
    return spec


def _printed(specimen: str | None) -> str:
    """Every value of the specimen's truth: what the document itself says (names, MRZ, issuer…)."""
    return " ".join(str(v) for v in _specimen(specimen).truth_fields().values()) if specimen else ""


def _korean_page(browser, dashboard: str, path: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    pg = context.new_page()
    pg.goto(f"{dashboard}/{path}", wait_until="domcontentloaded")
    pg.locator('[data-testid="stSidebar"]').get_by_text("한국어", exact=True).click(timeout=60_000)
    _settled(pg)
    return context, pg


def _analyse(pg, prefix: str, specimen: str) -> None:
    pg.get_by_role("button", name=_specimen(specimen).title("ko"), exact=True).click(timeout=60_000)
    _settled(pg)
    pg.get_by_role("button", name=re.compile(r"^\W*분석하기$")).click(timeout=60_000)
    pg.locator(f".st-key-{prefix}_result table.studio-table").first.wait_for(timeout=240_000)
    pg.wait_for_function(
        f"() => [...document.querySelectorAll('.st-key-{prefix}_result .js-plotly-plot "
        ".annotation-text')].length > 0",
        timeout=120_000,
    )
    _settled(pg)


@pytest.mark.parametrize(
    ("path", "prefix", "specimen"),
    [
        ("id-card", "id", "ids/resident_hong_gildong.png"),
        ("id-card", "id", "ids/passport_hong_gildong.png"),
        ("id-card", "id", "ids/driver_hong_gildong.png"),
        ("credit-card", "cc", "cards/visa_blue_flat.png"),
        ("stand-alone", "sa", "ids/driver_lee_seojun.png"),
    ],
)
def test_the_korean_view_of_a_result_has_no_stray_english(browser, dashboard, path, prefix, specimen):
    context, pg = _korean_page(browser, dashboard, path)
    try:
        _analyse(pg, prefix, specimen)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shown_specimen = by_image(specimen)
        assert shown_specimen is not None
        pg.screenshot(path=str(ARTIFACTS / f"korean_{path}_{shown_specimen.doc_type}_result.png"))
        shown = pg.locator('[data-testid="stMain"]').inner_text()
        keys = [k for k in FIELDS if re.search(rf"(?<![A-Za-z]){re.escape(k)}(?![A-Za-z])", shown)]
        assert not keys, f"API key names in the Korean view: {keys}"
        enums = [e for e in ENGLISH_ENUMS if e in shown]
        assert not enums, f"English in the Korean view: {enums}"
        stray = _stray_english(pg.evaluate(WORDS), _printed(specimen))
        assert not stray, f"English words in the Korean view of {path}: {stray}"
        problems = pg.evaluate(LAYOUT_PROBE)
        assert not problems, problems
    finally:
        context.close()


@pytest.mark.parametrize("path", ["", "authenticity", "compare"])
def test_the_korean_view_of_every_other_page_has_no_stray_english(browser, dashboard, path):
    context, pg = _korean_page(browser, dashboard, path)
    try:
        stray = _stray_english(pg.evaluate(WORDS), "")
        assert not stray, f"English words in the Korean view of /{path}: {stray}"
        assert "specimen" not in pg.evaluate(WORDS)  # specimens by their Korean titles
    finally:
        context.close()
