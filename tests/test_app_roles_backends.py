"""Issue 20 on the server side (AppTest): backends per role chosen per analysis and per lab run, the door
that refuses what a role may not use, refusals that offer only what the person can do, the Roles page,
settings saved as one audit row saying from → to, and the audit in words and as an Excel-ready CSV.

Rules and grants live in the session-wide studio database: every test puts back what it changed
(``restored``), and counts only audit rows newer than the ones it found."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, insert, select

from access import Role
from access.audit import AuditEvent, change_detail
from access.backends import BUILT_IN, BackendRuleError, RoleBackends, choices, read_rules, resolve, validated
from tests.support.apptest import assert_clean, html_tables, page_text, texts
from tests.support.people import PEOPLE, open_as

pytestmark = pytest.mark.usefixtures("sandbox")
SPECIMEN = "cards/visa_blue_flat.png"


@pytest.fixture
def restored() -> Iterator[None]:
    """Put the studio settings and role grants back as they were (other tests share the database)."""
    from access.ledger import studio_settings
    from access.roles import role_grants
    from ui.access import forget_grants
    from ui.backend_choice import forget_rules
    from ui.billing import ledger

    engine = ledger().engine
    with engine.connect() as conn:
        settings = [dict(r._mapping) for r in conn.execute(select(studio_settings))]
        grants = [dict(r._mapping) for r in conn.execute(select(role_grants))]
    yield
    with engine.begin() as conn:
        conn.execute(delete(studio_settings))
        conn.execute(delete(role_grants))
        if settings:
            conn.execute(insert(studio_settings), settings)
        if grants:
            conn.execute(insert(role_grants), grants)
    forget_rules()
    forget_grants()


@pytest.fixture
def cloud_credentials(monkeypatch) -> None:
    monkeypatch.setenv("NHN_OCR_APPKEY", "app-key")
    monkeypatch.setenv("NHN_OCR_SECRETKEY", "secret-key")


def _set_rule(role: Role, allowed: tuple[str, ...], default: str) -> None:
    from access.backends import stored_settings
    from ui.backend_choice import forget_rules
    from ui.billing import ledger

    for key, value in stored_settings(role, validated(role, allowed, default)).items():
        ledger().set_setting(key, value)
    forget_rules()


def _newest() -> int:
    from ui.billing import ledger

    return max((r["id"] for r in ledger().events(limit=1)), default=0)


def _rows_since(before: int, user: str) -> list[dict]:
    from ui.billing import ledger

    return sorted((r for r in ledger().events(user=user) if r["id"] > before), key=lambda r: r["id"])


# ---------------------------------------------------------------- the rules, UI-free


def test_built_in_rules_keep_what_each_role_had():
    rules = read_rules(lambda key: None)
    assert rules == BUILT_IN
    assert choices(rules[Role.VIEWER], Role.VIEWER, cloud_ready=True) == ("sandbox",)
    assert choices(rules[Role.ANALYST], Role.ANALYST, cloud_ready=True) == ("sandbox", "cloud")
    assert resolve(rules[Role.ANALYST], Role.ANALYST, None, cloud_ready=True) == "cloud"
    assert resolve(rules[Role.ANALYST], Role.ANALYST, None, cloud_ready=False) == "sandbox"
    assert resolve(rules[Role.ANALYST], Role.ANALYST, "sandbox", cloud_ready=True) == "sandbox"


def test_a_rule_cannot_give_viewers_the_cloud_or_be_empty_or_start_elsewhere():
    for allowed, default, why in (
        ((), "sandbox", "no_backend"),
        (("sandbox", "cloud"), "cloud", "cloud_not_for_role"),
        (("sandbox",), "cloud", "default_not_allowed"),
    ):
        with pytest.raises(BackendRuleError, match=why):
            validated(Role.VIEWER, allowed, default)
    stored = {"backends.viewer": "sandbox,cloud", "backends.viewer.default": "cloud"}  # edited by hand
    assert read_rules(stored.get)[Role.VIEWER] == BUILT_IN[Role.VIEWER]


def test_a_cloud_only_role_without_cloud_credentials_has_nothing():
    cloud_only = RoleBackends(("cloud",), "cloud")
    assert resolve(cloud_only, Role.ANALYST, "sandbox", cloud_ready=False) is None
    assert resolve(cloud_only, Role.ANALYST, "sandbox", cloud_ready=True) == "cloud"


def test_role_grants_add_to_the_file_and_never_lower_it():
    from access.config import RoleRules

    rules = RoleRules(admins=("ada@corp.test",), analysts=("group:ocr-analysts",), viewers=("@corp.test",))
    granted = [
        ("col@corp.test", Role.ANALYST),
        ("@partner.test", Role.VIEWER),
        ("ada@corp.test", Role.VIEWER),
        ("group:auditors", Role.ADMIN),
    ]
    assert rules.role_for("col@corp.test", (), granted) == Role.ANALYST  # raised from viewer
    assert rules.role_for("pat@partner.test", (), granted) == Role.VIEWER  # a domain the file does not name
    assert rules.role_for("ada@corp.test", (), granted) == Role.ADMIN  # the file is the floor
    assert rules.role_for("x@elsewhere.test", ("Auditors",), granted) == Role.ADMIN
    assert rules.role_for("x@elsewhere.test", (), granted) is None


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ("", "rol.err_empty"),
        ("ann", "rol.err_person"),
        ("@corp", "rol.err_domain"),
        ("group:two words", "rol.err_group"),
        ("x" * 321 + "@corp.test", "rol.err_long"),
    ],
)
def test_a_rule_that_is_not_a_person_domain_or_group_is_refused_with_why(rule, why):
    from access.roles import RuleError, normalised

    with pytest.raises(RuleError, match=why):
        normalised(rule)
    assert normalised("  Ann@Corp.Test ") == "ann@corp.test"


# ---------------------------------------------------------------- choosing, and the door


def test_an_analyst_chooses_per_analysis_and_each_goes_where_chosen(cloud_credentials, sandbox, restored):
    """The sidebar offers both; a sandbox analysis reaches the sandbox. (The cloud choice is sent for real
    in tests/test_roles_backends_browser.py, through the NHN Cloud edge.)"""
    at = open_as("analyst", "pages/credit_card.py")
    assert_clean(at)
    choice = at.sidebar.radio(key="side_backend")
    assert list(choice.options) == ["Local sandbox — no charges", "NHN Cloud — billed"]
    assert choice.value == "cloud"  # the analysts' default while no admin changed it
    choice.set_value("sandbox").run()
    assert any("SANDBOX" in m for m in texts(at.sidebar.markdown))
    at.selectbox(key="cc_specimen").set_value(SPECIMEN).run()
    sent = sandbox.backend.journal.calls("credit-card")
    at.button(key="cc_analyze").click().run()
    assert_clean(at)
    assert sandbox.backend.journal.calls("credit-card") == sent + 1


def test_the_settings_page_tells_an_analyst_where_to_choose_and_a_viewer_nothing(cloud_credentials):
    analyst = open_as("analyst", "pages/settings.py")
    assert any("in the sidebar (“Send analyses to”)" in c for c in texts(analyst.caption))
    viewer = open_as("viewer", "pages/settings.py")
    assert not any("Send analyses to" in c for c in texts(viewer.caption))


def test_a_viewer_has_no_choice_to_make(cloud_credentials):
    at = open_as("viewer", "pages/credit_card.py")
    assert_clean(at)
    assert not [r for r in at.sidebar.radio if r.key == "side_backend"]
    assert any("SANDBOX" in m for m in texts(at.sidebar.markdown))


def test_an_admins_rule_moves_analysts_to_the_sandbox_at_their_next_action(cloud_credentials, restored):
    at = open_as("analyst", "pages/credit_card.py")
    assert at.sidebar.radio(key="side_backend").value == "cloud"
    _set_rule(Role.ANALYST, ("sandbox",), "sandbox")
    at.run()
    assert_clean(at)
    assert not [r for r in at.sidebar.radio if r.key == "side_backend"]
    assert any("SANDBOX" in m for m in texts(at.sidebar.markdown))


def test_nothing_to_use_is_said_and_the_door_refuses_and_audits(monkeypatch, sandbox, restored):
    """Analysts on NHN Cloud only, which is not configured: the sidebar says so, and Analyse is refused
    at the door — nothing reaches any server, one refusal row."""
    monkeypatch.delenv("NHN_OCR_APPKEY", raising=False)
    _set_rule(Role.ANALYST, ("cloud",), "cloud")
    at = open_as("analyst", "pages/credit_card.py")
    assert any("only NHN Cloud, which is not configured" in w for w in texts(at.sidebar.warning))
    at.selectbox(key="cc_specimen").set_value(SPECIMEN).run()
    before, sent = _newest(), sandbox.backend.journal.calls("credit-card")
    at.button(key="cc_analyze").click().run()
    assert_clean(at)
    assert any("not allowed for your role, and nothing else is available" in e for e in texts(at.error))
    assert sandbox.backend.journal.calls("credit-card") == sent
    rows = _rows_since(before, PEOPLE["analyst"]["email"])
    assert [(r["kind"], r["action"]) for r in rows] == [("refused", "backend:sandbox")]


@pytest.mark.parametrize(("allowed", "says_sandbox"), [(("sandbox", "cloud"), True), (("cloud",), False)])
def test_a_quota_refusal_offers_the_sandbox_only_to_who_may_use_it(
    cloud_credentials, restored, allowed, says_sandbox
):
    _set_rule(Role.ANALYST, allowed, "cloud")
    at = open_as("analyst", "pages/credit_card.py", quotas={"user_daily_analysis": 0})
    at.selectbox(key="cc_specimen").set_value(SPECIMEN).run()
    at.button(key="cc_analyze").click().run()
    assert_clean(at)
    errors = " ".join(texts(at.error))
    assert "daily quota of 0" in errors
    assert ("Local sandbox — no charges" in errors) is says_sandbox, errors
    assert "Ask an admin" in errors or "ask an admin" in errors


def test_the_lab_form_offers_the_roles_backends_and_the_viewer_only_the_sandbox(cloud_credentials, restored):
    analyst = open_as("analyst", "pages/qa_lab.py")
    assert_clean(analyst)
    lab = analyst.radio(key="lab_backend")
    assert list(lab.options) == ["Local sandbox — no charges", "NHN Cloud — billed"] and lab.value == "cloud"
    lab.set_value("sandbox").run()
    assert "I confirm" not in page_text(analyst)  # no billed-call confirmation for a sandbox run
    viewer = open_as("viewer", "pages/qa_lab.py")
    assert not [r for r in viewer.radio if r.key == "lab_backend"]
    assert any("only backend your role may use" in c for c in texts(viewer.caption))
    assert "change it on the Settings page" not in page_text(viewer)


# ---------------------------------------------------------------- settings: one save, one row, from → to


def test_a_quota_save_is_one_row_saying_from_and_to(restored):
    at = open_as("admin", "pages/settings.py", quotas={"user_daily_analysis": 3})
    before = _newest()
    at.number_input[0].set_value(5)
    at.button(key="FormSubmitter:settings_quotas-Save quotas").click().run()
    assert_clean(at)
    rows = _rows_since(before, PEOPLE["admin"]["email"])
    assert [(r["kind"], r["action"], json.loads(r["detail"])) for r in rows] == [
        ("settings_change", "quotas", {"user_daily_analysis": [3, 5]})
    ]
    before = _newest()
    at.button(key="FormSubmitter:settings_quotas-Save quotas").click().run()  # nothing changed
    assert any("Nothing changed" in i for i in texts(at.info))
    assert _rows_since(before, PEOPLE["admin"]["email"]) == []


def test_a_backends_save_is_one_row_and_a_bad_rule_is_refused_in_words(restored):
    at = open_as("admin", "pages/settings.py")
    before = _newest()
    at.multiselect(key="settings_backends_analyst").set_value(["sandbox"])
    at.button(key="FormSubmitter:settings_backends-Save backends").click().run()
    assert_clean(at)
    assert any("must be one it may use" in e for e in texts(at.error))  # default still cloud
    assert _rows_since(before, PEOPLE["admin"]["email"]) == []
    at.multiselect(key="settings_backends_analyst").set_value(["sandbox"])
    at.selectbox(key="settings_backends_analyst_default").set_value("sandbox")
    at.button(key="FormSubmitter:settings_backends-Save backends").click().run()
    assert_clean(at)
    rows = _rows_since(before, PEOPLE["admin"]["email"])
    assert [(r["action"], json.loads(r["detail"])) for r in rows] == [
        (
            "backends",
            {
                "backends.analyst": [
                    {"allowed": ["sandbox", "cloud"], "default": "cloud"},
                    {"allowed": ["sandbox"], "default": "sandbox"},
                ]
            },
        )
    ]


def test_a_connection_change_by_an_admin_says_what_changed():
    at = open_as("admin", "pages/settings.py")
    before = _newest()
    at.radio(key="settings_api_version").set_value("v2.1").run()
    rows = _rows_since(before, PEOPLE["admin"]["email"])
    assert [(r["action"], json.loads(r["detail"])) for r in rows] == [
        ("connection", {"api_version": ["v2.0", "v2.1"]})
    ]


# ---------------------------------------------------------------- the Roles page


def test_an_admin_gives_a_colleague_the_analyst_role_and_it_holds_at_their_next_visit(restored):
    before_role = open_as(None)  # (signed out: nothing)
    assert_clean(before_role)
    colleague = {"is_logged_in": True, "email": "col@corp.test", "name": "Col League"}
    at = open_as("admin", "pages/roles.py")
    assert_clean(at)
    before = _newest()
    at.text_input(key="roles_rule").input("Col@Corp.Test")
    at.selectbox(key="roles_role").set_value(Role.ANALYST)
    at.button(key="FormSubmitter:roles_grant-Give this role").click().run()
    assert_clean(at)
    assert any("`col@corp.test` now has the role analyst" in s for s in texts(at.success))
    rows = _rows_since(before, PEOPLE["admin"]["email"])
    assert [(r["kind"], json.loads(r["detail"])) for r in rows] == [
        ("role_change", {"col@corp.test": [None, "analyst"]})
    ]
    assert any(r.get("Person, domain or group") == "col@corp.test" for t in html_tables(at) for r in t)
    at.text_input(key="roles_check_email").input("col@corp.test").run()
    assert any(
        "`col@corp.test` gets **analyst** (the secrets file alone: viewer)" in m for m in texts(at.markdown)
    ), texts(at.markdown)

    from streamlit.testing.v1 import AppTest

    from tests.support.apptest import APP, TIMEOUT
    from tests.support.people import ACCESS, AUTH

    seen = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    seen.secrets["auth"], seen.secrets["access"] = AUTH, ACCESS
    seen.user = colleague
    seen.run()
    assert any("Role: analyst" in c for c in texts(seen.sidebar.caption))

    at.selectbox(key="roles_remove_rule").set_value("col@corp.test")
    at.button(key="roles_remove").click().run()
    assert_clean(at)
    rows = _rows_since(before, PEOPLE["admin"]["email"])
    assert json.loads(rows[-1]["detail"]) == {"col@corp.test": ["analyst", None]}
    seen.run()
    assert any("Role: viewer" in c for c in texts(seen.sidebar.caption))  # back to what the file gives


def test_a_bad_rule_is_said_and_nothing_is_written(restored):
    at = open_as("admin", "pages/roles.py")
    before = _newest()
    at.text_input(key="roles_rule").input("not an address")
    at.button(key="FormSubmitter:roles_grant-Give this role").click().run()
    assert any("not an e-mail address" in e for e in texts(at.error))
    assert _rows_since(before, PEOPLE["admin"]["email"]) == []


# ---------------------------------------------------------------- the audit in words


def _seed(user: str) -> None:
    from ui.billing import ledger

    book = ledger()
    book.append(
        AuditEvent(
            kind="settings_change",
            user=user,
            role="admin",
            where="/settings",
            action="quotas",
            detail=change_detail({"user_daily_analysis": (3, 5), "monthly_analysis": (None, 100)}),
        )
    )
    book.append(
        AuditEvent(
            kind="api_call",
            user=user,
            role="analyst",
            where="/credit-card",
            backend="cloud",
            api_version="v2.0",
            service="credit-card",
            result_code=4000001,
            latency_ms=12.0,
        )
    )
    book.append(AuditEvent(kind="refused", user=user, role="viewer", where="/audit", action="page:audit"))


def test_the_audit_page_in_korean_has_no_column_names_or_snake_case(restored):
    _seed("words@corp.test")
    at = open_as("admin", "pages/audit.py", lang="ko")
    assert_clean(at)
    rows = [r for r in html_tables(at)[0] if r.get("누가", "").startswith("words@corp.test")]  # newest first
    assert len(rows) == 3, rows
    assert set(rows[0]) == {"시각", "누가", "무엇을", "어디서", "결과"}
    said = " ".join(" ".join(r.values()) for r in rows)
    assert "사용자별 하루 분석 한도: 3 → 5" in said and "배포 전체 월간 분석 한도: 제한 없음 → 100" in said
    assert "거부: 관리자 페이지를 열려고 함" in said and "실패 (코드 4000001)" in said
    for raw in ("settings_change", "api_call", "page:audit", "user_daily_analysis", "credit-card", "cloud"):
        assert raw not in said, raw


def test_the_audit_csv_opens_in_excel_with_a_bom_and_local_time():
    from ui.audit_view import csv_bytes

    at = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    rows = [
        {
            "at": at,
            "user": "=evil@corp.test",
            "role": "admin",
            "kind": "settings_change",
            "action": "quotas",
            "detail": change_detail({"user_daily_analysis": (3, 5)}),
            "result_code": None,
        }
    ]
    data = csv_bytes(rows, "ko", timezone(timedelta(hours=9), "KST"))
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][:4] == ["시각", "시간대", "무엇을", "결과"]
    assert table[1][0] == "2026-12-07 08:30:00" and table[1][1] == "KST"
    assert "사용자별 하루 분석 한도: 3 → 5" in table[1][2]
    assert table[1][table[0].index("user")] == "'=evil@corp.test"


def test_an_analyst_restricted_to_the_sandbox_cannot_resend_on_their_cloud_run(
    cloud_credentials, sandbox, restored
):
    """The Runs page's resend is a door that sends too: after an admin restricts analysts to the sandbox,
    resending the unknown item of an analyst's own cloud run is refused, audited, and nothing is sent or
    queued. (A finished run: an interrupted one would be taken up by the queue consumer meanwhile.)"""
    from sqlalchemy import select as sql_select

    from qa.tasks import spool
    from store.models import Item, Run
    from tests.support.lab_runs import ANN, interrupted_run
    from ui import lab

    factory = lab.session_factory(lab.default_url())
    run_id = interrupted_run(factory, spool(), sandbox, ANN, "cloud", items=2)
    with factory() as s:
        run = s.get_one(Run, run_id)
        item = s.scalars(sql_select(Item).where(Item.run_id == run_id, Item.state == "pending")).one()
        item.state, run.status, run.done, run.failed = "unknown", "done", 2, 2
        s.commit()
    _set_rule(Role.ANALYST, ("sandbox",), "sandbox")
    at = open_as("analyst", "pages/runs.py")
    at.selectbox(key="runs_pick").set_value(run_id).run()
    at.checkbox(key=f"runs_resend_ok_{run_id}_1").check().run()
    before, sent = _newest(), sandbox.backend.journal.calls("credit-card")
    at.button(key="runs_resend").click().run()
    assert_clean(at)
    assert any(
        "NHN Cloud — billed is not allowed for your role. You may use: Local sandbox — no charges" in e
        for e in texts(at.error)
    ), texts(at.error)
    rows = _rows_since(before, PEOPLE["analyst"]["email"])
    assert [(r["kind"], r["action"]) for r in rows] == [("refused", "backend:cloud")]
    with factory() as s:
        assert s.get_one(Run, run_id).status == "done"
        assert sorted(i.state for i in s.query(Item).filter(Item.run_id == run_id)) == ["failed", "unknown"]
    assert sandbox.backend.journal.calls("credit-card") == sent
