"""A deterministic stand-in for the sandbox's OCR engine, for tests and benchmarks where recognition is
beside the point (the protocol, the client, faults): fixed readings of a card and of each ID type.

The sandbox around it stays real — envelope, routes, Request-Keys, registry, fault injection — only
what the engine "reads" is fixed. ``FakeEngine`` answers ``card`` and ``ident`` (None: nothing found;
``boom``: the engine fails); set ``ident`` to ``DRIVER`` or ``PASSPORT`` to switch the ID type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sandbox.engine.types import CardReading, IdReading, Reading


def _quad(x: int, y: int, w: int, h: int) -> Any:
    return ((x, y), (x + w, y), (x + w, y + h), (x, y + h))


CARD = CardReading(
    groups=tuple(
        Reading(v, 0.9 + i / 100, _quad(60 + 130 * i, 250, 120, 40))
        for i, v in enumerate(("4111", "1111", "1111", "1111"))
    ),
    valid_thru=Reading("04/29", 0.8, _quad(300, 320, 100, 30)),
)
RESIDENT = IdReading(
    "resident",
    (
        ("name", Reading("홍길동", 0.9, _quad(190, 75, 60, 20))),
        ("residentNumber", Reading("900115-1289153", 0.95, _quad(190, 43, 190, 20))),
        ("issueDate", Reading("20190514", 0.85, _quad(190, 300, 100, 20))),
        ("issuer", Reading("서울특별시 종로구청장", 0.8, _quad(20, 400, 300, 40))),
    ),
    boxes=(_quad(190, 75, 60, 20), _quad(190, 43, 190, 20)),
)
DRIVER = IdReading(
    "driver",
    (
        ("driverLicenseNumber", Reading("11-19-123456-12", 0.93, _quad(200, 60, 220, 24))),
        ("name", Reading("홍길동", 0.9, _quad(200, 100, 60, 20))),
        ("residentNumber", Reading("900115-1289153", 0.95, _quad(200, 130, 190, 20))),
        ("serialNum", Reading("AB12C3", 0.88, _quad(640, 420, 80, 20))),
        ("issueDate", Reading("2019.05.02", 0.85, _quad(200, 360, 120, 20))),
    ),
    boxes=(_quad(200, 100, 60, 20), _quad(200, 130, 190, 20)),
)
PASSPORT = IdReading(
    "passport",
    (
        ("passportNo", Reading("M12345678", 0.93, _quad(500, 90, 140, 22))),
        ("surName", Reading("HONG", 0.9, _quad(260, 120, 80, 22))),
        ("givenName", Reading("GILDONG", 0.9, _quad(260, 150, 120, 22))),
        ("MRZ1", Reading("PMKORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<", 0.8, _quad(30, 420, 760, 24))),
        ("MRZ2", Reading("M123456784KOR9001011M3001017<<<<<<<<<<<<<<02", 0.8, _quad(30, 450, 760, 24))),
    ),
    boxes=(_quad(260, 120, 80, 22),),
)


@dataclass
class FakeEngine:
    """Answers fixed readings; ``card``/``ident`` None mean "nothing found"; ``boom`` raises."""

    card: CardReading | None = CARD
    ident: IdReading | None = RESIDENT
    boom: bool = False

    def read_credit_card(self, bgr: np.ndarray) -> CardReading | None:
        if self.boom:
            raise RuntimeError("engine failure")
        return self.card

    def read_id_card(self, bgr: np.ndarray) -> IdReading | None:
        if self.boom:
            raise RuntimeError("engine failure")
        return self.ident


class TruthEngine:
    """Answers each specimen with its own truth file's values, exactly, where reading them with the real
    engine proves nothing (what is kept of a result, not how well it was read). An image is known by
    the SHA-256 of its decoded pixels (the sandbox decodes an upload with ``cv2.imdecode``, as here);
    an image it does not know is "nothing found"."""

    def __init__(self) -> None:
        self._by_pixels: dict[str, CardReading | IdReading] = {}

    def learn(self, image: bytes, doc_type: str, fields: dict[str, Any]) -> None:
        """``fields``: a truth file's ``fields`` (``groups`` and ``validThru`` for a card; the guide's keys
        for an ID, answered in the real engine's order of keys)."""
        from sandbox.engine.idcards import KEYS

        if doc_type == "credit-card":
            groups = tuple(
                Reading(g, 0.95, _quad(60 + 130 * i, 250, 120, 40)) for i, g in enumerate(fields["groups"])
            )
            valid = fields.get("validThru")
            reading: CardReading | IdReading = CardReading(
                groups, Reading(valid, 0.9, _quad(300, 320, 100, 30)) if valid else None
            )
        else:
            found = tuple(
                (key, Reading(str(fields[key]), 0.95, _quad(40, 40 + 30 * i, 200, 24)))
                for i, key in enumerate(KEYS[doc_type])
                if fields.get(key) is not None
            )
            reading = IdReading(doc_type, found, boxes=tuple(r.box for _, r in found))  # type: ignore[arg-type]
        self._by_pixels[_pixels(image)] = reading

    def read_credit_card(self, bgr: np.ndarray) -> CardReading | None:
        reading = self._by_pixels.get(_digest(bgr))
        return reading if isinstance(reading, CardReading) else None

    def read_id_card(self, bgr: np.ndarray) -> IdReading | None:
        reading = self._by_pixels.get(_digest(bgr))
        return reading if isinstance(reading, IdReading) else None


def _digest(bgr: np.ndarray) -> str:
    import hashlib

    return hashlib.sha256(np.ascontiguousarray(bgr).tobytes()).hexdigest()


def _pixels(image: bytes) -> str:
    import cv2

    decoded = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        raise ValueError("TruthEngine.learn: not an image OpenCV decodes")
    return _digest(decoded)


class RememberingEngine:
    """The real engine, each distinct image read once per process: a later read of the same pixels
    answers what the first read returned (readings are frozen values, so sharing them is safe).

    For the test suite, where the same specimens are analysed by hundreds of tests that check what the
    dashboard does with a reading, not the reading itself; each image still goes through the real
    engine once. The benchmarks read with the engine itself, never through this."""

    def __init__(self, engine: Any) -> None:
        import threading

        self._engine = engine
        self._lock = threading.Lock()
        self._readings: dict[tuple[str, str], CardReading | IdReading | None] = {}
        self.reads = 0
        """Reads that reached the real engine."""

    def _remembered(self, kind: str, bgr: np.ndarray, read: Any) -> Any:
        key = (kind, f"{bgr.shape}:{_digest(bgr)}")
        with self._lock:
            if key in self._readings:
                return self._readings[key]
        reading = read(bgr)  # an engine failure is raised, and not remembered
        with self._lock:
            self._readings[key] = reading
            self.reads += 1
        return reading

    def read_credit_card(self, bgr: np.ndarray) -> CardReading | None:
        return self._remembered("card", bgr, self._engine.read_credit_card)

    def read_id_card(self, bgr: np.ndarray) -> IdReading | None:
        return self._remembered("id", bgr, self._engine.read_id_card)

    def __getattr__(self, name: str) -> Any:
        """Everything else is the engine's own (its parts, for the engine's tests)."""
        return getattr(self._engine, name)
