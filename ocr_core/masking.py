"""Masking of personal data: single values, whole API-shaped responses and free text.

Every masker works on *slots*: letters, digits and the mask character ``*``. Separators (spaces,
hyphens, ``<`` in MRZ lines, dots) are kept so that a masked value keeps its shape, and a slot once
masked stays masked, so masking is idempotent and never changes the length of a value.

What stays visible:

- card number: at most the first six and last four digits (PCI DSS); fewer for short strings;
- resident number: ``YYMMDD-G******`` (the 7-digit driver form ``YYMMDD-G`` is already that much);
- licence number: region and year, ``11-19-******-**``; passport number: its type letter;
- names: the first character; MRZ line 1: document code and issuing state; serials and MRZ line 2:
  nothing; dates of birth: the year.

Values are shown unmasked only when the caller chooses not to call these functions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.kr import rrn as _rrn

from ocr_core.fields import field_spec

MASK = "*"

__all__ = [
    "MASK",
    "mask_api_json",
    "mask_card_groups",
    "mask_card_number",
    "mask_date_of_birth",
    "mask_licence_number",
    "mask_mrz",
    "mask_name",
    "mask_passport_number",
    "mask_resident_number",
    "mask_serial",
    "mask_text",
    "mask_value",
]


def _is_slot(char: str) -> bool:
    return char.isalnum() or char == MASK


def _slot_count(value: str) -> int:
    return sum(1 for c in value if _is_slot(c))


def _mask_slots(value: str, keep: Callable[[int, int], bool]) -> str:
    """Replace every slot whose (index, slot count) ``keep`` rejects by ``*``; keep separators."""
    total = _slot_count(value)
    out: list[str] = []
    index = 0
    for char in value:
        if _is_slot(char):
            out.append(char if keep(index, total) else MASK)
            index += 1
        else:
            out.append(char)
    return "".join(out)


def _keep_head_tail(head: int, tail: int) -> Callable[[int, int], bool]:
    return lambda i, n: i < head or i >= n - tail


def _card_visible(total: int) -> tuple[int, int]:
    """(head, tail) digits left visible for a card number of ``total`` slots."""
    if total >= 13:
        return 6, 4
    # A partial reading: show only a short tail so that at least two thirds stay hidden.
    return 0, min(4, total // 3)


def mask_card_number(value: str) -> str:
    """``1234 5678 9012 3456`` → ``1234 56** **** 3456``; never more than 6 + 4 digits visible."""
    head, tail = _card_visible(_slot_count(value))
    return _mask_slots(value, _keep_head_tail(head, tail))


def mask_card_groups(groups: Sequence[str]) -> tuple[str, ...]:
    """Mask the API's card-number groups (``cardNums[].value``) as parts of one number.

    The concatenation of the result equals ``mask_card_number("".join(groups))``: the first group
    keeps its leading digits, middle groups are masked, the last group keeps its trailing digits.
    """
    masked = mask_card_number("".join(groups))
    out: list[str] = []
    start = 0
    for group in groups:
        out.append(masked[start : start + len(group)])
        start += len(group)
    return tuple(out)


def mask_resident_number(value: str, *, short_form_visible: bool = True) -> str:
    """``900101-1234567`` → ``900101-1******`` (with or without the hyphen).

    A 7-slot value is the driver-licence authenticity form ``YYMMDD-G`` and stays as it is unless
    ``short_form_visible`` is false (a passport's personal number may be the *back* seven digits).
    A misread of 8–12 slots shows its first six; anything shorter shows at most one slot.
    """
    total = _slot_count(value)
    if total >= 13 or total == 7 and short_form_visible:
        visible = 7
    elif total >= 8:
        visible = 6
    else:
        visible = 1 if total >= 4 else 0
    return _mask_slots(value, lambda i, n: i < visible)


def mask_licence_number(value: str) -> str:
    """``11-19-123456-12`` → ``11-19-******-**``; ``서울 19-123456-12`` → ``서울 19-******-**``."""
    total = _slot_count(value)
    visible = 4 if total >= 10 else (2 if total >= 6 else 0)
    return _mask_slots(value, lambda i, n: i < visible)


def mask_passport_number(value: str) -> str:
    """``M12345678`` → ``M********``: only the passport-type letter stays."""
    visible = 1 if _slot_count(value) >= 5 else 0
    return _mask_slots(value, lambda i, n: i < visible)


def mask_serial(value: str) -> str:
    """The licence's security serial is a secret for authenticity: nothing stays visible."""
    return _mask_slots(value, lambda i, n: False)


def mask_name(value: str) -> str:
    """``홍길동`` → ``홍**``; ``GIL DONG`` → ``G** ****``; a one-letter name is fully masked."""
    visible = 1 if _slot_count(value) >= 2 else 0
    return _mask_slots(value, lambda i, n: i < visible)


def mask_mrz(value: str, *, line: int) -> str:
    """Mask the MRZ lines, keeping their shape.

    MRZ line 1 keeps its first five characters (``P<KOR``), the names are masked; line 2 (numbers,
    dates, personal number and check digits) is masked entirely. ``<`` fillers are kept."""
    if line == 1:
        out = [c if (i < 5 or not _is_slot(c)) else MASK for i, c in enumerate(value)]
        return "".join(out)
    return _mask_slots(value, lambda i, n: False)


_YEAR_RE = re.compile(r"(?<![0-9])(?:1[89]|20)\d\d(?![0-9])")
"""A year beside letters or stars still counts ("1800A" → "1800*", which masks to itself again)."""
_COMPACT_DATE_RE = re.compile(r"[0-9*]{8}")


def mask_date_of_birth(value: str) -> str:
    """Keep the year: ``19900101`` → ``1990****``; ``01 JAN 1990`` → ``** *** 1990``."""
    if _COMPACT_DATE_RE.fullmatch(value) and value[:4].isdigit():  # "****1990" is a year after stars
        return _mask_slots(value, lambda i, n: i < 4)
    match = _YEAR_RE.search(value)
    if match is None:
        return _mask_slots(value, lambda i, n: False)
    start, end = match.span()
    return "".join(c if (start <= i < end or not _is_slot(c)) else MASK for i, c in enumerate(value))


def mask_value(key: str, value: Any, *, groups: Sequence[str] | None = None, index: int | None = None) -> Any:
    """Mask one field value as its catalogue kind says; non-strings are returned unchanged.

    A card-number group (``cardNums``) is masked by its position when ``groups`` (all the groups of
    the number) and ``index`` are given, and fully otherwise, since its position is unknown.
    Fields that are not personal, and keys the guide does not list, are still scrubbed by
    :func:`mask_text`, so a misplaced card or resident number never slips through.
    """
    if not isinstance(value, str):
        return value
    spec = field_spec(key)
    kind = spec.kind if spec else "none"
    if kind == "card_number":
        if key == "cardNums":
            if groups is not None and index is not None:
                return mask_card_groups(groups)[index]
            return _mask_slots(value, lambda i, n: False)
        return mask_card_number(value)
    if kind == "resident_number":
        return mask_resident_number(value, short_form_visible=key != "personalNo")
    if kind == "licence":
        return mask_licence_number(value)
    if kind == "passport":
        return mask_passport_number(value)
    if kind == "serial":
        return mask_serial(value)
    if kind == "name":
        return mask_name(value)
    if kind == "mrz":
        return mask_mrz(value, line=2 if key == "MRZ2" else 1)
    if kind == "date_of_birth":
        return mask_date_of_birth(value)
    return mask_text(value)


def mask_api_json(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A masked copy of an API-shaped response (``{"header": …, "result": …}``); never mutates.

    ``cardNums[].value`` are masked as groups of one number, ``totalCardNum`` as a card number,
    ``keyValues[].value`` by their ``key``; any other catalogue field found as a dict key (an
    authenticity request body, say) by its kind; ``requestKey`` is kept; every other string is
    scrubbed by :func:`mask_text`. Confidences, boxes and other non-strings are copied as they are.
    """
    masked: dict[str, Any] = _mask_node(doc)  # a mapping comes back a dict
    return masked


# A Request-Key is the one-time handle for the authenticity call, not personal data: the caller must be
# able to use it (a UUID-like value could otherwise look like a long digit run to mask_text).
_VERBATIM_KEYS = frozenset({"requestKey", "Request-Key"})


def _mask_node(node: Any) -> Any:
    if isinstance(node, Mapping):
        if isinstance(node.get("key"), str) and "value" in node:
            # a keyValues entry: {"key", "value", "conf", "bbox"}
            key = node["key"]
            return {k: (mask_value(key, v) if k == "value" else _mask_node(v)) for k, v in node.items()}
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k in _VERBATIM_KEYS:
                out[k] = v
            elif k == "cardNums" and isinstance(v, list):
                out[k] = _mask_card_entries(v)
            elif isinstance(v, str) and field_spec(k) is not None:
                out[k] = mask_value(k, v)
            else:
                out[k] = _mask_node(v)
        return out
    if isinstance(node, list | tuple):
        return [_mask_node(item) for item in node]
    if isinstance(node, str):
        return mask_text(node)
    return node


def _mask_card_entries(entries: list[Any]) -> list[Any]:
    positions = [
        i for i, e in enumerate(entries) if isinstance(e, Mapping) and isinstance(e.get("value"), str)
    ]
    masked = mask_card_groups([entries[i]["value"] for i in positions])
    out = [_mask_node(e) for e in entries]
    for position, value in zip(positions, masked, strict=True):
        out[position]["value"] = value
    return out


# Runs of digit groups joined by single spaces or hyphens, not touching other digits or masks.
_DIGIT_RUN_RE = re.compile(r"(?<![0-9*])\d+(?:[ -]\d+)*(?![0-9*])")
_LICENCE_GROUPS = [2, 2, 6, 2]


def _looks_like_rrn(digits: str, groups: list[str]) -> bool:
    if len(digits) != 13 or not (len(groups) == 1 or [len(g) for g in groups] == [6, 7]):
        return False
    try:
        _rrn.get_birth_date(digits)
    except (ValidationError, ValueError):
        return False
    return True


def _mask_run(match: re.Match[str]) -> str:
    run = match.group(0)
    groups = re.split(r"[ -]", run)
    digits = "".join(groups)
    if [len(g) for g in groups] == _LICENCE_GROUPS:
        return mask_licence_number(run)
    if len(digits) < 13:
        return run
    if _looks_like_rrn(digits, groups):
        return mask_resident_number(run)
    return mask_card_number(run)


def mask_text(text: str) -> str:
    """Scrub card numbers, resident numbers and licence numbers out of free text (log lines, errors).

    Any run of 13 or more digits, possibly split into groups by single spaces or hyphens, is masked
    as a resident number when it reads as one (``YYMMDD-G******``) and as a card number otherwise
    (first six, last four); ``11-19-123456-12`` runs are masked as licence numbers. Over-masking a
    long number that is neither is the accepted price.
    """
    return _DIGIT_RUN_RE.sub(_mask_run, text)
