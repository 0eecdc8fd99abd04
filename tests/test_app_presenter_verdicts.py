"""Issue 12, items 1, 3 and 7: presenter tables keep masked values as text; a licence without
conditions is not a failed read; verdicts agree with the table (failed checks, fields under the
threshold, Compare)."""

from __future__ import annotations

import html

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import assert_clean, kv_rows, open_page, texts, truth

pytestmark = pytest.mark.usefixtures("sandbox")
DRIVER = "ids/driver_hong_gildong.png"


def _analysed_id(specimen: str, **state):
    at = open_page("pages/id_card.py", **state)
    at.selectbox(key="id_specimen").set_value(specimen).run()
    at.button(key="id_analyze").click().run()
    assert_clean(at)
    return at


def test_presenter_tables_show_masked_values_as_text_not_markdown():
    at = _analysed_id(DRIVER, presenter_view=True)
    assert not at.table, "st.table renders cells as Markdown (**** vanishes)"
    bodies = "\n".join(h.proto.body for h in at.html)
    licence = truth(DRIVER)["driverLicenseNumber"]
    masked = licence[:6] + "******-**"  # 11-19-******-**
    assert f"<td>{html.escape(masked)}</td>" in bodies, bodies[-3000:]
    assert licence not in bodies
    serial = truth(DRIVER)["serialNum"]
    assert f"<td>{'*' * len(serial)}</td>" in bodies  # the serial number is all stars, never blank


def test_html_table_escapes_markup():
    from ui.widgets import html_table

    out = html_table([{"Value": "**<b>x</b>**", "Conf": 0.5}], text_columns=("Conf",))
    assert "<td>**&lt;b&gt;x&lt;/b&gt;**</td>" in out and "<td>0.50</td>" in out


def test_licence_without_conditions_is_not_a_failed_read():
    at = _analysed_id(DRIVER)
    rows = kv_rows(at, "id")
    assert rows is not None
    condition = next(row for row in rows if row["Key"] == "condition")
    assert condition["Value"] == "none on this licence"  # the guide's "none", said in words
    assert condition["Flag"] == "" and condition["Confidence"] != "0.00"
    assert not any("Licence conditions" in w for w in texts(at.warning)), texts(at.warning)


def test_a_field_without_a_place_gets_no_box():
    from ui.rows import FieldRow, regions

    row = FieldRow("condition", None, "Licence conditions", "none", "none", None, ((0, 0),) * 4, False)
    assert regions([row]) == []


def _summary_app(kind: str) -> None:
    import streamlit as st  # noqa: F401

    from ocr_core.validators import Check
    from ui.results import confidence_summary
    from ui.rows import FieldRow

    check = Check("card_luhn", False, "luhn_mismatch")
    conf = 1.0 if kind == "luhn" else 0.5
    rows = [
        FieldRow(
            "totalCardNum",
            None,
            "Card number",
            "4111111111111112",
            "411111******1112",
            conf,
            None,
            True,
            (check,) if kind == "luhn" else (),
        )
    ]
    confidence_summary(rows, 0.8, "en")


def test_failed_luhn_is_in_the_summary_even_at_full_confidence():
    at = AppTest.from_function(_summary_app, args=("luhn",)).run()
    assert_clean(at)
    assert not at.success, texts(at.success)
    assert any("Failed check" in e and "Card number" in e and "Luhn" in e for e in texts(at.error))


def test_flag_column_marks_a_failed_check():
    from ocr_core.validators import Check
    from ui.results import kv_table
    from ui.rows import FieldRow

    row = FieldRow(
        "totalCardNum",
        None,
        "Card number",
        "4111111111111112",
        "411111******1112",
        None,
        None,
        True,
        (Check("card_luhn", False, "luhn_mismatch"),),
    )
    assert kv_table([row], 0.8, "en")[0]["Flag"]


def test_compare_same_values_does_not_hide_a_side_under_the_threshold():
    # an ID card: a card's fields are all confirmed by checks (never flagged, issue 18), an ID's name is not
    at = open_page("pages/compare.py")
    at.segmented_control(key="cmp_service").set_value("stand-alone").run()
    at.selectbox(key="cmpA_specimen").set_value("ids/resident_hong_gildong.png")
    at.selectbox(key="cmpB_specimen").set_value("ids/resident_hong_gildong.png").run()
    at.button(key="cmp_analyze").click().run()
    at.slider(key="cmp_threshold").set_value(1.0).run()  # some read is under a threshold of 1.00
    assert_clean(at)
    assert not any(s == "read the same values." for s in texts(at.success)), texts(at.success)
    assert any("same values, but B" in w and "under the threshold" in w for w in texts(at.warning)), texts(
        at.warning
    )
