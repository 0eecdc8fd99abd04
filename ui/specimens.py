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
    titles: tuple[str, str] | None = None
    """What people call it, (English, Korean), from the index; ``None`` for an untitled file."""

    @property
    def name(self) -> str:
        return Path(self.image).stem

    def title(self, lang: str) -> str:
        """The specimen's name for people in ``lang`` (``"en"``/``"ko"``); the file's slug without a title."""
        if self.titles is None:
            return self.name.replace("_", " ")
        return self.titles[1] if lang == "ko" else self.titles[0]

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
        Specimen(
            image=s["image"],
            truth=s.get("truth"),
            doc_type=s.get("docType", ""),
            kind=s.get("kind", ""),
            titles=_titles(s.get("title")),
        )
        for s in doc.get("specimens", [])
        if isinstance(s, dict) and s.get("image")
    )


def _titles(value: object) -> tuple[str, str] | None:
    """``{"en": …, "ko": …}`` from the index as a pair, or ``None`` when either is missing."""
    if not isinstance(value, dict):
        return None
    en, ko = value.get("en"), value.get("ko")
    return (en, ko) if isinstance(en, str) and en and isinstance(ko, str) and ko else None


def specimens(doc_types: Iterable[str] | None = None) -> list[Specimen]:
    """Specimens whose files exist, filtered by document type; scans first, then photos."""
    if not INDEX.is_file():
        return []
    wanted = None if doc_types is None else set(doc_types)
    found = [
        s
        for s in _load_index(INDEX.stat().st_mtime)
        if (wanted is None or s.doc_type in wanted) and s.path.is_file()
    ]
    return sorted(found, key=lambda s: (s.kind != "clean", s.doc_type, s.name))


@lru_cache(maxsize=1)
def _index_by_image(mtime: float) -> dict[str, Specimen]:
    return {s.image: s for s in _load_index(mtime)}


def by_image(image: str) -> Specimen | None:
    """The specimen of ``image`` when its file exists. A page names every specimen of its picker through
    this (one call per option): a lookup and one file check, not the whole listing each time."""
    if not INDEX.is_file():
        return None
    found = _index_by_image(INDEX.stat().st_mtime).get(image)
    return found if found is not None and found.path.is_file() else None
