"""Boundaries that mutation testing found unpinned: each test here fails when one comparison or
constant moves by one (``<`` → ``<=``, a date a day later, 760 → 761). ``mutmut`` runs these with the
client, validator and masking tests (pyproject ``[tool.mutmut]``)."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import requests
from stdnum.kr import rrn as stdnum_rrn

from ocr_core import ApiError, ConnectError, OcrClient, Settings
from ocr_core.validators import RRN_RANDOM_SINCE, check_resident_number
from sandbox.backend import SandboxBackend
from sandbox.config import SandboxConfig
from sandbox.faults import Faults
from sandbox.transport import IN_PROCESS_URL, sandbox_session
from tests.support.raw_client import png
from tests.support.readings import FakeEngine

TODAY = date(2026, 11, 1)


# -- the client's resend limit: at most 1 + max_retries requests, never one more -------------------
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
    return Settings(base_url=IN_PROCESS_URL, app_key="sandbox-appkey", secret_key="sandbox-secretkey",
                    backoff_base=0.0, connect_timeout=2.0, **overrides)


@pytest.mark.parametrize("max_retries", [0, 1, 2])
def test_connect_failures_are_resent_exactly_max_retries_times(in_process: requests.Session,
                                                                max_retries: int) -> None:
    session = _PostsNeverConnect(in_process)
    with OcrClient(_settings(max_retries=max_retries), session=session) as client, pytest.raises(ConnectError):
        client.analyze_credit_card(png())
    assert session.posts == 1 + max_retries


@pytest.mark.parametrize("max_retries", [0, 1, 2])
def test_unprocessed_refusals_are_resent_exactly_max_retries_times(backend: SandboxBackend,
                                                                   in_process: requests.Session,
                                                                   max_retries: int) -> None:
    backend.set_faults(Faults(result_code=5000503, rate=1.0, route="credit-card"))
    with OcrClient(_settings(max_retries=max_retries), session=in_process) as client, \
            pytest.raises(ApiError) as info:
        client.analyze_credit_card(png())
    assert info.value.result_code == 5000503
    assert backend.journal.calls("credit-card") == 1 + max_retries


@pytest.mark.parametrize("max_retries", [0, 1, 2])
def test_key_fetch_is_resent_exactly_max_retries_times(backend: SandboxBackend, in_process: requests.Session,
                                                       max_retries: int) -> None:
    backend.set_faults(Faults(result_code=5000503, rate=1.0, route="public-keys/credit-card"))
    with OcrClient(_settings(max_retries=max_retries), session=in_process) as client, pytest.raises(ApiError):
        client.public_key("credit-card")
    assert backend.journal.calls("public-keys/credit-card") == 1 + max_retries


def test_a_stale_key_is_refetched_once_and_the_call_resent_once(backend: SandboxBackend,
                                                                 in_process: requests.Session) -> None:
    with OcrClient(_settings(), session=in_process) as client:
        client.public_key("credit-card")
        backend.set_faults(Faults(result_code=4000301, rate=1.0, route="credit-card"))
        with pytest.raises(ApiError):
            client.analyze_credit_card(png())
    assert backend.journal.calls("credit-card") == 2 and backend.journal.calls("public-keys/credit-card") == 2


# -- the resident-number cut-over: random back digits for numbers assigned since 2020-10-05 --------
def _valid_rrn(born: date, century_digit: str) -> str:
    front = born.strftime("%y%m%d") + century_digit + "23456"
    return front + stdnum_rrn.calc_check_digit(front)


def test_cut_over_date_is_2020_10_05() -> None:
    assert RRN_RANDOM_SINCE == date(2020, 10, 5)


@pytest.mark.parametrize(("born", "ok"), [
    (RRN_RANDOM_SINCE - timedelta(days=1), True),   # the last day with a meaningful check digit
    (RRN_RANDOM_SINCE, None),                       # from the cut-over day: a matching digit proves nothing
    (RRN_RANDOM_SINCE + timedelta(days=1), None),
])
def test_the_check_digit_counts_only_before_the_cut_over(born: date, ok: bool | None) -> None:
    number = _valid_rrn(born, "3")
    assert check_resident_number(number, today=TODAY).ok is ok


def test_a_birth_date_of_today_is_not_in_the_future() -> None:
    born = TODAY
    assert check_resident_number(_valid_rrn(born, "3"), today=TODAY).ok is None
    assert check_resident_number(_valid_rrn(born + timedelta(days=1), "3"), today=TODAY).ok is False


# -- the 760×480 line between "normal" and "low" resolution --------------------------------------
RESOLUTIONS = [((760, 480), "normal"), ((480, 760), "normal"), ((759, 480), "low"), ((760, 479), "low"),
               ((479, 760), "low"), ((480, 759), "low"), ((4000, 480), "normal")]


@pytest.mark.parametrize(("size", "verdict"), RESOLUTIONS)
def test_resolution_line_in_the_library(size: tuple[int, int], verdict: str) -> None:
    from ocr_core.models import resolution_verdict

    assert resolution_verdict(*size) == verdict


@pytest.mark.parametrize(("size", "verdict"), RESOLUTIONS)
def test_resolution_line_in_the_sandbox(size: tuple[int, int], verdict: str) -> None:
    from sandbox.backend import decode_image

    assert decode_image(png(*size), 40_000_000).resolution == verdict


@pytest.mark.parametrize(("size", "status"), [((760, 480), "pass"), ((759, 480), "warn"), ((760, 479), "warn"),
                                              ((570, 360), "warn"), ((569, 360), "fail")])
def test_resolution_line_in_the_quality_check(size: tuple[int, int], status: str) -> None:
    from ocr_core.imaging.quality import DEFAULT_THRESHOLDS, _resolution_check

    assert _resolution_check("resolution", "image", size, DEFAULT_THRESHOLDS).status == status


def test_call_trace_timings_are_accumulated_not_overwritten(backend: SandboxBackend,
                                                            in_process: requests.Session) -> None:
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


# -- card numbers: 13 to 19 digits; an expiry judged against the given day ---------------------------
def _luhn_complete(body: str) -> str:
    from stdnum import luhn

    return body + luhn.calc_check_digit(body)


@pytest.mark.parametrize(("length", "ok"), [(12, False), (13, True), (19, True), (20, False)])
def test_card_number_length_bounds(length: int, ok: bool) -> None:
    from ocr_core.validators import check_card_number

    assert check_card_number(_luhn_complete("4" + "1" * (length - 2))).ok is ok


def test_expiry_is_judged_against_the_day_given() -> None:
    from ocr_core.validators import check_expiry

    assert check_expiry("04/29", today=date(2030, 1, 1)).ok is False  # expired then, whatever today is
    assert check_expiry("04/29", today=date(2029, 4, 30)).ok is True  # valid through the end of April
    assert check_expiry("04/29", today=date(2029, 5, 1)).ok is False
