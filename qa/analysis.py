"""What a run says: accuracy per field, per document type and per degradation level, where reads
start to fail, whether confidence and the pre-flight verdict predicted it, the slowest and failed
items, and the comparison of two runs. Pure functions over rows loaded once from the store."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from ocr_core import CreditCardResult, IdCardResult
from ocr_core.validators import Check
from ocr_core.verdicts import check_from_record
from qa.sweeps import DEGRADATIONS, severity_order
from store.models import Item, Run

LOW_CONFIDENCE = 0.8
"""A read whose lowest field confidence is under this counts as "confidence warned"."""


@dataclass
class ItemRow:
    id: int
    position: int
    image: str
    degradation: str
    level: float
    doc_type: str | None
    state: str
    result_code: int | None
    result_message: str | None
    quality_status: str | None
    t_total: float | None
    t_network: float | None
    fields: dict[str, dict[str, Any]]  # name → {value, conf, correct, checks}; checks None: not recorded
    answer: dict[str, Any] | None = None
    sha256: str | None = None
    width: int | None = None
    height: int | None = None
    source: int = 0
    source_kind: str | None = None
    source_path: str | None = None
    sent_sha256: str | None = None
    sent_width: int | None = None
    sent_height: int | None = None

    @property
    def scored(self) -> bool:
        return any(f["correct"] is not None for f in self.fields.values())

    @property
    def right(self) -> bool | None:
        """All expected fields read right; None when there was no truth for it."""
        if not self.scored:
            return None
        return all(f["correct"] is not False for f in self.fields.values())

    @property
    def checks_recorded(self) -> bool:
        """The validators' verdicts were stored with this item (every item since migration 0004 that
        has fields); an older one has none to show."""
        return bool(self.fields) and all(f["checks"] is not None for f in self.fields.values())

    @property
    def checks_passed(self) -> bool | None:
        """False when a validator check of any field failed, True when checks ran and none failed, None
        when none ran or none were recorded: the items table's summary of the item's badges."""
        verdicts = [r["ok"] for f in self.fields.values() for r in f["checks"] or ()]
        if False in verdicts:
            return False
        return True if True in verdicts else None

    def checks(self) -> dict[str, tuple[Check, ...]] | None:
        """Each field's stored verdicts as ``Check``s, for the analysis pages' views; None when they
        were not recorded."""
        if not self.checks_recorded:
            return None
        return {name: tuple(check_from_record(r) for r in f["checks"]) for name, f in self.fields.items()
                if f["checks"]}

    @property
    def min_conf(self) -> float | None:
        confs = [f["conf"] for f in self.fields.values() if f["conf"] is not None]
        return min(confs) if confs else None


@dataclass
class RunData:
    run: dict[str, Any]
    items: list[ItemRow] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        """Some item had truth to be scored against; without any, accuracy and the pre-flight confusion
        table have nothing to say and the views show confidence alone."""
        return any(i.scored for i in self.items)


def run_dict(run: Run) -> dict[str, Any]:
    return {"id": run.id, "created_at": run.created_at.isoformat() if run.created_at else None,
            "started_by": run.started_by, "backend": run.backend, "endpoint": run.endpoint,
            "api_version": run.api_version, "key_versions": run.key_versions, "service": run.service,
            "preprocess": run.preprocess, "sweep": run.sweep, "truth_name": run.truth_name,
            "truth_sha256": run.truth_sha256, "status": run.status, "total": run.total, "done": run.done,
            "failed": run.failed, "concurrency": run.concurrency, "rate_limit": run.rate_limit,
            "started_at": run.started_at.isoformat() if run.started_at else None,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None}


def load_run(factory: sessionmaker[Session], run_id: int) -> RunData:
    with factory() as s:
        run = s.get(Run, run_id)
        if run is None:
            raise LookupError(f"no run {run_id}")
        items = s.scalars(select(Item).where(Item.run_id == run_id).options(selectinload(Item.fields))
                          .order_by(Item.position)).all()
        rows = [ItemRow(i.id, i.position, i.image_name, i.degradation, i.level, i.doc_type, i.state,
                        i.result_code, i.result_message, i.quality_status, i.t_total, i.t_network,
                        {f.name: {"value": f.value, "conf": f.conf, "correct": f.correct, "checks": f.checks}
                         for f in i.fields},
                        i.answer, i.sha256, i.width, i.height, i.source, i.source_kind, i.source_path,
                        i.sent_sha256, i.sent_width, i.sent_height) for i in items]
        return RunData(run_dict(run), rows)


def list_runs(factory: sessionmaker[Session], *, service: str | None = None, backend: str | None = None,
              status: str | None = None, since: Any = None) -> list[dict[str, Any]]:
    with factory() as s:
        q = select(Run).order_by(Run.id.desc())
        if service:
            q = q.where(Run.service == service)
        if backend:
            q = q.where(Run.backend == backend)
        if status:
            q = q.where(Run.status == status)
        if since is not None:
            q = q.where(Run.created_at >= since)
        return [run_dict(r) for r in s.scalars(q)]


def _acc(pairs: list[bool]) -> dict[str, Any]:
    right = sum(pairs)
    return {"right": right, "total": len(pairs), "accuracy": right / len(pairs) if pairs else None}


def field_summary(data: RunData) -> dict[str, dict[str, Any]]:
    """Per field: right, total, accuracy, mean confidence (over every item that has truth for it)."""
    correct: dict[str, list[bool]] = defaultdict(list)
    confs: dict[str, list[float]] = defaultdict(list)
    for it in data.items:
        for name, f in it.fields.items():
            if f["correct"] is not None:
                correct[name].append(bool(f["correct"]))
            if f["conf"] is not None:
                confs[name].append(f["conf"])
    names = sorted(set(correct) | set(confs))
    return {n: {**_acc(correct[n]), "mean_conf": mean(confs[n]) if confs[n] else None} for n in names}


def doc_type_summary(data: RunData) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[bool]] = defaultdict(list)
    for it in data.items:
        if it.right is not None:
            groups[it.doc_type or "?"].append(bool(it.right))
    return {k: _acc(v) for k, v in sorted(groups.items())}


def level_curves(data: RunData) -> list[dict[str, Any]]:
    """One row per (degradation, level, image): accuracy (0/1 or None), min confidence, pre-flight.

    The image as given appears under each swept degradation at its identity level."""
    sweeps = [name for name, _ in data.run.get("sweep") or []]
    rows = []
    for it in data.items:
        targets = [(it.degradation, it.level)] if it.degradation != "none" else \
            [(name, DEGRADATIONS[name].identity) for name in sweeps] or [("none", 0.0)]
        for name, level in targets:
            rows.append({"degradation": name, "level": level, "image": it.image, "doc_type": it.doc_type,
                         "right": it.right, "min_conf": it.min_conf, "quality": it.quality_status,
                         "state": it.state})
    return rows


def breaking_points(data: RunData) -> dict[str, dict[str, Any]]:
    """Per degradation: the mildest level at which a read goes wrong (any image), and whether the
    confidence (min field conf < LOW_CONFIDENCE) or the pre-flight verdict (warn/fail) flagged it."""
    by: dict[str, dict[float, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in level_curves(data):
        if row["degradation"] != "none":
            by[row["degradation"]][row["level"]].append(row)
    out: dict[str, dict[str, Any]] = {}
    for name, levels in by.items():
        breaks_at = None
        for level in severity_order(name, list(levels)):
            # an item never sent ("refused": the quota was used up; "pending": a run still going or
            # cancelled) says nothing about the level
            sent = [r for r in levels[level] if r["state"] not in ("refused", "pending")]
            wrong = [r for r in sent if r["right"] is False or r["state"] != "done"]
            if wrong:
                breaks_at = {"level": level, "wrong": len(wrong), "of": len(sent),
                             "confidence_warned": all((r["min_conf"] or 0) < LOW_CONFIDENCE for r in wrong),
                             "preflight_warned": all(r["quality"] in ("warn", "fail") for r in wrong)}
                break
        acc = {lv: _acc([bool(r["right"]) for r in rows if r["right"] is not None])["accuracy"]
               for lv, rows in levels.items()}
        out[name] = {"breaks_at": breaks_at, "accuracy": dict(sorted(acc.items()))}
    return out


def confusion(data: RunData) -> dict[str, dict[str, int]]:
    """Pre-flight verdict (pass/warn/fail) against read right/wrong, over items with truth."""
    table = {q: {"right": 0, "wrong": 0} for q in ("pass", "warn", "fail")}
    for it in data.items:
        if it.right is not None and it.quality_status in table:
            table[it.quality_status]["right" if it.right else "wrong"] += 1
    return table


def code_counts(data: RunData) -> dict[str, int]:
    c: Counter[str] = Counter()
    for it in data.items:
        c[str(it.result_code) if it.result_code is not None else it.state] += 1
    return dict(c)


def slowest(data: RunData, n: int = 5) -> list[ItemRow]:
    return sorted((i for i in data.items if i.t_total is not None), key=lambda i: -(i.t_total or 0))[:n]


def failed(data: RunData) -> list[ItemRow]:
    """Items that ended without a read: failed, lost on the wire, refused for quota. Not the ``pending``
    ones, which were never sent (a run still going, or cancelled)."""
    return [i for i in data.items if i.state not in ("done", "pending")]


def latency(data: RunData) -> dict[str, float | None]:
    times = sorted(i.t_total for i in data.items if i.t_total is not None)
    if not times:
        return {"mean_ms": None, "p50_ms": None, "p95_ms": None}
    return {"mean_ms": mean(times), "p50_ms": times[len(times) // 2],
            "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))]}


def validator_catches(data: RunData) -> dict[str, dict[str, int]]:
    """Per degradation (``none``: the images as given), the misreads — a field read, and read wrong
    against truth — that the validators caught (one of the field's checks failed), missed (its checks
    passed or could not tell) or could not catch (no check applies to the field, e.g. a name). A field
    not read at all is not a misread here: an empty field shows itself. Items without truth, and items
    stored before verdicts were recorded, are left out; empty when no item is left."""
    out: dict[str, dict[str, int]] = {}
    for it in data.items:
        if not (it.scored and it.checks_recorded):
            continue
        counts = out.setdefault(it.degradation, {"caught": 0, "missed": 0, "unchecked": 0})
        for f in it.fields.values():
            if f["correct"] is not False or f["value"] is None:
                continue
            if not f["checks"]:
                counts["unchecked"] += 1
            elif any(c["ok"] is False for c in f["checks"]):
                counts["caught"] += 1
            else:
                counts["missed"] += 1
    return dict(sorted(out.items(), key=lambda kv: (kv[0] != "none", kv[0])))


def summary(data: RunData) -> dict[str, Any]:
    return {"fields": field_summary(data), "doc_types": doc_type_summary(data),
            "breaking_points": breaking_points(data), "confusion": confusion(data),
            "validators": validator_catches(data), "result_codes": code_counts(data), "latency": latency(data)}


def compare(a: RunData, b: RunData) -> dict[str, Any]:
    """Per-field accuracy and confidence deltas (b − a), latency and result codes side by side."""
    fa, fb = field_summary(a), field_summary(b)
    def delta(x: dict[str, Any], y: dict[str, Any], key: str) -> float | None:
        if x.get(key) is None or y.get(key) is None:
            return None
        return float(y[key] - x[key])

    fields = {}
    for name in sorted(set(fa) | set(fb)):
        x, y = fa.get(name, {}), fb.get(name, {})
        fields[name] = {"a_accuracy": x.get("accuracy"), "b_accuracy": y.get("accuracy"),
                        "accuracy_delta": delta(x, y, "accuracy"), "a_conf": x.get("mean_conf"),
                        "b_conf": y.get("mean_conf"), "conf_delta": delta(x, y, "mean_conf")}
    return {"a": a.run, "b": b.run, "fields": fields, "latency": {"a": latency(a), "b": latency(b)},
            "result_codes": {"a": code_counts(a), "b": code_counts(b)}}


def answer_result(service: str, answer: dict[str, Any]) -> CreditCardResult | IdCardResult:
    """An item's stored answer (the API's shape, values already masked) as the client's result type,
    for the analysis pages' views. Nothing is decrypted: the values go through as stored."""
    def as_stored(value: str) -> str:
        return value

    if service == "credit-card":
        return CreditCardResult.from_api(answer.get("result"), as_stored, header=answer.get("header"))
    return IdCardResult.from_api(answer.get("result"), as_stored, header=answer.get("header"))


def item_json(it: ItemRow) -> dict[str, Any]:
    return {"image": it.image, "degradation": it.degradation, "level": it.level, "state": it.state,
            "result_code": it.result_code, "result_message": it.result_message, "doc_type": it.doc_type,
            "quality": it.quality_status, "t_total_ms": it.t_total,
            "fields": {k: {"value": f["value"], "conf": f["conf"], "correct": f["correct"], "checks": f["checks"]}
                       for k, f in it.fields.items()}}


def run_json(data: RunData) -> dict[str, Any]:
    """The masked JSON of a run (``run --json`` and the JSON report)."""
    fs = field_summary(data)
    return {"run_id": data.run["id"], "status": data.run["status"], "run": data.run,
            "items": [item_json(i) for i in data.items],
            "summary": {k: {"right": v["right"], "total": v["total"]} for k, v in fs.items()},
            "analysis": summary(data)}
