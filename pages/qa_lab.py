"""QA Lab: build a run (images, truth, sweep, preprocessing), start it on the queue, watch it, read it."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from qa import words
from qa.runner import SERVICES
from qa.sweeps import DEGRADATIONS
from ui import lab
from ui.backend_choice import lab_choice
from ui.errors import guarded
from ui.i18n import current_lang, t
from ui.lab_plan import plan_run, specimen_names, start_run
from ui.session import effective_connection

DEFAULT_LEVELS = {
    "blur": "0,1.5,3,6",
    "dark": "1,0.6,0.35,0.2",
    "scale": "1,0.5,0.3,0.2",
    "jpeg": "90,40,15,5",
    "rotate": "0,5,15,30",
    "glare": "0,0.3,0.6,0.9",
    "perspective": "0,0.1,0.2,0.3",
    "noise": "0,10,25,50",
}


def main() -> None:
    st.title(t("page.lab"))
    conn = effective_connection()
    lab.start_queue(lab.db_url())
    factory = lab.factory()  # the store is opened (and upgraded) before a run is built, not at Start
    lab.active_runs_panel()  # the runs going on, each a click away, before anything new is built

    lang = current_lang()
    with st.container(border=True):
        chosen_backend = lab_choice(conn.backend, conn.api_version)  # this run's backend, within the role's
        conn = replace(conn, backend=chosen_backend or conn.backend)
        service = (
            st.segmented_control(
                t("lab.service"),
                SERVICES,
                default="credit-card",
                required=True,
                format_func=lambda v: words.service(v, lang),
                key="lab_service",
            )
            or "credit-card"
        )
        chosen = st.multiselect(
            t("lab.specimens"), specimen_names(), key="lab_specimens", placeholder=t("lab.choose")
        )
        uploads = st.file_uploader(
            t("lab.uploads"),
            type=["png", "jpg", "jpeg", "heic", "heif", "pdf", "tif", "tiff", "zip"],
            accept_multiple_files=True,
            key="lab_uploads",
        )
        truth_file = st.file_uploader(t("lab.truth"), type=["json", "csv"], key="lab_truth")
        sweeps = st.multiselect(
            t("lab.sweep"),
            list(DEGRADATIONS),
            key="lab_sweep",
            placeholder=t("lab.choose"),
            format_func=lambda v: words.degradation(v, lang),
        )
        specs = [
            st.text_input(
                t("lab.levels", name=f"{words.degradation(name, lang)} ({words.unit(name, lang)})"),
                DEFAULT_LEVELS[name],
                key=f"lab_levels_{name}",
            )
            for name in sweeps
        ]
        c1, c2 = st.columns(2)
        use_pre = c1.checkbox(t("lab.preprocess"), key="lab_preprocess")
        concurrency = c2.number_input(t("lab.concurrency"), 1, 8, 2, key="lab_concurrency")

        plan = plan_run(conn, service, chosen, uploads or [], truth_file, sweeps, specs, lang)
        st.caption(t("lab.calls", images=len(plan.sources), calls=plan.calls))
        confirmed = (
            st.checkbox(t("lab.confirm", calls=plan.calls), key="lab_confirm")
            if conn.backend == "cloud"
            else True
        )
        for notice in plan.notices:
            st.info(notice, icon=":material/info:")
        for p in plan.problems:
            st.error(p)
        if st.button(
            t("lab.start"),
            type="primary",
            key="lab_start",
            disabled=not plan.sources or bool(plan.problems) or not confirmed or chosen_backend is None,
        ):
            st.session_state["lab_run"] = start_run(
                factory, conn, service, plan, preprocess=use_pre, concurrency=int(concurrency)
            )

    shown_run: int | None = st.session_state.get("lab_run")
    if shown_run is not None:
        lab.progress_panel(shown_run)
        lab.results_panel(shown_run, "lab")


with guarded():
    main()
