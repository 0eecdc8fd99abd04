"""The audit trail in words, in the reader's language: who, when (their local time), what — a sentence,
never a column name or a snake_case kind — where, on which backend, with which outcome; and the CSV an
admin opens in Excel (UTF-8 with a byte-order mark, local time, the same words beside the raw facts)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from l10n import api_error
from ocr_core.csv_cells import safe_cell
from ui.i18n import Lang, known_keys, text

QUOTA_SETTINGS = ("user_daily_analysis", "user_daily_stand_alone", "monthly_analysis", "monthly_stand_alone")
CONNECTION_FIELDS = {
    "backend": "set.backend",
    "api_version": "set.api_version",
    "endpoint": "set.endpoint",
    "image_encoding": "set.encoding",
}
SERVICE_TITLES = {
    "credit-card": "page.credit_card",
    "id-card": "page.id_card",
    "stand-alone": "page.stand_alone",
    "authenticity": "page.authenticity",
}
PAGE_PATHS = {
    "/": "page.home",
    "/credit-card": "page.credit_card",
    "/id-card": "page.id_card",
    "/stand-alone": "page.stand_alone",
    "/authenticity": "page.authenticity",
    "/compare": "page.compare",
    "/qa-lab": "page.lab",
    "/runs": "page.runs",
    "/settings": "page.settings",
    "/audit": "page.audit",
    "/roles": "page.roles",
}


def _w(key: str, lang: Lang, **fields: object) -> str:
    return text(key, lang, **fields)


def local_zone(name: str | None) -> tzinfo:
    """The reader's time zone (the browser's, ``st.context.timezone``), else this server's."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name) if name else datetime.now().astimezone().tzinfo or UTC
    except (ZoneInfoNotFoundError, ValueError):  # an unknown zone name: the server's own
        return datetime.now().astimezone().tzinfo or UTC


def local_time(at: datetime, zone: tzinfo) -> str:
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return f"{at.astimezone(zone):%Y-%m-%d %H:%M:%S}"


def role_words(role: str | None, lang: Lang) -> str:
    return _w(f"acc.role_{role}", lang) if role in ("viewer", "analyst", "admin") else (role or "–")


def backend_words(backend: str | None, lang: Lang) -> str:
    if backend == "cloud":
        return _w("bk.choice_cloud", lang)
    if backend == "sandbox":
        return _w("bk.choice_sandbox", lang)
    return backend or ""


def service_words(service: str | None, lang: Lang) -> str:
    key = SERVICE_TITLES.get(service or "")
    return _w(key, lang) if key else (service or "")


def where_words(where: str | None, lang: Lang) -> str:
    """A door in words: a page's title, "Command line", "QA run 41"."""
    where = where or ""
    if where == "cli":
        return _w("aud.door_cli", lang)
    if where.startswith("qa-run:"):
        return _w("aud.door_run", lang, id=where.removeprefix("qa-run:"))
    key = PAGE_PATHS.get(where)
    return _w(key, lang) if key else where


def _value(name: str, value: Any, lang: Lang) -> str:
    if name.startswith("backends."):
        if not isinstance(value, Mapping):
            return str(value)
        allowed = ", ".join(backend_words(b, lang) for b in value.get("allowed", ()))
        return _w("aud.v_backends", lang, allowed=allowed, default=backend_words(value.get("default"), lang))
    if name in QUOTA_SETTINGS:
        return _w("aud.v_no_limit", lang) if value is None else str(value)
    if name == "backend":
        return backend_words(value, lang)
    if value is None:
        return _w("aud.v_none", lang)
    if value in ("viewer", "analyst", "admin"):
        return role_words(value, lang)
    return str(value)


def _label(name: str, lang: Lang) -> str:
    if name in QUOTA_SETTINGS:
        return _w(f"aud.l_{name}", lang)
    if name in CONNECTION_FIELDS:
        return _w(CONNECTION_FIELDS[name], lang)
    if name.startswith("backends."):
        return _w("aud.l_backends", lang, role=role_words(name.removeprefix("backends."), lang))
    if name == "audit.retention_days":
        return _w("aud.retention", lang)
    return name  # a person, a domain or a group (the Roles page)


def change_words(detail: str | None, lang: Lang) -> str:
    """``{"user_daily_analysis": [3, 5]}`` → "Daily analysis calls per user: 3 → 5" (every change, "; ")."""
    if not detail:
        return ""
    try:
        changes = json.loads(detail)
    except ValueError:
        return ""
    if not isinstance(changes, dict):
        return ""
    parts = []
    for name, pair in changes.items():
        if isinstance(pair, list) and len(pair) == 2:
            parts.append(
                f"{_label(name, lang)}: {_value(name, pair[0], lang)} → {_value(name, pair[1], lang)}"
            )
    return "; ".join(parts)


def _refusal(action: str, lang: Lang) -> str:
    if action.startswith("quota:"):
        return _w("aud.r_quota_" + ("monthly" if action.endswith("monthly") else "daily"), lang)
    if action.startswith("page:"):
        return _w("aud.r_page", lang)
    if action.startswith("backend:"):
        return _w("aud.r_backend", lang, backend=backend_words(action.removeprefix("backend:"), lang))
    key = f"aud.a_{action}"
    return (
        _w("aud.r_action", lang, what=_w(key, lang))
        if key in known_keys()
        else _w("aud.r_other", lang, what=action)
    )


def what_words(row: Mapping[str, Any], lang: Lang) -> str:
    """One sentence for one row."""
    kind, action = row.get("kind") or "", row.get("action") or ""
    change = change_words(row.get("detail"), lang)
    if kind == "api_call":
        said = _w("aud.k_api_call", lang, service=service_words(row.get("service"), lang))
    elif kind == "refused":
        said = _refusal(action, lang)
    elif kind == "settings_change":
        key = f"aud.s_{action}"
        said = _w(key, lang) if key in known_keys() else _w("aud.k_settings_change", lang)
    elif kind == "run_action":
        key = f"aud.a_{action}"
        said = _w(key, lang) if key in known_keys() else action
    else:
        key = f"aud.k_{kind}"
        said = _w(key, lang) if key in known_keys() else kind
    return f"{said} — {change}" if change else said


def outcome_words(row: Mapping[str, Any], lang: Lang) -> str:
    code = row.get("result_code")
    if row.get("kind") == "refused":
        return _w("aud.o_refused", lang)
    if code is None:
        return ""
    if code == 0:
        return _w("aud.o_ok", lang)
    return _w("aud.o_failed", lang, code=code, what=api_error(int(code), lang)[0])


def screen_rows(rows: Sequence[Mapping[str, Any]], lang: Lang, zone: tzinfo) -> list[dict[str, str]]:
    """The rows as the Audit page shows them: five columns of words, narrow enough for 1280 px."""
    out = []
    for r in rows:
        who = r.get("user") or ""
        role = role_words(r.get("role"), lang) if r.get("role") else ""
        latency = r.get("latency_ms")
        outcome = outcome_words(r, lang)
        if latency is not None:
            outcome = (
                f"{outcome} ({_w('aud.ms', lang, ms=round(latency))})"
                if outcome
                else _w("aud.ms", lang, ms=round(latency))
            )
        where = where_words(r.get("where"), lang)
        backend = backend_words(r.get("backend"), lang)
        out.append(
            {
                _w("aud.c_when", lang): local_time(r["at"], zone),
                _w("aud.c_who", lang): f"{who} ({role})" if role else who,
                _w("aud.c_what", lang): what_words(r, lang),
                _w("aud.c_where", lang): " · ".join(p for p in (where, backend) if p),
                _w("aud.c_outcome", lang): outcome,
            }
        )
    return out


CSV_RAW = (
    "user",
    "role",
    "kind",
    "action",
    "where",
    "backend",
    "api_version",
    "service",
    "result_code",
    "latency_ms",
    "image_sha256",
    "request_key_hash",
    "masked",
    "detail",
)


def csv_bytes(rows: Sequence[Mapping[str, Any]], lang: Lang, zone: tzinfo) -> bytes:
    """Excel-ready: UTF-8 with a byte-order mark (else Excel reads Korean as mojibake), the time in the
    reader's zone as ``YYYY-MM-DD HH:MM:SS`` (a date Excel recognises) with the zone beside it, the
    row in words, then the raw facts for scripts. Every cell through ``safe_cell`` (no formulas)."""
    out = io.StringIO()
    writer = csv.writer(out)
    zone_name = getattr(zone, "key", None) or datetime.now(zone).strftime("%Z")
    writer.writerow(
        [
            _w("aud.c_when", lang),
            _w("aud.c_zone", lang),
            _w("aud.c_what", lang),
            _w("aud.c_outcome", lang),
            *CSV_RAW,
        ]
    )
    for r in rows:
        writer.writerow(
            [
                local_time(r["at"], zone),
                zone_name,
                safe_cell(what_words(r, lang)),
                safe_cell(outcome_words(r, lang)),
                *(safe_cell("" if r.get(k) is None else r.get(k)) for k in CSV_RAW),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def totals_rows(totals: Sequence[Mapping[str, Any]], lang: Lang) -> list[dict[str, Any]]:
    return [
        {
            _w("aud.c_day", lang): r["day"],
            _w("aud.c_who", lang): r["user"],
            _w("aud.c_calls", lang): r["calls"],
        }
        for r in totals
    ]
