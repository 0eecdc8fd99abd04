"""Issue 12, item 6: the image stays with its result across page switches; a result that no longer
matches what is on screen (a refused upload, edited authenticity fields) is marked as such."""

from __future__ import annotations

import pytest

from tests.support.apptest import assert_clean, open_page, result_on_show, texts

RESIDENT = "ids/resident_hong_gildong.png"
pytestmark = pytest.mark.usefixtures("sandbox")


def _analysed():
    at = open_page("pages/id_card.py")
    at.selectbox(key="id_specimen").set_value(RESIDENT).run()
    at.button(key="id_analyze").click().run()
    assert_clean(at)
    return at


def test_verify_and_back_keeps_the_image_with_its_result():
    at = _analysed()
    at.button(key="id_verify").click().run()
    at.switch_page("pages/authenticity.py").run()
    at.switch_page("pages/id_card.py").run()
    assert_clean(at)
    assert at.selectbox(key="id_specimen").value == RESIDENT
    assert result_on_show(at, "id") and any("Result" in s.value for s in at.subheader)
    assert not any("changed" in w for w in texts(at.warning)), texts(at.warning)


def test_a_refused_upload_marks_the_previous_result():
    at = _analysed()
    at.segmented_control(key="id_source").set_value("upload").run()
    at.file_uploader(key="id_upload").set_value(
        ("scan.png", b"this is not an image at all", "image/png")
    ).run()
    assert_clean(at)
    assert any("refused" in w and "previous image" in w for w in texts(at.warning)), texts(at.warning)


def test_upload_source_without_a_file_names_the_result_it_shows():
    at = _analysed()
    at.segmented_control(key="id_source").set_value("upload").run()
    assert any("Result for Resident card, specimen 1" in i for i in texts(at.info)), texts(at.info)


def test_edited_authenticity_fields_mark_the_old_verdict():
    at = _analysed()
    at.button(key="id_verify").click().run()
    at.switch_page("pages/authenticity.py")
    assert any("five" in c and "4000123" in c for c in texts(at.caption))  # the lock, before sending
    at.button(key="auth_verify").click().run()
    assert any("GENUINE" in s for s in texts(at.success))
    at.text_input(key="auth_issueDate").set_value("20190515").run()
    assert_clean(at)
    assert not any("GENUINE" in s for s in texts(at.success)), texts(at.success)
    assert any("fields changed" in w for w in texts(at.warning)), texts(at.warning)
