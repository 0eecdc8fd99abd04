"""The audit trail's events: one record per billed call or security-relevant event.

An event names who, when, where (page, CLI, QA run), and what — never a field value, an image or a
secret: images by SHA-256, Request-Keys by a keyed hash. Every event goes to the ``studio.audit``
logger as one JSON line (for the company's log system) and to each registered sink (the database).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from access.policy import Identity

audit_logger = logging.getLogger("studio.audit")

EventKind = Literal[
    "sign_in",
    "sign_out",
    "unmask",
    "mask",
    "refused",
    "api_call",
    "settings_change",
    "run_action",
    "role_change",
]
"""``run_action``: a QA Lab run started, cancelled, resumed, resent, settled or deleted by someone (``action``
says which: ``run_start``, ``run_cancel``…; ``where`` is the run's door ``qa-run:<id>``, so the Audit page's
door filter shows a run's whole story). A refused one is ``refused`` with the same ``action`` and door.
``role_change``: a grant given or taken away on the Roles page (``detail``: the rule, from → to)."""


QA_RUN_PREFIX = "qa-run:"
"""The door of a QA Lab run's calls: ``qa-run:<run id>``."""


@dataclass(frozen=True)
class AuditEvent:
    kind: EventKind
    user: str
    role: str
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    where: str = ""  # the door: a page's URL path, "cli", or "qa-run:<run id>"
    action: str = ""  # for "refused": the action asked for
    backend: str = ""  # "sandbox" | "cloud"
    api_version: str = ""
    service: str = ""
    result_code: int | None = None
    latency_ms: float | None = None
    image_sha256: str = ""
    request_key_hash: str = ""
    masked: bool | None = None
    detail: str = ""  # a change, as JSON {"what": [from, to], …} (``change_detail``)

    def to_json(self) -> str:
        doc: dict[str, Any] = {k: v for k, v in asdict(self).items() if v not in ("", None)}
        doc["at"] = self.at.isoformat()
        return json.dumps(doc, ensure_ascii=False, sort_keys=True)


Sink = Callable[[AuditEvent], None]
_sinks: list[Sink] = []


def add_sink(sink: Sink) -> None:
    if sink not in _sinks:
        _sinks.append(sink)


def remove_sink(sink: Sink) -> None:
    if sink in _sinks:
        _sinks.remove(sink)


def log_to_stderr() -> None:
    """Send ``studio.audit`` to standard error as bare JSON lines (once; the dashboard calls it).
    A deployment that configures logging itself can attach its own handler instead."""
    if not any(getattr(h, "_studio_audit", False) for h in audit_logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler._studio_audit = True  # type: ignore[attr-defined]
        audit_logger.addHandler(handler)
    audit_logger.setLevel(logging.INFO)
    audit_logger.propagate = False


def log_event(event: AuditEvent) -> None:
    """The event as one JSON line on ``studio.audit`` (a door with its own ledger writes the row itself)."""
    audit_logger.info(event.to_json())


def record(event: AuditEvent) -> AuditEvent:
    log_event(event)
    for sink in _sinks:
        sink(event)
    return event


def who(identity: Identity | None) -> str:
    """The user a quota, an audit row or a lab run is booked to: the e-mail, else the subject."""
    return identity.user if identity else "anonymous"


def event_for(identity: Identity | None, kind: EventKind, **fields: Any) -> AuditEvent:
    role = str(identity.role) if identity else ""
    return AuditEvent(kind=kind, user=who(identity), role=role, **fields)


def change_detail(changes: dict[str, tuple[Any, Any]]) -> str:
    """What a settings or role change changed, ``{"what": [from, to]}`` as JSON (the Audit page puts it in
    words in either language: "Daily analysis calls per user: 3 → 5"). Unchanged entries are left out;
    ``None`` is "not set" (no limit, no role)."""
    return json.dumps(
        {k: [a, b] for k, (a, b) in changes.items() if a != b}, ensure_ascii=False, sort_keys=True
    )


def request_key_hash(request_key: str) -> str:
    """A Request-Key is a bearer credential for the authenticity call: the trail keeps only a digest."""
    return hashlib.sha256(b"studio-audit-request-key:" + request_key.encode()).hexdigest()[:32]
