"""The catalogue of every field the Document OCR API returns or accepts.

One place says, for each field key, where it sits in a table,
on which documents it appears, whether the API encrypts it, and how sensitive it is. The dashboard
orders and labels tables with it; :mod:`ocr_core.masking` decides how to mask by its ``kind``.

Documents are named as the API names them (``resident``, ``driver``, ``passport``) plus
``credit-card`` for the card analysis and ``authenticity`` for the authenticity request body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

SensitivityKind = Literal[
    "card_number", "resident_number", "licence", "passport", "serial", "mrz", "name", "date_of_birth", "none"
]
Document = Literal["credit-card", "resident", "driver", "passport", "authenticity"]
Lang = Literal["ko", "en"]

SENSITIVE_KINDS: frozenset[str] = frozenset(
    {"card_number", "resident_number", "licence", "passport", "serial", "mrz", "name", "date_of_birth"}
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field: its key as the API spells it, global display order and sensitivity."""

    key: str
    order: int
    kind: SensitivityKind
    documents: frozenset[str]
    encrypted: bool = True

    @property
    def sensitive(self) -> bool:
        return self.kind in SENSITIVE_KINDS


_CC = "credit-card"
_RES, _DRV, _PASS, _AUTH = "resident", "driver", "passport", "authenticity"

# (key, kind, documents, encrypted) — listed in global display order. Labels are the UI's
# (catalogue keys ``field.<key>``), not the library's.
_ROWS: tuple[tuple[str, SensitivityKind, tuple[str, ...], bool], ...] = (
    # credit card
    ("totalCardNum", "card_number", (_CC,), True),
    ("cardNums", "card_number", (_CC,), True),
    ("validThru", "none", (_CC,), True),
    # authenticity request only
    ("idType", "none", (_AUTH,), False),
    # resident card / driver licence
    ("driverLicenseNumber", "licence", (_DRV, _AUTH), True),
    ("licenseType", "none", (_DRV,), True),
    ("name", "name", (_RES, _DRV, _AUTH), True),
    ("residentNumber", "resident_number", (_RES, _DRV, _AUTH), True),
    ("condition", "none", (_DRV,), True),
    ("serialNum", "serial", (_DRV, _AUTH), True),
    ("issueDate", "none", (_RES, _DRV, _AUTH), True),
    ("issuer", "none", (_RES, _DRV), True),
    # passport
    ("passportType", "none", (_PASS,), True),
    ("countryCode", "none", (_PASS,), True),
    ("passportNo", "passport", (_PASS,), True),
    ("surName", "name", (_PASS,), True),
    ("givenName", "name", (_PASS,), True),
    ("koreanName", "name", (_PASS,), True),
    ("nationality", "none", (_PASS,), True),
    ("dateOfBirth", "date_of_birth", (_PASS,), True),
    ("dateOfBirthYMD", "date_of_birth", (_PASS,), True),
    ("sex", "none", (_PASS,), True),
    ("dateOfIssue", "none", (_PASS,), True),
    ("dateOfIssueYMD", "none", (_PASS,), True),
    ("dateOfExpiry", "none", (_PASS,), True),
    ("dateOfExpiryYMD", "none", (_PASS,), True),
    ("personalNo", "resident_number", (_PASS,), True),
    ("MRZ1", "mrz", (_PASS,), True),
    ("MRZ2", "mrz", (_PASS,), True),
    # authenticity request (passport authenticity was withdrawn on 2026-05-27; kept for completeness)
    ("passportNumber", "passport", (_AUTH,), True),
    ("birthDate", "date_of_birth", (_AUTH,), True),
    ("expirationDate", "none", (_AUTH,), False),
)

FIELDS: Mapping[str, FieldSpec] = MappingProxyType(
    {
        key: FieldSpec(key, index, kind, frozenset(docs), enc)
        for index, (key, kind, docs, enc) in enumerate(_ROWS)
    }
)

# Per-document order exactly as the vendor guide lists the keys.
DOCUMENT_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        _CC: ("cardNums", "totalCardNum", "validThru"),
        _RES: ("name", "residentNumber", "issueDate", "issuer"),
        _DRV: (
            "driverLicenseNumber",
            "licenseType",
            "name",
            "residentNumber",
            "condition",
            "serialNum",
            "issueDate",
            "issuer",
        ),
        _PASS: (
            "passportType",
            "countryCode",
            "passportNo",
            "surName",
            "givenName",
            "nationality",
            "dateOfBirth",
            "dateOfBirthYMD",
            "sex",
            "dateOfIssue",
            "dateOfIssueYMD",
            "dateOfExpiry",
            "dateOfExpiryYMD",
            "koreanName",
            "personalNo",
            "MRZ1",
            "MRZ2",
        ),
        _AUTH: (
            "idType",
            "name",
            "residentNumber",
            "issueDate",
            "driverLicenseNumber",
            "serialNum",
            "passportNumber",
            "birthDate",
            "expirationDate",
        ),
    }
)


def field_spec(key: str) -> FieldSpec | None:
    """The spec of ``key``, or ``None`` for a key the guide does not list."""
    return FIELDS.get(key)


def fields_for(id_type: str) -> tuple[FieldSpec, ...]:
    """The fields of one document in the guide's order; empty for an unknown document."""
    return tuple(FIELDS[key] for key in DOCUMENT_FIELDS.get(id_type, ()))


def kind_of(key: str) -> SensitivityKind | None:
    """The sensitivity kind of ``key``; ``None`` for an unknown key."""
    spec = FIELDS.get(key)
    return spec.kind if spec else None


def sort_keys(keys: Iterable[str], id_type: str | None = None) -> list[str]:
    """Result keys in display order.

    Order result keys for display: the document's guide order first, then other known keys in
    catalogue order, then unknown keys as they came."""
    key_list = list(keys)
    doc_order = {k: i for i, k in enumerate(DOCUMENT_FIELDS.get(id_type or "", ()))}
    n_doc, n_all = len(doc_order), len(FIELDS)

    def rank(indexed: tuple[int, str]) -> tuple[int, int]:
        position, key = indexed
        if key in doc_order:
            return (0, doc_order[key])
        if key in FIELDS:
            return (1, n_doc + FIELDS[key].order)
        return (2, n_doc + n_all + position)

    return [key for _, key in sorted(enumerate(key_list), key=rank)]
