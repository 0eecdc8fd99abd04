"""Plain values the OCR engine hands to the sandbox backend.

The backend turns these into the API's response shape (and encrypts what the guide marks
encrypted); the engine knows nothing of HTTP, envelopes or result codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

Point = tuple[int, int]
Quad = tuple[Point, Point, Point, Point]
"""Four corners, clockwise from top-left, in pixels of the image as sent."""

IdType = Literal["resident", "driver", "passport"]


@dataclass(frozen=True)
class Reading:
    """One recognised value with the engine's own confidence (0..1) and where it was read."""

    value: str
    conf: float
    box: Quad


@dataclass(frozen=True)
class CardReading:
    groups: tuple[Reading, ...]
    """Card-number groups in reading order (4-4-4-4, or 4-6-5 for a 15-digit Amex)."""
    valid_thru: Reading | None = None


@dataclass(frozen=True)
class IdReading:
    id_type: IdType
    fields: tuple[tuple[str, Reading], ...]
    """(key, reading) pairs with the guide's key names, in the guide's order."""
    boxes: tuple[Quad, ...] = field(default=())
    """Every text box the detector found."""


class OcrEngine(Protocol):
    def read_credit_card(self, bgr: np.ndarray) -> CardReading | None:
        """None when no card number is found (the API's 4000111)."""

    def read_id_card(self, bgr: np.ndarray) -> IdReading | None:
        """None when no ID card is found (the API's 4000121)."""
