"""The confidence chart of a result as a small SVG drawn here: one bar per field, coloured by
confidence, with the threshold as a dashed line. Pure function, no Streamlit.

It was a Plotly figure; but it has nothing to hover or zoom (every value is written beside its bar),
and mounting a Plotly chart cost the browser ~100 ms on every first result of a tab — more than the
whole rest of the confidence column. An SVG image is decoded and drawn in a few milliseconds.
"""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ui.figures import conf_colour

_FONT = "'Source Sans Pro','Source Sans 3','Noto Sans KR','Nanum Gothic','Malgun Gothic',sans-serif"
_TEXT, _MUTED, _GRID, _THRESHOLD = "#31333f", "#808495", "#e6e9ef", "#d73027"


def _text_width(text: str, font_size: int) -> float:
    """A rough rendered width: Hangul and other wide glyphs about one em, Latin about half."""
    return sum(font_size * (1.0 if ord(ch) > 0x2E80 else 0.55) for ch in text)


def confidence_svg(names: Sequence[str], confs: Sequence[float | None], threshold: float, *,
                   threshold_label: str = "threshold", font_size: int = 13, width: int = 420) -> str:
    """Horizontal bars of confidence per field (0–1) with the threshold as a dashed vertical line.

    Bars under the threshold are red, at or above ``HIGH_CONF`` green, between amber; a field without
    a confidence has no bar and "–" as its value. Sizes follow ``font_size`` (presenter view).
    """
    row = round(font_size * 2.3)
    bar = round(row * 0.62)
    top, bottom = round(font_size * 2.0), round(font_size * 2.0)
    label_w = min(width * 0.45, max((_text_width(n, font_size) for n in names), default=0) + 10)
    value_w = _text_width("0.00", font_size) + 8
    x0, plot_w = label_w, max(40.0, width - label_w - value_w)
    height = top + row * len(names) + bottom

    def x(v: float) -> float:
        return x0 + max(0.0, min(1.0, v)) * plot_w

    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
              f'height="{height}" font-family="{_FONT}" font-size="{font_size}" role="img">')]
    for tick in (0.0, 0.5, 1.0):
        parts.append(f'<line x1="{x(tick):.1f}" y1="{top - 4}" x2="{x(tick):.1f}" y2="{height - bottom + 4}" '
                     f'stroke="{_GRID}"/>')
        parts.append(f'<text x="{x(tick):.1f}" y="{height - bottom + font_size + 6}" fill="{_MUTED}" '
                     f'text-anchor="middle">{tick:.1f}</text>')
    for i, (name, conf) in enumerate(zip(names, confs, strict=True)):
        mid = top + row * i + row / 2
        parts.append(f'<text x="{x0 - 8:.1f}" y="{mid:.1f}" fill="{_TEXT}" text-anchor="end" '
                     f'dominant-baseline="central">{escape(name)}</text>')
        if conf is not None:
            parts.append(f'<rect x="{x0:.1f}" y="{mid - bar / 2:.1f}" width="{x(conf) - x0:.1f}" height="{bar}" '
                         f'rx="2" fill="{conf_colour(conf, threshold)}"/>')
        value = "–" if conf is None else f"{conf:.2f}"
        parts.append(f'<text x="{x(conf or 0.0) + 5:.1f}" y="{mid:.1f}" fill="{_MUTED}" '
                     f'dominant-baseline="central">{value}</text>')
    tx = x(threshold)
    anchor = "end" if threshold > 0.5 else "start"
    parts.append(f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{height - bottom + 2}" '
                 f'stroke="{_THRESHOLD}" stroke-width="2" stroke-dasharray="5 4"/>')
    parts.append(f'<text x="{tx:.1f}" y="{top - 10}" fill="{_THRESHOLD}" text-anchor="{anchor}">'
                 f'{escape(threshold_label)} {threshold:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)
