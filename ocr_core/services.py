"""The one table of what the API offers: its analyses (routes) and the document types they read.

A new document type or route is added here, once; the client, the CLI, the pages, the downloads and
the hand-off to authenticity read these tables instead of keeping their own lists of strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "ANALYSES",
    "AUTHENTICITY_PATH",
    "DOCUMENT_TYPES",
    "ID_DOCUMENTS",
    "SERVICES",
    "AnalysisName",
    "AnalysisRoute",
    "DocumentName",
    "DocumentType",
    "Service",
    "analysis",
    "authenticity_types",
    "documents_of",
]

Service = Literal["credit-card", "id-card"]
"""A public-key service: whose RSA key seals the request."""
AnalysisName = Literal["credit-card", "id-card", "stand-alone"]
DocumentName = Literal["credit-card", "resident", "driver", "passport"]


@dataclass(frozen=True)
class DocumentType:
    name: DocumentName
    service: Service
    """The analysis family that reads it."""
    authenticity: bool
    """An ``/id-card`` analysis of it issues a Request-Key for one authenticity check (the vendor
    withdrew passport authenticity on 2026-05-27)."""


@dataclass(frozen=True)
class AnalysisRoute:
    name: AnalysisName
    path: str
    """The URL suffix after ``/{version}/appkeys/{appKey}/``."""
    service: Service
    request_key: bool
    """Answers carry a ``Request-Key`` header (for resident cards and driver licences)."""


DOCUMENT_TYPES: Final[tuple[DocumentType, ...]] = (
    DocumentType("credit-card", "credit-card", authenticity=False),
    DocumentType("resident", "id-card", authenticity=True),
    DocumentType("driver", "id-card", authenticity=True),
    DocumentType("passport", "id-card", authenticity=False),
)

ANALYSES: Final[tuple[AnalysisRoute, ...]] = (
    AnalysisRoute("credit-card", "credit-card", "credit-card", request_key=False),
    AnalysisRoute("id-card", "id-card", "id-card", request_key=True),
    AnalysisRoute("stand-alone", "id-card/stand-alone", "id-card", request_key=False),
)

AUTHENTICITY_PATH: Final = "id-card/authenticity"

SERVICES: Final[tuple[Service, ...]] = ("credit-card", "id-card")


def analysis(name: str) -> AnalysisRoute:
    """The route called ``name``; KeyError for anything else."""
    for route in ANALYSES:
        if route.name == name:
            return route
    raise KeyError(name)


def documents_of(service: Service) -> tuple[DocumentName, ...]:
    """The document types an analysis of ``service`` reads, in table order."""
    return tuple(d.name for d in DOCUMENT_TYPES if d.service == service)


def authenticity_types() -> tuple[DocumentName, ...]:
    """The ID types whose Request-Key leads to an authenticity check."""
    return tuple(d.name for d in DOCUMENT_TYPES if d.authenticity)


ID_DOCUMENTS: Final = documents_of("id-card")
