"""The proxy-header sign-in mode for real: Debian's nginx with the shipped ``deploy/nginx/studio.conf``
and its SSO snippet ``sso-proxy.conf`` in front of ``./studio run``, configured to believe
``X-Forwarded-Email`` only on requests that carry the proxy's secret (``X-Studio-Proxy-Secret``, set by
nginx from a root-only snippet). The SSO proxy is a stand-in answering nginx's ``auth_request`` as
oauth2-proxy does (``X-Auth-Request-Email`` for a known session cookie, 401 otherwise). Chromium
through nginx gets the identity nginx sets, with its role and audit rows; Chromium straight at the
Streamlit port with a forged header — or through a relay that connects from another loopback address,
as any local account can (audit D13) — gets the signed-out page, and the attempt is audited. A
colleague cannot fetch another's ``/media`` file through nginx (audit D12), and the access log holds
no file ids."""

from __future__ import annotations

import json
import re
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from harness.browser import needs_chromium, settled
from harness.dashboard_process import free_port, studio_run, worker_log
from tests.support.http_stub import http_stub
from tests.support.tcp_relay import tcp_relay
from tests.support.tls_proxy import SsoProxy, nginx_available, nginx_proxy

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "sso-proxy"
PROXY_SECRET = (
    "sso-proxy-secret-" + "0123456789abcdef" * 3
)  # in nginx's 0600 snippet and the 0600 secrets file
OTHER_SOURCE = "127.0.0.2"  # the address the README once trusted: any local account can connect from it
SESSIONS = {
    "s-ann": "ann@corp.test",
    "s-ada": "ada@corp.test",  # the SSO proxy's signed-in sessions
    "s-bob": "bob@qa.corp.test",
}
SEEN_BY_SSO: list[dict[str, str]] = []  # the headers of every request the SSO stand-in received

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not nginx_available(), reason="Debian nginx is not installed (./studio test installs it)"
    ),
    needs_chromium,
]


class _SsoStandIn(BaseHTTPRequestHandler):
    """What oauth2-proxy answers nginx: 202 + ``X-Auth-Request-Email`` for a signed-in session, else 401;
    its sign-in page for the 401s nginx turns into a page."""

    def do_GET(self) -> None:
        SEEN_BY_SSO.append({k.lower(): v for k, v in self.headers.items()})
        if self.path.startswith("/oauth2/auth"):
            jar: SimpleCookie = SimpleCookie(self.headers.get("Cookie") or "")
            email = SESSIONS.get(jar["_sso"].value) if "_sso" in jar else None
            self.send_response(202 if email else 401)
            if email:
                self.send_header("X-Auth-Request-Email", email)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"<html><body><h1>Company SSO sign-in (stand-in)</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def sso() -> Iterator[str]:
    with http_stub(_SsoStandIn) as address:
        yield address


@pytest.fixture(scope="module")
def site(sso, tmp_path_factory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("sso-site")
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        f"""
[access]
proxy_user_header = "X-Forwarded-Email"
proxy_secret = "{PROXY_SECRET}"
admins = ["ada@corp.test"]
analysts = ["ann@corp.test", "@qa.corp.test"]
viewers = ["@corp.test"]
""",
        encoding="utf-8",
    )
    secrets_file.chmod(0o600)
    log = worker_log(ARTIFACTS / "dashboard.log")
    with (
        studio_run(log, STUDIO_SECRETS_FILE=str(secrets_file)) as direct,
        nginx_proxy(
            [int(urlsplit(direct).port or 0)], free_port(), folder / "nginx", sso=SsoProxy(sso, PROXY_SECRET)
        ) as https_url,
    ):
        yield {"https": https_url, "direct": direct, "log": log, "nginx": folder / "nginx"}
        # One request through nginx of our own, so the check below has something to read even when the
        # workers shared this module's tests out and none of this worker's went past the SSO check.
        assert _context_free_get(f"{https_url}/") == 401
    for leaked_in in (log, *(folder / "nginx").glob("*.log")):  # the secret is in no log
        assert PROXY_SECRET not in leaked_in.read_text(errors="replace"), leaked_in
    assert SEEN_BY_SSO and not [h for h in SEEN_BY_SSO if PROXY_SECRET in " ".join(h.values())]


def _context(browser, base: str, session: str | None = None, headers: dict[str, str] | None = None) -> Any:
    context = browser.new_context(
        ignore_https_errors=True, viewport={"width": 1280, "height": 1600}, extra_http_headers=headers or {}
    )
    if session is not None:
        context.add_cookies([{"name": "_sso", "value": session, "url": base}])
    return context


def _wait_text(page, text: str, timeout: float = 90_000) -> None:
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=text, timeout=timeout)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settled(page)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _audit_lines(log: Path) -> list[dict]:
    lines = log.read_text(errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.startswith('{"') and '"kind"' in line]


def test_without_an_sso_session_nginx_shows_the_sso_sign_in(site, browser):
    context = _context(browser, site["https"])
    try:
        page = context.new_page()
        page.goto(f"{site['https']}/", wait_until="domcontentloaded")
        _wait_text(page, "Company SSO sign-in")
        assert "Credit card" not in page.inner_text("body")
    finally:
        context.close()


def test_the_identity_nginx_sets_signs_the_analyst_in_and_a_forged_header_is_overwritten(site, browser):
    # Ann's browser also sends its own X-Forwarded-Email claiming to be the admin: nginx replaces it.
    seen_before = len(_audit_lines(site["log"]))  # the dashboard is shared by this module's tests
    context = _context(browser, site["https"], "s-ann", {"X-Forwarded-Email": "ada@corp.test"})
    try:
        page = context.new_page()
        page.goto(f"{site['https']}/credit-card", wait_until="domcontentloaded")
        _wait_text(page, "ann@corp.test")
        _wait_text(page, "Role: analyst")
        assert "ada@corp.test" not in page.inner_text("body")
        assert page.get_by_role("switch", name="Mask personal data").count() == 0
        page.get_by_role("radio", name="Upload", exact=True).click(timeout=60_000)
        page.locator('input[type="file"]').first.set_input_files(
            str(ROOT / "samples/cards/visa_blue_flat.png")
        )
        page.get_by_role("button", name=re.compile(r"^\W*Analyse$")).click(timeout=60_000)
        number = json.loads((ROOT / "samples/cards/visa_blue_flat.json").read_text("utf-8"))["fields"][
            "cardNumber"
        ]
        page.wait_for_function(
            "t => document.body.innerHTML.includes(t)", arg=f"{number[:6]}******", timeout=180_000
        )  # read, and masked for an analyst
        _shot(page, "analyst_through_nginx.png")
        page.goto(f"{site['https']}/settings", wait_until="domcontentloaded")
        _wait_text(page, "Connection settings are for admins only")
    finally:
        context.close()
    written = _audit_lines(site["log"])[seen_before:]
    events = [e for e in written if e["user"] == "ann@corp.test"]
    assert any(e["kind"] == "sign_in" and e["role"] == "analyst" for e in events), events
    calls = [e for e in events if e["kind"] == "api_call"]
    assert calls and all(
        e["role"] == "analyst" and e["service"] == "credit-card" and e["image_sha256"] for e in calls
    ), calls
    assert not [
        e for e in written if e["user"] == "ada@corp.test"
    ]  # the forged admin header signed nobody in


def test_the_admin_through_nginx_gets_the_admin_role(site, browser):
    context = _context(browser, site["https"], "s-ada")
    try:
        page = context.new_page()
        page.goto(f"{site['https']}/settings", wait_until="domcontentloaded")
        _wait_text(page, "Role: admin")
        _wait_text(page, "Quotas of billed NHN Cloud calls")
        _shot(page, "admin_through_nginx.png")
    finally:
        context.close()


def _forged_header_is_refused(browser, base: str, shot: str, secret_guess: str | None = None) -> None:
    headers = {"X-Forwarded-Email": "ada@corp.test"}
    if secret_guess is not None:
        headers["X-Studio-Proxy-Secret"] = secret_guess
    context = _context(browser, base, headers=headers)
    try:
        page = context.new_page()
        page.goto(f"{base}/settings", wait_until="domcontentloaded")
        _wait_text(page, "accepts the user header only from its configured SSO proxy")
        settled(page)
        text = page.inner_text("body")
        for leaked in ("Role:", "ada@corp.test", "Quotas", "SANDBOX", "Upload"):
            assert leaked not in text
        _shot(page, shot)
    finally:
        context.close()


def test_a_forged_header_straight_at_the_streamlit_port_signs_nobody_in_and_is_audited(site, browser):
    _forged_header_is_refused(browser, site["direct"], "forged_header_direct.png")
    forged = [
        e
        for e in _audit_lines(site["log"])
        if e["kind"] == "refused" and e.get("action") == "untrusted_user_header"
    ]
    assert forged and forged[-1]["user"] == "claimed:ada@corp.test", forged
    assert "from loopback" in forged[-1]["where"]  # 127.0.0.1: Streamlit reports no address


def test_a_local_account_connecting_from_another_loopback_address_is_nobody(site, browser):
    """Audit D13: a plain TCP pipe from 127.0.0.2 plus ``X-Forwarded-Email: <an admin>`` made its
    owner admin when the README trusted that address. With a guessed secret too, it signs nobody in."""
    direct = urlsplit(site["direct"])
    with tcp_relay((direct.hostname or "127.0.0.1", int(direct.port or 0)), OTHER_SOURCE) as port:
        _forged_header_is_refused(
            browser,
            f"http://127.0.0.1:{port}",
            "forged_from_127_0_0_2.png",
            secret_guess="x" * len(PROXY_SECRET),
        )
    forged = [
        e
        for e in _audit_lines(site["log"])
        if e["kind"] == "refused"
        and e.get("action") == "untrusted_user_header"
        and OTHER_SOURCE in e["where"]
    ]
    assert forged and forged[-1]["user"] == "claimed:ada@corp.test", forged


def test_a_colleague_cannot_fetch_anothers_media_through_nginx_and_the_log_keeps_no_ids(site, browser):
    """Audit D12: in proxy mode user B got user A's ``/media/<id>.json`` download (200) through nginx."""
    owner = _context(browser, site["https"], "s-bob")
    owner_b = _context(browser, site["https"], "s-bob")  # the same person in a second browser: their own file
    colleague = _context(browser, site["https"], "s-ada")  # an admin, even: a file is its owner's alone
    try:
        page = owner.new_page()
        page.goto(f"{site['https']}/credit-card", wait_until="domcontentloaded")
        _wait_text(page, "bob@qa.corp.test")
        page.get_by_role("radio", name="Upload", exact=True).click(timeout=60_000)
        page.locator('input[type="file"]').first.set_input_files(
            str(ROOT / "samples/cards/visa_blue_flat.png")
        )
        page.get_by_role("button", name=re.compile(r"^\W*Analyse$")).click(timeout=60_000)
        number = json.loads((ROOT / "samples/cards/visa_blue_flat.json").read_text("utf-8"))["fields"][
            "cardNumber"
        ]
        page.wait_for_function(
            "t => document.body.innerHTML.includes(t)", arg=f"{number[:6]}******", timeout=180_000
        )
        page.get_by_role("radio", name="Export", exact=True).click(timeout=60_000)  # the result's Export part
        button = page.get_by_role("button", name=re.compile("Download JSON"))
        button.wait_for(timeout=60_000)
        with page.expect_download(timeout=60_000) as download:
            button.click()
        url = download.value.url
        assert "/media/" in url, url
        assert owner.request.get(url).status == 200
        assert owner_b.request.get(url).status == 200
        assert colleague.request.get(url).status == 404
        assert _context_free_get(url) in (401, 404)  # no SSO session at all: nginx's sign-in page, or 404
        _shot(page, "media_owner.png")
        logged = "".join(p.read_text(errors="replace") for p in site["nginx"].glob("*access*.log"))
        media_id = urlsplit(url).path.rsplit("/", 1)[-1].split(".")[0]
        assert "/media/-redacted-" in logged and media_id not in logged
    finally:
        for context in (owner, owner_b, colleague):
            context.close()


def _context_free_get(url: str) -> int:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, timeout=30, context=ctx) as answer:
            body = answer.read()
            return 401 if b"Company SSO sign-in" in body else answer.status
    except urllib.error.HTTPError as err:
        return err.code


def test_internal_endpoints_are_not_served_through_nginx(site):
    """Audit D9: ``/_stcore/metrics`` answered anyone through the shipped nginx."""
    for path in ("/_stcore/metrics", "/_stcore/script-health-check"):
        assert _context_free_get(f"{site['https']}{path}") == 404
