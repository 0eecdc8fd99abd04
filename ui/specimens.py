"""The specimen gallery: synthetic documents listed in ``samples/index.json``, with their truth.

Specimens are files of this repository, read from disk on the server; nothing is fetched from the
internet. The index is small and holds no real person's data, so reading it each run is fine.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ocr_core.services import documents_of

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"
INDEX = SAMPLES_DIR / "index.json"

CARD_DOCS = documents_of("credit-card")
ID_DOCS = documents_of("id-card")


@dataclass(frozen=True)
class Specimen:
    image: str
    """Path relative to ``samples/`` — also the specimen's identity in widgets."""
    truth: str | None
    doc_type: str
    kind: str

    @property
    def name(self) -> str:
        return Path(self.image).stem

    @property
    def path(self) -> Path:
        return SAMPLES_DIR / self.image

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()

    def truth_fields(self) -> dict[str, Any]:
        """The ``fields`` of the truth JSON (empty when there is none)."""
        if not self.truth:
            return {}
        try:
            doc = json.loads((SAMPLES_DIR / self.truth).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        fields = doc.get("fields")
        return fields if isinstance(fields, dict) else {}


@lru_cache(maxsize=1)
def _load_index(mtime: float) -> tuple[Specimen, ...]:
    doc = json.loads(INDEX.read_text(encoding="utf-8"))
    return tuple(
        Specimen(image=s["image"], truth=s.get("truth"), doc_type=s.get("docType", ""),
                 kind=s.get("kind", ""))
        for s in doc.get("specimens", [])
        if isinstance(s, dict) and s.get("image")
    )


def specimens(doc_types: Iterable[str] | None = None) -> list[Specimen]:
    """Specimens whose files exist, filtered by document type; scans first, then photos."""
    if not INDEX.is_file():
        return []
    wanted = None if doc_types is None else set(doc_types)
    found = [s for s in _load_index(INDEX.stat().st_mtime)
             if (wanted is None or s.doc_type in wanted) and s.path.is_file()]
    return sorted(found, key=lambda s: (s.kind != "clean", s.doc_type, s.name))


def by_image(image: str) -> Specimen | None:
    return next((s for s in specimens() if s.image == image), None)
