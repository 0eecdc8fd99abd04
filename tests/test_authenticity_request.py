"""AuthenticityRequest: the per-idType field table of docs/vendor-api.md#authenticity, checked before
sending."""

from __future__ import annotations

import pytest

from ocr_core import AuthenticityRequest, InputError
from ocr_core.authenticity import ENCRYPTED_FIELDS, FIELD_RULES


def sealed(value: str) -> str:
    return f"<{value}>"


def test_resident_body_encrypts_all_but_id_type() -> None:
    req = AuthenticityRequest(
        "resident", " 홍  길동 ", resident_number="900101-1234567", issue_date="2020.03.15"
    )
    assert req.to_body(sealed) == {
        "idType": "resident",
        "name": "<홍 길동>",
        "residentNumber": "<9001011234567>",
        "issueDate": "<20200315>",
    }


def test_driver_body_with_and_without_serial() -> None:
    req = AuthenticityRequest(
        "driver",
        "홍길동",
        resident_number="900101-1",
        driver_license_number="11-19-123456-12",
        serial_num="ab12c3",
    )
    assert req.to_body(sealed) == {
        "idType": "driver",
        "name": "<홍길동>",
        "residentNumber": "<9001011>",
        "driverLicenseNumber": "<111912345612>",
        "serialNum": "<AB12C3>",
    }
    bare = AuthenticityRequest(
        "driver", "홍길동", resident_number="9001011", driver_license_number="111912345612", serial_num=""
    )
    assert "serialNum" not in bare.to_body(sealed)


def test_passport_keeps_expiration_date_in_clear() -> None:
    req = AuthenticityRequest(
        "passport",
        "HONG GILDONG",
        passport_number="m12345678",
        issue_date="20200101",
        birth_date="1990-01-01",
        expiration_date="2030.01.01",
    )
    body = req.to_body(sealed)
    assert body["expirationDate"] == "20300101" and body["birthDate"] == "<19900101>"
    assert body["passportNumber"] == "<M12345678>" and body["idType"] == "passport"


def test_the_table_matches_the_notes() -> None:
    assert {
        "name",
        "residentNumber",
        "issueDate",
        "driverLicenseNumber",
        "serialNum",
        "passportNumber",
        "birthDate",
    } == ENCRYPTED_FIELDS
    assert {k for k, required in FIELD_RULES["driver"].items() if not required} == {"serialNum"}
    assert set(FIELD_RULES["resident"]) == {"name", "residentNumber", "issueDate"}


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"id_type": "alien", "name": "x"}, "idType"),
        (
            {"id_type": "resident", "name": "", "resident_number": "9001011234567", "issue_date": "20200315"},
            "name",
        ),
        ({"id_type": "resident", "name": "a", "issue_date": "20200315"}, "residentNumber is required"),
        (
            {"id_type": "resident", "name": "a", "resident_number": "9001011", "issue_date": "20200315"},
            "13 digits",
        ),
        ({"id_type": "resident", "name": "a", "resident_number": "9001011234567"}, "issueDate is required"),
        (
            {
                "id_type": "resident",
                "name": "a",
                "resident_number": "9001011234567",
                "issue_date": "20200230",
            },
            "calendar",
        ),
        (
            {"id_type": "resident", "name": "a", "resident_number": "9001011234567", "issue_date": "2020031"},
            "YYYYMMDD",
        ),
        (
            {
                "id_type": "resident",
                "name": "a",
                "resident_number": "9001011234567",
                "issue_date": "20200315",
                "driver_license_number": "111912345612",
            },
            "not used for idType resident",
        ),
        (
            {
                "id_type": "driver",
                "name": "a",
                "resident_number": "9001011234567",
                "driver_license_number": "111912345612",
            },
            "7 digits",
        ),
        (
            {
                "id_type": "driver",
                "name": "a",
                "resident_number": "9001011",
                "driver_license_number": "11191234561",
            },
            "12 digits",
        ),
        (
            {
                "id_type": "driver",
                "name": "a",
                "resident_number": "9001011",
                "driver_license_number": "111912345612",
                "serial_num": "AB1",
            },
            "5 or 6",
        ),
        (
            {
                "id_type": "driver",
                "name": "a",
                "resident_number": "9001011",
                "driver_license_number": "111912345612",
                "issue_date": "20200101",
            },
            "not used",
        ),
        (
            {
                "id_type": "passport",
                "name": "a",
                "passport_number": "M1234567",
                "issue_date": "20200101",
                "birth_date": "19900101",
                "expiration_date": "20300101",
            },
            "9 upper-case",
        ),
        (
            {
                "id_type": "passport",
                "name": "a",
                "passport_number": "M12345678",
                "issue_date": "20200101",
                "birth_date": "19900101",
            },
            "expirationDate is required",
        ),
        (
            {
                "id_type": "passport",
                "name": "a",
                "resident_number": "9001011234567",
                "passport_number": "M12345678",
                "issue_date": "20200101",
                "birth_date": "19900101",
                "expiration_date": "20300101",
            },
            "not used",
        ),
        (
            {"id_type": "resident", "name": "a", "resident_number": 9001011234567, "issue_date": "20200315"},
            "text",
        ),
    ],
)
def test_rules_are_enforced_with_clear_messages(kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        AuthenticityRequest(**kwargs)
    for value in ("9001011234567", "111912345612"):
        assert value not in str(info.value)


def test_repr_hides_personal_data() -> None:
    req = AuthenticityRequest("resident", "홍길동", resident_number="9001011234567", issue_date="20200315")
    text = repr(req)
    assert "홍길동" not in text and "9001011234567" not in text and "resident_number=[set]" in text


@pytest.mark.parametrize(
    ("kwargs", "rule", "field", "id_type"),
    [
        (
            {
                "id_type": "driver",
                "name": "홍길동",
                "resident_number": "9001151289153",
                "driver_license_number": "111912345678",
            },
            "rrn_driver",
            "residentNumber",
            "driver",
        ),
        (
            {"id_type": "resident", "name": "홍길동", "resident_number": "9001151289153"},
            "required",
            "issueDate",
            "resident",
        ),
        (
            {
                "id_type": "resident",
                "name": "홍길동",
                "resident_number": "9001151289153",
                "issue_date": "20190231",
            },
            "date_real",
            "issueDate",
            None,
        ),
    ],
)
def test_a_broken_rule_is_named_for_the_ui(kwargs: dict, rule: str, field: str, id_type: str | None) -> None:
    with pytest.raises(InputError) as caught:
        AuthenticityRequest(**kwargs)
    assert (caught.value.rule, caught.value.field, caught.value.id_type) == (rule, field, id_type)
