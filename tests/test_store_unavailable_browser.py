"""The README's ``./studio run`` on a studio database that cannot be opened: the server still starts,
its log says in one plain line which database and why (no traceback), and a page that uses the store
says the same in the browser."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from harness.browser import needs_chromium
from harness.dashboard_process import studio_run, worker_log

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

pytestmark = [pytest.mark.browser, needs_chromium]


def test_the_startup_log_and_the_page_name_the_database_and_the_cause(browser, tmp_path):
    broken = tmp_path / "studio.sqlite3"
    broken.write_bytes(b"not SQLite\n" * 300)
    url = f"sqlite:///{broken}"
    log = worker_log(ARTIFACTS.parent / "dashboard-store-unavailable.log")
    with studio_run(log, STUDIO_DATABASE_URL=url, STUDIO_DATA_DIR=str(tmp_path / "data")) as dashboard:
        line = (
            f"QA lab: the queue did not start: the studio database {url} cannot be opened: "
            "file is not a database"
        )
        deadline = time.monotonic() + 60
        while line not in log.read_text(errors="replace") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert line in log.read_text(errors="replace")

        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
        try:
            pg = context.new_page()
            pg.goto(f"{dashboard}/runs", wait_until="domcontentloaded")
            alert = pg.locator('[data-testid="stAlertContentError"]').first
            alert.wait_for(timeout=120_000)
            shown = alert.inner_text()
            assert f"The studio database {url} cannot be opened: file is not a database." in shown, shown
            body = pg.locator("body").inner_text()
            assert "Something went wrong" not in body and "Traceback" not in body
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(ARTIFACTS / "store-unavailable-runs.png"))
        finally:
            context.close()
    assert "Traceback" not in log.read_text(errors="replace")
