"""The result view mounted once, from the first page load, so the first real result is an update.

A result brings a subtree the page has not drawn before: columns, a slider, alerts, metrics, a
segmented control, the Key/Value grid (``st.dataframe``, a lazily loaded chunk) and two Plotly
figures. Mounting all of that for the first time after the server has answered cost the browser
about 500 ms more than drawing a repeat (bench_dashboard). So every analysis page draws the result
view from its first run, in one keyed container (``{prefix}_result``; Streamlit keys a block with
an id by that id, so its place among its siblings may move), filled with a made-up analysis while
there is none and kept out of sight; the first real result then lands in elements the browser has
already mounted, and the Plotly code and the grid's chunk are loaded and run while the user still
picks and checks an image.

Out of sight, not out of layout: ``visibility: hidden`` (nothing painted, nothing focusable or
clickable, nothing in the accessibility tree, so no screen reader reads it), with no height and out
of the flow (no space taken, no scrollbar change, no layout jump), but laid out, so the charts and
the grid really draw. ``display: none`` would skip layout and with it most of what is warmed.

What cannot be reused: Streamlit 1.x gives a Plotly chart an element id that hashes the figure
itself (``st.plotly_chart`` has ``key_as_main_identity=False``), and the browser keys the chart by
that id, so a chart with new data is always a new Plotly plot; only its code is warm by then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import numpy as np
import streamlit as st

from ocr_core import CreditCardResult, IdCardResult
from ocr_core.models import Box, CardNumberGroup, FieldReading, KeyValue, RequestKey
from ui.i18n import t
from ui.results import Analysis, result_view
from ui.rows import measure_resolution

PLACEHOLDER_TOKEN = "placeholder"
"""The token of the made-up analysis: no real image digest looks like it."""

_SIZE = (152, 96)
"""The made-up card's size: the 760×480 aspect, so the placeholder overlay is as tall as a card's."""


def slot_key(prefix: str) -> str:
    return f"{prefix}_result"


def idle_css(prefix: str) -> str:
    """Keeps the slot's made-up content out of sight and out of the flow (see the module's doc). Every
    descendant too: Streamlit sets ``visibility: visible`` on some of its own elements (markdown,
    labels), which would put them back into the accessibility tree."""
    slot = f".st-key-{slot_key(prefix)}"
    return (
        f"<style>{slot}, {slot}{slot} * {{ visibility: hidden !important; }} "
        f"{slot} {{ position: absolute !important; width: 100% !important; height: 0 !important; "
        "overflow: hidden !important; pointer-events: none !important; }</style>"
    )


def _box(x: int, y: int, w: int, h: int) -> Box:
    return Box(x, y, x + w, y, x + w, y + h, x, y + h)


@st.cache_resource(show_spinner=False)
def placeholder_analysis(service: str) -> Analysis:
    """A made-up analysis of the page's kind, the same for everyone: no personal data, no call made.

    Its confidences are high and its values pass their checks, so it has the shape of the usual
    result (one "all clear" verdict); an ID card's carries a Request-Key, so the key's line is there.
    """
    w, h = _SIZE
    image = np.full((h, w, 3), 235, np.uint8)
    at = datetime(2000, 1, 1, tzinfo=UTC)
    result: CreditCardResult | IdCardResult
    if service == "credit-card":
        groups = tuple(CardNumberGroup("0000", 0.99, _box(12 + 34 * i, 50, 28, 10)) for i in range(4))
        result = CreditCardResult(
            file_type="png",
            resolution="normal",
            card_numbers=groups,
            total_card_num="0" * 16,
            valid_thru=FieldReading("01/30", 0.99, _box(60, 70, 24, 8)),
        )
    else:
        result = IdCardResult(
            file_type="png",
            resolution="normal",
            id_type="resident",
            key_values=(KeyValue("name", "-", 0.99, _box(12, 20, 40, 10)),),
            request_key=RequestKey(PLACEHOLDER_TOKEN, at, at),
        )
    return Analysis(
        service=service,
        result=result,
        sent_bgr=image,
        sent_format="png",
        sent_bytes=0,
        token=PLACEHOLDER_TOKEN,
        measured=measure_resolution(w, h, None),
        name="",
        at=at,
    )


@contextmanager
def result_slot(prefix: str, held: bool) -> Iterator[None]:
    """The page's result container, always at its key; while nothing is ``held``, out of sight."""
    if not held:
        st.html(idle_css(prefix))  # a style-only block goes to the page's event area: no place taken
    with st.container(key=slot_key(prefix)):
        yield


def idle_result(prefix: str, service: str, on_verify: Callable[[Analysis], None] | None) -> None:
    """The result view of the made-up analysis, for the slot while there is no result."""
    st.subheader(t("res.heading"))
    result_view(prefix, placeholder_analysis(service), on_verify=on_verify)
