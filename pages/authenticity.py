"""Authenticity: verify a resident card or driver licence with the Request-Key of an ID analysis.

Arrives prefilled from the ID card page (``ui.handoff``) or works on its own (paste a key, type the
fields); the form itself is ``ui.authenticity_form``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from ocr_core import ApiError, AuthenticityRequest, InputError
from ui import state
from ui.auth_messages import request_problem
from ui.authenticity_form import (
    RESULT_KEY,
    build_request,
    explain_codes,
    field_inputs,
    request_fingerprint,
    request_key_input,
    seed_form,
    unusable,
    verdict,
)
from ui.billing import billed_call
from ui.errors import guarded, show_error
from ui.handoff import AUTH_ID_TYPES, HANDOFF_KEY, Handoff
from ui.i18n import current_lang, t, translated
from ui.session import client


def main() -> None:
    st.title(t("page.authenticity"))
    st.caption(t("au.intro"))
    handoff: Handoff | None = state.get(HANDOFF_KEY)
    seed_form(handoff)

    key = request_key_input(handoff)
    id_type = st.radio(
        t("au.id_type"),
        AUTH_ID_TYPES,
        key=translated("auth_id_type"),
        horizontal=True,
        format_func=lambda v: t(f"au.type.{v}"),
    )
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

    if id_type == "resident":
        st.caption(t("au.strikes"))
    if st.button(
        t("au.button"),
        key="auth_verify",
        type="primary",
        icon=":material/verified_user:",
        disabled=key is None or request is None or unusable(key),
    ):
        state.drop(RESULT_KEY)
        assert request is not None and key is not None
        with guarded("authenticity"):
            try:
                answer = billed_call(
                    "authenticity",
                    lambda: client().verify_authenticity(key, request),
                    request_key=key.value if hasattr(key, "value") else str(key),
                )
            except ApiError as exc:
                show_error(exc)  # explains 4000122/4000123 once; the expander below is the reference
            else:
                state.put(
                    RESULT_KEY,
                    {
                        "authentic": answer.is_authenticity,
                        "at": datetime.now(UTC),
                        "for": request_fingerprint(id_type, values),
                    },
                )
                st.rerun()  # redraw the key panel above: it is spent now

    held = state.get(RESULT_KEY)
    if held is not None:
        verdict(held, current=request_fingerprint(id_type, values))
    explain_codes()


with guarded():
    main()
