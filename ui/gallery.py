"""The specimen gallery as a grid of clickable thumbnails.

Specimens are synthetic documents of this repository (made-up people and numbers), so their
previews are made once per server process and shared by every session (``st.cache_resource``);
nothing personal is cached. A click writes the specimen into the page's specimen selectbox, which
stays the single source of the choice (and the way to pick by name).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import streamlit as st

from ocr_core.imaging import load_image
from ui.i18n import current_lang, t
from ui.redaction import soften
from ui.session import masking_on, presenter_view
from ui.specimens import Specimen

THUMB_W, THUMB_H = 240, 160
"""Every preview fills the same box (letterboxed), so the grid stays aligned whatever the shape."""
_BACKGROUND = (240, 242, 246)  # BGR of Streamlit's secondary background


@st.cache_resource(show_spinner=False, max_entries=256)
def thumbnail(image: str, mtime: float, soft: bool) -> bytes:
    """A small JPEG preview of a specimen file (``mtime`` only makes a changed file a new entry);
    ``soft`` while masking is on, like every other preview: made-up numbers still look like real
    ones to an audience."""
    from ui.specimens import SAMPLES_DIR

    bgr = load_image((SAMPLES_DIR / image).read_bytes()).bgr
    h, w = bgr.shape[:2]
    scale = min(THUMB_W / w, THUMB_H / h)
    small = cv2.resize(
        bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
    )
    canvas = np.full((THUMB_H, THUMB_W, 3), _BACKGROUND, np.uint8)
    y, x = (THUMB_H - small.shape[0]) // 2, (THUMB_W - small.shape[1]) // 2
    canvas[y : y + small.shape[0], x : x + small.shape[1]] = soften(small) if soft else small
    ok, buf = cv2.imencode(".jpg", canvas, [cv2.IMWRITE_JPEG_QUALITY, 82])
    if not ok:  # pragma: no cover - encoding a small fixed-size array does not fail
        raise ValueError("cannot encode a specimen preview")
    return buf.tobytes()


def short_name(spec: Specimen) -> str:
    return spec.title(current_lang())


def _pick(select_key: str, image: str) -> None:
    st.session_state[select_key] = image


def gallery(
    prefix: str, items: Sequence[Specimen], select_key: str, chosen: str | None, *, per_row: int = 6
) -> None:
    """Thumbnails in rows of ``per_row``, in an expander that is open until a specimen is chosen
    (then it folds away to keep the page short, naming the choice); the chosen one is highlighted."""
    if presenter_view():  # large type: fewer, wider cells so the names still fit
        per_row = max(2, per_row * 2 // 3)
    soft = masking_on()
    current = next((s for s in items if s.image == chosen), None)
    title = t("img.gallery_chosen", name=short_name(current)) if current else t("img.gallery")
    box = st.expander(title, expanded=current is None, icon=":material/photo_library:")
    box.caption(t("img.gallery_hint"))
    for start in range(0, len(items), per_row):
        cells = box.columns(per_row, gap="small")
        for cell, spec in zip(cells, items[start : start + per_row], strict=False):
            with cell:
                st.image(thumbnail(spec.image, spec.path.stat().st_mtime, soft), width="stretch")
                kind = t("img.kind_photo" if spec.kind == "photo" else "img.kind_clean")
                st.button(
                    short_name(spec),
                    key=f"{prefix}_pick_{spec.image}",
                    width="stretch",
                    type="primary" if spec.image == chosen else "secondary",
                    help=f"{short_name(spec)} · {kind}",
                    on_click=_pick,
                    args=(select_key, spec.image),
                )
