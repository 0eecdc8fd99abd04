"""Settings: backend, endpoint, API version, image encoding, presenter view, and a connection test.

Widget changes are applied in ``on_change`` callbacks, which run before the rerun, so the sidebar
(drawn before this page) already shows the new choice.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from access import Action, Role, allowed
from access.policy import allowed_role
from ui.access import current_identity
from ui.errors import describe, guarded
from ui.i18n import current_lang, t, translated
from ui.presenter import set_presenter
from ui.session import base_url, connection, credentials_configured, presenter_view
from ui.settings_actions import (
    apply_connection,
    backend_rule_problems,
    probe_public_keys,
    save_backends,
    save_quotas,
)
from ui.widgets import persistent

_FIELDS = {  # widget key -> Connection attribute
    "settings_backend": "backend",
    "settings_api_version": "api_version",
    "settings_endpoint": "endpoint",
    "settings_encoding": "image_encoding",
}


def _apply() -> None:
    apply_connection(
        {attr: st.session_state[key] for key, attr in _FIELDS.items() if key in st.session_state}
    )


def _apply_presenter() -> None:
    set_presenter(bool(st.session_state.get("settings_presenter")))  # the sidebar's switch and the URL too


def _radio(
    key: str, label: str, options: tuple[str, ...], names: dict[str, str], *, disabled: bool = False
) -> str:
    conn = connection()
    return persistent(
        translated(key),
        getattr(conn, _FIELDS[key]),
        lambda k: st.radio(
            label,
            options,
            key=k,
            horizontal=True,
            format_func=names.__getitem__,
            on_change=_apply,
            disabled=disabled,
        ),
    )


def connection_form() -> None:
    st.subheader(t("set.connection"))
    backend = _radio(
        "settings_backend",
        t("set.backend"),
        ("sandbox", "cloud"),
        {"sandbox": t("set.backend_sandbox"), "cloud": t("set.backend_cloud")},
    )
    api_version = _radio(
        "settings_api_version",
        t("set.api_version"),
        ("v2.0", "v2.1"),
        {"v2.0": t("set.v20"), "v2.1": t("set.v21")},
    )
    configured = credentials_configured(api_version)
    st.markdown(
        f"**{t('set.credentials')}** — NHN Cloud {api_version}: "
        + (t("set.configured") if configured else t("set.not_configured"))
    )
    st.caption(t("set.cred_help"))
    if backend == "cloud" and not configured:
        st.warning(t("set.cloud_needs_creds"), icon=":material/lock:")
    _radio(
        "settings_endpoint",
        t("set.endpoint"),
        ("current", "legacy"),
        {"current": t("set.ep_current"), "legacy": t("set.ep_legacy")},
        disabled=backend != "cloud",
    )
    _radio(
        "settings_encoding",
        t("set.encoding"),
        ("raw", "base64"),
        {"raw": t("set.enc_raw"), "base64": t("set.enc_b64")},
    )


def test_connection() -> None:
    """Fetch both public keys of the backend *chosen* on this page (never silently another one) and
    report each result in plain words, naming the backend and host. One attempt per key, no retries:
    a host that does not answer is reported within the short timeouts, under a spinner."""
    if not st.button(t("set.test"), key="settings_test", type="primary", icon=":material/cable:"):
        return
    lang = current_lang()
    conn = connection()
    if conn.backend == "cloud" and not credentials_configured(conn.api_version):
        needs = t("set.needs_v21") if conn.api_version == "v2.1" else t("set.needs_v20")
        st.warning(t("set.test_not_run", version=conn.api_version, needs=needs), icon=":material/lock:")
        return
    backend = t("side.backend_cloud") if conn.backend == "cloud" else t("side.backend_sandbox")
    host = urlsplit(base_url(conn)).netloc
    with st.spinner(t("set.testing", backend=backend, host=host)):
        for probe in probe_public_keys(conn):
            if probe.skipped_after is not None:
                st.error(
                    t("set.test_skipped", service=probe.service, first=probe.skipped_after),
                    icon=":material/block:",
                )
            elif probe.error is not None:
                what, action = describe(probe.error, lang, where=host)
                detail = what if action is None else f"{what} — {action}"
                st.error(t("set.test_fail", service=probe.service, detail=detail), icon=":material/block:")
            elif probe.info is not None:
                st.success(
                    t(
                        "set.test_ok",
                        backend=backend,
                        host=host,
                        service=probe.service,
                        version=probe.info.version,
                    ),
                    icon=":material/check_circle:",
                )


def quota_form() -> None:
    """Billed-call quotas (admins): empty means no limit. Applied at the next call of every session."""
    from ui.billing import limits

    st.subheader(t("set.quotas"))
    now = limits()
    with st.form("settings_quotas"):
        c1, c2 = st.columns(2)
        values = {}
        for col, name in (
            (c1, "user_daily_analysis"),
            (c2, "user_daily_stand_alone"),
            (c1, "monthly_analysis"),
            (c2, "monthly_stand_alone"),
        ):
            values[name] = col.number_input(
                t(f"set.q_{name}"),
                min_value=0,
                value=getattr(now, name),
                step=1,
                placeholder=t("set.q_unlimited"),
            )
        if st.form_submit_button(t("set.q_save")):
            saved = save_quotas(values)
            if saved == "unchanged":
                st.info(t("set.unchanged"))
            elif saved == "saved":
                st.success(t("set.q_saved"))


def backends_form() -> None:
    """Per role: which backends its people may choose (sidebar, QA Lab) and which a session starts on.
    One save writes one audit row naming each role whose rule changed, from → to."""
    from access.backends import BACKENDS
    from ui.backend_choice import choice_name, rules

    st.subheader(t("bk.heading"))
    st.caption(t("bk.intro"))
    now = rules()
    with st.form("settings_backends"):
        picked: dict[Role, tuple[list[str], str]] = {}
        for role in Role:
            c1, c2 = st.columns([3, 2])
            cloud_ok = allowed_role(role, Action.USE_CLOUD)
            options = list(BACKENDS) if cloud_ok else ["sandbox"]
            chosen = c1.multiselect(
                t("bk.allowed", role=t(f"acc.role_{role}")),
                options,
                default=[b for b in now[role].allowed if b in options],
                format_func=choice_name,
                key=f"settings_backends_{role}",
                placeholder=t("bk.none_chosen"),
                help=None if cloud_ok else t("bk.viewer_no_cloud"),
            )
            default = c2.selectbox(
                t("bk.default", role=t(f"acc.role_{role}")),
                options,
                index=options.index(now[role].default) if now[role].default in options else 0,
                format_func=choice_name,
                key=f"settings_backends_{role}_default",
            )
            picked[role] = (chosen, default)
        if not st.form_submit_button(t("bk.save")):
            return
    wanted, problems = backend_rule_problems(picked)
    for role, problem in problems:
        st.error(t(f"bk.err_{problem}", role=t(f"acc.role_{role}")), icon=":material/error:")
    if problems:
        return
    saved = save_backends(wanted)
    if saved == "unchanged":
        st.info(t("set.unchanged"))
    elif saved == "saved":
        st.success(t("bk.saved"))


def main() -> None:
    st.title(t("page.settings"))
    if allowed(current_identity(), Action.SETTINGS):
        connection_form()
        test_connection()
        with guarded():  # quotas live in the studio database: if it cannot be opened, the rest still works
            quota_form()
        with guarded():
            backends_form()
    else:
        st.info(t("acc.settings_admin_only"), icon=":material/lock:")
        from ui.backend_choice import offered

        if len(offered(current_identity())) > 1:  # what they can do themselves, and where
            st.caption(t("bk.settings_hint"))
    st.subheader(t("set.display"))
    persistent(
        "settings_presenter",
        presenter_view(),
        lambda k: st.toggle(t("set.presenter"), key=k, on_change=_apply_presenter),
    )


with guarded():
    main()
