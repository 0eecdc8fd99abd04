"""A QA Lab run on NHN Cloud started from the dashboard (``./studio run``, Debian's Chromium) spends the
quota item by item and leaves its rows: the dashboard's credentials point at the real
``https://api-ocr.nhncloudservice.com``, reached through the egress proxy that serves NHN's hosts from a
sandbox (``tests/support/cloud_edge.py``). With a daily quota of one analysis, a run of two specimens
sends one, refuses the other ("refused: quota") and still finishes; the Audit page shows the run's rows
when filtered by it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from access.ledger import Ledger
from harness.browser import chromium, needs_chromium
from harness.dashboard_process import studio_run, worker_log
from sandbox.config import DEMO_APP_KEY, DEMO_SECRET_KEY, SandboxConfig
from sandbox.server import start_sandbox
from store import engine_for, session_factory, upgrade
from store.models import Item, Run
from tests.support.cloud_edge import cloud_edge
from ui.audit_view import where_words

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "billed-lab"
SPECIMENS = ("cards/visa_blue_flat.png", "cards/bc_red_flat.png")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    needs_chromium,
]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("billed-lab")
    url = f"sqlite:///{folder / 'studio.sqlite3'}"
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text("[quotas]\nuser_daily_analysis = 1\n", encoding="utf-8")
    with (
        start_sandbox(SandboxConfig()) as cloud,
        cloud_edge(cloud.base_url, folder / "edge") as edge,
        studio_run(
            worker_log(ARTIFACTS / "dashboard.log"),
            STUDIO_SECRETS_FILE=str(secrets_file),
            STUDIO_DATABASE_URL=url,
            STUDIO_DATA_DIR=str(folder / "data"),
            NHN_OCR_APPKEY=DEMO_APP_KEY,
            NHN_OCR_SECRETKEY=DEMO_SECRET_KEY,
            **edge,
        ) as dashboard,
    ):
        yield {"url": url, "dashboard": dashboard, "cloud": cloud}


def _pick(pg, label: str, option: str) -> None:
    pg.get_by_label(label).click()
    pg.get_by_role("option", name=option, exact=True).click()
    pg.keyboard.press("Escape")


def test_a_dashboard_lab_run_on_the_cloud_takes_the_quota_per_item(site):
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1440, "height": 2200})
        pg = context.new_page()
        pg.goto(f"{site['dashboard']}/qa-lab", wait_until="domcontentloaded")
        pg.get_by_text("Specimens (they carry their truth)").wait_for(timeout=90_000)
        for specimen in SPECIMENS:
            _pick(pg, "Specimens (they carry their truth)", specimen)
        pg.get_by_text("2 images → 2 calls").wait_for(timeout=30_000)
        pg.get_by_text("I confirm 2 billed calls on NHN Cloud").click()
        pg.get_by_role("button", name="Start run").click()
        pg.get_by_text(re.compile(r"2/2 done · 1 failed · done")).wait_for(timeout=240_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "lab_run_refused.png"), full_page=True)

        upgrade(site["url"])
        with session_factory(site["url"])() as s:
            run = s.query(Run).one()
            states = sorted(i.state for i in s.query(Item).filter(Item.run_id == run.id))
            messages = [i.result_message or "" for i in s.query(Item).filter(Item.run_id == run.id)]
            assert (run.backend, run.status, states) == ("cloud", "done", ["done", "refused"])
            assert any(m.startswith("refused: quota") for m in messages)
        assert site["cloud"].backend.journal.calls("credit-card") == 1
        book = Ledger(engine_for(site["url"]))
        door = f"qa-run:{run.id}"
        rows = sorted(book.events(where=door), key=lambda r: r["kind"])
        assert [(r["kind"], r["user"], r["backend"], r["result_code"]) for r in rows] == [
            ("api_call", "local", "cloud", 0),
            ("refused", "local", "cloud", None),
            ("run_action", "local", "cloud", None),
        ]  # the run's start, audited (issue 17)
        assert [r["action"] for r in rows if r["kind"] == "run_action"] == ["run_start"]

        pg.goto(f"{site['dashboard']}/audit", wait_until="domcontentloaded")
        pg.get_by_text("Door (command line, QA Lab run)").wait_for(timeout=90_000)
        _pick(pg, "Door (command line, QA Lab run)", where_words(door, "en"))  # "QA run 1": in words
        pg.get_by_text("3 rows", exact=True).wait_for(timeout=30_000)
        pg.screenshot(path=str(ARTIFACTS / "audit_by_run.png"), full_page=True)
        context.close()
