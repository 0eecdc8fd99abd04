"""Shared pytest set-up: keep Streamlit and every library we start offline and quiet."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.fake_nhn import FakeNhn

os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")


@pytest.fixture(scope="session", autouse=True)
def studio_database(tmp_path_factory) -> Iterator[str]:
    """Tests never write into the checkout's data/ folder: one throw-away database per test run."""
    url = f"sqlite:///{tmp_path_factory.mktemp('studio-db') / 'studio.sqlite3'}"
    previous = os.environ.get("STUDIO_DATABASE_URL")
    os.environ["STUDIO_DATABASE_URL"] = url
    yield url
    if previous is None:
        os.environ.pop("STUDIO_DATABASE_URL", None)
    else:
        os.environ["STUDIO_DATABASE_URL"] = previous


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
