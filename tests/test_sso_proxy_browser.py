"""The proxy-header sign-in mode for real: Debian's nginx with the shipped ``deploy/nginx/studio.conf``
and its SSO snippet ``sso-proxy.conf`` in front of ``./studio run``, configured to trust
``X-Forwarded-Email`` only from nginx's own source address (127.0.0.2). The SSO proxy is a stand-in
answering nginx's ``auth_request`` as oauth2-proxy does (``X-Auth-Request-Email`` for a known session
cookie, 401 otherwise). Chromium through nginx gets the identity nginx sets, with its role and audit
rows; Chromium straight at the Streamlit port with a forged header gets the signed-out page, and the
attempt is audited."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.browser import needs_chromium
from tests.support.dashboard_process import free_port, studio_run
from tests.support.http_stub import http_stub
from tests.support.tls_proxy import SsoProxy, nginx_available, nginx_proxy

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "sso-proxy"
PROXY_SOURCE = "127.0.0.2"  # nginx connects to the dashboard from here (proxy_bind); nothing else is trusted
SESSIONS = {"s-ann": "ann@corp.test", "s-ada": "ada@corp.test"}  # the SSO proxy's signed-in sessions

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not nginx_available(), reason="Debian nginx is not installed (./studio test installs it)"),
    needs_chromium,
]


class _SsoStandIn(BaseHTTPRequestHandler):
    """What oauth2-proxy answers nginx: 202 + ``X-Auth-Request-Email`` for a signed-in session, else 401;
    its sign-in page for the 401s nginx turns into a page."""

    def do_GET(self) -> None:
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
    secrets_file.write_text(f"""
[access]
proxy_user_header = "X-Forwarded-Email"
trusted_proxies = ["{PROXY_SOURCE}"]
admins = ["ada@corp.test"]
analysts = ["ann@corp.test"]
viewers = ["@corp.test"]
""", encoding="utf-8")
    log = ARTIFACTS / "dashboard.log"
    with studio_run(log, STUDIO_SECRETS_FILE=str(secrets_file)) as direct, \
            nginx_proxy([int(urlsplit(direct).port or 0)], free_port(), folder / "nginx",
                        sso=SsoProxy(sso, PROXY_SOURCE)) as https_url:
        yield {"https": https_url, "direct": direct, "log": log}



def _context(browser, base: str, session: str | None = None, headers: dict[str, str] | None = None) -> Any:
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 1600},
                                  extra_http_headers=headers or {})
    if session is not None:
        context.add_cookies([{"name": "_sso", "value": session, "url": base}])
    return context


def _wait_text(page, text: str, timeout: float = 90_000) -> None:
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=text, timeout=timeout)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(800)
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
    context = _context(browser, site["https"], "s-ann", {"X-Forwarded-Email": "ada@corp.test"})
    try:
        page = context.new_page()
        page.goto(f"{site['https']}/", wait_until="domcontentloaded")
        _wait_text(page, "ann@corp.test")
        _wait_text(page, "Role: analyst")
        assert "ada@corp.test" not in page.inner_text("body")
        assert page.get_by_role("switch", name="Mask personal data").count() == 0
        page.get_by_role("radio", name="Upload", exact=True).click(timeout=60_000)
        page.locator('input[type="file"]').first.set_input_files(str(ROOT / "samples/cards/visa_blue_flat.png"))
        page.get_by_role("button", name=re.compile(r"^\W*Analyse$")).click(timeout=60_000)
        number = json.loads((ROOT / "samples/cards/visa_blue_flat.json").read_text("utf-8"))["fields"]["cardNumber"]
        page.wait_for_function("t => document.body.innerHTML.includes(t)", arg=f"{number[:6]}******",
                               timeout=180_000)  # read, and masked for an analyst
        _shot(page, "analyst_through_nginx.png")
        page.goto(f"{site['https']}/settings", wait_until="domcontentloaded")
        _wait_text(page, "Connection settings are for admins only")
    finally:
        context.close()
    events = [e for e in _audit_lines(site["log"]) if e["user"] == "ann@corp.test"]
    assert any(e["kind"] == "sign_in" and e["role"] == "analyst" for e in events), events
    calls = [e for e in events if e["kind"] == "api_call"]
    assert calls and all(e["role"] == "analyst" and e["service"] == "credit-card" and e["image_sha256"]
                         for e in calls), calls
    assert not [e for e in _audit_lines(site["log"]) if e["user"] == "ada@corp.test"]


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


def test_a_forged_header_straight_at_the_streamlit_port_signs_nobody_in_and_is_audited(site, browser):
    context = _context(browser, site["direct"], headers={"X-Forwarded-Email": "ada@corp.test"})
    try:
        page = context.new_page()
        page.goto(f"{site['direct']}/settings", wait_until="domcontentloaded")
        _wait_text(page, "accepts the user header only from its configured SSO proxy")
        page.wait_for_timeout(1000)
        text = page.inner_text("body")
        for leaked in ("Role:", "ada@corp.test", "Quotas", "SANDBOX", "Upload"):
            assert leaked not in text
        _shot(page, "forged_header_direct.png")
    finally:
        context.close()
    forged = [e for e in _audit_lines(site["log"]) if e["kind"] == "refused"
              and e.get("action") == "untrusted_user_header"]
    assert forged and forged[-1]["user"] == "claimed:ada@corp.test", forged
    assert "from loopback" in forged[-1]["where"]  # 127.0.0.1: Streamlit reports no address
