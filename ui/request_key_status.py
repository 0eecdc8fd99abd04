"""A Request-Key's state as the pages show it: spent, expired, or the minutes left of its hour."""

from __future__ import annotations

import streamlit as st

from ocr_core import RequestKey
from ui.i18n import t


def warn_if_unusable(rk: RequestKey) -> bool:
    """Show why the key can no longer be used; True when it cannot."""
    if rk.spent:
        st.warning(t("au.spent"), icon=":material/lock:")
    elif rk.expired():
        st.warning(t("au.expired"), icon=":material/hourglass_empty:")
    return not rk.usable()


def time_left(rk: RequestKey) -> str:
    """The rest of the key's hour as MM:SS."""
    left = int(rk.remaining().total_seconds())
    return f"{left // 60:02d}:{left % 60:02d}"
