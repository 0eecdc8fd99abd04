"""Get the browser's Plotly going before the first result, off screen.

A result brings two Plotly figures the page has not drawn before: the overlay (filled, hoverable
boxes and a legend) and the confidence chart (bars, visible axes, a threshold line and its label).
The first time a tab draws such figures, the browser runs much of plotly.js for the first time
(compiling it, measuring fonts, building the legend and axes machinery); bench_dashboard measured
that as most of the first result's extra cost over a repeat. This module draws one small figure of
each kind, made by the same builders from made-up data, while the user is still checking the image,
outside the visible page (not hidden: a hidden chart is not laid out, so nothing would be warmed).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from ui.confidence_chart import ChartWords, confidence_figure
from ui.figures import Region, overlay_figure

WARMUP_KEY = "plotly_warmup"

_OFF_SCREEN = f"""
<style>
  .st-key-{WARMUP_KEY} {{ position: absolute !important; left: -10000px !important; top: 0;
    width: 480px !important; pointer-events: none; }}
</style>
"""


@st.cache_resource(show_spinner=False)
def warmup_figures() -> tuple[go.Figure, go.Figure]:
    """A tiny overlay and a confidence chart of made-up fields: no personal data, the same for all."""
    image = np.full((48, 76, 3), 230, np.uint8)
    regions = [Region("a", "1", 0.95, ((4, 4), (30, 4), (30, 14), (4, 14))),
               Region("b", "2", 0.5, ((4, 20), (40, 20), (40, 30), (4, 30)))]
    overlay = overlay_figure(image, regions, other_boxes=[((50, 4), (70, 4), (70, 14), (50, 14))],
                             display_width=320)
    chart = confidence_figure(["a", "b"], ["1", "2"], [0.95, 0.5], 0.8,
                              ChartWords(confidence="c", threshold="t", value="v"))
    return overlay, chart


def preload_plotly() -> None:
    """Draw the warm-up figures off screen (once per rerun; the browser keeps them mounted)."""
    overlay, chart = warmup_figures()
    st.html(_OFF_SCREEN)
    with st.container(key=WARMUP_KEY):
        st.plotly_chart(overlay, key=f"{WARMUP_KEY}_overlay", config={"displaylogo": False})
        st.plotly_chart(chart, key=f"{WARMUP_KEY}_confidence", config={"displaylogo": False})
