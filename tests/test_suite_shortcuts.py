"""What the suite does once instead of in every test saves time and changes no answer: the engine memo
(``harness.readings.RememberingEngine``) answers only what the real engine answered for the same pixels,
and the AppTests' scan for installed Streamlit components (``tests.support.apptest``) finds what
Streamlit's own scan finds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from harness.readings import CARD, RESIDENT, FakeEngine, RememberingEngine
from sandbox.engine.types import CardReading, IdReading


@dataclass
class CountingEngine(FakeEngine):
    calls: list[str] = field(default_factory=list)

    def read_credit_card(self, bgr: np.ndarray) -> CardReading | None:
        self.calls.append("card")
        return super().read_credit_card(bgr)

    def read_id_card(self, bgr: np.ndarray) -> IdReading | None:
        self.calls.append("id")
        return super().read_id_card(bgr)


def test_the_same_pixels_are_read_once_per_kind_and_other_pixels_again() -> None:
    engine = CountingEngine()
    memo = RememberingEngine(engine)
    white = np.full((48, 64, 3), 255, np.uint8)
    assert memo.read_credit_card(white) is CARD and memo.read_credit_card(white.copy()) is CARD
    assert memo.read_id_card(white) is RESIDENT
    darker = white.copy()
    darker[0, 0] = 254  # one pixel differs: a different image
    memo.read_credit_card(darker)
    same_bytes_other_shape = white.reshape(64, 48, 3)
    memo.read_credit_card(same_bytes_other_shape)
    assert engine.calls == ["card", "id", "card", "card"] and memo.reads == 4


def test_nothing_found_is_remembered_and_a_failure_is_not() -> None:
    engine = CountingEngine(card=None, boom=True)
    memo = RememberingEngine(engine)
    image = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(RuntimeError):
        memo.read_credit_card(image)
    engine.boom = False
    assert memo.read_credit_card(image) is None and memo.read_credit_card(image) is None
    assert engine.calls == ["card", "card"]


def test_the_engines_own_parts_are_reached_through_it() -> None:
    engine = CountingEngine()
    assert RememberingEngine(engine).calls is engine.calls


def test_the_apptests_component_scan_is_streamlits_own_made_once() -> None:
    import streamlit.components.v2.manifest_scanner as manifests

    from tests.support import apptest

    assert manifests.scan_component_manifests() is manifests.scan_component_manifests()
    assert manifests.scan_component_manifests() == apptest.streamlit_component_scan()
    assert apptest.streamlit_component_scan.__module__ == "streamlit.components.v2.manifest_scanner"
