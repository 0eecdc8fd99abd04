"""The QA lab's Streamlit side: the store and the queue consumer of this server process, and the
panels the Lab and Runs pages share (progress, results, comparison). Logic lives in ``qa``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from l10n import name_list
from ocr_core import Settings
from qa import analysis, charts, report, words
from qa.collect import CollectError, distinct_sources, from_zip
from qa.differences import describe, marked
from qa.names import safe_name
from qa.runner import Source
from store import StoreUnavailable, default_url, session_factory
from ui.i18n import api_value, current_lang, field_label, t
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
    return settings_for(
        Connection(backend="cloud" if kind == "cloud" else "sandbox", api_version=api_version)
    )


def start_queue(url: str | None = None) -> Any:
    """The Huey consumer of this server process (see docs/qa-lab.md): ``serve.py`` starts it when the
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
    print(
        f"[studio] QA lab: queue consumer started ({len(consumer.worker_threads)} worker threads, "
        f"{queue_kind()})",
        file=sys.stderr,
        flush=True,
    )


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
            notices.append(
                t("lab.skipped", n=len(found.skipped), names=name_list([plain(n) for n in found.skipped]))
            )
        notices += [
            t("lab.zip_unreadable", name=plain(name), member=plain(member), why=t(f"lab.zip_why.{why}"))
            for member, why in found.unreadable
        ]
    return distinct_sources(groups), problems, notices


def plain_code(code: int | None, message: str | None, lang: str) -> str:
    return words.result(code, message, None, lang) if code is not None or message else "–"


@st.fragment(run_every=1.0)
def progress_panel(run_id: int) -> None:
    """Live progress read from the database (the run itself executes on the queue), counted from the
    items as the runs list counts it (``qa.analysis.run_progress``), so the two never disagree. A
    database that is busy or away for a moment is said in a line and read again on the next tick."""
    from sqlalchemy.exc import SQLAlchemyError

    from store.db import retrying

    try:
        found = retrying(
            lambda: analysis.run_progress(factory(), run_id),
            what=f"reading the progress of QA run {run_id}",
            patience=0.8,
        )
    except SQLAlchemyError:
        st.info(t("lab.db_wait"), icon=":material/hourglass_top:")
        return
    if found is None:
        st.warning(t("lab.no_run"))
        return
    status, done, failed, total = found["status"], found["done"], found["failed"], found["total"]
    st.progress(
        done / total if total else 1.0,
        text=t("lab.progress", done=done, total=total, failed=failed, status=t(f"lab.status.{status}")),
    )
    started = found["started_at"]
    if started is not None and done and status == "running":
        from datetime import UTC, datetime

        begun = datetime.fromisoformat(started)
        begun = begun if begun.tzinfo else begun.replace(tzinfo=UTC)
        elapsed = (datetime.now(UTC) - begun).total_seconds()
        st.caption(t("lab.eta", s=round(elapsed / done * (total - done))))
    if status in ("queued", "running"):
        from access.policy import AccessDenied, Action, run_allowed
        from ui.access import current_identity

        identity = current_identity()  # decided again at the click, on the server, by qa.runner.cancel_run
        if run_allowed(
            identity, Action.RUN_CANCEL, owner=found["started_by"], backend=found["backend"]
        ) and st.button(t("lab.cancel"), key=f"lab_cancel_{run_id}"):
            from qa.runner import cancel_run
            from qa.tasks import spool

            try:
                cancel_run(factory(), run_id, spool(), by=identity)
            except AccessDenied:
                st.error(t("runs.refused"), icon=":material/block:")
    elif st.session_state.get(f"lab_shown_{run_id}") != status:
        st.session_state[f"lab_shown_{run_id}"] = status
        st.rerun(scope="app")


@st.fragment(run_every=2.0)
def active_runs_panel() -> None:
    """The runs going on, above the QA Lab's form: each with its progress (counted as everywhere else)
    and a button that shows it below; nothing when none is going on."""
    runs = analysis.active_runs(factory())
    if not runs:
        return
    lang = current_lang()
    with st.container(border=True, key="lab_active"):
        st.markdown(f"**{t('lab.active')}**")
        for r in runs:
            c1, c2 = st.columns([4, 1], vertical_alignment="center")
            c1.progress(
                r["done"] / r["total"] if r["total"] else 1.0,
                text=t(
                    "lab.active_line",
                    id=r["id"],
                    service=words.service(r["service"], lang),
                    status=t(f"lab.status.{r['status']}"),
                    done=r["done"],
                    total=r["total"],
                    owner=r["started_by"],
                ),
            )
            if c2.button(t("lab.active_open", id=r["id"]), key=f"lab_active_open_{r['id']}"):
                st.session_state["lab_run"] = r["id"]
                st.rerun(scope="app")


def _pct_column() -> Any:
    return st.column_config.NumberColumn(format="percent")


def results_panel(run_id: int, prefix: str) -> None:
    lang = current_lang()
    data = analysis.load_run(factory(), run_id)
    s = analysis.summary(data)
    r = data.run
    st.caption(
        t(
            "lab.run_line",
            id=r["id"],
            service=words.service(r["service"], lang),
            backend=r["backend"],
            api=r["api_version"],
            pre=t("lab.yes") if r["preprocess"] else t("lab.no"),
            status=t(f"lab.status.{r['status']}"),
        )
    )
    scored = data.scored
    if not scored and any(i.fields for i in data.items):  # no truth: no accuracy, no confusion table
        st.info(t("lab.no_truth"), icon=":material/info:")
        st.subheader(t("lab.conf_field"))
        st.dataframe(
            pd.DataFrame(
                [
                    {t("lab.col.field"): field_label(k, lang), t("lab.col.conf"): words.pct(v["mean_conf"])}
                    for k, v in s["fields"].items()
                ]
            ),
            hide_index=True,
            key=f"{prefix}_fields",
        )
    elif scored:
        c1, c2 = st.columns(2)
        with c1:
            st.subheader(t("lab.acc_field"))
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("lab.col.field"): field_label(k, lang),
                            t("lab.col.right"): v["right"],
                            t("lab.col.total"): v["total"],
                            t("lab.col.accuracy"): words.pct(v["accuracy"]),
                            t("lab.col.conf"): words.pct(v["mean_conf"]),
                        }
                        for k, v in s["fields"].items()
                    ]
                ),
                hide_index=True,
                key=f"{prefix}_fields",
            )
        with c2:
            st.subheader(t("lab.acc_doc"))
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("lab.col.doc"): api_value(k),
                            t("lab.col.right"): v["right"],
                            t("lab.col.total"): v["total"],
                            t("lab.col.accuracy"): words.pct(v["accuracy"]),
                        }
                        for k, v in s["doc_types"].items()
                    ]
                ),
                hide_index=True,
                key=f"{prefix}_docs",
            )
        figures = charts.batch_figures(data, lang)
        if figures:
            st.subheader(t("lab.batch_charts"))
            for col, (i, fig) in zip(st.columns(len(figures)), enumerate(figures), strict=True):
                col.plotly_chart(fig, key=f"{prefix}_batch_{i}", theme=None)
    if s["breaking_points"]:
        st.subheader(t("lab.sweeps"))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("lab.col.degradation"): words.degradation(k, lang),
                        t("lab.col.breaks_at"): t("qa.never_breaks")
                        if b["breaks_at"] is None
                        else words.level(k, b["breaks_at"]["level"], lang),
                        t("lab.col.conf_warned"): words.yes_no(
                            None if b["breaks_at"] is None else b["breaks_at"]["confidence_warned"], lang
                        ),
                        t("lab.col.pre_warned"): words.yes_no(
                            None if b["breaks_at"] is None else b["breaks_at"]["preflight_warned"], lang
                        ),
                    }
                    for k, b in s["breaking_points"].items()
                ]
            ),
            hide_index=True,
            key=f"{prefix}_breaks",
        )
        sweep = charts.sweep_figure(data, lang)
        if sweep is not None:  # its own colours (theme=None): the same chart as in the HTML report
            st.plotly_chart(sweep, key=f"{prefix}_chart_sweeps", theme=None)
    tags_panel(data, prefix, lang)
    if scored:
        st.subheader(t("lab.confusion"))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("lab.col.preflight"): words.verdict(k, lang),
                        t("lab.col.right"): v["right"],
                        t("lab.col.wrong"): v["wrong"],
                    }
                    for k, v in s["confusion"].items()
                ]
            ),
            hide_index=True,
            key=f"{prefix}_confusion",
        )
    if s["validators"]:
        st.subheader(t("lab.validators"))
        st.caption(t("lab.validators_help"))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("lab.col.degradation"): words.degradation(k, lang),
                        t("lab.col.caught"): v["caught"],
                        t("lab.col.missed"): v["missed"],
                        t("lab.col.unchecked"): v["unchecked"],
                    }
                    for k, v in s["validators"].items()
                ]
            ),
            hide_index=True,
            key=f"{prefix}_validators",
        )
    bad = analysis.failed(data)
    if bad:
        st.subheader(t("lab.failed"))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("lab.col.image"): i.image,
                        t("lab.col.degradation"): words.level(i.degradation, i.level, lang),
                        t("lab.col.result"): plain_code(i.result_code, i.result_message, lang),
                    }
                    for i in bad
                ]
            ),
            hide_index=True,
            key=f"{prefix}_failed",
        )
    slow = analysis.slowest(data)
    if slow:
        st.subheader(t("lab.slowest"))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("lab.col.image"): i.image,
                        t("lab.col.degradation"): words.level(i.degradation, i.level, lang),
                        "ms": words.ms(i.t_total),
                    }
                    for i in slow
                ]
            ),
            hide_index=True,
            key=f"{prefix}_slow",
        )
    misreads_table(data, prefix, lang)
    item_view(data, prefix, lang)
    downloads(data, prefix, lang)


def misreads_table(data: analysis.RunData, prefix: str, lang: str) -> None:
    """Every field read wrong, its expected value beside the read one — both masked by the same rule,
    the differing characters marked ``[ ]`` — and the difference in words: the error without unmasking."""
    wrong = report.misreads(data, lang)
    if not wrong:
        return
    st.subheader(t("qa.misreads"))
    wide = st.column_config.TextColumn(width="medium")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("lab.col.image"): m["item"].image,
                    t("lab.col.degradation"): words.level(m["item"].degradation, m["item"].level, lang),
                    t("lab.col.field"): field_label(m["field"], lang),
                    t("qa.expected"): m["expected_marked"],
                    t("qa.read"): m["value_marked"],
                    t("qa.difference"): m["difference"] or "–",
                    t("lab.col.conf_one"): words.pct(m["conf"]),
                }
                for m in wrong
            ]
        ),
        hide_index=True,
        key=f"{prefix}_misreads",
        column_config={t("qa.expected"): wide, t("qa.read"): wide},
    )


def tags_panel(data: analysis.RunData, prefix: str, lang: str) -> None:
    """Accuracy per value of each tag (the truth file's own columns), as a table and a chart."""
    tags = analysis.tag_summary(data)
    if not tags:
        return
    st.subheader(t("qa.tags"))
    for tag, groups in tags.items():
        c1, c2 = st.columns([2, 3])
        c1.dataframe(
            pd.DataFrame(
                [
                    {
                        t("qa.tag"): tag,
                        t("qa.tag_value"): value,
                        t("lab.col.right"): g["right"],
                        t("lab.col.total"): g["total"],
                        t("lab.col.accuracy"): words.pct(g["accuracy"]),
                        t("lab.col.conf"): words.pct(g["mean_conf"]),
                    }
                    for value, g in groups.items()
                ]
            ),
            hide_index=True,
            key=f"{prefix}_tag_{tag}",
        )
        fig = charts.tag_figure(data, tag, lang)
        if fig is not None:
            c2.plotly_chart(fig, key=f"{prefix}_tag_chart_{tag}", theme=None)


def _misread_words(it: analysis.ItemRow, lang: str) -> str:
    """The item's misreads in a cell: ``Card number: digit 16 of 16 read wrong``."""
    return "; ".join(
        f"{field_label(k, lang)}: {describe(f.get('diff'), lang) or '✗'}"
        for k, f in it.fields.items()
        if f["correct"] is False
    )


def item_filter(data: analysis.RunData, prefix: str) -> analysis.ItemFilter:
    """The item list's filters: wrong only, below a confidence threshold, one degradation and level,
    one tag's value; and the sort by confidence."""
    lang = current_lang()
    c1, c2, c3 = st.columns(3)
    wrong = c1.checkbox(t("lab.filter.wrong"), key=f"{prefix}_f_wrong", disabled=not data.scored)
    below = c2.checkbox(t("lab.filter.below"), key=f"{prefix}_f_below")
    by_conf = c3.checkbox(t("lab.filter.sort"), key=f"{prefix}_f_sort")
    threshold = None
    if below:
        threshold = float(
            c2.slider(
                t("lab.filter.threshold"),
                0.0,
                1.0,
                analysis.LOW_CONFIDENCE,
                0.01,
                key=f"{prefix}_f_threshold",
            )
        )
    levels = analysis.sweep_levels_of(data)
    d1, d2 = st.columns(2)
    picked = d1.selectbox(
        t("lab.filter.degradation"),
        [None, *levels],
        key=f"{prefix}_f_level",
        format_func=lambda v: (
            words.word("lab.filter.any", lang) if v is None else words.level(v[0], v[1], lang)
        ),
        disabled=len(levels) < 2,
    )
    tag_values = sorted({(k, v) for it in data.items for k, v in it.tags.items()})
    tag = d2.selectbox(
        t("lab.filter.tag"),
        [None, *tag_values],
        key=f"{prefix}_f_tag",
        format_func=lambda v: words.word("lab.filter.any", lang) if v is None else f"{v[0]} = {v[1]}",
        disabled=not tag_values,
    )
    return analysis.ItemFilter(
        wrong_only=wrong,
        below=threshold,
        degradation=picked[0] if picked else None,
        level=picked[1] if picked else None,
        tag=tag,
        by_confidence=by_conf,
    )


def item_view(data: analysis.RunData, prefix: str, lang: str) -> None:
    """Every item in a table, filtered and sorted as chosen: a click on a row (or the picker under it)
    opens that item with the analysis pages' own result view — overlay, confidence chart, Key/Value
    table — and, for each misread field, the expected value beside the read one (both masked by the same
    rule, the differing characters marked) with the difference in words."""
    if not data.items:
        return
    st.subheader(t("lab.item"))
    marks = {True: "✓", False: "✗", None: ""}
    shown = analysis.filter_items(data, item_filter(data, prefix))
    st.caption(t("qa.items_shown", shown=len(shown), total=len(data.items)))
    ids = [i.id for i in shown]
    table = pd.DataFrame(
        [
            {
                "#": i.position + 1,
                t("lab.col.image"): i.image,
                t("lab.col.degradation"): words.level(i.degradation, i.level, lang),
                t("lab.col.result"): plain_code(i.result_code, i.result_message, lang),
                t("lab.col.correct"): marks[i.right],
                t("lab.col.checks"): marks[i.checks_passed],
                t("lab.col.conf_one"): words.pct(i.min_conf),
                t("qa.difference"): _misread_words(i, lang),
                **{f"{t('qa.tag')}: {k}": v for k, v in i.tags.items()},
            }
            for i in shown
        ]
    )
    picked = st.dataframe(
        table, hide_index=True, key=f"{prefix}_items", on_select="rerun", selection_mode="single-row"
    )
    rows = picked.selection.rows if picked is not None else []
    clicked = f"{prefix}_item_clicked"
    if rows and rows[0] < len(ids) and st.session_state.get(clicked) != (ids[rows[0]]):
        st.session_state[clicked] = ids[
            rows[0]
        ]  # a new click wins over the picker; the picker over an old click
        st.session_state[f"{prefix}_item"] = ids[rows[0]]
    every = [i.id for i in data.items]
    names = {
        i.id: f"#{i.position + 1} {i.image} · {words.level(i.degradation, i.level, lang)}" for i in data.items
    }
    chosen = st.selectbox(
        t("lab.item_pick"),
        every,
        index=None,
        format_func=names.__getitem__,
        key=f"{prefix}_item",
        placeholder=t("lab.choose"),
    )
    it = next((i for i in data.items if i.id == chosen), None)
    if it is None:
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("lab.col.field"): field_label(k, lang),
                    t("qa.read"): marked(f["value"], (f.get("diff") or {}).get("read_marks", []))
                    if f["correct"] is False
                    else f["value"] or "–",
                    t("qa.expected"): marked(
                        f.get("expected"), (f.get("diff") or {}).get("expected_marks", [])
                    )
                    if f["correct"] is False
                    else (f.get("expected") or "–"),
                    t("qa.difference"): describe(f.get("diff"), lang),
                    t("lab.col.conf_one"): words.pct(f["conf"]),
                    t("lab.col.correct"): marks[f["correct"]],
                }
                for k, f in it.fields.items()
            ]
        ),
        hide_index=True,
        key=f"{prefix}_kv",
        column_config={
            t("qa.read"): st.column_config.TextColumn(width="medium"),
            t("qa.expected"): st.column_config.TextColumn(width="medium"),
        },
    )
    st.caption(
        t(
            "lab.item_line",
            code=plain_code(it.result_code, it.result_message, lang),
            q=words.verdict(it.quality_status, lang),
            ms="–" if it.t_total is None else f"{round(it.t_total):,}",
        )
    )
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
    source = ItemSource(
        run["id"],
        it.source,
        it.source_kind,
        it.source_path,
        it.sha256,
        it.degradation,
        it.level,
        bool(run["preprocess"]),
        it.sent_sha256,
        it.sent_width,
        it.sent_height,
    )
    picture = state.memo(
        f"{prefix}_item_image",
        (run["id"], it.id, it.sent_sha256),
        lambda: item_image(source, samples=SAMPLES_DIR, spool=spool()),
    )
    if picture.reason is not None:
        st.info(t(f"lab.img.{picture.reason}", path=it.source_path or it.image), icon=":material/hide_image:")
    bgr = picture.bgr if picture.bgr is not None else neutral_canvas(picture.width, picture.height)
    result = analysis.answer_result(run["service"], it.answer or {})
    checks = it.checks()
    if checks is None:
        st.caption(t("lab.checks_not_recorded"))
    a = Analysis(
        service=run["service"],
        result=result,
        sent_bgr=bgr,
        sent_format="",
        sent_bytes=0,
        token=f"qa-{run['id']}-{it.id}-{picture.reason}",
        name=it.image,
        measured=measure_resolution(picture.width, picture.height, None),
        checks=checks or {},
    )
    result_view(f"{prefix}_res", a)


def downloads(data: analysis.RunData, prefix: str, lang: str) -> None:
    import json

    rid = data.run["id"]
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        t("lab.dl_html"),
        report.html_report(data, lang),
        f"qa-run-{rid}.html",
        "text/html",
        key=f"{prefix}_dl_html",
    )
    c2.download_button(
        t("lab.dl_csv"), report.csv_report(data), f"qa-run-{rid}.csv", "text/csv", key=f"{prefix}_dl_csv"
    )
    c3.download_button(
        t("lab.dl_json"),
        json.dumps(analysis.run_json(data), ensure_ascii=False, indent=2),
        f"qa-run-{rid}.json",
        "application/json",
        key=f"{prefix}_dl_json",
    )


def compare_runs_picker(prefix: str) -> None:
    """Two runs chosen (the newest two first) and compared: the Compare page's third mode."""
    ids = [r["id"] for r in analysis.list_runs(factory())]
    if len(ids) < 2:
        st.info(t("runs.need_two"))
        return
    c1, c2 = st.columns(2)
    a = c1.selectbox("A", ids, index=1, key=f"{prefix}_a")
    b = c2.selectbox("B", ids, index=0, key=f"{prefix}_b")
    compare_runs_view(a, b, prefix)


def compare_runs_view(a_id: int, b_id: int, prefix: str = "runs_cmp") -> None:
    """Two runs side by side: per field, latency and result codes, then image by image (by the SHA-256 of
    the source) what flipped right → wrong and wrong → right and how the confidence moved, saying plainly
    when the two runs were of different images (only the common ones are compared)."""
    lang = current_lang()
    diff = analysis.compare(analysis.load_run(factory(), a_id), analysis.load_run(factory(), b_id))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("lab.col.field"): field_label(k, lang),
                    "A": words.pct(f["a_accuracy"]),
                    "B": words.pct(f["b_accuracy"]),
                    "Δ": words.signed_pct(f["accuracy_delta"]),
                    t("runs.conf_a"): words.pct(f["a_conf"]),
                    t("runs.conf_b"): words.pct(f["b_conf"]),
                    t("runs.conf_delta"): words.signed_pct(f["conf_delta"]),
                }
                for k, f in diff["fields"].items()
            ]
        ),
        hide_index=True,
        key=f"{prefix}_fields",
    )
    la, lb = diff["latency"]["a"], diff["latency"]["b"]
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "": side,
                    "mean": words.ms(x["mean_ms"]),
                    "p50": words.ms(x["p50_ms"]),
                    "p95": words.ms(x["p95_ms"]),
                }
                for side, x in (("A", la), ("B", lb))
            ]
        ),
        hide_index=True,
        key=f"{prefix}_latency",
    )
    codes = sorted(set(diff["result_codes"]["a"]) | set(diff["result_codes"]["b"]))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("lab.col.result"): c,
                    "A": diff["result_codes"]["a"].get(c, 0),
                    "B": diff["result_codes"]["b"].get(c, 0),
                }
                for c in codes
            ]
        ),
        hide_index=True,
        key=f"{prefix}_codes",
    )
    per = diff["per_image"]
    st.subheader(t("qa.diff.title"))
    note = report.image_set_note(per, lang)
    if per["same_images"] and per["images"]["common"]:
        st.info(note, icon=":material/check_circle:")
    else:
        st.warning(note, icon=":material/warning:")
    if not per["items"]:
        return
    c = per["counts"]
    st.markdown(
        t(
            "qa.diff.counts",
            to_wrong=c["to_wrong"],
            to_right=c["to_right"],
            same=c["same_right"] + c["same_wrong"],
        )
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("qa.col.change"): t(f"qa.change.{r['change']}"),
                    t("lab.col.image"): r["image_a"]
                    if r["image_a"] == r["image_b"]
                    else f"{r['image_a']} / {r['image_b']}",
                    t("lab.col.degradation"): words.level(r["degradation"], r["level"], lang),
                    t("lab.col.field"): ", ".join(field_label(f, lang) for f in r["fields"]) or "–",
                    t("qa.col.conf_move"): f"{words.pct(r['a_conf'])} → {words.pct(r['b_conf'])}",
                    "Δ": words.signed_pct(r["conf_delta"]),
                    "SHA-256": r["sha256"][:12],
                }
                for r in per["items"]
            ]
        ),
        hide_index=True,
        key=f"{prefix}_images",
    )
