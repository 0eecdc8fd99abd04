"""ID analysis → authenticity: what the ID page hands to the authenticity page.

The hand-off carries the ``RequestKey`` object itself (the client marks that very object spent after
a normal answer) and the recognised values, converted to the forms the authenticity request wants
(digits only, YYYYMMDD, the 7-digit resident form for driver licences). It lives in
``st.session_state`` only.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ocr_core import IdCardResult, RequestKey
from ocr_core.authenticity import FIELD_RULES
from ocr_core.services import authenticity_types

HANDOFF_KEY = "auth_handoff"
AUTH_ID_TYPES = authenticity_types()
_serial = itertools.count(1)


@dataclass
class Handoff:
    request_key: RequestKey
    id_type: str
    values: dict[str, str] = field(repr=False)
    """Authenticity field (API name) → value as the request wants it."""
    analysed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    serial: int = field(default_factory=lambda: next(_serial))
    """Tells the authenticity page that a new hand-off arrived and its form must be refilled."""


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def ymd(value: str) -> str:
    """``2019.5.14.`` / ``2019-05-14`` / ``20190514`` → ``20190514``; anything else: its digits."""
    parts = re.findall(r"\d+", value)
    if len(parts) == 1:
        return parts[0]
    if len(parts) >= 3 and len(parts[0]) == 4:
        y, m, d = (int(p) for p in parts[:3])
        return f"{y:04d}{m:02d}{d:02d}"
    return "".join(parts)


def prefill(result: IdCardResult) -> dict[str, str]:
    """The authenticity fields of ``result`` for its idType (empty for other documents)."""
    id_type = result.id_type or ""
    if id_type not in AUTH_ID_TYPES:
        return {}
    wanted = FIELD_RULES[id_type]
    out: dict[str, str] = {}
    for key in wanted:
        kv = result.get(key)
        if kv is None or not kv.value:
            continue
        value = kv.value.strip()
        if key == "residentNumber":
            value = _digits(value)
            if id_type == "driver":
                value = value[:7]
        elif key == "issueDate":
            value = ymd(value)
        elif key == "driverLicenseNumber":
            value = _digits(value) if len(_digits(value)) == 12 else value
        elif key == "serialNum":
            value = value.replace(" ", "").upper()
        out[key] = value
    return out


def handoff_from(result: IdCardResult) -> Handoff | None:
    """A hand-off, or None when the result has no usable Request-Key or is not a checkable type."""
    rk = result.request_key
    if rk is None or rk.spent or rk.expired() or (result.id_type or "") not in AUTH_ID_TYPES:
        return None
    return Handoff(rk, result.id_type or "", prefill(result))
