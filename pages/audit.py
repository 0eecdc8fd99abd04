"""Audit (admins only): who did what — billed calls, sign-ins, unmasking, refusals, changes — in words
(``ui.audit_view``), with filters, totals per user and day, an Excel-ready CSV, and the retention period
after which rows are purged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import streamlit as st

from access import Action, allowed
from access.audit import change_detail
from ui.access import audit_event, current_identity, refused_page
from ui.audit_view import backend_words, csv_bytes, local_zone, screen_rows, totals_rows, where_words
from ui.billing import ledger
from ui.errors import guarded
from ui.i18n import current_lang, t
from ui.widgets import table

RETENTION_KEY = "audit.retention_days"
DEFAULT_RETENTION_DAYS = 365
SHOWN_ROWS = 300  # rows drawn on the page (newest first); the CSV holds every row the filters select


def retention_form() -> None:
    book = ledger()
    current = int(book.setting(RETENTION_KEY) or DEFAULT_RETENTION_DAYS)
    with st.form("audit_retention"):
        days = st.number_input(t("aud.retention"), min_value=1, max_value=3650, value=current, step=1)
        if st.form_submit_button(t("aud.retention_save")):
            if not allowed(current_identity(), Action.AUDIT):  # checked again at the action
                audit_event("refused", action=str(Action.AUDIT))
                return
            book.set_setting(RETENTION_KEY, str(int(days)))
            removed = book.purge(int(days))
            audit_event(
                "settings_change",
                action="audit_retention",
                detail=change_detail({RETENTION_KEY: (current, int(days))}),
            )
            st.success(t("aud.purged", n=removed, days=int(days)))


def _zone_name() -> str | None:
    try:
        return st.context.timezone
    except Exception:  # noqa: BLE001 - no browser context
        return None


def main() -> None:
    identity = current_identity()
    if not allowed(identity, Action.AUDIT):  # a link followed by someone else: said in words, and audited
        refused_page("audit", Action.AUDIT)
        return
    st.title(t("page.audit"))
    lang, zone = current_lang(), local_zone(_zone_name())
    book = ledger()
    book.purge(int(book.setting(RETENTION_KEY) or DEFAULT_RETENTION_DAYS))
    today = datetime.now(UTC).date()
    # Two rows on one grid: five filters in a row left the date range too narrow to show both dates.
    c1, c2, c3 = st.columns([3, 3, 2])
    period = c1.date_input(t("aud.dates"), (today - timedelta(days=7), today))
    users = book.users()
    user = c2.selectbox(t("aud.user"), [""] + users, format_func=lambda u: u or t("aud.all"))
    backend = c3.selectbox(
        t("aud.backend"),
        ["", "sandbox", "cloud"],
        format_func=lambda b: backend_words(b, lang) if b else t("aud.all"),
    )
    c4, c5, _ = st.columns([3, 3, 2])
    door = c4.selectbox(
        t("aud.door"),
        ["", *book.doors()],
        format_func=lambda d: where_words(d, lang) if d else t("aud.door_pages"),
        key="audit_door",
    )
    code_text = c5.text_input(t("aud.code"), "")
    since, until = period if isinstance(period, tuple) and len(period) == 2 else (today, today)
    code = int(code_text) if code_text.strip().lstrip("-").isdigit() else None
    rows = book.events(
        user=user or None,
        since=since,
        until=until,
        backend=backend or None,
        result_code=code,
        where=door or None,
    )
    st.caption(
        t("aud.count", n=len(rows)) + ("" if len(rows) <= SHOWN_ROWS else " " + t("aud.shown", n=SHOWN_ROWS))
    )
    table(
        screen_rows(rows[:SHOWN_ROWS], lang, zone),
        presenter=False,
        wrap=True,
        nowrap_columns=[t("aud.c_when")],
    )
    st.download_button(
        t("aud.csv"),
        csv_bytes(rows, lang, zone),
        file_name=f"audit-{since}-{until}.csv",
        mime="text/csv",
        on_click="ignore",
    )
    st.subheader(t("aud.totals"))
    totals = [r for r in book.totals(since=since) if date.fromisoformat(r["day"]) <= until]
    if totals:
        table(totals_rows(totals, lang), presenter=False, wrap=True)
    else:
        st.caption(t("aud.no_billed"))
    st.subheader(t("aud.retention_heading"))
    retention_form()


with guarded():
    main()
