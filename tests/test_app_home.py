"""AppTest of the home page at "/" (issue 18, item 1): what the product does, the backend in plain
words, a tile per service and for the QA Lab, in the reader's language."""

from __future__ import annotations

import numpy as np
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


def test_the_tiles_pictures_are_encoded_once_not_on_every_run(monkeypatch):
    """A home page run hands Streamlit JPEG bytes made once per server process: given pixels,
    ``st.image`` JPEG-encodes all five pictures again at every run of every visitor's page."""
    import cv2
    from streamlit.elements.lib import image_utils

    from ui.home import TILE_SIDE, TILES, tile_picture
    from ui.specimens import by_image

    encoded: list[object] = []

    def np_array_to_bytes(*args: object, **kwargs: object) -> bytes:
        encoded.append(args)
        return b""

    monkeypatch.setattr(image_utils, "_np_array_to_bytes", np_array_to_bytes)
    for _ in range(2):
        assert_clean(open_page(lang="en"))
    assert encoded == [], "the home page sent pixels for Streamlit to encode"
    for tile in TILES:
        spec = by_image(tile.specimen)
        assert spec is not None
        jpeg = tile_picture(tile.specimen, spec.path.stat().st_mtime)
        assert jpeg[:3] == b"\xff\xd8\xff"
        picture = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert picture is not None
        assert max(picture.shape[:2]) <= TILE_SIDE
