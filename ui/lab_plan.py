"""What the QA Lab page does, apart from drawing it (``pages/qa_lab.py`` keeps the form and calls these):
turn the form's choices into a run's plan (its images, sweep, truth, problems, notices and billed calls)
and start a planned run on the queue, decided and audited at the action."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from access.audit import who
from qa.backend import max_cloud_calls
from qa.collect import distinct_sources, is_image_name
from qa.images import held_uploads
from qa.runner import RunSpec, Source, audit_start, billed_calls, create_run
from qa.sweeps import SweepError, parse_spec
from qa.tasks import enqueue, spool
from qa.truth import TruthError, TruthFile, parse_truth, specimen_truth, truth_notes
from ui import lab
from ui.access import current_identity
from ui.backend_choice import refuse_unless_offered
from ui.i18n import t
from ui.plain_text import plain
from ui.session import Connection, base_url
from ui.specimens import SAMPLES_DIR


def specimen_names() -> list[str]:
    """The specimens a run may use, as ``folder/name`` under ``samples/``."""
    return sorted(
        p.relative_to(SAMPLES_DIR).as_posix() for p in SAMPLES_DIR.glob("*/*") if is_image_name(p.name)
    )


@dataclass
class Plan:
    """A run as the form describes it; it may start when there are sources and no problems."""

    sources: list[Source]
    sweep: list[Any]
    truth: TruthFile | None
    calls: int
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def plan_run(
    conn: Connection,
    service: str,
    chosen: Sequence[str],
    uploads: Sequence[Any],
    truth_file: Any,
    sweeps: Sequence[str],
    specs: Sequence[str],
    lang: str,
) -> Plan:
    """The run the form describes: its sweep parsed, its images (specimens and uploads, ZIPs opened,
    names made distinct), its truth (a file, else the specimens' own when only specimens are chosen), the
    billed calls it makes, and what stops it (a bad sweep or truth file, over the cap on NHN Cloud)."""
    problems: list[str] = []
    try:
        sweep = [parse_spec(f"{name}:{levels}") for name, levels in zip(sweeps, specs, strict=True)]
    except SweepError as err:
        sweep, problems = [], [err.words(lang)]
    sources, zip_problems, notices = lab.sources_from_uploads(list(uploads))
    problems += zip_problems
    picked = [
        Source(s.split("/")[-1], (SAMPLES_DIR / s).read_bytes(), kind="specimen", path=s) for s in chosen
    ]  # a specimen and an upload of one name become two names (qa.collect)
    sources = distinct_sources([("samples", picked, list(chosen)), ("", sources, [s.name for s in sources])])
    truth: TruthFile | None = None
    if truth_file is not None:
        try:
            truth = parse_truth(truth_file.name, truth_file.getvalue(), service)
        except TruthError as err:
            problems.append(err.words(lang, plain))
        else:
            notices += truth_notes(truth, [s.name for s in sources], lang, plain)
    elif chosen and not uploads:
        truth = TruthFile("specimens", "", specimen_truth(SAMPLES_DIR))
    calls = billed_calls(len(sources), sweep)
    if conn.backend == "cloud" and calls > max_cloud_calls():
        problems.append(t("lab.cap", calls=calls, cap=max_cloud_calls()))
    return Plan(sources, sweep, truth, calls, problems, notices)


def start_run(
    factory: Any, conn: Connection, service: str, plan: Plan, *, preprocess: bool, concurrency: int
) -> int:
    """Create the run, seal its inputs, audit its start and put it on the queue; the backend is decided
    again here (``refuse_unless_offered`` raises, after an audit row, when this person may not use it)."""
    refuse_unless_offered(conn.backend, conn.api_version)
    identity = current_identity()
    spec = RunSpec(
        service,
        conn.backend,
        base_url(conn),
        conn.api_version,
        sweep=plan.sweep,
        preprocess=preprocess,
        truth=plan.truth,
        concurrency=concurrency,
        started_by=who(identity),
    )
    run_id = create_run(factory, spec, plan.sources, spool())
    audit_start(factory, run_id, identity)
    held_uploads.put(run_id, {i: s.data for i, s in enumerate(plan.sources) if s.kind == "upload"})
    enqueue(run_id, lab.db_url(), conn.backend, conn.api_version)
    return run_id
