"""Masking: exact shapes for the documented formats, plus properties that must hold for any input."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr_core.fields import FIELDS
from ocr_core.masking import (
    mask_api_json,
    mask_card_groups,
    mask_card_number,
    mask_date_of_birth,
    mask_licence_number,
    mask_mrz,
    mask_name,
    mask_passport_number,
    mask_resident_number,
    mask_serial,
    mask_text,
    mask_value,
)

FAST = settings(max_examples=150, deadline=None)

MRZ1 = "P<KORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<"
MRZ2 = "M123A45670KOR9001011M3001012<<<<<<<<<<<<<<02"


def _visible_digits(value: str) -> int:
    return sum(c.isdigit() for c in value)


# --- documented shapes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("1234567890123456", "123456******3456"),
        ("1234 5678 9012 3456", "1234 56** **** 3456"),
        ("1234-5678-9012-3456", "1234-56**-****-3456"),
        ("3782 822463 10005", "3782 82**** *0005"),  # Amex 4-6-5
        ("4222222222222", "422222***2222"),  # 13 digits
        ("6011000990139424123", "601100*********4123"),  # 19 digits
        ("123456789012", "********9012"),  # too short for BIN + last four
        ("1234", "***4"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_card_number(raw: str, masked: str) -> None:
    assert mask_card_number(raw) == masked


def test_card_groups_follow_their_position_in_the_whole_number() -> None:
    assert mask_card_groups(["1234", "5678", "9012", "3456"]) == ("1234", "56**", "****", "3456")
    assert mask_card_groups(["3782", "822463", "10005"]) == ("3782", "82****", "*0005")
    assert mask_card_groups([]) == ()
    groups = ["1234", "5678", "9012", "3456"]
    assert [mask_value("cardNums", g, groups=groups, index=i) for i, g in enumerate(groups)] == list(
        mask_card_groups(groups)
    )
    # a lone group whose position is unknown shows nothing
    assert mask_value("cardNums", "5678") == "****"


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("900101-1234567", "900101-1******"),
        ("9001011234567", "9001011******"),
        ("900101 - 1234567", "900101 - 1******"),
        ("900101-1", "900101-1"),  # driver authenticity form YYMMDD-G
        ("9001011", "9001011"),
        ("900101-12345", "900101-*****"),  # a misread: birth date only
        ("12", "**"),
    ],
)
def test_resident_number(raw: str, masked: str) -> None:
    assert mask_resident_number(raw) == masked


def test_passport_personal_number_short_form_is_masked() -> None:
    # a passport's personal number may be the back seven digits of the RRN: never shown whole
    assert mask_value("personalNo", "1234567") == "1******"
    assert mask_value("personalNo", "900101-1234567") == "900101-1******"
    assert mask_value("residentNumber", "9001011") == "9001011"


@pytest.mark.parametrize(
    ("fn", "raw", "masked"),
    [
        (mask_licence_number, "11-19-123456-12", "11-19-******-**"),
        (mask_licence_number, "111912345612", "1119********"),
        (mask_licence_number, "서울 19-123456-12", "서울 19-******-**"),
        (mask_passport_number, "M12345678", "M********"),
        (mask_passport_number, "M123A4567", "M********"),
        (mask_serial, "A1B2C3", "******"),
        (mask_name, "홍길동", "홍**"),
        (mask_name, "GIL DONG", "G** ****"),
        (mask_name, "김", "*"),
        (mask_date_of_birth, "19900101", "1990****"),
        (mask_date_of_birth, "01 JAN 1990", "** *** 1990"),
        (mask_date_of_birth, "1990.01.01", "1990.**.**"),
        (mask_date_of_birth, "900101", "******"),
    ],
)
def test_other_kinds(fn, raw: str, masked: str) -> None:
    assert fn(raw) == masked


def test_mrz_lines() -> None:
    line1 = mask_mrz(MRZ1, line=1)
    assert line1.startswith("P<KOR") and "HONG" not in line1 and "GILDONG" not in line1
    assert len(line1) == len(MRZ1) and line1.count("<") == MRZ1.count("<")
    line2 = mask_mrz(MRZ2, line=2)
    assert set(line2) <= {"*", "<"} and len(line2) == 44
    assert mask_value("MRZ1", MRZ1) == line1 and mask_value("MRZ2", MRZ2) == line2


def test_mask_value_dispatches_by_catalogue_kind() -> None:
    assert mask_value("totalCardNum", "4111111111111111") == "411111******1111"
    assert mask_value("residentNumber", "900101-1234567") == "900101-1******"
    assert mask_value("driverLicenseNumber", "11-19-123456-12") == "11-19-******-**"
    # the older form with the region's name: free-text scrubbing would not see a licence number in it
    assert mask_value("driverLicenseNumber", "서울 19-123456-12") == "서울 19-******-**"
    assert mask_value("passportNo", "M12345678") == "M********"
    assert mask_value("passportNumber", "M12345678") == "M********"
    assert mask_value("serialNum", "AB12C") == "*****"
    assert mask_value("koreanName", "홍길동") == "홍**"
    assert mask_value("birthDate", "19900101") == "1990****"
    assert mask_value("issuer", "서울특별시 종로구청장") == "서울특별시 종로구청장"
    assert mask_value("validThru", "04/29") == "04/29"
    assert mask_value("issueDate", "2019.01.01") == "2019.01.01"
    # not personal, or unknown, but carrying a number by mistake: scrubbed anyway
    assert mask_value("condition", "900101-1234567") == "900101-1******"
    assert mask_value("newKey", "4111 1111 1111 1111") == "4111 11** **** 1111"
    assert mask_value("name", None) is None
    assert mask_value("totalCardNum", 12) == 12


# --- whole API documents -----------------------------------------------------------------------

CARD_DOC: dict[str, Any] = {
    "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
    "result": {
        "fileType": "png",
        "resolution": "normal",
        "cardNums": [
            {"value": "4111", "conf": 0.87},
            {"value": "1111", "conf": 0.99},
            {"value": "1111", "conf": 0.97},
            {"value": "1111", "conf": 0.89},
        ],
        "totalCardNum": "4111111111111111",
        "cardNumBoxes": [
            {"x1": 62, "y1": 256, "x2": 192, "y2": 256, "x3": 192, "y3": 301, "x4": 62, "y4": 301}
        ],
        "validThru": {"value": "04/29", "conf": 0.53},
        "validThruBox": {
            "x1": 316,
            "y1": 315,
            "x2": 426,
            "y2": 315,
            "x3": 426,
            "y3": 347,
            "x4": 316,
            "y4": 347,
        },
    },
}

BBOX = {"x1": 191, "y1": 75, "x2": 240, "y2": 75, "x3": 240, "y3": 95, "x4": 191, "y4": 95}
DRIVER_DOC = {
    "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"},
    "result": {
        "fileType": "jpg",
        "resolution": "low",
        "idType": "driver",
        "keyValues": [
            {"key": "driverLicenseNumber", "value": "11-19-123456-12", "conf": 0.9, "bbox": BBOX},
            {"key": "licenseType", "value": "1종보통", "conf": 0.8, "bbox": BBOX},
            {"key": "name", "value": "홍길동", "conf": 0.67, "bbox": BBOX},
            {"key": "residentNumber", "value": "900101-1234567", "conf": 0.91, "bbox": BBOX},
            {"key": "serialNum", "value": "AB12CD", "conf": 0.7, "bbox": BBOX},
            {"key": "issueDate", "value": "2019.01.01", "conf": 0.86, "bbox": BBOX},
            {"key": "issuer", "value": "서울특별시경찰청장", "conf": 0.8, "bbox": BBOX},
        ],
        "boxes": [BBOX],
    },
    "requestKey": "c0ffee-request-key",
}


def test_credit_card_document() -> None:
    original = copy.deepcopy(CARD_DOC)
    masked = mask_api_json(CARD_DOC)
    assert original == CARD_DOC, "mask_api_json must not mutate its input"
    result = masked["result"]
    assert [g["value"] for g in result["cardNums"]] == ["4111", "11**", "****", "1111"]
    assert "".join(g["value"] for g in result["cardNums"]) == result["totalCardNum"] == "411111******1111"
    assert [g["conf"] for g in result["cardNums"]] == [0.87, 0.99, 0.97, 0.89]
    assert result["cardNumBoxes"] == CARD_DOC["result"]["cardNumBoxes"]
    assert result["validThru"] == {"value": "04/29", "conf": 0.53}
    assert masked["header"] == CARD_DOC["header"]
    assert result["cardNumBoxes"] is not CARD_DOC["result"]["cardNumBoxes"]


def test_id_document() -> None:
    masked = mask_api_json(DRIVER_DOC)
    values = {kv["key"]: kv["value"] for kv in masked["result"]["keyValues"]}
    assert values == {
        "driverLicenseNumber": "11-19-******-**",
        "licenseType": "1종보통",
        "name": "홍**",
        "residentNumber": "900101-1******",
        "serialNum": "******",
        "issueDate": "2019.01.01",
        "issuer": "서울특별시경찰청장",
    }
    assert all(kv["bbox"] == BBOX and "conf" in kv for kv in masked["result"]["keyValues"])
    assert masked["result"]["idType"] == "driver" and masked["requestKey"] == "c0ffee-request-key"
    assert masked["result"]["boxes"] == [BBOX]


def test_request_key_is_kept_verbatim() -> None:
    request_key = "12345678-1234-1234-1234-123456789012"
    assert mask_text(request_key) != request_key  # as free text it would look like a long number
    assert mask_api_json({**DRIVER_DOC, "requestKey": request_key})["requestKey"] == request_key


def test_authenticity_request_body_is_masked_by_field_keys() -> None:
    body = {
        "idType": "resident",
        "name": "홍길동",
        "residentNumber": "9001011234567",
        "issueDate": "20190101",
    }
    assert mask_api_json(body) == {
        "idType": "resident",
        "name": "홍**",
        "residentNumber": "9001011******",
        "issueDate": "20190101",
    }


def test_unexpected_places_are_scrubbed() -> None:
    doc = {
        "header": {"resultMessage": "bad card 4111111111111111"},
        "result": {"extra": ["900101-1234567", {"note": "4111 1111 1111 1111"}]},
    }
    text = json.dumps(mask_api_json(doc))
    assert "4111111111111111" not in text and "1234567" not in text and "4111 1111 1111 1111" not in text


# --- free text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("card=4111111111111111 ok", "card=411111******1111 ok"),
        ("카드번호4111 1111 1111 1111입니다", "카드번호4111 11** **** 1111입니다"),
        ("rrn 900101-1234567.", "rrn 900101-1******."),
        ("rrn 9001011234567", "rrn 9001011******"),
        ("licence 11-19-123456-12", "licence 11-19-******-**"),
        ("at 2026-11-24 23:05:05 took 1234 ms", "at 2026-11-24 23:05:05 took 1234 ms"),
        ("phone 010-1234-5678", "phone 010-1234-5678"),
        ("resultCode 4000301", "resultCode 4000301"),
    ],
)
def test_mask_text(raw: str, masked: str) -> None:
    assert mask_text(raw) == masked


# --- properties --------------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=1, max_size=24)
separated_card = st.lists(st.text(alphabet="0123456789", min_size=1, max_size=6), min_size=1, max_size=6).map(
    lambda parts: " ".join(parts)
)
any_text = st.text(alphabet=st.sampled_from("0123456789 -*<.AZaz홍가/:\n"), max_size=60)


@FAST
@given(st.one_of(digits, separated_card, any_text))
def test_card_mask_never_shows_more_than_ten_digits_and_keeps_shape(value: str) -> None:
    masked = mask_card_number(value)
    assert _visible_digits(masked) <= 10
    assert len(masked) == len(value)

    def separators(s: str) -> list[str]:
        return [c for c in s if not (c.isalnum() or c == "*")]

    assert separators(masked) == separators(value)
    n_digits = sum(c.isdigit() for c in value)
    if n_digits < 13 and set(value) <= set("0123456789 "):
        assert _visible_digits(masked) <= n_digits // 3


@FAST
@given(st.lists(st.text(alphabet="0123456789", min_size=1, max_size=6), max_size=6))
def test_groups_concatenate_to_the_masked_whole(groups: list[str]) -> None:
    masked = mask_card_groups(groups)
    assert "".join(masked) == mask_card_number("".join(groups))
    assert [len(g) for g in masked] == [len(g) for g in groups]


@FAST
@given(st.sampled_from(sorted(FIELDS)), any_text)
def test_masking_is_idempotent(key: str, value: str) -> None:
    once = mask_value(key, value)
    assert mask_value(key, once) == once
    assert mask_text(mask_text(value)) == mask_text(value)


_CARD_RUN = re.compile(r"(?<!\d)\d{13,19}(?!\d)")


def _no_full_numbers(text: str, secrets: list[str]) -> None:
    compact = re.sub(r"[ -]", "", text)
    for secret in secrets:
        assert secret not in compact


def _rrn() -> st.SearchStrategy[str]:
    return st.builds(
        lambda y, m, d, g, rest, dash: f"{y:02d}{m:02d}{d:02d}{'-' if dash else ''}{g}{rest}",
        st.integers(0, 99),
        st.integers(1, 12),
        st.integers(1, 28),
        st.sampled_from("12345678"),
        st.text(alphabet="0123456789", min_size=6, max_size=6),
        st.booleans(),
    )


@FAST
@given(
    card=st.text(alphabet="0123456789", min_size=13, max_size=19),
    group_sizes=st.lists(st.integers(1, 6), min_size=1, max_size=5),
    rrn=_rrn(),
    kv_key=st.sampled_from(sorted(FIELDS) + ["unknownKey"]),
)
def test_mask_api_json_never_leaks_a_full_number(
    card: str, group_sizes: list[int], rrn: str, kv_key: str
) -> None:
    groups, start = [], 0
    for size in group_sizes:
        if start < len(card):
            groups.append(card[start : start + size])
            start += size
    if start < len(card):
        groups.append(card[start:])
    doc = {
        "header": {"isSuccessful": True, "resultCode": 0, "resultMessage": f"echo {card} {rrn}"},
        "result": {
            "cardNums": [{"value": g, "conf": 0.5} for g in groups],
            "totalCardNum": card,
            "keyValues": [
                {"key": kv_key, "value": card, "conf": 0.5},
                {"key": kv_key, "value": rrn, "conf": 0.5},
                {"key": "residentNumber", "value": rrn, "conf": 0.5},
            ],
            "extra": {"nested": [card, rrn]},
        },
    }
    before = copy.deepcopy(doc)
    masked = mask_api_json(doc)
    assert doc == before
    assert mask_api_json(masked) == masked
    text = json.dumps(masked, ensure_ascii=False)
    _no_full_numbers(text, [card, rrn.replace("-", "")])
    assert "".join(g["value"] for g in masked["result"]["cardNums"]) == masked["result"]["totalCardNum"]
    for run in _CARD_RUN.findall(re.sub(r"[ -]", "", text)):
        pytest.fail(f"a 13–19 digit run survived: {len(run)} digits")


# --- boundaries mutation testing found unpinned (mutmut over ocr_core/masking.py) -------------------


def test_resident_number_misreads_at_the_length_boundaries() -> None:
    assert mask_resident_number("90010112") == "900101**"  # 8 slots: the birth date part only
    assert mask_resident_number("9001011") == "9001011"  # 7: the driver form, as it is
    assert mask_resident_number("9001") == "9***"  # 4: one slot
    assert mask_resident_number("900") == "***"  # 3: nothing


def test_licence_number_visible_slots_at_the_boundaries() -> None:
    assert mask_licence_number("11-19-123456") == "11-19-******"  # 10 slots: region and year
    assert mask_licence_number("11-19-12345") == "11-**-*****"  # 9: the region only
    assert mask_licence_number("111912") == "11****"  # 6: the region only
    assert mask_licence_number("11191") == "*****"  # 5: nothing


def test_passport_name_and_mrz_boundaries() -> None:
    assert mask_passport_number("M1234") == "M****" and mask_passport_number("M123") == "****"
    assert mask_name("홍길") == "홍*" and mask_name("A") == "*"
    assert mask_mrz("P<KORHONG<<GILDONG", line=1) == "P<KOR****<<*******"
    assert mask_date_of_birth("1990JAN01") == "1990*****"


def test_mask_value_routes_by_kind() -> None:
    assert mask_value("driverLicenseNumber", "11-19-123456-12") == "11-19-******-**"
    # the older form with the region's name: free-text scrubbing would not see a licence number in it
    assert mask_value("driverLicenseNumber", "서울 19-123456-12") == "서울 19-******-**"
    assert mask_value("cardNums", "4111", groups=["4111", "1111"]) == "****"  # no index: position unknown


def test_mask_api_json_scrubs_inside_odd_shapes() -> None:
    doc = {
        "result": {
            "name": ["900101-1234567"],
            "cardNums": [{"value": "4111"}, {"value": None}, "loose", {"value": "1111"}],
        }
    }
    masked = mask_api_json(doc)
    assert masked["result"]["name"] == ["900101-1******"]
    assert masked["result"]["cardNums"][1:3] == [{"value": None}, "loose"]
    # a 13-digit run that is no birth date is masked as a card number, not as a resident number
    assert mask_text("9913451234567") == "991345***4567"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("1800A", "1800*"),
        ("12AB1990", "****1990"),
        ("****1990", "****1990"),
        ("19900101", "1990****"),
        ("01 JAN 1990", "** *** 1990"),
    ],
)
def test_a_birth_date_masks_to_what_masks_to_itself(value, masked):
    """Found by the property above (CI, 'birthDate', '1800A'): a kept year beside a star was masked again."""
    assert mask_value("birthDate", value) == masked
    assert mask_value("birthDate", masked) == masked
