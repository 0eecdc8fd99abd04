"""Issue 22, speed: the sandbox reads several requests at once, and the QA lab's pre-flight checks run
on niced threads so they never take the cores the call they accompany needs."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import cv2
import numpy as np
import pytest

import qa.runner
from harness.readings import FakeEngine
from ocr_core import OcrClient, Settings
from qa.runner import PREFLIGHT_NICE, RunSpec, Source, create_run, execute_run
from qa.spool import Spool
from sandbox.backend import ENGINE_WORKERS
from sandbox.config import SandboxConfig
from sandbox.faults import Faults
from sandbox.server import start_sandbox
from store import session_factory
from tests.support.apptest import SAMPLES

CARD = (SAMPLES / "cards" / "visa_blue_flat.png").read_bytes()


@dataclass
class MeetingEngine(FakeEngine):
    """A card read that finishes only once `parties` reads are under way at the same time."""

    parties: int = 2
    barrier: threading.Barrier = field(init=False)
    threads: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.barrier = threading.Barrier(self.parties, timeout=10)

    def read_credit_card(self, bgr: np.ndarray):
        self.threads.add(threading.current_thread().name)
        self.barrier.wait()  # BrokenBarrierError (an "OCR Api fail" answer) if the reads were serialised
        return super().read_credit_card(bgr)


@pytest.mark.skipif(ENGINE_WORKERS < 2, reason="one core: the sandbox reads one request at a time")
def test_the_sandbox_reads_two_waiting_requests_at_once():
    engine = MeetingEngine()
    with start_sandbox(SandboxConfig(engine=engine, seed_dir=None)) as sb:
        settings = Settings(
            base_url=sb.base_url,
            app_key=sb.app_key,
            secret_key=sb.secret_key,
            read_timeout=20.0,
            backoff_base=0.0,
            max_retries=0,
        )

        def analyse(_: int):
            with OcrClient(settings) as client:
                return client.analyze_credit_card(CARD)

        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(analyse, range(2)))
    assert all(r.card_numbers for r in results)
    assert len(engine.threads) == 2 and all(name.startswith("sandbox-ocr") for name in engine.threads)


def _unique_png() -> bytes:
    """An image no earlier test has sent: its pre-flight verdicts cannot come from the cache."""
    noise = np.frombuffer(os.urandom(400 * 640), np.uint8).reshape(400, 640)
    return cv2.imencode(".png", cv2.cvtColor(noise, cv2.COLOR_GRAY2BGR))[1].tobytes()


@pytest.mark.parametrize("concurrency", [1, 2])
def test_preflight_checks_run_on_niced_threads_and_the_sending_thread_keeps_its_priority(
    sandbox, tmp_path, monkeypatch, concurrency
):
    seen: list[tuple[str, int]] = []
    real = qa.runner.assess_quality

    def recording(image):
        seen.append(
            (threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        )
        return real(image)

    monkeypatch.setattr(qa.runner, "assess_quality", recording)
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    factory = session_factory(f"sqlite:///{tmp_path / 'runs.db'}")
    spool = Spool(factory)
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0))  # fast answers, no OCR needed
    try:
        sources = [Source(f"noise{i}.png", _unique_png()) for i in range(3)]
        run_id = create_run(
            factory,
            RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0", concurrency=concurrency),
            sources,
            spool,
        )
        with OcrClient(
            Settings(
                base_url=sandbox.base_url,
                app_key=sandbox.app_key,
                secret_key=sandbox.secret_key,
                read_timeout=5.0,
                backoff_base=0.0,
            )
        ) as client:
            assert execute_run(factory, run_id, client, spool) == "done"
    finally:
        sandbox.backend.set_faults(Faults())
    # each item's checks ran on a niced checks thread, or (not finished when the answer came: these
    # answers are instant) in the sending thread after the call; never at full priority beside a call
    assert len(seen) >= 3
    assert any("-checks" in name for name, _ in seen)
    assert all(nice == max(before, PREFLIGHT_NICE) for name, nice in seen if "-checks" in name)
    # the run's own thread (concurrency 1 sends from it) and so the process's other work keep theirs
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_recognition_batches_group_crops_of_like_width():
    from sandbox.engine.ocr import REC_BATCH, REC_MIN_WIDTH, REC_SLACK, rec_batches

    heights = 48
    widths = [100, 2000, 330, 640, 700, 150, 1500, 310, 800, 900, 660, 320, 330, 340, 350, 360]
    crops = [np.zeros((heights, w, 3), np.uint8) for w in widths]
    batches = rec_batches(crops)
    assert sorted(i for b in batches for i in b) == list(range(len(crops)))  # each crop once
    padded = [max(REC_MIN_WIDTH, w) for w in widths]
    for b in batches:
        assert 1 <= len(b) <= REC_BATCH
        assert max(padded[i] for i in b) <= REC_SLACK * min(padded[i] for i in b)
    # crops narrower than the minimum (padded to it anyway) share a batch; crops of like width fill
    # whole batches (310-350 px); the 2000-px line is alone
    assert REC_MIN_WIDTH > 150
    assert any({0, 5} <= set(b) for b in batches)
    assert [len(b) for b in batches if 7 in b] == [REC_BATCH]
    assert [1] in batches
    assert rec_batches([]) == []


def test_checks_a_starved_niced_thread_has_not_finished_are_run_by_the_sender(sandbox, tmp_path, monkeypatch):
    from sqlalchemy import select

    from store import Item

    release = threading.Event()
    where: list[str] = []
    real = qa.runner.assess_quality

    def starved(image):
        where.append(threading.current_thread().name)
        if "-checks" in threading.current_thread().name:
            release.wait(30)  # as a nice-19 thread on a saturated machine: it hardly runs
        return real(image)

    monkeypatch.setattr(qa.runner, "assess_quality", starved)
    factory = session_factory(f"sqlite:///{tmp_path / 'runs.db'}")
    spool = Spool(factory)
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0))
    try:
        run_id = create_run(
            factory,
            RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0", concurrency=1),
            [Source(f"noise{i}.png", _unique_png()) for i in range(2)],
            spool,
        )
        with OcrClient(
            Settings(
                base_url=sandbox.base_url,
                app_key=sandbox.app_key,
                secret_key=sandbox.secret_key,
                read_timeout=5.0,
                backoff_base=0.0,
            )
        ) as client:
            import time

            started = time.monotonic()
            finished = threading.Thread(target=lambda: execute_run(factory, run_id, client, spool))
            finished.start()
            finished.join(20)
            assert not finished.is_alive(), "the run waited for its starved checks"
            assert time.monotonic() - started < 20
    finally:
        release.set()
        sandbox.backend.set_faults(Faults())
    with factory() as s:
        items = s.scalars(select(Item).where(Item.run_id == run_id)).all()
    assert len(items) == 2 and all(i.quality_status in ("pass", "warn", "fail") for i in items)
    assert sum(1 for name in where if "-checks" not in name) >= 1  # the sender ran them itself
