"""A passport's Hangul name is confirmed when it spells the MRZ's Latin name (issue 18: the passport
specimen's Korean name, under the threshold, was the one field nothing confirmed)."""

from __future__ import annotations

import pytest

from ocr_core.hangul_names import romanize, spells
from ocr_core.validators import checks_for


@pytest.mark.parametrize(
    ("hangul", "latin"),
    [
        ("홍길동", "HONGGILDONG"),
        ("김민서", "GIMMINSEO"),
        ("박지우", "BAKJIU"),
        ("이서준", "ISEOJUN"),
        ("최은희", "CHOEEUNHUI"),
        ("정꽃님", "JEONGKKOTNIM"),
        ("류", "RYU"),
    ],
)
def test_the_revised_romanization_syllable_by_syllable(hangul, latin):
    assert romanize(hangul) == latin


@pytest.mark.parametrize(
    ("hangul", "surname", "given", "spelt"),
    [
        ("홍길동", "HONG", "GILDONG", True),
        ("김민서", "KIM", "MINSEO", True),  # a surname's customary spelling
        ("이서준", "LEE", "SEO-JUN", True),  # hyphen and spaces in the MRZ's given names are not letters
        ("남궁민", "NAMGUNG", "MIN", True),  # a two-syllable surname
        ("홍길농", "HONG", "GILDONG", False),  # one syllable misread: not confirmed
        ("김민서", "KIM", "MINSUH", False),  # a spelling of the holder's own: no evidence either way
        ("Hong", "HONG", "GILDONG", False),
    ],
)
def test_a_hangul_name_spells_the_mrz_name(hangul, surname, given, spelt):
    assert spells(hangul, surname, given) is spelt


MRZ1 = "PMKORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<"
MRZ2 = "M123A45671KOR9001151M3005141<<<<<<<<<<<<<<04"


def test_the_korean_name_is_confirmed_by_the_mrz_and_a_misread_is_not_called_a_mismatch():
    values = {"MRZ1": MRZ1, "MRZ2": MRZ2, "surName": "HONG", "givenName": "GILDONG"}
    right = checks_for("koreanName", "홍길동", "passport", values)
    assert [(c.name, c.ok) for c in right] == [("viz_mrz", True)]
    assert checks_for("koreanName", "홍길농", "passport", values) == ()  # unconfirmed, never a false alarm
