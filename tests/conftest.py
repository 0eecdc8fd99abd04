"""Shared pytest set-up: keep Streamlit and every library we start offline and quiet."""
from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import tests.support.qa_env  # noqa: F401  (the QA lab's data folder: a temporary one, set before qa is imported)
from harness.browser import chromium
from tests.support.apptest import faults, sandbox  # noqa: F401 - the AppTests' sandbox fixtures, for every module

os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
os.environ.setdefault("STUDIO_WARM_ENGINE", "0")  # no engine warm-up per test process (bench_first_result measures it)


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
def browser():
    """Debian's headless Chromium, one per test module (harness.browser.chromium)."""
    with chromium() as b:
        yield b


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each test reads the application's settings anew (appconfig: read once per process otherwise)."""
    import appconfig

    appconfig.reset()
    yield
