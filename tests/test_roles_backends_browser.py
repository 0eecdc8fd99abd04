"""Roles, backends per role and the audit, for real (issue 20): the README's ``./studio run`` with a real
OIDC provider (oidc-provider-mock), NHN Cloud mocked only at the network edge (``tests/support/
cloud_edge.py``) and the local sandbox as a separate server, so each one's journal counts what was
sent to it. Debian's Chromium signs in as a viewer, an analyst and an admin; a signed-out browser too.

An analyst chooses sandbox or NHN Cloud per analysis in the sidebar; an admin saves a quota 3 → 5
(one audit row saying so), restricts analysts to the sandbox (the analyst's next analysis goes there and
the choice is gone), gives a colleague the analyst role on the Roles page and reads all of it, in
words, on the Audit page at 1280 px. A viewer following an ``/audit`` link is told why, and audited.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from access.ledger import Ledger
from harness.browser import needs_chromium, settled
from harness.dashboard_process import DashboardDidNotStart, free_port, running_dashboard, worker_log
from sandbox.config import DEMO_APP_KEY, DEMO_SECRET_KEY, SandboxConfig
from sandbox.server import start_sandbox
from store import engine_for
from tests.support.cloud_edge import cloud_edge
from tests.support.oidc_person import OidcPerson

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "roles"
SPECIMEN = ROOT / "samples" / "cards" / "visa_blue_flat.png"

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

USERS = {
    "admin": {"email": "ada@corp.test", "name": "Ada Admin", "groups": []},
    "analyst": {"email": "ann@corp.test", "name": "Ann Analyst", "groups": ["ocr-analysts"]},
    "viewer": {"email": "vic@corp.test", "name": "Vic Viewer", "groups": []},
    "colleague": {"email": "col@corp.test", "name": "Col League", "groups": []},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict[str, Any]]:
    pytest.importorskip("oidc_provider_mock")
    from tests.support.identity_provider import identity_provider

    folder = tmp_path_factory.mktemp("roles")
    url = f"sqlite:///{folder / 'studio.sqlite3'}"
    port = free_port()
    with (
        identity_provider() as idp,
        start_sandbox(SandboxConfig()) as local,
        start_sandbox(SandboxConfig()) as cloud,
        cloud_edge(cloud.base_url, folder / "edge") as edge,
    ):
        for claims in USERS.values():
            idp.set_user(str(claims["email"]), claims)
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "document-ocr-studio"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{idp.metadata_url}"

[access]
admins = ["ada@corp.test"]
analysts = ["group:ocr-analysts"]
viewers = ["@corp.test"]

[quotas]
user_daily_analysis = 3
""",
            encoding="utf-8",
        )
        secrets_file.chmod(0o600)
        env = {
            **os.environ,
            "STUDIO_PORT": str(port),
            "STUDIO_ADDRESS": "127.0.0.1",
            "STUDIO_SECRETS_FILE": str(secrets_file),
            "STUDIO_DATABASE_URL": url,
            "STUDIO_DATA_DIR": str(folder / "data"),
            "STUDIO_SANDBOX_URL": local.base_url,
            "NHN_OCR_APPKEY": DEMO_APP_KEY,
            "NHN_OCR_SECRETKEY": DEMO_SECRET_KEY,
            **edge,
        }
        try:
            with running_dashboard(
                ["./studio", "run"], env, port, worker_log(ARTIFACTS / "dashboard.log")
            ) as (base, _):
                yield {"base": base, "url": url, "local": local, "cloud": cloud}
        except DashboardDidNotStart as err:
            pytest.fail(str(err))


WIDTHS = """() => {
    const t = document.querySelector('table.studio-table');
    return {doc: document.documentElement.scrollWidth, view: window.innerWidth,
            right: t ? t.getBoundingClientRect().right : 0,
            wrap: t ? t.parentElement.scrollWidth - t.parentElement.clientWidth : -1};
}"""
"""How wide the page and the audit table are: nothing may reach past the window's right edge."""


class Person(OidcPerson):
    """One browser context (one person's cookies) at 1280 px."""

    def __init__(self, browser, base: str) -> None:
        super().__init__(browser, base, USERS, viewport={"width": 1280, "height": 1300})

    def sign_in(self, who: str) -> None:
        super().sign_in(who)
        self.wait_text(str(USERS[who]["name"]))

    def analyse(self, *, backend: str | None = None) -> None:
        """Upload the specimen on the credit-card page (choosing ``backend`` in the sidebar first: a page
        loaded anew is a new session, which starts on the role's default) and press Analyse; wait for a
        result or an error."""
        page = self.page
        self.open("credit-card")
        if backend is not None:
            self.choose_backend(backend)
        page.get_by_role("radio", name="Upload", exact=True).click(timeout=60_000)
        page.locator('input[type="file"]').first.set_input_files(str(SPECIMEN))
        page.get_by_role("button", name=re.compile(r"^\W*Analyse$")).click(timeout=60_000)
        page.wait_for_function(
            "() => document.body.innerText.includes('Export')"
            " || document.querySelector('[data-testid=stAlertContentError]')",
            timeout=120_000,
        )
        settled(page)

    def choose_backend(self, name: str) -> None:
        self.page.get_by_role("radiogroup", name=re.compile("Send analyses to")).get_by_text(name).click(
            timeout=60_000
        )
        self.wait_text("NHN CLOUD" if "Cloud" in name else "SANDBOX")
        settled(self.page)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        settled(self.page)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.fixture()
def person(site, browser):
    opened: list[Person] = []

    def make() -> Person:
        opened.append(Person(browser, site["base"]))
        return opened[-1]

    yield make
    for p in opened:
        p.close()


def _sent(site: dict[str, Any]) -> tuple[int, int]:
    """Analyses that reached (the local sandbox, NHN Cloud) so far."""
    return site["local"].backend.journal.calls("credit-card"), site["cloud"].backend.journal.calls(
        "credit-card"
    )


def _rows(site: dict[str, Any], **filters: Any) -> list[dict]:
    return list(Ledger(engine_for(site["url"])).events(**filters))


def _newest(site: dict[str, Any]) -> int:
    return max((r["id"] for r in _rows(site)), default=0)


def test_a_signed_out_browser_gets_the_sign_in_page_on_the_admin_pages(person):
    p = person()
    for path in ("roles", "audit"):
        p.open(path)
        p.wait_text("Sign in")
        settled(p.page)
        text = p.page.inner_text("body")
        assert (
            "Page not found" not in text and "Person, domain or group" not in text and "Outcome" not in text
        )


def _viewer_follows_an_audit_link(p: Person, site: dict[str, Any]) -> None:
    p.sign_in("viewer")
    before = _newest(site)
    p.open("audit")
    p.wait_text("for admins only")
    text = p.page.inner_text("body")
    assert "Page not found" not in text and "your role is viewer" in text
    assert p.page.get_by_role("radiogroup", name=re.compile("Send analyses to")).count() == 0  # sandbox only
    p.shot("viewer_audit.png")
    refused = [r for r in _rows(site, user="vic@corp.test", kinds=["refused"]) if r["id"] > before]
    assert [(r["action"], r["where"]) for r in refused] == [("page:audit", "/audit")]
    local, cloud = _sent(site)
    p.analyse()
    assert _sent(site) == (local + 1, cloud)  # a viewer's analysis went to the sandbox, nothing to the cloud


def _analyst_chooses_per_analysis(p: Person, site: dict[str, Any]) -> None:
    p.sign_in("analyst")
    p.wait_text("Send analyses to")
    local, cloud = _sent(site)
    p.analyse(backend="Local sandbox — no charges")
    assert _sent(site) == (local + 1, cloud)
    p.analyse(backend="NHN Cloud — billed")
    assert _sent(site) == (local + 1, cloud + 1)
    p.shot("analyst_cloud.png")


def _admin_changes_quota_backends_and_roles(admin: Person, site: dict[str, Any]) -> None:
    admin.sign_in("admin")
    page = admin.page
    admin.open("settings")
    admin.wait_text("Quotas of billed NHN Cloud calls")
    before = _newest(site)
    # What wrote two rows for one save: Enter in a quota field submits the form ("Press Enter to submit
    # form"), and the Save the person then clicks submitted it again; every submit wrote a row, changed
    # or not. Now a save that changes nothing says so and writes none.
    field = page.get_by_label("Per user per day: analyses")
    field.fill("5")
    field.press("Enter")
    admin.wait_text("Quotas saved")
    settled(page)
    page.get_by_role("button", name="Save quotas").click()
    admin.wait_text("Nothing changed, so nothing was saved")
    settled(page)
    saved = [r for r in _rows(site, user="ada@corp.test") if r["id"] > before]
    assert [(r["kind"], r["action"]) for r in saved] == [("settings_change", "quotas")], saved
    assert json.loads(saved[0]["detail"]) == {"user_daily_analysis": [3, 5]}

    before = _newest(site)
    chips = page.locator("[data-testid=stMultiSelect]").filter(has_text="Role analyst — may use")
    chips.get_by_role("button", name=re.compile("NHN Cloud")).first.click()  # the chip's ✕
    page.keyboard.press("Escape")
    page.locator("[data-testid=stSelectbox]").filter(has_text="Role analyst — starts on").click()
    page.get_by_role("option", name="Local sandbox — no charges").click()
    page.get_by_role("button", name="Save backends").click()
    admin.wait_text("Each session follows")
    settled(page)
    admin.shot("admin_backends.png")
    saved = [r for r in _rows(site, user="ada@corp.test") if r["id"] > before]
    assert [(r["kind"], r["action"]) for r in saved] == [("settings_change", "backends")], saved
    assert json.loads(saved[0]["detail"]) == {
        "backends.analyst": [
            {"allowed": ["sandbox", "cloud"], "default": "cloud"},
            {"allowed": ["sandbox"], "default": "sandbox"},
        ]
    }

    admin.open("roles")
    admin.wait_text("Person, domain or group")
    before = _newest(site)
    page.get_by_role("textbox", name="Person, domain or group").fill("col@corp.test")
    page.get_by_role("button", name="Give this role").click()
    admin.wait_text("col@corp.test now has the role analyst")
    saved = [r for r in _rows(site, user="ada@corp.test") if r["id"] > before]
    assert [(r["kind"], json.loads(r["detail"])) for r in saved] == [
        ("role_change", {"col@corp.test": [None, "analyst"]})
    ], saved
    admin.shot("admin_roles.png")

    admin.open("audit")
    admin.wait_text("Daily analyses per user: 3 → 5")
    admin.wait_text("col@corp.test: none → analyst")
    admin.wait_text(
        "Backends of analyst: Local sandbox — no charges, NHN Cloud — billed; starts on NHN Cloud — billed"
        " → Local sandbox — no charges; starts on Local sandbox — no charges"
    )
    text = page.inner_text("body")
    for raw in ("api_version", "result_code", "settings_change", "role_change", "api_call", "page:audit"):
        assert raw not in text, raw
    assert "Refused: opened an admin page" in text  # the viewer's attempt
    widths = page.evaluate(WIDTHS)
    assert (
        widths["doc"] <= widths["view"] and 0 < widths["right"] <= widths["view"] and widths["wrap"] == 0
    ), widths
    admin.shot("admin_audit.png")
    page.get_by_text("한국어", exact=True).click()
    admin.wait_text("사용자별 하루 분석 한도: 3 → 5")
    admin.wait_text("거부: 관리자 페이지를 열려고 함")
    text = page.inner_text("body")
    assert "Changed the quotas" not in text and "settings_change" not in text
    fits = page.evaluate(WIDTHS)
    assert fits["doc"] <= fits["view"] and 0 < fits["right"] <= fits["view"] and fits["wrap"] == 0, fits
    admin.shot("admin_audit_ko.png")


def test_roles_backends_and_the_audit_as_each_person_sees_them(person, site):
    """One story, in order (each step builds on the one before): viewer, analyst, admin, then the analyst
    and the colleague the admin's changes concern."""
    _viewer_follows_an_audit_link(person(), site)
    _analyst_chooses_per_analysis(person(), site)
    _admin_changes_quota_backends_and_roles(person(), site)

    analyst = person()
    analyst.sign_in("analyst")
    analyst.wait_text("SANDBOX")
    settled(analyst.page)
    assert analyst.page.get_by_role("radiogroup", name=re.compile("Send analyses to")).count() == 0
    local, cloud = _sent(site)
    analyst.analyse()
    assert _sent(site) == (local + 1, cloud)  # nothing billed: the role may use only the sandbox now
    colleague = person()
    colleague.sign_in("colleague")
    colleague.wait_text("Role: analyst")
    colleague.shot("colleague.png")
