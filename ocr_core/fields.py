"""The catalogue of every field the Document OCR API returns or accepts.

One place says, for each field key, how it is called in Korean and English, where it sits in a table,
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
    """One field: its key as the API spells it, labels, global display order and sensitivity."""

    key: str
    label_ko: str
    label_en: str
    order: int
    kind: SensitivityKind
    documents: frozenset[str]
    encrypted: bool = True

    @property
    def sensitive(self) -> bool:
        return self.kind in SENSITIVE_KINDS

    def label(self, lang: Lang = "en") -> str:
        return self.label_ko if lang == "ko" else self.label_en


_CC = "credit-card"
_RES, _DRV, _PASS, _AUTH = "resident", "driver", "passport", "authenticity"

# (key, Korean label, English label, kind, documents, encrypted) — listed in global display order.
_ROWS: tuple[tuple[str, str, str, SensitivityKind, tuple[str, ...], bool], ...] = (
    # credit card
    ("totalCardNum", "카드 번호", "Card number", "card_number", (_CC,), True),
    ("cardNums", "카드 번호 그룹", "Card number group", "card_number", (_CC,), True),
    ("validThru", "유효 기간", "Valid thru", "none", (_CC,), True),
    # authenticity request only
    ("idType", "신분증 종류", "ID type", "none", (_AUTH,), False),
    # resident card / driver licence
    ("driverLicenseNumber", "운전면허번호", "Driver's licence number", "licence", (_DRV, _AUTH), True),
    ("licenseType", "면허 종류", "Licence type", "none", (_DRV,), True),
    ("name", "이름", "Name", "name", (_RES, _DRV, _AUTH), True),
    ("residentNumber", "주민등록번호", "Resident registration number", "resident_number",
     (_RES, _DRV, _AUTH), True),
    ("condition", "면허 조건", "Licence conditions", "none", (_DRV,), True),
    ("serialNum", "암호 일련번호", "Serial number (security code)", "serial", (_DRV, _AUTH), True),
    ("issueDate", "발급 일자", "Issue date", "none", (_RES, _DRV, _AUTH), True),
    ("issuer", "발급 기관", "Issuer", "none", (_RES, _DRV), True),
    # passport
    ("passportType", "여권 종류", "Passport type", "none", (_PASS,), True),
    ("countryCode", "발행국 코드", "Country code", "none", (_PASS,), True),
    ("passportNo", "여권 번호", "Passport number", "passport", (_PASS,), True),
    ("surName", "성", "Surname", "name", (_PASS,), True),
    ("givenName", "이름", "Given names", "name", (_PASS,), True),
    ("koreanName", "한글 성명", "Name in Korean", "name", (_PASS,), True),
    ("nationality", "국적", "Nationality", "none", (_PASS,), True),
    ("dateOfBirth", "생년월일", "Date of birth", "date_of_birth", (_PASS,), True),
    ("dateOfBirthYMD", "생년월일 (YYYYMMDD)", "Date of birth (YYYYMMDD)", "date_of_birth", (_PASS,), True),
    ("sex", "성별", "Sex", "none", (_PASS,), True),
    ("dateOfIssue", "발급일", "Date of issue", "none", (_PASS,), True),
    ("dateOfIssueYMD", "발급일 (YYYYMMDD)", "Date of issue (YYYYMMDD)", "none", (_PASS,), True),
    ("dateOfExpiry", "만료일", "Date of expiry", "none", (_PASS,), True),
    ("dateOfExpiryYMD", "만료일 (YYYYMMDD)", "Date of expiry (YYYYMMDD)", "none", (_PASS,), True),
    ("personalNo", "주민등록번호 (개인번호)", "Personal number", "resident_number", (_PASS,), True),
    ("MRZ1", "기계 판독 영역 1", "MRZ line 1", "mrz", (_PASS,), True),
    ("MRZ2", "기계 판독 영역 2", "MRZ line 2", "mrz", (_PASS,), True),
    # authenticity request (passport authenticity was withdrawn on 2026-05-27; kept for completeness)
    ("passportNumber", "여권 번호", "Passport number", "passport", (_AUTH,), True),
    ("birthDate", "생년월일", "Date of birth", "date_of_birth", (_AUTH,), True),
    ("expirationDate", "만료 일자", "Expiration date", "none", (_AUTH,), False),
)

FIELDS: Mapping[str, FieldSpec] = MappingProxyType(
    {
        key: FieldSpec(key, ko, en, index, kind, frozenset(docs), enc)
        for index, (key, ko, en, kind, docs, enc) in enumerate(_ROWS)
    }
)

# Per-document order exactly as the vendor guide lists the keys.
DOCUMENT_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        _CC: ("cardNums", "totalCardNum", "validThru"),
        _RES: ("name", "residentNumber", "issueDate", "issuer"),
        _DRV: ("driverLicenseNumber", "licenseType", "name", "residentNumber", "condition", "serialNum",
               "issueDate", "issuer"),
        _PASS: ("passportType", "countryCode", "passportNo", "surName", "givenName", "nationality",
                "dateOfBirth", "dateOfBirthYMD", "sex", "dateOfIssue", "dateOfIssueYMD", "dateOfExpiry",
                "dateOfExpiryYMD", "koreanName", "personalNo", "MRZ1", "MRZ2"),
        _AUTH: ("idType", "name", "residentNumber", "issueDate", "driverLicenseNumber", "serialNum",
                "passportNumber", "birthDate", "expirationDate"),
    }
)


def field_spec(key: str) -> FieldSpec | None:
    """The spec of ``key``, or ``None`` for a key the guide does not list."""
    return FIELDS.get(key)


def fields_for(id_type: str) -> tuple[FieldSpec, ...]:
    """The fields of one document in the guide's order; empty for an unknown document."""
    return tuple(FIELDS[key] for key in DOCUMENT_FIELDS.get(id_type, ()))


def label(key: str, lang: Lang = "en") -> str:
    """The field's label in ``lang`` ("ko" or "en"); an unknown key is shown as itself."""
    spec = FIELDS.get(key)
    return spec.label(lang) if spec else key


def kind_of(key: str) -> SensitivityKind | None:
    """The sensitivity kind of ``key``; ``None`` for an unknown key."""
    spec = FIELDS.get(key)
    return spec.kind if spec else None


def sort_keys(keys: Iterable[str], id_type: str | None = None) -> list[str]:
    """Order result keys for display: the document's guide order first, then other known keys in
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
