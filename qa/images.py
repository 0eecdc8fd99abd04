"""An item's image again, for its overlay, without the store ever holding an image.

The store keeps the SHA-256 of each source and of the bytes each item sent. To show an item, its
source is found again — a specimen under ``samples/``, a CLI file at its path (if still there and
unchanged), an upload from this server's memory (``HeldUploads``: the running dashboard keeps the
uploads of the runs it started, in memory only, bounded) or the run's encrypted spool while it runs —
and the item's image is made again from it (sweep level and preprocessing are deterministic). Only
when the digest of what is made matches the one stored is it shown; otherwise the caller gets the
reason and the stored size, to draw the boxes on a neutral canvas.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ocr_core.imaging import ImageRejected, load_image
from qa.runner import preprocess_options, sent_payload
from qa.spool import Spool, SpoolUnreadable

Unavailable = Literal["not_sent", "upload_gone", "source_gone", "source_changed", "differs"]
"""Why an item's image cannot be shown: it sent nothing (or predates the digests); an upload this
server no longer holds; a specimen or file no longer there; one that changed since the run; made
again, it does not match what was sent."""


@dataclass(frozen=True, eq=False)
class ItemSource:
    """What the store says about an item's image."""

    run_id: int
    source: int
    kind: str | None  # upload | specimen | file
    path: str | None
    sha256: str | None  # of the source as given
    degradation: str
    level: float
    preprocess: bool
    sent_sha256: str | None
    sent_width: int | None
    sent_height: int | None


@dataclass(frozen=True, eq=False)
class ItemImage:
    """The item's image as sent (``bgr``), or why not (``reason``) and the size its boxes refer to."""

    bgr: np.ndarray | None
    reason: Unavailable | None
    width: int
    height: int


class HeldUploads:
    """Uploads of the runs this server process started, in memory only.

    Uploads of the runs this server process started, in memory only (never on disk), the newest
    ``max_bytes`` of them: what lets the lab show an upload's item after its run has finished."""

    def __init__(self, max_bytes: int = 256 * 1024 * 1024) -> None:
        self._max = max_bytes
        self._lock = threading.Lock()
        self._runs: OrderedDict[int, dict[int, bytes]] = OrderedDict()

    def put(self, run_id: int, uploads: dict[int, bytes]) -> None:
        with self._lock:
            self._runs[run_id] = dict(uploads)
            self._runs.move_to_end(run_id)
            while len(self._runs) > 1 and self._size() > self._max:
                self._runs.popitem(last=False)

    def get(self, run_id: int, index: int) -> bytes | None:
        with self._lock:
            return self._runs.get(run_id, {}).get(index)

    def drop(self, run_id: int) -> None:
        with self._lock:
            self._runs.pop(run_id, None)

    def _size(self) -> int:
        return sum(len(b) for run in self._runs.values() for b in run.values())


held_uploads = HeldUploads()
"""This process's held uploads (the dashboard fills it when it starts a run from uploads)."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _source_bytes(
    item: ItemSource, samples: Path, spool: Spool | None, held: HeldUploads
) -> bytes | Unavailable:
    if item.kind in ("specimen", "file") and item.path:
        path = samples / item.path if item.kind == "specimen" else Path(item.path)
        try:
            data = path.read_bytes()
        except OSError:
            return "source_gone"
        return data if _digest(data) == item.sha256 else "source_changed"
    held_data = held.get(item.run_id, item.source)
    if held_data is None and spool is not None and spool.has(item.run_id):
        try:
            held_data = spool.get_source(item.run_id, item.source)
        except (OSError, SpoolUnreadable):  # the run ended meanwhile, or another spool key
            held_data = None
    if held_data is None:
        return "upload_gone"
    return held_data if _digest(held_data) == item.sha256 else "source_changed"


def item_image(
    item: ItemSource, *, samples: Path, spool: Spool | None = None, held: HeldUploads = held_uploads
) -> ItemImage:
    """The pixels ``item`` sent, made again from its source and checked against its stored digest."""
    width, height = item.sent_width or 1, item.sent_height or 1
    if item.sent_sha256 is None:
        return ItemImage(None, "not_sent", width, height)
    data = _source_bytes(item, samples, spool, held)
    if isinstance(data, str):
        return ItemImage(None, data, width, height)
    try:
        payload = sent_payload(
            load_image(data), item.degradation, item.level, preprocess_options() if item.preprocess else None
        )
    except ImageRejected:
        return ItemImage(None, "source_changed", width, height)
    if _digest(payload.data) != item.sent_sha256:
        return ItemImage(None, "differs", width, height)
    return ItemImage(payload.bgr, None, payload.width, payload.height)


def neutral_canvas(width: int, height: int) -> np.ndarray:
    """A plain light-grey canvas of the size the item's boxes refer to."""
    return np.full((max(1, height), max(1, width), 3), 238, np.uint8)
