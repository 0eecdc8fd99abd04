"""Runs: the lab's history — filter, open, resume, delete, and compare two runs side by side."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from qa import analysis
from qa.images import held_uploads
from qa.runner import SERVICES, delete_run, mark_interrupted, resume_run
from qa.tasks import enqueue, spool
from ui import lab
from ui.errors import guarded
from ui.i18n import t


def main() -> None:
    st.title(t("page.runs"))
    lab.start_queue(lab.db_url())
    factory = lab.factory()
    mark_interrupted(factory)

    c1, c2, c3, c4 = st.columns(4)
    every = t("aud.all")
    service = c1.selectbox(t("runs.service"), ["", *SERVICES], key="runs_service", format_func=lambda v: v or every)
    backend = c2.selectbox(t("runs.backend"), ["", "sandbox", "cloud"], key="runs_backend",
                           format_func=lambda v: v or every)
    status = c3.selectbox(t("runs.status"), ["", "queued", "running", "done", "cancelled", "interrupted"],
                          key="runs_status", format_func=lambda v: t(f"lab.status.{v}") if v else every)
    since = c4.date_input(t("runs.since"), value=None, key="runs_since")
    runs = analysis.list_runs(factory, service=service or None, backend=backend or None, status=status or None,
                              since=dt.datetime.combine(since, dt.time()) if since else None)
    if not runs:  # no st.stop(): the app frame (backend badge) is drawn after the page
        st.info(t("runs.none"))
    else:
        st.dataframe(pd.DataFrame([{"#": r["id"], t("runs.created"): (r["created_at"] or "")[:19],
                                    t("runs.service"): r["service"], t("runs.backend"): r["backend"],
                                    "API": r["api_version"], t("runs.pre"): r["preprocess"],
                                    t("runs.status"): t(f"lab.status.{r['status']}"),
                                    t("runs.progress"): f"{r['done']}/{r['total']}"} for r in runs]),
                     hide_index=True, key="runs_table")
        ids = [r["id"] for r in runs]
        tab_open, tab_compare = st.tabs([t("runs.open"), t("runs.compare")])
        with tab_open:
            chosen = st.selectbox(t("runs.pick"), ids, key="runs_pick")
            row = next(r for r in runs if r["id"] == chosen)
            b1, b2 = st.columns(2)
            if row["status"] == "interrupted" and b1.button(t("runs.resume"), key="runs_resume"):
                resume_run(factory, chosen)
                enqueue(chosen, lab.db_url(), row["backend"], row["api_version"])
                st.rerun()
            if b2.button(t("runs.delete"), key="runs_delete"):
                delete_run(factory, chosen, spool())
                held_uploads.drop(chosen)
                st.rerun()
            if row["status"] in ("queued", "running", "cancelling"):
                lab.progress_panel(chosen)
            lab.results_panel(chosen, "runs")
        with tab_compare:
            if len(ids) < 2:
                st.info(t("runs.need_two"))
            else:
                a = st.selectbox("A", ids, index=1, key="runs_cmp_a")
                b = st.selectbox("B", ids, index=0, key="runs_cmp_b")
                diff = analysis.compare(analysis.load_run(factory, a), analysis.load_run(factory, b))
                st.dataframe(pd.DataFrame([{t("lab.col.field"): k, "A": f["a_accuracy"], "B": f["b_accuracy"],
                                            "Δ": f["accuracy_delta"], t("runs.conf_a"): f["a_conf"],
                                            t("runs.conf_b"): f["b_conf"], t("runs.conf_delta"): f["conf_delta"]}
                                           for k, f in diff["fields"].items()]), hide_index=True, key="runs_cmp_fields")
                la, lb = diff["latency"]["a"], diff["latency"]["b"]
                st.dataframe(pd.DataFrame([{"": "A", **la}, {"": "B", **lb}]), hide_index=True, key="runs_cmp_latency")
                codes = sorted(set(diff["result_codes"]["a"]) | set(diff["result_codes"]["b"]))
                st.dataframe(pd.DataFrame([{t("lab.col.result"): c, "A": diff["result_codes"]["a"].get(c, 0),
                                            "B": diff["result_codes"]["b"].get(c, 0)} for c in codes]),
                             hide_index=True, key="runs_cmp_codes")


with guarded():
    main()
