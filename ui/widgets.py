"""Small widget helpers shared by pages."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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
