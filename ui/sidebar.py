"""The shared sidebar: which backend is in use (always visible), language, masking switch; and the
presenter view's style (large type in the main area only; the sidebar keeps its size). Tables are
drawn on a canvas that CSS cannot enlarge, so presenter view shows them as plain HTML tables (see
``ui.widgets.table``); charts take a larger font from ``PRESENTER_CHART_FONT``."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.backend_choice import choice_name, offered
from ui.errors import guarded
from ui.i18n import LANG_KEY, LANG_NAMES, LANGS, default_lang, resync, t
from ui.session import (
    MASKING_KEY,
    base_url,
    client,
    connection,
    effective_connection,
    presenter_view,
    set_connection,
)

BASE_CSS = """
<style>
  /* Plain HTML tables (ui.widgets.html_table): whole width, cells wrap at word boundaries (Korean
     too: keep-all breaks between words, not syllables); columns are sized so no word has to break,
     and only a run longer than the whole table's width would. */
  .studio-table-wrap { width: 100%; overflow-x: auto; }
  table.studio-table { width: 100%; border-collapse: collapse; table-layout: auto; }
  table.studio-table th, table.studio-table td { text-align: left; vertical-align: top;
    padding: 0.3rem 0.5rem;
    border-bottom: 1px solid rgba(49, 51, 63, 0.15); white-space: normal; word-break: keep-all;
    overflow-wrap: break-word; }
  table.studio-table th { font-weight: 600; }
  table.studio-table th.nowrap, table.studio-table td.nowrap { white-space: nowrap; }
  /* Gallery names and metric labels: wrap between words rather than clip with an ellipsis. */
  [data-testid="stMain"] [data-testid="stColumn"] button p { white-space: normal; word-break: keep-all;
    overflow-wrap: break-word; }
  [data-testid="stMain"] [data-testid="stMetricLabel"] * { white-space: normal !important;
    overflow: visible !important; text-overflow: clip !important; word-break: keep-all;
    overflow-wrap: normal; }
  /* Metric values too: "정상 (normal)" in a half-width column was cut to "정상 (n…". */
  [data-testid="stMain"] [data-testid="stMetricValue"],
  [data-testid="stMain"] [data-testid="stMetricValue"] * { white-space: normal !important;
    overflow: visible !important; text-overflow: clip !important; word-break: keep-all; }
</style>
"""


PRESENTER_CSS = """
<style>
  [data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label,
  [data-testid="stMain"] button p { font-size: 1.3rem !important; line-height: 1.5; }
  [data-testid="stMain"] h1 { font-size: 3.2rem !important; }
  [data-testid="stMain"] h2 { font-size: 2.4rem !important; }
  [data-testid="stMain"] h3 { font-size: 1.9rem !important; }
  [data-testid="stMain"] [data-testid="stMetricValue"],
  [data-testid="stMain"] [data-testid="stMetricValue"] * { font-size: 2.2rem !important; line-height: 1.2;
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
    word-break: keep-all; }
  [data-testid="stMain"] table.studio-table th,
  [data-testid="stMain"] table.studio-table td { font-size: 1.25rem !important; padding: 0.5rem 0.6rem; }
  [data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 1.1rem !important; }
</style>
"""


PRESENTER_CHART_FONT = 18


def preferences(*, may_unmask: bool) -> None:
    """Language and masking switches (explicit keys, so every page shares them). Only a role that may
    unmask gets the switch; ``masking_on`` refuses everyone else whatever the session state says."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = default_lang()
    st.sidebar.segmented_control(
        t("side.language"),
        LANGS,
        key=LANG_KEY,
        required=True,
        format_func=LANG_NAMES.__getitem__,
        on_change=resync,
    )
    if not may_unmask:
        st.sidebar.caption(t("acc.masking_fixed"))
        return
    st.sidebar.toggle(
        t("side.masking"), value=True, key=MASKING_KEY, help=t("side.masking_help"), on_change=_audit_masking
    )
    if not st.session_state.get(MASKING_KEY, True):
        st.sidebar.warning(t("side.masking_off"), icon=":material/lock_open:")


def quota_lines(box: DeltaGenerator) -> None:
    """ "12 of 50 today" per quota kind, for whoever is signed in (NHN Cloud only)."""
    from ui.billing import usage

    for service, kind in (("credit-card", "analysis"), ("stand-alone", "stand_alone")):
        used = usage(service)
        if used is None:
            return
        name = t(f"err.quota_kind_{kind}")
        if used.user_daily_limit is None:
            box.caption(t("acc.quota_line_unlimited", kind=name, used=used.user_today))
        else:
            box.caption(t("acc.quota_line", kind=name, used=used.user_today, limit=used.user_daily_limit))


def _audit_masking() -> None:
    """Record the switch; an unmasking the audit trail cannot record (its database cannot be opened)
    does not happen: the switch goes back on, and the page says why."""
    from ui.access import audit_event

    unmasking = not st.session_state.get(MASKING_KEY, True)
    recorded = False
    with guarded():
        audit_event("unmask" if unmasking else "mask")
        recorded = True
    if unmasking and not recorded:
        st.session_state[MASKING_KEY] = True


def backend_badge() -> None:
    """SANDBOX or NHN CLOUD in plain words; the endpoint, the API version and the key versions fetched
    so far folded under "Connection details"."""
    conn = effective_connection()
    box = st.container(border=True)
    if conn.backend == "sandbox":
        box.badge(t("side.backend_sandbox"), icon=":material/science:", color="orange")
        box.caption(t("side.sandbox_note"))
    else:
        box.badge(t("side.backend_cloud"), icon=":material/cloud:", color="blue")
        box.caption(t("side.cloud_note"))
        with box, guarded():  # the quotas live in the studio database
            quota_lines(box)
    try:
        url = base_url(conn)
        versions = client(conn).key_versions()
    except Exception as exc:  # noqa: BLE001 - the sandbox failed to start, or settings are invalid
        box.error(t("side.unavailable", reason=type(exc).__name__), icon=":material/warning:")
        return
    if presenter_view():  # engineering facts: not even folded in front of an audience
        return
    details = box.expander(t("side.details"))  # engineering facts, folded away from an audience
    details.markdown(f"**{t('side.endpoint')}**  \n`{url}`")
    details.markdown(f"**{t('side.api_version')}** `{conn.api_version}`")
    shown = ", ".join(f"{svc} v{ver}" for svc, ver in sorted(versions.items())) or t("side.no_keys")
    details.markdown(f"**{t('side.key_versions')}**  \n{shown}")


SIDEBAR_KEY = "side_backend"


def _on_sidebar_change() -> None:
    chosen = st.session_state.get(SIDEBAR_KEY)
    if chosen in ("sandbox", "cloud"):
        set_connection(replace(connection(), backend=chosen))
        st.session_state.pop("settings_backend", None)  # the Settings page's radio follows on its next draw


def sidebar_choice() -> None:
    """The analyses' backend, in the sidebar: a choice when the role has two, a line saying why when
    it has none; it shows what is used now (a rule changed meanwhile: the role's default)."""
    from ui.access import current_identity

    identity = current_identity()
    conn = connection()  # the wish; what is used is decided at each use (``effective_connection``)
    use = effective_connection()
    options = offered(identity, conn.api_version)
    if not options:
        st.sidebar.warning(t("bk.none_available"), icon=":material/block:")
        return
    if len(options) < 2:
        return
    st.session_state[SIDEBAR_KEY] = use.backend
    st.sidebar.radio(
        t("bk.sidebar_label"),
        options,
        key=SIDEBAR_KEY,
        format_func=choice_name,
        on_change=_on_sidebar_change,
        help=t("bk.sidebar_help"),
    )
