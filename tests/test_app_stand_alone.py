"""AppTest of the stand-alone ID page: it says plainly that it gives no Request-Key, and its
results indeed carry none (so no authenticity hand-off is offered)."""

from __future__ import annotations

import pytest

from tests.support.apptest import assert_clean, kv_rows, open_page, page_text, texts, truth

DRIVER = "ids/driver_hong_gildong.png"
pytestmark = pytest.mark.usefixtures("sandbox")


def test_page_explains_no_request_key_and_lower_cost():
    at = open_page("pages/stand_alone.py")
    assert_clean(at)
    note = " ".join(texts(at.info))
    assert "no Request-Key" in note and "costs less" in note


def test_driver_licence_is_read_without_request_key():
    at = open_page("pages/stand_alone.py")
    at.selectbox(key="sa_specimen").set_value(DRIVER).run()
    at.button(key="sa_analyze").click().run()
    assert_clean(at)
    assert "driver" in [m.value for m in at.metric]
    assert all(b.key != "sa_verify" for b in at.button)
    assert not any("Request-Key issued" in i for i in texts(at.info))
    text = page_text(at)
    assert truth(DRIVER)["residentNumber"] not in text
    # a format check is in the table's Checks column (the badge block that repeated it is gone)
    checks = {r["Key"]: r["Checks"] for r in kv_rows(at, "sa") or []}
    assert "Licence format" in checks["driverLicenseNumber"], checks


def test_korean_labels():
    at = open_page("pages/stand_alone.py", lang="ko")
    picker = at.selectbox(key="sa_specimen")
    # the option labels are Korean now; pick by position (AppTest formats set_value outside the session)
    picker.select_index(next(i for i, o in enumerate(picker.options) if o == "운전면허증 견본 1")).run()
    at.button(key="sa_analyze").click().run()
    assert_clean(at)
    rows = kv_rows(at, "sa")
    assert rows is not None and "운전면허번호" in [row["항목"] for row in rows]
    assert "단독" in at.title[0].value
