"""The home page at ``/``: the product's name and what it does, a tile per service and for the QA
Lab (each with a specimen, shown unblurred because it is synthetic), and the backend in plain words.
Engineering facts (endpoint, API and key versions) are not here: they are in the sidebar's folded
connection details and on Settings."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import streamlit as st

from ui.i18n import t
from ui.session import effective_connection
from ui.specimens import SAMPLES_DIR, by_image


@dataclass(frozen=True)
class Tile:
    page: str
    """The page script (``st.page_link`` target)."""
    title: str
    """Catalogue key of the page's title."""
    blurb: str
    """Catalogue key of one line saying what the page does."""
    specimen: str
    """A specimen (path under ``samples/``) that shows what goes in."""


TILES = (
    Tile("pages/credit_card.py", "page.credit_card", "home.credit_card", "cards/visa_blue_flat.png"),
    Tile("pages/id_card.py", "page.id_card", "home.id_card", "ids/resident_hong_gildong.png"),
    Tile("pages/stand_alone.py", "page.stand_alone", "home.stand_alone", "ids/driver_hong_gildong.png"),
    Tile("pages/authenticity.py", "page.authenticity", "home.authenticity", "ids/resident_kim_minseo.png"),
    Tile("pages/qa_lab.py", "page.lab", "home.lab", "photos/visa_desk_perspective.jpg"),
)
ICONS = {
    "pages/credit_card.py": ":material/credit_card:",
    "pages/id_card.py": ":material/badge:",
    "pages/stand_alone.py": ":material/id_card:",
    "pages/authenticity.py": ":material/verified_user:",
    "pages/qa_lab.py": ":material/science:",
}
TILE_CSS = """<style>.st-key-home_tiles [data-testid="stPageLink"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }</style>"""
"""A tile's link wraps between words in a fifth of a laptop's width rather than end in an ellipsis."""
TILE_SIDE = 480
"""Long side of a tile's picture: sharp in a fifth of a projector's width, light on the wire."""


@st.cache_resource(show_spinner=False)
def tile_picture(specimen: str, mtime: float) -> bytes:
    """The specimen as a JPEG at ``TILE_SIDE``, not blurred: a synthetic specimen is nobody's data.
    Cached for every visitor (specimens are public files of the product, not uploads), encoded once:
    given pixels, ``st.image`` would encode all five again on every run of the page."""
    bgr = cv2.imread(str(SAMPLES_DIR / specimen), cv2.IMREAD_COLOR)
    if bgr is None:  # pragma: no cover - by_image() only names specimens whose file exists
        raise FileNotFoundError(specimen)
    h, w = bgr.shape[:2]
    scale = min(1.0, TILE_SIDE / max(h, w))
    small = cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:  # pragma: no cover - encoding a small array does not fail
        raise ValueError(specimen)
    return jpeg.tobytes()


def backend_line() -> None:
    """Where the calls go, in plain words: free and local, or billed by NHN Cloud."""
    if effective_connection().backend == "sandbox":
        st.info(t("home.backend_sandbox"), icon=":material/science:")
    else:
        st.warning(t("home.backend_cloud"), icon=":material/cloud:")


def home_page() -> None:
    st.title(t("app.title"))
    st.markdown(f"#### {t('home.tagline')}")
    backend_line()
    st.html(TILE_CSS)
    columns = st.container(key="home_tiles").columns(len(TILES), border=True)
    for column, tile in zip(columns, TILES, strict=True):
        with column:
            spec = by_image(tile.specimen)
            if spec is not None:
                st.image(tile_picture(tile.specimen, spec.path.stat().st_mtime), width="stretch")
            st.page_link(tile.page, label=t(tile.title), icon=ICONS[tile.page])
            st.caption(t(tile.blurb))
    st.caption(t("home.synthetic"), help=t("home.synthetic_help"))
