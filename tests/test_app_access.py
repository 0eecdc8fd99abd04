"""AppTest of sign-in and roles on the server side: ``st.user`` seeded as Streamlit's AppTest allows,
``[auth]``/``[access]``/``[quotas]`` in the test's secrets, and crafted session state or widget values
that a tampering client could send. The policy must hold at the action, whatever the state says."""

from __future__ import annotations

import pytest

from tests.support.apptest import assert_clean, html_tables, page_text, texts, truth
from tests.support.people import PEOPLE, open_as
from ui.session import Connection

pytestmark = pytest.mark.usefixtures("sandbox")
SPECIMEN = "cards/visa_blue_flat.png"


def _audit(kind: str, user: str) -> list[dict]:
    from ui.billing import ledger

    return [r for r in ledger().events(user=user, kinds=[kind])]


def test_signed_out_runs_no_page_script():
    at = open_as(None)
    assert_clean(at)
    assert [b.label for b in at.button] == ["Sign in"]
    text = page_text(at)
    for leaked in ("Specimen", "SANDBOX", "Analyse", "sandbox-appkey", "visa_blue_flat"):
        assert leaked not in text


def test_crafted_unmask_by_a_viewer_still_shows_masked_values():
    at = open_as("viewer", "pages/credit_card.py", masking=False)
    assert_clean(at)
    assert "masking" not in [
        w.key for w in at.sidebar.toggle
    ]  # no masking switch to flip (presenter view is one)
    at.selectbox(key="cc_specimen").set_value(SPECIMEN).run()
    at.button(key="cc_analyze").click().run()
    assert_clean(at)
    number = truth(SPECIMEN)["cardNumber"]
    assert number not in page_text(at)
    assert f"{number[:6]}******{number[-4:]}" in page_text(at)


def test_admin_unmask_is_honoured_and_audited():
    at = open_as("admin")
    at.sidebar.toggle(key="masking").set_value(False).run()
    assert_clean(at)
    assert any("Masking is OFF" in w for w in texts(at.sidebar.warning))
    assert _audit("unmask", "ada@corp.test")


def test_crafted_cloud_choice_by_a_viewer_stays_on_the_sandbox(monkeypatch):
    monkeypatch.setenv("NHN_OCR_APPKEY", "app-key")
    monkeypatch.setenv("NHN_OCR_SECRETKEY", "secret-key")
    at = open_as("viewer", connection=Connection(backend="cloud"))
    assert_clean(at)
    assert any("SANDBOX" in m for m in texts(at.sidebar.markdown))
    assert not any("NHN CLOUD" in m for m in texts(at.sidebar.markdown))


def test_settings_are_admin_only():
    at = open_as("analyst", "pages/settings.py")
    assert_clean(at)
    assert any("admins only" in i for i in texts(at.info))
    assert not at.radio and not at.number_input  # neither the connection form nor the quotas
    admin = open_as("admin", "pages/settings.py")
    assert_clean(admin)
    assert admin.radio(key="settings_backend") is not None
    assert len(admin.number_input) == 4


def _newest_id() -> int:
    from ui.billing import ledger

    return max((r["id"] for r in ledger().events(limit=1)), default=0)


@pytest.mark.parametrize(("page", "url"), [("pages/audit.py", "/audit"), ("pages/roles.py", "/roles")])
@pytest.mark.parametrize("who", ["viewer", "analyst"])
def test_an_admin_page_followed_by_someone_else_is_explained_and_audited(who, page, url):
    """Not Streamlit's "Page not found": the page is there (hidden from the menu), says why not in words
    and leaves a refusal row (issue 20)."""
    at = open_as(who)
    before = _newest_id()
    at.switch_page(page).run()
    assert_clean(at)
    errors = texts(at.error)
    assert any("for admins only" in e and f"your role is {who}" in e for e in errors), errors
    assert "Billed NHN Cloud calls" not in page_text(at) and not at.text_input and not at.dataframe
    refused = [r for r in _audit("refused", PEOPLE[who]["email"]) if r["id"] > before]
    assert [r["action"] for r in refused] in (["page:audit"], ["page:settings"]), refused


def test_audit_page_for_admins_only():
    admin = open_as("admin", "pages/audit.py")
    assert_clean(admin)
    text = page_text(admin)
    assert "Who" in text and "Outcome" in text
    for column in ("api_version", "result_code", "request_key_hash", "settings_change"):
        assert column not in text, column


def test_the_audit_page_of_a_fresh_database_says_no_rows_and_no_error():
    """The local administrator's first visit (no sign-in, no row yet): an empty table drew an error box."""
    from tests.support.apptest import open_page

    at = open_page("pages/audit.py")
    assert_clean(at)
    assert not at.error and any(c.value.startswith("0 rows") for c in at.caption)


def test_analyst_over_quota_is_refused_before_anything_is_sent(monkeypatch, sandbox):
    monkeypatch.setenv("NHN_OCR_APPKEY", "app-key")
    monkeypatch.setenv("NHN_OCR_SECRETKEY", "secret-key")
    at = open_as("analyst", "pages/credit_card.py", quotas={"user_daily_analysis": 0})
    assert_clean(at)
    assert any("NHN CLOUD" in m for m in texts(at.sidebar.markdown))
    assert any("0 of 0 today" in c for c in texts(at.sidebar.caption))
    at.selectbox(key="cc_specimen").set_value(SPECIMEN).run()
    before = max(
        (r["id"] for r in _audit("api_call", "ann@corp.test") + _audit("refused", "ann@corp.test")), default=0
    )  # the studio database is shared: only this click's rows count
    at.button(key="cc_analyze").click().run()
    assert_clean(at)
    assert any("daily quota of 0 billed analysis calls" in e for e in texts(at.error)), texts(at.error)
    refused = [r for r in _audit("refused", "ann@corp.test") if r["id"] > before]
    assert any(r["action"] == "quota:user_daily" and r["backend"] == "cloud" for r in refused)
    assert not [
        r for r in _audit("api_call", "ann@corp.test") if r["backend"] == "cloud" and r["id"] > before
    ]


def test_a_call_whose_analysis_never_went_out_is_given_back_to_the_quota(monkeypatch, sandbox):
    """Through a proxy that accepts and never answers, the free public-key GET times out: the analysis
    POST was never sent, so the quota unit is refunded and the next try is not refused (issue 12)."""
    from ocr_core import constants
    from tests.support.silent_server import silent_server
    from ui import session

    monkeypatch.setattr(constants, "SMALL_CALL_READ_TIMEOUT", 1.0)  # the cap is not what is tested here
    monkeypatch.setenv("NHN_OCR_APPKEY", "app-key")
    monkeypatch.setenv("NHN_OCR_SECRETKEY", "secret-key")
    with silent_server() as url:
        monkeypatch.setitem(session.ENDPOINT_URLS, "current", url)
        at = open_as("analyst", "pages/credit_card.py", quotas={"user_daily_analysis": 1})
        at.selectbox(key="cc_specimen").set_value(SPECIMEN).run()
        for _ in range(2):
            at.button(key="cc_analyze").click().run()
            assert_clean(at)
            errors = texts(at.error)
            assert any("nothing was billed" in e for e in errors), errors
            assert not any("quota" in e for e in errors), errors


def test_audit_page_filters_by_door_a_qa_run_or_the_command_line():
    from access.audit import AuditEvent
    from ui.billing import ledger

    book = ledger()
    for where in ("qa-run:41", "qa-run:41", "qa-run:9", "cli", "/credit-card"):
        book.append(
            AuditEvent(
                kind="api_call",
                user="door@corp.test",
                role="",
                where=where,
                backend="cloud",
                service="credit-card",
                result_code=0,
            )
        )
    at = open_as("admin", "pages/audit.py")
    door = at.selectbox(key="audit_door")
    doors = list(door.options)
    assert doors[1] == "Command line" and doors.index("QA run 41") < doors.index(
        "QA run 9"
    )  # newest run first
    door.set_value("qa-run:41").run()
    assert_clean(at)
    shown = html_tables(at)[0]
    assert len(shown) == 2 and {r["Where"] for r in shown} == {"QA run 41 · NHN Cloud — billed"}
    assert {r["What"] for r in shown} == {"Sent a Credit card request"}, shown
