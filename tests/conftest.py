"""Shared pytest set-up: keep Streamlit and every library we start offline and quiet."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.apptest import faults, sandbox  # noqa: F401 - the AppTests' sandbox fixtures, for every module
from tests.support.fake_nhn import FakeNhn

os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")


@pytest.fixture(scope="module")
def fake_nhn_server() -> Iterator[FakeNhn]:
    """The local fake NHN server (tests/support/fake_nhn.py), one per test module."""
    with FakeNhn() as server:
        yield server


@pytest.fixture()
def fake(fake_nhn_server: FakeNhn) -> FakeNhn:
    """The fake NHN server, reset to its defaults for this test."""
    fake_nhn_server.reset()
    return fake_nhn_server
