"""Immutable result models, decrypted at the boundary and tolerant of fields the guide does not list.

Each ``from_api`` takes the API's ``result`` object and a ``decrypt`` function for the values the
guide marks encrypted; anything structurally wrong raises ``MalformedResponseError``. Fields the
guide does not list are kept, untouched, in ``extra``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal

from .constants import NORMAL_RESOLUTION, REQUEST_KEY_LIFETIME
from .errors import MalformedResponseError
from .services import Service

__all__ = [
    "AuthenticityResult",
    "Box",
    "CallTrace",
    "CardNumberGroup",
    "CreditCardResult",
    "FieldReading",
    "IdCardResult",
    "KeyValue",
    "PublicKeyInfo",
    "RequestKey",
    "Service",
    "resolution_verdict",
]

Decrypt = Callable[[str], str]

SUCCESS_HEADER: Mapping[str, Any] = MappingProxyType(
    {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS"}
)
_EMPTY: Mapping[str, Any] = MappingProxyType({})


def resolution_verdict(width: int, height: int) -> Literal["normal", "low"]:
    """The API's ``resolution`` rule: ``normal`` at 760×480 or more, else ``low``.

    The API's ``resolution`` rule: ``normal`` when the long side is at least 760 px and the short
    side at least 480 px (either orientation), else ``low``."""
    long_side, short_side = max(width, height), min(width, height)
    return "normal" if long_side >= NORMAL_RESOLUTION[0] and short_side >= NORMAL_RESOLUTION[1] else "low"


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(copy.deepcopy(dict(mapping)))


def _plain(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(dict(mapping))


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedResponseError(f"{where} is not a JSON object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponseError(f"{where} is not a JSON list")
    return value


def _conf(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MalformedResponseError(f"{where}.conf is not a number")
    return float(value)


def _opt_str(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedResponseError(f"{where} is not a string")
    return value


def _decrypted(value: Any, decrypt: Decrypt, where: str) -> str | None:
    text = _opt_str(value, where)
    return None if text is None else decrypt(text)


@dataclass(frozen=True)
class Box:
    """A quadrilateral, corners clockwise from top-left as the API gives them."""

    x1: int
    y1: int
    x2: int
    y2: int
    x3: int
    y3: int
    x4: int
    y4: int

    @classmethod
    def from_api(cls, value: Any, where: str = "box") -> Box | None:
        if value is None:
            return None
        data = _object(value, where)
        try:
            return cls(*(round(float(data[k])) for k in ("x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4")))
        except (KeyError, TypeError, ValueError) as err:
            raise MalformedResponseError(f"{where} is not a box of x1..y4 numbers") from err

    @property
    def points(self) -> list[tuple[int, int]]:
        return [(self.x1, self.y1), (self.x2, self.y2), (self.x3, self.y3), (self.x4, self.y4)]

    def to_api(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in ("x1", "y1", "x2", "y2", "x3", "y3", "x4", "y4")}


def _box_api(box: Box | None) -> dict[str, int] | None:
    return None if box is None else box.to_api()


@dataclass(frozen=True)
class FieldReading:
    value: str | None
    conf: float | None
    box: Box | None = None


@dataclass(frozen=True)
class CardNumberGroup:
    value: str | None = field(repr=False)  # part of a card number: kept out of reprs
    conf: float | None
    box: Box | None = None


@dataclass(frozen=True, repr=False)
class KeyValue:
    key: str
    value: str | None
    conf: float | None
    bbox: Box | None = None

    def __repr__(self) -> str:
        from .masking import mask_value  # personal data is masked in every repr

        return (
            f"KeyValue(key={self.key!r}, value={mask_value(self.key, self.value)!r}, "
            f"conf={self.conf!r}, bbox={self.bbox!r})"
        )


@dataclass(eq=False)
class RequestKey:
    """The ``Request-Key`` of an ID analysis: valid one hour, single use after a normal answer."""

    value: str
    issued_at: datetime
    expires_at: datetime
    spent: bool = False

    @classmethod
    def issued_now(cls, value: str, now: datetime | None = None) -> RequestKey:
        issued = now or datetime.now(UTC)
        return cls(value, issued, issued + REQUEST_KEY_LIFETIME)

    def remaining(self, now: datetime | None = None) -> timedelta:
        left = self.expires_at - (now or datetime.now(UTC))
        return max(left, timedelta(0))

    def expired(self, now: datetime | None = None) -> bool:
        return self.remaining(now) <= timedelta(0)

    def usable(self, now: datetime | None = None) -> bool:
        """Neither spent by a completed authenticity check nor past its hour."""
        return not self.spent and not self.expired(now)

    def mark_spent(self) -> None:
        self.spent = True


@dataclass(frozen=True)
class PublicKeyInfo:
    service: Service
    version: str
    key_b64: str = field(repr=False)


@dataclass(frozen=True)
class CallTrace:
    """What one call cost and carried. ``timings_ms`` has key_fetch, encrypt, network, decrypt, total."""

    service: Service
    path: str
    key_version: str
    wrapped_key_bytes: int
    image_bytes: int
    ciphertext_bytes: int
    encoding: str
    fields_decrypted: int
    timings_ms: Mapping[str, float]
    attempts: int = 1
    key_refetched: bool = False


def _parse_header(header: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return SUCCESS_HEADER if header is None else _frozen(header)


@dataclass(frozen=True)
class CreditCardResult:
    file_type: str | None
    resolution: str | None
    card_numbers: tuple[CardNumberGroup, ...]
    total_card_num: str | None = field(repr=False)
    valid_thru: FieldReading | None
    card_num_boxes: tuple[Box, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    header: Mapping[str, Any] = field(default_factory=lambda: SUCCESS_HEADER)
    trace: CallTrace | None = None

    KNOWN = frozenset(
        {"fileType", "resolution", "cardNums", "totalCardNum", "cardNumBoxes", "validThru", "validThruBox"}
    )

    @classmethod
    def from_api(
        cls,
        result: Any,
        decrypt: Decrypt,
        *,
        header: Mapping[str, Any] | None = None,
        trace: CallTrace | None = None,
    ) -> CreditCardResult:
        data = _object(result, "result")
        boxes = tuple(
            b
            for i, raw in enumerate(_list(data.get("cardNumBoxes"), "cardNumBoxes"))
            if (b := Box.from_api(raw, f"cardNumBoxes[{i}]")) is not None
        )
        groups = []
        for i, raw in enumerate(_list(data.get("cardNums"), "cardNums")):
            item = _object(raw, f"cardNums[{i}]")
            groups.append(
                CardNumberGroup(
                    _decrypted(item.get("value"), decrypt, f"cardNums[{i}].value"),
                    _conf(item.get("conf"), f"cardNums[{i}]"),
                    boxes[i] if i < len(boxes) else None,
                )
            )
        valid = None
        if data.get("validThru") is not None:
            vt = _object(data["validThru"], "validThru")
            valid = FieldReading(
                _decrypted(vt.get("value"), decrypt, "validThru.value"),
                _conf(vt.get("conf"), "validThru"),
                Box.from_api(data.get("validThruBox"), "validThruBox"),
            )
        return cls(
            file_type=_opt_str(data.get("fileType"), "fileType"),
            resolution=_opt_str(data.get("resolution"), "resolution"),
            card_numbers=tuple(groups),
            total_card_num=_decrypted(data.get("totalCardNum"), decrypt, "totalCardNum"),
            valid_thru=valid,
            card_num_boxes=boxes,
            extra=_frozen({k: v for k, v in data.items() if k not in cls.KNOWN}),
            header=_parse_header(header),
            trace=trace,
        )

    def to_api_json(self, masked: bool = True) -> dict[str, Any]:
        """The API's own shape with decrypted values; masked unless ``masked=False``."""
        result: dict[str, Any] = {
            "fileType": self.file_type,
            "resolution": self.resolution,
            "cardNums": [{"value": g.value, "conf": g.conf} for g in self.card_numbers],
            "totalCardNum": self.total_card_num,
            "cardNumBoxes": [b.to_api() for b in self.card_num_boxes],
        }
        if self.valid_thru is not None:
            result["validThru"] = {"value": self.valid_thru.value, "conf": self.valid_thru.conf}
            result["validThruBox"] = _box_api(self.valid_thru.box)
        result.update(_plain(self.extra))
        return _finish({"header": _plain(self.header), "result": result}, masked)


@dataclass(frozen=True)
class IdCardResult:
    file_type: str | None
    resolution: str | None
    id_type: str | None
    key_values: tuple[KeyValue, ...]
    boxes: tuple[Box, ...] = ()
    request_key: RequestKey | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    header: Mapping[str, Any] = field(default_factory=lambda: SUCCESS_HEADER)
    trace: CallTrace | None = None

    KNOWN = frozenset({"fileType", "resolution", "idType", "keyValues", "boxes"})

    @classmethod
    def from_api(
        cls,
        result: Any,
        decrypt: Decrypt,
        *,
        request_key: RequestKey | None = None,
        header: Mapping[str, Any] | None = None,
        trace: CallTrace | None = None,
    ) -> IdCardResult:
        data = _object(result, "result")
        values = []
        for i, raw in enumerate(_list(data.get("keyValues"), "keyValues")):
            item = _object(raw, f"keyValues[{i}]")
            key = _opt_str(item.get("key"), f"keyValues[{i}].key")
            if key is None:
                raise MalformedResponseError(f"keyValues[{i}] has no key")
            values.append(
                KeyValue(
                    key,
                    _decrypted(item.get("value"), decrypt, f"keyValues[{i}].value"),
                    _conf(item.get("conf"), f"keyValues[{i}]"),
                    Box.from_api(item.get("bbox"), f"keyValues[{i}].bbox"),
                )
            )
        boxes = tuple(
            b
            for i, raw in enumerate(_list(data.get("boxes"), "boxes"))
            if (b := Box.from_api(raw, f"boxes[{i}]")) is not None
        )
        return cls(
            file_type=_opt_str(data.get("fileType"), "fileType"),
            resolution=_opt_str(data.get("resolution"), "resolution"),
            id_type=_opt_str(data.get("idType"), "idType"),
            key_values=tuple(values),
            boxes=boxes,
            request_key=request_key,
            extra=_frozen({k: v for k, v in data.items() if k not in cls.KNOWN}),
            header=_parse_header(header),
            trace=trace,
        )

    def get(self, key: str) -> KeyValue | None:
        return next((kv for kv in self.key_values if kv.key == key), None)

    def to_api_json(self, masked: bool = True) -> dict[str, Any]:
        result: dict[str, Any] = {
            "fileType": self.file_type,
            "resolution": self.resolution,
            "idType": self.id_type,
            "keyValues": [
                {"key": kv.key, "value": kv.value, "conf": kv.conf, "bbox": _box_api(kv.bbox)}
                for kv in self.key_values
            ],
            "boxes": [b.to_api() for b in self.boxes],
        }
        result.update(_plain(self.extra))
        doc = _finish({"header": _plain(self.header), "result": result}, masked)
        if self.request_key is not None:
            # Not personal data, and needed to run the authenticity check: never masked.
            doc["requestKey"] = self.request_key.value
        return doc


@dataclass(frozen=True)
class AuthenticityResult:
    is_authenticity: bool
    request_key: str
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    header: Mapping[str, Any] = field(default_factory=lambda: SUCCESS_HEADER)
    trace: CallTrace | None = None

    @classmethod
    def from_api(
        cls,
        result: Any,
        *,
        request_key: str,
        header: Mapping[str, Any] | None = None,
        trace: CallTrace | None = None,
    ) -> AuthenticityResult:
        data = _object(result, "result")
        verdict = data.get("isAuthenticity")
        if not isinstance(verdict, bool):
            raise MalformedResponseError("result.isAuthenticity is not a boolean")
        return cls(
            verdict,
            request_key,
            _frozen({k: v for k, v in data.items() if k != "isAuthenticity"}),
            _parse_header(header),
            trace,
        )

    def to_api_json(self, masked: bool = True) -> dict[str, Any]:
        result = {"isAuthenticity": self.is_authenticity, **_plain(self.extra)}
        return _finish({"header": _plain(self.header), "result": result}, masked)


def _finish(doc: dict[str, Any], masked: bool) -> dict[str, Any]:
    if not masked:
        return doc
    from .masking import mask_api_json  # section 4's module; imported late to keep models light

    return mask_api_json(doc)
