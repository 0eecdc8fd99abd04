"""The validators' verdicts on a whole result, field by field, and as records safe to keep.

:func:`result_checks` is the one place that decides which checks each field of a result gets: the
analysis pages show it beside each field, and a QA lab run stores it with each item (``qa.runner``)
while the decrypted values are at hand, so a lab item shows the verdicts the pages would have shown.

:func:`check_record` turns a verdict into plain JSON for a database or an export. A check's
``params`` are facts, never the value (see :mod:`ocr_core.validators`), but a record is written where
personal data must never be, so it keeps only facts it knows to be harmless, of the type it expects:
counts and lengths, a code range, a card's expiry month and year (the expiry is never masked), the
resident-number cut-over date, and codes (MRZ parts, a failed MRZ line 1's reason). Anything else —
a param a future check might add with part of a number, a name or a date in it — is dropped, and no
number kept has more than four digits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ocr_core.models import CreditCardResult, IdCardResult
from ocr_core.validators import CHECK_PARTS, RRN_RANDOM_SINCE, Check, checks_for

__all__ = ["check_from_record", "check_record", "result_checks", "safe_params"]

_NUMBERS = frozenset({"n", "length", "low", "high", "month", "year"})
_MAX_NUMBER = 9999
_LINE1_REASONS = frozenset({"mrz_chars", "mrz_length", "mrz_start"})
"""What ``check_mrz_line1`` fails with: the ``line1`` param of a failed ``mrz_check_digits``."""
_CONSTANTS: Mapping[str, object] = {"since": RRN_RANDOM_SINCE.isoformat()}


def result_checks(
    result: CreditCardResult | IdCardResult,
    *,
    today: date | None = None,
) -> dict[str, tuple[Check, ...]]:
    """Each field's checks by the API's key, run on the values as read.

    Each field's checks by the API's key (``totalCardNum``, ``validThru``, ``residentNumber`` …);
    fields no check applies to are left out. Run on the values as read, never on masked ones."""
    if isinstance(result, CreditCardResult):
        found = {
            "totalCardNum": checks_for("totalCardNum", result.total_card_num, "credit-card", today=today)
        }
        if result.valid_thru is not None:
            found["validThru"] = checks_for("validThru", result.valid_thru.value, "credit-card", today=today)
    else:
        values = {kv.key: kv.value for kv in result.key_values if kv.value is not None}
        found = {
            kv.key: checks_for(kv.key, kv.value, result.id_type or "", values, today=today)
            for kv in result.key_values
        }
    return {key: checks for key, checks in found.items() if checks}


def _harmless(key: str, value: object) -> bool:
    if key in _NUMBERS:
        return type(value) is int and 0 <= value <= _MAX_NUMBER
    if key == "parts":
        return isinstance(value, (tuple, list)) and all(part in CHECK_PARTS for part in value)
    if key == "line1":
        return value in _LINE1_REASONS
    return key in _CONSTANTS and value == _CONSTANTS[key]


def safe_params(params: Mapping[str, object]) -> dict[str, Any]:
    """The params a record may keep (``parts`` as a list); everything else is dropped."""
    kept: dict[str, Any] = {key: value for key, value in params.items() if _harmless(key, value)}
    if "parts" in kept:
        kept["parts"] = list(kept["parts"])
    return kept


def check_record(check: Check) -> dict[str, Any]:
    """``{"name", "ok", "reason", "params"}``, JSON-ready, with harmless params only."""
    return {"name": check.name, "ok": check.ok, "reason": check.reason, "params": safe_params(check.params)}


def check_from_record(record: Mapping[str, Any]) -> Check:
    """A stored record as a :class:`Check` again, for the views that word it."""
    params = dict(record.get("params") or {})
    if isinstance(params.get("parts"), list):
        params["parts"] = tuple(params["parts"])
    return Check(str(record["name"]), record.get("ok"), str(record["reason"]), params)
