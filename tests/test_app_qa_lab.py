"""AppTest of the QA Lab and Runs pages: a sweep runs on the queue while the page only reads progress."""

from __future__ import annotations

import time

import pytest

from ocr_core.imaging import load_image
from tests.support.apptest import SAMPLES, assert_clean, open_page, page_text, truth

pytestmark = pytest.mark.usefixtures("sandbox")
LAB = "pages/qa_lab.py"
RUNS = "pages/runs.py"


def _spec(at, key: str) -> dict:
    import json

    chart = next(c for c in at.get("plotly_chart") if c.key == key)
    return json.loads(chart.proto.spec)


def _wait_done(at, timeout: float = 240.0):
    from qa.analysis import load_run
    from ui import lab

    run_id = at.session_state["lab_run"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if load_run(lab.factory(), run_id).run["status"] in ("done", "cancelled"):
            break
        time.sleep(0.5)
    at.run()
    return run_id


@pytest.mark.slow  # a sweep run on the embedded queue
def test_sweep_runs_on_the_queue_and_shows_results():
    at = open_page(LAB)
    assert_clean(at)
    assert at.button(key="lab_start").disabled  # nothing chosen yet
    at.multiselect(key="lab_specimens").set_value(["cards/visa_blue_flat.png"]).run()
    at.multiselect(key="lab_sweep").set_value(["scale"]).run()
    at.text_input(key="lab_levels_scale").set_value("1,0.15").run()
    assert any("2 calls" in c.value for c in at.caption)
    at.button(key="lab_start").click().run()
    assert_clean(at)
    run_id = _wait_done(at)
    assert_clean(at)
    text = page_text(at)
    assert truth("cards/visa_blue_flat.png")["cardNumber"] not in text  # masked everywhere
    fields = next(
        df.value for df in at.dataframe if "Accuracy" in df.value.columns and "Field" in df.value.columns
    )
    assert len(fields) == 2  # card number and expiry, scored against the specimen's truth
    breaks = next(df.value for df in at.dataframe if "First failing level" in df.value.columns)
    assert list(breaks["Degradation"]) == ["Scale"]
    from qa.analysis import load_run
    from ui import lab

    data = load_run(lab.factory(), run_id)
    assert [i.state for i in data.items] == ["done", "done"]

    # an item opens with the analysis pages' own result view, over the image it sent: made again from
    # the specimen at its sweep level, its SHA-256 checked against the one stored
    at.selectbox(key="lab_item").set_value(data.items[0].id).run()
    assert_clean(at)
    overlay = _spec(at, "lab_res_overlay")
    image = overlay["data"][0]
    assert image["type"] == "image" and image["source"].startswith("data:image/jpeg;base64,")
    assert overlay["layout"]["xaxis"]["range"][1] == data.items[0].sent_width
    assert not [e for e in at.error if "Luhn" in e.value]  # no validator judges a masked number
    names = {tr.get("name") for tr in overlay["data"][1:]}
    assert {"Card number", "Valid thru"} & names, names  # its boxes, one trace per region
    at.selectbox(key="lab_item").set_value(data.items[1].id).run()
    assert_clean(at)
    overlay = _spec(at, "lab_res_overlay")
    assert overlay["data"][0]["type"] == "image"
    widths = data.items[1].sent_width, data.items[0].sent_width
    assert widths[0] is not None and widths[1] is not None
    assert overlay["layout"]["xaxis"]["range"][1] == widths[0] < widths[1]
    assert "lab_res_confidence" in [c.key for c in at.get("plotly_chart")]
    assert not [i for i in at.info if "not available" in i.value]
    assert truth("cards/visa_blue_flat.png")["cardNumber"] not in page_text(at)

    runs = open_page(RUNS)
    assert_clean(runs)
    table = next(df.value for df in runs.dataframe if "#" in df.value.columns)
    assert run_id in list(table["#"])


def test_runs_page_compares_two_runs_and_deletes_one(sandbox):
    from ocr_core import OcrClient, Settings
    from qa.runner import RunSpec, Source, create_run, execute_run
    from qa.tasks import spool
    from sandbox.faults import Faults
    from tests.support.apptest import SAMPLES
    from ui import lab

    card = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
    factory = lab.session_factory(lab.default_url())
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))
    try:
        with OcrClient(
            Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)
        ) as client:
            ids = []
            for _ in range(2):
                rid = create_run(
                    factory,
                    RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0"),
                    [Source("card.png", card)],
                    spool(),
                )
                execute_run(factory, rid, client, spool())
                ids.append(rid)
    finally:
        sandbox.backend.set_faults(Faults())
    at = open_page(RUNS)
    assert_clean(at)
    at.selectbox(key="runs_cmp_a").set_value(ids[0])
    at.selectbox(key="runs_cmp_b").set_value(ids[1]).run()
    assert_clean(at)
    codes = next(df.value for df in at.dataframe if list(df.value.columns) == ["Result", "A", "B"])
    assert "5000001" in list(codes["Result"])
    at.selectbox(key="runs_pick").set_value(ids[1]).run()
    assert any("5000001" in str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())
    at.button(key="runs_delete").click().run()
    assert_clean(at)
    table = next(df.value for df in at.dataframe if "#" in df.value.columns)
    assert ids[1] not in list(table["#"]) and ids[0] in list(table["#"])


def test_an_upload_this_server_no_longer_holds_opens_on_a_neutral_canvas_with_the_reason(sandbox):
    from ocr_core import OcrClient, Settings
    from qa.analysis import load_run
    from qa.runner import RunSpec, Source, create_run, execute_run
    from qa.tasks import spool
    from tests.support.apptest import SAMPLES
    from ui import lab

    factory = lab.session_factory(lab.default_url())
    card = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
    rid = create_run(
        factory,
        RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0"),
        [Source("upload.png", card)],
        spool(),
    )  # an upload, and not held by this process
    with OcrClient(
        Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)
    ) as client:
        assert execute_run(factory, rid, client, spool()) == "done"
    (item,) = load_run(factory, rid).items
    at = open_page(RUNS)
    at.selectbox(key="runs_pick").set_value(rid).run()
    at.selectbox(key="runs_item").set_value(item.id).run()
    assert_clean(at)
    assert any("not available: it was an upload" in i.value for i in at.info)
    overlay = _spec(at, "runs_res_overlay")
    assert overlay["data"][0]["type"] == "image"  # the neutral canvas, in the sent image's pixels
    assert overlay["layout"]["xaxis"]["range"][1] == item.sent_width
    assert len(overlay["data"]) > 1  # the boxes are still drawn


@pytest.mark.slow  # real runs on the queue, then the Runs page
def test_an_opened_item_shows_the_verdicts_recorded_at_run_time_and_an_old_one_says_none_were(
    sandbox, tmp_path
):
    """The item view's Checks column and badges show the verdicts the validators gave the value as read
    (a Luhn-failing card: failed, worded from the catalogue), never a verdict on the masked value; an
    item stored before verdicts were recorded says so in a line."""
    from sqlalchemy import select, update

    from ocr_core import OcrClient, Settings
    from qa.analysis import load_run
    from qa.runner import RunSpec, Source, create_run, execute_run
    from qa.tasks import spool
    from qa.truth import TruthFile
    from store import Item, ItemField
    from tests.support.apptest import kv_rows
    from tests.support.misread import TRUE_NUMBER, luhn_failing_card
    from ui import lab

    factory = lab.session_factory(lab.default_url())
    card = tmp_path / "misread.png"
    card.write_bytes(luhn_failing_card())
    truth = TruthFile("truth.json", "0" * 64, {"misread.png": {"totalCardNum": TRUE_NUMBER}})
    rid = create_run(
        factory,
        RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0", truth=truth),
        [Source("misread.png", card.read_bytes(), kind="file", path=str(card))],
        spool(),
    )
    with OcrClient(
        Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)
    ) as client:
        assert execute_run(factory, rid, client, spool()) == "done"
    (item,) = load_run(factory, rid).items

    def open_item():
        at = open_page(RUNS)
        at.selectbox(key="runs_pick").set_value(rid).run()
        at.selectbox(key="runs_item").set_value(item.id).run()
        assert_clean(at)
        return at

    at = open_item()
    items = next(df.value for df in at.dataframe if "Checks" in df.value.columns and "#" in df.value.columns)
    assert list(items["Checks"]) == ["✗"]  # the items table says which items a check failed on
    table = kv_rows(at, "runs_res")
    assert table is not None
    rows = {r["Key"]: r for r in table}
    assert rows["totalCardNum"]["Checks"] == "✗ Luhn" and rows["validThru"]["Checks"] == "✓ Expiry"
    assert [e.value for e in at.error if "Luhn" in e.value]  # "Failed check: Card number: Luhn"
    assert not [c for c in at.caption if "not recorded" in c.value]
    caught = next(df.value for df in at.dataframe if "Caught" in df.value.columns)
    assert caught.to_dict("records") == [{"Degradation": "As given", "Caught": 1, "Missed": 0, "No check": 0}]
    assert TRUE_NUMBER not in page_text(at) and "4396317356239783" not in page_text(at)

    with factory() as s:  # as if stored before migration 0004
        s.execute(
            update(ItemField)
            .where(ItemField.item_id.in_(select(Item.id).where(Item.run_id == rid)))
            .values(checks=None)
        )
        s.commit()
    at = open_item()
    assert [c for c in at.caption if "Validator verdicts were not recorded for this run" in c.value]
    table = kv_rows(at, "runs_res")
    assert table is not None and {r["Checks"] for r in table} == {""}
    assert not [e for e in at.error if "Luhn" in e.value]
    assert not [df for df in at.dataframe if "Caught" in df.value.columns]
    items = next(df.value for df in at.dataframe if "Checks" in df.value.columns and "#" in df.value.columns)
    assert list(items["Checks"]) == [""]


def test_lab_input_problems_are_said_in_the_readers_language():
    at = open_page(LAB, lang="ko")
    assert at.multiselect(key="lab_sweep").proto.placeholder == "선택하세요"
    at.multiselect(key="lab_specimens").set_value(["cards/visa_blue_flat.png"]).run()
    at.multiselect(key="lab_sweep").set_value(["blur"]).run()
    at.text_input(key="lab_levels_blur").set_value("0,x").run()
    assert_clean(at)
    assert [e.value for e in at.error] == [
        "'blur:0,x': 'x'는 숫자가 아닙니다."
    ]  # the particle chosen for 'x' (엑스)
    assert at.button(key="lab_start").disabled


def test_uploaded_zips_give_their_images_and_say_what_they_skipped_in_korean():
    from streamlit.testing.v1 import AppTest

    def script():
        import io
        import zipfile

        import streamlit as st

        from ui import lab

        class Upload:
            def __init__(self, name, data):
                self.name, self._data = name, data

            def getvalue(self):
                return self._data

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("set/b.png", b"png-b")
            z.writestr("set/a.jpg", b"jpg-a")
            z.writestr("set/notes.txt", b"text")
            z.writestr("__MACOSX/set/._a.jpg", b"\x00\x05\x16\x07")
        st.session_state["lang"] = "ko"
        sources, problems, notices = lab.sources_from_uploads(
            [
                Upload("set.zip", buf.getvalue()),
                Upload("broken.zip", b"PK\x03\x04 no"),
                Upload("c.png", b"png-c"),
            ]
        )
        st.session_state["got"] = ([(s.name, s.data) for s in sources], problems, notices)

    at = AppTest.from_function(script).run()
    sources, problems, notices = at.session_state["got"]
    assert sources == [("a.jpg", b"jpg-a"), ("b.png", b"png-b"), ("c.png", b"png-c")]
    assert problems == ["broken.zip은 읽을 수 있는 ZIP 파일이 아닙니다."]  # 집: 은
    assert notices == ["JPEG·PNG·HEIC·PDF·TIFF 이미지가 아닌 파일 1개는 건너뜁니다: set/notes.txt."]


def test_an_uploaded_zip_of_phone_photos_and_scans_gives_them_all():
    """HEIC/HEIF photos, PDF and TIFF scans in a ZIP (and beside it) are images of the run, converted
    on loading like every other door's; only what is no image is skipped, and the notice says which."""
    import io
    import zipfile

    from PIL import Image

    from tests.support.uploads import heic
    from ui import lab

    class Upload:
        def __init__(self, name: str, data: bytes) -> None:
            self.name, self._data = name, data

        def getvalue(self) -> bytes:
            return self._data

    card = Image.open(SAMPLES / "cards" / "visa_blue_flat.png").convert("RGB")

    def encoded(fmt: str) -> bytes:
        buf = io.BytesIO()
        if fmt == "HEIF":
            return heic(card)
        card.save(buf, fmt)
        return buf.getvalue()

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("phone/IMG_0001.HEIC", encoded("HEIF"))
        z.writestr("scans/page.pdf", encoded("PDF"))
        z.writestr("scans/page.tiff", encoded("TIFF"))
        z.writestr("scans/readme.txt", b"text")
    sources, problems, notices = lab.sources_from_uploads(
        [Upload("mixed.zip", buf.getvalue()), Upload("photo.heif", encoded("HEIF"))]
    )
    assert sorted(s.name for s in sources) == ["IMG_0001.HEIC", "page.pdf", "page.tiff", "photo.heif"]
    assert problems == []
    assert notices == ["Skipped 1 file that is not a JPEG, PNG, HEIC, PDF or TIFF image: scans/readme.txt."]
    for source in sources:
        assert load_image(source.data).converted_from in {"HEIC", "HEIF", "PDF", "TIFF"}


def test_a_run_without_truth_says_so_instead_of_empty_accuracy_tables(sandbox):
    from ocr_core import OcrClient, Settings
    from qa.runner import RunSpec, Source, create_run, execute_run
    from qa.tasks import spool
    from tests.support.apptest import SAMPLES
    from ui import lab

    factory = lab.session_factory(lab.default_url())
    card = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
    rid = create_run(
        factory,
        RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0"),
        [Source("mine.png", card)],
        spool(),
    )  # an upload of our own: no truth for it
    with OcrClient(
        Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)
    ) as client:
        assert execute_run(factory, rid, client, spool()) == "done"
    at = open_page(RUNS)
    at.selectbox(key="runs_pick").set_value(rid).run()
    assert_clean(at)
    assert any("No truth for these images" in i.value for i in at.info)
    headings = [h.value for h in at.subheader]
    assert "Confidence per field" in headings
    assert not {"Accuracy per field", "Accuracy per document type", "Pre-flight verdict against reads"} & set(
        headings
    )
    fields = next(df.value for df in at.dataframe if "Mean confidence" in df.value.columns)
    assert list(fields.columns) == ["Field", "Mean confidence"] and len(fields) == 2


def test_the_runs_filters_read_all_and_the_statuses_in_the_readers_language():
    at = open_page(RUNS, lang="ko")
    assert_clean(at)
    from l10n import message

    assert at.selectbox(key="runs_status").options == ["전체"] + [
        message(f"lab.status.{s}", "ko")
        for s in ("queued", "running", "done", "cancelled", "interrupted", "failed")
    ]
    assert at.selectbox(key="runs_service").options[0] == "전체"


def _run_of(sandbox, sources, truth=None, sweep=()) -> int:
    """A run made and executed here, on the sandbox (real OCR), as the queue would."""
    from ocr_core import OcrClient, Settings
    from qa.runner import RunSpec, create_run, execute_run
    from qa.tasks import spool
    from ui import lab

    factory = lab.session_factory(lab.default_url())
    rid = create_run(
        factory,
        RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0", truth=truth, sweep=sweep),
        sources,
        spool(),
    )
    with OcrClient(
        Settings(base_url=sandbox.base_url, app_key=sandbox.app_key, secret_key=sandbox.secret_key)
    ) as client:
        assert execute_run(factory, rid, client, spool()) == "done"
    return rid


def _table_with(at, *columns: str):
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


@pytest.mark.slow  # a real run, then a dozen reruns of the Runs page's charts
def test_a_misread_shows_its_expected_value_beside_it_and_the_item_list_filters_and_groups(sandbox):
    """Issue 19: each ✗ with what was expected, both masked, the differing digit named; the items filtered
    to wrong only, by tag, by degradation and level, sorted by confidence; accuracy per tag; the sweep's
    small multiples and the batch charts; numbers as people read them."""
    from qa.runner import Source
    from qa.truth import parse_truth
    from tests.support.apptest import SAMPLES
    from tests.support.misread import PRINTED_NUMBER, TRUE_NUMBER, luhn_failing_card

    truth = parse_truth(
        "truth.csv",
        (
            f"file,totalCardNum,device\nmisread.png,{TRUE_NUMBER},Galaxy S21\n"
            f"visa.png,{TRUE_NUMBER},iPhone 12\n"
        ).encode(),
        "credit-card",
    )
    rid = _run_of(
        sandbox,
        [
            Source("misread.png", luhn_failing_card()),
            Source("visa.png", (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()),
        ],
        truth,
        sweep=[("blur", (0.0, 1.0))],
    )
    at = open_page(RUNS)
    at.selectbox(key="runs_pick").set_value(rid).run()
    assert_clean(at)
    misreads = _table_with(at, "Expected", "Read", "Difference")  # every ✗, expected beside read
    first = misreads[misreads["Image"] == "misread.png"].iloc[0]
    assert (first["Degradation"], first["Field"], first["Expected"], first["Read"], first["Difference"]) == (
        "as given",
        "Card number",
        "439631******978[2]",
        "439631******978[3]",
        "digit 16 of 16 read wrong",
    )
    items = _table_with(at, "#", "Difference")
    assert len(items) == 4 and "Tag: device" in items.columns
    as_given = items[items["Degradation"] == "as given"]
    assert list(as_given["Difference"]) == ["Card number: digit 16 of 16 read wrong", ""]
    assert all(v.endswith("%") or v == "–" for v in items["Confidence"])
    at.checkbox(key="runs_f_wrong").check().run()
    wrong = _table_with(at, "#", "Difference")
    assert (
        set(wrong["Right"]) == {"✗"}
        and "misread.png" in set(wrong["Image"])
        and "visa.png" not in set(wrong["Image"])
    )
    assert any(c.value == f"{len(wrong)} of 4 items" for c in at.caption)
    at.checkbox(key="runs_f_wrong").uncheck().run()
    at.selectbox(key="runs_f_tag").set_value(("device", "iPhone 12")).run()
    assert set(_table_with(at, "#", "Difference")["Image"]) == {"visa.png"}
    at.selectbox(key="runs_f_tag").set_value(None).run()
    at.selectbox(key="runs_f_level").set_value(("blur", 1.0)).run()
    assert list(_table_with(at, "#", "Difference")["Degradation"]) == ["Blur 1 σ px"] * 2
    at.selectbox(key="runs_f_level").set_value(None).run()
    at.checkbox(key="runs_f_sort").check().run()
    from qa.analysis import load_run
    from ui import lab

    data = load_run(lab.factory(), rid)
    order = sorted(data.items, key=lambda i: (i.min_conf is None, i.min_conf or 0.0, i.position))
    assert list(_table_with(at, "#", "Difference")["#"]) == [i.position + 1 for i in order]

    misread = next(i for i in data.items if i.image == "misread.png" and i.degradation == "none")
    at.selectbox(key="runs_item").set_value(misread.id).run()
    assert_clean(at)
    kv = _table_with(at, "Field", "Read", "Expected", "Difference")
    card = kv[kv["Field"] == "Card number"].iloc[0]
    assert (card["Read"], card["Expected"], card["Difference"]) == (
        "439631******978[3]",
        "439631******978[2]",
        "digit 16 of 16 read wrong",
    )

    tags = _table_with(at, "Tag", "Value", "Accuracy")
    assert {(r["Value"], r["Accuracy"]) for r in tags.to_dict("records")} >= {("Galaxy S21", "0%")}
    keys = [c.key for c in at.get("plotly_chart")]
    assert {
        "runs_chart_sweeps",
        "runs_batch_0",
        "runs_batch_1",
        "runs_batch_2",
        "runs_tag_chart_device",
    } <= set(keys)
    sweep = _spec(at, "runs_chart_sweeps")
    assert {tuple(tr["meta"]) for tr in sweep["data"] if tr.get("meta") and tr["meta"][0] == "blur"} == {
        ("blur", "accuracy"),
        ("blur", "confidence"),
    }
    assert sweep["layout"]["xaxis"]["title"]["text"] == "σ px — worse →"
    text = page_text(at)
    for raw in (TRUE_NUMBER, PRINTED_NUMBER, "None", "0.9667"):
        assert raw not in text

    ko = open_page(RUNS, lang="ko")
    ko.selectbox(key="runs_pick").set_value(rid).run()
    assert_clean(ko)
    assert any("신용카드" in c.value for c in ko.caption)
    assert list(_table_with(ko, "열화", "처음 실패한 수준")["열화"]) == ["흐림"]
    cells = {str(v) for df in ko.dataframe for v in df.value.to_numpy().ravel()}
    assert any(
        c.endswith(": 16자 중 16번째 숫자 틀림") for c in cells
    )  # the field's label, then the difference
    assert "흐림 1 σ px" in cells and "통과" in cells


def test_qa_lab_shows_the_runs_going_on_above_its_form_with_the_progress_the_runs_list_shows(sandbox):
    """Issue 19: reopening the QA Lab while a run goes on shows it, its progress and a link; the runs list
    and the run's panel count the same done/total (from the items)."""
    from datetime import UTC, datetime

    from sqlalchemy import select, update

    from qa.runner import RunSpec, Source, create_run
    from qa.tasks import spool
    from store import Item, Run
    from tests.support.apptest import SAMPLES
    from ui import lab

    lab.start_queue(lab.db_url())  # its recovery looks at what ran before this run exists
    time.sleep(0.5)
    factory = lab.factory()
    card = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
    rid = create_run(
        factory,
        RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0", sweep=[("blur", (2.0, 4.0))]),
        [Source("going.png", card)],
        spool(),
    )
    try:
        with factory() as s:  # as a worker elsewhere has it: running, one of three items answered
            s.execute(
                update(Run)
                .where(Run.id == rid)
                .values(status="running", heartbeat_at=datetime.now(UTC), started_at=datetime.now(UTC))
            )
            first = s.scalars(select(Item.id).where(Item.run_id == rid).order_by(Item.position)).first()
            s.execute(update(Item).where(Item.id == first).values(state="done", result_code=0))
            s.commit()
        at = open_page(LAB)
        assert_clean(at)
        line = next(p for p in at.get("progress") if f"Run {rid} ·" in p.proto.text)
        assert f"Run {rid} · Credit card · running · 1/3" in line.proto.text
        at.button(key=f"lab_active_open_{rid}").click().run()
        assert_clean(at)
        assert at.session_state["lab_run"] == rid
        assert any(
            p.proto.text.startswith("1/3") or "1/3" in p.proto.text
            for p in at.get("progress")
            if f"Run {rid}" not in p.proto.text
        )
        runs = open_page(RUNS)
        table = _table_with(runs, "#", "Done")
        assert table[table["#"] == rid].iloc[0]["Done"] == "1/3"
    finally:
        with factory() as s:
            s.execute(update(Run).where(Run.id == rid).values(status="cancelled"))
            s.commit()
    assert not [p for p in open_page(LAB).get("progress") if f"Run {rid} ·" in p.proto.text]


def test_runs_compare_image_by_image_and_say_when_the_image_sets_differ(sandbox):
    from qa.runner import Source
    from qa.truth import TruthFile
    from tests.support.apptest import SAMPLES
    from tests.support.misread import PRINTED_NUMBER, TRUE_NUMBER, luhn_failing_card

    made = luhn_failing_card()
    visa = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
    a = _run_of(
        sandbox,
        [Source("card.png", made), Source("visa.png", visa)],
        TruthFile(
            "a.json",
            "",
            {"card.png": {"totalCardNum": PRINTED_NUMBER}, "visa.png": {"totalCardNum": TRUE_NUMBER}},
        ),
    )
    b = _run_of(
        sandbox,
        [Source("renamed.png", made)],
        TruthFile("b.json", "", {"renamed.png": {"totalCardNum": TRUE_NUMBER}}),
    )
    at = open_page(RUNS)
    at.selectbox(key="runs_cmp_a").set_value(a)
    at.selectbox(key="runs_cmp_b").set_value(b).run()
    assert_clean(at)
    assert [w.value for w in at.warning if "different images" in w.value] == [
        (
            "The two runs were of different images: 1 only in A, 0 only in B. "
            "Only the images both have are compared (1)."
        )
    ]
    per = next(df.value for df in at.dataframe if "Change" in df.value.columns)
    row = per.iloc[0]
    assert (row["Change"], row["Image"], row["Field"]) == (
        "right → wrong",
        "card.png / renamed.png",
        "Card number",
    )
    assert "→" in row["Confidence A → B"] and row["Confidence A → B"].count("%") == 2
    assert any("1 right → wrong, 0 wrong → right, 0 unchanged" in m.value for m in at.markdown)
    latency = next(df.value for df in at.dataframe if "p95" in df.value.columns)
    assert all(v.endswith(" ms") for v in latency["mean"])

    # the Compare page's third mode: the same view of two QA runs
    cmp = open_page("pages/compare.py")
    cmp.segmented_control(key="cmp_mode").set_value("runs").run()
    cmp.selectbox(key="cmp_runs_a").set_value(a)
    cmp.selectbox(key="cmp_runs_b").set_value(b).run()
    assert_clean(cmp)
    assert any("different images: 1 only in A, 0 only in B" in w.value for w in cmp.warning)
    per = next(df.value for df in cmp.dataframe if "Change" in df.value.columns)
    assert list(per["Change"]) == ["right → wrong"]


def test_the_lab_keeps_a_spreadsheets_own_columns_as_tags_and_refuses_another_services_field_with_why():
    at = open_page(LAB)
    at.multiselect(key="lab_specimens").set_value(["cards/visa_blue_flat.png"]).run()
    at.file_uploader(key="lab_truth").upload(
        "truth.csv",
        b"file,totalCardNum,device,lighting\nvisa_blue_flat.png,4396317356239782,S21,dim\n",
        "text/csv",
    )
    at.run()
    assert_clean(at)
    assert not at.error and not at.button(key="lab_start").disabled
    at.file_uploader(key="lab_truth").upload(
        "truth.csv", b"file,totalCardNum,condition\nvisa_blue_flat.png,4396317356239782,1\n", "text/csv"
    )
    at.run()
    assert [e.value for e in at.error] == [
        (
            "truth.csv: 'condition' (for visa_blue_flat.png) is a field of ID card, not of Credit card: "
            "it would be scored wrong on every image. Remove the column, or choose that service."
        )
    ]
    assert at.button(key="lab_start").disabled
