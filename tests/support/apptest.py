"""Shared AppTest helpers: a real sandbox for the whole session, the app, and page-wide text search.

Import the fixtures into a test module (``from tests.support.apptest import sandbox, faults``) and
drive the app with :func:`open_page`. The dashboard reaches the sandbox through
``STUDIO_SANDBOX_URL`` (``ui.session``), so every AppTest talks to this one server over HTTP.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import streamlit.components.v2.manifest_scanner as _manifests
import streamlit.testing.v1.app_test as _app_test
import streamlit.testing.v1.local_script_runner as _local_script_runner
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

from sandbox.config import SandboxConfig
from sandbox.faults import Faults
from sandbox.server import RunningSandbox, start_sandbox
from ui.result_slot import idle_css
from ui.session import SANDBOX_URL_ENV

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
SAMPLES = ROOT / "samples"
TIMEOUT = 60  # seconds per script run; the first analysis loads the OCR engine


class _NavigationOnly(PagesManager):
    """AppTest resets Streamlit's "legacy ``pages/`` folder" flag before every run, so each run would
    go through the legacy router first (and run ``pages/settings.py`` without ``app.py``). The
    dashboard is served with that flag off (``ui/routing.py``); so are its AppTests."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


_app_test.PagesManager = _NavigationOnly  # type: ignore[misc]


streamlit_component_scan = _manifests.scan_component_manifests
"""Streamlit's own scan, kept before the line below replaces it (its tests compare the two)."""


@functools.cache
def _installed_components() -> list[tuple[Any, Path]]:
    return streamlit_component_scan()


# Each AppTest scans every installed distribution's metadata for Streamlit components when it first
# runs (a served dashboard does so once, when its runtime starts): about 0.5 s each, for the ~1,000
# AppTests of a run. What is installed does not change during a test run; the scan is made once.
_manifests.scan_component_manifests = _installed_components


_SCRIPTS = ScriptCache()


def _shared_script_cache() -> ScriptCache:
    return _SCRIPTS


# Each AppTest compiles app.py and the page it opens into a ScriptCache of its own (Streamlit's "magic"
# rewrites the parsed tree first): a tenth of an AppTest run's CPU. A served dashboard keeps one cache for
# all its sessions; so does this test process. Its scripts do not change while the tests run.
_app_test.ScriptCache = _shared_script_cache  # type: ignore[misc,assignment]
_local_script_runner.ScriptCache = _shared_script_cache  # type: ignore[misc,assignment]


@pytest.fixture(scope="session")
def sandbox() -> Iterator[RunningSandbox]:
    running = start_sandbox(SandboxConfig())
    previous = os.environ.get(SANDBOX_URL_ENV)
    os.environ[SANDBOX_URL_ENV] = running.base_url
    try:
        yield running
    finally:
        if previous is None:
            os.environ.pop(SANDBOX_URL_ENV, None)
        else:
            os.environ[SANDBOX_URL_ENV] = previous
        running.stop()


@pytest.fixture
def faults(sandbox: RunningSandbox) -> Iterator[Any]:
    """Set faults with ``faults(result_code=..., rate=...)``; cleared after the test."""

    def set_faults(**kw: Any) -> None:
        sandbox.backend.set_faults(Faults(**kw))

    try:
        yield set_faults
    finally:
        sandbox.backend.set_faults(Faults())


def open_page(page: str | None = None, **state: Any) -> AppTest:
    """The app on ``page`` (e.g. ``"pages/id_card.py"``), with session state seeded first."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def truth(image: str) -> dict[str, Any]:
    """The truth fields of a specimen (``cards/visa_blue_flat.png`` → its JSON's ``fields``)."""
    doc = json.loads((SAMPLES / Path(image).with_suffix(".json")).read_text(encoding="utf-8"))
    return doc["fields"]


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def page_text(at: AppTest) -> str:
    """Everything the script sent to the browser, as text: every element's message, including
    chart specs, table data and widget values. For "is X anywhere on the page" assertions."""
    parts = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
    return "\n".join(parts)


class _TableParser(HTMLParser):
    """The header and rows of the HTML tables ``ui.widgets.html_table`` writes."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(at: AppTest) -> list[list[dict[str, str]]]:
    """Every HTML table on the page (``ui.widgets.html_table``) as rows of column → cell text."""
    out = []
    for element in at.html:
        parser = _TableParser()
        parser.feed(element.proto.body)
        for header, *rows in (t for t in parser.tables if t):
            out.append([dict(zip(header, row, strict=True)) for row in rows])
    return out


def result_on_show(at: AppTest, prefix: str) -> bool:
    """Whether the result container holds a real result: while there is none it holds a made-up
    one out of sight (``ui.result_slot``), which a test must not take for a result."""
    return not any(h.proto.body == idle_css(prefix) for h in at.html)


def kv_rows(at: AppTest, prefix: str) -> list[dict[str, str]] | None:
    """The Key/Value table of the result on show (None when no result, or another view, is on show)."""
    if not result_on_show(at, prefix):
        return None
    # by its Value column: the Korean view has no Key column (issue 18: no API key names there)
    return next((rows for rows in html_tables(at) if rows and ("Value" in rows[0] or "값" in rows[0])), None)


def texts(elements: Any) -> list[str]:
    return [str(e.value) for e in elements]


def assert_clean(at: AppTest) -> None:
    """The script ran to the end: no exception element (a traceback, or the redacted error box)."""
    assert not at.exception, [e.value for e in at.exception]
