"""The shipped reverse-proxy configuration, for real: Debian's nginx with a self-signed certificate in
front of the dashboard (started with ``./studio run``), and Chromium analysing a specimen through
``https://`` — the WebSocket upgrade, the XSRF cookie and the upload all have to cross the proxy."""

from __future__ import annotations

import json
import os
import re
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.browser import chromium, needs_chromium
from harness.dashboard_process import DashboardDidNotStart, free_port, running_dashboard, worker_log
from tests.support.tls_proxy import nginx_available, nginx_proxy

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "proxy"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not nginx_available(), reason="Debian nginx is not installed (./studio test installs it)"
    ),
    needs_chromium,
]


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[str]:
    # No sign-in configured here (that is test_signin_browser / test_sso_proxy_browser): serving what nginx
    # forwards is then the operator's explicit choice, as it would be for any address but loopback.
    port = free_port()
    env = {
        **os.environ,
        "STUDIO_PORT": str(port),
        "STUDIO_ADDRESS": "127.0.0.1",
        "STUDIO_ALLOW_ANONYMOUS": "1",
        "STUDIO_SECRETS_FILE": str(tmp_path_factory.mktemp("nosecrets") / "secrets.toml"),
    }
    try:
        with (
            running_dashboard(["./studio", "run"], env, port, worker_log(ARTIFACTS / "dashboard.log")),
            nginx_proxy([port], free_port(), tmp_path_factory.mktemp("nginx")) as https_url,
        ):
            yield https_url
    except DashboardDidNotStart as err:
        pytest.fail(str(err))


def _insecure() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    return ctx


def test_health_and_security_headers_over_tls(proxied):
    with urllib.request.urlopen(f"{proxied}/_stcore/health", context=_insecure(), timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
        assert resp.headers["X-Frame-Options"] == "DENY"


def test_internal_endpoints_stop_at_the_proxy(proxied):
    """Audit D9: ``/_stcore/metrics`` (the app's cached functions and timings) answered anyone."""
    for path in ("/_stcore/metrics", "/_stcore/script-health-check"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{proxied}{path}", context=_insecure(), timeout=10)
        assert err.value.code == 404


def test_bodies_over_the_api_limit_stop_at_the_proxy(proxied):
    req = urllib.request.Request(
        f"{proxied}/_stcore/upload_file/x/y", data=b"\0" * (22 * 1024 * 1024), method="PUT"
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, context=_insecure(), timeout=30)
    assert err.value.code == 413


def test_a_specimen_is_analysed_through_https(proxied):
    truth = json.loads((ROOT / "samples/cards/visa_blue_flat.json").read_text(encoding="utf-8"))["fields"]
    with chromium() as browser:
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 2400})
        page = context.new_page()
        sockets: list[str] = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.goto(f"{proxied}/credit-card", wait_until="domcontentloaded")  # "/" is the home page (issue 18)
        page.get_by_role("radio", name="Upload", exact=True).click(timeout=60_000)
        page.locator('input[type="file"]').first.set_input_files(
            str(ROOT / "samples/cards/visa_blue_flat.png")
        )
        page.get_by_role("button", name=re.compile(r"^\W*Analyse$")).click(timeout=60_000)
        page.wait_for_function(
            "t => document.body.innerHTML.includes(t)",
            arg=f"{truth['cardNumber'][:6]}******",
            timeout=120_000,
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "credit_card_https.png"), full_page=True)
        cookies = {c["name"]: c for c in context.cookies()}
    assert sockets and all(u.startswith("wss://127.0.0.1:") for u in sockets), sockets
    assert "_streamlit_xsrf" in cookies
