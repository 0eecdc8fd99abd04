"""What a run says: accuracy, breaking points, predictions and comparisons.

What a run says: accuracy per field, per document type and per degradation level, where reads
start to fail, whether confidence and the pre-flight verdict predicted it, the slowest and failed
items, and the comparison of two runs. Pure functions over rows loaded once from the store."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from sqlalchemy import func, select
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
    tags: dict[str, str] = field(default_factory=dict)

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
        """Whether the validators' verdicts were stored with this item.

        The validators' verdicts were stored with this item (every item since migration 0004 that
        has fields); an older one has none to show."""
        return bool(self.fields) and all(f["checks"] is not None for f in self.fields.values())

    @property
    def checks_passed(self) -> bool | None:
        """Whether the item's validator checks passed (None when none ran or were recorded).

        False when a validator check of any field failed, True when checks ran and none failed, None
        when none ran or none were recorded: the items table's summary of the item's badges."""
        verdicts = [r["ok"] for f in self.fields.values() for r in f["checks"] or ()]
        if False in verdicts:
            return False
        return True if True in verdicts else None

    def checks(self) -> dict[str, tuple[Check, ...]] | None:
        """Each field's stored verdicts as ``Check``s.

        Each field's stored verdicts as ``Check``s, for the analysis pages' views; None when they
        were not recorded."""
        if not self.checks_recorded:
            return None
        return {
            name: tuple(check_from_record(r) for r in f["checks"])
            for name, f in self.fields.items()
            if f["checks"]
        }

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
        """Whether any item had truth to be scored against.

        Some item had truth to be scored against; without any, accuracy and the pre-flight confusion
        table have nothing to say and the views show confidence alone."""
        return any(i.scored for i in self.items)


def run_dict(run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "started_by": run.started_by,
        "backend": run.backend,
        "endpoint": run.endpoint,
        "api_version": run.api_version,
        "key_versions": run.key_versions,
        "service": run.service,
        "preprocess": run.preprocess,
        "sweep": run.sweep,
        "truth_name": run.truth_name,
        "truth_sha256": run.truth_sha256,
        "status": run.status,
        "total": run.total,
        "done": run.done,
        "failed": run.failed,
        "concurrency": run.concurrency,
        "rate_limit": run.rate_limit,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


UNENDED = ("pending", "sending")
"""Item states not yet ended: every other state counts as done (and all but ``done`` as failed)."""
ACTIVE = ("queued", "running", "cancelling")


def _progress(s: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    """(done, failed) of each run, counted from its items' states.

    (done, failed) of each run counted from its items' states: the one source of progress the runs
    list, a run's panel, the QA Lab's runs going on and the CLI all read, so they never disagree."""
    if not ids:
        return {}
    rows = s.execute(
        select(Item.run_id, Item.state, func.count())
        .where(Item.run_id.in_(ids))
        .group_by(Item.run_id, Item.state)
    ).all()
    out = {i: (0, 0) for i in ids}
    for run_id, state, n in rows:
        if state in UNENDED:
            continue
        done, failed_ = out[run_id]
        out[run_id] = (done + n, failed_ + (0 if state == "done" else n))
    return out


def with_progress(s: Session, runs: list[Run]) -> list[dict[str, Any]]:
    counts = _progress(s, [r.id for r in runs])
    return [{**run_dict(r), "done": counts[r.id][0], "failed": counts[r.id][1]} for r in runs]


def active_runs(factory: sessionmaker[Session]) -> list[dict[str, Any]]:
    """Runs queued, running or being cancelled, newest first, with their progress."""
    with factory() as s:
        return with_progress(
            s, list(s.scalars(select(Run).where(Run.status.in_(ACTIVE)).order_by(Run.id.desc())))
        )


def run_progress(factory: sessionmaker[Session], run_id: int) -> dict[str, Any] | None:
    with factory() as s:
        run = s.get(Run, run_id)
        return None if run is None else with_progress(s, [run])[0]


def load_run(factory: sessionmaker[Session], run_id: int) -> RunData:
    with factory() as s:
        run = s.get(Run, run_id)
        if run is None:
            raise LookupError(f"no run {run_id}")
        items = s.scalars(
            select(Item)
            .where(Item.run_id == run_id)
            .options(selectinload(Item.fields))
            .order_by(Item.position)
        ).all()
        rows = [
            ItemRow(
                i.id,
                i.position,
                i.image_name,
                i.degradation,
                i.level,
                i.doc_type,
                i.state,
                i.result_code,
                i.result_message,
                i.quality_status,
                i.t_total,
                i.t_network,
                {
                    f.name: {
                        "value": f.value,
                        "conf": f.conf,
                        "correct": f.correct,
                        "checks": f.checks,
                        "expected": f.expected,
                        "diff": f.diff,
                    }
                    for f in i.fields
                },
                i.answer,
                i.sha256,
                i.width,
                i.height,
                i.source,
                i.source_kind,
                i.source_path,
                i.sent_sha256,
                i.sent_width,
                i.sent_height,
                dict(i.tags or {}),
            )
            for i in items
        ]
        return RunData(with_progress(s, [run])[0], rows)


def list_runs(
    factory: sessionmaker[Session],
    *,
    service: str | None = None,
    backend: str | None = None,
    status: str | None = None,
    since: Any = None,
) -> list[dict[str, Any]]:
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
        return with_progress(s, list(s.scalars(q)))


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
        targets = (
            [(it.degradation, it.level)]
            if it.degradation != "none"
            else [(name, DEGRADATIONS[name].identity) for name in sweeps] or [("none", 0.0)]
        )
        for name, level in targets:
            rows.append(
                {
                    "degradation": name,
                    "level": level,
                    "image": it.image,
                    "doc_type": it.doc_type,
                    "right": it.right,
                    "min_conf": it.min_conf,
                    "quality": it.quality_status,
                    "state": it.state,
                }
            )
    return rows


def breaking_points(data: RunData) -> dict[str, dict[str, Any]]:
    """Per degradation: the mildest level at which a read goes wrong, and whether it was flagged.

    Per degradation: the mildest level at which a read goes wrong (any image), and whether the
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
                breaks_at = {
                    "level": level,
                    "wrong": len(wrong),
                    "of": len(sent),
                    "confidence_warned": all((r["min_conf"] or 0) < LOW_CONFIDENCE for r in wrong),
                    "preflight_warned": all(r["quality"] in ("warn", "fail") for r in wrong),
                }
                break
        acc = {
            lv: _acc([bool(r["right"]) for r in rows if r["right"] is not None])["accuracy"]
            for lv, rows in levels.items()
        }
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
    """Items that ended without a read: failed, lost on the wire, refused for quota.

    Not the ``pending`` ones, which were never sent (a run still going, or cancelled)."""
    return [i for i in data.items if i.state not in ("done", "pending")]


def latency(data: RunData) -> dict[str, float | None]:
    times = sorted(i.t_total for i in data.items if i.t_total is not None)
    if not times:
        return {"mean_ms": None, "p50_ms": None, "p95_ms": None}
    return {
        "mean_ms": mean(times),
        "p50_ms": times[len(times) // 2],
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
    }


def validator_catches(data: RunData) -> dict[str, dict[str, int]]:
    """Per degradation: the misreads the validators caught, missed or could not catch.

    Per degradation (``none``: the images as given), the misreads — a field read, and read wrong
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
    return {
        "fields": field_summary(data),
        "doc_types": doc_type_summary(data),
        "breaking_points": breaking_points(data),
        "confusion": confusion(data),
        "validators": validator_catches(data),
        "result_codes": code_counts(data),
        "latency": latency(data),
    }


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
        fields[name] = {
            "a_accuracy": x.get("accuracy"),
            "b_accuracy": y.get("accuracy"),
            "accuracy_delta": delta(x, y, "accuracy"),
            "a_conf": x.get("mean_conf"),
            "b_conf": y.get("mean_conf"),
            "conf_delta": delta(x, y, "mean_conf"),
        }
    return {
        "a": a.run,
        "b": b.run,
        "fields": fields,
        "latency": {"a": latency(a), "b": latency(b)},
        "result_codes": {"a": code_counts(a), "b": code_counts(b)},
        "per_image": run_diff(a, b),
    }


def answer_result(service: str, answer: dict[str, Any]) -> CreditCardResult | IdCardResult:
    """An item's stored answer as the client's result type.

    An item's stored answer (the API's shape, values already masked) as the client's result type,
    for the analysis pages' views. Nothing is decrypted: the values go through as stored."""

    def as_stored(value: str) -> str:
        return value

    if service == "credit-card":
        return CreditCardResult.from_api(answer.get("result"), as_stored, header=answer.get("header"))
    return IdCardResult.from_api(answer.get("result"), as_stored, header=answer.get("header"))


def item_json(it: ItemRow) -> dict[str, Any]:
    """An item as the JSON report and ``--json`` give it.

    An item as the JSON report and ``--json`` give it: each field's masked ``value`` with its masked
    ``expected`` beside it and, for a misread, ``difference`` (positions and kinds, ``qa.differences``)."""
    return {
        "image": it.image,
        "sha256": it.sha256,
        "degradation": it.degradation,
        "level": it.level,
        "state": it.state,
        "result_code": it.result_code,
        "result_message": it.result_message,
        "doc_type": it.doc_type,
        "quality": it.quality_status,
        "t_total_ms": it.t_total,
        "tags": it.tags,
        "fields": {
            k: {
                "value": f["value"],
                "expected": f.get("expected"),
                "conf": f["conf"],
                "correct": f["correct"],
                "checks": f["checks"],
                **({"difference": f["diff"]} if f.get("diff") else {}),
            }
            for k, f in it.fields.items()
        },
    }


def run_json(data: RunData) -> dict[str, Any]:
    """The masked JSON of a run (``run --json`` and the JSON report)."""
    fs = field_summary(data)
    return {
        "run_id": data.run["id"],
        "status": data.run["status"],
        "run": data.run,
        "items": [item_json(i) for i in data.items],
        "summary": {k: {"right": v["right"], "total": v["total"]} for k, v in fs.items()},
        "analysis": {**summary(data), "tags": tag_summary(data)},
    }


# ------------------------------------------------------------------------------------- issue 19 views


def tag_names(data: RunData) -> list[str]:
    return sorted({k for it in data.items for k in it.tags}, key=str.casefold)


def tag_summary(data: RunData) -> dict[str, dict[str, dict[str, Any]]]:
    """Per tag and value: accuracy and mean lowest confidence.

    Per tag (a truth column that is no field), per value: right, total and accuracy of the items
    with truth, and their mean lowest confidence."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for tag in tag_names(data):
        groups: dict[str, list[ItemRow]] = defaultdict(list)
        for it in data.items:
            if tag in it.tags:
                groups[it.tags[tag]].append(it)
        out[tag] = {}
        for value, items in sorted(groups.items(), key=lambda kv: kv[0].casefold()):
            confs = [c for c in (i.min_conf for i in items) if c is not None]
            out[tag][value] = {
                **_acc([bool(i.right) for i in items if i.right is not None]),
                "mean_conf": mean(confs) if confs else None,
            }
    return out


@dataclass(frozen=True)
class ItemFilter:
    """What the item list shows: every filter off shows every item in run order."""

    wrong_only: bool = False
    below: float | None = None  # only items whose lowest confidence is under this
    degradation: str | None = None
    level: float | None = None
    tag: tuple[str, str] | None = None  # (tag, value)
    by_confidence: bool = False  # lowest confidence first (items without one last)


def filter_items(data: RunData, f: ItemFilter) -> list[ItemRow]:
    rows = []
    for it in data.items:
        if f.wrong_only and it.right is not False:
            continue
        if f.below is not None and not (it.min_conf is not None and it.min_conf < f.below):
            continue
        if f.degradation is not None and it.degradation != f.degradation:
            continue
        if f.level is not None and it.level != f.level:
            continue
        if f.tag is not None and it.tags.get(f.tag[0]) != f.tag[1]:
            continue
        rows.append(it)
    if f.by_confidence:
        rows.sort(
            key=lambda i: (i.min_conf is None, i.min_conf if i.min_conf is not None else 0.0, i.position)
        )
    return rows


def sweep_levels_of(data: RunData) -> list[tuple[str, float]]:
    """The (degradation, level) pairs items of the run have, in run order."""
    seen: dict[tuple[str, float], None] = {}
    for it in data.items:
        seen.setdefault((it.degradation, it.level), None)
    return list(seen)


def sweep_series(data: RunData) -> dict[str, dict[str, Any]]:
    """Per swept degradation: accuracy and confidence at each level, and where it breaks.

    Per swept degradation, its levels from mildest to harshest with the accuracy (None without truth)
    and mean lowest confidence at each, and the level it breaks at (``breaking_points``)."""
    by: dict[str, dict[float, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in level_curves(data):
        if row["degradation"] != "none":
            by[row["degradation"]][row["level"]].append(row)
    breaks = breaking_points(data)
    out: dict[str, dict[str, Any]] = {}
    for name in [n for n in DEGRADATIONS if n in by]:
        levels = severity_order(name, list(by[name]))
        acc, conf = [], []
        for lv in levels:
            rows = by[name][lv]
            acc.append(_acc([bool(r["right"]) for r in rows if r["right"] is not None])["accuracy"])
            confs = [r["min_conf"] for r in rows if r["min_conf"] is not None]
            conf.append(mean(confs) if confs else None)
        out[name] = {
            "levels": levels,
            "accuracy": acc,
            "confidence": conf,
            "breaks_at": breaks.get(name, {}).get("breaks_at"),
        }
    return out


def confidence_by_outcome(data: RunData) -> dict[str, list[float]]:
    """Every scored field's confidence, split by read right or wrong: does confidence tell them apart?"""
    out: dict[str, list[float]] = {"right": [], "wrong": []}
    for it in data.items:
        for f in it.fields.values():
            if f["correct"] is not None and f["conf"] is not None:
                out["right" if f["correct"] else "wrong"].append(float(f["conf"]))
    return out


def run_diff(a: RunData, b: RunData) -> dict[str, Any]:
    """What changed between two runs, image by image.

    Image by image (by the SHA-256 of the source, whatever its name), at each degradation and level
    both runs sent: what flipped right → wrong and wrong → right, and how the lowest confidence moved.
    Images only one run has are counted, never compared."""

    def by_source(data: RunData) -> dict[str, dict[tuple[str, float], ItemRow]]:
        out: dict[str, dict[tuple[str, float], ItemRow]] = defaultdict(dict)
        for it in data.items:
            if it.sha256:
                out[it.sha256][(it.degradation, it.level)] = it
        return out

    sa, sb = by_source(a), by_source(b)
    common = [h for h in sa if h in sb]
    rows: list[dict[str, Any]] = []
    for digest in common:
        for key in [k for k in sa[digest] if k in sb[digest]]:
            x, y = sa[digest][key], sb[digest][key]
            change = (
                "unscored"
                if x.right is None or y.right is None
                else "to_wrong"
                if x.right and not y.right
                else "to_right"
                if y.right and not x.right
                else "same_right"
                if x.right
                else "same_wrong"
            )
            rows.append(
                {
                    "sha256": digest,
                    "image_a": x.image,
                    "image_b": y.image,
                    "degradation": key[0],
                    "level": key[1],
                    "change": change,
                    "a_right": x.right,
                    "b_right": y.right,
                    "a_conf": x.min_conf,
                    "b_conf": y.min_conf,
                    "conf_delta": None
                    if x.min_conf is None or y.min_conf is None
                    else y.min_conf - x.min_conf,
                    "fields": sorted(
                        k
                        for k in set(x.fields) | set(y.fields)
                        if (x.fields.get(k) or {}).get("correct") != (y.fields.get(k) or {}).get("correct")
                    ),
                }
            )
    order = {"to_wrong": 0, "to_right": 1, "same_wrong": 2, "same_right": 3, "unscored": 4}
    rows.sort(key=lambda r: (order[r["change"]], r["image_a"], r["degradation"], r["level"]))
    counts = Counter(r["change"] for r in rows)
    return {
        "images": {
            "a": len(sa),
            "b": len(sb),
            "common": len(common),
            "only_a": len(set(sa) - set(sb)),
            "only_b": len(set(sb) - set(sa)),
        },
        "same_images": set(sa) == set(sb),
        "counts": {k: counts.get(k, 0) for k in order},
        "items": rows,
    }
