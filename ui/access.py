"""The dashboard's side of sign-in: who is here (from ``st.user`` or a trusted proxy header), the
sign-in page that is all a signed-out visitor gets, and the sidebar's user box.

Every permission is decided by ``access.policy`` at the point of action (``ui.session.masking_on``,
``ui.session.effective_connection``, the Settings page), from the identity computed here on each
run; nothing is read back from ``st.session_state``, so a crafted widget message cannot grant
anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from access import LOCAL_USER, AccessConfig, ConfigError, Identity, load_access_config
from access.config import PROXY_SECRET_HEADER
from access.listen import allow_anonymous, local_request
from appconfig import SettingsProblem
from ui import secrets
from ui.i18n import t


def _secrets() -> Mapping[str, Any]:
    """``[auth]`` and ``[access]``; secrets Streamlit cannot read are a configuration error (fail closed:
    the sign-in page names it), never "nothing configured"."""
    try:
        return {k: v for k in ("auth", "access") if (v := secrets.section(k))}
    except SettingsProblem as err:
        raise ConfigError(str(err)) from None


def access_config() -> AccessConfig:
    """The deployment's sign-in configuration; an invalid one fails closed (see ``gate``)."""
    return load_access_config(_secrets())


def _claims_identity(config: AccessConfig, claims: Mapping[str, Any], source: str) -> Identity | None:
    email = str(claims.get("email") or "")
    raw_groups = claims.get(config.rules.group_claim) or ()
    groups = (raw_groups,) if isinstance(raw_groups, str) else tuple(str(g) for g in raw_groups)
    role = config.rules.role_for(email, groups, granted_roles())
    if role is None:
        return None
    return Identity(
        subject=str(claims.get("sub") or email),
        email=email,
        name=str(claims.get("name") or ""),
        role=role,
        source=source,  # type: ignore[arg-type]
        groups=groups,
    )


GRANTS_TTL_SECONDS = 2.0
"""How long a server process keeps the Roles page's grants before reading them again: a change made on
another replica reaches this one within that; one made here at once (``forget_grants``)."""
_grants_seen: dict[str, Any] = {"at": -1e9, "pairs": []}


def granted_roles() -> list[tuple[str, Any]]:
    """The Roles page's grants (``access.roles``). A database that cannot be read gives none: only the
    secrets file's rules then apply (fail closed: nobody gains a role the file does not give)."""
    import logging
    import time

    now = time.monotonic()
    if now - _grants_seen["at"] > GRANTS_TTL_SECONDS:
        from access.roles import pairs
        from ui.studio_db import ledger

        try:
            _grants_seen["pairs"] = pairs(ledger().engine)
        except Exception as exc:  # noqa: BLE001 - the studio database is down: the file's rules alone
            logging.getLogger("studio.access").warning(
                "role grants unreadable (%s): the secrets file's rules alone apply", type(exc).__name__
            )
            _grants_seen["pairs"] = []
        _grants_seen["at"] = now
    return list(_grants_seen["pairs"])


def forget_grants() -> None:
    """After a grant or revocation in this process: the next request reads them again."""
    _grants_seen["at"] = -1e9


def _proxy_claims(config: AccessConfig) -> dict[str, str] | None:
    email = (st.context.headers.get(config.proxy_user_header) or "").strip()
    peer = st.context.ip_address
    if not config.proxy_trusted(peer, st.context.headers.get(PROXY_SECRET_HEADER)):
        if email:
            _audit_untrusted_header(config.proxy_user_header, email, peer)
        return None
    if not email:
        return None
    _note_session_owner(email)
    return {"email": email, "sub": email}


def _note_session_owner(email: str) -> None:
    """Proxy mode: Streamlit keeps no user in the session, so the media guard learns it here."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from ui import session_owners

    ctx = get_script_run_ctx()
    if ctx is not None:
        session_owners.remember(ctx.session_id, email)


FORGED_HEADER_SEEN = "_access_forged_header_audited"


def _audit_untrusted_header(header: str, claimed: str, peer: str | None) -> None:
    """A user header from an address that is not a trusted proxy: someone bypassed the SSO proxy (or a
    proxy is missing from ``trusted_proxies``). Nobody is signed in; the attempt is audited once per
    session, naming whom it claimed to be and from where."""
    if st.session_state.get(FORGED_HEADER_SEEN):
        return
    st.session_state[FORGED_HEADER_SEEN] = True
    from access.audit import AuditEvent, record
    from ui.studio_db import ledger

    ledger()  # registers the database sink
    record(
        AuditEvent(
            kind="refused",
            user=f"claimed:{claimed[:300]}",
            role="",
            action="untrusted_user_header",
            where=f"{where_now()} from {peer or 'loopback'} ({header})"[:200],
        )
    )


def current_identity() -> Identity | None:
    """The identity of this browser session, or ``None`` when signed out or not authorised."""
    try:
        config = access_config()
    except ConfigError:
        return None
    if config.mode == "local":
        return LOCAL_USER if _this_machine_or_allowed() else None
    if config.mode == "proxy":
        claims = _proxy_claims(config)
        return _claims_identity(config, claims, "proxy") if claims else None
    if not st.user.is_logged_in:
        return None
    return _claims_identity(config, st.user.to_dict(), "oidc")


def _this_machine_or_allowed() -> bool:
    """Without sign-in the dashboard is the local user's own tool: a browser elsewhere (or one a proxy
    forwarded) is nobody, however the server came to listen for it, unless the operator allowed it."""
    if anonymous_override():
        return True
    try:
        peer = st.context.ip_address
        headers = st.context.headers
    except Exception:  # noqa: BLE001 - no browser context (a bare script run): this machine's own run
        return True
    if peer is not None and not isinstance(peer, str):  # AppTest: no client connection at all
        return True
    return local_request(peer, headers)


def anonymous_override() -> bool:
    """Served beyond loopback with no sign-in because an operator set ``STUDIO_ALLOW_ANONYMOUS=1``."""
    return allow_anonymous()


@st.cache_resource(show_spinner=False)
def _sign_ins_seen() -> set[tuple[str, str]]:
    """ID tokens already recorded as a sign-in by this server process (no personal data: subject + iat)."""
    return set()


def note_sign_in(identity: Identity) -> None:
    """One ``sign_in`` audit row per ID token, however many tabs it opens."""
    seen = _sign_ins_seen()
    if identity.source == "local":
        return
    token = (identity.subject, str(st.user.get("iat") or "") if identity.source == "oidc" else "")
    if token not in seen:
        seen.add(token)
        audit_event("sign_in")


def _sign_out() -> None:
    audit_event("sign_out")
    st.logout()


def user_box(identity: Identity) -> None:
    """Name, role and sign-out in the sidebar; the anonymous-override warning on every page."""
    if anonymous_override() and identity.source == "local":
        st.warning(t("acc.anonymous_banner"), icon=":material/warning:")
    if identity.source == "local":
        return
    box = st.sidebar.container(border=True)
    box.markdown(f"**{identity.display_name}**")
    box.caption(t("acc.role_line", role=t(f"acc.role_{identity.role}")))
    if identity.source == "oidc":
        box.button(t("acc.sign_out"), on_click=_sign_out, key="access_sign_out", icon=":material/logout:")


def audit_event(kind: str, **fields: Any) -> None:
    """Record an audit event for whoever is signed in to this session (see ``access.audit``)."""
    from access.audit import event_for, record
    from ui.studio_db import ledger

    ledger()  # registers the database sink
    record(event_for(current_identity(), kind, where=where_now(), **fields))  # type: ignore[arg-type]


def where_now() -> str:
    """The page this session is on (its URL path), for the audit trail."""
    from urllib.parse import urlparse

    try:
        url = st.context.url or ""
    except Exception:  # noqa: BLE001 - no browser context
        url = ""
    return urlparse(url).path if url else ""


def may_change_settings(event: str, *, action: str = "", detail: str = "") -> bool:
    """Server-side check at the action: an admin's change is audited — one row, saying what changed
    (``detail``: ``access.audit.change_detail``) — anyone else's refused and audited."""
    from access import Action, allowed

    if allowed(current_identity(), Action.SETTINGS):
        audit_event(event, action=action, detail=detail)
        return True
    audit_event("refused", action=str(Action.SETTINGS), detail=detail)
    return False


def refused_page(url: str, action: Any) -> None:
    """An admin page opened by someone whose role may not (a link, a bookmark): what it is, why not,
    whom to ask — and an audit row naming the page, instead of Streamlit's "Page not found"."""
    identity = current_identity()
    role = t(f"acc.role_{identity.role}") if identity else ""
    st.title(t("acc.refused_title"))
    st.error(t("acc.refused_page", page=t(f"acc.page_{url}"), role=role), icon=":material/lock:")
    st.caption(t("acc.refused_ask"))
    audit_event("refused", action=f"page:{action}")
