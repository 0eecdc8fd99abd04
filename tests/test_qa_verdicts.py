"""The validators' verdicts as the lab keeps them: records that keep every fact the catalogue words
and never a part of a value, read back as the same checks; and the count of misreads they caught."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import l10n
from ocr_core.validators import Check, checks_for, icao_check_digit
from ocr_core.verdicts import check_from_record, check_record, safe_params
from qa.analysis import ItemRow, RunData, summary, validator_catches

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
TODAY = date(2026, 11, 24)
VALUE_RUN = re.compile(r"[0-9A-Z<]{5}")
"""Five digits, capitals or MRZ fillers in a row: more of a value than any record may hold."""


def _specimens() -> list[tuple[str, dict[str, str]]]:
    """(document type, API-named values) of every specimen."""
    out: list[tuple[str, dict[str, str]]] = []
    for path in sorted(SAMPLES.glob("*/*.json")):
        doc = json.loads(path.read_text("utf-8"))
        if "docType" not in doc:
            continue
        fields = doc["fields"]
        if doc["docType"] == "credit-card":
            out.append(
                ("credit-card", {"totalCardNum": fields["cardNumber"], "validThru": fields["validThru"]})
            )
        else:
            out.append((doc["docType"], {k: str(v) for k, v in fields.items() if isinstance(v, str)}))
    return out


def _misreads(value: str) -> list[str]:
    """The value as OCR gets it wrong: one character changed, one dropped, one added, cut short."""
    flip = {c: d for c, d in zip("0123456789<ABCMK", "1234567890A<BCKM", strict=True)}
    out = [value[:-1], value + "7", value[: len(value) // 2], value.replace("-", "")]
    for i in (0, len(value) // 2, len(value) - 1):
        if value and value[i] in flip:
            out.append(value[:i] + flip[value[i]] + value[i + 1 :])
    return out


def _all_checks() -> list[Check]:
    checks: list[Check] = []
    for id_type, values in _specimens():
        for key, value in values.items():
            for read in [value, *_misreads(value)]:
                checks += checks_for(key, read, id_type, {**values, key: read}, today=TODAY)
    line2 = "M123456788KOR9001158M29051431234567<<<<<<<44"
    checks += checks_for(
        "MRZ2", line2, "passport", {"MRZ1": "XX", "MRZ2": line2}, today=TODAY
    )  # line 1 malformed
    checks += checks_for("residentNumber", "201231-3123456", "resident", today=TODAY)  # random era
    checks += checks_for("validThru", "13/29", "credit-card", today=TODAY)
    checks += checks_for("validThru", "04/99", "credit-card", today=TODAY)
    checks += checks_for("validThru", "04/19", "credit-card", today=TODAY)
    checks += checks_for("driverLicenseNumber", "99-19-123456-12", "driver", today=TODAY)
    checks += checks_for("totalCardNum", "4111 1111", "credit-card", today=TODAY)
    return checks


def test_a_record_keeps_every_fact_the_validators_give_and_reads_back_as_the_same_check():
    checks = _all_checks()
    seen = {key for c in checks for key in c.params}
    assert seen == {"n", "length", "low", "high", "month", "year", "since", "parts", "line1"}, seen
    for check in checks:
        record = json.loads(json.dumps(check_record(check)))  # as a JSON column hands it back
        assert check_from_record(record) == check
        for lang in ("en", "ko"):
            assert l10n.check_detail(
                record["reason"], check_from_record(record).params, lang
            ) == l10n.check_detail(check.reason, check.params, lang)
        assert not VALUE_RUN.search(json.dumps(record)), record


def test_a_param_that_would_carry_part_of_a_value_is_never_kept():
    leaky = Check(
        "card_luhn",
        False,
        "luhn_mismatch",
        {
            "value": "4396317356239782",
            "digits": "9782",
            "n": 4396317356239782,
            "year": True,
            "month": -1,
            "parts": ("passport_number", "HONG"),
            "line1": "PMKORHONG<<GILDONG",
            "since": "1990-01-15",
            "length": 44,
            "low": 11,
        },
    )
    assert safe_params(leaky.params) == {"length": 44, "low": 11}
    assert check_record(leaky) == {
        "name": "card_luhn",
        "ok": False,
        "reason": "luhn_mismatch",
        "params": {"length": 44, "low": 11},
    }


KEYS = (
    "totalCardNum",
    "validThru",
    "residentNumber",
    "personalNo",
    "driverLicenseNumber",
    "serialNum",
    "passportNo",
    "issueDate",
    "dateOfBirthYMD",
    "dateOfExpiryYMD",
    "MRZ1",
    "MRZ2",
    "surName",
    "sex",
)


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from(KEYS),
    value=st.text("0123456789<-./ MKORHNG", min_size=1, max_size=50),
    mrz=st.text("0123456789<MKOR", min_size=40, max_size=46),
)
def test_no_record_holds_five_characters_of_a_value_in_a_row(key, value, mrz):
    line2 = mrz[:43] + icao_check_digit(mrz[:43])
    checks = checks_for(key, value, "passport", {"MRZ2": line2, "passportNo": value, key: value}, today=TODAY)
    assert not VALUE_RUN.search(json.dumps([check_record(c) for c in checks]))


def _item(position: int, degradation: str, **fields: tuple[str | None, bool | None, list | None]) -> ItemRow:
    return ItemRow(
        position,
        position,
        f"img{position}.png",
        degradation,
        1.0 if degradation != "none" else 0.0,
        "credit-card",
        "done",
        0,
        "SUCCESS",
        "pass",
        100.0,
        80.0,
        {
            name: {"value": v, "conf": 0.9, "correct": ok, "checks": checks}
            for name, (v, ok, checks) in fields.items()
        },
    )


FAIL = [{"name": "card_luhn", "ok": False, "reason": "luhn_mismatch", "params": {}}]
PASS = [{"name": "card_luhn", "ok": True, "reason": "luhn_ok", "params": {"n": 16}}]
UNDECIDED = [{"name": "rrn", "ok": None, "reason": "rrn_random_era", "params": {"since": "2020-10-05"}}]


def test_misreads_caught_missed_and_unchecked_per_degradation():
    data = RunData(
        {"id": 1, "sweep": [["blur", [0, 2]]]},
        [
            _item(0, "none", totalCardNum=("439631******9783", False, FAIL), validThru=("04/29", True, [])),
            _item(
                1,
                "blur",
                totalCardNum=("439631******9782", False, PASS),
                name=("H***", False, []),
                residentNumber=("900115-1******", False, UNDECIDED),
            ),
            _item(
                2, "blur", totalCardNum=(None, False, []), validThru=("04/29", True, FAIL)
            ),  # not read; right
            _item(3, "blur", totalCardNum=("439631******9783", False, FAIL)),
            _item(4, "jpeg", totalCardNum=("439631******9783", False, None)),  # stored before verdicts were
            _item(
                5, "rotate", totalCardNum=("439631******9783", None, FAIL)
            ),  # no truth: nothing to call a misread
        ],
    )
    assert validator_catches(data) == {
        "none": {"caught": 1, "missed": 0, "unchecked": 0},
        "blur": {"caught": 1, "missed": 2, "unchecked": 1},
    }
    assert summary(data)["validators"] == validator_catches(data)
    assert data.items[0].checks() == {"totalCardNum": (Check("card_luhn", False, "luhn_mismatch", {}),)}
    assert data.items[1].checks_recorded and not data.items[4].checks_recorded
    assert data.items[4].checks() is None
    assert [i.checks_passed for i in data.items] == [False, True, False, False, None, False]
    assert _item(6, "none", residentNumber=("900115-1******", True, UNDECIDED)).checks_passed is None
    assert validator_catches(RunData({"id": 2}, [data.items[4]])) == {}


@pytest.mark.parametrize("records", [FAIL, PASS, UNDECIDED, []])
def test_checks_read_back_from_an_item(records):
    item = _item(0, "none", totalCardNum=("439631******9783", False, records))
    assert item.checks() == (
        {"totalCardNum": tuple(check_from_record(r) for r in records)} if records else {}
    )
