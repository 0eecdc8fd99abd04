"""``python -m qa`` end to end on the sandbox: run with a sweep and truth, runs, show, compare, the
three reports (the HTML one opened in Chromium requests nothing from any host), exit codes."""

from __future__ import annotations

import csv
import io
import json
import struct
import subprocess
import sys
import zlib

import pytest

from harness.browser import chromium, needs_chromium, sweep_chart
from qa.cli import main
from tests.support.apptest import ROOT, SAMPLES, truth

pytestmark = [pytest.mark.usefixtures("sandbox"), pytest.mark.slow]
CARD = SAMPLES / "cards" / "visa_blue_flat.png"


def qa(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def python_m_qa(*argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m qa`` in a process of its own, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "qa", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('cli') / 'qa.db'}"


@pytest.fixture(scope="module")
def swept(db, sandbox) -> dict:
    code, out, err = qa(
        "run", "--service", "credit-card", "--sweep", "scale:1,0.08", "--json", "--db", db, str(CARD)
    )
    assert code == 1, err  # the 0.08 × card (68 × 43 px) is unreadable: the API answers a failure, so exit 1
    # (the 0.05 × card, 43 × 27 px, is under the minimum size: refused before it is sent, test_hostile_doors)
    assert "2/2" in err  # the progress bar
    return json.loads(out)


def test_run_json_shape_masked_and_scored(swept):
    assert swept["status"] == "done" and isinstance(swept["run_id"], int)
    assert [(i["image"], i["degradation"], i["level"]) for i in swept["items"]] == [
        ("visa_blue_flat.png", "none", 0.0),
        ("visa_blue_flat.png", "scale", 0.08),
    ]
    assert swept["items"][1]["result_code"] not in (None, 0)
    first = swept["items"][0]
    assert first["result_code"] == 0
    assert first["fields"]["totalCardNum"] == {
        "value": "439631******9782",
        "expected": "439631******9782",
        "conf": pytest.approx(1.0, abs=0.05),
        "correct": True,
        "checks": [{"name": "card_luhn", "ok": True, "reason": "luhn_ok", "params": {"n": 16}}],
    }
    assert swept["summary"]["totalCardNum"]["total"] == 2
    assert truth("cards/visa_blue_flat.png")["cardNumber"] not in json.dumps(swept)


def test_runs_show_compare(swept, db):
    rid = str(swept["run_id"])
    code, out, _ = qa("runs", "--db", db, "--json")
    assert code == 0 and swept["run_id"] in [r["id"] for r in json.loads(out)]
    code, out, _ = qa("show", rid, "--db", db)
    assert code == 0 and "totalCardNum" in out
    items = out.split("\n\n")[1].splitlines()  # below the summary, every item on a line
    assert items[0].split() == ["#", "image", "degradation", "pre-flight", "code", "ms", "fields"]
    assert items[1].split()[:4] == ["1", "visa_blue_flat.png", "as", "given"]
    assert f"totalCardNum {swept['items'][0]['fields']['totalCardNum']['value']} " in items[1]
    assert items[1].rstrip().endswith("✓")
    assert items[2].split()[:7] == ["2", "visa_blue_flat.png", "Scale", "0.08", "×", "size", "Fail"]
    assert str(swept["items"][1]["result_code"]) in items[2]
    from l10n import api_error

    code_ = swept["items"][1]["result_code"]  # the failure in words, never the vendor's code name alone
    assert f"failed: visa_blue_flat.png Scale 0.08 × size — {code_} — {api_error(code_, 'en')[0]}" in out
    assert swept["items"][1]["result_message"] not in out.split("\n\n")[0]
    assert truth("cards/visa_blue_flat.png")["cardNumber"] not in out
    code, out, _ = qa("compare", rid, rid, "--db", db, "--json")
    assert code == 0 and json.loads(out)["fields"]["totalCardNum"]["accuracy_delta"] == 0
    assert qa("show", "99999", "--db", db)[0] == 2


def test_reports(swept, db, tmp_path):
    rid = str(swept["run_id"])
    assert qa("report", rid, "--csv", str(tmp_path / "r.csv"), "--db", db)[0] == 0
    rows = list(csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8")))
    assert {r["value_masked"] for r in rows if r["field"] == "totalCardNum"} <= {"439631******9782", ""} | {
        r["value_masked"] for r in rows
    }
    assert truth("cards/visa_blue_flat.png")["cardNumber"] not in (tmp_path / "r.csv").read_text("utf-8")
    assert qa("report", rid, "--json", str(tmp_path / "r.json"), "--db", db)[0] == 0
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["run_id"] == swept["run_id"]
    assert qa("report", rid, "--html", str(tmp_path / "r.html"), "--db", db)[0] == 0
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "totalCardNum=439631******9782 ✓" in page and "4396317356239782" not in page


def test_a_misread_the_validators_caught_in_show_and_the_reports(db, tmp_path):
    """A card read as a Luhn-failing number: ``show --json`` and the JSON report carry its failed check
    with the reason code, the CSV its checks cell, the text and HTML the count of misreads caught."""
    from tests.support.misread import PRINTED_NUMBER, TRUE_NUMBER, luhn_failing_card

    (tmp_path / "misread.png").write_bytes(luhn_failing_card())
    (tmp_path / "truth.json").write_text(json.dumps({"misread.png": {"totalCardNum": TRUE_NUMBER}}), "utf-8")
    code, out, err = qa(
        "run",
        "--service",
        "credit-card",
        "--truth",
        str(tmp_path / "truth.json"),
        "--json",
        "--db",
        db,
        str(tmp_path / "misread.png"),
    )
    assert code == 0, err
    rid = str(json.loads(out)["run_id"])
    code, out, _ = qa("show", rid, "--db", db, "--json")
    shown = json.loads(out)
    card = shown["items"][0]["fields"]["totalCardNum"]
    assert card["correct"] is False and card["value"] == "439631******9783"
    assert card["checks"] == [{"name": "card_luhn", "ok": False, "reason": "luhn_mismatch", "params": {}}]
    assert shown["items"][0]["fields"]["validThru"]["checks"][0]["name"] == "card_expiry"
    assert shown["analysis"]["validators"] == {"none": {"caught": 1, "missed": 0, "unchecked": 0}}
    assert qa("show", rid, "--db", db)[1].count("misreads at none: 1 caught by the validators, 0 missed") == 1
    assert qa("report", rid, "--json", str(tmp_path / "r.json"), "--db", db)[0] == 0
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["items"] == shown["items"]
    assert qa("report", rid, "--csv", str(tmp_path / "r.csv"), "--db", db)[0] == 0
    rows = {r["field"]: r for r in csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8"))}
    assert rows["totalCardNum"]["checks"] == "card_luhn=fail:luhn_mismatch"
    assert rows["validThru"]["checks"].startswith("card_expiry=ok:card_valid")
    assert qa("report", rid, "--html", str(tmp_path / "r.html"), "--db", db)[0] == 0
    page = (tmp_path / "r.html").read_text("utf-8")
    assert (
        "Misreads the validators caught" in page and "totalCardNum=439631******9783 ✗ [✗ card_luhn]" in page
    )
    for text in (out, (tmp_path / "r.csv").read_text("utf-8"), page):
        assert PRINTED_NUMBER not in text and TRUE_NUMBER not in text


@pytest.mark.browser
@needs_chromium
def test_html_report_is_self_contained_in_a_real_browser(swept, db, tmp_path):
    path = tmp_path / "report.html"
    assert qa("report", str(swept["run_id"]), "--html", str(path), "--db", db)[0] == 0
    requests: list[str] = []
    with chromium() as browser:
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20000)  # the charts drew from inline JS
        # accuracy per field, per document type, confidence of right vs wrong reads, and the sweep
        assert page.locator(".js-plotly-plot").count() == 4
    assert requests == [path.as_uri()]


@pytest.mark.browser
@needs_chromium
def test_a_sweep_report_has_one_chart_per_degradation_in_its_own_unit_and_colour(db, tmp_path):
    """Issue 19: small multiples in the HTML report, checked as Chromium draws them — one chart per
    degradation, each x axis titled with its own unit and read worse to the right (darkness and JPEG
    quality reversed), each degradation's lines in a colour of its own, the breaking points marked."""
    code, out, err = qa(
        "run",
        "--service",
        "credit-card",
        "--sweep",
        "blur:0,4",
        "--sweep",
        "dark:1,0.3",
        "--sweep",
        "jpeg:90,5",
        "--json",
        "--db",
        db,
        str(CARD),
    )
    assert code in (0, 1), err
    shown = json.loads(out)
    path = tmp_path / "sweep.html"
    assert qa("report", str(shown["run_id"]), "--html", str(path), "--db", db)[0] == 0
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto(path.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20000)
        chart = sweep_chart(page, lines=3)
    assert chart["subplots"][:3] == ["Blur", "Darkness", "JPEG quality"]
    assert [a["title"] for a in chart["axes"]] == [
        "σ px — worse →",
        "× exposure — worse →",
        "quality — worse →",
    ]
    assert sorted(chart["titles"]) == sorted(a["title"] for a in chart["axes"])  # each drawn under its chart
    assert [a["reversed"] for a in chart["axes"]] == [False, True, True]
    assert set(chart["strokes"]) == {"blur", "dark", "jpeg"}
    assert len(set(chart["strokes"].values())) == 3 and "rgb(0, 0, 0)" not in chart["strokes"].values()
    breaks = [b for b in shown["analysis"]["breaking_points"].values() if b["breaks_at"] is not None]
    assert chart["shapes"] == len(breaks)


def test_bad_input_and_usage_exit_codes(db, tmp_path):
    ihdr = struct.pack(">IIBBBBB", 40000, 40000, 8, 2, 0, 0, 0)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", 13)
        + b"IHDR"
        + ihdr
        + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    )
    code, out, _ = qa("run", "--service", "credit-card", "--json", "--db", db, str(bomb))
    assert code == 4
    item = json.loads(out)["items"][0]
    assert item["state"] == "failed" and item["result_message"].startswith("bomb")
    assert qa("run", "--service", "credit-card", "--sweep", "fog:1", "--db", db, str(CARD))[0] == 2
    assert qa("run", "--service", "credit-card", "--db", db, str(tmp_path / "missing.png"))[0] == 4
    assert qa("run", "--service", "passport", "--db", db, str(CARD))[0] == 2


def test_a_report_that_cannot_be_written_says_where_and_why(swept, db, tmp_path):
    for flag in ("--html", "--csv", "--json"):
        code, _, err = qa(
            "report", str(swept["run_id"]), flag, str(tmp_path / "no-such-folder" / "r"), "--db", db
        )
        assert (
            code == 4
            and err
            == f"error: cannot write the report to {tmp_path / 'no-such-folder' / 'r'}: "
            "No such file or directory\n"
        )


def test_module_entry_point(db):
    proc = python_m_qa("runs", "--db", db)
    assert proc.returncode == 0 and "status" in proc.stdout


def test_a_run_from_the_module_entry_point_gets_its_preflight_checks_from_the_helper_process(db, tmp_path):
    """``python -m qa run`` as a user runs it: the pre-flight checks' helper process is spawned, and
    ``qa/__main__.py`` imported there must not start the command a second time (it once did, unguarded)."""
    image = tmp_path / "card.png"
    image.write_bytes(CARD.read_bytes())
    proc = python_m_qa("run", "--service", "credit-card", "--json", "--db", db, str(image))
    assert proc.returncode == 0, proc.stderr
    (item,) = json.loads(proc.stdout)["items"]
    assert item["quality"] in ("pass", "warn", "fail") and item["result_code"] == 0
    assert proc.stderr.count("1/1") == 1 and "Traceback" not in proc.stderr  # one run, in one process


def test_nhn_cloud_runs_show_billed_calls_need_confirmation_and_obey_the_cap(db, monkeypatch):
    """Refused before any request: the endpoint is NHN's, and no network is touched."""
    for name, value in (
        ("NHN_OCR_APPKEY", "k"),
        ("NHN_OCR_SECRETKEY", "s"),
        ("NHN_OCR_BASE_URL", "https://api-ocr.nhncloudservice.com"),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("STUDIO_QA_MAX_CALLS", "5")
    code, _, err = qa("run", "--service", "credit-card", "--sweep", "blur:0,1,2,3,4,5", "--db", db, str(CARD))
    assert code == 2 and "6 billed calls" in err and "cap is 5" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, _, err = qa("run", "--service", "credit-card", "--sweep", "blur:0,1", "--db", db, str(CARD))
    assert code == 2 and "makes 2 billed calls" in err and "not confirmed" in err


def test_a_database_that_cannot_be_opened_or_upgraded_is_named_with_its_cause(tmp_path):
    """``python -m qa`` as a user runs it: one plain line naming the database and why, exit 2."""
    import sqlite3

    broken = tmp_path / "not-a-db.sqlite3"
    broken.write_bytes(b"not SQLite\n" * 300)
    conflicting = tmp_path / "conflict.sqlite3"
    with sqlite3.connect(conflicting) as conn:  # a table of revision 0002 made by hand
        conn.execute("CREATE TABLE quota_usage (anything INTEGER)")
    for url, says in (
        (f"sqlite:///{broken}", "cannot be opened: file is not a database"),
        (f"sqlite:///{conflicting}", "could not be upgraded to revision"),
    ):
        for argv in (["runs"], ["run", "--service", "credit-card", str(CARD)]):
            proc = python_m_qa(*argv, "--db", url)
            assert proc.returncode == 2, proc.stderr
            assert proc.stderr.startswith(f"error: the studio database {url} {says}"), proc.stderr
            assert "Traceback" not in proc.stderr
    assert "table quota_usage already exists" in proc.stderr and "stays at revision 0001" in proc.stderr


def test_a_folder_runs_its_images_and_names_the_files_it_skipped(db, tmp_path):
    (tmp_path / "set" / "__MACOSX").mkdir(parents=True)
    (tmp_path / "set" / "visa.png").write_bytes(CARD.read_bytes())
    (tmp_path / "set" / "__MACOSX" / "._visa.png").write_bytes(b"\x00\x05\x16\x07")
    (tmp_path / "set" / "notes.txt").write_text("taken indoors")
    (tmp_path / "set" / "card.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBP")
    code, out, err = qa("run", "--service", "credit-card", "--json", "--db", db, str(tmp_path / "set"))
    assert code == 0
    assert [i["image"] for i in json.loads(out)["items"]] == ["visa.png"]
    assert "Skipped 2 files that are not JPEG, PNG, HEIC, PDF or TIFF images: card.webp, notes.txt." in err
    (tmp_path / "empty").mkdir()
    code, _, err = qa("run", "--service", "credit-card", "--db", db, str(tmp_path / "empty"))
    assert code == 4 and "no JPEG, PNG, HEIC, PDF or TIFF images in this folder" in err


def test_a_misread_shows_its_expected_value_beside_it_masked_and_marked_everywhere(db, tmp_path):
    """Issue 19: the expected value beside every ✗ — ``show``, CSV, JSON (``expected`` beside ``value``)
    and HTML — masked by the same rule, the differing digit named by its position; the truth file's own
    columns (``device``, ``lighting``) are tags that results group by."""
    from tests.support.misread import PRINTED_NUMBER, TRUE_NUMBER, luhn_failing_card

    (tmp_path / "misread.png").write_bytes(luhn_failing_card())
    (tmp_path / "visa.png").write_bytes(CARD.read_bytes())
    (tmp_path / "truth.csv").write_text(
        "file,totalCardNum,device,lighting\n"
        f"misread.png,{TRUE_NUMBER},Galaxy S21,dim\n"
        f"visa.png,{TRUE_NUMBER},iPhone 12,daylight\n",
        "utf-8",
    )
    code, out, err = qa(
        "run",
        "--service",
        "credit-card",
        "--truth",
        str(tmp_path / "truth.csv"),
        "--json",
        "--db",
        db,
        str(tmp_path / "misread.png"),
        str(tmp_path / "visa.png"),
    )
    assert code == 0, err
    shown = json.loads(out)
    rid = str(shown["run_id"])
    bad, good = shown["items"]
    assert bad["tags"] == {"device": "Galaxy S21", "lighting": "dim"}
    card = bad["fields"]["totalCardNum"]
    assert (card["value"], card["expected"], card["correct"]) == (
        "439631******9783",
        "439631******9782",
        False,
    )
    assert card["difference"]["changes"] == [{"kind": "wrong", "at": 16, "char": "digit"}]
    assert "difference" not in good["fields"]["totalCardNum"]
    assert shown["analysis"]["tags"]["device"]["Galaxy S21"]["accuracy"] == 0
    assert shown["analysis"]["tags"]["device"]["iPhone 12"]["accuracy"] == 1

    text = qa("show", rid, "--db", db)[1]
    line = next(x for x in text.splitlines() if "misread.png" in x and "totalCardNum" in x)
    assert "totalCardNum 439631******978[3]" in line
    assert "(expected 439631******978[2]: digit 16 of 16 read wrong)" in line
    assert "by device: Galaxy S21 0% (0/1), iPhone 12 100% (1/1)" in text
    assert "None" not in text and "True" not in text and "False" not in text

    assert qa("report", rid, "--csv", str(tmp_path / "r.csv"), "--db", db)[0] == 0
    rows = [
        r for r in csv.DictReader((tmp_path / "r.csv").open(encoding="utf-8")) if r["field"] == "totalCardNum"
    ]
    assert [(r["image"], r["expected_masked"], r["difference"], r["tag:device"]) for r in rows] == [
        ("misread.png", "439631******9782", "digit 16 of 16 read wrong", "Galaxy S21"),
        ("visa.png", "439631******9782", "", "iPhone 12"),
    ]
    assert qa("report", rid, "--html", str(tmp_path / "r.html"), "--db", db)[0] == 0
    page = (tmp_path / "r.html").read_text("utf-8")
    assert "<td>439631******978<mark>2</mark></td><td>439631******978<mark>3</mark></td>" in page
    assert "digit 16 of 16 read wrong" in page and "Accuracy by device" in page
    for body in (out, text, (tmp_path / "r.csv").read_text("utf-8"), page):
        assert PRINTED_NUMBER not in body and TRUE_NUMBER not in body


def test_a_truth_column_of_another_service_is_refused_with_why(db, tmp_path):
    (tmp_path / "truth.csv").write_text("file,totalCardNum,condition\nvisa.png,4396317356239782,1\n", "utf-8")
    code, _, err = qa(
        "run", "--service", "credit-card", "--truth", str(tmp_path / "truth.csv"), "--db", db, str(CARD)
    )
    assert code == 4
    assert "'condition' (for visa.png) is a field of ID card, not of Credit card" in err


def test_compare_lists_per_image_flips_and_says_when_the_image_sets_differ(db, tmp_path):
    """Run A reads the made-up card right against its printed number, run B wrong against the real one:
    the same image (by SHA-256, under another name) flipped right → wrong; the card only A had is counted,
    not compared."""
    from tests.support.misread import PRINTED_NUMBER, TRUE_NUMBER, luhn_failing_card

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "card.png").write_bytes(luhn_failing_card())
    (tmp_path / "b" / "renamed.png").write_bytes(luhn_failing_card())
    (tmp_path / "a" / "visa.png").write_bytes(CARD.read_bytes())
    (tmp_path / "ta.json").write_text(
        json.dumps({"card.png": {"totalCardNum": PRINTED_NUMBER}, "visa.png": {"totalCardNum": TRUE_NUMBER}}),
        "utf-8",
    )
    (tmp_path / "tb.json").write_text(json.dumps({"renamed.png": {"totalCardNum": TRUE_NUMBER}}), "utf-8")
    ids = []
    for folder, truth_file in (("a", "ta.json"), ("b", "tb.json")):
        code, out, err = qa(
            "run",
            "--service",
            "credit-card",
            "--truth",
            str(tmp_path / truth_file),
            "--json",
            "--db",
            db,
            str(tmp_path / folder),
        )
        assert code == 0, err
        ids.append(str(json.loads(out)["run_id"]))
    code, out, _ = qa("compare", *ids, "--db", db)
    assert code == 0
    assert (
        "The two runs were of different images: 1 only in A, 0 only in B. Only the images both have are "
        "compared (1)." in out
    )
    assert "1 right → wrong, 0 wrong → right, 0 unchanged" in out
    flip = next(x for x in out.splitlines() if x.strip().startswith("right → wrong"))
    assert "card.png / renamed.png" in flip and "[totalCardNum]" in flip and "confidence" in flip
    assert "{" not in out and "None" not in out and "preprocess False" not in out
    per = json.loads(qa("compare", *ids, "--db", db, "--json")[1])["per_image"]
    assert per["images"] == {"a": 2, "b": 1, "common": 1, "only_a": 1, "only_b": 0}
    assert [(r["image_a"], r["image_b"], r["change"]) for r in per["items"]] == [
        ("card.png", "renamed.png", "to_wrong")
    ]
