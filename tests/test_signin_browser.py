"""Sign-in for real: a real OIDC provider (oidc-provider-mock), the dashboard started with the
README's ``./studio run`` and an ``[auth]`` section pointing at it, and Debian's Chromium signing in
as a viewer, an analyst, an admin and an account with no role. What each sees, what the server
refuses, sign-out, and the audit lines written.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from harness.browser import needs_chromium, settled
from harness.dashboard_process import DashboardDidNotStart, free_port, running_dashboard, worker_log
from tests.support.oidc_person import OidcPerson

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "signin"

pytestmark = [
    pytest.mark.browser,
    needs_chromium,
]

USERS = {
    "admin": {"email": "ada@corp.test", "name": "Ada Admin", "groups": ["staff"]},
    "analyst": {"email": "ann@corp.test", "name": "Ann Analyst", "groups": ["ocr-analysts"]},
    "viewer": {"email": "vic@corp.test", "name": "Vic Viewer", "groups": []},
    "stranger": {"email": "sam@elsewhere.test", "name": "Sam Stranger", "groups": []},
}
PAGE_PATHS = ["", "credit-card", "id-card", "stand-alone", "authenticity", "compare", "settings"]


@pytest.fixture(scope="module")
def idp():
    pytest.importorskip("oidc_provider_mock")
    from tests.support.identity_provider import identity_provider

    with identity_provider() as provider:
        for claims in USERS.values():
            provider.set_user(str(claims["email"]), claims)
        yield provider


@pytest.fixture(scope="module")
def signin_database(new_studio_database) -> str:
    return new_studio_database()


@pytest.fixture(scope="module")
def dashboard(idp, tmp_path_factory, signin_database) -> Iterator[tuple[str, Path]]:
    port = free_port()
    folder = tmp_path_factory.mktemp("signin")
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
""",
        encoding="utf-8",
    )
    secrets_file.chmod(0o600)  # it holds the cookie secret: the dashboard refuses a file others could read
    log = worker_log(ARTIFACTS / "dashboard.log")
    env = {
        **os.environ,
        "STUDIO_PORT": str(port),
        "STUDIO_ADDRESS": "127.0.0.1",
        "STUDIO_SECRETS_FILE": str(secrets_file),
        "STUDIO_DATABASE_URL": signin_database,
    }
    try:
        with running_dashboard(["./studio", "run"], env, port, log) as (url, _):
            yield url, log
    except DashboardDidNotStart as err:
        pytest.fail(str(err))


class Visit(OidcPerson):
    """One browser context (one person's cookies), with everything its pages received."""

    def __init__(self, browser, base: str) -> None:
        super().__init__(browser, base, USERS, viewport={"width": 1280, "height": 1400})
        self.frames: list[bytes] = []
        self.page.on(
            "websocket",
            lambda ws: ws.on(
                "framereceived", lambda p: self.frames.append(p if isinstance(p, bytes) else p.encode())
            ),
        )

    def sign_out(self) -> None:
        """Click *Sign out*. Streamlit then sends the browser to the IdP's end-session endpoint (OpenID
        RP-initiated logout, advertised by the mock's metadata); its form is confirmed, the IdP returns
        to the dashboard and the sign-in page is back. A click landing while the app is still re-running
        can be dropped under heavy load: it is repeated while the *Sign out* button is still there."""
        from playwright.sync_api import Error as PlaywrightError

        signed_out = (
            "() => document.body.innerText.includes('Sign in') "
            "&& !document.body.innerText.includes('Sign out')"
        )
        for attempt in range(3):
            self.page.get_by_role("button", name=re.compile("Sign out")).click(timeout=60_000)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if "/oauth2/end_session" in self.page.url:
                    self.page.get_by_role("button", name="End session").click(timeout=30_000)
                    self.page.wait_for_url(
                        lambda u: urlparse(u).port == urlparse(self.base).port and "oauth2callback" not in u,
                        timeout=30_000,
                    )
                try:
                    done = self.page.evaluate(signed_out)
                except PlaywrightError:  # evaluated mid-navigation: look again
                    done = False
                if done:
                    return
                self.page.wait_for_timeout(300)
            print(f"sign-out click {attempt + 1} did not take effect yet")
        raise AssertionError("Sign out did not bring back the sign-in page")

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        settled(self.page)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.fixture()
def visit(browser, dashboard):
    v = Visit(browser, dashboard[0])
    yield v
    v.close()


def _audit_lines(log: Path) -> list[dict]:
    """The ``studio.audit`` lines: bare JSON objects, one per line, on the dashboard's stderr."""
    lines = log.read_text(errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.startswith('{"') and '"kind"' in line]


def test_signed_out_visitor_sees_only_the_sign_in_page(visit):
    for path in PAGE_PATHS:
        visit.open(path)
        visit.wait_text("Sign in")
        settled(visit.page)
        text = visit.page.inner_text("body")
        for leaked in ("SANDBOX", "Specimen", "Endpoint", "Upload", "Analyse", "sandbox-appkey"):
            assert leaked not in text, f"/{path} shows {leaked!r} to a signed-out visitor"
    blob = b"\n".join(visit.frames)
    for leaked_bytes in (b"sandbox-appkey", b"visa_blue_flat", b"127.0.0.1:", b"Public-key versions"):
        assert leaked_bytes not in blob, f"{leaked_bytes!r} reached a signed-out browser"
    visit.shot("signed_out.png")


def test_viewer_cannot_unmask_or_change_settings(visit, dashboard):
    visit.sign_in("viewer")
    visit.wait_text("Vic Viewer")
    visit.wait_text("Role: viewer")
    assert visit.page.get_by_role("switch", name="Mask personal data").count() == 0
    visit.wait_text("only an admin may unmask")
    visit.open("settings")
    visit.wait_text("Connection settings are for admins only")
    assert visit.page.get_by_text("Test connection").count() == 0
    visit.shot("viewer.png")
    visit.sign_out()
    kinds = [(e["kind"], e["user"]) for e in _audit_lines(dashboard[1])]
    assert ("sign_in", "vic@corp.test") in kinds
    assert ("sign_out", "vic@corp.test") in kinds


def test_analyst_has_no_masking_switch_and_no_settings(visit):
    visit.sign_in("analyst")
    visit.wait_text("Ann Analyst")
    visit.wait_text("Role: analyst")
    assert visit.page.get_by_role("switch", name="Mask personal data").count() == 0
    visit.open("settings")
    visit.wait_text("Connection settings are for admins only")
    visit.shot("analyst.png")
    visit.open("audit")  # not a page for an analyst: said in words (issue 20), not "Page not found"
    visit.wait_text("The Audit page is for admins only; your role is analyst")
    settled(visit.page)
    assert "Billed NHN Cloud calls" not in visit.page.inner_text("body")
    assert "Page not found" not in visit.page.inner_text("body")


def test_admin_may_unmask_and_every_unmask_is_audited(visit, dashboard):
    visit.sign_in("admin")
    visit.wait_text("Ada Admin")
    visit.wait_text("Role: admin")
    visit.page.get_by_role("switch", name="Mask personal data").wait_for(state="attached", timeout=30_000)
    visit.page.get_by_text("Mask personal data", exact=True).click()
    visit.wait_text("Masking is OFF")
    visit.open("settings")
    visit.wait_text("Test connection")
    visit.wait_text("Quotas of billed NHN Cloud calls")
    visit.shot("admin.png")
    visit.open("audit")
    visit.wait_text("Billed NHN Cloud calls per user and day")
    visit.page.wait_for_function(
        "t => document.body.innerHTML.includes(t)", arg="ada@corp.test", timeout=30_000
    )
    visit.shot("admin_audit.png")
    events = [e for e in _audit_lines(dashboard[1]) if e["user"] == "ada@corp.test"]
    assert any(e["kind"] == "unmask" and e["role"] == "admin" for e in events), events


def test_account_without_a_role_is_refused(visit):
    visit.sign_in("stranger")
    visit.wait_text("no role is configured")
    text = visit.page.inner_text("body")
    assert "Upload" not in text and "SANDBOX" not in text
    visit.shot("no_role.png")


def _download_urls(visit: Visit) -> list[str]:
    """Analyse a specimen and open Export: the downloads (masked result JSON and CSV) are this
    session's own files, served from ``/media/``; their URLs travel in the websocket frames."""
    page = visit.page
    visit.open("credit-card")
    page.get_by_role("radio", name="Upload", exact=True).click(timeout=60_000)
    page.locator('input[type="file"]').first.set_input_files(str(ROOT / "samples/cards/visa_blue_flat.png"))
    page.get_by_role("button", name=re.compile(r"^\W*Analyse$")).click(timeout=60_000)
    page.get_by_text("Export", exact=True).click(timeout=120_000)
    # the export's media URLs come over the websocket, on a loaded machine some time after the expander
    deadline = time.monotonic() + 60
    while True:
        settled(page)  # also lets Playwright deliver the frames received meanwhile
        found = set(re.findall(rb"/media/[0-9a-f]{16,}\.(json|csv)", b"\n".join(visit.frames)))
        if {b"json", b"csv"} <= found or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    urls = re.findall(rb"/media/[0-9a-f]{16,}\.(?:json|csv)", b"\n".join(visit.frames))
    return sorted({visit.base + f.decode() for f in urls})


def test_downloads_reach_only_the_signed_in_user_whose_session_made_them(browser, dashboard):
    """A download served to one signed-in session: not to an anonymous client, not to a colleague."""
    import urllib.error
    import urllib.request

    owner = Visit(browser, dashboard[0])
    colleague = Visit(browser, dashboard[0])
    try:
        owner.sign_in("analyst")
        owner.wait_text("Ann Analyst")
        urls = _download_urls(owner)
        assert urls, "no download URL reached the owner's browser"
        assert [owner.context.request.get(u).status for u in urls] == [200] * len(urls)
        for url in urls:
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(url, timeout=10)
            assert err.value.code == 404
        colleague.sign_in("viewer")
        colleague.wait_text("Vic Viewer")
        assert [colleague.context.request.get(u).status for u in urls] == [404] * len(urls)
        # A forged identity cookie is no better than none.
        forged = colleague.context.request.get(
            urls[0], headers={"Cookie": '_streamlit_user="{\\"email\\": \\"ann@corp.test\\"}"'}
        )
        assert forged.status == 404
    finally:
        owner.close()
        colleague.close()


def test_anonymous_upload_is_refused(dashboard):
    import urllib.error
    import urllib.request

    req = urllib.request.Request(
        f"{dashboard[0]}/_stcore/upload_file/some-session/some-file", data=b"x", method="PUT"
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code in (403, 404)


def _analysts_interrupted_cloud_run(db_url: str) -> int:
    """An analyst's NHN Cloud run, interrupted with items never sent, in the dashboard's database."""
    from store import session_factory
    from store.models import Item, Run

    with session_factory(db_url)() as s:
        run = Run(
            started_by="ann@corp.test",
            backend="cloud",
            endpoint="https://api-ocr.nhncloudservice.com",
            api_version="v2.0",
            service="credit-card",
            status="interrupted",
            total=6,
        )
        s.add(run)
        s.flush()
        s.add_all(
            [
                Item(run_id=run.id, position=i, source=0, image_name=f"card{i}.png", state="pending")
                for i in range(6)
            ]
        )
        s.commit()
        return run.id


def test_a_viewer_is_offered_no_resume_or_delete_on_an_analysts_run_and_an_admin_is(
    browser, dashboard, signin_database
):
    """Audit D10/D11 in the browser, as the people concerned: a viewer once resumed an analyst's cloud run
    (6 billed POSTs) and could delete anyone's run. The server refuses both (tests/test_run_permissions);
    here the Runs page does not offer them either, and an admin is offered both."""
    # The dashboard's queue recovers interrupted runs once, when a page first starts its consumer: let that
    # happen before the run exists, so the run stays as a crash left it (recovery would resume it).
    warm = Visit(browser, dashboard[0])
    try:
        warm.sign_in("viewer")
        warm.open("runs")
        warm.wait_text("Runs", timeout=90_000)
        warm.page.wait_for_timeout(3000)  # recovery runs in the server's background: no page condition
    finally:
        warm.close()
    run_id = _analysts_interrupted_cloud_run(signin_database)
    for who, offered in (("viewer", False), ("admin", True)):
        visit = Visit(browser, dashboard[0])
        try:
            visit.sign_in(who)
            visit.wait_text(f"Role: {who}")
            visit.open("runs")
            visit.wait_text("Compare two runs", timeout=90_000)  # the run is listed and opened
            settled(visit.page)
            visit.shot(f"runs_{who}.png")
            for label in ("Delete run", "Resume"):
                shown = visit.page.get_by_role("button", name=re.compile(label)).count() > 0
                assert shown is offered, f"{who}: {label!r} {'missing' if offered else 'offered'}"
        finally:
            visit.close()
    from sqlalchemy import delete

    from store import session_factory
    from store.models import Item, Run

    with session_factory(signin_database)() as s:
        assert s.get_one(Run, run_id).status == "interrupted"  # nobody clicked: nothing changed
        s.execute(delete(Item).where(Item.run_id == run_id))  # the session's database is shared: tidy up
        s.execute(delete(Run).where(Run.id == run_id))
        s.commit()
