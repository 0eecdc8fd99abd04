"""Shared pytest set-up: keep Streamlit and every library we start offline and quiet."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import tests.support.qa_env  # noqa: F401  (the QA lab's data folder: a temporary one, set before qa is imported)
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
