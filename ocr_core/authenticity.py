"""``AuthenticityRequest``: the body of ``/id-card/authenticity``, built and checked per idType.

The field table (docs/vendor-api.md#authenticity):

=====================  =========  ==============  ======================  ====================
field                  encrypted  resident        driver                  passport (withdrawn)
=====================  =========  ==============  ======================  ====================
idType                 no         required        required                required
name                   yes        required        required                required
residentNumber         yes        13 digits       7 digits (6 + 1)        –
issueDate (YYYYMMDD)   yes        required        –                       required
driverLicenseNumber    yes        –               12 digits               –
serialNum              yes        –               5–6 chars, optional     –
passportNumber         yes        –               –                       9 A–Z/0–9
birthDate (YYYYMMDD)   yes        –               –                       required
expirationDate         no         –               –                       required
=====================  =========  ==============  ======================  ====================

Everything is checked before anything is sent: a wrong field raises ``InputError`` naming it.
Separators users type (spaces, hyphens, dots in dates) are removed before the format check.
The vendor withdrew passport authenticity on 2026-05-27; such requests are still built and checked
(the server decides, and may refuse them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Literal

from .errors import InputError

__all__ = ["ENCRYPTED_FIELDS", "FIELD_RULES", "AuthenticityRequest", "IdType"]

IdType = Literal["resident", "driver", "passport"]
ID_TYPES: tuple[str, ...] = ("resident", "driver", "passport")

# API name -> (attribute, encrypted?)
_API_FIELDS: dict[str, tuple[str, bool]] = {
    "name": ("name", True),
    "residentNumber": ("resident_number", True),
    "issueDate": ("issue_date", True),
    "driverLicenseNumber": ("driver_license_number", True),
    "serialNum": ("serial_num", True),
    "passportNumber": ("passport_number", True),
    "birthDate": ("birth_date", True),
    "expirationDate": ("expiration_date", False),
}
ENCRYPTED_FIELDS = frozenset(k for k, (_, enc) in _API_FIELDS.items() if enc)

# idType -> {API field: required?}
FIELD_RULES: dict[str, dict[str, bool]] = {
    "resident": {"name": True, "residentNumber": True, "issueDate": True},
    "driver": {"name": True, "residentNumber": True, "driverLicenseNumber": True, "serialNum": False},
    "passport": {
        "name": True,
        "passportNumber": True,
        "issueDate": True,
        "birthDate": True,
        "expirationDate": True,
    },
}

_SEPARATORS = re.compile(r"[\s\-./]")
_DIGITS = {"resident": 13, "driver": 7}


def _date(value: str, field: str) -> str:
    text = _SEPARATORS.sub("", value)
    if not re.fullmatch(r"\d{8}", text):
        raise InputError(
            f"{field} must be a date written YYYYMMDD (8 digits)", rule="date_format", field=field
        )
    try:
        datetime.strptime(text, "%Y%m%d")
    except ValueError as err:
        raise InputError(
            f"{field} is not a real calendar date (YYYYMMDD)", rule="date_real", field=field
        ) from err
    return text


def _check(field: str, value: str, id_type: str) -> str:
    """The normalised value of one field, or InputError saying what is expected (never the value)."""
    if field == "name":
        text = " ".join(value.split())
        if not text or len(text) > 100:
            raise InputError("name must not be empty (at most 100 characters)", rule="name", field=field)
        return text
    if field == "residentNumber":
        text = _SEPARATORS.sub("", value)
        want = _DIGITS[id_type]
        if not re.fullmatch(rf"\d{{{want}}}", text):
            form = (
                "13 digits"
                if id_type == "resident"
                else "7 digits: the first 6 and the first digit of the back part"
            )
            raise InputError(
                f"residentNumber for {id_type} must be {form}",
                rule=f"rrn_{id_type}",
                field=field,
                id_type=id_type,
            )
        return text
    if field in ("issueDate", "birthDate", "expirationDate"):
        return _date(value, field)
    if field == "driverLicenseNumber":
        text = _SEPARATORS.sub("", value)
        if not re.fullmatch(r"\d{12}", text):
            raise InputError("driverLicenseNumber must be 12 digits", rule="licence", field=field)
        return text
    if field == "serialNum":
        text = _SEPARATORS.sub("", value).upper()
        if not re.fullmatch(r"[0-9A-Z]{5,6}", text):
            raise InputError("serialNum must be 5 or 6 letters or digits", rule="serial", field=field)
        return text
    if field == "passportNumber":
        text = _SEPARATORS.sub("", value).upper()
        if not re.fullmatch(r"[0-9A-Z]{9}", text):
            raise InputError(
                "passportNumber must be 9 upper-case letters or digits", rule="passport", field=field
            )
        return text
    raise AssertionError(field)  # pragma: no cover


@dataclass(frozen=True)
class AuthenticityRequest:
    """A checked authenticity request. Construction raises ``InputError`` on any rule broken."""

    id_type: IdType
    name: str
    resident_number: str | None = None
    issue_date: str | None = None
    driver_license_number: str | None = None
    serial_num: str | None = None
    passport_number: str | None = None
    birth_date: str | None = None
    expiration_date: str | None = None

    def __post_init__(self) -> None:
        if self.id_type not in ID_TYPES:
            raise InputError(f"idType must be one of {', '.join(ID_TYPES)}", rule="id_type", field="idType")
        rules = FIELD_RULES[self.id_type]
        for api_name, (attr, _) in _API_FIELDS.items():
            raw = getattr(self, attr)
            if raw is not None and not isinstance(raw, str):
                raise InputError(f"{api_name} must be text", rule="text", field=api_name)
            present = raw is not None and raw.strip() != ""
            if api_name not in rules:
                if present:
                    raise InputError(
                        f"{api_name} is not used for idType {self.id_type}",
                        rule="unused",
                        field=api_name,
                        id_type=self.id_type,
                    )
                object.__setattr__(self, attr, None)
                continue
            if not present:
                if rules[api_name]:
                    raise InputError(
                        f"{api_name} is required for idType {self.id_type}",
                        rule="required",
                        field=api_name,
                        id_type=self.id_type,
                    )
                object.__setattr__(self, attr, None)
                continue
            assert raw is not None
            object.__setattr__(self, attr, _check(api_name, raw, self.id_type))

    def to_body(self, encrypt: Callable[[str], str]) -> dict[str, str]:
        """The JSON body: ``idType`` and ``expirationDate`` in clear, every other field encrypted."""
        body: dict[str, str] = {"idType": self.id_type}
        for api_name, (attr, encrypted) in _API_FIELDS.items():
            value = getattr(self, attr)
            if value is not None:
                body[api_name] = encrypt(value) if encrypted else value
        return body

    def __repr__(self) -> str:
        shown = [f"id_type={self.id_type!r}"]
        shown += [f"{f.name}=[set]" for f in fields(self) if f.name != "id_type" and getattr(self, f.name)]
        return f"AuthenticityRequest({', '.join(shown)})"
