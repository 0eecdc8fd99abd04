"""AppTest of the Compare page: two photos of one card, and one photo raw vs preprocessed."""

from __future__ import annotations

import pytest

from tests.support.apptest import assert_clean, open_page, page_text, texts, truth

pytestmark = pytest.mark.usefixtures("sandbox")
PAGE = "pages/compare.py"


def test_two_images_side_by_side():
    at = open_page(PAGE)
    assert at.button(key="cmp_analyze").disabled
    at.selectbox(key="cmpA_specimen").set_value("cards/visa_blue_flat.png")
    at.selectbox(key="cmpB_specimen").set_value("cards/mastercard_black_embossed.png").run()
    at.button(key="cmp_analyze").click().run()
    assert_clean(at)
    table = next(df.value for df in at.dataframe if "Δ conf (B−A)" in df.value.columns)
    assert "✗" in list(table["Same value"])  # two different cards: their numbers differ
    assert any("differ" in w for w in texts(at.warning))
    assert len([c for c in at.get("plotly_chart")]) >= 3  # two overlays and the confidence bars
    for specimen in ("cards/visa_blue_flat.png", "cards/mastercard_black_embossed.png"):
        assert truth(specimen)["cardNumber"] not in page_text(at)  # masked on both sides


def test_raw_versus_preprocessed():
    at = open_page(PAGE)
    at.segmented_control(key="cmp_mode").set_value("pre").run()
    at.selectbox(key="cmpA_specimen").set_value("photos/visa_desk_perspective.jpg").run()
    at.button(key="cmp_analyze").click().run()
    assert_clean(at)
    resolution = next(df.value for df in at.dataframe if "Our measurement" in df.value.columns)
    assert len(resolution) == 2
    quality = next(df.value for df in at.dataframe if "A" in df.value.columns and "Check" in df.value.columns)
    assert "Card boundary" in list(quality["Check"])
