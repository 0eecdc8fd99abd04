"""Issue 18, item 6: Korean particles are chosen for the word a field brings, never left as "(으)로"."""

from __future__ import annotations

import re

import pytest

import l10n
from l10n.particles import attach


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("{}(으)로 보냅니다", None),
        ("서울(으)로", "서울로"),  # ㄹ takes 로
        ("부산(으)로", "부산으로"),
        ("바다(으)로", "바다로"),
        ("카드 번호은(는)", "카드 번호는"),
        ("주민등록번호을(를)", "주민등록번호를"),
        ("이름을(를)", "이름을"),
        ("발급일이(가)", "발급일이"),
        ("여권이(가)", "여권이"),
        ("호스트와(과)의", "호스트와의"),
        ("서버와(과)의", "서버와의"),
        ("127.0.0.1(으)로", "127.0.0.1로"),  # 일: ㄹ
        ("10.0.0.3(으)로", "10.0.0.3으로"),  # 삼
        ("JPEG 품질 95(으)로", "JPEG 품질 95로"),  # 오
        ("api.example.com(으)로", "api.example.com으로"),  # 컴
        ("localhost(으)로", "localhost로"),
        ("PNG을(를)", "PNG를"),  # 피엔지
        ("XML을(를)", "XML을"),  # 엘
        ("scan.zip을(를)", "scan.zip을"),  # 집
        ("'이름'(name)은(는)", "'이름'(name)은"),  # the particle follows the word before the brackets
        ("'card.png'을(를)", "'card.png'를"),
        ("리비전 0005(으)로", "리비전 0005로"),
    ],
)
def test_the_particle_follows_the_sound_of_the_word_before_it(written, said):
    if said is None:
        assert attach(written) == "{}로 보냅니다"  # nothing before: the plain form
    else:
        assert attach(written) == said


def test_a_catalogue_message_resolves_its_particles_once_formatted():
    keys = [
        k
        for k in l10n.message_keys()
        if any(re.search(r"\((으|는|가|를|과)\)", form) for form in l10n.templates(k, "ko"))
    ]
    assert keys, "the catalogue writes two-way particles; this test must see some"
    for key in keys:
        fields: dict[str, object] = {
            name: "서울" for name in re.findall(r"{(\w+)", "".join(l10n.templates(key, "ko")))
        }
        if "n" in fields:
            fields["n"] = 2
        said = l10n.message(key, "ko", **fields)
        assert not re.search(r"\((으|이|은|는|을|를|와|과|가)\)", said), (key, said)


def test_english_is_left_alone():
    assert l10n.message("q.summary_warn", "en", n=2) == l10n.message("q.summary_warn", "en", n=2)
    assert attach("plain text (with brackets)") == "plain text (with brackets)"
