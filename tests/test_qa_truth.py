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
    verdicts = score(
        {"totalCardNum": "4396 3173 5623 9782", "validThru": "04/29"},
        {"totalCardNum": "4396317356239782", "cardNums": "x"},
    )
    assert verdicts == {"totalCardNum": True, "cardNums": None, "validThru": False}
    assert score(None, {"a": "1"}) == {"a": None}


def test_json_csv_and_specimen_formats():
    j = parse_truth("t.json", json.dumps({"dir/a.png": {"totalCardNum": "1234"}}).encode())
    assert j.entries == {"a.png": {"totalCardNum": "1234"}} and len(j.sha256) == 64
    c = parse_truth("t.csv", b"file,name,residentNumber\nb.jpg,HONG,900115-1289153\n")
    assert c.entries == {"b.jpg": {"name": "HONG", "residentNumber": "900115-1289153"}}
    s = parse_truth("resident_hong_gildong.json", (SAMPLES / "ids/resident_hong_gildong.json").read_bytes())
    assert s.entries["resident_hong_gildong.png"]["idType"] == "resident"
    assert specimen_truth(SAMPLES)["visa_blue_flat.png"] == {
        "totalCardNum": "4396317356239782",
        "validThru": "04/29",
    }


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("t.json", b"{", "not valid JSON"),
        ("t.csv", b"name\nx\n", "'file' column"),
        ("t.json", b'{"a.png": 3}', "not an object"),
    ],
)
def test_bad_truth_files_say_why(name, data, message):
    with pytest.raises(TruthError, match=message):
        parse_truth(name, data)


@pytest.mark.parametrize(
    "data",
    [
        "file;name;residentNumber\nhong.png;홍길동;900115-1289153\n".encode(
            "cp949"
        ),  # Korean Excel, ";" list separator
        "file,name,residentNumber\r\nhong.png,홍길동,900115-1289153\r\n".encode("cp949"),  # Korean Excel, ","
        "\ufefffile,name,residentNumber\nhong.png,홍길동,900115-1289153\n".encode(),  # UTF-8 with a BOM
        "file\tname\tresidentNumber\r\nhong.png\t홍길동\t900115-1289153\r\n".encode(
            "utf-16"
        ),  # "Unicode text"
    ],
)
def test_truth_csvs_as_spreadsheets_save_them(data):
    assert parse_truth("truth.csv", data).entries == {
        "hong.png": {"name": "홍길동", "residentNumber": "900115-1289153"}
    }


@pytest.mark.parametrize(
    "data, field, suggestion",
    [
        (b'{"v.png": {"cardNumber": "4396317356239782"}}', "cardNumber", "totalCardNum"),
        (b"file,card_number\nv.png,4396317356239782\n", "card_number", "totalCardNum"),
        (b"file,VALID_THRU\nv.png,04/29\n", "VALID_THRU", "validThru"),
        (b'{"r.png": {"residentNo": "900115-1289153"}}', "residentNo", "residentNumber"),
    ],
)
def test_a_field_the_api_never_returns_is_refused_with_the_name_it_likely_means(data, field, suggestion):
    """Scored, a misspelt field would be wrong on every image and read as the service failing."""
    name = "truth.csv" if data.startswith(b"file") else "truth.json"
    with pytest.raises(TruthError) as err:
        parse_truth(name, data)
    assert err.value.params["field"] == field
    assert err.value.code == "truth_unknown_field_hint" and f"did you mean '{suggestion}'?" in str(err.value)
    with pytest.raises(TruthError, match=f"did you mean '{suggestion}'"):  # on a run of either service
        parse_truth(name, data, "credit-card" if suggestion == "residentNumber" else "id-card")


def test_every_specimen_truth_file_names_only_fields_the_api_returns():
    for path in SAMPLES.rglob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and "docType" in doc:
            parse_truth(path.name, path.read_bytes())  # raises on a field the API does not return


def test_the_notes_before_a_run_name_images_without_truth_and_truth_for_no_image():
    truth = parse_truth(
        "truth.json", b'{"VISA.png": {"totalCardNum": "1"}, "bc.png": {"validThru": "09/28"}}'
    )
    assert truth_notes(truth, ["visa.png", "bc.png", "amex.jpg"], "en") == [
        "2 images have no entry in the truth file and are not scored: amex.jpg, visa.png.",
        (
            "The truth file names 1 image that is not in this run: VISA.png. "
            "Names must match exactly, case included."
        ),
    ]
    assert truth_notes(truth, ["bc.png", "VISA.png"], "en") == []
    assert truth_notes(truth, ["bc.png"], "ko") == [
        "정답 파일의 이미지 1개가 이번 실행에 없습니다: VISA.png. 파일 이름은 대소문자까지 똑같아야 합니다."
    ]


@pytest.mark.parametrize(
    "data",
    [
        (
            b"file,totalCardNum,device,lighting\n"
            b"v.png,4396317356239782,Galaxy S21,dim\nw.png,,iPhone 12,daylight\n"
        ),
        (
            b'{"v.png": {"totalCardNum": "4396317356239782", "device": "Galaxy S21", "lighting": "dim"},'
            b' "w.png": {"device": "iPhone 12", "lighting": "daylight"}}'
        ),
    ],
)
def test_columns_that_are_no_field_of_the_service_become_tags(data):
    """A spreadsheet kept with its own columns (issue 19): they group results instead of refusing the file."""
    name = "truth.csv" if data.startswith(b"file") else "truth.json"
    found = parse_truth(name, data, "credit-card")
    assert found.entries == {"v.png": {"totalCardNum": "4396317356239782"}, "w.png": {}}
    assert found.tags == {
        "v.png": {"device": "Galaxy S21", "lighting": "dim"},
        "w.png": {"device": "iPhone 12", "lighting": "daylight"},
    }


def test_a_field_of_another_service_is_refused_with_why_in_both_languages():
    data = b"file,totalCardNum,condition\nv.png,4396317356239782,1\n"
    with pytest.raises(TruthError) as err:
        parse_truth("truth.csv", data, "credit-card")
    assert err.value.code == "truth_other_service"
    assert str(err.value) == (
        "truth.csv: 'condition' (for v.png) is a field of ID card, not of Credit card: it would "
        "be scored wrong on every image. Remove the column, or choose that service."
    )
    assert "신용카드" in err.value.words("ko") and "신분증" in err.value.words("ko")
    own = b"file,idType,condition\nv.png,driver,1\n"
    assert parse_truth("truth.csv", own, "id-card").entries["v.png"]["condition"] == "1"  # its own service
    with pytest.raises(
        TruthError, match=r"'totalCardNum' \(for v.png\) is a field of Credit card, not of ID card \("
    ):
        parse_truth("truth.csv", data, "stand-alone")


def test_differences_are_positions_and_kinds_never_characters():
    from qa.differences import describe, differences, marked

    diff = differences("4396 3173 5623 9782", "4396317356239783")
    assert diff is not None and diff["changes"] == [{"kind": "wrong", "at": 16, "char": "digit"}]
    assert (
        describe(diff, "en") == "digit 16 of 16 read wrong"
        and describe(diff, "ko") == "16자 중 16번째 숫자 틀림"
    )
    assert marked("439631******9783", diff["read_marks"]) == "439631******978[3]"
    assert (
        marked("4396 31** **** 9782", diff["expected_marks"], left="<mark>", right="</mark>", escape=True)
        == "4396 31** **** 978<mark>2</mark>"
    )
    seventh = differences("4396317356239782", "4396313356239782")
    assert seventh is not None
    assert describe(seventh, "en") == "digit 7 of 16 read wrong"
    assert marked("439631******9782", seventh["read_marks"]) == "439631[*]*****9782"  # marked though masked
    short = differences("KIM MINJI", "KIMINJI")
    assert short is not None
    assert [c["kind"] for c in short["changes"]] == ["missing"] and short["changes"][0]["char"] == "letter"
    assert describe(differences("04/29", None), "en") == "not read (4 characters expected)"
    assert differences("04/29", "0429") is None and differences(None, "x") is None
    many = differences("1234567890", "abcdefghij")
    assert describe(many, "en").endswith("and 6 more")
