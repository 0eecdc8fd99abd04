"""The dashboard's pure helpers, without Streamlit running: figures, rows, hand-off, exports,
redaction, comparison, and the completeness of the UI text table."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest

import l10n
from l10n.__main__ import check as check_catalogues
from ocr_core import CardNumberGroup, CreditCardResult, IdCardResult, KeyValue, RequestKey
from tests.support.results import card, resident
from ui.compare import pair_rows
from ui.confidence_chart import CONFIG as CONFIDENCE_CONFIG
from ui.confidence_chart import THRESHOLD_COLOUR, ChartWords, confidence_figure, wrap_label
from ui.downloads import curl_example
from ui.figures import Region, glare_figure, overlay_figure
from ui.handoff import handoff_from, prefill, ymd
from ui.i18n import _STRINGS, LANGS, known_keys, text
from ui.redaction import blur_regions, soften
from ui.rows import (
    flagged,
    measure_resolution,
    regions,
    rows_csv,
    rows_for,
    sensitive_polygons,
    truth_mismatches,
)

ROOT = Path(__file__).resolve().parents[1]


def test_card_rows_are_ordered_masked_and_checked():
    rows = rows_for(card(), "en", masked=True)
    assert [r.display_key for r in rows] == [
        "cardNums[0]",
        "cardNums[1]",
        "cardNums[2]",
        "cardNums[3]",
        "totalCardNum",
        "validThru",
    ]
    assert rows[4].shown == "439631******9782" and rows[4].raw == "4396317356239782"
    assert [r.shown for r in rows[:4]] == ["4396", "31**", "****", "9782"]
    assert [c.name for c in rows[4].checks] == ["card_luhn"] and rows[4].checks[0].ok
    assert [r.display_key for r in flagged(rows, 0.8)] == ["cardNums[2]", "cardNums[3]", "validThru"]
    assert len(sensitive_polygons(rows)) == 4  # the groups; the expiry is not personal


def test_id_rows_follow_the_guide_order_in_korean():
    rows = rows_for(resident(), "ko", masked=True)
    assert [r.key for r in rows] == ["name", "residentNumber", "issueDate", "issuer"]
    assert rows[0].label == "이름" and rows[0].shown == "홍**"
    assert rows[1].shown == "900115-1******"
    unmasked = rows_for(resident(), "en", masked=False)
    assert unmasked[1].shown == "900115-1289153"


def test_overlay_has_one_hoverable_polygon_per_region_and_no_unmasked_value():
    rows = rows_for(card(), "en", masked=True)
    rgb = np.zeros((540, 856, 3), np.uint8)
    fig = overlay_figure(rgb, regions(rows), threshold=0.8, other_boxes=[[(0, 0), (5, 0), (5, 5)]])
    assert isinstance(fig, go.Figure)
    polygons = [tr for tr in fig.data if isinstance(tr, go.Scatter) and tr.fill == "toself"]
    assert len(polygons) == 5
    assert {tr.line.color for tr in polygons} == {"#1a9850", "#f39c12", "#d73027"}  # by confidence
    assert "4396317356239782" not in fig.to_json()
    hidden = [tr for tr in fig.data if tr.visible == "legendonly"]
    assert len(hidden) == 1


EN = ChartWords(confidence="Confidence", threshold="threshold", value="Value")
KO = ChartWords(confidence="신뢰도", threshold="기준", value="값")


def test_confidence_chart_colours_bars_as_the_overlay_colours_boxes():
    confs = [0.95, 0.85, 0.5, None]
    fig = confidence_figure(["a", "b", "c", "d"], ["1", "2", "3", ""], confs, 0.8, EN)
    (bar,) = fig.data
    assert bar.type == "bar" and bar.orientation == "h"
    assert list(bar.marker.color) == ["#1a9850", "#f39c12", "#d73027", "#7f8c8d"]
    overlay = overlay_figure(
        np.zeros((50, 50, 3), np.uint8),
        [Region(n, "", c, ((0, 0), (9, 0), (9, 9))) for n, c in zip("abcd", confs, strict=True)],
        threshold=0.8,
    )
    assert [tr.line.color for tr in overlay.data[1:]] == list(bar.marker.color)
    assert list(bar.x) == [0.95, 0.85, 0.5, 0.0] and list(bar.text) == ["0.95", "0.85", "0.50", "–"]
    assert fig.layout.yaxis.autorange == "reversed"  # first field on top, as in the table


def test_confidence_chart_threshold_line_follows_the_slider():
    for threshold in (0.3, 0.8):
        fig = confidence_figure(["a"], ["1"], [0.6], threshold, EN)
        (line,) = fig.layout.shapes
        assert (line.x0, line.x1, line.line.dash, line.line.color) == (
            threshold,
            threshold,
            "dash",
            THRESHOLD_COLOUR,
        )
        assert fig.layout.annotations[0].text == f"threshold {threshold:.2f}"
        assert fig.data[0].marker.color[0] == ("#d73027" if threshold > 0.6 else "#f39c12")


def test_confidence_chart_hover_shows_field_masked_value_confidence_and_threshold():
    fig = confidence_figure(
        ["Card number 1", "이름 <b>"], ["4518 44** **** ****", "홍*동"], [0.93, None], 0.8, KO
    )
    bar = fig.data[0]
    assert [list(row) for row in bar.customdata] == [
        ["Card number 1", "4518 44** **** ****", "0.93"],
        ["이름 &lt;b&gt;", "홍*동", "–"],
    ]
    template = bar.hovertemplate
    assert "%{customdata[0]}" in template and "값: %{customdata[1]}" in template
    assert "신뢰도: %{customdata[2]}" in template and "기준: 0.80" in template
    assert fig.layout.xaxis.title.text == "신뢰도" and fig.layout.annotations[0].text == "기준 0.80"
    assert "<b>" not in "".join(bar.y)  # names are escaped wherever they are drawn


def test_confidence_chart_long_labels_wrap_instead_of_clipping():
    assert wrap_label("Resident registration number") == "Resident registration<br>number"
    assert wrap_label("Card number 1") == "Card number 1"
    assert wrap_label("주민등록번호 발급일자 확인용 항목") == "주민등록번호 발급일자<br>확인용 항목"
    assert wrap_label("Supercalifragilisticexpialidocious") == "Supercalifragilisticexpialidocious"
    fig = confidence_figure(["Resident registration number"], ["900115-1******"], [0.9], 0.8, EN)
    assert fig.layout.yaxis.automargin is True and fig.data[0].cliponaxis is False


def test_confidence_chart_presenter_sizes_and_toolbar():
    names, values, confs = ["a", "b", "c"], ["", "", ""], [0.9, 0.8, 0.7]
    normal = confidence_figure(names, values, confs, 0.8, EN)
    big = confidence_figure(names, values, confs, 0.8, EN, font_size=18)
    assert normal.layout.font.size == 13 and big.layout.font.size == 18
    assert big.layout.height > normal.layout.height and big.data[0].textfont.size == 18
    assert CONFIDENCE_CONFIG["displaylogo"] is False
    assert "zoom2d" not in CONFIDENCE_CONFIG["modeBarButtonsToRemove"]
    assert "toImage" not in CONFIDENCE_CONFIG["modeBarButtonsToRemove"]
    assert CONFIDENCE_CONFIG["toImageButtonOptions"]["format"] == "png"
    with pytest.raises(ValueError, match="one entry per field"):
        confidence_figure(["a"], [], [0.5], 0.8, EN)


def test_glare_figure():
    mask = np.zeros((100, 200), np.uint8)
    mask[10:20, 10:20] = 255
    assert (
        len(glare_figure(np.zeros((100, 200, 3), np.uint8), mask, [(0, 0), (10, 0), (10, 10), (0, 10)]).data)
        == 3
    )
    assert len(glare_figure(np.zeros((100, 200, 3), np.uint8), np.zeros((100, 200), np.uint8)).data) == 1


def test_blur_destroys_detail_inside_regions_only():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (200, 300, 3), dtype=np.uint8)
    out = blur_regions(img, [((50, 50), (150, 50), (150, 80), (50, 80))])
    inside, outside = (slice(55, 75), slice(60, 140)), (slice(150, 200), slice(200, 300))
    assert out[inside].std() < img[inside].std() / 3
    assert np.array_equal(out[outside], img[outside])


def test_softened_preview_keeps_size_and_drops_fine_detail():
    rng = np.random.default_rng(1)
    img = rng.integers(0, 255, (540, 856, 3), dtype=np.uint8)
    out = soften(img)
    assert out.shape == img.shape
    assert (
        np.abs(np.diff(out.astype(int), axis=1)).mean() < np.abs(np.diff(img.astype(int), axis=1)).mean() / 10
    )


def test_handoff_prefills_in_request_form_and_needs_a_live_key():
    assert ymd("2019.5.14.") == "20190514" and ymd("20190620") == "20190620"
    assert prefill(resident()) == {
        "name": "홍길동",
        "residentNumber": "9001151289153",
        "issueDate": "20190514",
    }
    assert handoff_from(resident()) is None  # no Request-Key
    key = RequestKey.issued_now("k1")
    handoff = handoff_from(resident(key))
    assert handoff is not None and handoff.request_key is key
    key.mark_spent()
    assert handoff_from(resident(key)) is None
    old = RequestKey("k2", datetime.now(UTC) - timedelta(hours=2), datetime.now(UTC) - timedelta(hours=1))
    assert handoff_from(resident(old)) is None


def test_driver_prefill_uses_the_seven_digit_form():
    driver = IdCardResult(
        "png",
        "normal",
        "driver",
        (
            KeyValue("driverLicenseNumber", "11-19-123456-12", 0.9),
            KeyValue("name", "홍길동", 0.9),
            KeyValue("residentNumber", "900115-1874011", 0.9),
            KeyValue("serialNum", "k3b7q", 0.9),
        ),
    )
    assert prefill(driver) == {
        "driverLicenseNumber": "111912345612",
        "name": "홍길동",
        "residentNumber": "9001151",
        "serialNum": "K3B7Q",
    }


def test_exports_keep_masking_and_curl_keeps_secrets_out():
    rows = rows_for(card(), "en", masked=True)
    csv_text = rows_csv(rows)
    assert "4396317356239782" not in csv_text and "439631******9782" in csv_text
    doc = json.loads(json.dumps(card().to_api_json(masked=True)))
    assert "4396317356239782" not in json.dumps(doc)
    curl = curl_example("http://127.0.0.1:1", "v2.0", "stand-alone", "3")
    assert "/v2.0/appkeys/${APPKEY}/id-card/stand-alone" in curl
    assert "Authorization: ${SECRETKEY}" in curl and "X-Key-Version: 3" in curl
    assert "Bearer ${TOKEN}" in curl_example("https://x", "v2.1", "credit-card", None)


def test_measured_resolution():
    assert measure_resolution(856, 540, None).verdict == "normal"
    assert measure_resolution(540, 856, None).verdict == "normal"  # portrait counts the same
    low = measure_resolution(640, 400, [(0, 0), (600, 0), (600, 380), (0, 380)])
    assert low.verdict == "low" and low.card_size == (600, 380)


def test_pair_rows_marks_differences_on_raw_values():
    a = rows_for(card(), "en", masked=True)
    other = card()
    b_result = CreditCardResult(
        "png",
        "low",
        other.card_numbers[:3] + (CardNumberGroup("9783", 0.4, None),),
        "4396317356239783",
        other.valid_thru,
    )
    pairs = pair_rows(a, rows_for(b_result, "en", masked=True))
    differing = [p.key for p in pairs if not p.same]
    assert differing == ["cardNums[3]", "totalCardNum"]  # equal when masked, different in truth
    assert pairs[3].delta is not None and round(pairs[3].delta, 2) == round(0.4 - 0.65, 2)


def test_every_ui_string_exists_in_both_languages():
    used: set[str] = set()
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", source))
        used |= set(re.findall(r"""\btext\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", source))
    missing = used - known_keys()
    assert not missing, missing
    for key, (en, ko) in _STRINGS.items():
        assert en.strip() and ko.strip(), key
        assert set(re.findall(r"{(\w+)", en)) == set(re.findall(r"{(\w+)", ko)), key
    assert not check_catalogues()  # every key in both .po files, no empty text, the same fields
    assert "연결됨" in text(
        "set.test_ok", "ko", backend="SANDBOX", host="127.0.0.1:1", service="id-card", version="1"
    )


def test_plural_forms_follow_each_language():
    assert text("q.summary_warn", "en", n=1).startswith("1 warning:")
    assert text("q.summary_warn", "en", n=2).startswith("2 warnings:")
    assert text("cmp.differs", "en", n=1) == "1 field differs between A and B."
    assert text("q.summary_warn", "ko", n=1).startswith("경고 1건") and text(
        "q.summary_warn", "ko", n=5
    ).startswith("경고 5건")
    with pytest.raises(KeyError):
        text("no.such_key", "en")
    assert l10n.message("nav.analyse", "fr") == "Analyse"  # any other language falls back to English
    assert LANGS == ("en", "ko")


def test_truth_comparison_names_misread_fields_only():
    rows = rows_for(card(), "en", masked=True)
    truth = {
        "cardNumber": "4396 3173 5623 9782",
        "groups": ["4396", "3173", "5623", "9782"],
        "validThru": "04/30",
    }
    compared, wrong = truth_mismatches(rows, truth)
    assert compared == 6 and [r.key for r in wrong] == ["validThru"]


_TEXT_SYMBOLS = set("✓✗⚠")


def _needs_emoji_font(s: str) -> bool:
    """Characters an emoji font draws (an empty box without one): outside the BMP, the emoji
    selector, or the dingbat/symbol blocks beyond the few marks that text fonts carry."""
    return any(
        ord(ch) > 0xFFFF
        or ch == "\ufe0f"
        or (0x2600 <= ord(ch) <= 0x27BF or 0x2B00 <= ord(ch) <= 0x2BFF)
        and ch not in _TEXT_SYMBOLS
        for ch in s
    )


def test_table_cells_use_marks_every_font_draws():
    from ocr_core.imaging import assess_quality
    from ui.quality_panel import quality_rows
    from ui.results import kv_table

    rows = rows_for(card(), "en", masked=True)
    cells = [str(v) for row in kv_table(rows, 0.8, "en") for v in row.values()]
    assert any(c.startswith("✓ ") for c in cells) and "⚠" in cells  # Luhn passes; a flagged field
    report = assess_quality(np.full((480, 760, 3), 128, np.uint8))
    cells += [str(v) for lang in LANGS for row in quality_rows(report, lang) for v in row.values()]
    offenders = [c for c in cells if _needs_emoji_font(c)]
    assert not offenders, offenders
    every_text = [s for key in l10n.message_keys() for lang in LANGS for s in l10n.templates(key, lang)]
    assert not [s for s in every_text if _needs_emoji_font(s)]


def test_as_uploaded_sends_original_bytes_only_when_clean():
    import io

    from PIL import Image

    from ocr_core.imaging import inspect_upload, load_image
    from ui.preprocess_panel import as_uploaded

    rgb = np.random.default_rng(2).integers(0, 255, (40, 60, 3), dtype=np.uint8)
    plain = io.BytesIO()
    Image.fromarray(rgb).save(plain, "PNG")
    clean = load_image(plain.getvalue())
    assert as_uploaded(clean, "t").data == plain.getvalue() and as_uploaded(clean, "t").payload.as_uploaded

    exif = Image.Exif()
    exif[0x0112] = 6  # stored on its side
    exif.get_ifd(0x8825).update({1: "N"})
    photo = io.BytesIO()
    Image.fromarray(rgb).save(photo, "JPEG", quality=95, exif=exif)
    img = load_image(photo.getvalue() + b"PAYLOAD" * 10)
    payload = as_uploaded(img, "t")
    sent = payload.payload
    assert sent.steps == ("exif-rotated", "metadata-stripped", "trailing-removed", "re-encoded")
    assert sent.metadata == ("EXIF",) and sent.trailing_bytes == 70 and payload.token == "t:clean"
    assert inspect_upload(payload.data, payload.format).clean  # nothing left besides the image
    resent = load_image(payload.data)
    assert (resent.width, resent.height) == (img.width, img.height) == (40, 60)  # upright as shown
    assert resent.orientation == 1


def test_every_authenticity_rule_is_told_in_both_languages():
    import pytest

    from ocr_core import AuthenticityRequest, InputError
    from ui.auth_messages import request_problem, rule_key

    broken: list[dict[str, Any]] = [
        {
            "id_type": "resident",
            "name": "홍" * 101,
            "resident_number": "9001151289153",
            "issue_date": "20190514",
        },
        {"id_type": "resident", "name": "홍길동", "resident_number": "900115", "issue_date": "20190514"},
        {"id_type": "resident", "name": "홍길동", "resident_number": "9001151289153", "issue_date": "2019"},
        {
            "id_type": "resident",
            "name": "홍길동",
            "resident_number": "9001151289153",
            "issue_date": "20190231",
        },
        {"id_type": "resident", "name": "홍길동", "resident_number": "9001151289153"},
        {
            "id_type": "resident",
            "name": "홍길동",
            "resident_number": "9001151289153",
            "issue_date": "20190514",
            "serial_num": "AB12C",
        },
        {
            "id_type": "driver",
            "name": "홍길동",
            "resident_number": "9001151289153",
            "driver_license_number": "111912345678",
        },
        {
            "id_type": "driver",
            "name": "홍길동",
            "resident_number": "9001151",
            "driver_license_number": "1119",
        },
        {
            "id_type": "driver",
            "name": "홍길동",
            "resident_number": "9001151",
            "driver_license_number": "111912345678",
            "serial_num": "A1",
        },
        {
            "id_type": "passport",
            "name": "HONG",
            "passport_number": "M12",
            "issue_date": "20190514",
            "birth_date": "19900115",
            "expiration_date": "20290514",
        },
        {"id_type": "military", "name": "홍길동"},
    ]
    keys = set()
    for kwargs in broken:
        with pytest.raises(InputError) as caught:
            AuthenticityRequest(**kwargs)
        key = rule_key(caught.value)
        assert key is not None, str(caught.value)  # a rule this table does not know yet
        keys.add(key)
        ko = request_problem(caught.value, "ko")
        assert ko != str(caught.value) and not re.search(r"[a-z]{4,} (must|is)", ko), ko
    assert len(keys) == 11


def test_no_bare_string_is_drawn_by_streamlit_magic():
    """A bare string statement in the app or a page script (after its docstring) is written onto
    the page by Streamlit's "magic"; the app script once showed a code comment on every page."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for script in [root / "app.py", *sorted((root / "pages").glob("*.py"))]:
        body = ast.parse(script.read_text(encoding="utf-8")).body
        stray = [
            n.lineno
            for n in body[1:]
            if isinstance(n, ast.Expr)
            and isinstance(n.value, ast.Constant)
            and isinstance(n.value.value, str)
        ]
        assert not stray, f"{script.name}: bare strings at lines {stray}"


def test_the_quality_panel_reads_an_uploaded_jpegs_compression() -> None:
    """The panel assesses the upload itself, not only its pixels: a heavily compressed JPEG fails the
    compression check (it said "not a JPEG" for every upload when given the decoded pixels)."""
    import cv2

    from ocr_core.imaging import load_image
    from ui.quality_panel import quality_of

    card = cv2.imread(
        str(Path(__file__).resolve().parent.parent / "samples" / "cards" / "visa_blue_flat.png")
    )
    assert card is not None
    upload = load_image(cv2.imencode(".jpg", card, [cv2.IMWRITE_JPEG_QUALITY, 15])[1].tobytes())
    compression = next(c for c in quality_of("jpeg_test", "q15", upload).checks if c.name == "compression")
    assert (compression.status, compression.reason) == (
        "fail",
        "compression.fail",
    ) and compression.value == 17
