"""Optional preprocessing with before/after, and the exact bytes that will be sent.

What is sent is decided by ``ocr_core.pipeline`` (the same road the CLI and the lab take): the
upload as it is only when it is upright and carries nothing besides the image, else its upright
pixels re-encoded; preprocessed pixels when the toggle is on. This panel shows the options, the
before/after and the "Will send" line that says which it was and why.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import streamlit as st

from ocr_core.constants import NORMAL_RESOLUTION
from ocr_core.imaging import REENCODE_JPEG_QUALITY, LoadedImage, PreprocessOptions, PreprocessStep
from ocr_core.imaging.preprocess import TURNS
from ocr_core.pipeline import EXIF_ROTATED, Payload, prepare_loaded
from ui import state
from ui.i18n import known_keys, t
from ui.image_input import human_size
from ui.redaction import soften
from ui.session import masking_on, presenter_view


@dataclass(frozen=True, eq=False)
class Prepared:
    """A payload of ``ocr_core.pipeline`` and the token of the image + options that made it."""

    payload: Payload
    token: str
    """Identifies image + options: a result made from another payload is stale."""

    @property
    def data(self) -> bytes:
        return self.payload.data

    @property
    def bgr(self) -> np.ndarray:
        return self.payload.bgr

    @property
    def format(self) -> str:
        return self.payload.format

    @property
    def width(self) -> int:
        return self.payload.width

    @property
    def height(self) -> int:
        return self.payload.height

    @property
    def preprocessed(self) -> bool:
        return self.payload.preprocessed is not None

    @property
    def steps(self) -> tuple[PreprocessStep, ...]:
        return () if self.payload.preprocessed is None else self.payload.preprocessed.steps


def as_uploaded(img: LoadedImage, token: str) -> Prepared:
    """The upload as it is when its bytes are clean; else its upright pixels re-encoded."""
    payload = prepare_loaded(img)
    return Prepared(payload, token if payload.as_uploaded else token + ":clean")


def cleaned_note(p: Payload) -> str:
    """The "Will send" line's explanation of a re-encoded upload, in the UI language."""
    why = []
    if p.converted_from:
        why.append(t("pre.why_converted", type=p.converted_from))
    if EXIF_ROTATED in p.steps:
        why.append(t("pre.why_upright"))
    if p.metadata:
        why.append(t("pre.why_metadata", names=", ".join(p.metadata)))
    if p.trailing_bytes:
        why.append(t("pre.why_trailing", size=human_size(p.trailing_bytes)))
    how = t("pre.how_png") if p.format == "png" else t("pre.how_jpeg", q=REENCODE_JPEG_QUALITY)
    return t("pre.reencoded", how=how, why="; ".join(why))


def options_form(prefix: str) -> PreprocessOptions:
    c1, c2 = st.columns(2)
    with c1:
        turn = (
            st.segmented_control(
                t("pre.opt.turn"),
                TURNS,
                default=0,
                required=True,
                key=f"{prefix}_pre_turn",
                format_func=lambda d: f"{d}°",
                help=t("pre.opt.turn_help"),
            )
            or 0
        )
        warp = st.checkbox(t("pre.opt.warp"), value=True, key=f"{prefix}_pre_warp")
        deskew = st.checkbox(t("pre.opt.deskew"), value=True, key=f"{prefix}_pre_deskew")
        denoise = st.checkbox(t("pre.opt.denoise"), value=False, key=f"{prefix}_pre_denoise")
        clahe = st.checkbox(t("pre.opt.clahe"), value=False, key=f"{prefix}_pre_clahe")
    with c2:
        width = st.slider(
            t("pre.opt.resize"), NORMAL_RESOLUTION[0], 1600, 1000, 20, key=f"{prefix}_pre_width"
        )
        fmt = (
            st.segmented_control(
                t("pre.opt.format"),
                ("jpeg", "png"),
                default="jpeg",
                required=True,
                key=f"{prefix}_pre_format",
                format_func=str.upper,
            )
            or "jpeg"
        )
        quality = st.slider(
            t("pre.opt.quality"), 50, 100, 90, 1, key=f"{prefix}_pre_quality", disabled=fmt != "jpeg"
        )
    return PreprocessOptions(
        turn=int(turn),
        warp=warp,
        deskew=deskew,
        denoise=denoise,
        clahe=clahe,
        target_width=width,
        format="png" if fmt == "png" else "jpeg",
        quality=quality,
    )


def preprocessed(prefix: str, img: LoadedImage, token: str, opts: PreprocessOptions) -> Prepared:
    run_token = f"{token}:{opts!r}"
    payload = state.memo(f"{prefix}_pre", run_token, lambda: prepare_loaded(img, preprocess=opts))
    return Prepared(payload, run_token)


def preprocess_panel(prefix: str, img: LoadedImage, token: str, *, default_on: bool = False) -> Prepared:
    """Toggle, options, before/after; returns the payload to send either way."""
    on = st.toggle(t("pre.enable"), value=default_on, key=f"{prefix}_pre_on")
    if not on:
        payload = as_uploaded(img, token)
    else:
        payload = preprocessed(prefix, img, token, options_form(prefix))
        masked = masking_on()
        before, after = st.columns(2)
        before.image(
            _thumb(img.bgr, soft=masked),
            caption=f"{t('pre.before')} · {img.width}×{img.height}",
            width="stretch",
        )
        after.image(
            _thumb(payload.bgr, soft=masked),
            caption=f"{t('pre.after')} · {payload.width}×{payload.height}",
            width="stretch",
        )
        applied = [
            f"{step_name(s.name)} ({s.ms:.0f} ms)" for s in payload.steps if s.applied and s.name != "encode"
        ]
        st.caption(t("pre.steps", steps=", ".join(applied)) if applied else t("pre.no_steps"))
        if enlarged(img, payload):
            st.caption(t("pre.enlarged"))
        if masked:
            st.caption(t("q.softened"))
    pct = 100.0 * len(payload.data) / max(1, img.size_bytes)
    line = t(
        "pre.will_send",
        fmt=payload.format.upper(),
        w=payload.width,
        h=payload.height,
        size=human_size(len(payload.data)),
    )
    if on:
        line += f" — {t('pre.saving', pct=pct)}"
    elif not payload.payload.as_uploaded:
        line += f" — {cleaned_note(payload.payload)}"
    else:
        line += f" — {t('pre.as_is')}"
    if not presenter_view():  # what goes on the wire, byte for byte: engineering detail, not for the room
        st.info(line, icon=":material/inventory_2:")
    return payload


def enlarged(img: LoadedImage, payload: Prepared) -> bool:
    """Whether preprocessing made the picture bigger than it came (to the API's recommended size)."""
    return payload.width * payload.height > img.width * img.height


def step_name(name: str) -> str:
    key = f"pre.step.{name}"
    return t(key) if key in known_keys() else name


def _thumb(bgr: np.ndarray, max_side: int = 900, *, soft: bool = False) -> np.ndarray:
    h, w = bgr.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    small = (
        bgr
        if scale == 1.0
        else cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    )
    return cv2.cvtColor(soften(small) if soft else small, cv2.COLOR_BGR2RGB)
