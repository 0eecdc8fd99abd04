"""The lab's charts, drawn once for the page (``st.plotly_chart``) and the HTML report alike.

A sweep is small multiples: one chart per degradation, each with its own unit on the x axis, read
worse to the right (a degradation that is worse when its number is lower — darkness, scale, JPEG
quality — has its axis reversed), accuracy and confidence together, and the level it breaks at marked.
Each degradation has its own colour, set on the traces themselves (not left to a template, which a
report opened elsewhere may not have: its eight lines were once all black). A batch has the accuracy
per field and per document type, and the confidence of right and wrong reads; tags their accuracy.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from qa import analysis
from qa.analysis import RunData
from qa.sweeps import DEGRADATIONS
from qa.words import degradation, named, pct, unit, word

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F3C8D")
"""One colour per degradation (Okabe–Ito, then two more), told apart by colour-blind readers too."""
RIGHT_COLOUR, WRONG_COLOUR = "#009E73", "#D55E00"
COLUMNS = 4


def colour_of(name: str) -> str:
    return PALETTE[list(DEGRADATIONS).index(name) % len(PALETTE)] if name in DEGRADATIONS else PALETTE[0]


def axis_title(name: str, lang: str) -> str:
    """``σ px — worse →``: the degradation's unit, and which way is worse."""
    return word("qa.axis", lang, unit=unit(name, lang) or degradation(name, lang))


def sweep_figure(data: RunData, lang: str = "en") -> go.Figure | None:
    """Small multiples of the run's sweep; None when the run swept nothing."""
    series = analysis.sweep_series(data)
    if not series:
        return None
    names = list(series)
    cols = min(COLUMNS, len(names))
    rows = math.ceil(len(names) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[degradation(n, lang) for n in names],
        horizontal_spacing=0.06,
        vertical_spacing=0.22 if rows > 1 else 0.1,
    )
    acc_word, conf_word = word("qa.accuracy", lang), word("qa.confidence", lang)
    for i, name in enumerate(names):
        s = series[name]
        row, col = i // cols + 1, i % cols + 1
        colour, u = colour_of(name), unit(name, lang)
        xs = s["levels"]
        if any(a is not None for a in s["accuracy"]):
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=s["accuracy"],
                    mode="lines+markers",
                    name=f"{degradation(name, lang)} · {acc_word}",
                    line={"color": colour, "width": 2.5},
                    marker={"color": colour, "size": 7},
                    meta=[name, "accuracy"],
                    legendgroup=name,
                    showlegend=False,
                    hovertemplate=(
                        f"%{{x:g}} {u}<br>{acc_word} %{{y:.0%}}<extra>{degradation(name, lang)}</extra>"
                    ),
                ),
                row=row,
                col=col,
            )
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=s["confidence"],
                mode="lines+markers",
                name=f"{degradation(name, lang)} · {conf_word}",
                line={"color": colour, "width": 1.5, "dash": "dot"},
                marker={"color": colour, "size": 5, "symbol": "diamond"},
                meta=[name, "confidence"],
                legendgroup=name,
                showlegend=False,
                hovertemplate=(
                    f"%{{x:g}} {u}<br>{conf_word} %{{y:.0%}}<extra>{degradation(name, lang)}</extra>"
                ),
            ),
            row=row,
            col=col,
        )
        d = DEGRADATIONS[name]
        fig.update_xaxes(
            title_text=axis_title(name, lang),
            tickvals=xs,
            ticktext=[f"{x:g}" for x in xs],
            autorange="reversed" if not d.worse_when_higher else True,
            row=row,
            col=col,
        )
        fig.update_yaxes(range=[0, 1.05], tickformat=".0%", row=row, col=col)
        at = s["breaks_at"]
        if at is not None:
            fig.add_vline(
                x=at["level"], line={"color": "#B00020", "width": 1.5, "dash": "dash"}, row=row, col=col
            )
            # inside the chart, at its foot beside the line: clear of the subplot's title above
            fig.add_annotation(
                x=at["level"],
                y=0.03,
                text=word("qa.breaks_at", lang, level=f"{at['level']:g} {u}".strip()),
                showarrow=False,
                font={"size": 10, "color": "#B00020"},
                yanchor="bottom",
                xanchor="right" if at["level"] == xs[-1] else "left",  # inside at the harshest
                xshift=-4 if at["level"] == xs[-1] else 4,
                bgcolor="rgba(255,255,255,0.85)",
                row=row,
                col=col,
            )
    # the legend says which line is which once, with neutral swatches
    for label, dash in ((acc_word, "solid"), (conf_word, "dot")):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=label,
                line={"color": "#555", "dash": dash},
                meta=["legend", label],
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
    fig.update_layout(
        title=word("qa.chart.sweeps", lang),
        height=300 * rows + 90,
        margin={"l": 50, "r": 20, "t": 90, "b": 60},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.06, "x": 1, "xanchor": "right"},
    )
    return fig


def _bars(
    title: str, labels: list[str], values: list[float | None], counts: list[str], colour: str
) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=[v if v is not None else 0 for v in values],
            marker_color=colour,
            text=[f"{pct(v)} ({c})" for v, c in zip(values, counts, strict=True)],
            textposition="outside",
            hovertemplate="%{x}: %{y:.0%}<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        height=320,
        margin={"l": 50, "r": 20, "t": 60, "b": 60},
        yaxis={"range": [0, 1.15], "tickformat": ".0%"},
    )
    return fig


def field_figure(data: RunData, lang: str = "en") -> go.Figure | None:
    fields = {k: v for k, v in analysis.field_summary(data).items() if v["total"]}
    if not fields:
        return None
    return _bars(
        word("qa.chart.fields", lang),
        [named("field", k, lang) for k in fields],
        [v["accuracy"] for v in fields.values()],
        [f"{v['right']}/{v['total']}" for v in fields.values()],
        PALETTE[0],
    )


def doc_type_figure(data: RunData, lang: str = "en") -> go.Figure | None:
    docs = analysis.doc_type_summary(data)
    if not docs:
        return None
    return _bars(
        word("qa.chart.docs", lang),
        [named("val", k, lang) for k in docs],
        [v["accuracy"] for v in docs.values()],
        [f"{v['right']}/{v['total']}" for v in docs.values()],
        PALETTE[2],
    )


def confidence_figure(data: RunData, lang: str = "en") -> go.Figure | None:
    """Confidence of right reads and of wrong reads, overlaid.

    Confidence of right reads and of wrong reads, overlaid: where the two overlap, the confidence
    cannot tell a misread from a good read."""
    split = analysis.confidence_by_outcome(data)
    if not split["right"] and not split["wrong"]:
        return None
    fig = go.Figure()
    for key, colour in (("right", RIGHT_COLOUR), ("wrong", WRONG_COLOUR)):
        fig.add_trace(
            go.Histogram(
                x=split[key],
                name=f"{word(f'qa.{key}', lang)} ({len(split[key])})",
                marker_color=colour,
                opacity=0.7,
                xbins={"start": 0, "end": 1.0001, "size": 0.05},
                meta=[key],
            )
        )
    fig.update_layout(
        title=word("qa.chart.conf_dist", lang),
        barmode="overlay",
        height=320,
        margin={"l": 50, "r": 20, "t": 60, "b": 50},
        xaxis={"range": [0, 1.02], "tickformat": ".0%", "title": word("qa.confidence", lang)},
        legend={"orientation": "h"},
    )
    return fig


def tag_figure(data: RunData, tag: str, lang: str = "en") -> go.Figure | None:
    groups = analysis.tag_summary(data).get(tag) or {}
    scored = {k: v for k, v in groups.items() if v["total"]}
    if not scored:
        return None
    return _bars(
        word("qa.chart.tag", lang, tag=tag),
        list(scored),
        [v["accuracy"] for v in scored.values()],
        [f"{v['right']}/{v['total']}" for v in scored.values()],
        PALETTE[4],
    )


def batch_figures(data: RunData, lang: str = "en") -> list[go.Figure]:
    """The charts of a run with truth.

    The charts of a run with truth, sweep or not: accuracy per field and per document type, and the
    confidence of right against wrong reads."""
    return [
        f for f in (field_figure(data, lang), doc_type_figure(data, lang), confidence_figure(data, lang)) if f
    ]
