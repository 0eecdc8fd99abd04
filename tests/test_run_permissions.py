"""Who may do what to a QA Lab run, decided on the server (``qa.runner`` asking ``access.policy``) and
audited: a test per action and role, the auditors' two findings replayed (D10: a viewer resumed an
analyst's interrupted cloud run, six more billed POSTs on the analyst's quota; D11: anyone deleted anyone's
run, unaudited), the billing of a resume to whoever resumed it, and the Runs page showing only the buttons
its user may press.

A "cloud" run here is a run whose backend is ``cloud`` (billed: quota and audit rows through
``access.metering``) sent to the real sandbox over HTTP, which counts what arrives."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from access.ledger import Ledger, QuotaLimits
from access.policy import (
    RUN_ACTIONS,
    AccessDenied,
    Action,
    Identity,
    Role,
    require_run,
    run_allowed,
)
from ocr_core import OcrClient, Settings
from qa.runner import (
    cancel_run,
    delete_run,
    execute_run,
    resend_unknown,
    resume_run,
    run_facts,
    settle_unknown,
)
from qa.spool import Spool
from sandbox.faults import Faults
from store import Item, Run, engine_for, session_factory
from tests.support.lab_runs import ANN, interrupted_run

ADA = Identity("ada", "ada@corp.test", "Ada Admin", Role.ADMIN, "oidc")
AL = Identity("al", "al@corp.test", "Al Analyst", Role.ANALYST, "oidc")
VIC = Identity("vic", "vic@corp.test", "Vic Viewer", Role.VIEWER, "oidc")
VAL = Identity("val", "val@corp.test", "Val Viewer", Role.VIEWER, "oidc")

# The table of access.policy, written out: (role, own run?, backend) → the actions allowed.
EVERY = set(RUN_ACTIONS)
EXPECTED = {
    ("admin", True, "sandbox"): EVERY,
    ("admin", True, "cloud"): EVERY,
    ("admin", False, "sandbox"): EVERY,
    ("admin", False, "cloud"): EVERY,
    ("analyst", True, "sandbox"): EVERY,
    ("analyst", True, "cloud"): EVERY,
    ("analyst", False, "sandbox"): set(),
    ("analyst", False, "cloud"): set(),
    ("viewer", True, "sandbox"): EVERY,
    ("viewer", True, "cloud"): {Action.RUN_CANCEL, Action.RUN_SETTLE},
    ("viewer", False, "sandbox"): set(),
    ("viewer", False, "cloud"): set(),
}
WHO = {"admin": ADA, "analyst": ANN, "viewer": VIC}


@pytest.mark.parametrize(("role", "own", "backend"), sorted(EXPECTED))
@pytest.mark.parametrize("action", sorted(RUN_ACTIONS))
def test_the_policy_table_per_action_role_owner_and_backend(role, own, backend, action):
    identity = WHO[role]
    owner = identity.email if own else "someone-else@corp.test"
    expected = action in EXPECTED[(role, own, backend)]
    assert run_allowed(identity, action, owner=owner, backend=backend) is expected
    if not expected:
        with pytest.raises(AccessDenied):
            require_run(identity, action, owner=owner, backend=backend)


def test_nobody_signed_in_may_do_nothing_and_the_owner_is_matched_without_case():
    assert not any(run_allowed(None, a, owner="anonymous", backend="sandbox") for a in RUN_ACTIONS)
    assert run_allowed(ANN, Action.RUN_DELETE, owner="Ann@Corp.Test", backend="cloud")
    assert not run_allowed(
        ANN, Action.ANALYSE_SANDBOX, owner=ANN.email, backend="sandbox"
    )  # not a run action


# ------------------------------------------------------------------------------------- on real runs


@pytest.fixture
def env(sandbox, tmp_path):
    url = f"sqlite:///{tmp_path / 'studio.sqlite3'}"
    factory = session_factory(url)
    spool = Spool(factory)
    sandbox.backend.journal.clear()
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))  # fast answers
    with OcrClient(
        Settings(
            base_url=sandbox.base_url,
            app_key=sandbox.app_key,
            secret_key=sandbox.secret_key,
            backoff_base=0.0,
        )
    ) as client:
        yield factory, spool, client, sandbox
    sandbox.backend.set_faults(Faults())
    sandbox.backend.journal.clear()


def _rows(factory, **kw) -> list[dict]:
    return list(Ledger(engine_for(str(factory.kw["bind"].url))).events(**kw))


def test_d10_a_viewer_cannot_resume_an_analysts_cloud_run_and_the_refusal_names_the_viewer(env):
    factory, spool, _client, sandbox = env
    run_id = interrupted_run(factory, spool, sandbox, ANN, "cloud")
    with pytest.raises(AccessDenied):
        resume_run(factory, run_id, spool, by=VIC)
    assert sandbox.backend.journal.calls("credit-card") == 0
    with factory() as s:
        assert s.get_one(Run, run_id).status == "interrupted"
    (refusal,) = _rows(factory, kinds=["refused"])
    assert (refusal["user"], refusal["role"], refusal["action"], refusal["where"]) == (
        "vic@corp.test",
        "viewer",
        "run_resume",
        f"qa-run:{run_id}",
    )
    assert not _rows(factory, kinds=["api_call"])  # nothing billed, to anyone


def test_an_admin_resuming_an_analysts_cloud_run_spends_the_admins_quota_and_is_named(env):
    factory, spool, client, sandbox = env
    run_id = interrupted_run(factory, spool, sandbox, ANN, "cloud")
    resume_run(factory, run_id, spool, by=ADA)
    assert execute_run(factory, run_id, client, spool) == "done"
    assert sandbox.backend.journal.calls("credit-card") == 6  # the six never sent, once each
    calls = _rows(factory, kinds=["api_call"], where=f"qa-run:{run_id}")
    assert len(calls) == 6 and {(r["user"], r["role"]) for r in calls} == {("ada@corp.test", "admin")}
    book = Ledger(factory.kw["bind"])
    today = datetime.now(UTC)
    assert book.usage("ada@corp.test", "analysis", QuotaLimits(), now=today).user_today == 6
    assert book.usage("ann@corp.test", "analysis", QuotaLimits(), now=today).user_today == 0
    (resumed,) = _rows(factory, kinds=["run_action"])
    assert (resumed["user"], resumed["action"], resumed["backend"]) == (
        "ada@corp.test",
        "run_resume",
        "cloud",
    )


def test_an_analyst_resumes_their_own_cloud_run_on_their_own_quota(env):
    factory, spool, client, sandbox = env
    run_id = interrupted_run(factory, spool, sandbox, ANN, "cloud", items=3)
    with pytest.raises(AccessDenied):
        resume_run(factory, run_id, spool, by=AL)  # another analyst
    resume_run(factory, run_id, spool, by=ANN)
    assert execute_run(factory, run_id, client, spool) == "done"
    assert {r["user"] for r in _rows(factory, kinds=["api_call"])} == {"ann@corp.test"}


def test_a_viewer_resumes_their_own_sandbox_run_but_not_a_cloud_one(env):
    factory, spool, client, sandbox = env
    mine = interrupted_run(factory, spool, sandbox, VIC, "sandbox", items=2)
    resume_run(factory, mine, spool, by=VIC)
    assert execute_run(factory, mine, client, spool) == "done"
    assert sandbox.backend.journal.calls("credit-card") == 1
    demoted = interrupted_run(factory, spool, sandbox, VIC, "cloud", items=2)  # started while an analyst
    with pytest.raises(AccessDenied):
        resume_run(factory, demoted, spool, by=VIC)
    assert cancel_run(factory, demoted, spool, by=VIC) == "cancelled"  # stopping it costs nothing
    assert sandbox.backend.journal.calls("credit-card") == 1


def test_d11_delete_only_by_the_owner_or_an_admin_and_audited(env):
    factory, spool, _client, sandbox = env
    anns = interrupted_run(factory, spool, sandbox, ANN, "cloud", items=2)
    vics = interrupted_run(factory, spool, sandbox, VIC, "sandbox", items=2)
    for who, run_id in ((VIC, anns), (AL, anns), (VAL, vics), (ANN, vics)):
        with pytest.raises(AccessDenied):
            delete_run(factory, run_id, spool, by=who)
    with factory() as s:
        assert s.get(Run, anns) is not None and s.get(Run, vics) is not None
    assert spool.has(anns) and spool.has(vics)
    refused = _rows(factory, kinds=["refused"])
    assert sorted((r["user"], r["where"]) for r in refused) == sorted(
        [
            ("vic@corp.test", f"qa-run:{anns}"),
            ("al@corp.test", f"qa-run:{anns}"),
            ("val@corp.test", f"qa-run:{vics}"),
            ("ann@corp.test", f"qa-run:{vics}"),
        ]
    )
    assert {r["action"] for r in refused} == {"run_delete"}
    delete_run(factory, vics, spool, by=VIC)  # a viewer's own sandbox run
    delete_run(factory, anns, spool, by=ADA)  # an admin: anyone's
    with factory() as s:
        assert s.get(Run, anns) is None and s.get(Run, vics) is None
    assert not spool.has(anns) and not spool.has(vics)
    deleted = _rows(factory, kinds=["run_action"])
    assert sorted((r["user"], r["action"], r["where"]) for r in deleted) == sorted(
        [("vic@corp.test", "run_delete", f"qa-run:{vics}"), ("ada@corp.test", "run_delete", f"qa-run:{anns}")]
    )


def test_cancel_resend_and_settle_are_checked_too(env):
    factory, spool, _client, sandbox = env
    run_id = interrupted_run(factory, spool, sandbox, ANN, "cloud", items=3)
    with factory() as s:  # one item was on the wire when the worker died
        item = s.scalars(select(Item).where(Item.run_id == run_id, Item.state == "pending")).first()
        item.state = "sending"
        s.commit()
    for action in (
        lambda who: cancel_run(factory, run_id, spool, by=who),
        lambda who: resend_unknown(factory, run_id, spool, by=who, confirmed=1),
        lambda who: settle_unknown(factory, run_id, spool, by=who),
    ):
        for who in (VIC, AL, None):
            with pytest.raises(AccessDenied):
                action(who)
    assert {r["action"] for r in _rows(factory, kinds=["refused"])} == {
        "run_cancel",
        "run_resend",
        "run_settle",
    }
    assert sandbox.backend.journal.calls("credit-card") == 0
    assert run_facts(factory, run_id, spool).status == "interrupted"


# ------------------------------------------------------------------------------------- the Runs page


def test_the_runs_page_shows_a_viewer_no_button_on_an_analysts_run_and_the_owner_theirs(sandbox):
    """A finished cloud run of Ann's with one item of unknown fate: a viewer sees the warning and no
    button; Ann sees the counted resend (behind its confirmation), settle and delete, and her clicks are
    audited under her name."""
    from qa.tasks import spool
    from tests.support.people import open_as
    from ui import lab

    factory = lab.session_factory(lab.default_url())
    run_id = interrupted_run(factory, spool(), sandbox, ANN, "cloud", items=2)
    with factory() as s:
        run = s.get_one(Run, run_id)
        item = s.scalars(select(Item).where(Item.run_id == run_id, Item.state == "pending")).one()
        item.state, run.status, run.done, run.failed = "unknown", "done", 2, 2
        s.commit()
    viewer = open_as("viewer", "pages/runs.py")
    viewer.selectbox(key="runs_pick").set_value(run_id).run()
    assert not viewer.exception
    assert any("1 item(s) may already have been billed" in w.value for w in viewer.warning)
    assert not {b.key for b in viewer.button} & {"runs_resume", "runs_delete", "runs_resend", "runs_settle"}
    assert not [c for c in viewer.checkbox if c.key.startswith("runs_resend_ok")]  # no resend to confirm
    owner = open_as("analyst", "pages/runs.py")
    owner.selectbox(key="runs_pick").set_value(run_id).run()
    assert {"runs_resend", "runs_settle", "runs_delete"} <= {b.key for b in owner.button}
    assert owner.button(key="runs_resend").disabled  # until the count is confirmed
    assert owner.checkbox(key=f"runs_resend_ok_{run_id}_1").label.startswith(
        "I understand that these 1 item(s)"
    )
    owner.button(key="runs_settle").click().run()
    assert not owner.exception
    owner.button(key="runs_delete").click().run()
    assert not owner.exception
    with factory() as s:
        assert s.get(Run, run_id) is None
    rows = Ledger(engine_for(lab.default_url())).events(kinds=["run_action"], where=f"qa-run:{run_id}")
    assert sorted((r["user"], r["action"]) for r in rows) == [
        ("ann@corp.test", "run_delete"),
        ("ann@corp.test", "run_settle"),
    ]


def test_the_runs_page_says_why_a_run_failed_and_whose_it_is(sandbox):
    from qa.tasks import spool
    from tests.support.people import open_as
    from ui import lab

    factory = lab.session_factory(lab.default_url())
    run_id = interrupted_run(factory, spool(), sandbox, ANN, "sandbox", items=2)
    with factory() as s:
        run = s.get_one(Run, run_id)
        run.status, run.message = (
            "failed",
            "the studio database sqlite:///x cannot be used: database is locked",
        )
        s.commit()
    at = open_as("viewer", "pages/runs.py")
    at.selectbox(key="runs_status").set_value("failed").run()
    at.selectbox(key="runs_pick").set_value(run_id).run()
    assert not at.exception
    assert any(
        "This run stopped: the studio database sqlite:///x cannot be used: database is locked" in e.value
        for e in at.error
    )
    table = next(df.value for df in at.dataframe if "#" in df.value.columns)
    assert list(table.loc[table["#"] == run_id, "Started by"]) == ["ann@corp.test"]


@pytest.mark.slow  # runs on the embedded queue, waited for
def test_the_runs_page_resume_and_cancel_go_through_the_server_check(sandbox):
    """Ann's interrupted sandbox run: a viewer is offered neither Resume nor Cancel; Ann's Resume queues it
    (her name on the audit row, the run booked to her) and the page's queue sends only the never-sent item;
    on her queued run the progress panel offers her Cancel and not the viewer."""
    from qa.tasks import spool
    from tests.support.people import open_as
    from ui import lab

    factory = lab.session_factory(lab.default_url())
    with (
        factory() as s
    ):  # the studio database is shared: no other test's unfinished run may reach this sandbox
        s.execute(
            update(Run)
            .where(Run.status.in_(("queued", "interrupted", "running", "cancelling")))
            .values(status="cancelled")
        )
        s.commit()
    lab.start_queue(lab.db_url())  # this process's consumer, and its start-up recovery done before the run
    for thread in threading.enumerate():  # exists (else the page's first open would recover our run)
        if thread.name == "qa-recover":
            thread.join(60)
    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))
    sandbox.backend.journal.clear()
    try:
        run_id = interrupted_run(factory, spool(), sandbox, ANN, "sandbox", items=2)
        viewer = open_as("viewer", "pages/runs.py")
        viewer.selectbox(key="runs_pick").set_value(run_id).run()
        assert "runs_resume" not in {b.key for b in viewer.button}
        owner = open_as("analyst", "pages/runs.py")
        owner.selectbox(key="runs_pick").set_value(run_id).run()
        owner.button(key="runs_resume").click().run()
        assert not owner.exception
        deadline = time.monotonic() + 60
        while run_facts(factory, run_id, spool()).status != "done" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert run_facts(factory, run_id, spool()).status == "done"
        assert sandbox.backend.journal.calls("credit-card") == 1
        with factory() as s:
            assert s.get_one(Run, run_id).billed_to == "ann@corp.test"
        rows = Ledger(engine_for(lab.default_url())).events(kinds=["run_action"], where=f"qa-run:{run_id}")
        assert [(r["user"], r["action"]) for r in rows] == [("ann@corp.test", "run_resume")]

        queued = interrupted_run(factory, spool(), sandbox, ANN, "sandbox", items=2)
        with factory() as s:
            s.get_one(Run, queued).status = "queued"  # on no queue: it stays queued while the pages look
            s.commit()
        viewer = open_as("viewer", "pages/runs.py")
        viewer.selectbox(key="runs_pick").set_value(queued).run()
        assert f"lab_cancel_{queued}" not in {b.key for b in viewer.button}
        owner = open_as("analyst", "pages/runs.py")
        owner.selectbox(key="runs_pick").set_value(queued).run()
        owner.button(key=f"lab_cancel_{queued}").click().run()
        assert not owner.exception
        assert run_facts(factory, queued, spool()).status == "cancelled"
    finally:
        sandbox.backend.set_faults(Faults())
        sandbox.backend.journal.clear()


@pytest.mark.slow  # a run on the embedded queue, waited for
def test_a_run_started_on_the_qa_lab_page_is_audited_with_who_started_it(sandbox):
    """A viewer asking for NHN Cloud (crafted session state) starts a sandbox run, booked to them, and the
    start is a ``run_action`` row naming them and the backend actually used."""
    from tests.support.people import open_as
    from ui import lab
    from ui.session import Connection

    sandbox.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))
    try:
        at = open_as("viewer", "pages/qa_lab.py", connection=Connection(backend="cloud"))
        at.multiselect(key="lab_specimens").set_value(["cards/visa_blue_flat.png"]).run()
        at.button(key="lab_start").click().run()
        assert not at.exception
        run_id = at.session_state["lab_run"]
        with lab.factory()() as s:
            created = s.get_one(Run, run_id).created_at.replace(tzinfo=None)
        # SQLite gives a deleted run's id to the next run, so the door may hold an earlier run's rows
        rows = [
            r
            for r in Ledger(engine_for(lab.default_url())).events(
                kinds=["run_action"], where=f"qa-run:{run_id}"
            )
            if r["at"].replace(tzinfo=None) >= created
        ]
        assert [(r["user"], r["role"], r["action"], r["backend"]) for r in rows] == [
            ("vic@corp.test", "viewer", "run_start", "sandbox")
        ]
        with lab.factory()() as s:
            assert s.get_one(Run, run_id).started_by == "vic@corp.test"
    finally:
        sandbox.backend.set_faults(Faults())
