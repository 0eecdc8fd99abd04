"""QA Lab: build a run (images, truth, sweep, preprocessing), start it on the queue, watch it, read it."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from access.audit import who
from qa import words
from qa.backend import max_cloud_calls
from qa.collect import distinct_sources, is_image_name
from qa.images import held_uploads
from qa.runner import SERVICES, RunSpec, Source, audit_start, billed_calls, create_run
from qa.sweeps import DEGRADATIONS, SweepError, parse_spec
from qa.tasks import enqueue, spool
from qa.truth import TruthError, TruthFile, parse_truth, specimen_truth, truth_notes
from ui import lab
from ui.access import current_identity
from ui.backend_choice import lab_choice, refuse_unless_offered
from ui.errors import guarded
from ui.i18n import current_lang, t
from ui.plain_text import plain
from ui.session import base_url, effective_connection
from ui.specimens import SAMPLES_DIR

DEFAULT_LEVELS = {"blur": "0,1.5,3,6", "dark": "1,0.6,0.35,0.2", "scale": "1,0.5,0.3,0.2", "jpeg": "90,40,15,5",
                  "rotate": "0,5,15,30", "glare": "0,0.3,0.6,0.9", "perspective": "0,0.1,0.2,0.3",
                  "noise": "0,10,25,50"}

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
        service = st.segmented_control(t("lab.service"), SERVICES, default="credit-card", required=True,
                                       format_func=lambda v: words.service(v, lang),
                                       key="lab_service") or "credit-card"
        specimens = sorted(p.relative_to(SAMPLES_DIR).as_posix() for p in SAMPLES_DIR.glob("*/*")
                           if is_image_name(p.name))
        chosen = st.multiselect(t("lab.specimens"), specimens, key="lab_specimens", placeholder=t("lab.choose"))
        uploads = st.file_uploader(t("lab.uploads"), type=["png", "jpg", "jpeg", "heic", "heif", "pdf", "tif", "tiff", "zip"], accept_multiple_files=True,
                                   key="lab_uploads")
        truth_file = st.file_uploader(t("lab.truth"), type=["json", "csv"], key="lab_truth")
        sweeps = st.multiselect(t("lab.sweep"), list(DEGRADATIONS), key="lab_sweep", placeholder=t("lab.choose"),
                                format_func=lambda v: words.degradation(v, lang))
        specs = [st.text_input(t("lab.levels", name=f"{words.degradation(name, lang)} "
                                                  f"({words.unit(name, lang)})"),
                               DEFAULT_LEVELS[name], key=f"lab_levels_{name}")
                 for name in sweeps]
        c1, c2 = st.columns(2)
        use_pre = c1.checkbox(t("lab.preprocess"), key="lab_preprocess")
        concurrency = c2.number_input(t("lab.concurrency"), 1, 8, 2, key="lab_concurrency")

        problems: list[str] = []
        try:
            sweep = [parse_spec(f"{name}:{levels}") for name, levels in zip(sweeps, specs, strict=True)]
        except SweepError as err:
            sweep, problems = [], [err.words(current_lang())]
        sources, zip_problems, notices = lab.sources_from_uploads(uploads or [])
        problems += zip_problems
        picked = [Source(s.split("/")[-1], (SAMPLES_DIR / s).read_bytes(), kind="specimen", path=s)
                  for s in chosen]  # a specimen and an upload of one name become two names (qa.collect)
        sources = distinct_sources([("samples", picked, list(chosen)), ("", sources, [s.name for s in sources])])
        truth: TruthFile | None = None
        if truth_file is not None:
            try:
                truth = parse_truth(truth_file.name, truth_file.getvalue(), service)
            except TruthError as err:
                problems.append(err.words(current_lang(), plain))
            else:
                notices += truth_notes(truth, [s.name for s in sources], current_lang(), plain)
        elif chosen and not uploads:
            truth = TruthFile("specimens", "", specimen_truth(SAMPLES_DIR))
        calls = billed_calls(len(sources), sweep)
        st.caption(t("lab.calls", images=len(sources), calls=calls))
        confirmed = True
        if conn.backend == "cloud":
            if calls > max_cloud_calls():
                problems.append(t("lab.cap", calls=calls, cap=max_cloud_calls()))
            confirmed = st.checkbox(t("lab.confirm", calls=calls), key="lab_confirm")
        for notice in notices:
            st.info(notice, icon=":material/info:")
        for p in problems:
            st.error(p)
        if st.button(t("lab.start"), type="primary", key="lab_start",
                     disabled=not sources or bool(problems) or not confirmed or chosen_backend is None):
            refuse_unless_offered(conn.backend, conn.api_version)  # decided again here, and audited if refused
            identity = current_identity()
            spec = RunSpec(service, conn.backend, base_url(conn), conn.api_version, sweep=sweep, preprocess=use_pre,
                           truth=truth, concurrency=int(concurrency),
                           started_by=who(identity))
            run_id = create_run(factory, spec, sources, spool())
            audit_start(factory, run_id, identity)
            held_uploads.put(run_id, {i: s.data for i, s in enumerate(sources) if s.kind == "upload"})
            enqueue(run_id, lab.db_url(), conn.backend, conn.api_version)
            st.session_state["lab_run"] = run_id

    shown_run: int | None = st.session_state.get("lab_run")
    if shown_run is not None:
        lab.progress_panel(shown_run)
        lab.results_panel(shown_run, "lab")


with guarded():
    main()
