"""The Roles page (admins): who gets which role from the secrets file (read-only here) and from the
studio database (given and taken away here, each change one audit row "rule: from → to"), and what
role a given e-mail ends up with. Precedence: ``access.roles``."""

from __future__ import annotations

import streamlit as st

from access import Action, Role, allowed
from access.audit import change_detail, who
from access.roles import RuleError, grant, grants, normalised, revoke, rule_kind
from ui.access import (
    access_config,
    current_identity,
    forget_grants,
    granted_roles,
    may_change_settings,
    refused_page,
)
from ui.i18n import t
from ui.widgets import table

RULE_KEY = "roles_rule"


def _code(text: str) -> str:
    """Typed text shown as itself (code), never read as Markdown or turned into a link."""
    return "`" + text.replace("`", "'") + "`"


def _role_name(role: str | None) -> str:
    return t(f"acc.role_{role}") if role else t("rol.no_role")


def _file_rows() -> list[dict[str, str]]:
    rules = access_config().rules
    rows = []
    for role, entries in (
        (Role.ADMIN, rules.admins),
        (Role.ANALYST, rules.analysts),
        (Role.VIEWER, rules.viewers),
    ):
        rows += [
            {
                t("rol.col_rule"): rule,
                t("rol.col_kind"): t(f"rol.kind_{rule_kind(rule.lower())}"),
                t("rol.col_role"): _role_name(role),
            }
            for rule in entries
        ]
    return rows


def _change(rule: str, before: Role | None, after: Role | None) -> bool:
    """Checked at the action (admins only) and audited as one row; the caller then writes."""
    return may_change_settings(
        "role_change",
        action="role",
        detail=change_detail({rule: (str(before) if before else None, str(after) if after else None)}),
    )


def grant_form() -> None:
    from ui.billing import ledger

    with st.form("roles_grant", clear_on_submit=False):
        c1, c2 = st.columns([3, 1])
        text = c1.text_input(
            t("rol.rule"),
            key=RULE_KEY,
            placeholder="ann@corp.example · @corp.example · group:ocr-analysts",
            help=t("rol.rule_help"),
        )
        role: Role = (
            c2.selectbox(t("rol.col_role"), list(Role), index=1, format_func=_role_name, key="roles_role")
            or Role.ANALYST
        )
        if not st.form_submit_button(t("rol.grant"), type="primary"):
            return
    try:
        rule = normalised(text)
    except RuleError as err:
        st.error(t(str(err)), icon=":material/error:")
        return
    engine = ledger().engine
    before = next((g.role for g in grants(engine) if g.rule == rule), None)
    if before == role:
        st.info(t("set.unchanged"))
        return
    if not _change(rule, before, role):
        st.error(t("rol.admin_only"), icon=":material/lock:")
        return
    grant(engine, rule, role, by=who(current_identity()))
    forget_grants()
    st.success(t("rol.granted", rule=_code(rule), role=_role_name(role)))


def grants_table() -> None:
    from ui.billing import ledger

    engine = ledger().engine
    given = grants(engine)
    st.subheader(t("rol.given_heading"))
    if not given:
        st.caption(t("rol.none_given"))
        return
    table(
        [
            {
                t("rol.col_rule"): g.rule,
                t("rol.col_kind"): t(f"rol.kind_{g.kind}"),
                t("rol.col_role"): _role_name(g.role),
                t("rol.col_by"): g.granted_by,
                t("rol.col_when"): f"{g.granted_at.astimezone():%Y-%m-%d %H:%M}",
            }
            for g in given
        ],
        presenter=False,
        wrap=True,
    )
    c1, c2 = st.columns([3, 1])
    rule = c1.selectbox(t("rol.remove_which"), [g.rule for g in given], key="roles_remove_rule")
    if c2.button(t("rol.remove"), key="roles_remove", icon=":material/person_remove:"):
        before = next((g.role for g in given if g.rule == rule), None)
        if not _change(rule, before, None):
            st.error(t("rol.admin_only"), icon=":material/lock:")
            return
        revoke(engine, rule)
        forget_grants()
        st.rerun()


def who_gets() -> None:
    """What role an e-mail (and its groups) ends up with, and from where: to check a change at once."""
    st.subheader(t("rol.check_heading"))
    c1, c2 = st.columns([3, 2])
    email = c1.text_input(t("rol.check_email"), key="roles_check_email")
    groups = c2.text_input(t("rol.check_groups"), key="roles_check_groups")
    if not email.strip():
        return
    group_list = [g.strip() for g in groups.split(",") if g.strip()]
    rules = access_config().rules
    from_file = rules.role_for(email, group_list)
    both = rules.role_for(email, group_list, granted_roles())
    st.markdown(
        t("rol.check_result", email=_code(email.strip()), role=_role_name(both), file=_role_name(from_file))
    )


def roles_page() -> None:
    if not allowed(current_identity(), Action.SETTINGS):  # a link followed by someone else: said, audited
        refused_page("roles", Action.SETTINGS)
        return
    st.title(t("page.roles"))
    st.caption(t("rol.intro"))
    grant_form()
    grants_table()
    st.subheader(t("rol.file_heading"))
    rows = _file_rows()
    if rows:
        table(rows, presenter=False, wrap=True)
    else:
        st.caption(t("rol.file_none"))
    default = access_config().rules.default_role
    st.caption(t("rol.default_role", role=_role_name(default)))
    who_gets()
