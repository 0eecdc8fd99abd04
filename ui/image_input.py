"""Image in: upload (drag and drop), camera or a specimen from the gallery; then validation.

Validation is ``ocr_core.imaging.load_image``: type by content, size limit, pixel limit (bombs),
EXIF orientation applied. A refused image shows its reason and nothing is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal
from urllib.parse import urlsplit

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from l10n import rejection
from ocr_core.imaging import ImageRejected, LoadedImage, load_image
from ui import state
from ui.gallery import gallery
from ui.i18n import Lang, current_lang, t, text, translated
from ui.session import masking_on
from ui.specimens import Specimen, by_image, specimens
from ui.widgets import persistent

Source = Literal["gallery", "upload", "camera"]
SOURCES: tuple[Source, ...] = ("gallery", "upload", "camera")
UPLOAD_TYPES = ["jpg", "jpeg", "png", "heic", "heif", "pdf", "tif", "tiff"]
"""What the uploader offers: JPEG/PNG as sent; HEIC/HEIF, a single-page PDF and TIFF converted on
loading (``ocr_core.imaging.loading``), the "Will send" line saying so."""
_SOURCE_LABELS = {"gallery": "img.src_gallery", "upload": "img.src_upload", "camera": "img.src_camera"}


@dataclass(frozen=True)
class ImageChoice:
    name: str
    data: bytes
    digest: str
    specimen: Specimen | None = None


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.2f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} B"


def _specimen_label(image: str, lang: Lang) -> str:
    spec = by_image(image)
    if spec is None:
        return image
    if spec.titles:  # a title says the document and whether it is a photo already
        return spec.title(lang)
    kind = text("img.kind_photo" if spec.kind == "photo" else "img.kind_clean", lang)
    return f"{spec.title(lang)} · {text('val.' + spec.doc_type, lang)} · {kind}"


def choose_image(
    prefix: str, doc_types: Sequence[str], *, label: str | None = None, per_row: int = 6
) -> ImageChoice | None:
    """The three ways in, as widgets keyed ``{prefix}_source``, ``{prefix}_specimen`` (with the
    thumbnail grid of ``ui.gallery`` writing into it), ``{prefix}_upload`` and ``{prefix}_camera``."""
    if label:
        st.markdown(f"**{label}**")
    source = (
        persistent(
            translated(f"{prefix}_source"),
            "gallery",
            lambda key: st.segmented_control(
                t("img.source"),
                SOURCES,
                required=True,
                key=key,
                format_func=lambda s: t(_SOURCE_LABELS[s]),
            ),
        )
        or "gallery"
    )
    if source == "gallery":
        items = specimens(doc_types)
        select_key = translated(f"{prefix}_specimen")
        kept_key = f"{prefix}_specimen_kept"  # outlives the page: Streamlit drops a left page's widgets
        if select_key not in st.session_state and st.session_state.get(kept_key):
            st.session_state[select_key] = st.session_state[kept_key]
        gallery(prefix, items, select_key, st.session_state.get(select_key), per_row=per_row)
        picked = st.selectbox(
            t("img.specimen"),
            [s.image for s in items],
            index=None,
            key=select_key,
            format_func=partial(_specimen_label, lang=current_lang()),
            help=t("img.specimen_help"),
            placeholder=t("img.pick"),
        )
        st.session_state[kept_key] = picked
        spec = by_image(picked) if picked else None
        if spec is None:
            return None
        data = spec.read_bytes()
        return ImageChoice(spec.name, data, state.digest(data), spec)
    if source == "upload":
        up = st.file_uploader(t("img.upload"), type=UPLOAD_TYPES, key=f"{prefix}_upload")
    else:
        up = camera(prefix)
    if up is None:
        return None
    data = up.getvalue()
    return ImageChoice(up.name or "camera.jpg", data, state.digest(data))


CAMERA_BLUR_CSS = """<style>[data-testid="stCameraInput"] img { filter: blur(14px); }</style>"""
"""While masking is on the captured frame is shown blurred, like every other preview (the live video
stays sharp: the user has to aim)."""

_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def camera_needs_https(url: str | None) -> bool:
    """Browsers give pages the camera only in a secure context: HTTPS, or a page on this machine
    (localhost). Plain HTTP to an intranet address gets a permission error whatever the user clicks."""
    if not url:
        return False
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    local = host in _LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127.")
    return parts.scheme == "http" and not local


def camera(prefix: str) -> UploadedFile | None:
    """The camera at the highest resolution Streamlit asks browsers for (1080p: a hand-held card then
    clears the 760×480 card check), with why it may be refused over plain HTTP."""
    url = st.context.url
    if camera_needs_https(url):
        st.warning(t("img.camera_https", host=urlsplit(url or "").netloc), icon=":material/no_photography:")
    if masking_on():
        st.html(CAMERA_BLUR_CSS)
    return st.camera_input(
        t("img.camera"), key=f"{prefix}_camera", resolution="1080p", help=t("img.camera_help")
    )


def validate(prefix: str, choice: ImageChoice) -> LoadedImage | None:
    """Load and check the image (once per image), showing why when it is refused."""
    outcome = state.memo(f"{prefix}_loaded", choice.digest, lambda: _load(choice.data))
    if isinstance(outcome, ImageRejected):
        st.error(
            t("img.rejected", msg=rejection(outcome.code, outcome.params, current_lang())),
            icon=":material/block:",
        )
        return None
    name = choice.specimen.title(current_lang()) if choice.specimen else choice.name
    st.caption(
        t(
            "img.loaded",
            name=name,
            fmt=outcome.format.upper(),
            w=outcome.width,
            h=outcome.height,
            size=human_size(outcome.size_bytes),
        )
    )
    if outcome.exif_rotated:
        st.caption(t("img.exif_rotated"))
    return outcome


def _load(data: bytes) -> LoadedImage | ImageRejected:
    try:
        return load_image(data)
    except ImageRejected as exc:
        return exc
