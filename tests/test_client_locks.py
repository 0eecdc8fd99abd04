"""One ``OcrClient`` is shared by every dashboard session of a process: a slow public-key fetch in
one session must not stall another session's analysis (the client locks per key, never across a
network call for everyone). Run against the sandbox with a stall aimed at one key's route."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from harness.readings import FakeEngine
from ocr_core import OcrClient, Settings
from sandbox.config import SandboxConfig
from sandbox.faults import Faults
from sandbox.server import RunningSandbox, start_sandbox
from tests.support.raw_client import png

STALL_MS = 2000
pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def running() -> Iterator[RunningSandbox]:
    with start_sandbox(SandboxConfig(engine=FakeEngine(), seed_dir=None)) as sandbox:
        yield sandbox


@pytest.fixture()
def client(running: RunningSandbox) -> Iterator[OcrClient]:
    running.backend.reset()
    settings = Settings(
        base_url=running.base_url, app_key=running.app_key, secret_key=running.secret_key, backoff_base=0.0
    )
    with OcrClient(settings) as shared:
        yield shared
    running.backend.set_faults(Faults())


def _in_background(work) -> tuple[threading.Thread, list[float]]:
    done: list[float] = []

    def run() -> None:
        work()
        done.append(time.monotonic())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done


def _wait_until_stalled(running: RunningSandbox, route: str) -> None:
    deadline = time.monotonic() + 5
    while running.backend.journal.calls(route) == 0:
        assert time.monotonic() < deadline, "the slow fetch never reached the sandbox"
        time.sleep(0.01)


def test_a_slow_key_fetch_does_not_stall_another_sessions_analysis(
    running: RunningSandbox, client: OcrClient
) -> None:
    client.analyze_credit_card(png())  # this session's key is cached
    running.backend.set_faults(Faults(latency_ms=STALL_MS, route="public-keys/id-card"))
    slow, slow_done = _in_background(lambda: client.analyze_id_card(png()))  # another session's first ID
    _wait_until_stalled(running, "public-keys/id-card")
    start = time.monotonic()
    result = client.analyze_credit_card(png())
    elapsed = time.monotonic() - start
    assert result.total_card_num and elapsed < STALL_MS / 1000 / 2, (
        f"waited {elapsed:.2f} s for the other fetch"
    )
    assert not slow_done  # the stalled fetch was still running while the analysis finished
    slow.join(10)
    assert slow_done


def test_a_slow_first_fetch_of_another_key_does_not_block_this_one(
    running: RunningSandbox, client: OcrClient
) -> None:
    running.backend.set_faults(Faults(latency_ms=STALL_MS, route="public-keys/id-card"))
    slow, _ = _in_background(lambda: client.public_key("id-card"))
    _wait_until_stalled(running, "public-keys/id-card")
    start = time.monotonic()
    client.analyze_credit_card(png())  # needs its own key first: a different lock
    assert time.monotonic() - start < STALL_MS / 1000 / 2
    slow.join(10)


def test_sessions_missing_the_same_key_share_one_fetch(running: RunningSandbox, client: OcrClient) -> None:
    running.backend.set_faults(Faults(latency_ms=300, route="public-keys/credit-card"))
    threads = [threading.Thread(target=lambda: client.analyze_credit_card(png())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert running.backend.journal.calls("public-keys/credit-card") == 1
    assert running.backend.journal.calls("credit-card") == 4
