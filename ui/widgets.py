"""Small widget helpers shared by pages."""
from __future__ import annotations

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


def table(rows: Sequence[Mapping[str, object]], *, presenter: bool, key: str | None = None,
          height: int | Literal["auto"] = "auto",
          column_config: Mapping[str, Any] | None = None, text_columns: Sequence[str] = ()) -> None:
    """A read-only table: the interactive grid normally; in presenter view a plain HTML table,
    whose type the presenter style can enlarge (the grid draws on a canvas). ``text_columns`` are
    formatted as two-decimal numbers there, since the grid's column formats do not apply."""
    if presenter:
        shown = [{k: (f"{v:.2f}" if k in text_columns and isinstance(v, float) else v) for k, v in row.items()}
                 for row in rows]
        st.table(shown, hide_index=True)
    else:
        st.dataframe(list(rows), hide_index=True, width="stretch", height=height, key=key,
                     column_config=dict(column_config or {}))
