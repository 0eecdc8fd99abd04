"""Authenticity: verify a resident card or driver licence with the Request-Key of an ID analysis.

Arrives prefilled from the ID card page (``ui.handoff``) or works on its own (paste a key, type the
fields). Sensitive values handed over stay on the server while masking is on: their inputs start
empty, show the masked value as a placeholder, and the handed-over value is used unless replaced.
"""
from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from ocr_core import ApiError, AuthenticityRequest, InputError, RequestKey
from ocr_core.authenticity import FIELD_RULES
from ocr_core.fields import field_spec, label
from ocr_core.masking import mask_value
from ui import state
from ui.auth_messages import request_problem
from ui.errors import guarded, show_error
from ui.handoff import AUTH_ID_TYPES, HANDOFF_KEY, Handoff
from ui.i18n import current_lang, t, translated
from ui.session import client, masking_on

RESULT_KEY = "auth_result"
SEEDED_KEY = "_auth_seeded"
ATTRS = {"name": "name", "residentNumber": "resident_number", "issueDate": "issue_date",
         "driverLicenseNumber": "driver_license_number", "serialNum": "serial_num"}
CODE_TEXT = {4000122: "au.code_122", 4000123: "au.code_123"}


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
    if rk.spent:
        st.warning(t("au.spent"), icon=":material/lock:")
    elif rk.expired():
        st.warning(t("au.expired"), icon=":material/hourglass_empty:")
    else:
        left = int(rk.remaining().total_seconds())
        st.metric(t("au.valid_for"), f"{left // 60:02d}:{left % 60:02d}", border=True)


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
        name = label(api_field, lang) + ("" if required else f" ({t('au.optional')})")
        typed = st.text_input(name, key=f"auth_{api_field}", placeholder=placeholder,
                              type="password" if masked and _sensitive(api_field) else "default").strip()
        values[api_field] = typed or (kept if hidden else "")
    return values


def _unusable(key: RequestKey | str) -> bool:
    """A handed-over key that is spent or expired: the button is off (the client would refuse too)."""
    return isinstance(key, RequestKey) and (key.spent or key.expired())


def build_request(id_type: str, values: dict[str, str]) -> AuthenticityRequest:
    kwargs = {ATTRS[k]: v for k, v in values.items()}  # empty means absent; a required one is named
    return AuthenticityRequest(id_type=id_type, **kwargs)  # type: ignore[arg-type]


def verdict(held: dict[str, object]) -> None:
    if held["authentic"]:
        st.success(f"### :material/verified: {t('au.genuine')}")
    else:
        st.error(f"### :material/gpp_bad: {t('au.not_genuine')}")


def explain_codes() -> None:
    with st.expander(t("au.codes"), expanded=False):
        st.markdown(t("au.code_122"))
        st.markdown(t("au.code_123"))


def main() -> None:
    st.title(t("page.authenticity"))
    st.caption(t("au.intro"))
    handoff: Handoff | None = state.get(HANDOFF_KEY)
    seed_form(handoff)

    key = request_key_input(handoff)
    id_type = st.radio(t("au.id_type"), AUTH_ID_TYPES, key=translated("auth_id_type"), horizontal=True,
                       format_func=lambda v: t(f"au.type.{v}"))
    st.caption(t("au.passport_note"))
    st.markdown(f"**{t('au.fields')}**")
    values = field_inputs(id_type, handoff)

    request: AuthenticityRequest | None = None
    problem: str | None = None
    try:
        request = build_request(id_type, values)
    except InputError as exc:
        problem = request_problem(exc, current_lang())
    if key is None:
        st.info(t("au.no_key"), icon=":material/key:")
    elif problem:
        st.warning(f"{t('au.invalid')} {problem}", icon=":material/edit:")

    if st.button(t("au.button"), key="auth_verify", type="primary", icon=":material/verified_user:",
                 disabled=key is None or request is None or _unusable(key)):
        state.drop(RESULT_KEY)
        assert request is not None and key is not None
        with guarded("authenticity"):
            try:
                answer = client().verify_authenticity(key, request)
            except ApiError as exc:
                show_error(exc)
                if exc.result_code in CODE_TEXT:
                    st.info(t(CODE_TEXT[exc.result_code]), icon=":material/chat:")
            else:
                state.put(RESULT_KEY, {"authentic": answer.is_authenticity, "at": datetime.now(UTC)})
                st.rerun()  # redraw the key panel above: it is spent now

    held = state.get(RESULT_KEY)
    if held is not None:
        verdict(held)
    explain_codes()


with guarded():
    main()
