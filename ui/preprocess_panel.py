"""Optional preprocessing with before/after, and the exact bytes that will be sent.

Without preprocessing the file goes as uploaded only when its bytes are clean (``ui.upload_bytes``):
already upright, no metadata worth stripping (EXIF with its GPS position, XMP, IPTC, comments), nothing
after the image's end marker. Otherwise the upright pixels are re-encoded — PNG losslessly, JPEG at
quality 95 without chroma subsampling — so nothing personal leaves beyond the picture and the boxes
the API returns match what the user sees; the "Will send" line says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import streamlit as st

from ocr_core.imaging import (
    REENCODE_JPEG_QUALITY,
    LoadedImage,
    PreprocessOptions,
    PreprocessStep,
    inspect_upload,
    preprocess,
    reencode,
    send_as_is,
)
from ocr_core.imaging.preprocess import TURNS
from ui import state
from ui.i18n import known_keys, t
from ui.image_input import human_size
from ui.redaction import soften
from ui.session import masking_on


@dataclass(frozen=True)
class Cleaned:
    """Why the original bytes were not sent as they were."""

    upright: bool
    """The EXIF orientation was not 1: the pixels were turned as the user sees them."""
    metadata: tuple[str, ...]
    trailing_bytes: int


@dataclass(frozen=True)
class Payload:
    """What will be sent: the encoded bytes and the pixels they decode to."""

    data: bytes = field(repr=False)
    bgr: np.ndarray = field(repr=False)
    format: str
    width: int
    height: int
    token: str
    """Identifies image + options: a result made from another payload is stale."""
    steps: tuple[PreprocessStep, ...] = ()
    preprocessed: bool = False
    cleaned: Cleaned | None = None
    """Set when preprocessing was off but the upload had to be re-encoded."""


def as_uploaded(img: LoadedImage, token: str) -> Payload:
    """The upload as it is when its bytes are clean; else its upright pixels re-encoded."""
    found = inspect_upload(img.original_bytes, img.format)
    if send_as_is(img, found):
        return Payload(img.original_bytes, img.bgr, img.format, img.width, img.height, token)
    data, fmt = reencode(img.bgr, img.format)
    cleaned = Cleaned(img.orientation != 1, found.metadata, found.trailing_bytes)
    return Payload(data, img.bgr, fmt, img.width, img.height, token + ":clean", cleaned=cleaned)


def cleaned_note(c: Cleaned, fmt: str) -> str:
    """The "Will send" line's explanation of a re-encoded upload, in the UI language."""
    why = []
    if c.upright:
        why.append(t("pre.why_upright"))
    if c.metadata:
        why.append(t("pre.why_metadata", names=", ".join(c.metadata)))
    if c.trailing_bytes:
        why.append(t("pre.why_trailing", size=human_size(c.trailing_bytes)))
    how = t("pre.how_png") if fmt == "png" else t("pre.how_jpeg", q=REENCODE_JPEG_QUALITY)
    return t("pre.reencoded", how=how, why="; ".join(why))


def options_form(prefix: str) -> PreprocessOptions:
    c1, c2 = st.columns(2)
    with c1:
        turn = st.segmented_control(t("pre.opt.turn"), TURNS, default=0, required=True, key=f"{prefix}_pre_turn",
                                    format_func=lambda d: f"{d}°", help=t("pre.opt.turn_help")) or 0
        warp = st.checkbox(t("pre.opt.warp"), value=True, key=f"{prefix}_pre_warp")
        deskew = st.checkbox(t("pre.opt.deskew"), value=True, key=f"{prefix}_pre_deskew")
        denoise = st.checkbox(t("pre.opt.denoise"), value=False, key=f"{prefix}_pre_denoise")
        clahe = st.checkbox(t("pre.opt.clahe"), value=False, key=f"{prefix}_pre_clahe")
    with c2:
        width = st.slider(t("pre.opt.resize"), 760, 1600, 1000, 20, key=f"{prefix}_pre_width")
        fmt = st.segmented_control(t("pre.opt.format"), ("jpeg", "png"), default="jpeg", required=True,
                                   key=f"{prefix}_pre_format", format_func=str.upper) or "jpeg"
        quality = st.slider(t("pre.opt.quality"), 50, 100, 90, 1, key=f"{prefix}_pre_quality",
                            disabled=fmt != "jpeg")
    return PreprocessOptions(turn=int(turn), warp=warp, deskew=deskew, denoise=denoise, clahe=clahe, target_width=width,
                             format=fmt, quality=quality)


def preprocessed(prefix: str, img: LoadedImage, token: str, opts: PreprocessOptions) -> Payload:
    run_token = f"{token}:{opts!r}"
    res = state.memo(f"{prefix}_pre", run_token, lambda: preprocess(img, opts))
    return Payload(res.encoded, res.bgr, res.format, res.width, res.height, run_token, res.steps, True)


def preprocess_panel(prefix: str, img: LoadedImage, token: str, *, default_on: bool = False) -> Payload:
    """Toggle, options, before/after; returns the payload to send either way."""
    on = st.toggle(t("pre.enable"), value=default_on, key=f"{prefix}_pre_on")
    if not on:
        payload = as_uploaded(img, token)
    else:
        payload = preprocessed(prefix, img, token, options_form(prefix))
        masked = masking_on()
        before, after = st.columns(2)
        before.image(_thumb(img.bgr, soft=masked), caption=f"{t('pre.before')} · {img.width}×{img.height}",
                     width="stretch")
        after.image(_thumb(payload.bgr, soft=masked), caption=f"{t('pre.after')} · {payload.width}×{payload.height}",
                    width="stretch")
        applied = [f"{step_name(s.name)} ({s.ms:.0f} ms)" for s in payload.steps if s.applied and s.name != "encode"]
        st.caption(t("pre.steps", steps=", ".join(applied)) if applied else t("pre.no_steps"))
        if enlarged(img, payload):
            st.caption(t("pre.enlarged"))
        if masked:
            st.caption(t("q.softened"))
    pct = 100.0 * len(payload.data) / max(1, img.size_bytes)
    line = t("pre.will_send", fmt=payload.format.upper(), w=payload.width, h=payload.height,
             size=human_size(len(payload.data)))
    if on:
        line += f" — {t('pre.saving', pct=pct)}"
    elif payload.cleaned is not None:
        line += f" — {cleaned_note(payload.cleaned, payload.format)}"
    else:
        line += f" — {t('pre.as_is')}"
    st.info(line, icon=":material/inventory_2:")
    return payload


def enlarged(img: LoadedImage, payload: Payload) -> bool:
    """Whether preprocessing made the picture bigger than it came (to the API's recommended size)."""
    return payload.width * payload.height > img.width * img.height


def step_name(name: str) -> str:
    key = f"pre.step.{name}"
    return t(key) if key in known_keys() else name


def _thumb(bgr: np.ndarray, max_side: int = 900, *, soft: bool = False) -> np.ndarray:
    h, w = bgr.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    small = bgr if scale == 1.0 else cv2.resize(bgr, (round(w * scale), round(h * scale)),
                                                interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(soften(small) if soft else small, cv2.COLOR_BGR2RGB)
