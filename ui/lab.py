"""The QA lab's Streamlit side: the store and the queue consumer of this server process, and the
panels the Lab and Runs pages share (progress, results, comparison). Logic lives in ``qa``."""
from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from l10n import api_error, name_list
from ocr_core import Settings, explain
from qa import analysis, report
from qa.collect import CollectError, distinct_sources, from_zip
from qa.names import safe_name
from qa.runner import Source
from store import StoreUnavailable, default_url, session_factory
from ui.i18n import current_lang, field_label, t
from ui.plain_text import plain
from ui.session import Connection, settings_for

log = logging.getLogger("studio.lab")


@st.cache_resource(show_spinner=False)
def db_url() -> str:
    return default_url()


def factory() -> Any:
    return session_factory(db_url())


def _settings(kind: str, api_version: str) -> Settings:
    """The client settings a queued run uses in this server process, resolved when it runs: the
    embedded sandbox (started on first use) or NHN Cloud with the credentials of secrets.toml."""
    return settings_for(Connection(backend="cloud" if kind == "cloud" else "sandbox", api_version=api_version))


def start_queue(url: str | None = None) -> Any:
    """The Huey consumer of this server process (see README, "QA lab"): ``serve.py`` starts it when the
    dashboard starts, so queued and interrupted runs go on with no page open; a page calling it again
    (or a plain ``streamlit run app.py``) finds it running."""
    from qa import tasks

    tasks.configure(_settings)
    return tasks.start_consumer(url or default_url())


def start_queue_at_startup() -> None:
    """``serve.py``'s start of the queue: a studio database that cannot be opened or upgraded is one
    plain line in the server's log, naming it and the cause (the pages say the same when opened)."""
    try:
        consumer = start_queue()
    except StoreUnavailable as err:
        log.error("QA lab: the queue did not start: %s", err.plain())
        return
    from qa.tasks import queue_kind

    # One line an operator (and the multi-replica test) can look for: this replica is serving its share.
    print(f"[studio] QA lab: queue consumer started ({len(consumer.worker_threads)} worker threads, "
          f"{queue_kind()})", file=sys.stderr, flush=True)


def sources_from_uploads(files: Sequence[Any]) -> tuple[list[Source], list[str], list[str]]:
    """Uploaded images and ZIPs of images → (sources, problems that stop the run, notices).

    A ZIP that gives nothing is a problem; what a good ZIP holds besides images, and members that
    cannot or may not be extracted, are notices: the rest of it runs. Names are safe text
    (``qa.names``), and images that share one are told apart by their path (``b.zip/a.png``)."""
    groups: list[tuple[str, list[Source], list[str]]] = []
    problems: list[str] = []
    notices: list[str] = []
    for f in files:
        data = f.getvalue()
        name = safe_name(f.name)
        if not f.name.lower().endswith(".zip"):
            groups.append(("", [Source(name, data)], [name]))
            continue
        try:
            found = from_zip(name, data)  # bounded: see qa.collect
        except CollectError as err:  # names shown as themselves, never as Markdown (ui.plain_text)
            problems.append(err.words(current_lang(), plain))
            continue
        groups.append((name, found.sources, found.paths))
        if found.skipped:
            notices.append(t("lab.skipped", n=len(found.skipped), names=name_list([plain(n) for n in found.skipped])))
        notices += [t("lab.zip_unreadable", name=plain(name), member=plain(member), why=t(f"lab.zip_why.{why}"))
                    for member, why in found.unreadable]
    return distinct_sources(groups), problems, notices


def plain_code(code: int | None, message: str | None, lang: str) -> str:
    if code is None:
        return message or ""
    info = explain(code)
    return f"{code} — {api_error(info.code, lang)[0]}"


@st.fragment(run_every=1.0)
def progress_panel(run_id: int) -> None:
    """Live progress read from the database (the run itself executes on the queue). A database that is
    busy or away for a moment is said in a line and read again on the next tick, not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from store.db import retrying
    from store.models import Run

    def read() -> tuple[str, int, int, int, Any, str, str] | None:
        with factory()() as s:
            run = s.get(Run, run_id)
            if run is None:
                return None
            return run.status, run.done, run.failed, run.total, run.started_at, run.started_by, run.backend

    try:
        found = retrying(read, what=f"reading the progress of QA run {run_id}", patience=0.8)
    except SQLAlchemyError:
        st.info(t("lab.db_wait"), icon=":material/hourglass_top:")
        return
    if found is None:
        st.warning(t("lab.no_run"))
        return
    status, done, failed, total, started, owner, backend = found
    st.progress(done / total if total else 1.0,
                text=t("lab.progress", done=done, total=total, failed=failed, status=t(f"lab.status.{status}")))
    if started is not None and done and status == "running":
        from datetime import UTC, datetime

        begun = started if started.tzinfo else started.replace(tzinfo=UTC)
        elapsed = (datetime.now(UTC) - begun).total_seconds()
        st.caption(t("lab.eta", s=round(elapsed / done * (total - done))))
    if status in ("queued", "running"):
        from access.policy import AccessDenied, Action, run_allowed
        from ui.access import current_identity

        identity = current_identity()  # decided again at the click, on the server, by qa.runner.cancel_run
        if (run_allowed(identity, Action.RUN_CANCEL, owner=owner, backend=backend)
                and st.button(t("lab.cancel"), key=f"lab_cancel_{run_id}")):
            from qa.runner import cancel_run
            from qa.tasks import spool

            try:
                cancel_run(factory(), run_id, spool(), by=identity)
            except AccessDenied:
                st.error(t("runs.refused"), icon=":material/block:")
    elif st.session_state.get(f"lab_shown_{run_id}") != status:
        st.session_state[f"lab_shown_{run_id}"] = status
        st.rerun(scope="app")


def results_panel(run_id: int, prefix: str) -> None:
    lang = current_lang()
    data = analysis.load_run(factory(), run_id)
    s = analysis.summary(data)
    r = data.run
    st.caption(t("lab.run_line", id=r["id"], service=r["service"], backend=r["backend"], api=r["api_version"],
                 pre=t("lab.yes") if r["preprocess"] else t("lab.no"), status=t(f"lab.status.{r['status']}")))
    scored = data.scored
    if not scored and any(i.fields for i in data.items):  # no truth: no accuracy, no confusion table
        st.info(t("lab.no_truth"), icon=":material/info:")
        st.subheader(t("lab.conf_field"))
        st.dataframe(pd.DataFrame([{t("lab.col.field"): field_label(k, lang), t("lab.col.conf"): v["mean_conf"]}
                                   for k, v in s["fields"].items()]), hide_index=True, key=f"{prefix}_fields")
    elif scored:
        c1, c2 = st.columns(2)
        with c1:
            st.subheader(t("lab.acc_field"))
            st.dataframe(pd.DataFrame([{t("lab.col.field"): field_label(k, lang), t("lab.col.right"): v["right"],
                                        t("lab.col.total"): v["total"], t("lab.col.accuracy"): v["accuracy"],
                                        t("lab.col.conf"): v["mean_conf"]} for k, v in s["fields"].items()]),
                         hide_index=True, key=f"{prefix}_fields")
        with c2:
            st.subheader(t("lab.acc_doc"))
            st.dataframe(pd.DataFrame([{t("lab.col.doc"): k, t("lab.col.right"): v["right"],
                                        t("lab.col.total"): v["total"], t("lab.col.accuracy"): v["accuracy"]}
                                       for k, v in s["doc_types"].items()]), hide_index=True, key=f"{prefix}_docs")
    if s["breaking_points"]:
        st.subheader(t("lab.breaks"))
        st.dataframe(pd.DataFrame([{
            t("lab.col.degradation"): k,
            t("lab.col.breaks_at"): None if b["breaks_at"] is None else b["breaks_at"]["level"],
            t("lab.col.conf_warned"): None if b["breaks_at"] is None else b["breaks_at"]["confidence_warned"],
            t("lab.col.pre_warned"): None if b["breaks_at"] is None else b["breaks_at"]["preflight_warned"],
        } for k, b in s["breaking_points"].items()]), hide_index=True, key=f"{prefix}_breaks")
        g1, g2 = st.columns(2)
        g1.plotly_chart(report.level_figure(data, "right", lang), key=f"{prefix}_chart_acc")
        g2.plotly_chart(report.level_figure(data, "min_conf", lang), key=f"{prefix}_chart_conf")
    if scored:
        st.subheader(t("lab.confusion"))
        st.dataframe(pd.DataFrame([{t("lab.col.preflight"): k, t("lab.col.right"): v["right"],
                                    t("lab.col.wrong"): v["wrong"]} for k, v in s["confusion"].items()]),
                     hide_index=True, key=f"{prefix}_confusion")
    if s["validators"]:
        st.subheader(t("lab.validators"))
        st.caption(t("lab.validators_help"))
        st.dataframe(pd.DataFrame([{t("lab.col.degradation"): k, t("lab.col.caught"): v["caught"],
                                    t("lab.col.missed"): v["missed"], t("lab.col.unchecked"): v["unchecked"]}
                                   for k, v in s["validators"].items()]), hide_index=True, key=f"{prefix}_validators")
    bad = analysis.failed(data)
    if bad:
        st.subheader(t("lab.failed"))
        st.dataframe(pd.DataFrame([{t("lab.col.image"): i.image, t("lab.col.degradation"): i.degradation,
                                    t("lab.col.level"): i.level,
                                    t("lab.col.result"): plain_code(i.result_code, i.result_message, lang)}
                                   for i in bad]), hide_index=True, key=f"{prefix}_failed")
    slow = analysis.slowest(data)
    if slow:
        st.subheader(t("lab.slowest"))
        st.dataframe(pd.DataFrame([{t("lab.col.image"): i.image, t("lab.col.degradation"): i.degradation,
                                    t("lab.col.level"): i.level, "ms": round(i.t_total or 0)} for i in slow]),
                     hide_index=True, key=f"{prefix}_slow")
    item_view(data, prefix, lang)
    downloads(data, prefix, lang)


def item_view(data: analysis.RunData, prefix: str, lang: str) -> None:
    """Every item in a table: a click on a row (or the picker under it) opens that item with the
    analysis pages' own result view — overlay, confidence chart, Key/Value table — and its verdicts
    against truth."""
    if not data.items:
        return
    st.subheader(t("lab.item"))
    marks = {True: "✓", False: "✗", None: ""}
    ids = [i.id for i in data.items]
    picked = st.dataframe(pd.DataFrame([{
        "#": i.position + 1, t("lab.col.image"): i.image, t("lab.col.degradation"): i.degradation,
        t("lab.col.level"): i.level, t("lab.col.result"): plain_code(i.result_code, i.result_message, lang),
        t("lab.col.correct"): marks[i.right], t("lab.col.checks"): marks[i.checks_passed],
        t("lab.col.conf_one"): i.min_conf,
    } for i in data.items]), hide_index=True, key=f"{prefix}_items", on_select="rerun", selection_mode="single-row")
    rows = picked.selection.rows if picked is not None else []
    clicked = f"{prefix}_item_clicked"
    if rows and st.session_state.get(clicked) != rows[0]:
        st.session_state[clicked] = rows[0]  # a new click wins over the picker; the picker over an old click
        st.session_state[f"{prefix}_item"] = ids[rows[0]]
    names = {i.id: f"#{i.position + 1} {i.image} · {i.degradation} {i.level:g}" for i in data.items}
    chosen = st.selectbox(t("lab.item_pick"), ids, index=None, format_func=names.__getitem__, key=f"{prefix}_item",
                          placeholder=t("lab.choose"))
    it = next((i for i in data.items if i.id == chosen), None)
    if it is None:
        return
    st.dataframe(pd.DataFrame([{t("lab.col.field"): field_label(k, lang), t("lab.col.value"): f["value"],
                                t("lab.col.conf_one"): f["conf"], t("lab.col.correct"): marks[f["correct"]]}
                               for k, f in it.fields.items()]), hide_index=True, key=f"{prefix}_kv")
    st.caption(t("lab.item_line", code=plain_code(it.result_code, it.result_message, lang),
                 q=it.quality_status or "–", ms=round(it.t_total or 0)))
    if it.answer is None:
        st.info(t("lab.img.no_answer"), icon=":material/info:")
        return
    item_result(data, it, prefix)


def item_result(data: analysis.RunData, it: analysis.ItemRow, prefix: str) -> None:
    """The item as the analysis pages show a result, over the image it sent — made again from its
    source and checked against its SHA-256 (``qa.images``) — or, when that cannot be, over a neutral
    canvas of its size with the reason in a sentence; with the validators' verdicts recorded when its
    values were read (an item stored before they were recorded says so)."""
    from qa.images import ItemSource, item_image, neutral_canvas
    from qa.tasks import spool
    from ui import state
    from ui.results import Analysis, result_view
    from ui.rows import measure_resolution
    from ui.specimens import SAMPLES_DIR

    run = data.run
    source = ItemSource(run["id"], it.source, it.source_kind, it.source_path, it.sha256, it.degradation, it.level,
                        bool(run["preprocess"]), it.sent_sha256, it.sent_width, it.sent_height)
    picture = state.memo(f"{prefix}_item_image", (run["id"], it.id, it.sent_sha256),
                         lambda: item_image(source, samples=SAMPLES_DIR, spool=spool()))
    if picture.reason is not None:
        st.info(t(f"lab.img.{picture.reason}", path=it.source_path or it.image), icon=":material/hide_image:")
    bgr = picture.bgr if picture.bgr is not None else neutral_canvas(picture.width, picture.height)
    result = analysis.answer_result(run["service"], it.answer or {})
    checks = it.checks()
    if checks is None:
        st.caption(t("lab.checks_not_recorded"))
    a = Analysis(service=run["service"], result=result, sent_bgr=bgr, sent_format="", sent_bytes=0,
                 token=f"qa-{run['id']}-{it.id}-{picture.reason}", name=it.image,
                 measured=measure_resolution(picture.width, picture.height, None), checks=checks or {})
    result_view(f"{prefix}_res", a)


def downloads(data: analysis.RunData, prefix: str, lang: str) -> None:
    import json

    rid = data.run["id"]
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("lab.dl_html"), report.html_report(data, lang), f"qa-run-{rid}.html", "text/html",
                       key=f"{prefix}_dl_html")
    c2.download_button(t("lab.dl_csv"), report.csv_report(data), f"qa-run-{rid}.csv", "text/csv",
                       key=f"{prefix}_dl_csv")
    c3.download_button(t("lab.dl_json"), json.dumps(analysis.run_json(data), ensure_ascii=False, indent=2),
                       f"qa-run-{rid}.json", "application/json", key=f"{prefix}_dl_json")
