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
    groups=tuple(Reading(v, 0.9 + i / 100, _quad(60 + 130 * i, 250, 120, 40)) for i, v in enumerate(
        ("4111", "1111", "1111", "1111"))),
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
