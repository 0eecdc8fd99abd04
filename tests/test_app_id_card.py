"""AppTest of the ID-card page: analysis with a Request-Key, masking, and the hand-off to the
authenticity page (prefilled, live countdown, verdict, then the key's spent state)."""

from __future__ import annotations

import pytest

from tests.support.apptest import assert_clean, open_page, page_text, texts, truth

RESIDENT = "ids/resident_hong_gildong.png"
PASSPORT = "ids/passport_hong_gildong.png"
pytestmark = pytest.mark.usefixtures("sandbox")


def analysed(specimen: str, **state):
    at = open_page("pages/id_card.py", **state)
    at.selectbox(key="id_specimen").set_value(specimen).run()
    at.button(key="id_analyze").click().run()
    assert_clean(at)
    return at


def test_resident_card_masked_with_request_key_and_handoff_to_authenticity():
    at = analysed(RESIDENT)
    rrn = truth(RESIDENT)["residentNumber"]
    assert rrn not in page_text(at)
    assert rrn[:8] + "******" in page_text(at)  # 900115-1******
    assert any("Request-Key issued" in i for i in texts(at.info))
    assert "resident" in [m.value for m in at.metric]

    at.button(key="id_verify").click().run()
    assert_clean(at)
    assert at.radio(key="auth_id_type").value == "resident"
    assert at.text_input(key="auth_request_key").value
    # masking on: the resident number stays on the server; the form shows it masked as a hint
    assert at.text_input(key="auth_residentNumber").value == ""
    assert rrn not in page_text(at)
    assert at.text_input(key="auth_issueDate").value == truth(RESIDENT)["issueDate"]
    assert any(m.label == "Request-Key valid for" for m in at.metric)  # the countdown

    # AppTest keeps re-running the page it was last switched to; follow the app's own switch.
    at.switch_page("pages/authenticity.py")
    at.button(key="auth_verify").click().run()
    assert_clean(at)
    assert any("GENUINE" in s for s in texts(at.success)), texts(at.error) + texts(at.warning)
    assert any("Used:" in w for w in texts(at.warning))  # the key is spent after a normal answer

    assert at.button(key="auth_verify").disabled  # a spent key cannot be sent again


def test_masking_off_prefills_every_field():
    at = analysed(RESIDENT, masking=False)
    at.button(key="id_verify").click().run()
    assert_clean(at)
    assert at.text_input(key="auth_residentNumber").value == truth(RESIDENT)["residentNumber"].replace(
        "-", ""
    )


def test_passport_has_no_request_key_and_shows_mrz_checks():
    at = analysed(PASSPORT)
    assert any("No Request-Key" in i for i in texts(at.info))
    assert all(b.key != "id_verify" for b in at.button)
    # the badge block that repeated the Checks column is gone (issue 18, item 5); the verdict says
    # which fields the MRZ check digits and the VIZ = MRZ comparison confirmed, and warns of nothing
    verdict = " ".join(texts(at.success))
    assert "MRZ check digits" in verdict and "VIZ vs MRZ" in verdict and "Given names" in verdict, verdict
    assert not at.warning, texts(at.warning)
    assert "Validators" not in " ".join(texts(at.markdown))


def test_recognition_failure_is_explained(faults):
    faults(result_code=4000121, rate=1.0)
    at = analysed(RESIDENT)
    assert any("4000121" in e and "What to do" in e for e in texts(at.error))


@pytest.mark.parametrize(
    ("lang", "resident"), [("en", "Resident card, specimen 1"), ("ko", "주민등록증 견본 1")]
)
def test_the_gallery_names_specimens_as_people_do_in_either_language(lang, resident):
    """Issue 18, item 6: buttons, the picker and the loaded-image line say "주민등록증 견본 1", not a slug."""
    at = open_page("pages/id_card.py")
    at.segmented_control(key="lang").set_value(lang).run()
    labels = [b.label for b in at.button if b.key and "_pick_" in b.key]
    assert resident in labels and not [x for x in labels if "_" in x or x.islower()], labels
    picker = at.selectbox(key="id_specimen")
    assert resident in picker.options, picker.options
    picker.set_value(RESIDENT).run()
    assert_clean(at)
    assert any(c.startswith(f"{resident}: PNG") for c in texts(at.caption)), texts(at.caption)
    shown = (
        texts(at.caption) + texts(at.markdown) + [e.label for e in at.expander]
    )  # widget keys keep the path
    assert not [x for x in shown if "resident_hong_gildong" in x], shown
