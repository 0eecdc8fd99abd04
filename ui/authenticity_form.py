"""The authenticity page's form: the Request-Key with its countdown, the fields per idType, the verdict.

A hand-off from the ID card page (``ui.handoff``) prefills it. Sensitive values handed over stay on
the server while masking is on: their inputs start empty, show the masked value as a placeholder,
and the handed-over value is used unless replaced.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from ocr_core import AuthenticityRequest, RequestKey
from ocr_core.authenticity import FIELD_RULES
from ocr_core.fields import field_spec
from ocr_core.masking import mask_value
from ui import state
from ui.handoff import Handoff
from ui.i18n import current_lang, field_label, t
from ui.request_key_status import time_left, warn_if_unusable
from ui.session import masking_on

RESULT_KEY = "auth_result"
SEEDED_KEY = "_auth_seeded"
ATTRS = {
    "name": "name",
    "residentNumber": "resident_number",
    "issueDate": "issue_date",
    "driverLicenseNumber": "driver_license_number",
    "serialNum": "serial_num",
}


def _sensitive(api_field: str) -> bool:
    spec = field_spec(api_field)
    return bool(spec and spec.sensitive)


def _hidden(handoff: Handoff | None, api_field: str) -> bool:
    """Whether a handed-over value is kept off the page (masking on, sensitive field)."""
    return handoff is not None and masking_on() and _sensitive(api_field) and api_field in handoff.values


def seed_form(handoff: Handoff | None) -> None:
    """Fill the form from a new hand-off, or refill it after the page was left and reopened."""
    fresh = handoff is not None and st.session_state.get(SEEDED_KEY) != handoff.serial
    if handoff is None or not (fresh or "auth_request_key" not in st.session_state):
        return
    st.session_state["auth_request_key"] = handoff.request_key.value
    st.session_state["auth_id_type"] = handoff.id_type
    for api_field in ATTRS:
        value = handoff.values.get(api_field, "")
        st.session_state[f"auth_{api_field}"] = "" if _hidden(handoff, api_field) else value
    st.session_state[SEEDED_KEY] = handoff.serial
    state.drop(RESULT_KEY)


@st.fragment(run_every=1)
def countdown(rk: RequestKey) -> None:
    """The Request-Key's hour, ticking; then its expired or spent state."""
    if not warn_if_unusable(rk):
        st.metric(t("au.valid_for"), time_left(rk), border=True)


def request_key_input(handoff: Handoff | None) -> RequestKey | str | None:
    typed = st.text_input(t("au.request_key"), key="auth_request_key", help=t("au.request_key_help")).strip()
    if handoff is not None and typed == handoff.request_key.value:
        when = handoff.analysed_at.astimezone().strftime("%H:%M:%S")
        st.caption(t("au.from_analysis", when=when))
        countdown(handoff.request_key)
        return handoff.request_key
    return typed or None


def field_inputs(id_type: str, handoff: Handoff | None) -> dict[str, str]:
    """One input per field of the idType; returns API field → the value to send."""
    lang = current_lang()
    masked = masking_on()
    values: dict[str, str] = {}
    for api_field, required in FIELD_RULES[id_type].items():
        hidden = _hidden(handoff, api_field)
        kept = handoff.values.get(api_field, "") if handoff is not None else ""
        placeholder = t("au.kept_hidden", masked=mask_value(api_field, kept)) if hidden else None
        name = field_label(api_field, lang) + ("" if required else f" ({t('au.optional')})")
        typed = st.text_input(
            name,
            key=f"auth_{api_field}",
            placeholder=placeholder,
            type="password" if masked and _sensitive(api_field) else "default",
        ).strip()
        values[api_field] = typed or (kept if hidden else "")
    return values


def unusable(key: RequestKey | str) -> bool:
    """A handed-over key that is spent or expired: the button is off (the client would refuse too)."""
    return isinstance(key, RequestKey) and not key.usable()


def build_request(id_type: str, values: dict[str, str]) -> AuthenticityRequest:
    kwargs = {ATTRS[k]: v for k, v in values.items()}  # empty means absent; a required one is named
    return AuthenticityRequest(id_type=id_type, **kwargs)  # type: ignore[arg-type]


def request_fingerprint(id_type: str, values: dict[str, str]) -> str:
    """A digest of what the form would send: tells a verdict for these values from one for edited ones
    (a digest, so the session does not keep a second copy of the values)."""
    return hashlib.sha256(repr((id_type, sorted(values.items()))).encode()).hexdigest()


def verdict(held: dict[str, object], current: str | None = None) -> None:
    """The last verdict; marked as not applying when the fields were edited after it."""
    if current is not None and held.get("for") not in (None, current):
        st.warning(
            t("au.stale_verdict", verdict=t("au.genuine") if held["authentic"] else t("au.not_genuine")),
            icon=":material/history:",
        )
        return
    if held["authentic"]:
        st.success(f"### :material/verified: {t('au.genuine')}")
    else:
        st.error(f"### :material/gpp_bad: {t('au.not_genuine')}")


def explain_codes() -> None:
    with st.expander(t("au.codes"), expanded=False):
        st.markdown(t("au.code_122"))
        st.markdown(t("au.code_123"))
