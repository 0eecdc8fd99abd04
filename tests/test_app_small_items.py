"""Issue 12, item 11: Korean values, the v2.1 curl example, the toolbar off the image, downloads
named and labelled by what they hold."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import numpy as np
import pytest

from tests.support.apptest import assert_clean, open_page
from ui.downloads import curl_example, download_stem, export_metadata
from ui.figures import overlay_figure
from ui.rows import result_json, rows_csv, rows_for

pytestmark = pytest.mark.usefixtures("sandbox")


def test_korean_screen_translates_document_type_and_resolution():
    at = open_page("pages/id_card.py", lang="ko")
    at.selectbox(key="id_specimen").set_value("ids/resident_hong_gildong.png").run()
    at.button(key="id_analyze").click().run()
    assert_clean(at)
    values = {m.label: m.value for m in at.metric}
    # Korean words alone since issue 18 item 6 (was "주민등록증 (resident)", "정상 (normal)": English in
    # the Korean view, and at 1280 px the metric broke as "정상 / (normal / )")
    assert values["신분증 종류"] == "주민등록증", values
    assert values["API 해상도 판정"] == "정상", values


def test_v21_curl_example_takes_its_token_from_the_same_place_as_the_api(sandbox):
    at = open_page("pages/settings.py")
    at.radio(key="settings_api_version").set_value("v2.1").run()
    at.switch_page("pages/credit_card.py").run()
    at.selectbox(key="cc_specimen").set_value("cards/visa_blue_flat.png").run()
    at.button(key="cc_analyze").click().run()
    at.segmented_control(key="cc_view").set_value("export").run()
    assert_clean(at)
    curl = " ".join(c.value for c in at.code)
    assert sandbox.base_url + "/" in curl and "oauth.api.nhncloudservice.com" not in curl, curl
    assert "https://oauth.api.nhncloudservice.com" in curl_example(
        "https://api-ocr.nhncloudservice.com", "v2.1", "credit-card", None
    )


def test_the_toolbar_sits_above_the_image():
    fig = overlay_figure(np.zeros((700, 1000, 3), np.uint8), [], threshold=0.8)
    assert fig.layout.margin.t >= 30


def test_downloads_say_whether_they_are_masked_in_name_and_content():
    at = datetime(2026, 11, 29, 1, 30, tzinfo=UTC)
    assert download_stem("id-card", at, True) == "id-card-20261129-013000-masked"
    assert download_stem("id-card", at, False) == "id-card-20261129-013000-UNMASKED"
    meta = export_metadata(
        analysed_at=at,
        backend="sandbox",
        endpoint="http://127.0.0.1:1",
        api_version="v2.1",
        threshold=0.85,
        masked=True,
        key_version="3",
    )
    assert {"exportedAt", "analysedAt", "backend", "apiVersion", "threshold", "masked"} <= set(meta)
    from tests.support.results import card

    doc = json.loads(result_json(card(), True, meta))
    assert doc["export"]["masked"] is True and doc["export"]["apiVersion"] == "v2.1" and "result" in doc
    text = rows_csv(rows_for(card(), "en", True), meta)
    assert "# masked: True" in text and "# threshold: 0.85" in text
    rows = list(
        csv.reader(
            io.StringIO("\n".join(ln for ln in text.lstrip("\ufeff").splitlines() if not ln.startswith("#")))
        )
    )
    assert rows[0] == ["key", "label", "value", "confidence", "checks"]
