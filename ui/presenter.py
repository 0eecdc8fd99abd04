"""Presenter mode: one switch in the sidebar, one on Settings, and the URL — ``?present=1`` turns it
on (so a bookmark opens it), ``?present=0`` off — all kept in step. The mode itself is
``ui.session.presenter_view`` (large type, no JSON or envelope views, no "Will send" line or other
engineering detail); its style is ``ui.sidebar.PRESENTER_CSS``."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.session import PRESENTER_KEY, presenter_view

PARAM = "present"
SWITCH_KEY = "side_presenter"
SETTINGS_KEY = "settings_presenter"
_SEEN = "_present_param_seen"
"""The last ``?present=`` value applied: a URL value is applied once, not against a later switch."""


def set_presenter(on: bool) -> None:
    """Turn presenter mode on or off everywhere: the mode, both switches and the address bar."""
    st.session_state[PRESENTER_KEY] = on
    st.session_state[SETTINGS_KEY] = on
    if on:
        st.query_params[PARAM] = "1"
        st.session_state[_SEEN] = "1"
    elif PARAM in st.query_params:
        del st.query_params[PARAM]
        st.session_state[_SEEN] = None


def from_url() -> None:
    """Apply ``?present=1`` / ``?present=0`` when the URL brings a value not applied yet."""
    value = st.query_params.get(PARAM)
    if value is None or value == st.session_state.get(_SEEN):
        return
    st.session_state[_SEEN] = value
    st.session_state[PRESENTER_KEY] = value.strip().lower() in ("1", "true", "yes", "on")
    st.session_state[SETTINGS_KEY] = st.session_state[PRESENTER_KEY]


def switch() -> None:
    """The sidebar's switch, showing the mode as it is now (whichever door last changed it)."""
    from_url()
    st.session_state[SWITCH_KEY] = presenter_view()
    st.sidebar.toggle(
        t("set.presenter"),
        key=SWITCH_KEY,
        help=t("side.presenter_help"),
        on_change=lambda: set_presenter(bool(st.session_state.get(SWITCH_KEY))),
    )
