"""Truth files and scoring: normalised comparison before masking, JSON/CSV/specimen formats."""
from __future__ import annotations

import json

import pytest

from qa.truth import TruthError, matches, parse_truth, score, specimen_truth
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
