"""Validators: known answers, the post-2020 resident-number rule, ICAO 9303 and properties."""

from __future__ import annotations

import ast
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.kr import rrn as stdnum_rrn

import l10n
from ocr_core import validators
from ocr_core.validators import (
    CHECK_NAMES,
    RRN_RANDOM_SINCE,
    Check,
    check_card_number,
    check_date,
    check_document_expiry,
    check_driver_license,
    check_expiry,
    check_mrz,
    check_mrz_line1,
    check_passport_number,
    check_resident_number,
    check_serial_number,
    check_viz_mrz,
    check_yyyymmdd,
    checks_for,
    icao_check_digit,
    parse_td3,
)
from ui.i18n import label_of

FAST = settings(max_examples=150, deadline=None)
TODAY = date(2026, 11, 24)
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def en(check: Check) -> str:
    """The check's reason as the dashboard and the CLI word it, in English."""
    return l10n.check_detail(check.reason, check.params, "en")


def ko(check: Check) -> str:
    return l10n.check_detail(check.reason, check.params, "ko")


# The specimen of ICAO Doc 9303 part 4 (Anna Maria Eriksson, Utopia).
ICAO_L1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
ICAO_L2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def _rrn(front: str, back6: str) -> str:
    body = front + back6
    return body + stdnum_rrn.calc_check_digit(body)


# --- card ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("4111111111111111", True),
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("378282246310005", True),  # Amex, 15
        ("4222222222222", True),  # 13
        ("6011000990139424", True),
        ("4111111111111112", False),
        ("411111111111", False),  # 12 digits
        ("41111111111111111111", False),  # 20 digits
        ("4111 1111 1111 111O", False),  # a letter O read for a zero
        ("", False),
    ],
)
def test_card_number(value: str, ok: bool) -> None:
    assert check_card_number(value).ok is ok
    assert check_card_number(value).name == "card_luhn"


@given(st.text(alphabet="0123456789", min_size=12, max_size=18), st.data())
@FAST
def test_luhn_valid_numbers_pass_and_any_single_digit_change_fails(prefix: str, data: st.DataObject) -> None:
    number = prefix + luhn.calc_check_digit(prefix)
    assert check_card_number(number).ok is True
    position = data.draw(st.integers(0, len(number) - 1))
    new_digit = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    corrupted = number[:position] + new_digit + number[position + 1 :]
    assert check_card_number(corrupted).ok is False


@pytest.mark.parametrize(
    ("value", "ok", "word"),
    [
        ("04/29", True, "valid through 04/2029"),
        ("11/26", True, "valid"),  # the current month is still valid
        ("10/26", False, "expired"),
        ("04/2030", True, "valid"),
        ("0429", True, "valid"),
        ("13/29", False, "month"),
        ("00/29", False, "month"),
        ("04/99", False, "years ahead"),
        ("4/29", True, "valid"),
        ("April 29", False, "MM/YY"),
    ],
)
def test_expiry(value: str, ok: bool, word: str) -> None:
    check = check_expiry(value, today=TODAY)
    assert check.ok is ok and word in en(check) and ko(check)


# --- resident registration number -----------------------------------------------------------------


def test_resident_number_known_answers() -> None:
    valid = _rrn("900115", "187401")
    assert check_resident_number(valid, today=TODAY).ok is True
    assert check_resident_number(valid[:6] + "-" + valid[6:], today=TODAY).ok is True
    assert check_resident_number("971013-9019902", today=TODAY).ok is True  # stdnum's own example (1897)
    wrong_digit = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    mismatch = check_resident_number(wrong_digit, today=TODAY)
    assert mismatch.ok is None and "2020-10-05" in en(mismatch)
    assert check_resident_number("901315-1234567", today=TODAY).ok is False  # month 13
    assert check_resident_number("900230-1234567", today=TODAY).ok is False  # 30 February
    assert check_resident_number("900115-123456", today=TODAY).ok is False  # 12 digits
    assert check_resident_number("90011A-1234567", today=TODAY).ok is False
    assert check_resident_number("270101-3234567", today=TODAY).ok is False  # born in 2027: future


def test_resident_numbers_assigned_since_october_2020_are_not_failed() -> None:
    # born 2021: the back part is random, so neither a matching nor a mismatching last digit means anything
    for back in ("3999999", "4123456", "3000001"):
        check = check_resident_number("210301-" + back, today=TODAY)
        assert check.ok is None and "no check digit" in en(check)
    # stdnum itself would reject the random region digits (> 96): we do not
    assert not stdnum_rrn.is_valid("2103013999999")


def test_driver_seven_digit_form() -> None:
    assert check_resident_number("9001151", today=TODAY).ok is True
    assert check_resident_number("900115-1", today=TODAY).ok is True
    assert check_resident_number("9013151", today=TODAY).ok is False


@given(
    st.dates(date(1900, 1, 1), date(2020, 10, 4)),
    st.sampled_from("1234"),
    st.text(alphabet="0123456789", min_size=5, max_size=5),
    st.data(),
)
@FAST
def test_pre_2020_numbers_pass_and_a_changed_digit_is_not_failed(
    born: date, sex_digit: str, rest: str, data: st.DataObject
) -> None:
    female = int(sex_digit) % 2 == 0
    century_digit = ("12" if born.year < 2000 else "34")[female]
    number = _rrn(born.strftime("%y%m%d"), century_digit + rest)
    check = check_resident_number(number, today=TODAY)
    assert check.ok is True
    assert number not in en(check) and number[:6] not in en(check)
    position = data.draw(st.integers(7, 12))  # a digit of the back part other than the century digit
    new_digit = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    corrupted = number[:position] + new_digit + number[position + 1 :]
    verdict = check_resident_number(corrupted, today=TODAY).ok
    # never failed (it may be a post-2020 number); passed only when the mod-11 digit collides (0 and 10 → 1)
    collides = stdnum_rrn.calc_check_digit(corrupted[:-1]) == corrupted[-1]
    assert verdict is None or (verdict is True and collides)


# --- licence, passport, serial -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("11-19-123456-12", True),
        ("111912345612", True),
        ("28-05-000001-00", True),
        ("서울 19-123456-12", True),
        ("서울19-123456-12", True),
        ("경기북부 05-123456-00", True),
        ("10-19-123456-12", False),  # region 10
        ("29-19-123456-12", False),
        ("11-19-12345-12", False),  # 11 digits
        ("11-191-23456-12", False),  # hyphens in the wrong places
        ("부평 19-123456-12", False),  # not a region name
        ("", False),
    ],
)
def test_driver_licence(value: str, ok: bool) -> None:
    assert check_driver_license(value).ok is ok


@pytest.mark.parametrize(
    ("value", "country", "ok"),
    [
        ("M12345678", None, True),
        ("M123A4567", "KOR", True),  # 2021 next-generation passport
        ("S12345678", "KOR", True),
        ("X12345678", "KOR", False),
        ("L898902C3", "UTO", True),
        ("L898902C3", None, True),
        ("L898902C", None, False),
        ("m12345678", None, False),
        ("M1234567", "KOR", False),
    ],
)
def test_passport_number(value: str, country: str | None, ok: bool) -> None:
    assert check_passport_number(value, country=country).ok is ok


def test_serial_number() -> None:
    assert check_serial_number("K3B7Q").ok is True
    assert check_serial_number("123456").ok is True
    assert check_serial_number("1234").ok is False
    assert check_serial_number("12-345").ok is False


# --- dates -----------------------------------------------------------------------------------------


def test_dates() -> None:
    assert check_yyyymmdd("20240229").ok is True
    assert check_yyyymmdd("20230229").ok is False
    assert check_yyyymmdd("2024022").ok is False
    assert check_yyyymmdd("2024-02-29").ok is False  # strict form
    assert check_yyyymmdd("18991231").ok is False
    assert check_yyyymmdd("20270101", not_after=TODAY).ok is False
    assert check_yyyymmdd("20000101", not_before=date(2001, 1, 1)).ok is False
    assert check_date("2019.06.20").ok is True
    assert check_date("2019. 6. 20.").ok is True
    assert check_date("2019-6-31").ok is False
    assert check_document_expiry("20290514", today=TODAY).ok is True
    assert check_document_expiry("20261123", today=TODAY).ok is False
    assert check_document_expiry("unknown", today=TODAY).ok is None


# --- MRZ -----------------------------------------------------------------------------------------


def test_icao_specimen() -> None:
    assert icao_check_digit("L898902C3") == "6"
    assert icao_check_digit("740812") == "2"
    assert icao_check_digit("120415") == "9"
    assert icao_check_digit("ZE184226B<<<<<") == "1"
    assert check_mrz(ICAO_L2, line1=ICAO_L1).ok is True
    assert check_mrz_line1(ICAO_L1).ok is True
    mrz = parse_td3(ICAO_L1, ICAO_L2)
    assert mrz is not None
    assert (mrz.surname, mrz.given_names, mrz.passport_number, mrz.birth_date, mrz.sex) == (
        "ERIKSSON",
        "ANNA MARIA",
        "L898902C3",
        "740812",
        "F",
    )
    assert (mrz.issuing_state, mrz.nationality, mrz.expiry_date, mrz.personal_number) == (
        "UTO",
        "UTO",
        "120415",
        "ZE184226B",
    )


@pytest.mark.parametrize(
    ("line2", "word"),
    [
        (ICAO_L2[:9] + "7" + ICAO_L2[10:], "passport number"),
        (ICAO_L2[:19] + "3" + ICAO_L2[20:], "date of birth"),
        (ICAO_L2[:27] + "0" + ICAO_L2[28:], "date of expiry"),
        (ICAO_L2[:42] + "2" + ICAO_L2[43:], "personal number"),
        (ICAO_L2[:43] + "1", "composite"),
        (ICAO_L2[:43], "43 characters"),
        (ICAO_L2.lower(), "characters outside"),
    ],
)
def test_mrz_failures_name_the_field(line2: str, word: str) -> None:
    check = check_mrz(line2)
    assert check.ok is False and word in en(check) and ko(check)


def test_mrz_empty_personal_number_and_bad_line1() -> None:
    body = "M12345678" + "<" + "KOR" + "900115" + "<" + "M" + "290514" + "<" + "<" * 14
    line2 = (
        body[:9]
        + icao_check_digit(body[:9])
        + body[10:19]
        + icao_check_digit(body[13:19])
        + body[20:27]
        + icao_check_digit(body[21:27])
        + body[28:42]
        + "<"
    )
    line2 += icao_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    assert len(line2) == 44 and check_mrz(line2).ok is True
    bad_line1 = check_mrz(line2, line1="X<KOR" + "<" * 39)
    assert bad_line1.ok is False
    assert (en(bad_line1), ko(bad_line1)) == (
        "line 1: a passport MRZ starts with P",
        "1행: 여권 MRZ는 P로 시작합니다",
    )
    assert check_mrz_line1("P<KOR").ok is False


@given(
    number=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=9, max_size=9),
    born=st.dates(date(1930, 1, 1), date(2029, 12, 31)),
    expires=st.dates(date(2000, 1, 1), date(2039, 12, 31)),
    personal=st.text(alphabet="0123456789<", min_size=14, max_size=14),
    position=st.integers(13, 18),
    data=st.data(),
)
@FAST
def test_mrz_generated_lines_pass_and_a_changed_date_digit_fails(
    number: str, born: date, expires: date, personal: str, position: int, data: st.DataObject
) -> None:
    def cd(s: str) -> str:
        return icao_check_digit(s)

    b, e = born.strftime("%y%m%d"), expires.strftime("%y%m%d")
    line = number + cd(number) + "KOR" + b + cd(b) + "F" + e + cd(e) + personal + cd(personal)
    line += cd(line[0:10] + line[13:20] + line[21:43])
    assert check_mrz(line).ok is True
    new_digit = data.draw(st.sampled_from([d for d in "0123456789" if d != line[position]]))
    assert check_mrz(line[:position] + new_digit + line[position + 1 :]).ok is False


# --- VIZ vs MRZ -------------------------------------------------------------------------------------


def _passport_values() -> dict[str, str]:
    return json.loads((SAMPLES / "ids" / "passport_hong_gildong.json").read_text(encoding="utf-8"))["fields"]


@pytest.mark.skipif(not (SAMPLES / "ids" / "passport_hong_gildong.json").exists(), reason="no specimen")
def test_viz_mrz_consistency_on_the_specimen() -> None:
    values = _passport_values()
    assert check_viz_mrz(values).ok is True
    assert check_viz_mrz({**values, "passportNo": "M12345679"}).ok is False
    assert "date of birth" in en(check_viz_mrz({**values, "dateOfBirthYMD": "19900116"}))
    assert check_viz_mrz({**values, "dateOfBirthYMD": "19900116"}, only="passportNo").ok is True
    assert check_viz_mrz({**values, "givenName": "GILSOON"}, only="givenName").ok is False
    assert check_viz_mrz({**values, "sex": "F"}, only="sex").ok is False
    assert check_viz_mrz({k: v for k, v in values.items() if k != "MRZ2"}).ok is None
    # a broken line 1 still lets line-2 fields compare
    assert check_viz_mrz({**values, "MRZ1": "garbled"}, only="passportNo").ok is True
    assert check_viz_mrz({**values, "MRZ1": "garbled"}, only="surName").ok is None


def test_viz_mrz_truncated_names_and_icao_specimen() -> None:
    values = {
        "MRZ1": ICAO_L1,
        "MRZ2": ICAO_L2,
        "surName": "Eriksson",
        "givenName": "Anna Maria",
        "passportNo": "L898902C3",
        "dateOfBirthYMD": "19740812",
        "sex": "F",
        "nationality": "UTO",
        "countryCode": "UTO",
        "personalNo": "ZE184226B",
        "dateOfExpiryYMD": "20120415",
    }
    check = check_viz_mrz(values)
    assert check.ok is True and "9 printed fields" in en(check)
    truncated_l1 = "P<UTOVERYLONGSURNAMEFORTESTIN<<BARTHOLOMEWAL"
    assert len(truncated_l1) == 44
    long = {"MRZ1": truncated_l1, "MRZ2": ICAO_L2, "givenName": "BARTHOLOMEW ALEXANDER"}
    assert check_viz_mrz(long, only="givenName").ok is True
    # without truncation a longer printed name is a mismatch
    assert check_viz_mrz({**values, "givenName": "ANNA MARIAN"}, only="givenName").ok is False


# --- checks_for ---------------------------------------------------------------------------------


def _names(checks: tuple[Check, ...]) -> list[str]:
    return [c.name for c in checks]


def test_checks_for_routes_each_field() -> None:
    assert _names(checks_for("totalCardNum", "4111111111111111", "credit-card")) == ["card_luhn"]
    assert _names(checks_for("validThru", "04/29", "credit-card", today=TODAY)) == ["card_expiry"]
    assert checks_for("cardNums", "4111", "credit-card") == ()
    assert _names(checks_for("residentNumber", "900115-1874011", "resident")) == ["rrn"]
    assert _names(checks_for("residentNumber", "9001151", "authenticity")) == ["rrn"]
    assert _names(checks_for("driverLicenseNumber", "11-19-123456-12", "driver")) == ["licence_format"]
    assert _names(checks_for("serialNum", "K3B7Q", "driver")) == ["serial_format"]
    assert _names(checks_for("issueDate", "2019.06.20", "resident", today=TODAY)) == ["date"]
    assert _names(checks_for("expirationDate", "20290514", "authenticity", today=TODAY)) == [
        "date",
        "document_expiry",
    ]
    assert _names(checks_for("passportNumber", "M12345678", "authenticity")) == ["passport_format"]
    assert checks_for("name", "홍길동", "resident") == ()
    assert checks_for("issuer", "서울특별시", "resident") == ()
    assert checks_for("residentNumber", "", "resident") == ()
    assert checks_for("residentNumber", None, "resident") == ()


@pytest.mark.skipif(not (SAMPLES / "ids" / "passport_hong_gildong.json").exists(), reason="no specimen")
def test_checks_for_passport_fields_compare_with_the_mrz() -> None:
    values = _passport_values()
    assert _names(checks_for("MRZ2", values["MRZ2"], "passport", values)) == ["mrz_check_digits", "viz_mrz"]
    assert _names(checks_for("MRZ1", values["MRZ1"], "passport", values)) == ["mrz_line1"]
    assert _names(checks_for("passportNo", values["passportNo"], "passport", values)) == [
        "passport_format",
        "viz_mrz",
    ]
    expiry = checks_for("dateOfExpiryYMD", values["dateOfExpiryYMD"], "passport", values, today=TODAY)
    assert _names(expiry) == ["date", "document_expiry", "viz_mrz"]
    # "REPUBLIC OF KOREA" cannot be compared with "KOR": no badge rather than a meaningless one
    assert checks_for("nationality", values["nationality"], "passport", values) == ()
    bad = checks_for("passportNo", "M12345679", "passport", values)
    assert [c.ok for c in bad] == [True, False]
    assert all(c.ok for c in checks_for("surName", "HONG", "passport", values))


def test_details_never_repeat_the_value_and_labels_exist() -> None:
    samples = {
        "totalCardNum": "4111111111111111",
        "residentNumber": "900115-1874011",
        "driverLicenseNumber": "11-19-123456-12",
        "passportNo": "M12345678",
        "serialNum": "K3B7Q",
    }
    for key, value in samples.items():
        for check in checks_for(key, value):
            assert value not in en(check) and value not in ko(check)
            assert check.name in CHECK_NAMES
            assert label_of("check", check.name, "ko") != label_of("check", check.name, "en")
    assert label_of("check", "unknown", "en") == "unknown"
    assert (
        en(Check("x", True, "luhn_ok", {"n": 16})),
        en(Check("x", True, "luhn_ok", {"n": 1})),
        ko(Check("x", True, "luhn_ok", {"n": 16})),
    ) == (
        "Luhn check digit matches (16 digits)",
        "Luhn check digit matches (1 digit)",
        "Luhn 검증 숫자 일치 (16자리)",
    )


def _emitted_reasons() -> set[str]:
    """Every reason validators.py can give: the second argument of each _ok/_fail/_unknown call (under
    mutmut, not in its mutated copies of a function, ``x_name__mutmut_<n>``)."""
    tree = ast.parse(Path(validators.__file__).read_text(encoding="utf-8"))
    functions = [
        f
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef) and not re.search(r"__mutmut_\d+$", f.name)
    ]
    return {
        str(call.args[1].value)
        for f in functions
        for call in ast.walk(f)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in ("_ok", "_fail", "_unknown")
        and isinstance(call.args[1], ast.Constant)
    }


def test_every_reason_is_a_code_worded_in_both_languages() -> None:
    reasons = _emitted_reasons()
    assert len(reasons) >= 40 and all(re.fullmatch(r"[a-z0-9_]+", r) for r in reasons)
    keys = l10n.message_keys()
    assert {f"vr.{r}" for r in reasons} <= keys
    parts = {"passport_number", "date_of_birth", "date_of_expiry", "composite", "personal_number"} | {
        part for part, _ in validators._VIZ_RULES.values()
    }
    assert {f"vr.part.{p}" for p in parts} <= keys
    # no catalogue entry left over from a reason that is gone
    assert {k for k in keys if k.startswith("vr.") and not k.startswith("vr.part.")} == {
        f"vr.{r}" for r in reasons
    }


def test_reasons_word_their_facts() -> None:
    assert en(check_card_number("4111 1111 1111")) == "12 digits; card numbers have 13 to 19"
    assert ko(check_card_number("4111 1111 1111")) == "12자리입니다. 카드 번호는 13~19자리입니다"
    assert en(check_expiry("03/26", today=TODAY)) == "expired at the end of 03/2026"
    assert ko(check_expiry("4/29", today=TODAY)) == "2029년 04월까지 유효"
    assert en(check_mrz(ICAO_L2[:43])) == "43 characters; a passport MRZ line has 44"
    assert en(check_driver_license("10-19-123456-12")) == "the region code is not between 11 and 28"
    assert (
        ko(check_viz_mrz({"MRZ1": ICAO_L1, "MRZ2": ICAO_L2, "sex": "M", "surName": "ERIKSON"}))
        == "MRZ와 다름: 성별, 성"
    )
    mismatch = check_mrz(ICAO_L2[:9] + "1" + ICAO_L2[10:])
    assert en(mismatch) == "check digit mismatch: passport number, composite"
    assert ko(mismatch) == "검증 숫자 불일치: 여권번호, 종합"


# --- every decision with its reason, and the boundaries (mutation testing found them unpinned) -----


def _with_digits(line2: str) -> str:
    """``line2`` with its composite check digit made right again."""
    return line2[:43] + icao_check_digit(line2[0:10] + line2[13:20] + line2[21:43])


VALID_RRN = _rrn("900115", "187401")
DECISIONS = [
    (lambda: check_card_number("4111-1111-1111-111X"), "card_luhn", False, "not_digits"),
    (lambda: check_card_number("4111 1111 1111 1112"), "card_luhn", False, "luhn_mismatch"),
    (lambda: check_card_number("4111 1111 1111 1111"), "card_luhn", True, "luhn_ok"),
    (lambda: check_expiry("April 29", today=TODAY), "card_expiry", False, "expiry_form"),
    (lambda: check_expiry("13/29", today=TODAY), "card_expiry", False, "month_range"),
    (lambda: check_expiry("01/29", today=TODAY), "card_expiry", True, "card_valid"),
    (lambda: check_expiry("12/29", today=TODAY), "card_expiry", True, "card_valid"),
    (lambda: check_expiry("12/46", today=TODAY), "card_expiry", True, "card_valid"),  # 20 years ahead: fine
    (lambda: check_expiry("01/47", today=TODAY), "card_expiry", False, "too_far_ahead"),
    (lambda: check_expiry("11/26", today=TODAY), "card_expiry", True, "card_valid"),  # this month
    (lambda: check_expiry("10/26", today=TODAY), "card_expiry", False, "card_expired"),
    (lambda: check_resident_number("900115-123456", today=TODAY), "rrn", False, "rrn_length"),
    (lambda: check_resident_number("901315-1234567", today=TODAY), "rrn", False, "rrn_birth_date"),
    (lambda: check_resident_number("270101-3234567", today=TODAY), "rrn", False, "birth_in_future"),
    (lambda: check_resident_number("9001151", today=TODAY), "rrn", True, "rrn_short_ok"),
    (lambda: check_resident_number("210301-3999999", today=TODAY), "rrn", None, "rrn_random_era"),
    (lambda: check_resident_number(VALID_RRN, today=TODAY), "rrn", True, "rrn_ok"),
    (
        lambda: check_resident_number(VALID_RRN[:-1] + str((int(VALID_RRN[-1]) + 1) % 10), today=TODAY),
        "rrn",
        None,
        "rrn_check_digit_unknown",
    ),
    (lambda: check_driver_license("AB-19-123456-12"), "licence_format", False, "licence_no_region"),
    (lambda: check_driver_license("1"), "licence_format", False, "licence_no_region"),
    (lambda: check_driver_license("11"), "licence_format", False, "licence_form"),
    (lambda: check_driver_license("11-19-12345-12"), "licence_format", False, "licence_form"),
    (lambda: check_driver_license("10-19-123456-12"), "licence_format", False, "licence_region_range"),
    (lambda: check_driver_license("29-19-123456-12"), "licence_format", False, "licence_region_range"),
    (lambda: check_driver_license("28-19-123456-12"), "licence_format", True, "licence_ok"),
    (lambda: check_driver_license("경기북부 19-123456-12"), "licence_format", True, "licence_ok"),
    (lambda: check_passport_number("M12345678", country=" kor "), "passport_format", True, "passport_korean"),
    (
        lambda: check_passport_number("L898902C3", country="KOR"),
        "passport_format",
        False,
        "passport_not_korean",
    ),
    (lambda: check_passport_number("M12345678"), "passport_format", True, "passport_korean"),
    (lambda: check_passport_number("L898902C3"), "passport_format", True, "passport_icao"),
    (lambda: check_passport_number("l898902c3"), "passport_format", False, "passport_form"),
    (lambda: check_serial_number("K3B7Q"), "serial_format", True, "serial_ok"),
    (lambda: check_serial_number("K3B7"), "serial_format", False, "serial_form"),
    (lambda: check_yyyymmdd("2019062a"), "date", False, "date_form"),
    (lambda: check_yyyymmdd("2019061"), "date", False, "date_form"),
    (lambda: check_yyyymmdd("20190231"), "date", False, "date_unreal"),
    (
        lambda: check_yyyymmdd("20191131"),
        "date",
        False,
        "date_unreal",
    ),  # 31 November (the month's two digits)
    (lambda: check_yyyymmdd("18991231"), "date", False, "date_unreal"),
    (lambda: check_yyyymmdd("19000101"), "date", True, "date_ok"),
    (lambda: check_yyyymmdd("20261125", not_after=TODAY), "date", False, "date_future"),
    (lambda: check_yyyymmdd("20261124", not_after=TODAY), "date", True, "date_ok"),
    (lambda: check_yyyymmdd("19991231", not_before=date(2000, 1, 1)), "date", False, "date_too_early"),
    (lambda: check_yyyymmdd("20000101", not_before=date(2000, 1, 1)), "date", True, "date_ok"),
    (lambda: check_date("2019.06.20", not_after=date(2019, 6, 19)), "date", False, "date_future"),
    (lambda: check_date("2019.06.20", not_before=date(2019, 6, 21)), "date", False, "date_too_early"),
    (lambda: check_document_expiry("garbled", today=TODAY), "document_expiry", None, "no_date"),
    (lambda: check_document_expiry("2019061", today=TODAY), "document_expiry", None, "no_date"),
    (lambda: check_document_expiry("20261123", today=TODAY), "document_expiry", False, "document_expired"),
    (lambda: check_document_expiry("20261124", today=TODAY), "document_expiry", True, "not_expired"),
    (lambda: check_document_expiry("20261125", today=TODAY), "document_expiry", True, "not_expired"),
    (
        lambda: check_document_expiry("20000102", today=date(2000, 1, 1)),
        "document_expiry",
        True,
        "not_expired",
    ),
    (lambda: check_mrz_line1(ICAO_L1.lower()), "mrz_line1", False, "mrz_chars"),
    (lambda: check_mrz_line1(""), "mrz_line1", False, "mrz_chars"),
    (lambda: check_mrz_line1("X" + ICAO_L1[1:]), "mrz_line1", False, "mrz_start"),
    (lambda: check_mrz_line1(ICAO_L1[:43]), "mrz_line1", False, "mrz_length"),
    (lambda: check_mrz_line1(ICAO_L1), "mrz_line1", True, "mrz_line1_ok"),
    (lambda: check_mrz(ICAO_L2, line1="X" + ICAO_L1[1:]), "mrz_check_digits", False, "line1"),
    (lambda: check_mrz(ICAO_L2[:43]), "mrz_check_digits", False, "mrz_length"),
    (lambda: check_mrz(ICAO_L2[:9] + "1" + ICAO_L2[10:]), "mrz_check_digits", False, "check_digit_mismatch"),
    (lambda: check_mrz(ICAO_L2.lower()), "mrz_check_digits", False, "mrz_chars"),
    (lambda: check_mrz(ICAO_L2[:22] + " " + ICAO_L2[22:]), "mrz_check_digits", True, "check_digits_ok"),
    (lambda: check_viz_mrz({"MRZ2": "short"}), "viz_mrz", None, "no_mrz"),
    (lambda: check_viz_mrz({"MRZ1": ICAO_L1, "MRZ2": ICAO_L2}), "viz_mrz", None, "nothing_to_compare"),
    (lambda: check_viz_mrz({"MRZ1": ICAO_L1, "MRZ2": ICAO_L2, "sex": "M"}), "viz_mrz", False, "viz_mismatch"),
    (
        lambda: check_viz_mrz({"MRZ1": ICAO_L1, "MRZ2": ICAO_L2, "sex": "F"}, only="sex"),
        "viz_mrz",
        True,
        "viz_match",
    ),
]


@pytest.mark.parametrize(("check", "name", "ok", "reason"), DECISIONS, ids=range(len(DECISIONS)))
def test_each_decision_and_its_reason(check: Any, name: str, ok: bool | None, reason: str) -> None:
    result = check()
    assert (result.name, result.ok, result.reason) == (name, ok, reason)


def test_reason_parameters() -> None:
    assert check_mrz_line1(ICAO_L1[:43]).params == {"n": 43, "length": 44}
    assert check_mrz_line1(ICAO_L1).params == {"length": 44}
    assert check_mrz(ICAO_L2[:43]).params == {"n": 43, "length": 44}
    assert check_mrz(ICAO_L2, line1=ICAO_L1[:43]).params == {"line1": "mrz_length", "n": 43, "length": 44}
    assert check_resident_number("210301-3999999", today=TODAY).params == {"since": "2020-10-05"}
    assert check_driver_license("10-19-123456-12").params == {"low": 11, "high": 28}
    assert check_expiry("10/26", today=TODAY).params == {"month": 10, "year": 2026}
    values = {
        "MRZ1": ICAO_L1,
        "MRZ2": ICAO_L2,
        "surName": "Eriksson",
        "givenName": "Anna Maria",
        "passportNo": "L898902C3",
        "dateOfBirthYMD": "19740812",
        "sex": "F",
        "nationality": "UTO",
        "countryCode": "UTO",
        "personalNo": "ZE184226B",
        "dateOfExpiryYMD": "20120415",
    }
    assert check_viz_mrz(values).params == {"n": 9}


def test_mrz_check_digits_name_every_part_in_order() -> None:
    digits = {9, 19, 27, 42}
    wrong = "".join(str((int(c) + 1) % 10) if i in digits else c for i, c in enumerate(ICAO_L2))
    wrong = wrong[:43] + str((int(icao_check_digit(wrong[0:10] + wrong[13:20] + wrong[21:43])) + 1) % 10)
    assert check_mrz(wrong).params == {
        "parts": ("passport_number", "date_of_birth", "date_of_expiry", "personal_number", "composite")
    }
    # a personal number whose check digit is 0 but should be 1; an empty one whose digit is neither < nor 0
    assert check_mrz(_with_digits(ICAO_L2[:42] + "0")).params == {"parts": ("personal_number",)}
    empty = ICAO_L2[:28] + "<" * 14
    assert check_mrz(_with_digits(empty + "<" + "0")).ok is True
    assert check_mrz(_with_digits(empty + "X" + "0")).params == {"parts": ("personal_number",)}
    with pytest.raises(ValueError):
        icao_check_digit("a")


def test_parse_td3_fields_and_fillers() -> None:
    td3 = parse_td3(ICAO_L1, ICAO_L2)
    assert td3 is not None and (td3.document_code, td3.issuing_state, td3.surname, td3.given_names) == (
        "P",
        "UTO",
        "ERIKSSON",
        "ANNA MARIA",
    )
    assert (td3.passport_number, td3.nationality, td3.personal_number, td3.name_truncated) == (
        "L898902C3",
        "UTO",
        "ZE184226B",
        False,
    )
    line1 = ("P<NLDVAN<DER<BERG<<ANNA" + "<" * 44)[:44]
    line2 = "M1234567<0D<<7408122F1204159ZE18422X<<<<<<10"
    short = parse_td3(line1, line2)
    assert short is not None and (
        short.surname,
        short.passport_number,
        short.nationality,
        short.personal_number,
    ) == ("VAN DER BERG", "M1234567", "D", "ZE18422X")
    # "XXX" is ICAO's code for an unspecified nationality: an X is data, only < is a filler
    odd = parse_td3(
        ("PXD<<MUSTERMANN<<ERIKA" + "<" * 44)[:44], "L89890X<<0XXX7408122F1204159<<<<<<<<<<<<<<<0"
    )
    assert odd is not None and (
        odd.document_code,
        odd.issuing_state,
        odd.passport_number,
        odd.nationality,
    ) == ("PX", "D", "L89890X", "XXX")
    luxembourg = parse_td3(("P<LUXMUSTERMANN<<ERIKA" + "<" * 44)[:44], ICAO_L2)
    assert luxembourg is not None and luxembourg.issuing_state == "LUX"
    assert parse_td3(None, ICAO_L2.lower()) is None
    no_line1 = parse_td3(None, ICAO_L2)
    assert no_line1 is not None and (no_line1.surname, no_line1.issuing_state) == ("", "")
    lower_line1 = parse_td3(ICAO_L1.lower(), ICAO_L2)
    assert lower_line1 is not None and lower_line1.surname == ""


def test_viz_mrz_comparisons_at_their_edges() -> None:
    base = {"MRZ1": ICAO_L1, "MRZ2": ICAO_L2}
    # the first fields absent or not comparable: the later ones are still compared
    assert check_viz_mrz({**base, "surName": "ERIKSSON"}).params == {"n": 1}
    assert check_viz_mrz({**base, "nationality": "REPUBLIC OF UTOPIA", "surName": "ERIKSSON"}).params == {
        "n": 1
    }
    unknown_sex = _with_digits(ICAO_L2[:20] + "<" + ICAO_L2[21:])
    assert check_viz_mrz({"MRZ1": ICAO_L1, "MRZ2": unknown_sex, "sex": "-"}, only="sex").ok is True
    no_personal = _with_digits(ICAO_L2[:28] + "<" * 15)
    assert (
        check_viz_mrz(
            {"MRZ1": ICAO_L1, "MRZ2": no_personal, "personalNo": "1234567"}, only="personalNo"
        ).reason
        == "nothing_to_compare"
    )
    assert check_viz_mrz({"MRZ1": ICAO_L1, "MRZ2": no_personal, "passportNo": "L898902C3"}).ok is True
    personal = {"MRZ1": ICAO_L1}
    for viz, mrz, same in [
        ("ZE184226B", "ZE184226B", True),
        ("ZE18-4226B", "ZE18<4226B", True),
        ("900101-1234567", "1234567", True),
        ("1234567", "9001011234567", True),
        ("123456", "9123456", False),
        ("7654321", "1234567", False),
    ]:
        line2 = _with_digits(
            (ICAO_L2[:28] + mrz + "<" * 14)[:42] + icao_check_digit((mrz + "<" * 14)[:14]) + "0"
        )
        check = check_viz_mrz({**personal, "MRZ2": line2, "personalNo": viz}, only="personalNo")
        assert check.ok is same, (viz, mrz)


def test_checks_for_passes_the_day_the_country_and_line_1() -> None:
    assert _names(checks_for("dateOfExpiryYMD", "garbage", "passport")) == ["date"]
    expiry = checks_for("expirationDate", "20000102", "authenticity", today=date(2000, 1, 1))
    assert [c.reason for c in expiry] == ["date_ok", "not_expired"]
    assert [c.reason for c in checks_for("issueDate", "20261125", "resident", today=TODAY)] == ["date_future"]
    assert [c.reason for c in checks_for("passportNo", "L898902C3", "passport", {"countryCode": "KOR"})] == [
        "passport_not_korean"
    ]
    assert [
        c.reason for c in checks_for("passportNumber", "L898902C3", "authenticity", {"countryCode": "KOR"})
    ] == ["passport_icao"]
    assert (
        next(c.reason for c in checks_for("MRZ2", ICAO_L2, "passport", {"MRZ1": "X" + ICAO_L1[1:]}))
        == "line1"
    )
    assert (
        next(c.reason for c in checks_for("MRZ2", ICAO_L2, "passport", {"MRZ1": "  "})) == "check_digits_ok"
    )
    assert [c.reason for c in checks_for("MRZ2", ICAO_L2, "passport", {})] == [
        "check_digits_ok",
        "nothing_to_compare",
    ]


# -- the resident-number cut-over: random back digits for numbers assigned since 2020-10-05 --------
def _valid_rrn(born: date, century_digit: str) -> str:
    front = born.strftime("%y%m%d") + century_digit + "23456"
    return front + stdnum_rrn.calc_check_digit(front)


def test_cut_over_date_is_2020_10_05() -> None:
    assert date(2020, 10, 5) == RRN_RANDOM_SINCE


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (RRN_RANDOM_SINCE - timedelta(days=1), True),  # the last day with a meaningful check digit
        (RRN_RANDOM_SINCE, None),  # from the cut-over day: a matching digit proves nothing
        (RRN_RANDOM_SINCE + timedelta(days=1), None),
    ],
)
def test_the_check_digit_counts_only_before_the_cut_over(born: date, ok: bool | None) -> None:
    number = _valid_rrn(born, "3")
    assert check_resident_number(number, today=TODAY).ok is ok


def test_a_birth_date_of_today_is_not_in_the_future() -> None:
    born = TODAY
    assert check_resident_number(_valid_rrn(born, "3"), today=TODAY).ok is None
    assert check_resident_number(_valid_rrn(born + timedelta(days=1), "3"), today=TODAY).ok is False


# -- card numbers: 13 to 19 digits; an expiry judged against the given day ---------------------------
def _luhn_complete(body: str) -> str:
    return body + luhn.calc_check_digit(body)


@pytest.mark.parametrize(("length", "ok"), [(12, False), (13, True), (19, True), (20, False)])
def test_card_number_length_bounds(length: int, ok: bool) -> None:
    assert check_card_number(_luhn_complete("4" + "1" * (length - 2))).ok is ok


def test_expiry_is_judged_against_the_day_given() -> None:
    assert check_expiry("04/29", today=date(2030, 1, 1)).ok is False  # expired then, whatever today is
    assert check_expiry("04/29", today=date(2029, 4, 30)).ok is True  # valid through the end of April
    assert check_expiry("04/29", today=date(2029, 5, 1)).ok is False
