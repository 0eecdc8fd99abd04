"""Runs: created with their items, executed item by item, cancelled, interrupted, resumed.

Every state lives in the database, so any process (a Huey worker, the CLI) can execute a run and
any page can read its progress. An item that has an answer is never sent again:

- ``pending`` items are sent; ``sending`` marks one on the wire;
- an answer (success or an API failure) ends the item; a read timeout or dropped connection makes it
  ``lost`` (maybe processed and billed: never resent, as ``OcrClient`` decides);
- when a worker dies, ``mark_interrupted`` finds its run by a stale heartbeat; ``resume_run`` turns
  ``sending`` items back to ``pending`` (they never got an answer) and queues the run again;
- on NHN Cloud each item takes its unit of the quota as it is sent (``access.metering``) and leaves a
  ``qa-run:<id>`` audit row; once the quota is used up the rest end ``refused`` and the run ``done``.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import cv2
import numpy as np
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from access.ledger import QuotaExceeded
from access.metering import Door, lab_run_door
from l10n import rejection
from ocr_core import ApiError, CreditCardResult, IdCardResult, InputError, OcrClient, OcrError
from ocr_core.errors import ConnectionLostError, ReadTimeoutError
from ocr_core.imaging import PreprocessOptions, assess_quality
from ocr_core.masking import mask_value
from ocr_core.pipeline import ImageRejected, Payload, prepare
from qa.spool import Spool
from qa.sweeps import degrade, sweep_levels
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


@dataclass(frozen=True)
class Source:
    name: str
    data: bytes = field(repr=False)


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
                                 size_bytes=len(source.data), doc_type=doc_type, state="failed",
                                 result_message=f"{err.code}: {rejection(err.code, err.params, 'en')}",
                                 finished_at=_now()))
                position += 1
                failed += 1
                continue
            spool.put_source(run.id, index, source.data)
            common = {"run_id": run.id, "source": index, "image_name": source.name, "sha256": payload.sha256,
                          "size_bytes": len(source.data), "width": payload.width, "height": payload.height,
                          "doc_type": doc_type}
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


def execute_run(factory: sessionmaker[Session], run_id: int, client: OcrClient, spool: Spool,
                *, on_progress: ProgressFn | None = None) -> str:
    """Send every pending item of the run; returns the final status. Idempotent and resumable."""
    with factory() as session:
        run = session.get(Run, run_id)
        if run is None:
            raise LookupError(f"no run {run_id}")
        if run.status in FINAL_STATUSES:
            return run.status
        if run.status == "cancelling":
            return _finish(factory, run_id, spool, "cancelled")
        run.status = "running"
        run.started_at = run.started_at or _now()
        run.heartbeat_at = _now()
        run.endpoint = client.settings.base_url if run.backend == "cloud" else run.endpoint
        service, preprocess, concurrency, rate = run.service, run.preprocess, run.concurrency, run.rate_limit
        door = lab_run_door(factory.kw["bind"], run_id, run.started_by, run.backend, run.api_version)
        session.execute(update(Item).where(Item.run_id == run_id, Item.state == "sending")
                        .values(state="pending"))
        pending = session.scalars(select(Item.id).where(Item.run_id == run_id, Item.state == "pending")
                                  .order_by(Item.position)).all()
        session.commit()

    truth = spool.get_truth(run_id) if spool.has(run_id) else {}
    stop = threading.Event()
    cancelled = threading.Event()
    quota_used_up = threading.Event()  # once refused, the remaining items are refused without a try
    limiter = _RateLimit(rate)
    options = preprocess_options() if preprocess else None
    sources: dict[int, bytes] = {}
    sources_lock = threading.Lock()

    def source(index: int) -> bytes:
        with sources_lock:
            if index not in sources:
                sources[index] = spool.get_source(run_id, index)
            return sources[index]

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            with factory() as s:
                status = s.scalar(select(Run.status).where(Run.id == run_id))
                s.execute(update(Run).where(Run.id == run_id).values(heartbeat_at=_now()))
                s.commit()
            if status == "cancelling":
                cancelled.set()

    def work(item_id: int) -> None:
        if cancelled.is_set():
            return
        with factory() as s:
            if s.scalar(select(Run.status).where(Run.id == run_id)) == "cancelling":
                cancelled.set()
                return
            item = s.get(Item, item_id)
            if item is None or item.state != "pending":
                return
            item.state = "sending"
            s.commit()
            name, degradation, level, index = item.image_name, item.degradation, item.level, item.source
        if quota_used_up.is_set():
            outcome = _Outcome({"state": "refused", "result_message": REFUSED_QUOTA}, [])
        else:
            outcome = _send(client, service, source(index), degradation, level, options, limiter,
                            truth.get(name), door)
        if outcome.items.get("state") == "refused":
            quota_used_up.set()
        with factory() as s:
            item = s.get(Item, item_id)
            assert item is not None
            for key, value in outcome.items.items():
                setattr(item, key, value)
            if item.doc_type is None and item.id_type:
                item.doc_type = item.id_type
            item.finished_at = _now()
            for f in outcome.fields:
                s.add(ItemField(item_id=item_id, **f))
            s.execute(update(Run).where(Run.id == run_id).values(
                done=Run.done + 1, failed=Run.failed + int(item.state != "done"), heartbeat_at=_now()))
            s.commit()
            if on_progress is not None:
                run = s.get(Run, run_id)
                assert run is not None
                on_progress(run.done, run.failed, run.total)

    beat = threading.Thread(target=heartbeat, name=f"qa-run-{run_id}-heartbeat", daemon=True)
    beat.start()
    try:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=f"qa-run-{run_id}") as pool:
            list(pool.map(work, pending))
    finally:
        stop.set()
        beat.join()
    with factory() as s:
        run = s.get(Run, run_id)
        assert run is not None
        run.key_versions = {**(run.key_versions or {}), **client.key_versions()}
        status = run.status
        s.commit()
    if cancelled.is_set() or status == "cancelling":
        return _finish(factory, run_id, spool, "cancelled")
    return _finish(factory, run_id, spool, "done")


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


def degraded_bytes(data: bytes, degradation: str, level: float) -> bytes:
    """The upload after one degradation, encoded as the original was (JPEG at its level for ``jpeg``)."""
    if degradation == "none":
        return data
    base = prepare(data)
    img = degrade(base.image.bgr, degradation, level)
    if degradation == "jpeg":
        ok, buf = cv2.imencode(".jpg", base.image.bgr, [cv2.IMWRITE_JPEG_QUALITY, int(level)])
    elif base.format == "png":
        ok, buf = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    else:
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    return np.asarray(buf).tobytes()


def _send(client: OcrClient, service: str, data: bytes, degradation: str, level: float,
          options: PreprocessOptions | None, limiter: _RateLimit, expected: dict[str, str] | None,
          door: Door | None = None) -> _Outcome:
    items: dict[str, Any] = {}
    try:
        payload: Payload = prepare(degraded_bytes(data, degradation, level), preprocess=options)
    except ImageRejected as err:
        return _Outcome({"state": "failed", "result_message": f"{err.code}: {rejection(err.code, err.params, 'en')}"}, [])
    report = assess_quality(payload.image)
    items["quality_status"] = report.status
    items["quality"] = {c.name: {"status": c.status, "value": c.value} for c in report.checks}
    limiter.wait()

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
        return _Outcome(items, _fields({}, {}, expected))
    except (ReadTimeoutError, ConnectionLostError) as err:
        items.update(state="lost", result_message=f"{type(err).__name__}: {err}")
        return _Outcome(items, [])
    except InputError as err:
        items.update(state="failed", result_message=f"{type(err).__name__}: {err}")
        return _Outcome(items, [])
    except OcrError as err:
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
    return _Outcome(items, _fields(values, confs, expected))


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


def _fields(values: dict[str, str | None], confs: dict[str, float | None],
            expected: dict[str, str] | None) -> list[dict[str, Any]]:
    """Scored against plain truth, then masked: the only form that is stored."""
    verdicts = score(expected, values)
    return [{"name": key, "value": mask_value(key, values.get(key)) if values.get(key) is not None else None,
             "conf": confs.get(key), "correct": verdicts[key]} for key in verdicts]


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
            beat = run.heartbeat_at
            if beat is not None and beat.tzinfo is None:
                beat = beat.replace(tzinfo=UTC)
            if beat is None or beat < cutoff:
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
