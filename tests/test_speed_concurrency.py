"""Issue 22, speed: the sandbox reads several requests at once, and the QA lab's pre-flight checks run
in a niced helper process so they never take the cores the call they accompany needs."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest

import qa.runner
from harness.readings import FakeEngine
from ocr_core import OcrClient, Settings
from qa import preflight
from qa.runner import RunSpec, Source, create_run, execute_run
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


def _client(sandbox) -> OcrClient:
    return OcrClient(
        Settings(
            base_url=sandbox.base_url,
            app_key=sandbox.app_key,
            secret_key=sandbox.secret_key,
            read_timeout=5.0,
            backoff_base=0.0,
        )
    )


def _quick_run(sandbox, tmp_path, concurrency: int, n: int) -> tuple[object, int]:
    """A run of ``n`` images never sent before, answered at once (a failure code, no OCR): every answer
    comes before its pre-flight checks are done."""
    factory = session_factory(f"sqlite:///{tmp_path / 'runs.db'}")
    spool = Spool(factory)
    run_id = create_run(
        factory,
        RunSpec("credit-card", "sandbox", sandbox.base_url, "v2.0", concurrency=concurrency),
        [Source(f"noise{i}.png", _unique_png()) for i in range(n)],
        spool,
    )
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0))
    try:
        with _client(sandbox) as client:
            assert execute_run(factory, run_id, client, spool) == "done"
    finally:
        sandbox.backend.set_faults(Faults())
    return factory, run_id


def _verdicts(factory, run_id: int) -> list[str | None]:
    from sqlalchemy import select

    from store import Item

    with factory() as s:
        return [i.quality_status for i in s.scalars(select(Item).where(Item.run_id == run_id))]


@pytest.mark.parametrize(("concurrency", "backlog"), [(1, "kept"), (2, "waited for")])
def test_preflight_checks_run_in_the_helper_process_and_are_kept_when_the_answer_came_first(
    sandbox, tmp_path, monkeypatch, concurrency, backlog
):
    if backlog == "waited for":  # no room for checks the answers overtook: each sender waits for its own
        monkeypatch.setattr(qa.runner, "LATE_BYTES", 0)
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    computed, in_helper = preflight.cache.computed, preflight.cache.in_helper
    factory, run_id = _quick_run(sandbox, tmp_path, concurrency, 3)
    verdicts = _verdicts(factory, run_id)
    assert len(verdicts) == 3 and all(v in ("pass", "warn", "fail") for v in verdicts), verdicts
    # each item's checks run once: in the helper, but for a backlog waited for at the end, which the
    # sender shares (those the helper has not started run in the sender)
    assert preflight.cache.computed - computed == 3 and preflight.cache.in_helper - in_helper >= 1
    # the sending threads keep their priority, and so the rest of the process
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_the_helper_is_niced_with_opencv_on_one_thread_and_a_sender_can_raise_it_for_one_check():
    from ocr_core.imaging import load_image

    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    lowest = (max(own, preflight.NICE), "SCHED_IDLE", 1)
    helper = preflight.Helper()  # one of its own: the process's shared helper may have been raised
    try:
        assert helper.call(preflight.helper_state).result(60) == lowest
        if not helper.hurry():
            pytest.skip("this process may not lower a niceness (no CAP_SYS_NICE)")
        assert helper.call(preflight.helper_state).result(10) == (own, "SCHED_OTHER", 1)
        verdicts = helper.submit(load_image(CARD)).result(30)
        assert verdicts["quality_status"] in ("pass", "warn", "fail")
        assert helper.call(preflight.helper_state).result(10) == lowest  # again
    finally:
        helper.stop()


def test_checks_waited_for_that_the_helper_has_not_started_run_in_the_sender_and_never_twice():
    import time
    import uuid

    from ocr_core.imaging import load_image

    helper = preflight.Helper()
    try:
        helper.call(os.getpid).result(60)  # started
        for _ in range(4):  # busy, and its call queue full: what comes next waits in this process
            helper.call(time.sleep, 60)
        image = load_image(CARD)
        pending = preflight.Pending(f"take-over-{uuid.uuid4()}", image, helper, helper.submit(image))
        computed, in_helper = preflight.cache.computed, preflight.cache.in_helper
        started = time.monotonic()
        found = pending.verdicts(take_over=True)
        assert time.monotonic() - started < 10, "it waited for the helper"
        assert pending.future is not None and pending.future.cancelled()  # the helper will not run it
        assert found == preflight.verdicts_of(image)
        assert (preflight.cache.computed - computed, preflight.cache.in_helper - in_helper) == (1, 0)
    finally:
        helper.stop()


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


def test_an_ids_widest_batch_is_recognised_first_and_a_cards_last(monkeypatch):
    """For an ID (its lines handed on to Tesseract as they are read) the widest batch goes first: sent
    last, it trailed alone on one core while the other sat idle, then Tesseract read its lines alone (a
    licence: 0.36 s and 0.12 s). A card's order is unchanged."""
    import threading
    from types import SimpleNamespace

    from sandbox.engine import ocr

    widths = [120, 700, 300, 180, 650, 320, 140]
    quads = np.array(
        [[[0, 60 * i], [w, 60 * i], [w, 60 * i + 48], [0, 60 * i + 48]] for i, w in enumerate(widths)],
        np.float32,
    )
    started: list[int] = []
    lock = threading.Lock()

    def recognise(request):
        with lock:
            started.append(max(img.shape[1] for img in request.img))
        return SimpleNamespace(txts=["x"] * len(request.img), scores=[0.9] * len(request.img))

    reader = ocr.RapidReader()
    monkeypatch.setattr(reader, "_detect", lambda bgr, side: quads)
    monkeypatch.setattr(reader, "_load", lambda: (None, recognise))
    monkeypatch.setattr(ocr, "REC_THREADS", 1)  # one at a time: the order they are sent in
    image = np.full((60 * len(widths), 800, 3), 255, np.uint8)
    widest = max(widths)

    reader.read(image, on_lines=lambda lines: None)
    assert started[0] == widest, started
    started.clear()
    reader.read(image)
    assert started[-1] == widest, started


def test_checks_the_helper_does_not_finish_are_run_by_the_sender(sandbox, tmp_path, monkeypatch):
    """Where the helpers cannot be raised (an unprivileged process) and stay starved - here, busy with a
    long task - the run does not wait for them: each sender checks its item itself."""
    import time

    shared = [h for _ in range(preflight.HELPERS) if (h := preflight.helper()) is not None]  # each in turn
    assert len(shared) == preflight.HELPERS
    for helper in shared:
        helper.call(time.sleep, 60)  # busy for a minute
    monkeypatch.setattr(preflight.Helper, "hurry", lambda self: False)
    computed, in_helper = preflight.cache.computed, preflight.cache.in_helper
    started = time.monotonic()
    try:
        factory, run_id = _quick_run(sandbox, tmp_path, 1, 2)
        assert time.monotonic() - started < 20, "the run waited for the helper"
    finally:
        for helper in shared:
            preflight._forget(helper)  # stopped: the next use starts a fresh one
    assert all(v in ("pass", "warn", "fail") for v in _verdicts(factory, run_id))
    assert (preflight.cache.computed - computed, preflight.cache.in_helper - in_helper) == (2, 0)


@pytest.mark.slow  # a Python process of its own, and its helper
def test_a_helper_whose_parent_is_killed_ends_too(tmp_path):
    """A studio process killed with its helper running (no atexit, no shutdown) leaves no process behind."""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    marker = tmp_path / "imported"
    script.write_text(
        "import os, sys\n"
        "from qa import preflight\n"
        f"open({str(marker)!r}, 'a').write(__name__ + '\\n')  # as an app script, unguarded\n"
        "if __name__ == '__main__':\n"
        "    helper = preflight.helper()\n"
        "    print(helper.call(os.getpid).result(60), flush=True)\n"
        "    sys.stdin.read()\n"
    )
    parent = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)

    def running(pid: int) -> bool:  # a zombie not yet reaped by init has ended too
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return False

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and running(child):
        time.sleep(0.1)
    assert not running(child), "the helper outlived its parent"
    assert marker.read_text() == "__main__\n"  # the helper did not run its parent's script again
