"""AppTest of the home page at "/" (issue 18, item 1): what the product does, the backend in plain
words, a tile per service and for the QA Lab, in the reader's language."""

from __future__ import annotations

import pytest

from tests.support.apptest import assert_clean, open_page, page_text, texts


@pytest.mark.parametrize(
    ("lang", "said", "tiles"),
    [
        (
            "en",
            "Local sandbox — no charges",
            ["Credit card", "ID card", "Stand-alone ID", "Authenticity", "QA Lab"],
        ),
        ("ko", "로컬 샌드박스 — 요금 없음", ["신용카드", "신분증", "신분증 (단독)", "진위 확인", "QA 랩"]),
    ],
)
def test_the_default_page_is_home(lang, said, tiles):
    at = open_page(lang=lang)  # no page: the app's default, served at "/"
    assert_clean(at)
    assert [title.value for title in at.title] == ["Document OCR Studio"]
    assert any(said in i for i in texts(at.info))
    links = at.get("page_link")
    assert [link.proto.label for link in links] == tiles
    assert len(at.get("image")) == 5
    if lang == "ko":
        assert "Local sandbox" not in page_text(at) and "synthetic" not in page_text(at)
