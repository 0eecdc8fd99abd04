"""Pure Plotly figure builders: plain inputs in, ``go.Figure`` out (no Streamlit here).

Images come in OpenCV's BGR order (as everywhere in the pipeline). They are embedded downscaled, as
a JPEG data URI stretched back with ``dx``/``dy``, so box coordinates stay in the pixels of the image
as sent while the figure stays small on the wire and cheap to build.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import cv2
import numpy as np
import plotly.graph_objects as go

Point = tuple[int, int]

MAX_DISPLAY_SIDE = 1100
"""Longest side of the image embedded in a figure; larger images are downscaled for display only."""

OVERLAY_MAX_SIDE = 800
"""The overlay is shown about 640 px wide (a column of the wide layout): a little more keeps it sharp
when zoomed a step, and the browser decodes no more than it shows."""

DISPLAY_JPEG_QUALITY = 85

HIGH_CONF = 0.9
"""At or above: green. Between the threshold and this: amber. Under the threshold: red."""

_GREEN, _AMBER, _RED, _GREY = "#1a9850", "#f39c12", "#d73027", "#7f8c8d"


@dataclass(frozen=True)
class Region:
    """One box to draw: what it is, what was read there (already masked if it must be), how sure."""

    name: str
    value: str
    conf: float | None
    points: tuple[Point, ...]
    confirmed: bool = False
    """A validator proves the value right (``ocr_core.confirmation``): green whatever its confidence."""


def conf_colour(conf: float | None, threshold: float, confirmed: bool = False) -> str:
    """Green when confirmed by a check; else by confidence: red under the threshold, amber up to
    ``HIGH_CONF``, green above; grey without one."""
    if confirmed:
        return _GREEN
    if conf is None:
        return _GREY
    if conf < threshold:
        return _RED
    return _GREEN if conf >= HIGH_CONF else _AMBER


def _band(conf: float | None, threshold: float) -> str:
    if conf is None:
        return "n/a"
    if conf < threshold:
        return f"< {threshold:.2f}"
    return f"≥ {HIGH_CONF:.2f}" if conf >= HIGH_CONF else f"{threshold:.2f}–{HIGH_CONF:.2f}"


def _data_uri(bgr_or_bgra: np.ndarray) -> str:
    """Data URI of a BGR(A) array: JPEG for pictures (a tenth of a PNG's size for photos), PNG
    for layers with transparency."""
    if bgr_or_bgra.ndim == 3 and bgr_or_bgra.shape[2] == 4:
        ok, buf = cv2.imencode(".png", bgr_or_bgra)
        mime = "image/png"
    else:
        ok, buf = cv2.imencode(".jpg", bgr_or_bgra, [cv2.IMWRITE_JPEG_QUALITY, DISPLAY_JPEG_QUALITY])
        mime = "image/jpeg"
    if not ok:  # pragma: no cover - OpenCV only fails on malformed arrays
        raise ValueError("cannot encode image for display")
    return f"data:{mime};base64," + base64.b64encode(buf.tobytes()).decode("ascii")


def _display_scale(width: int, height: int) -> float:
    return min(1.0, MAX_DISPLAY_SIDE / max(width, height))


def _image_trace(
    bgr: np.ndarray, name: str = "image", max_side: int = MAX_DISPLAY_SIDE, offset: tuple[int, int] = (0, 0)
) -> dict[str, object]:
    """``bgr`` as an image trace at most ``max_side`` long; ``offset`` places a cut-out at its spot in
    the whole image's pixels."""
    h, w = bgr.shape[:2]
    scale = min(1.0, max_side / max(w, h))
    shown = (
        bgr
        if scale == 1.0
        else cv2.resize(bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    )
    sh, sw = shown.shape[:2]
    placed = {"x0": offset[0], "y0": offset[1]} if offset != (0, 0) else {}
    return {
        "type": "image",
        "source": _data_uri(shown),
        "dx": w / sw,
        "dy": h / sh,
        "name": name,
        "hoverinfo": "skip",
        **placed,
    }


def _image_layout(
    width: int, height: int, *, legend: bool, display_width: int, font_size: int | None = None
) -> dict[str, object]:
    """Axes in image pixels (y down), and a figure height that fits the image at ``display_width``
    so no blank band is left above and below it. ``font_size`` is named for the legend too (the
    Streamlit theme sets its size itself)."""
    sized = {"font": {"size": font_size}} if font_size else {}
    fig_height = min(760, max(200, round(display_width * height / width))) + (60 if legend else 0)
    return dict(
        xaxis={"visible": False, "range": [0, width], "constrain": "domain"},
        yaxis={"visible": False, "range": [height, 0], "scaleanchor": "x", "constrain": "domain"},
        margin={"l": 0, "r": 0, "t": 34, "b": 0},  # room for the toolbar above the image, not over it
        height=fig_height + 24,
        showlegend=legend,
        legend=dict(orientation="h", yanchor="top", y=-0.02, xanchor="left", x=0, **sized),
        hoverlabel={"font_size": (font_size or 10) + 4},
        dragmode="pan",
        **sized,
    )


def _figure(traces: list[dict[str, object]], layout: dict[str, object]) -> go.Figure:
    """One ``go.Figure`` from plain dicts: validated once, instead of once per ``add_trace`` and
    ``update_*`` call (which made up most of a figure's build time)."""
    return go.Figure(data=traces, layout=layout)


def overlay_figure(
    bgr: np.ndarray,
    regions: Sequence[Region],
    *,
    threshold: float = 0.8,
    other_boxes: Sequence[Sequence[Point]] = (),
    other_boxes_name: str = "text boxes",
    display_width: int = 640,
    font_size: int | None = None,
    values: bool = True,
    view: tuple[int, int, int, int] | None = None,
) -> go.Figure:
    """The image with every region drawn as a filled, hoverable polygon coloured by confidence, and
    (``values``) what was read there written beside it — ``region.value``, masked as the table shows it
    — so the picture reads without hovering. ``view`` (x0, y0, x1, y1) shows only that part of the
    image (a photo cropped to its document), embedded at the overlay's size; boxes keep the whole
    image's coordinates.

    Each region is its own legend entry (click to hide it); ``other_boxes`` (e.g. every text box the
    API detected) form one extra entry, hidden until switched on. The image is embedded at about
    its display size (``OVERLAY_MAX_SIDE``): the browser decodes and draws no more than it shows.
    """
    h, w = bgr.shape[:2]
    if view is None:
        traces = [_image_trace(bgr, max_side=OVERLAY_MAX_SIDE)]
    else:
        x0, y0, x1, y1 = view
        traces = [_image_trace(bgr[y0:y1, x0:x1], max_side=OVERLAY_MAX_SIDE, offset=(x0, y0))]
    notes: list[dict[str, object]] = []
    for region in regions:
        if len(region.points) < 3:
            continue
        colour = conf_colour(region.conf, threshold, region.confirmed)
        corners_x = [p[0] for p in region.points] + [region.points[0][0]]
        corners_y = [p[1] for p in region.points] + [region.points[0][1]]
        conf_txt = "–" if region.conf is None else f"{region.conf:.2f}"
        hover = f"<b>{region.name}</b><br>{region.value}<br>conf {conf_txt}" + (
            " ✓" if region.confirmed else ""
        )
        # One trace per region: its outline, a gap, and a marker at its centre that is easy to hover
        # (a trace apiece for outline and marker doubled the browser's work for the same picture).
        cx, cy = float(np.mean(corners_x[:-1])), float(np.mean(corners_y[:-1]))
        xs, ys = [*corners_x, None, cx], [*corners_y, None, cy]
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines+markers",
                "fill": "toself",
                "fillcolor": _rgba(colour, 0.18),
                "line": {"color": colour, "width": 3},
                "marker": {"size": [0] * (len(xs) - 1) + [14], "color": colour, "opacity": 0.35},
                "name": region.name,
                "legendgroup": region.name,
                "hoveron": "points+fills",
                "text": [hover] * len(xs),
                "hovertemplate": "%{text}<extra></extra>",
                "meta": _band(region.conf, threshold),
            }
        )
        if values and region.value:
            notes.append(_value_note(region, colour, h, font_size))
    if other_boxes:
        xs_all: list[float | None] = []
        ys_all: list[float | None] = []
        for box in other_boxes:
            if len(box) < 3:
                continue
            xs_all += [p[0] for p in box] + [box[0][0], None]
            ys_all += [p[1] for p in box] + [box[0][1], None]
        traces.append(
            {
                "type": "scatter",
                "x": xs_all,
                "y": ys_all,
                "mode": "lines",
                "line": {"color": "#2e86de", "width": 1, "dash": "dot"},
                "name": other_boxes_name,
                "hoverinfo": "skip",
                "visible": "legendonly",
            }
        )
    if view is None:
        layout = _image_layout(w, h, legend=True, display_width=display_width, font_size=font_size)
    else:
        x0, y0, x1, y1 = view
        layout = _image_layout(
            x1 - x0, y1 - y0, legend=True, display_width=display_width, font_size=font_size
        )
        layout["xaxis"] = {**layout["xaxis"], "range": [x0, x1]}  # type: ignore[dict-item]
        layout["yaxis"] = {**layout["yaxis"], "range": [y1, y0]}  # type: ignore[dict-item]
    if notes:
        layout["annotations"] = notes
    return _figure(traces, layout)


def _value_note(region: Region, colour: str, height: int, font_size: int | None) -> dict[str, object]:
    """The value written just above its box (below it when the box touches the image's top), on a
    pale label edged in the box's colour."""
    xs = [p[0] for p in region.points]
    ys = [p[1] for p in region.points]
    above = min(ys) > 0.06 * height
    return {
        "x": min(xs),
        "y": min(ys) if above else max(ys),
        "xref": "x",
        "yref": "y",
        "text": escape(region.value),
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "bottom" if above else "top",
        "bgcolor": "rgba(255,255,255,0.88)",
        "bordercolor": colour,
        "borderwidth": 1,
        "borderpad": 1,
        "font": {"size": (font_size or 11) + 1, "color": "#111"},
    }


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _threshold_line(threshold: float) -> dict[str, object]:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": threshold,
        "x1": threshold,
        "y0": 0,
        "y1": 1,
        "line": {"color": _RED, "dash": "dash", "width": 2},
    }


def compare_confidence_figure(
    names: Sequence[str],
    confs_a: Sequence[float | None],
    confs_b: Sequence[float | None],
    labels: tuple[str, str],
    threshold: float,
) -> go.Figure:
    """Grouped bars: the confidence of each field in image A and image B."""
    traces: list[dict[str, object]] = [
        {
            "type": "bar",
            "x": [0.0 if c is None else c for c in confs],
            "y": list(names),
            "orientation": "h",
            "name": label,
            "marker": {"color": colour},
            "text": ["–" if c is None else f"{c:.2f}" for c in confs],
            "textposition": "outside",
            "cliponaxis": False,
        }
        for confs, label, colour in ((confs_a, labels[0], "#2e86de"), (confs_b, labels[1], "#8e44ad"))
    ]
    return _figure(
        traces,
        {
            "barmode": "group",
            "margin": {"l": 10, "r": 30, "t": 10, "b": 10},
            "height": max(200, 48 * len(names) + 80),
            "legend": {"orientation": "h", "y": -0.1},
            "xaxis": {"range": [0, 1.1]},
            "yaxis": {"autorange": "reversed"},
            "shapes": [_threshold_line(threshold)],
        },
    )


def glare_figure(
    bgr: np.ndarray,
    mask: np.ndarray | None,
    quad: Sequence[Point] | None = None,
    *,
    quad_name: str = "card",
    display_width: int = 420,
) -> go.Figure:
    """The image with the glare mask painted over it in translucent magenta and, when found, the
    card boundary as an outline."""
    h, w = bgr.shape[:2]
    traces = [_image_trace(bgr)]
    if mask is not None and mask.any():
        # Paint at display size: a full-size RGBA layer of a 12-megapixel photo costs ~0.2 s.
        scale = _display_scale(w, h)
        sw, sh = max(1, round(w * scale)), max(1, round(h * scale))
        small = cv2.resize(mask.astype(np.uint8), (sw, sh), interpolation=cv2.INTER_NEAREST)
        rgba = np.zeros((sh, sw, 4), dtype=np.uint8)
        rgba[small.astype(bool)] = (200, 0, 255, 150)  # magenta, in BGRA
        traces.append(
            {
                "type": "image",
                "source": _data_uri(rgba),
                "dx": w / sw,
                "dy": h / sh,
                "name": "glare",
                "hoverinfo": "skip",
            }
        )
    if quad is not None and len(quad) >= 3:
        xs = [p[0] for p in quad] + [quad[0][0]]
        ys = [p[1] for p in quad] + [quad[0][1]]
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "line": {"color": "#00c853", "width": 3},
                "name": quad_name,
                "hoverinfo": "skip",
            }
        )
    return _figure(traces, _image_layout(w, h, legend=False, display_width=display_width))
