"""AppTest of Settings: backend choice, credentials shown only as configured/not, the connection
test in plain words (success and failure), presenter view."""

from __future__ import annotations

import socket
import time

import pytest

from tests.support.apptest import assert_clean, open_page, page_text, texts
from ui.session import SANDBOX_URL_ENV

pytestmark = pytest.mark.usefixtures("sandbox")
PAGE = "pages/settings.py"


def test_connection_test_fetches_both_keys(sandbox):
    sandbox.backend.rotate_key("id-card")
    at = open_page(PAGE)
    at.button(key="settings_test").click().run()
    assert_clean(at)
    ok = texts(at.success)
    assert any("credit-card public key version" in s for s in ok)
    assert any("id-card public key version" in s for s in ok)
    assert any("SANDBOX" in m for m in texts(at.sidebar.markdown))


def test_connection_failure_in_plain_words(monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv(SANDBOX_URL_ENV, dead)
    at = open_page(PAGE)
    at.button(key="settings_test").click().run()
    assert_clean(at)
    errors = texts(at.error)
    host = dead.removeprefix("http://")
    assert len(errors) == 2 and "Could not connect" in errors[0] and host in errors[0], errors
    assert "not tried" in errors[1] and "What to do" not in errors[0], errors
    assert not any("may have reached" in e for e in errors)


def test_connection_test_against_a_silent_proxy_is_quick_and_never_says_billed(monkeypatch):
    from ocr_core import constants
    from tests.support.silent_server import silent_server

    # The key GET's 8 s cap shortened to 2 s (tests/test_cloud_failures.py waits out the real one): the
    # page must use that cap, not the 30 s read timeout of an analysis.
    monkeypatch.setattr(constants, "SMALL_CALL_READ_TIMEOUT", 2.0)
    with silent_server() as url:
        monkeypatch.setenv(SANDBOX_URL_ENV, url)
        at = open_page(PAGE)
        start = time.monotonic()
        at.button(key="settings_test").click().run()
        elapsed = time.monotonic() - start
    assert_clean(at)
    errors = texts(at.error)
    assert elapsed < 12, f"the test greyed the page for {elapsed:.0f} s"
    assert url.removeprefix("http://") in errors[0] and "no answer in time" in errors[0], errors
    assert "nothing was billed" in errors[0] and not any("may have reached" in e for e in errors)
    assert not at.success


def test_cloud_v21_without_user_access_key_is_not_reported_as_connected(monkeypatch):
    monkeypatch.setenv("NHN_OCR_APPKEY", "app-key-123")
    monkeypatch.setenv("NHN_OCR_SECRETKEY", "secret-123")
    for var in ("NHN_OCR_UAK_ID", "NHN_OCR_UAK_SECRET"):
        monkeypatch.delenv(var, raising=False)
    at = open_page(PAGE)
    at.radio(key="settings_backend").set_value("cloud").run()
    at.radio(key="settings_api_version").set_value("v2.1").run()
    at.button(key="settings_test").click().run()
    assert_clean(at)
    assert not at.success, texts(at.success)
    assert any("Not tested" in w and "v2.1" in w and "User Access Key" in w for w in texts(at.warning))


def test_connection_success_names_the_backend_tested():
    at = open_page(PAGE)
    at.button(key="settings_test").click().run()
    assert all("SANDBOX" in s and "127.0.0.1" in s for s in texts(at.success)), texts(at.success)


def test_cloud_credentials_are_never_shown(monkeypatch):
    secret = "s3cr3t-value-that-must-not-leak"
    monkeypatch.setenv("NHN_OCR_APPKEY", "app-key-123")
    monkeypatch.setenv("NHN_OCR_SECRETKEY", secret)
    at = open_page(PAGE)
    at.radio(key="settings_backend").set_value("cloud").run()
    assert_clean(at)
    assert any("configured ✓" in m for m in texts(at.markdown))
    assert secret not in page_text(at)
    assert any("NHN CLOUD" in m for m in texts(at.sidebar.markdown))


def test_cloud_without_credentials_stays_on_the_sandbox(monkeypatch):
    for var in ("NHN_OCR_APPKEY", "NHN_OCR_SECRETKEY"):
        monkeypatch.delenv(var, raising=False)
    at = open_page(PAGE)
    at.radio(key="settings_backend").set_value("cloud").run()
    assert_clean(at)
    assert any("needs credentials" in w for w in texts(at.warning))
    assert any("SANDBOX" in m for m in texts(at.sidebar.markdown))


def test_presenter_view_hides_the_json_view_and_uses_html_tables():
    at = open_page(PAGE)
    at.toggle(key="settings_presenter").set_value(True).run()
    at.switch_page("pages/credit_card.py").run()
    at.selectbox(key="cc_specimen").set_value("cards/visa_blue_flat.png").run()
    at.button(key="cc_analyze").click().run()
    assert_clean(at)
    views = at.segmented_control(key="cc_view").options
    # no JSON and, since issue 18 item 3, no envelope either: engineering detail, not for the room
    assert "JSON" not in views and "Envelope" not in views and "Export" in views
    assert not at.json
    # tables the large type can reach (escaped HTML, not the canvas grid): quality checks and Key/Value
    tables = [h.proto.body for h in at.html if "studio-table" in h.proto.body and "<table" in h.proto.body]
    assert len(tables) == 2 and not at.dataframe and not at.table
    assert "<th>Value</th>" in tables[1]


def test_v21_tokens_and_base64_parts_reach_the_sandbox():
    at = open_page(PAGE)
    at.radio(key="settings_api_version").set_value("v2.1").run()
    at.radio(key="settings_encoding").set_value("base64").run()
    assert any("`v2.1`" in m for m in texts(at.sidebar.markdown))
    at.switch_page("pages/credit_card.py").run()
    at.selectbox(key="cc_specimen").set_value("cards/visa_blue_flat.png").run()
    at.button(key="cc_analyze").click().run()
    assert_clean(at)
    assert not at.error, texts(at.error)
    at.segmented_control(key="cc_view").set_value("export").run()
    curl = " ".join(c.value for c in at.code)
    assert "/v2.1/appkeys/${APPKEY}/credit-card" in curl and "Bearer ${TOKEN}" in curl


def test_embedded_sandbox_starts_once_per_process_and_keeps_its_state(monkeypatch):
    from ui import session

    monkeypatch.delenv(SANDBOX_URL_ENV, raising=False)
    try:
        first = open_page(PAGE)
        first.button(key="settings_test").click().run()
        endpoint = next(m for m in texts(first.sidebar.markdown) if "Endpoint" in m)
        second = open_page(PAGE)  # another browser session on the same server process
        assert endpoint in texts(second.sidebar.markdown)
        assert any("credit-card v1, id-card v1" in m for m in texts(second.sidebar.markdown))
        assert session.sandbox_handle().embedded
    finally:
        session._embedded_sandbox().stop()
        session._embedded_sandbox.clear()


def test_refused_credentials_are_reported_with_their_result_code(monkeypatch):
    from sandbox.config import SandboxConfig
    from sandbox.server import start_sandbox

    with start_sandbox(SandboxConfig(secret_key="another-secret")) as strict:  # refuses the demo secret
        monkeypatch.setenv(SANDBOX_URL_ENV, strict.base_url)
        at = open_page(PAGE)
        at.button(key="settings_test").click().run()
    assert_clean(at)
    errors = texts(at.error)
    assert len(errors) == 2 and all("4010001" in e for e in errors), errors
    assert "another-secret" not in page_text(at)
