"""AppTest of the authenticity page on its own: pasted keys, per-idType validation, and the two
codes users meet (4000122, 4000123) explained in plain words."""

from __future__ import annotations

import pytest

from tests.support.apptest import assert_clean, open_page, texts

pytestmark = pytest.mark.usefixtures("sandbox")
PAGE = "pages/authenticity.py"


def filled(at, id_type: str = "resident", **fields: str):
    at.text_input(key="auth_request_key").set_value("not-a-key-from-this-sandbox")
    at.radio(key="auth_id_type").set_value(id_type).run()
    for name, value in fields.items():
        at.text_input(key=f"auth_{name}").set_value(value)
    return at.run()


def test_standalone_page_asks_for_a_key_and_explains_the_codes():
    at = open_page(PAGE)
    assert_clean(at)
    assert any("Request-Key" in i for i in texts(at.info))
    assert at.button(key="auth_verify").disabled
    explained = " ".join(texts(at.expander[0].markdown))
    assert "4000122" in explained and "4000123" in explained and "five wrong issue dates" in explained.lower()


def test_fields_are_validated_per_id_type_before_sending():
    at = filled(
        open_page(PAGE), "driver", name="홍길동", residentNumber="9001151", driverLicenseNumber="1119123"
    )
    assert_clean(at)
    assert any("The driver's licence number must be 12 digits." in w for w in texts(at.warning))
    assert at.button(key="auth_verify").disabled
    labels = [t.label for t in at.text_input]
    assert any("Serial" in label for label in labels) and not any("Issue date" in label for label in labels)


def test_validation_messages_follow_the_ui_language():
    at = filled(
        open_page(PAGE), "resident", name="홍길동", residentNumber="9001151289153", issueDate="20190231"
    )
    at.segmented_control(key="lang").set_value("ko").run()
    assert_clean(at)
    warnings = texts(at.warning)
    assert any("실제 달력에 없는 날짜" in w for w in warnings), warnings
    assert not any("calendar" in w for w in warnings)


def test_unknown_request_key_gets_4000122_in_plain_words():
    at = filled(
        open_page(PAGE), "resident", name="홍길동", residentNumber="9001151289153", issueDate="20190514"
    )
    assert not at.button(key="auth_verify").disabled
    at.button(key="auth_verify").click().run()
    assert_clean(at)
    assert any("4000122" in e and "Analyse the ID card again" in e for e in texts(at.error))
    assert not any(
        "4000122" in i or "Analyse the ID card again" in i for i in texts(at.info)
    )  # explained once


def test_locked_card_gets_4000123_in_plain_words(faults):
    faults(result_code=4000123, rate=1.0)
    at = filled(
        open_page(PAGE), "resident", name="홍길동", residentNumber="9001151289153", issueDate="20190514"
    )
    at.button(key="auth_verify").click().run()
    assert_clean(at)
    assert any("4000123" in e and "five wrong issue dates" in e for e in texts(at.error))
    assert not any("five wrong issue dates" in i.lower() for i in texts(at.info))  # explained once


def test_language_switch_resends_translated_choices():
    """Radios hold the label of their choice; after a switch the browser must get the new label."""
    at = open_page(PAGE)
    at.radio(key="auth_id_type").set_value("driver").run()
    at.segmented_control(key="lang").set_value("ko").run()
    assert_clean(at)
    radio = at.radio(key="auth_id_type").proto
    assert radio.set_value and radio.raw_value == "운전면허증"
    assert at.title[0].value == "진위 확인"
