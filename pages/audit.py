"""Audit (admins only): who did what — billed calls, sign-ins, unmasking, refusals — with filters,
totals per user and day, a CSV export, and the retention period after which rows are purged."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import streamlit as st

from access import Action, allowed
from ocr_core.csv_cells import safe_cell
from ui.access import audit_event, current_identity
from ui.billing import ledger
from ui.errors import guarded
from ui.i18n import t

RETENTION_KEY = "audit.retention_days"
DEFAULT_RETENTION_DAYS = 365
COLUMNS = ("at", "user", "role", "kind", "where", "action", "backend", "api_version", "service", "result_code",
           "latency_ms", "image_sha256", "request_key_hash", "masked")


def _csv(rows: Sequence[dict]) -> bytes:
    """The rows as CSV, every cell through ``ocr_core.csv_cells`` (a user or action that starts with
    ``=`` is written as text, not as a formula)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: safe_cell(r.get(k)) for k in COLUMNS} for r in rows)
    return out.getvalue().encode("utf-8")


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
            audit_event("settings_change", action="audit_retention")
            st.success(t("aud.purged", n=removed, days=int(days)))


def main() -> None:
    st.title(t("page.audit"))
    identity = current_identity()
    if not allowed(identity, Action.AUDIT):
        audit_event("refused", action=str(Action.AUDIT))
        st.error(t("aud.admin_only"), icon=":material/lock:")
        return
    book = ledger()
    book.purge(int(book.setting(RETENTION_KEY) or DEFAULT_RETENTION_DAYS))
    today = datetime.now(UTC).date()
    # Two rows on one grid: five filters in a row left the date range too narrow to show both dates.
    c1, c2, c3 = st.columns([3, 3, 2])
    period = c1.date_input(t("aud.dates"), (today - timedelta(days=7), today))
    users = book.users()
    user = c2.selectbox(t("aud.user"), [""] + users, format_func=lambda u: u or t("aud.all"))
    backend = c3.selectbox(t("aud.backend"), ["", "sandbox", "cloud"], format_func=lambda b: b or t("aud.all"))
    c4, c5, _ = st.columns([3, 3, 2])
    door = c4.selectbox(t("aud.door"), ["", *book.doors()], format_func=lambda d: d or t("aud.door_pages"),
                        key="audit_door")
    code_text = c5.text_input(t("aud.code"), "")
    since, until = (period if isinstance(period, tuple) and len(period) == 2 else (today, today))
    code = int(code_text) if code_text.strip().lstrip("-").isdigit() else None
    rows = book.events(user=user or None, since=since, until=until, backend=backend or None, result_code=code,
                       where=door or None)
    st.caption(t("aud.count", n=len(rows)))
    shown = [{k: ("" if r.get(k) is None else r.get(k)) for k in COLUMNS} for r in rows]
    st.dataframe(shown, hide_index=True, width="stretch")
    st.download_button(t("aud.csv"), _csv(rows), file_name=f"audit-{since}-{until}.csv", mime="text/csv",
                       on_click="ignore")
    st.subheader(t("aud.totals"))
    totals = [r for r in book.totals(since=since) if date.fromisoformat(r["day"]) <= until]
    if totals:
        st.dataframe(totals, hide_index=True, width="stretch")
    else:
        st.caption(t("aud.no_billed"))
    st.subheader(t("aud.retention_heading"))
    retention_form()


with guarded():
    main()
