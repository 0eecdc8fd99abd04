"""AppTest of the credit-card page against a running sandbox: specimen analysis, masking on/off,
uploads (accepted and refused), preprocessing, and an API failure shown in plain words."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.support.apptest import (
    SAMPLES,
    assert_clean,
    kv_rows,
    open_page,
    page_text,
    result_on_show,
    texts,
    truth,
)

PAGE = "pages/credit_card.py"  # "/" is the home page since issue 18
SPECIMEN = "cards/visa_blue_flat.png"
pytestmark = pytest.mark.usefixtures("sandbox")


def analysed(at, specimen: str = SPECIMEN):
    at.selectbox(key="cc_specimen").set_value(specimen).run()
    assert_clean(at)
    at.button(key="cc_analyze").click().run()
    assert_clean(at)
    return at


def kv_values(at) -> list[str]:
    rows = kv_rows(at, "cc")
    assert rows is not None, "no Key/Value table of a result on show"
    return [row["Value"] for row in rows]


def test_specimen_is_analysed_masked_by_default():
    at = analysed(open_page(PAGE))
    number = truth(SPECIMEN)["cardNumber"]
    values = kv_values(at)
    assert values[-2] == number[:6] + "*" * 6 + number[-4:]  # totalCardNum: BIN + last four only
    assert values[-1] == truth(SPECIMEN)["validThru"]
    assert number not in page_text(at)  # not in the table, the JSON, the overlay hover texts
    # the Luhn verdict: in the one summary (which fields it confirmed), no longer in a badge block
    assert any("Luhn: Card number group 1" in s for s in texts(at.success)), texts(at.success)
    assert "normal" in [m.value for m in at.metric]
    assert any("Specimen truth: all 6 fields read correctly" in m for m in texts(at.success))
    assert any("blurred" in c for c in texts(at.caption))
    assert "sandbox-secretkey" not in page_text(at)


def _confidence_spec(at) -> dict:
    import json

    chart = next(c for c in at.get("plotly_chart") if c.key == "cc_confidence")
    return json.loads(chart.proto.spec)


def test_confidence_chart_hovers_masked_values_and_follows_the_threshold():
    at = analysed(open_page(PAGE))
    number = truth(SPECIMEN)["cardNumber"]
    spec = _confidence_spec(at)
    (bar,) = spec["data"]
    shown = [row[1] for row in bar["customdata"]]
    assert set(shown) <= set(kv_values(at)) and "****" in shown  # as the table shows them: masked
    assert number not in json_text(spec) and number[6:12] not in json_text(spec)
    assert "threshold: 0.80" in bar["hovertemplate"]
    at.slider(key="cc_threshold").set_value(0.99).run()
    spec = _confidence_spec(at)
    assert spec["layout"]["shapes"][0]["x0"] == 0.99
    confs, colours = spec["data"][0]["x"], spec["data"][0]["marker"]["color"]
    assert colours == ["#d73027" if c < 0.99 else "#1a9850" for c in confs], (confs, colours)
    at.session_state["lang"] = "ko"
    at.run()
    spec = _confidence_spec(at)
    assert (
        spec["layout"]["xaxis"]["title"]["text"] == "신뢰도"
        and "기준: 0.99" in spec["data"][0]["hovertemplate"]
    )


def json_text(spec: dict) -> str:
    import json

    return json.dumps(spec, ensure_ascii=False)


def test_result_parts_are_built_only_when_chosen():
    at = analysed(open_page(PAGE))
    assert at.segmented_control(key="cc_view").value == "kv"
    assert not at.json and not at.code  # JSON and curl are not built while the table is on show
    at.segmented_control(key="cc_view").set_value("json").run()
    assert_clean(at)
    assert at.json and kv_rows(at, "cc") is None
    at.segmented_control(key="cc_view").set_value("envelope").run()
    assert_clean(at)
    assert {"Seal", "Open", "Total"} <= {m.label for m in at.metric}  # timings as metrics, no chart
    at.segmented_control(key="cc_view").set_value("export").run()
    assert_clean(at)
    # the curl example keeps secrets as placeholders
    assert any("${SECRETKEY}" in c.value and "sandbox-secretkey" not in c.value for c in at.code)
    assert "sandbox-secretkey" not in page_text(at)
    charts = {c.key for c in at.get("plotly_chart")}
    assert charts == {"cc_glare_fig", "cc_overlay", "cc_confidence"}  # and no chart in the envelope part


def test_masking_off_shows_the_full_number_and_offers_unmasked_downloads():
    at = analysed(open_page(PAGE))
    at.toggle(key="masking").set_value(False).run()
    assert_clean(at)
    number = truth(SPECIMEN)["cardNumber"]
    assert number in kv_values(at)
    assert any("Masking is OFF" in w for w in texts(at.sidebar.warning))
    at.segmented_control(key="cc_view").set_value("export").run()
    assert at.checkbox(key="cc_dl_unmasked").value is False  # downloads stay masked until ticked


def test_api_failure_is_explained_without_traceback(faults):
    faults(result_code=4000111, rate=1.0)
    at = analysed(open_page(PAGE))
    errors = texts(at.error)
    assert any("4000111" in e and "What to do" in e for e in errors), errors
    assert not any("Traceback" in e for e in errors)
    assert not result_on_show(at, "cc")


def test_upload_of_a_non_image_is_refused_before_sending():
    at = open_page(PAGE)
    at.segmented_control(key="cc_source").set_value("upload").run()
    at.file_uploader(key="cc_upload").upload("card.png", b"GIF89a not really a png", "image/png").run()
    assert_clean(at)
    assert any("cannot be sent" in e for e in texts(at.error))
    assert all(b.key != "cc_analyze" for b in at.button)  # nothing can be sent


def test_uploaded_png_is_analysed():
    at = open_page(PAGE)
    at.segmented_control(key="cc_source").set_value("upload").run()
    data = (SAMPLES / SPECIMEN).read_bytes()
    at.file_uploader(key="cc_upload").upload("my-card.png", data, "image/png").run()
    at.button(key="cc_analyze").click().run()
    assert_clean(at)
    assert truth(SPECIMEN)["validThru"] in kv_values(at)


def test_preprocessing_shows_what_will_be_sent():
    at = open_page(PAGE)
    at.selectbox(key="cc_specimen").set_value("photos/visa_desk_perspective.jpg").run()
    at.toggle(key="cc_pre_on").set_value(True).run()
    assert_clean(at)
    sent = [i for i in texts(at.info) if i.startswith("Will send")]
    assert sent and "% of the original size" in sent[0]
    assert any(c.startswith("Steps applied") for c in texts(at.caption))


def test_camera_photo_is_validated_and_exif_orientation_applied():
    bgr = cv2.imread(str(SAMPLES / SPECIMEN))
    assert bgr is not None
    photo = Image.fromarray(cv2.cvtColor(np.ascontiguousarray(np.rot90(bgr)), cv2.COLOR_BGR2RGB))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display": the sensor's pixels lie on their side
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=92, exif=exif)
    at = open_page(PAGE)
    at.segmented_control(key="cc_source").set_value("camera").run()
    at.camera_input(key="cc_camera").set_value(("camera.jpg", buf.getvalue(), "image/jpeg")).run()
    assert_clean(at)
    captions = texts(at.caption)
    assert any("JPEG 856×540" in c for c in captions), captions  # measured upright
    assert any("Rotated upright" in c for c in captions)
    assert any("pixels turned upright as shown" in i for i in texts(at.info))


def _photo_with_gps_and_payload() -> bytes:
    """The specimen as a phone might save it: EXIF with a GPS position, and a video appended after
    the image's end marker (as "motion photos" do)."""
    bgr = cv2.imread(str(SAMPLES / SPECIMEN))
    assert bgr is not None
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # camera model
    exif.get_ifd(0x8825).update({1: "N", 2: (37.0, 33.0, 59.0)})  # GPS latitude
    buf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)).save(buf, "JPEG", quality=92, exif=exif)
    return buf.getvalue() + b"\x00\x00\x00\x18ftypmp42" + bytes(4000)


def test_upload_with_metadata_and_trailing_bytes_is_re_encoded_before_sending():
    at = open_page(PAGE)
    at.segmented_control(key="cc_source").set_value("upload").run()
    at.file_uploader(key="cc_upload").upload("phone.jpg", _photo_with_gps_and_payload(), "image/jpeg").run()
    assert_clean(at)
    sent = [i for i in texts(at.info) if i.startswith("Will send")]
    assert sent and "re-encoded as JPEG quality 95" in sent[0], sent
    assert "metadata removed (EXIF)" in sent[0] and "hidden after the image's end removed" in sent[0]
    at.button(key="cc_analyze").click().run()
    assert_clean(at)
    assert truth(SPECIMEN)["validThru"] in kv_values(at)


def test_clean_upload_goes_byte_for_byte():
    at = open_page(PAGE)
    at.segmented_control(key="cc_source").set_value("upload").run()
    at.file_uploader(key="cc_upload").upload("card.png", (SAMPLES / SPECIMEN).read_bytes(), "image/png").run()
    sent = [i for i in texts(at.info) if i.startswith("Will send")]
    assert sent and "the file as uploaded, byte for byte" in sent[0], sent


def test_gallery_thumbnail_picks_the_specimen():
    at = open_page(PAGE)
    assert at.expander[0].proto.expanded  # open while nothing is chosen
    at.button(key=f"cc_pick_{SPECIMEN}").click().run()
    assert_clean(at)
    assert at.selectbox(key="cc_specimen").value == SPECIMEN
    assert any("Blue Visa card: PNG 856×540" in c for c in texts(at.caption))
    assert at.button(key=f"cc_pick_{SPECIMEN}").proto.type == "primary"
    assert not at.expander[0].proto.expanded and "Blue Visa card" in at.expander[0].label


@pytest.mark.parametrize(
    ("page", "prefix"),
    [("pages/credit_card.py", "cc"), ("pages/id_card.py", "id"), ("pages/stand_alone.py", "sa")],
)
def test_result_view_is_mounted_out_of_sight_before_any_analysis(page, prefix):
    """ui.result_slot: from the first run, the result view of a made-up analysis, under the keys the
    real one uses, with the style that keeps it out of sight; a real result drops that style."""
    at = open_page(page)
    assert_clean(at)
    assert not result_on_show(at, prefix)
    assert {c.key for c in at.get("plotly_chart")} >= {f"{prefix}_overlay", f"{prefix}_confidence"}
    assert at.slider(key=f"{prefix}_threshold") is not None
    assert at.segmented_control(key=f"{prefix}_view").value == "kv"
    if prefix == "cc":
        analysed(at)
        assert result_on_show(at, prefix) and kv_values(at)
