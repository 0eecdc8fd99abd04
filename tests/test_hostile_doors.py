"""Issue 17's audit at the doors, against the real sandbox: what each door refuses, names and sends when
handed hostile inputs — counted where it matters, at the server (its journal), and in memory.

Doors: ``python -m qa run`` on a folder, on a ZIP, with a truth file; the QA Lab page's uploads."""

from __future__ import annotations

import io
import json
import os
import time

import pytest
from PIL import Image

from qa.cli import main
from qa.collect import MEMBER_MAX_BYTES
from tests.support.apptest import SAMPLES, assert_clean
from tests.support.hostile import MB, Member, crafted_zip, peak_memory, zeros_deflated

pytestmark = [pytest.mark.usefixtures("sandbox"), pytest.mark.slow]
CARD = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()
OTHER = (SAMPLES / "cards" / "bc_red_flat.png").read_bytes()


def qa(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'qa.db'}"


@pytest.fixture
def sent(sandbox):
    """Analyses that reached the sandbox during the test."""
    before = sandbox.backend.journal.calls("credit-card")
    return lambda: sandbox.backend.journal.calls("credit-card") - before


def test_cli_folder_with_names_that_are_not_utf8_namesakes_a_pixel_and_a_huge_file(db, tmp_path, sent):
    """D1: one name that is not UTF-8 killed the whole run with a SQLAlchemy traceback. Now every image
    runs under a readable name; namesakes are told apart by their path; the 1×1 image is refused before
    anything is sent; the 21 MB file is named, never read."""
    root = os.fsencode(tmp_path / "set")
    os.makedirs(os.path.join(root, b"set1"))
    os.makedirs(os.path.join(root, b"set2"))
    for raw, data in (
        (b"\xc4\xab\xb5\xe5.png", CARD),
        (b"\xff\xfe.png", OTHER),
        (b"set1/a.png", CARD),
        (b"set2/a.png", OTHER),
        (b"pixel.png", _png(1, 1)),
    ):
        with open(os.path.join(root, raw), "wb") as f:
            f.write(data)
    with open(os.path.join(root, b"huge.png"), "wb") as f:
        f.truncate(MEMBER_MAX_BYTES + 1)
    code, out, err = qa("run", "--service", "credit-card", "--json", "--db", db, str(tmp_path / "set"))
    assert code == 4, err  # a local refusal among the items: bad local input
    items = {i["image"]: i for i in json.loads(out)["items"]}
    assert set(items) == {"카드.png", "\\xff\\xfe.png", "set1/a.png", "set2/a.png", "pixel.png"}
    assert items["pixel.png"]["state"] == "failed" and items["pixel.png"]["result_message"].startswith(
        "too_small: The image is 1×1 pixels"
    )
    assert all(i["state"] == "done" for name, i in items.items() if name != "pixel.png")
    assert sent() == 4  # the pixel cost nothing
    assert "huge.png was not read (it is larger than the API's limit of 20 MB)" in err
    code, shown, _ = qa("show", str(json.loads(out)["run_id"]), "--db", db)
    assert code == 0 and "\\xff\\xfe.png" in shown and "set2/a.png" in shown


def test_cli_zip_is_read_as_the_lab_page_reads_it(db, tmp_path, sent):
    payload, crc = zeros_deflated(256 * MB)
    (tmp_path / "set.zip").write_bytes(
        crafted_zip(
            [
                Member(b"liar.png", payload, crc=crc, declared=1000),
                Member.deflated("good.png", CARD),
                Member.deflated("../evil.png", CARD),
                Member.deflated("notes.txt", b"taken indoors"),
            ]
        )
    )
    code, out, err = qa("run", "--service", "credit-card", "--json", "--db", db, str(tmp_path / "set.zip"))
    assert code == 0, err
    assert [i["image"] for i in json.loads(out)["items"]] == ["good.png"]
    assert sent() == 1
    assert "set.zip: liar.png could not be extracted (it holds more than the size it declares)" in err
    assert "set.zip: ../evil.png could not be extracted (its path leaves the ZIP's folder" in err
    assert "Skipped 1 file that is not a JPEG, PNG, HEIC, PDF or TIFF image: notes.txt." in err


def test_cli_truth_json_nested_100000_deep_is_bad_input_not_a_traceback(db, tmp_path, sent):
    """D6: the CLI gave a RecursionError traceback."""
    (tmp_path / "deep.json").write_bytes(b"[" * 100_000)
    (tmp_path / "card.png").write_bytes(CARD)
    code, _, err = qa(
        "run",
        "--service",
        "credit-card",
        "--truth",
        str(tmp_path / "deep.json"),
        "--db",
        db,
        str(tmp_path / "card.png"),
    )
    assert code == 4 and sent() == 0
    assert err == (
        "error: deep.json: the JSON nests 100000 levels deep; a truth file needs at most 8 "
        "(image → field → value).\n"
    )


def test_a_sweep_level_below_the_minimum_size_is_refused_not_sent(db, tmp_path, sent):
    """The 0.05× of a card (the lowest scale level) is 43×27 px: every door's payload is measured, a lab
    sweep's too. It used to be a billed call the API could only answer with a failure."""
    (tmp_path / "card.png").write_bytes(CARD)
    code, out, _ = qa(
        "run",
        "--service",
        "credit-card",
        "--sweep",
        "scale:1,0.05",
        "--json",
        "--db",
        db,
        str(tmp_path / "card.png"),
    )
    items = json.loads(out)["items"]
    assert code == 4 and sent() == 1
    assert items[1]["state"] == "failed" and items[1]["result_message"].startswith("too_small")


def test_the_qa_lab_page_refuses_a_lying_zip_and_a_deep_truth_file_cheaply_and_says_why(sent):
    """D5 and D6 on the page: the upload went 428 → 2,371 MB; the truth file replaced the page with
    "Something went wrong on our side"."""
    from tests.support.people import open_as

    payload, crc = zeros_deflated(256 * MB)
    lying = crafted_zip(
        [
            Member(b"liar.png", payload, crc=crc, declared=1000),
            Member.deflated("good.png", CARD),
            Member.deflated("../up.png", CARD),
        ]
    )
    at = open_as("admin", "pages/qa_lab.py")
    assert_clean(at)
    at.file_uploader(key="lab_uploads").upload("liar.zip", lying, "application/zip")
    at.file_uploader(key="lab_truth").upload("deep.json", b"[" * 100_000, "application/json")
    with peak_memory() as peak:
        at.run()
    assert_clean(at)
    assert peak() < 64 * MB, f"{peak() / MB:.0f} MB"
    errors = [e.value for e in at.error]
    assert (
        "deep.json: the JSON nests 100000 levels deep; a truth file needs at most 8 (image → field → value)."
        in errors
    )
    notices = " ".join(i.value for i in at.info)
    assert "liar.png could not be extracted (it holds more than the size it declares)" in notices
    assert "../up.png could not be extracted (its path leaves the ZIP's folder" in notices
    assert at.button(key="lab_start").disabled and sent() == 0
    assert any("1 images → 1 calls" in c.value for c in at.caption)


def test_the_qa_lab_page_tells_apart_a_specimen_and_an_upload_of_one_name():
    from qa.analysis import load_run
    from tests.support.people import open_as
    from ui import lab

    at = open_as("admin", "pages/qa_lab.py")
    at.multiselect(key="lab_specimens").set_value(["cards/visa_blue_flat.png"]).run()
    at.file_uploader(key="lab_uploads").upload("visa_blue_flat.png", OTHER, "image/png")
    at.file_uploader(key="lab_uploads").upload(
        "set.zip", crafted_zip([Member.deflated("x/visa_blue_flat.png", CARD)]), "application/zip"
    )
    at.run()
    at.button(key="lab_start").click().run()
    assert_clean(at)
    run = load_run(lab.factory(), at.session_state["lab_run"])
    assert sorted(i.image for i in run.items) == [
        "samples/cards/visa_blue_flat.png",
        "set.zip/x/visa_blue_flat.png",
        "visa_blue_flat.png",
    ]
    deadline = time.monotonic() + 120  # let the queue finish: the next tests count calls at the sandbox
    while load_run(lab.factory(), run.run["id"]).run["status"] not in ("done", "cancelled", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_an_analysis_page_refuses_a_1x1_image_before_any_request(sandbox):
    """A 1×1 image was a billed call that could not succeed; every door now refuses it locally."""
    from tests.support.people import open_as

    before = sandbox.backend.journal.calls()
    at = open_as("admin", "pages/credit_card.py")  # "/" is the home page since issue 18
    at.segmented_control(key="cc_source").set_value("upload").run()
    at.file_uploader(key="cc_upload").upload("pixel.png", _png(1, 1), "image/png").run()
    assert_clean(at)
    assert any("The image is 1×1 pixels; below 32 pixels a side" in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert not [b for b in at.button if b.key == "cc_analyze"]
    assert sandbox.backend.journal.calls() == before


def test_names_on_the_qa_lab_page_are_shown_as_text_not_markdown():
    """A ZIP member or truth entry named like a Markdown link or image would become a link in the page's
    notice, or an image fetched from a foreign host: shown escaped, as itself."""
    import re

    from tests.support.people import open_as
    from ui.plain_text import plain

    link, image = "[Update here](https://evil.test).txt", "../![x](https://evil.test/p).png"
    at = open_as("admin", "pages/qa_lab.py")
    at.file_uploader(key="lab_uploads").upload(
        "$x$.zip",
        crafted_zip(
            [Member.deflated(link, b"x"), Member.deflated(image, CARD), Member.deflated("good.png", CARD)]
        ),
        "application/zip",
    )
    at.file_uploader(key="lab_truth").upload(
        "t.json", b'{"<i>www.evil.test.png": {"totalCardNum": "1"}}', "application/json"
    )
    at.run()
    assert_clean(at)
    shown = [i.value for i in at.info] + [e.value for e in at.error]
    text = " ".join(shown)
    assert plain(link) in text and plain(image) in text and plain("$x$.zip") in text
    assert plain("<i>www.evil.test.png") in text
    unescaped = re.compile(r"(?<!\\)(\]\(|<i>|\$x\$|www\.)")
    assert not [s for s in shown if unescaped.search(s)], shown


def test_cli_file_over_the_api_limit_is_named_not_read(db, tmp_path, sent):
    big = tmp_path / "big.png"
    with big.open("wb") as f:
        f.truncate(MEMBER_MAX_BYTES + 1)  # sparse
    code, _, err = qa("run", "--service", "credit-card", "--db", db, str(big))
    assert code == 4 and sent() == 0
    assert err == f"{big}: not read (it is larger than the API's limit of 20 MB)\nerror: no image to run\n"
