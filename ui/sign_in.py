"""The door of every page: who is here (``ui.access``) or the sign-in page that is all a signed-out
visitor gets. Above ``ui.errors`` (a sign-in the studio database cannot record is said on the page), which
is above ``ui.access``: the sign-in page is not in ``ui.access`` so that the two do not import each other."""

from __future__ import annotations

import streamlit as st

from access import AccessConfig, ConfigError, Identity
from ui.access import access_config, current_identity, note_sign_in
from ui.errors import guarded
from ui.i18n import t


def _sign_in_page(config: AccessConfig | None, error: str | None) -> None:
    st.title(t("app.title"))
    if error is not None:
        st.error(t("acc.config_error", detail=error), icon=":material/error:")
        return
    assert config is not None
    if config.mode == "local":  # reached from beyond this machine with no sign-in configured
        st.error(t("acc.local_only"), icon=":material/lock:")
        return
    if config.mode == "proxy":
        st.warning(t("acc.proxy_missing"), icon=":material/lock:")
        return
    if st.user.is_logged_in:  # signed in at the IdP, but no rule gives this account a role
        st.warning(t("acc.no_role", email=str(st.user.get("email") or "?")), icon=":material/block:")
        st.button(t("acc.sign_out"), on_click=st.logout, key="access_sign_out_norole")
        return
    st.info(t("acc.sign_in_needed"), icon=":material/lock:")
    st.button(
        t("acc.sign_in"), on_click=st.login, type="primary", key="access_sign_in", icon=":material/login:"
    )


def gate() -> Identity | None:
    """The identity, or ``None`` after drawing the sign-in page (the caller then shows nothing else)."""
    from access.audit import log_to_stderr

    log_to_stderr()  # before anything is audited: a refusal to a visitor nobody signed in counts too
    try:
        config, error = access_config(), None
    except ConfigError as err:
        config, error = None, str(err)
    identity = current_identity() if error is None else None
    if identity is None:
        _sign_in_page(config, error)
    else:
        with guarded():  # a sign-in the studio database cannot record is said, with why, on the page
            note_sign_in(identity)
    return identity
