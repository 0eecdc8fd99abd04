"""Cloud failures through real sockets: a server that accepts and never answers, one that refuses,
one that answers the key but holds the analysis. Fast, named, and "billed" only when the analysis
POST itself went out (issue 12, item 4)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ocr_core import OcrClient, Settings
from ocr_core.errors import ConnectError, ReadTimeoutError, TransportError
from tests.support.silent_server import key_then_silence, refused_url, silent_server
from ui.errors import describe

IMAGE = (Path(__file__).resolve().parents[1] / "samples/cards/visa_blue_flat.png").read_bytes()


def _client(url: str, **kw: object) -> OcrClient:
    return OcrClient(Settings(base_url=url, app_key="k", secret_key="s", **kw))  # type: ignore[arg-type]


@pytest.mark.slow  # sits out the key fetch's own 8 s cap, which is what it tests
def test_key_fetch_from_a_silent_host_gives_up_within_the_short_read_timeout():
    with silent_server() as url, _client(url, max_retries=0) as c:
        start = time.monotonic()
        with pytest.raises(ReadTimeoutError) as info:
            c.public_key("credit-card")
        elapsed = time.monotonic() - start
    assert elapsed < 12, f"a free public-key GET hung for {elapsed:.1f} s"
    assert info.value.host == url.removeprefix("http://")
    assert info.value.billable is False


def test_analysis_that_never_got_its_key_was_not_billed():
    # a 1 s read timeout (the key GET's cap is never above it): what is said is the point, not the cap
    with (
        silent_server() as url,
        _client(url, max_retries=0, read_timeout=1.0) as c,
        pytest.raises(TransportError) as info,
    ):
        c.analyze_credit_card(IMAGE)
    what, _ = describe(info.value, "en")
    assert url.removeprefix("http://") in what
    assert "billed" in what and "may have" not in what and "nothing was billed" in what


def test_refused_connection_is_quick_and_named():
    url = refused_url()
    with _client(url, max_retries=0) as c:
        start = time.monotonic()
        with pytest.raises(ConnectError) as info:
            c.analyze_id_card(IMAGE)
        assert time.monotonic() - start < 5
    what, _ = describe(info.value, "en")
    assert (
        "Could not connect" in what and url.removeprefix("http://") in what and "nothing was billed" in what
    )


def test_analysis_post_sent_but_unanswered_may_be_billed():
    with (
        key_then_silence() as url,
        _client(url, max_retries=0, read_timeout=1.0) as c,
        pytest.raises(ReadTimeoutError) as info,
    ):
        c.analyze_credit_card(IMAGE)
    assert info.value.billable is True
    what, _ = describe(info.value, "ko")
    assert "요금 부과 가능" in what


def test_connect_timeout_is_a_few_seconds():
    s = Settings()
    assert s.connect_timeout <= 5 and s.small_call_timeout[1] <= 10 and s.read_timeout >= 20


def test_analyse_through_a_silent_proxy_waits_once_not_three_times(monkeypatch):
    """The key GET's cap shortened to 1.5 s (the cap itself: the test above): with the default retries,
    one wait is about 1.5 s, three would be 4.5 s or more."""
    from ocr_core import constants

    monkeypatch.setattr(constants, "SMALL_CALL_READ_TIMEOUT", 1.5)
    with silent_server() as url, _client(url) as c:  # default retries
        start = time.monotonic()
        with pytest.raises(ReadTimeoutError):
            c.analyze_credit_card(IMAGE)
        elapsed = time.monotonic() - start
    assert elapsed < 4.0, f"Analyse waited {elapsed:.1f} s: more than once"
