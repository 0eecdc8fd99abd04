"""The confidence chart of a result: one horizontal Plotly bar per field, coloured by confidence as
the overlay colours its boxes (``ui.figures.conf_colour``), with the threshold as a dashed line.
Hovering a bar shows the field, its value (as shown: masked when masking is on), its confidence and
the threshold; the toolbar zooms and saves the chart as PNG. Pure function, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import plotly.graph_objects as go

from ui.figures import conf_colour

THRESHOLD_COLOUR = conf_colour(0.0, 1.0)
"""The colour of a bar under the threshold, for the threshold line itself."""

LABEL_WRAP = 22
"""Field labels longer than this break onto a second line at a space, so a long name ("Resident
registration number") leaves the bars room in a narrow column instead of being cut off."""

BAR_ROW_PX = 34
"""Height of one bar's row at the default font; scaled with ``font_size`` in presenter view."""

DEFAULT_FONT = 13

CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "scrollZoom": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "filename": "confidence", "scale": 2},
}
"""``st.plotly_chart`` config: zoom (drag a box), reset, and "download as PNG" in the toolbar."""


@dataclass(frozen=True)
class ChartWords:
    """The chart's own words, in the page's language (``ui.i18n``)."""

    confidence: str
    threshold: str
    value: str


def _width(text: str) -> int:
    """Display width in Latin characters: Hangul and other wide glyphs count two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def wrap_label(label: str, width: int = LABEL_WRAP) -> str:
    """``label`` for the axis: HTML-escaped, broken at spaces into lines of at most ``width``
    (display width, see ``_width``); a single longer word stays whole."""
    lines: list[str] = []
    for word in label.split():
        if lines and _width(lines[-1]) + 1 + _width(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(escape(line) for line in lines) or escape(label)


def confidence_figure(
    names: Sequence[str],
    values: Sequence[str],
    confs: Sequence[float | None],
    threshold: float,
    words: ChartWords,
    *,
    font_size: int | None = None,
    confirmed: Sequence[bool] | None = None,
) -> go.Figure:
    """Bars of confidence (0–1) per field, top to bottom in the order given.

    ``values`` are hover text only and must already be masked as the page shows them. A field
    without a confidence has no bar and "–" beside it. ``font_size`` (presenter view) scales the
    text and the rows. A ``confirmed`` field (a validator proves it right) is green whatever its
    confidence, with ✓ beside its number.
    """
    if not len(names) == len(values) == len(confs):
        raise ValueError("names, values and confs must have one entry per field")
    size = font_size or DEFAULT_FONT
    axis = [wrap_label(n) for n in names]
    sure = list(confirmed) if confirmed is not None else [False] * len(confs)
    shown = [
        ("–" if c is None else f"{c:.2f}") + (" ✓" if ok else "") for c, ok in zip(confs, sure, strict=True)
    ]
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": [0.0 if c is None else max(0.0, min(1.0, c)) for c in confs],
        "y": axis,
        "marker": {"color": [conf_colour(c, threshold, ok) for c, ok in zip(confs, sure, strict=True)]},
        "text": shown,
        "textposition": "outside",
        "cliponaxis": False,
        "textfont": {"size": size},
        "customdata": [
            [escape(n), escape(v or "–"), s] for n, v, s in zip(names, values, shown, strict=True)
        ],
        "hovertemplate": (
            f"<b>%{{customdata[0]}}</b><br>{escape(words.value)}: %{{customdata[1]}}<br>"
            f"{escape(words.confidence)}: %{{customdata[2]}}<br>"
            f"{escape(words.threshold)}: {threshold:.2f}<extra></extra>"
        ),
        "name": words.confidence,
    }
    lines = sum(a.count("<br>") + 1 for a in axis)
    height = round(
        max(len(names), 1) * BAR_ROW_PX * size / DEFAULT_FONT
        + (lines - len(names)) * size * 1.2
        + 5 * size
        + 20
    )
    layout = {
        "font": {"size": size},
        "height": height,
        "margin": {"l": 8, "r": 16, "t": round(2.2 * size), "b": 8},
        "xaxis": {
            "range": [
                0,
                1.12 + (0.07 * size / DEFAULT_FONT if any(sure) else 0.0),
            ],  # room for "1.00 ✓" "tickvals": [0, 0.25, 0.5, 0.75, 1.0], "tickformat": ".2f",
            "title": {"text": words.confidence, "font": {"size": size}},
            "fixedrange": False,
            "automargin": True,
            "gridcolor": "#e6e9ef",
        },
        "yaxis": {"autorange": "reversed", "automargin": True, "tickfont": {"size": size}, "ticksuffix": " "},
        "bargap": 0.35,
        "showlegend": False,
        "hoverlabel": {"font_size": size + 2},
        "dragmode": "zoom",
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": threshold,
                "x1": threshold,
                "y0": 0,
                "y1": 1,
                "line": {"color": THRESHOLD_COLOUR, "dash": "dash", "width": 2},
            }
        ],
        "annotations": [
            {
                "xref": "x",
                "yref": "paper",
                "x": threshold,
                "y": 1,
                "yanchor": "bottom",
                "xanchor": "right" if threshold > 0.5 else "left",
                "showarrow": False,
                "text": f"{escape(words.threshold)} {threshold:.2f}",
                "font": {"color": THRESHOLD_COLOUR, "size": size},
            }
        ],
    }
    return go.Figure(data=[bar], layout=layout)
