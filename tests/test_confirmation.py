"""Issue 18, item 5: which fields a validator confirms (``ocr_core.confirmation``), and the one
verdict built on it (``ui.results``): a confirmed field is never "under the threshold"."""

from __future__ import annotations

from ocr_core.confirmation import confirmations
from ocr_core.validators import Check
from ui.results import attention, kv_table
from ui.rows import FieldRow


def _row(key: str, raw: str, conf: float | None, *checks: Check, index: int | None = None) -> FieldRow:
    return FieldRow(key, index, key, raw, raw, conf, None, False, tuple(checks))


VIZ = Check("viz_mrz", True, "viz_match")


def test_checksums_and_cross_checks_confirm_but_shapes_do_not():
    rows = [
        _row("MRZ2", "M123456788KOR…", 0.5, Check("mrz_check_digits", True, "check_digits_ok")),
        _row("givenName", "GILDONG", 0.77, VIZ),
        _row("residentNumber", "9001151234567", 0.4, Check("rrn", True, "rrn_ok")),
        _row("driverLicenseNumber", "11-19-123456-12", 0.4, Check("licence_format", True, "licence_ok")),
        _row("issueDate", "20190514", 0.4, Check("date", True, "date_ok")),
        _row("personalNo", "1234567", 0.4, Check("rrn", True, "rrn_short_ok")),
        _row("sex", "M", 0.4, Check("viz_mrz", False, "viz_mismatch")),
    ]
    assert confirmations(rows) == {0: ("mrz_check_digits",), 1: ("viz_mrz",), 2: ("rrn",)}


def test_a_word_date_is_confirmed_by_its_confirmed_twin_and_line_1_by_the_printed_names():
    rows = [
        _row("dateOfExpiry", "14 MAY 2029", 0.78),
        _row("dateOfExpiryYMD", "20290514", 0.78, VIZ),
        _row("dateOfBirth", "15 JAN 1991", 0.7),  # not the twin's day: not confirmed
        _row("dateOfBirthYMD", "19900115", 0.9, VIZ),
        _row("surName", "HONG", 0.8, VIZ),
        _row("givenName", "GILDONG", 0.7, VIZ),
        _row("MRZ1", "PMKORHONG<<GILDONG<<<", 0.7, Check("mrz_line1", True, "mrz_line1_ok")),
    ]
    assert set(confirmations(rows)) == {0, 1, 3, 4, 5, 6}


def test_card_groups_are_confirmed_by_the_luhn_of_the_number_they_make():
    luhn = Check("card_luhn", True, "luhn_ok")
    groups = [_row("cardNums", g, 0.5, index=i) for i, g in enumerate(("4111", "1111", "1111", "1111"))]
    assert set(confirmations([*groups, _row("totalCardNum", "4111111111111111", None, luhn)])) == {
        0,
        1,
        2,
        3,
        4,
    }
    misread = [*groups[:3], _row("cardNums", "1117", 0.5, index=3)]
    assert set(confirmations([*misread, _row("totalCardNum", "4111111111111111", None, luhn)])) == {4}


def test_the_flag_column_spares_a_confirmed_field_but_never_a_failed_check():
    confirmed = _row("givenName", "GILDONG", 0.5, VIZ)
    assert not attention(confirmed, 0.8, True)
    assert attention(_row("givenName", "GILDONG", 0.5), 0.8, False)
    assert attention(_row("sex", "M", 0.99, Check("viz_mrz", False, "viz_mismatch")), 0.8, False)
    assert kv_table([confirmed], 0.8, "en")[0]["Flag"] == ""


def test_compare_does_not_doubt_a_side_whose_low_field_a_check_confirms():
    from ui.compare import same_values_doubts

    confirmed = [_row("givenName", "GILDONG", 0.5, VIZ)]
    doubtful = [_row("givenName", "GILDONG", 0.5)]
    assert same_values_doubts(confirmed, confirmed, ("A", "B"), 0.8, "en") == []
    assert len(same_values_doubts(confirmed, doubtful, ("A", "B"), 0.8, "en")) == 1
