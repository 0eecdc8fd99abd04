"""The shared sidebar: which backend is in use (always visible), language, masking switch."""
from __future__ import annotations

import streamlit as st

from ui.i18n import LANG_KEY, LANG_NAMES, LANGS, default_lang, t
from ui.session import MASKING_KEY, base_url, client, effective_connection

PRESENTER_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 21px; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.25rem; }
  [data-testid="stMetricValue"] { font-size: 2.6rem; }
  h1 { font-size: 3rem !important; } h2 { font-size: 2.3rem !important; } h3 { font-size: 1.9rem !important; }
  [data-testid="stDataFrame"] { font-size: 1.1rem; }
</style>
"""


def preferences() -> None:
    """Language and masking switches (explicit keys, so every page shares them)."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = default_lang()
    st.sidebar.segmented_control(t("side.language"), LANGS, key=LANG_KEY, required=True,
                                 format_func=LANG_NAMES.__getitem__)
    st.sidebar.toggle(t("side.masking"), value=True, key=MASKING_KEY, help=t("side.masking_help"))
    if not st.session_state.get(MASKING_KEY, True):
        st.sidebar.warning(t("side.masking_off"), icon=":material/lock_open:")


def backend_badge() -> None:
    """SANDBOX or NHN CLOUD, the endpoint, the API version and the key versions fetched so far."""
    conn = effective_connection()
    box = st.container(border=True)
    if conn.backend == "sandbox":
        box.badge(t("side.backend_sandbox"), icon=":material/science:", color="orange")
        box.caption(t("side.sandbox_note"))
    else:
        box.badge(t("side.backend_cloud"), icon=":material/cloud:", color="blue")
        box.caption(t("side.cloud_note"))
    try:
        url = base_url(conn)
        versions = client(conn).key_versions()
    except Exception as exc:  # the sandbox failed to start, or settings are invalid
        box.error(t("side.unavailable", reason=type(exc).__name__), icon=":material/warning:")
        return
    box.markdown(f"**{t('side.endpoint')}**  \n`{url}`")
    box.markdown(f"**{t('side.api_version')}** `{conn.api_version}`")
    shown = ", ".join(f"{svc} v{ver}" for svc, ver in sorted(versions.items())) or t("side.no_keys")
    box.markdown(f"**{t('side.key_versions')}**  \n{shown}")
