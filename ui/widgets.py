"""Small widget helpers shared by pages."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar

import streamlit as st

T = TypeVar("T")


def persistent(widget_key: str, initial: Any, make: Callable[[str], T]) -> T:
    """Create a widget whose value outlives page switches.

    Streamlit forgets a widget's state when its page is left; the lasting value lives elsewhere (a
    non-widget session key, or the connection), so seed the widget from it when it is (re)created.
    """
    if widget_key not in st.session_state:
        st.session_state[widget_key] = initial
    return make(widget_key)


def table(
    rows: Sequence[Mapping[str, object]],
    *,
    presenter: bool,
    key: str | None = None,
    height: int | Literal["auto"] = "auto",
    column_config: Mapping[str, Any] | None = None,
    text_columns: Sequence[str] = (),
    wrap: bool = False,
    nowrap_columns: Sequence[str] = (),
) -> None:
    """A read-only table: the interactive grid normally; in presenter view a plain HTML table,
    whose type the presenter style can enlarge (the grid draws on a canvas). ``text_columns`` are
    formatted as two-decimal numbers there, since the grid's column formats do not apply. ``wrap``
    asks for the HTML table in every view: for tables whose long sentences are the point (the quality
    panel's reasons, the envelope's details), which the grid would cut off; its ``nowrap_columns``
    (short labels, verdicts, numbers) stay on one line, so the long ones wrap instead.

    Not ``st.table``: it renders every cell as Markdown, so a masked ``****`` became an empty cell and
    ``11-19-******-**`` lost its stars. Here every value is escaped text."""
    if presenter or wrap:
        if rows:  # st.html refuses an empty body: no rows draw nothing (the caller says "0 rows")
            st.html(html_table(rows, text_columns, nowrap_columns))
    else:
        st.dataframe(
            list(rows),
            hide_index=True,
            width="stretch",
            height=height,
            key=key,
            column_config=dict(column_config or {}),
        )


PRESENTER_TABLE_CLASS = "studio-table"


def _cell(value: object, number: bool) -> str:
    if value is None:
        return ""
    if number and isinstance(value, float):
        return f"{value:.2f}"
    return html.escape(str(value))


def html_table(
    rows: Sequence[Mapping[str, object]], text_columns: Sequence[str] = (), nowrap_columns: Sequence[str] = ()
) -> str:
    """A plain HTML table with every value escaped (never Markdown), for the presenter view; its style
    (``ui.sidebar.BASE_CSS``) wraps long cells at word boundaries instead of clipping them, and keeps
    the cells of ``nowrap_columns`` on one line (Korean "✓ 통과" wrapped in a narrow verdict column)."""
    if not rows:
        return ""
    columns = list(rows[0].keys())
    nowrap = {c: ' class="nowrap"' if c in nowrap_columns else "" for c in columns}
    head = "".join(f"<th{nowrap[c]}>{html.escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td{nowrap[c]}>{_cell(row.get(c), c in text_columns)}</td>" for c in columns)
        + "</tr>"
        for row in rows
    )
    return (
        f'<div class="{PRESENTER_TABLE_CLASS}-wrap"><table class="{PRESENTER_TABLE_CLASS}">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
