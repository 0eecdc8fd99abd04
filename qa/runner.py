"""Runs: created with their items, executed item by item, cancelled, interrupted, resumed.

Every state lives in the database, so any process (a Huey worker, the CLI) can execute a run and
any page can read its progress. An item that has an answer is never sent again:

- ``pending`` items are sent; an item stays ``pending`` while on the wire (a state written before the
  call would cost a second commit per item and tell a resume nothing more: an item without an answer
  is sent again either way). ``sending``, written by earlier versions, is read as ``pending``;
- an answer (success or an API failure) ends the item, written with the run's counters in one
  transaction; a read timeout or dropped connection makes it ``lost`` (maybe processed and billed:
  never resent, as ``OcrClient`` decides);
- when a worker dies, ``mark_interrupted`` (or ``qa.tasks.recover`` at start) finds its run by a stale
  heartbeat; ``resume_run`` queues it again and only its unanswered items are sent;
- on NHN Cloud each item takes its unit of the quota as it is sent (``access.metering``) and leaves a
  ``qa-run:<id>`` audit row; once the quota is used up the rest end ``refused`` and the run ``done``.

Cost per item, kept small so the lab adds little to the calls themselves: each source image is read
from the spool and decoded once (a few at a time in memory: items come in source order), each sweep
level is rendered from those pixels and encoded once (``qa.sweeps.render``), the pre-flight checks
run while the request is on the wire, and the answer is written in one short transaction.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from access.ledger import QuotaExceeded
from access.metering import Door, lab_run_door
from l10n import rejection
from ocr_core import ApiError, CreditCardResult, IdCardResult, OcrClient, OcrError
from ocr_core.errors import ConnectionLostError, ReadTimeoutError
from ocr_core.imaging import LoadedImage, PreprocessOptions, QualityReport, assess_quality, load_image
from ocr_core.masking import mask_value
from ocr_core.pipeline import ImageRejected, Payload, prepare, prepare_loaded
from ocr_core.validators import Check
from ocr_core.verdicts import check_record, result_checks
from qa.spool import Spool
from qa.sweeps import render, sweep_levels
from qa.truth import TruthFile, score
from store.models import Item, ItemField, Run

SERVICES = ("credit-card", "id-card", "stand-alone")
DEFAULT_CONCURRENCY = 2
HEARTBEAT_SECONDS = 5.0
STALE_AFTER_SECONDS = 30.0
FINAL_STATUSES = ("done", "cancelled", "failed")
REFUSED_QUOTA = "refused: quota"
"""An item's message when the quota of billed calls was used up before it was sent (state ``refused``)."""


def _now() -> datetime:
    return datetime.now(UTC)


SOURCE_KINDS = ("upload", "specimen", "file")


@dataclass(frozen=True)
class Source:
    """One image of a run. ``kind`` and ``path`` say where it can be found again later (a specimen's
    path under ``samples/``, a CLI file's absolute path) so an item's image can be shown without the
    store ever holding it; an upload has no path."""

    name: str
    data: bytes = field(repr=False)
    kind: str = "upload"
    path: str | None = None


@dataclass(frozen=True)
class RunSpec:
    service: str
    backend: str
    endpoint: str
    api_version: str
    sweep: Sequence[tuple[str, Sequence[float]]] = ()
    preprocess: bool = False
    truth: TruthFile | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    rate_limit: float | None = None
    started_by: str = "local"

    def __post_init__(self) -> None:
        if self.service not in SERVICES:
            raise ValueError(f"service must be one of {', '.join(SERVICES)}")
        if not 1 <= self.concurrency <= 16:
            raise ValueError("concurrency must be between 1 and 16")


def billed_calls(n_images: int, sweep: Sequence[tuple[str, Sequence[float]]]) -> int:
    """Calls a run makes: each image as given plus each non-identity level of the sweep."""
    return n_images * (1 + len(sweep_levels([(n, tuple(lv)) for n, lv in sweep])))


def preprocess_options() -> PreprocessOptions:
    """The dashboard's default preprocessing."""
    return PreprocessOptions()


# ------------------------------------------------------------------------------------- create


def create_run(factory: sessionmaker[Session], spec: RunSpec, sources: Sequence[Source], spool: Spool) -> int:
    """Record a run and its items (queued). Bad images become failed items with their reason."""
    levels = sweep_levels([(n, tuple(lv)) for n, lv in spec.sweep])
    truth = spec.truth.entries if spec.truth else {}
    with factory() as session:
        run = Run(started_by=spec.started_by, backend=spec.backend, endpoint=spec.endpoint,
                  api_version=spec.api_version, service=spec.service, preprocess=spec.preprocess,
                  sweep=[[n, list(lv)] for n, lv in spec.sweep],
                  truth_name=spec.truth.name if spec.truth else None,
                  truth_sha256=spec.truth.sha256 if spec.truth else None,
                  concurrency=spec.concurrency, rate_limit=spec.rate_limit, status="queued")
        session.add(run)
        session.flush()
        position = 0
        failed = 0
        for index, source in enumerate(sources):
            expected = truth.get(source.name)
            doc_type = _doc_type(spec.service, expected)
            try:
                payload = prepare(source.data, name=source.name)
            except ImageRejected as err:
                session.add(Item(run_id=run.id, position=position, source=index, image_name=source.name,
                                 source_kind=source.kind, source_path=source.path,
                                 size_bytes=len(source.data), doc_type=doc_type, state="failed",
                                 result_message=f"{err.code}: {rejection(err.code, err.params, 'en')}",
                                 finished_at=_now()))
                position += 1
                failed += 1
                continue
            spool.put_source(run.id, index, source.data)
            common = {"run_id": run.id, "source": index, "image_name": source.name, "sha256": payload.sha256,
                      "size_bytes": len(source.data), "width": payload.width, "height": payload.height,
                      "doc_type": doc_type, "source_kind": source.kind, "source_path": source.path}
            for name, level in [("none", 0.0), *levels]:
                session.add(Item(position=position, degradation=name, level=level, **common))
                position += 1
        spool.put_truth(run.id, {s.name: truth[s.name] for s in sources if s.name in truth})
        run.total = position
        run.failed = failed
        run.done = failed
        session.commit()
        return run.id


def _doc_type(service: str, expected: dict[str, str] | None) -> str | None:
    if service == "credit-card":
        return "credit-card"
    return (expected or {}).get("idType")


# ------------------------------------------------------------------------------------- execute


class _RateLimit:
    """At most ``per_second`` calls started per second, across the run's threads."""

    def __init__(self, per_second: float | None) -> None:
        self._gap = 1.0 / per_second if per_second else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self._gap:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._gap
        if start > now:
            time.sleep(start - now)


ProgressFn = Callable[[int, int, int], None]
"""Called with (done, failed, total) after each item."""


class _Sources:
    """A run's source images, decoded, a few at a time: items come in source order, so each source is
    read from the spool and decoded once, and no more stay in memory than the threads can be using."""

    def __init__(self, spool: Spool, run_id: int, keep: int) -> None:
        self._spool, self._run_id, self._keep = spool, run_id, keep
        self._lock = threading.Lock()
        self._slots: OrderedDict[int, tuple[threading.Lock, list[LoadedImage]]] = OrderedDict()

    def get(self, index: int) -> LoadedImage:
        with self._lock:
            slot = self._slots.get(index)
            if slot is None:
                slot = self._slots[index] = (threading.Lock(), [])
            self._slots.move_to_end(index)
            while len(self._slots) > self._keep:
                self._slots.popitem(last=False)
        lock, held = slot
        with lock:
            if not held:
                held.append(load_image(self._spool.get_source(self._run_id, index)))
            return held[0]


@dataclass(frozen=True)
class _Pending:
    id: int
    name: str
    degradation: str
    level: float
    source: int
    doc_type: str | None


def _claim(factory: sessionmaker[Session], run_id: int, endpoint: str | None) -> tuple[Run, list[_Pending]] | str:
    """Mark the run running and list its unanswered items; or the status to return when there is nothing
    to do (finished, or running under another live worker). The claim is one conditional UPDATE, so of
    two workers handed the same run (a task delivered twice) exactly one sends."""
    now = _now()
    claimable = or_(Run.status.in_(("queued", "interrupted")),
                    and_(Run.status == "running",
                         or_(Run.heartbeat_at.is_(None),
                             Run.heartbeat_at < now - timedelta(seconds=STALE_AFTER_SECONDS))))
    values: dict[str, Any] = {"status": "running", "heartbeat_at": now,
                              "started_at": func.coalesce(Run.started_at, now)}
    if endpoint is not None:
        values["endpoint"] = endpoint
    with factory() as session:
        claimed = session.execute(update(Run).where(Run.id == run_id, claimable).values(**values)
                                  .returning(Run.id)).first()
        if claimed is None:
            status = session.scalar(select(Run.status).where(Run.id == run_id))
            if status is None:
                raise LookupError(f"no run {run_id}")
            return status
        session.execute(update(Item).where(Item.run_id == run_id, Item.state == "sending")
                        .values(state="pending"))
        pending = [_Pending(*row) for row in session.execute(
            select(Item.id, Item.image_name, Item.degradation, Item.level, Item.source, Item.doc_type)
            .where(Item.run_id == run_id, Item.state == "pending").order_by(Item.position))]
        session.commit()
        run = session.get(Run, run_id)
        assert run is not None
        return run, pending


def execute_run(factory: sessionmaker[Session], run_id: int, client: OcrClient, spool: Spool,
                *, on_progress: ProgressFn | None = None) -> str:
    """Send every pending item of the run; returns the final status. Idempotent and resumable.

    A ``KeyboardInterrupt`` (Ctrl-C) ends the run ``cancelled`` with every answer kept, then goes on
    up: left ``running``, a dashboard's recovery would take it for a dead worker's and finish it."""
    with factory() as session:
        backend = session.scalar(select(Run.backend).where(Run.id == run_id))
    claimed = _claim(factory, run_id, client.settings.base_url if backend == "cloud" else None)
    if isinstance(claimed, str):
        return _finish(factory, run_id, spool, "cancelled") if claimed == "cancelling" else claimed
    run, pending = claimed
    door = lab_run_door(factory.kw["bind"], run_id, run.started_by, run.backend, run.api_version)
    truth = spool.get_truth(run_id) if spool.has(run_id) else {}
    stop = threading.Event()
    cancelled = threading.Event()
    quota_used_up = threading.Event()  # once refused, the remaining items are refused without a try
    limiter = _RateLimit(run.rate_limit)
    options = preprocess_options() if run.preprocess else None
    sources = _Sources(spool, run_id, keep=run.concurrency + 1)
    checks = ThreadPoolExecutor(max_workers=run.concurrency, thread_name_prefix=f"qa-run-{run_id}-checks")

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            with factory() as s:
                status = s.scalar(update(Run).where(Run.id == run_id).values(heartbeat_at=_now())
                                  .returning(Run.status))
                s.commit()
            if status == "cancelling":
                cancelled.set()

    def work(item: _Pending) -> None:
        if cancelled.is_set():
            return
        if quota_used_up.is_set():
            outcome = _Outcome({"state": "refused", "result_message": REFUSED_QUOTA}, [])
        else:
            outcome = _send(client, run.service, sources, item, options, limiter, truth.get(item.name), checks,
                            door)
        if outcome.items.get("state") == "refused":
            quota_used_up.set()
        values = {**outcome.items, "finished_at": _now()}
        if item.doc_type is None and values.get("id_type"):
            values["doc_type"] = values["id_type"]
        with factory() as s:
            s.execute(update(Item).where(Item.id == item.id).values(**values))
            if outcome.fields:
                s.execute(insert(ItemField), [{"item_id": item.id, **f} for f in outcome.fields])
            done, failed, total, status = s.execute(update(Run).where(Run.id == run_id).values(
                done=Run.done + 1, failed=Run.failed + int(values["state"] != "done"), heartbeat_at=_now())
                .returning(Run.done, Run.failed, Run.total, Run.status)).one()
            s.commit()
        if status == "cancelling":
            cancelled.set()
        if on_progress is not None:
            on_progress(done, failed, total)

    beat = threading.Thread(target=heartbeat, name=f"qa-run-{run_id}-heartbeat", daemon=True)
    beat.start()
    interrupted = False  # Ctrl-C on the command line: a stop the user asked for, so the run ends cancelled
    try:
        if run.concurrency == 1:  # one at a time: in this thread, no hand-off per item
            for item in pending:
                work(item)
        else:
            with ThreadPoolExecutor(max_workers=run.concurrency, thread_name_prefix=f"qa-run-{run_id}") as pool:
                try:
                    list(pool.map(work, pending))
                except KeyboardInterrupt:  # the items on the wire finish and are kept; no new one starts
                    cancelled.set()
                    interrupted = True
    except KeyboardInterrupt:  # one at a time: the item on the wire is left without an answer
        cancelled.set()
        interrupted = True
    finally:
        stop.set()
        checks.shutdown()
        beat.join()
    with factory() as s:
        row = s.get(Run, run_id)
        assert row is not None
        row.key_versions = {**(row.key_versions or {}), **{str(k): v for k, v in client.key_versions().items()}}
        status = row.status
        s.commit()
    if cancelled.is_set() or status == "cancelling":
        _finish(factory, run_id, spool, "cancelled")
        if interrupted:
            raise KeyboardInterrupt
        return "cancelled"
    return _finish(factory, run_id, spool, "done")


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _finish(factory: sessionmaker[Session], run_id: int, spool: Spool, status: str) -> str:
    with factory() as s:
        run = s.get(Run, run_id)
        assert run is not None
        run.status = status
        run.finished_at = _now()
        s.commit()
    spool.drop(run_id)
    return status


@dataclass
class _Outcome:
    items: dict[str, Any]
    fields: list[dict[str, Any]]


def sent_payload(source: LoadedImage, degradation: str, level: float,
                 options: PreprocessOptions | None) -> Payload:
    """What an item sends: its source at its sweep level, preprocessed when the run asked for it.
    Deterministic, so ``qa.images`` can make it again and check it against ``Item.sent_sha256``."""
    return prepare_loaded(render(source, degradation, level), preprocess=options)


def _send(client: OcrClient, service: str, sources: _Sources, item: _Pending, options: PreprocessOptions | None,
          limiter: _RateLimit, expected: dict[str, str] | None, checks: ThreadPoolExecutor,
          door: Door | None = None) -> _Outcome:
    items: dict[str, Any] = {}
    try:
        payload = sent_payload(sources.get(item.source), item.degradation, item.level, options)
    except ImageRejected as err:
        return _Outcome({"state": "failed", "result_message": f"{err.code}: {rejection(err.code, err.params, 'en')}"}, [])
    digest = hashlib.sha256(payload.data).hexdigest()
    items.update(sent_sha256=digest, sent_width=payload.width, sent_height=payload.height)
    known = preflight_cache.known(digest)
    if known is not None:  # the same bytes were checked before: no thread hand-off for nothing
        items.update(known)
        limiter.wait()
        return _call(client, service, payload, expected, items, door)
    # The pre-flight checks are pure pixel work: they run while the request is on the wire.
    quality: Future[dict[str, Any]] = checks.submit(preflight_cache.verdicts, digest, payload.image)
    limiter.wait()
    try:
        outcome = _call(client, service, payload, expected, items, door)
    finally:
        items.update(quality.result())
    return outcome


class _Preflight:
    """Pre-flight verdicts by the SHA-256 of the image sent: the same bytes always get the same
    verdicts, so a run repeated (another backend, API version or day) or an image repeated in a set
    does not pay for the checks again. Small (verdicts only, no pixels) and bounded."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._known: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.computed = 0

    def known(self, digest: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._known.get(digest)
            if found is not None:
                self._known.move_to_end(digest)
            return found

    def verdicts(self, digest: str, image: LoadedImage) -> dict[str, Any]:
        known = self.known(digest)
        if known is not None:
            return known
        report: QualityReport = assess_quality(image)
        found = {"quality_status": report.status,
                 "quality": {c.name: {"status": c.status, "value": c.value} for c in report.checks}}
        with self._lock:
            self.computed += 1
            self._known[digest] = found
            while len(self._known) > self._size:
                self._known.popitem(last=False)
        return found


preflight_cache = _Preflight()
"""This process's pre-flight verdicts by image digest (``computed`` counts the checks actually run)."""


def _call(client: OcrClient, service: str, payload: Payload, expected: dict[str, str] | None,
          items: dict[str, Any], door: Door | None) -> _Outcome:
    def call() -> CreditCardResult | IdCardResult:
        if service == "credit-card":
            return client.analyze_credit_card(payload.data)
        return client.analyze_id_card(payload.data, stand_alone=service == "stand-alone")

    try:  # on NHN Cloud the item's quota unit is taken here, as it is sent, and its audit row left
        result = door.call(service, call, image=payload.data) if door is not None else call()
    except QuotaExceeded as err:
        items.update(state="refused", result_message=f"{REFUSED_QUOTA}: {err}")
        return _Outcome(items, [])
    except ApiError as err:
        items.update(state="failed", result_code=err.result_code, result_message=err.vendor_message)
        return _Outcome(items, _fields({}, {}, expected, {}))
    except (ReadTimeoutError, ConnectionLostError) as err:
        items.update(state="lost", result_message=f"{type(err).__name__}: {err}")
        return _Outcome(items, [])
    except OcrError as err:  # InputError included
        items.update(state="failed", result_message=f"{type(err).__name__}: {err}")
        return _Outcome(items, [])
    values, confs = _readings(result)
    items.update(state="done", result_code=0, result_message="SUCCESS", resolution=result.resolution)
    if isinstance(result, IdCardResult):
        items["id_type"] = result.id_type
    trace = result.trace
    if trace is not None:
        t = trace.timings_ms
        items.update(t_key=t.get("key_fetch"), t_encrypt=t.get("encrypt"), t_network=t.get("network"),
                     t_decrypt=t.get("decrypt"), t_total=t.get("total"))
    answer = result.to_api_json(masked=True)
    answer.pop("requestKey", None)
    items["answer"] = answer
    return _Outcome(items, _fields(values, confs, expected, result_checks(result)))


def _readings(result: CreditCardResult | IdCardResult) -> tuple[dict[str, str | None], dict[str, float | None]]:
    values: dict[str, str | None] = {}
    confs: dict[str, float | None] = {}
    if isinstance(result, CreditCardResult):
        values["totalCardNum"] = result.total_card_num
        groups = [g.conf for g in result.card_numbers if g.conf is not None]
        confs["totalCardNum"] = min(groups) if groups else None
        if result.valid_thru is not None:
            values["validThru"] = result.valid_thru.value
            confs["validThru"] = result.valid_thru.conf
    else:
        values["idType"] = result.id_type
        confs["idType"] = None
        for kv in result.key_values:
            values[kv.key] = kv.value
            confs[kv.key] = kv.conf
    return values, confs


def _fields(values: dict[str, str | None], confs: dict[str, float | None], expected: dict[str, str] | None,
            checks: Mapping[str, Sequence[Check]]) -> list[dict[str, Any]]:
    """Scored against plain truth and judged by the validators (``checks``: the verdicts on the plain
    values, as the analysis pages show them), then masked: the only form that is stored. A verdict is
    stored as a record that holds no part of the value (``ocr_core.verdicts.check_record``)."""
    correct = score(expected, values)
    return [{"name": key, "value": mask_value(key, values.get(key)) if values.get(key) is not None else None,
             "conf": confs.get(key), "correct": correct[key],
             "checks": [check_record(c) for c in checks.get(key, ())]} for key in correct]


# ------------------------------------------------------------------------------------- control


def cancel_run(factory: sessionmaker[Session], run_id: int, spool: Spool) -> str:
    """Ask a running run to stop (it finishes the items on the wire); a queued one stops at once."""
    with factory() as s:
        run = s.get(Run, run_id)
        if run is None:
            raise LookupError(f"no run {run_id}")
        if run.status in ("queued", "interrupted"):
            run.status, run.finished_at = "cancelled", _now()
            s.commit()
            spool.drop(run_id)
        elif run.status == "running":
            run.status = "cancelling"
            s.commit()
        return run.status


def mark_interrupted(factory: sessionmaker[Session], *, stale_after: float = STALE_AFTER_SECONDS) -> list[int]:
    """Runs whose worker stopped beating (a restart, a killed process) become ``interrupted``."""
    cutoff = _now() - timedelta(seconds=stale_after)
    with factory() as s:
        runs = s.scalars(select(Run).where(Run.status.in_(("running", "cancelling")))).all()
        ids = []
        for run in runs:
            if run.heartbeat_at is None or _aware(run.heartbeat_at) < cutoff:
                run.status = "interrupted"
                ids.append(run.id)
        s.commit()
        return ids


def resume_run(factory: sessionmaker[Session], run_id: int) -> None:
    """An interrupted run goes back to the queue; only items without an answer will be sent."""
    with factory() as s:
        run = s.get(Run, run_id)
        if run is None:
            raise LookupError(f"no run {run_id}")
        if run.status != "interrupted":
            raise ValueError(f"run {run_id} is {run.status}, not interrupted")
        s.execute(update(Item).where(Item.run_id == run_id, Item.state == "sending").values(state="pending"))
        run.status = "queued"
        s.commit()


def delete_run(factory: sessionmaker[Session], run_id: int, spool: Spool) -> None:
    with factory() as s:
        s.execute(delete(ItemField).where(ItemField.item_id.in_(select(Item.id).where(Item.run_id == run_id))))
        s.execute(delete(Item).where(Item.run_id == run_id))
        s.execute(delete(Run).where(Run.id == run_id))
        s.commit()
    spool.drop(run_id)
