"""Runs: the lab's history — filter, open, resume, resend or settle items of unknown fate, delete, and
compare two runs side by side. Each action is decided by ``qa.runner`` on the server (``access.policy``,
with the signed-in identity and the run's owner) and audited; the page shows only the buttons the
identity may press."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from access.policy import AccessDenied, Action, Identity, run_allowed
from qa import analysis, words
from qa.images import held_uploads
from qa.runner import (
    SERVICES,
    NotConfirmed,
    RunFacts,
    delete_run,
    mark_interrupted,
    resend_unknown,
    resendable,
    resume_run,
    run_facts,
    settle_unknown,
)
from qa.spool import other_key
from qa.tasks import enqueue, spool
from ui import lab
from ui.access import current_identity
from ui.backend_choice import refuse_unless_offered
from ui.errors import guarded
from ui.i18n import current_lang, t


def may(identity: Identity | None, action: Action, facts: RunFacts) -> bool:
    return run_allowed(identity, action, owner=facts.owner, backend=facts.backend)


def controls(factory: Any, facts: RunFacts) -> None:
    """The buttons that send or destroy, each only for whom the policy allows it; the click is decided
    again on the server by ``qa.runner`` (a refusal is said here and audited there)."""
    identity = current_identity()
    chosen = facts.id
    if facts.status == "failed" and facts.message:
        reason = t("runs.spool_other_key") if other_key(facts.message) else facts.message
        st.error(t("runs.failed_reason", reason=reason), icon=":material/error:")
    try:
        if facts.unknown:
            st.warning(t("runs.unknown", n=facts.unknown), icon=":material/help:")
            if resendable(facts) and may(identity, Action.RUN_RESEND, facts):
                ok = st.checkbox(
                    t("runs.resend_confirm", n=facts.unknown), key=f"runs_resend_ok_{chosen}_{facts.unknown}"
                )
                if st.button(t("runs.resend", n=facts.unknown), key="runs_resend", disabled=not ok) and ok:
                    refuse_unless_offered(facts.backend, facts.api_version)  # the role's backends, now
                    resend_unknown(factory, chosen, spool(), by=identity, confirmed=facts.unknown)
                    enqueue(chosen, lab.db_url(), facts.backend, facts.api_version)
                    st.rerun()
            if may(identity, Action.RUN_SETTLE, facts) and st.button(
                t("runs.settle", n=facts.unknown), key="runs_settle"
            ):
                settle_unknown(factory, chosen, spool(), by=identity)
                st.rerun()
        b1, b2 = st.columns(2)
        if (
            facts.status == "interrupted"
            and may(identity, Action.RUN_RESUME, facts)
            and b1.button(t("runs.resume", n=facts.pending), key="runs_resume")
        ):
            refuse_unless_offered(facts.backend, facts.api_version)  # the role's backends, now
            resume_run(factory, chosen, spool(), by=identity)
            enqueue(chosen, lab.db_url(), facts.backend, facts.api_version)
            st.rerun()
        if may(identity, Action.RUN_DELETE, facts) and b2.button(t("runs.delete"), key="runs_delete"):
            delete_run(factory, chosen, spool(), by=identity)
            held_uploads.drop(chosen)
            st.rerun()
    except AccessDenied:
        st.error(t("runs.refused"), icon=":material/block:")
    except NotConfirmed as err:
        st.error(t("runs.resend_changed", n=err.unknown), icon=":material/warning:")


def _runs_table(factory: Any, filters: dict[str, Any], lang: str) -> None:
    """The runs as filtered, with their progress counted from the items (as a run's panel counts it)."""
    runs = analysis.list_runs(factory, **filters)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "#": r["id"],
                    t("runs.created"): (r["created_at"] or "")[:19].replace("T", " "),
                    t("runs.service"): words.service(r["service"], lang),
                    t("runs.backend"): r["backend"],
                    t("runs.owner"): r["started_by"],
                    "API": r["api_version"],
                    t("runs.pre"): words.on_off(bool(r["preprocess"]), lang),
                    t("runs.status"): t(f"lab.status.{r['status']}"),
                    t("runs.progress"): f"{r['done']}/{r['total']}",
                }
                for r in runs
            ]
        ),
        hide_index=True,
        key="runs_table",
    )


def main() -> None:
    st.title(t("page.runs"))
    lab.start_queue(lab.db_url())
    factory = lab.factory()
    mark_interrupted(factory)

    c1, c2, c3, c4 = st.columns(4)
    every = t("aud.all")
    lang = current_lang()
    service = c1.selectbox(
        t("runs.service"),
        ["", *SERVICES],
        key="runs_service",
        format_func=lambda v: words.service(v, lang) if v else every,
    )
    backend = c2.selectbox(
        t("runs.backend"), ["", "sandbox", "cloud"], key="runs_backend", format_func=lambda v: v or every
    )
    status = c3.selectbox(
        t("runs.status"),
        ["", "queued", "running", "done", "cancelled", "interrupted", "failed"],
        key="runs_status",
        format_func=lambda v: t(f"lab.status.{v}") if v else every,
    )
    since = c4.date_input(t("runs.since"), value=None, key="runs_since")
    filters: dict[str, Any] = {
        "service": service or None,
        "backend": backend or None,
        "status": status or None,
        "since": dt.datetime.combine(since, dt.time()) if since else None,
    }
    runs = analysis.list_runs(factory, **filters)
    if not runs:  # no st.stop(): the app frame (backend badge) is drawn after the page
        st.info(t("runs.none"))
    else:
        live = any(r["status"] in analysis.ACTIVE for r in runs)  # kept current while runs go on
        st.fragment(run_every=2.0 if live else None)(_runs_table)(factory, filters, lang)
        ids = [r["id"] for r in runs]
        tab_open, tab_compare = st.tabs([t("runs.open"), t("runs.compare")])
        with tab_open:
            chosen = st.selectbox(t("runs.pick"), ids, key="runs_pick")
            row = next(r for r in runs if r["id"] == chosen)
            controls(factory, run_facts(factory, chosen, spool()))
            if row["status"] in ("queued", "running", "cancelling"):
                lab.progress_panel(chosen)
            lab.results_panel(chosen, "runs")
        with tab_compare:
            if len(ids) < 2:
                st.info(t("runs.need_two"))
            else:
                a = st.selectbox("A", ids, index=1, key="runs_cmp_a")
                b = st.selectbox("B", ids, index=0, key="runs_cmp_b")
                lab.compare_runs_view(a, b)


with guarded():
    main()
