"""Truth files and scoring: normalised comparison before masking, JSON/CSV/specimen formats."""
from __future__ import annotations

import json

import pytest

from qa.truth import TruthError, matches, parse_truth, score, specimen_truth, truth_notes
from tests.support.apptest import SAMPLES


def test_normalisation_ignores_spaces_dashes_dots_and_case():
    assert matches("900115-1289153", "9001151289153")
    assert matches("2019.05.14", "20190514")
    assert matches("hong gildong", "HONG GILDONG")
    assert not matches("4396317356239782", "4396317356239783")
    assert not matches("x", None)


def test_score_marks_missing_fields_wrong_and_untruthed_none():
    verdicts = score({"totalCardNum": "4396 3173 5623 9782", "validThru": "04/29"},
                     {"totalCardNum": "4396317356239782", "cardNums": "x"})
    assert verdicts == {"totalCardNum": True, "cardNums": None, "validThru": False}
    assert score(None, {"a": "1"}) == {"a": None}


def test_json_csv_and_specimen_formats():
    j = parse_truth("t.json", json.dumps({"dir/a.png": {"totalCardNum": "1234"}}).encode())
    assert j.entries == {"a.png": {"totalCardNum": "1234"}} and len(j.sha256) == 64
    c = parse_truth("t.csv", b"file,name,residentNumber\nb.jpg,HONG,900115-1289153\n")
    assert c.entries == {"b.jpg": {"name": "HONG", "residentNumber": "900115-1289153"}}
    s = parse_truth("resident_hong_gildong.json", (SAMPLES / "ids/resident_hong_gildong.json").read_bytes())
    assert s.entries["resident_hong_gildong.png"]["idType"] == "resident"
    assert specimen_truth(SAMPLES)["visa_blue_flat.png"] == {"totalCardNum": "4396317356239782",
                                                              "validThru": "04/29"}


@pytest.mark.parametrize("name, data, message", [("t.json", b"{", "not valid JSON"),
                                                 ("t.csv", b"name\nx\n", "'file' column"),
                                                 ("t.json", b'{"a.png": 3}', "not an object")])
def test_bad_truth_files_say_why(name, data, message):
    with pytest.raises(TruthError, match=message):
        parse_truth(name, data)


@pytest.mark.parametrize("data", [
    "file;name;residentNumber\nhong.png;홍길동;900115-1289153\n".encode("cp949"),     # Korean Excel, ";" list separator
    "file,name,residentNumber\r\nhong.png,홍길동,900115-1289153\r\n".encode("cp949"),  # Korean Excel, ","
    "\ufefffile,name,residentNumber\nhong.png,홍길동,900115-1289153\n".encode(),        # UTF-8 with a BOM
    "file\tname\tresidentNumber\r\nhong.png\t홍길동\t900115-1289153\r\n".encode("utf-16"),  # "Unicode text"
])
def test_truth_csvs_as_spreadsheets_save_them(data):
    assert parse_truth("truth.csv", data).entries == {"hong.png": {"name": "홍길동",
                                                                   "residentNumber": "900115-1289153"}}


@pytest.mark.parametrize("data, field, suggestion", [
    (b'{"v.png": {"cardNumber": "4396317356239782"}}', "cardNumber", "totalCardNum"),
    (b"file,card_number\nv.png,4396317356239782\n", "card_number", "totalCardNum"),
    (b"file,VALID_THRU\nv.png,04/29\n", "VALID_THRU", "validThru"),
    (b'{"r.png": {"residentNo": "900115-1289153"}}', "residentNo", "residentNumber"),
    (b"file,totalCardNum,notes\nv.png,4396317356239782,taken indoors\n", "notes", None),
])
def test_a_field_the_api_never_returns_is_refused_with_the_name_it_likely_means(data, field, suggestion):
    """Scored, a misspelt field would be wrong on every image and read as the service failing."""
    name = "truth.csv" if data.startswith(b"file") else "truth.json"
    with pytest.raises(TruthError) as err:
        parse_truth(name, data)
    assert err.value.params["field"] == field
    if suggestion:
        assert err.value.code == "truth_unknown_field_hint" and f"did you mean '{suggestion}'?" in str(err.value)
    else:
        assert err.value.code == "truth_unknown_field" and "totalCardNum" in str(err.value)


def test_every_specimen_truth_file_names_only_fields_the_api_returns():
    for path in SAMPLES.rglob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and "docType" in doc:
            parse_truth(path.name, path.read_bytes())  # raises on a field the API does not return


def test_the_notes_before_a_run_name_images_without_truth_and_truth_for_no_image():
    truth = parse_truth("truth.json", b'{"VISA.png": {"totalCardNum": "1"}, "bc.png": {"validThru": "09/28"}}')
    assert truth_notes(truth, ["visa.png", "bc.png", "amex.jpg"], "en") == [
        "2 images have no entry in the truth file and are not scored: amex.jpg, visa.png.",
        "The truth file names 1 image that is not in this run: VISA.png. Names must match exactly, case included."]
    assert truth_notes(truth, ["bc.png", "VISA.png"], "en") == []
    assert truth_notes(truth, ["bc.png"], "ko") == [
        "정답 파일의 이미지 1개가 이번 실행에 없습니다: VISA.png. 파일 이름은 대소문자까지 똑같아야 합니다."]
