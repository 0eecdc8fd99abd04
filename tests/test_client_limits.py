"""The client's bounds, each pinned at its exact value (mutation testing found them unpinned, see
docs/mutation.md): at most 1 + max_retries requests for a connect failure, an unprocessed refusal or
a key fetch, never one more; a stale key refetched once and the call resent once; a call trace's
timings summed over the attempts. Against the sandbox in this process with the fixed-answer engine."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from harness.readings import FakeEngine
from ocr_core import ApiError, ConnectError, OcrClient, Settings
from sandbox.backend import SandboxBackend
from sandbox.config import SandboxConfig
from sandbox.faults import Faults
from sandbox.transport import IN_PROCESS_URL, sandbox_session
from tests.support.raw_client import png


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _PostsNeverConnect(requests.Session):
    """Public keys come from the in-process sandbox; every POST goes to a closed port."""

    def __init__(self, inner: requests.Session) -> None:
        super().__init__()
        self.inner = inner
        self.posts = 0

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if method == "POST":
            self.posts += 1
            return super().request(method, f"http://127.0.0.1:{_closed_port()}/x", *args, **kwargs)
        return self.inner.request(method, url, *args, **kwargs)


@pytest.fixture()
def backend() -> SandboxBackend:
    return SandboxBackend(SandboxConfig(engine=FakeEngine(), seed_dir=None))


@pytest.fixture()
def in_process(backend: SandboxBackend) -> Iterator[requests.Session]:
    with sandbox_session(backend) as session:
        yield session


def _settings(**overrides: Any) -> Settings:
    return Settings(
        base_url=IN_PROCESS_URL,
        app_key="sandbox-appkey",
        secret_key="sandbox-secretkey",
        backoff_base=0.0,
        connect_timeout=2.0,
        **overrides,
    )


@pytest.mark.parametrize("max_retries", [0, 1, 2])
def test_connect_failures_are_resent_exactly_max_retries_times(
    in_process: requests.Session, max_retries: int
) -> None:
    session = _PostsNeverConnect(in_process)
    with (
        OcrClient(_settings(max_retries=max_retries), session=session) as client,
        pytest.raises(ConnectError),
    ):
        client.analyze_credit_card(png())
    assert session.posts == 1 + max_retries


@pytest.mark.parametrize("max_retries", [0, 1, 2])
def test_unprocessed_refusals_are_resent_exactly_max_retries_times(
    backend: SandboxBackend, in_process: requests.Session, max_retries: int
) -> None:
    backend.set_faults(Faults(result_code=5000503, rate=1.0, route="credit-card"))
    with (
        OcrClient(_settings(max_retries=max_retries), session=in_process) as client,
        pytest.raises(ApiError) as info,
    ):
        client.analyze_credit_card(png())
    assert info.value.result_code == 5000503
    assert backend.journal.calls("credit-card") == 1 + max_retries


@pytest.mark.parametrize("max_retries", [0, 1, 2])
def test_key_fetch_is_resent_exactly_max_retries_times(
    backend: SandboxBackend, in_process: requests.Session, max_retries: int
) -> None:
    backend.set_faults(Faults(result_code=5000503, rate=1.0, route="public-keys/credit-card"))
    with OcrClient(_settings(max_retries=max_retries), session=in_process) as client, pytest.raises(ApiError):
        client.public_key("credit-card")
    assert backend.journal.calls("public-keys/credit-card") == 1 + max_retries


def test_a_stale_key_is_refetched_once_and_the_call_resent_once(
    backend: SandboxBackend, in_process: requests.Session
) -> None:
    with OcrClient(_settings(), session=in_process) as client:
        client.public_key("credit-card")
        backend.set_faults(Faults(result_code=4000301, rate=1.0, route="credit-card"))
        with pytest.raises(ApiError):
            client.analyze_credit_card(png())
    assert backend.journal.calls("credit-card") == 2 and backend.journal.calls("public-keys/credit-card") == 2


def test_call_trace_timings_are_accumulated_not_overwritten(
    backend: SandboxBackend, in_process: requests.Session
) -> None:
    """A stale key makes two attempts: every phase's time is the sum over both, never negative."""
    with OcrClient(_settings(), session=in_process) as client:
        client.public_key("credit-card")
        backend.rotate_key("credit-card")  # the cached key is now stale: 4000301, refetch, resend
        result = client.analyze_credit_card(png())
    trace = result.trace
    assert trace is not None and trace.attempts == 2 and trace.key_refetched
    timings = trace.timings_ms
    assert all(timings[phase] > 0 for phase in ("key_fetch", "encrypt", "network", "decrypt", "total"))
    assert timings["total"] >= timings["key_fetch"] + timings["encrypt"] + timings["network"]
