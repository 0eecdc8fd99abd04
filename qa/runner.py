"""Runs: created with their items, executed item by item, cancelled, interrupted, resumed.

Every state lives in the database, so any process (a Huey worker, the CLI) can execute a run and
any page can read its progress. An item that has an answer is never sent again, and an item whose
request may have left is never sent again silently (every NHN Cloud analysis is billed):

- ``pending`` items are sent. Just before its request leaves, an item is marked ``sending`` (its own
  short commit); an answer (success or an API failure) ends the item, written with the run's counters
  in one transaction; a read timeout or dropped connection makes it ``lost`` (maybe processed and
  billed: never resent, as ``OcrClient`` decides);
- when a worker dies (a crash, a kill, a database that stayed away), its ``sending`` items become
  ``unknown``: their requests may have reached the API and been billed. Nothing resends them — not a
  resume, not ``qa.tasks.recover`` at start — except ``resend_unknown``, which needs the number of such
  items confirmed ("2 items may already have been billed"); ``settle_unknown`` keeps them as ``lost``.
  A finished run with such items keeps its images in the spool until they are resent or settled;
- when a worker dies, ``mark_interrupted`` (or ``qa.tasks.recover`` at start) finds its run by a stale
  heartbeat; ``resume_run`` queues it again and only its never-sent (``pending``) items are sent;
- on NHN Cloud each item takes its unit of the quota as it is sent (``access.metering``) and leaves a
  ``qa-run:<id>`` audit row, booked to whoever started the run, or to whoever last resumed it or
  confirmed a resend (``Run.billed_to``); once the quota is used up the rest end ``refused``;
- resume, cancel, resend, settle and delete are decided here, on the server, by ``access.policy``'s run
  table with the acting identity and the run's owner, and each leaves a ``run_action`` (or ``refused``)
  audit row naming who;
- the database in trouble (a lock held longer than SQLite's busy timeout, a PostgreSQL restart) is
  waited out with a bounded back-off (``store.db.retrying``) by the item writes, the heartbeat and the
  controls; a run that truly cannot go on ends ``failed`` with the reason in ``Run.message``.

Cost per item, kept small so the lab adds little to the calls themselves: each source image is read
from the spool and decoded once (a few at a time in memory: items come in source order), each sweep
level is rendered from those pixels and encoded once (``qa.sweeps.render``), the pre-flight checks
run while the request is on the wire (``qa.preflight``: in a niced helper process), the ``sending``
mark is one single-row UPDATE, and the answer is written in one short transaction.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Result,
    and_,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from access.audit import QA_RUN_PREFIX, AuditEvent, EventKind, log_event, who
from access.ledger import Ledger, QuotaExceeded
from access.metering import Door, lab_run_door
from access.policy import AccessDenied, Action, Identity, require_run
from l10n import rejection
from ocr_core import ApiError, CreditCardResult, IdCardResult, OcrClient, OcrError
from ocr_core.errors import ConnectionLostError, ReadTimeoutError
from ocr_core.imaging import LoadedImage, PreprocessOptions, load_image
from ocr_core.masking import mask_value
from ocr_core.pipeline import ImageRejected, Payload, prepare, prepare_loaded
from ocr_core.validators import Check
from ocr_core.verdicts import check_record, result_checks
from qa import preflight
from qa.differences import differences
from qa.spool import Spool, SpoolUnreadable
from qa.sweeps import render, sweep_levels
from qa.truth import TruthFile, score
from store.db import patience_seconds, retrying
from store.models import Item, ItemField, Run

SERVICES = ("credit-card", "id-card", "stand-alone")
DEFAULT_CONCURRENCY = 2
HEARTBEAT_SECONDS = 5.0
STALE_AFTER_SECONDS = 30.0
FINAL_STATUSES = ("done", "cancelled", "failed")
REFUSED_QUOTA = "refused: quota"
"""An item's message when the quota of billed calls was used up before it was sent (state ``refused``)."""
UNKNOWN_MESSAGE = (
    "fate unknown: its worker stopped while the request was on the wire; it may have been "
    "processed and billed, so it is not sent again without a confirmation"
)
SETTLED_MESSAGE = "lost: fate unknown after a stop; kept as lost, never resent"
CONTROL_PATIENCE = 30.0
"""Seconds a page's or a recovery's control (resume, cancel, delete…) waits out a database in trouble."""
VIEW_PATIENCE = 5.0
"""Seconds the Runs page's own housekeeping on opening (``mark_interrupted``) waits out a database in
trouble: a lock held a moment is waited for, a database gone is named on the page within seconds (it
waited ``CONTROL_PATIENCE``, 30 s, for a page nobody had clicked anything on)."""
log = logging.getLogger("qa")


def _now() -> datetime:
    return datetime.now(UTC)


SOURCE_KINDS = ("upload", "specimen", "file")


@dataclass(frozen=True)
class Source:
    """One image of a run.

    ``kind`` and ``path`` say where it can be found again later (a specimen's path under ``samples/``, a CLI
    file's absolute path) so an item's image can be shown without the store ever holding it; an upload has
    no path."""

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
    tags = spec.truth.tags if spec.truth else {}
    with factory() as session:
        try:
            return _create(session, spec, sources, spool, levels, truth, tags)
        except BaseException:
            # nothing of a run that was not created stays: its sealed images are rows of it
            session.rollback()
            raise


def _create(
    session: Session,
    spec: RunSpec,
    sources: Sequence[Source],
    spool: Spool,
    levels: Sequence[tuple[str, float]],
    truth: Mapping[str, dict[str, str]],
    tags: Mapping[str, dict[str, str]],
) -> int:
    run = Run(
        started_by=spec.started_by,
        backend=spec.backend,
        endpoint=spec.endpoint,
        api_version=spec.api_version,
        service=spec.service,
        preprocess=spec.preprocess,
        sweep=[[n, list(lv)] for n, lv in spec.sweep],
        truth_name=spec.truth.name if spec.truth else None,
        truth_sha256=spec.truth.sha256 if spec.truth else None,
        concurrency=spec.concurrency,
        rate_limit=spec.rate_limit,
        status="queued",
    )
    session.add(run)
    session.flush()
    position = 0
    failed = 0
    for index, source in enumerate(sources):
        expected = truth.get(source.name)
        doc_type = _doc_type(spec.service, expected)
        tagged = dict(tags.get(source.name) or {}) or None
        try:
            payload = prepare(source.data, name=source.name)
        except ImageRejected as err:
            session.add(
                Item(
                    run_id=run.id,
                    position=position,
                    source=index,
                    image_name=source.name,
                    source_kind=source.kind,
                    source_path=source.path,
                    size_bytes=len(source.data),
                    doc_type=doc_type,
                    state="failed",
                    tags=tagged,
                    result_message=f"{err.code}: {rejection(err.code, err.params, 'en')}",
                    finished_at=_now(),
                )
            )
            position += 1
            failed += 1
            continue
        spool.put_source(session, run.id, index, source.data)
        common = {
            "run_id": run.id,
            "source": index,
            "image_name": source.name,
            "sha256": payload.sha256,
            "size_bytes": len(source.data),
            "width": payload.width,
            "height": payload.height,
            "doc_type": doc_type,
            "source_kind": source.kind,
            "source_path": source.path,
            "tags": tagged,
        }
        for name, level in [("none", 0.0), *levels]:
            session.add(Item(position=position, degradation=name, level=level, **common))
            position += 1
    spool.put_truth(session, run.id, {s.name: truth[s.name] for s in sources if s.name in truth})
    run.total = position
    run.failed = failed
    run.done = failed
    session.commit()
    return int(run.id)


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
    """A run's source images, decoded a few at a time.

    A run's source images, decoded, a few at a time: items come in source order, so each source is
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


def _changed(result: Result[Any]) -> int:
    """Rows an UPDATE changed (``Session.execute`` types its result as a plain ``Result``)."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def _settle_in_flight(session: Session, run_id: int, now: datetime) -> int:
    """Mark the items a gone worker left ``sending`` as ``unknown``; returns how many.

    Items left ``sending`` by a worker that is gone become ``unknown`` (ended for the run's counters:
    maybe billed, never resent without a confirmation); returns how many."""
    gone = _changed(
        session.execute(
            update(Item)
            .where(Item.run_id == run_id, Item.state == "sending")
            .values(state="unknown", result_message=UNKNOWN_MESSAGE, finished_at=now)
        )
    )
    if gone:
        session.execute(
            update(Run).where(Run.id == run_id).values(done=Run.done + gone, failed=Run.failed + gone)
        )
    return gone


def _claim(
    factory: sessionmaker[Session], run_id: int, endpoint: str | None
) -> tuple[Run, list[_Pending]] | str:
    """Claim the run and list its never-sent items, or say why there is nothing to do.

    Mark the run running and list its never-sent items; or the status to return when there is nothing
    to do (finished, or running under another live worker). The claim is one conditional UPDATE, so of
    two workers handed the same run (a task delivered twice) exactly one sends. Items a dead worker left
    ``sending`` become ``unknown`` here, in the same transaction: they are not sent."""
    now = _now()
    claimable = or_(
        Run.status.in_(("queued", "interrupted")),
        and_(
            Run.status == "running",
            or_(Run.heartbeat_at.is_(None), Run.heartbeat_at < now - timedelta(seconds=STALE_AFTER_SECONDS)),
        ),
    )
    values: dict[str, Any] = {
        "status": "running",
        "heartbeat_at": now,
        "started_at": func.coalesce(Run.started_at, now),
        "finished_at": None,
    }
    if endpoint is not None:
        values["endpoint"] = endpoint
    with factory() as session:
        claimed = session.execute(
            update(Run).where(Run.id == run_id, claimable).values(**values).returning(Run.id)
        ).first()
        if claimed is None:
            status = session.scalar(select(Run.status).where(Run.id == run_id))
            if status is None:
                raise LookupError(f"no run {run_id}")
            return status
        _settle_in_flight(session, run_id, now)
        pending = [
            _Pending(*row)
            for row in session.execute(
                select(Item.id, Item.image_name, Item.degradation, Item.level, Item.source, Item.doc_type)
                .where(Item.run_id == run_id, Item.state == "pending")
                .order_by(Item.position)
            )
        ]
        session.commit()
        run = session.get(Run, run_id)
        assert run is not None
        return run, pending


class _Taken(Exception):
    """An item was no longer ``pending`` when its worker came to send it: nothing is sent."""


def _reason(factory: sessionmaker[Session], err: BaseException) -> str:
    """Why a run could not go on, in words for ``Run.message`` (never a password from the URL)."""
    from store.db import StoreUnavailable

    if isinstance(err, SpoolUnreadable):
        return str(err)
    if isinstance(err, StoreUnavailable):
        return err.plain()
    url = factory.kw["bind"].url.render_as_string(hide_password=False)
    return (
        StoreUnavailable.in_use(url, err).plain()
        if isinstance(err, SQLAlchemyError)
        else (f"{type(err).__name__}: {err}")
    )


def execute_run(
    factory: sessionmaker[Session],
    run_id: int,
    client: OcrClient,
    spool: Spool,
    *,
    on_progress: ProgressFn | None = None,
) -> str:
    """Send every pending item of the run; returns the final status. Idempotent and resumable.

    A ``KeyboardInterrupt`` (Ctrl-C) ends the run ``cancelled`` with every answer kept, then goes on
    up: left ``running``, a dashboard's recovery would take it for a dead worker's and finish it.
    A database in trouble is waited out (``store.db.retrying``); one that stays away longer than that
    ends the run ``failed`` with the reason — or, when even that cannot be written, leaves it to the
    next recovery (its heartbeat stands still) after one line in the log. Anything else that stops the
    runner (images sealed under another worker's key, a bug) ends the run ``failed`` with the reason too:
    never a silent ``running``."""
    try:
        return _execute(factory, run_id, client, spool, on_progress)
    except (SQLAlchemyError, SpoolUnreadable) as err:
        reason = _reason(factory, err)
        log.error("QA run %s failed: %s", run_id, reason)
        return fail_run(factory, run_id, spool, reason)
    except Exception as err:
        reason = _reason(factory, err)
        log.exception("QA run %s failed: %s", run_id, reason)
        return fail_run(factory, run_id, spool, reason)


def fail_run(factory: sessionmaker[Session], run_id: int, spool: Spool, reason: str) -> str:
    """End the run ``failed`` with ``reason`` (the items on the wire become ``unknown``); returns "failed"."""
    try:  # the last word: worth waiting longer for than any one item
        return _finish(
            factory,
            run_id,
            spool,
            "failed",
            message=reason,
            patience=max(2 * patience_seconds(), CONTROL_PATIENCE),
        )
    except SQLAlchemyError as again:
        log.error(
            "QA run %s: could not even record that it failed (%s); the next recovery will find it",
            run_id,
            _reason(factory, again),
        )
        return "failed"


def _execute(
    factory: sessionmaker[Session],
    run_id: int,
    client: OcrClient,
    spool: Spool,
    on_progress: ProgressFn | None,
) -> str:
    def read_backend() -> str | None:
        with factory() as session:
            return session.scalar(select(Run.backend).where(Run.id == run_id))

    backend = retrying(read_backend, what=f"starting QA run {run_id}")
    claimed = retrying(
        lambda: _claim(factory, run_id, client.settings.base_url if backend == "cloud" else None),
        what=f"claiming QA run {run_id}",
    )
    if isinstance(claimed, str):
        return _finish(factory, run_id, spool, "cancelled") if claimed == "cancelling" else claimed
    run, pending = claimed
    door = lab_run_door(
        factory.kw["bind"],
        run_id,
        run.billed_to or run.started_by,
        run.backend,
        run.api_version,
        role=run.billed_role or "",
    )
    truth = spool.get_truth(run_id) if spool.has(run_id) else {}
    stop = threading.Event()
    cancelled = threading.Event()
    quota_used_up = threading.Event()  # once refused, the remaining items are refused without a try
    broken: list[BaseException] = []  # the database stayed away longer than retrying waits: stop sending
    limiter = _RateLimit(run.rate_limit)
    options = preprocess_options() if run.preprocess else None
    sources = _Sources(spool, run_id, keep=run.concurrency + 1)

    def beat_once() -> str | None:
        with factory() as s:
            # A worker that beats is alive: a run a page took for dead while the database was locked
            # (``interrupted``, not yet queued again) is running after all.
            status = s.scalar(
                update(Run)
                .where(Run.id == run_id)
                .values(
                    heartbeat_at=_now(),
                    status=case((Run.status == "interrupted", "running"), else_=Run.status),
                )
                .returning(Run.status)
            )
            s.commit()
            return status

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                status = retrying(
                    beat_once, what=f"the heartbeat of QA run {run_id}", patience=HEARTBEAT_SECONDS
                )
            except SQLAlchemyError as err:  # a missed beat; the next one tries again
                log.warning("QA run %s: heartbeat missed: %s", run_id, _reason(factory, err))
                continue
            if status == "cancelling":
                cancelled.set()

    def mark_sending(item_id: int) -> None:
        def mark() -> bool:
            with factory() as s:  # conditional: of two workers on one run, exactly one sends each item
                taken = _changed(
                    s.execute(
                        update(Item)
                        .where(Item.id == item_id, Item.state == "pending")
                        .values(state="sending")
                    )
                )
                s.commit()
                return bool(taken)

        if not retrying(mark, what=f"marking an item of QA run {run_id} as sending"):
            raise _Taken

    def write(item: _Pending, outcome: _Outcome) -> tuple[int, int, int, str]:
        values = {**outcome.items, "finished_at": _now()}
        if item.doc_type is None and values.get("id_type"):
            values["doc_type"] = values["id_type"]
        bad = int(values["state"] != "done")
        with factory() as s:
            ended = _changed(
                s.execute(
                    update(Item)
                    .where(Item.id == item.id, Item.state.in_(("pending", "sending")))
                    .values(**values)
                )
            )
            # taken for fate-unknown while on the wire (a stalled heartbeat): its answer wins
            if not ended and not _changed(
                s.execute(update(Item).where(Item.id == item.id, Item.state == "unknown").values(**values))
            ):
                # written already: a try whose commit went through though its acknowledgement was lost
                done, failed, total, status = s.execute(
                    select(Run.done, Run.failed, Run.total, Run.status).where(Run.id == run_id)
                ).one()
                return done, failed, total, status
            if outcome.fields:
                s.execute(insert(ItemField), [{"item_id": item.id, **f} for f in outcome.fields])
            done, failed, total, status = s.execute(
                update(Run)
                .where(Run.id == run_id)
                .values(
                    done=Run.done + int(bool(ended)),
                    failed=Run.failed + bad - int(not ended),
                    heartbeat_at=_now(),
                )
                .returning(Run.done, Run.failed, Run.total, Run.status)
            ).one()
            s.commit()
            return done, failed, total, status

    late: list[tuple[int, preflight.Pending]] = []  # items answered before their pre-flight checks were
    late_lock = threading.Lock()

    def record_late(*, wait: bool) -> None:
        """Record the pre-flight verdicts that came after their item's answer: those finished (or all of
        them, waiting, at the end of the run), in one transaction."""
        ready: list[tuple[int, preflight.Pending]] = []
        kept: list[tuple[int, preflight.Pending]] = []
        with late_lock:
            for pair in late:  # one pass: a check may finish meanwhile
                (ready if wait or pair[1].finished() else kept).append(pair)
            late[:] = kept
        if not ready:
            return
        # waited for: the newest first, those the helper has not started run here while it works on the
        # oldest (its queue's order), so a backlog takes both cores
        found = [(item_id, checks.verdicts(take_over=wait)) for item_id, checks in reversed(ready)]

        def record() -> None:
            with factory() as s:
                for item_id, verdicts in found:
                    s.execute(update(Item).where(Item.id == item_id).values(**verdicts))
                s.commit()

        retrying(record, what=f"recording pre-flight verdicts of QA run {run_id}")

    def work(item: _Pending) -> None:
        if cancelled.is_set():
            return
        try:
            if quota_used_up.is_set():
                outcome = _Outcome({"state": "refused", "result_message": REFUSED_QUOTA}, [])
            else:
                outcome = _send(
                    client,
                    run.service,
                    sources,
                    item,
                    options,
                    limiter,
                    truth.get(item.name),
                    door,
                    mark=lambda: mark_sending(item.id),
                )
            if outcome.items.get("state") == "refused":
                quota_used_up.set()
            done, failed, total, status = retrying(
                lambda: write(item, outcome), what=f"recording an answer of QA run {run_id}"
            )
            with late_lock:
                if outcome.late is not None:
                    late.append((item.id, outcome.late))
                held = sum(checks.image.bgr.nbytes for _, checks in late)
            # a backlog the helper cannot work off while the calls keep the cores busy is waited for (the
            # sender raises the helper) rather than let grow: each holds its image until it is checked
            record_late(wait=held > LATE_BYTES)
        except _Taken:  # no longer pending: another worker has it (a run resumed while this one lived on)
            return
        except (
            SQLAlchemyError,
            SpoolUnreadable,
        ) as err:  # waited long enough, or no image: no new item is sent
            broken.append(err)
            cancelled.set()
            return
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
            with ThreadPoolExecutor(
                max_workers=run.concurrency, thread_name_prefix=f"qa-run-{run_id}"
            ) as pool:
                try:
                    list(pool.map(work, pending))
                except KeyboardInterrupt:  # the items on the wire finish and are kept; no new one starts
                    cancelled.set()
                    interrupted = True
    except KeyboardInterrupt:  # one at a time: the item on the wire is left without an answer (unknown)
        cancelled.set()
        interrupted = True
    try:
        if not interrupted:
            record_late(wait=True)  # the calls are over: the helper has the machine to itself
    except SQLAlchemyError as err:
        broken.append(err)
    finally:
        stop.set()
        beat.join()
    if broken:
        raise broken[0]

    def keep_key_versions() -> str:
        with factory() as s:
            row = s.get(Run, run_id)
            assert row is not None
            row.key_versions = {
                **(row.key_versions or {}),
                **{str(k): v for k, v in client.key_versions().items()},
            }
            status = row.status
            s.commit()
            return status

    status = retrying(keep_key_versions, what=f"finishing QA run {run_id}")
    if cancelled.is_set() or status == "cancelling":
        _finish(factory, run_id, spool, "cancelled")
        if interrupted:
            raise KeyboardInterrupt
        return "cancelled"
    return _finish(factory, run_id, spool, "done")


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _finish(
    factory: sessionmaker[Session],
    run_id: int,
    spool: Spool,
    status: str,
    *,
    message: str | None = None,
    patience: float | None = None,
) -> str:
    """End the run. Items still ``sending`` become ``unknown``; a run that ends ``done`` with such items
    keeps its images in the spool, so that a confirmed ``resend_unknown`` can send them."""

    def finish() -> int:
        with factory() as s:
            now = _now()
            _settle_in_flight(s, run_id, now)
            values: dict[str, Any] = {"status": status, "finished_at": now}
            if message is not None:
                values["message"] = message[:2000]
            s.execute(update(Run).where(Run.id == run_id).values(**values))
            unknown = (
                s.scalar(select(func.count()).where(Item.run_id == run_id, Item.state == "unknown")) or 0
            )
            s.commit()
            return int(unknown)

    unknown = retrying(finish, what=f"ending QA run {run_id} {status}", patience=patience)
    if not (unknown and status == "done"):
        spool.drop(run_id)
    return status


LATE_BYTES = 64 * 1024 * 1024
"""Pixels a run may hold for pre-flight checks its answers overtook (about 45 cards at 1000x630, or
two 12 MP photos) before its senders wait for the checks."""


@dataclass
class _Outcome:
    items: dict[str, Any]
    fields: list[dict[str, Any]]
    late: preflight.Pending | None = None
    """Pre-flight checks not finished when the answer came: recorded on the item once they are."""


def sent_payload(
    source: LoadedImage, degradation: str, level: float, options: PreprocessOptions | None
) -> Payload:
    """What an item sends: its source at its sweep level, preprocessed when the run asked for it.
    Deterministic, so ``qa.images`` can make it again and check it against ``Item.sent_sha256``."""
    return prepare_loaded(render(source, degradation, level), preprocess=options)


def _send(
    client: OcrClient,
    service: str,
    sources: _Sources,
    item: _Pending,
    options: PreprocessOptions | None,
    limiter: _RateLimit,
    expected: dict[str, str] | None,
    door: Door | None = None,
    mark: Callable[[], None] | None = None,
) -> _Outcome:
    items: dict[str, Any] = {}
    try:
        payload = sent_payload(sources.get(item.source), item.degradation, item.level, options)
    except ImageRejected as err:
        return _Outcome(
            {"state": "failed", "result_message": f"{err.code}: {rejection(err.code, err.params, 'en')}"}, []
        )
    digest = hashlib.sha256(payload.data).hexdigest()
    items.update(sent_sha256=digest, sent_width=payload.width, sent_height=payload.height)
    known = preflight.cache.known(digest)
    if known is not None:  # the same bytes were checked before: nothing to start
        items.update(known)
        limiter.wait()
        return _call(client, service, payload, expected, items, door, mark)
    # In the helper process, while the request is out; an answer that comes first does not wait for them
    # (at the lowest priority they may be starved until the calls are over): `execute_run` records them.
    checks = preflight.begin(digest, payload.image)
    limiter.wait()
    outcome = _call(client, service, payload, expected, items, door, mark)
    if checks.finished():
        outcome.items.update(checks.verdicts())
    else:
        outcome.late = checks
    return outcome


def _call(
    client: OcrClient,
    service: str,
    payload: Payload,
    expected: dict[str, str] | None,
    items: dict[str, Any],
    door: Door | None,
    mark: Callable[[], None] | None = None,
) -> _Outcome:
    def call() -> CreditCardResult | IdCardResult:
        if service == "credit-card":
            return client.analyze_credit_card(payload.data)
        return client.analyze_id_card(payload.data, stand_alone=service == "stand-alone")

    if (
        mark is not None
    ):  # committed before the request leaves: after a crash, its fate is known to be unknown
        mark()
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
        items.update(
            t_key=t.get("key_fetch"),
            t_encrypt=t.get("encrypt"),
            t_network=t.get("network"),
            t_decrypt=t.get("decrypt"),
            t_total=t.get("total"),
        )
    answer = result.to_api_json(masked=True)
    answer.pop("requestKey", None)
    items["answer"] = answer
    return _Outcome(items, _fields(values, confs, expected, result_checks(result)))


def _readings(
    result: CreditCardResult | IdCardResult,
) -> tuple[dict[str, str | None], dict[str, float | None]]:
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


def _fields(
    values: dict[str, str | None],
    confs: dict[str, float | None],
    expected: dict[str, str] | None,
    checks: Mapping[str, Sequence[Check]],
) -> list[dict[str, Any]]:
    """Score, check and mask an item's fields: the form that is stored.

    Scored against plain truth and judged by the validators (``checks``: the verdicts on the plain
    values, as the analysis pages show them), then masked: the only form that is stored. A verdict is
    stored as a record that holds no part of the value (``ocr_core.verdicts.check_record``)."""
    correct = score(expected, values)

    def masked(key: str, value: str | None) -> str | None:
        return mask_value(key, value) if value is not None else None

    def truth_of(key: str) -> str | None:
        return (expected or {}).get(key)

    return [
        {
            "name": key,
            "value": masked(key, values.get(key)),
            "conf": confs.get(key),
            "correct": correct[key],
            "checks": [check_record(c) for c in checks.get(key, ())],
            "expected": masked(key, truth_of(key)),
            "diff": differences(truth_of(key), values.get(key)) if correct[key] is False else None,
        }
        for key in correct
    ]


# ------------------------------------------------------------------------------------- control


@dataclass(frozen=True)
class RunFacts:
    """What the controls decide on: whose run it is, where it sends, how far it got."""

    id: int
    owner: str
    backend: str
    api_version: str
    status: str
    pending: int
    unknown: int
    images_kept: bool
    message: str | None = None  # why it ended ``failed``


def run_facts(factory: sessionmaker[Session], run_id: int, spool: Spool) -> RunFacts:
    def read() -> RunFacts:
        with factory() as s:
            run = s.get(Run, run_id)
            if run is None:
                raise LookupError(f"no run {run_id}")
            counts = dict(
                s.execute(
                    select(Item.state, func.count())
                    .where(Item.run_id == run_id, Item.state.in_(("pending", "sending", "unknown")))
                    .group_by(Item.state)
                ).all()
            )
            return RunFacts(
                run.id,
                run.started_by,
                run.backend,
                run.api_version,
                run.status,
                int(counts.get("pending", 0)),
                int(counts.get("unknown", 0)),
                spool.has(run_id),
                run.message,
            )

    return retrying(read, what=f"reading QA run {run_id}", patience=CONTROL_PATIENCE)


def resendable(facts: RunFacts) -> bool:
    """Whether the run's items of unknown fate can be sent again.

    Items of unknown fate can be sent again (with a confirmation) from a run that ended ``done`` or was
    interrupted, while its images are still in the spool."""
    return bool(facts.unknown) and facts.status in ("done", "interrupted") and facts.images_kept


def _audit(factory: sessionmaker[Session], event: AuditEvent) -> None:
    """One audit row in the studio database (and its JSON line on ``studio.audit``)."""
    log_event(event)
    book = Ledger(factory.kw["bind"])
    retrying(lambda: book.append(event), what="writing an audit row", patience=CONTROL_PATIENCE)


def _act(
    factory: sessionmaker[Session], run_id: int, spool: Spool, by: Identity | None, action: Action
) -> RunFacts:
    """The server's decision on a run action, audited when refused.

    The server's decision on ``action`` by ``by`` on the run (``access.policy.require_run``): a refusal is
    audited (``refused``) and raised as ``AccessDenied``; a grant is audited (``run_action``) by the caller
    once done. Both rows name the run's door, ``qa-run:<id>``."""
    facts = run_facts(factory, run_id, spool)
    try:
        require_run(by, action, owner=facts.owner, backend=facts.backend)
    except AccessDenied:
        _audit(factory, _run_event("refused", by, action, facts))
        raise
    return facts


def _run_event(
    kind: EventKind, by: Identity | None, action: Action, facts: RunFacts, **more: Any
) -> AuditEvent:
    return AuditEvent(
        kind=kind,
        user=who(by),
        role=str(by.role) if by else "",
        where=f"{QA_RUN_PREFIX}{facts.id}",
        action=str(action),
        backend=facts.backend,
        api_version=facts.api_version,
        **more,
    )


def audit_start(factory: sessionmaker[Session], run_id: int, by: Identity | None) -> None:
    """A run started (the QA Lab's *Start*, ``python -m qa run``): who, which run, which backend."""
    with factory() as s:
        run = s.get(Run, run_id)
        assert run is not None
        backend, api = run.backend, run.api_version
    _audit(
        factory,
        AuditEvent(
            kind="run_action",
            user=who(by),
            role=str(by.role) if by else "",
            where=f"{QA_RUN_PREFIX}{run_id}",
            action="run_start",
            backend=backend,
            api_version=api,
        ),
    )


def cancel_run(factory: sessionmaker[Session], run_id: int, spool: Spool, *, by: Identity | None) -> str:
    """Ask a running run to stop (it finishes the items on the wire); a queued one stops at once.

    Allowed to the run's owner and admins (``access.policy``); audited either way."""
    facts = _act(factory, run_id, spool, by, Action.RUN_CANCEL)
    status = recovery_cancel(factory, run_id, spool)
    _audit(factory, _run_event("run_action", by, Action.RUN_CANCEL, facts))
    return status


def recovery_cancel(factory: sessionmaker[Session], run_id: int, spool: Spool) -> str:
    """Cancel a run without a permission check.

    The cancel itself, unchecked: ``cancel_run`` after its check, and ``qa.tasks.recover`` finishing the
    cancel someone asked of a run whose worker then died (no person acts there)."""

    def cancel() -> tuple[str, bool]:
        with factory() as s:
            run = s.get(Run, run_id)
            if run is None:
                raise LookupError(f"no run {run_id}")
            ended = False
            if run.status in ("queued", "interrupted"):
                _settle_in_flight(s, run_id, _now())
                run.status, run.finished_at = "cancelled", _now()
                ended = True
            elif run.status == "running":
                run.status = "cancelling"
            s.commit()
            return run.status, ended

    status, ended = retrying(cancel, what=f"cancelling QA run {run_id}", patience=CONTROL_PATIENCE)
    if ended:
        spool.drop(run_id)
    return status


def mark_interrupted(
    factory: sessionmaker[Session],
    *,
    stale_after: float = STALE_AFTER_SECONDS,
    patience: float = VIEW_PATIENCE,
) -> list[int]:
    """Mark runs whose worker stopped beating as ``interrupted``.

    Runs whose worker stopped beating (a restart, a killed process) become ``interrupted``; their items
    that were on the wire become ``unknown`` (maybe billed: not resent without a confirmation)."""
    cutoff = _now() - timedelta(seconds=stale_after)

    def mark() -> list[int]:
        with factory() as s:
            runs = s.execute(
                select(Run.id, Run.heartbeat_at).where(Run.status.in_(("running", "cancelling")))
            ).all()
            ids = [rid for rid, beat in runs if beat is None or _aware(beat) < cutoff]
            return _interrupt(s, ids, cutoff)

    return retrying(mark, what="looking for QA runs whose worker stopped", patience=patience)


def mark_dead(factory: sessionmaker[Session], run_ids: Sequence[int]) -> list[int]:
    """Mark runs found dead as ``interrupted``.

    Runs found dead by ``qa.tasks.recover`` (their heartbeat stood still) become ``interrupted``, with
    their in-flight items ``unknown``."""

    def mark() -> list[int]:
        with factory() as s:
            return _interrupt(s, list(run_ids), None)

    return retrying(mark, what="marking dead QA runs interrupted", patience=CONTROL_PATIENCE)


def _interrupt(s: Session, ids: list[int], cutoff: datetime | None) -> list[int]:
    done = []
    now = _now()
    for rid in ids:
        still: ColumnElement[bool] = Run.status.in_(("running", "cancelling"))
        if cutoff is not None:  # only if it did not beat again meanwhile
            still = and_(still, or_(Run.heartbeat_at.is_(None), Run.heartbeat_at < cutoff))
        if _changed(s.execute(update(Run).where(Run.id == rid, still).values(status="interrupted"))):
            _settle_in_flight(s, rid, now)
            done.append(rid)
    s.commit()
    return done


def resume_run(factory: sessionmaker[Session], run_id: int, spool: Spool, *, by: Identity | None) -> RunFacts:
    """Put an interrupted run back on the queue for its never-sent items.

    An interrupted run goes back to the queue (the caller enqueues it); only its never-sent items will
    be sent, and its billed calls now spend the quota of ``by``, whose name their audit rows carry. Items of
    unknown fate are not sent (``resend_unknown``). Returns what the run was (its backend, for the queue)."""
    facts = _act(factory, run_id, spool, by, Action.RUN_RESUME)
    requeue(factory, run_id, by=by)
    _audit(factory, _run_event("run_action", by, Action.RUN_RESUME, facts))
    return facts


def requeue(factory: sessionmaker[Session], run_id: int, *, by: Identity | None = None) -> None:
    """Put an interrupted run back to ``queued``.

    An interrupted run back to ``queued`` (``resume_run`` after its check, ``qa.tasks.recover`` for a
    dead worker's run, booked to whom it was booked to). Items that were on the wire become ``unknown``."""

    def requeue() -> None:
        with factory() as s:
            run = s.get(Run, run_id)
            if run is None:
                raise LookupError(f"no run {run_id}")
            if run.status != "interrupted":
                raise ValueError(f"run {run_id} is {run.status}, not interrupted")
            _settle_in_flight(s, run_id, _now())
            run.status = "queued"
            if by is not None:
                run.billed_to, run.billed_role = who(by), str(by.role)
            s.commit()

    retrying(requeue, what=f"resuming QA run {run_id}", patience=CONTROL_PATIENCE)


class NotConfirmed(ValueError):
    """A resend whose confirmed count is not the number of items of unknown fate the run holds now."""

    def __init__(self, confirmed: int, unknown: int) -> None:
        super().__init__(f"{confirmed} confirmed, but the run has {unknown} item(s) of unknown fate")
        self.confirmed, self.unknown = confirmed, unknown


def resend_unknown(
    factory: sessionmaker[Session], run_id: int, spool: Spool, *, by: Identity | None, confirmed: int
) -> RunFacts:
    """Send again, after confirmation, the run's items of unknown fate.

    Send again the run's items of unknown fate — each may already have been billed once — after the
    user confirmed exactly how many (``confirmed``; ``NotConfirmed`` otherwise). The run goes back to the
    queue (with its never-sent items too, if it was interrupted); the caller enqueues it. Its billed calls
    spend the quota of ``by``."""
    facts = _act(factory, run_id, spool, by, Action.RUN_RESEND)

    def reopen() -> None:
        with factory() as s:
            run = s.get(Run, run_id)
            if run is None:
                raise LookupError(f"no run {run_id}")
            unknown = (
                s.scalar(select(func.count()).where(Item.run_id == run_id, Item.state == "unknown")) or 0
            )
            if unknown != confirmed or not unknown:
                raise NotConfirmed(confirmed, int(unknown))
            if run.status not in ("done", "interrupted") or not spool.has(run_id):
                raise ValueError(
                    f"run {run_id} is {run.status}{'' if spool.has(run_id) else ', its images are gone'}"
                )
            s.execute(
                update(Item)
                .where(Item.run_id == run_id, Item.state == "unknown")
                .values(state="pending", result_message=None, finished_at=None)
            )
            run.done, run.failed = run.done - unknown, run.failed - unknown
            run.status, run.finished_at = "queued", None
            run.billed_to, run.billed_role = who(by), str(by.role) if by else ""
            s.commit()

    retrying(reopen, what=f"resending items of QA run {run_id}", patience=CONTROL_PATIENCE)
    _audit(factory, _run_event("run_action", by, Action.RUN_RESEND, facts, result_code=confirmed))
    return facts


def settle_unknown(factory: sessionmaker[Session], run_id: int, spool: Spool, *, by: Identity | None) -> int:
    """Give up on the run's items of unknown fate, keeping them as ``lost``.

    Give up on the run's items of unknown fate: kept as ``lost`` (maybe billed), never resent; a finished
    run's images then leave the spool. Returns how many."""
    facts = _act(factory, run_id, spool, by, Action.RUN_SETTLE)

    def settle() -> tuple[int, str]:
        with factory() as s:
            n = _changed(
                s.execute(
                    update(Item)
                    .where(Item.run_id == run_id, Item.state == "unknown")
                    .values(state="lost", result_message=SETTLED_MESSAGE)
                )
            )
            status = s.scalar(select(Run.status).where(Run.id == run_id)) or ""
            s.commit()
            return n, status

    n, status = retrying(settle, what=f"settling items of QA run {run_id}", patience=CONTROL_PATIENCE)
    if status in FINAL_STATUSES:
        spool.drop(run_id)
    _audit(factory, _run_event("run_action", by, Action.RUN_SETTLE, facts, result_code=n))
    return n


def delete_run(factory: sessionmaker[Session], run_id: int, spool: Spool, *, by: Identity | None) -> None:
    """The run, its items and its images, gone.

    Allowed to the owner (a viewer: their sandbox runs only) and admins; audited either way."""
    facts = _act(factory, run_id, spool, by, Action.RUN_DELETE)

    def delete_all() -> None:
        with factory() as s:
            s.execute(
                delete(ItemField).where(ItemField.item_id.in_(select(Item.id).where(Item.run_id == run_id)))
            )
            s.execute(delete(Item).where(Item.run_id == run_id))
            s.execute(delete(Run).where(Run.id == run_id))
            s.commit()

    retrying(delete_all, what=f"deleting QA run {run_id}", patience=CONTROL_PATIENCE)
    spool.drop(run_id)
    _audit(factory, _run_event("run_action", by, Action.RUN_DELETE, facts))
