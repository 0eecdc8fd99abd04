"""The dashboard's one reader of Streamlit's secrets (``st.secrets``: the file ``./studio run`` hands
Streamlit, ``STUDIO_SECRETS_FILE``; an AppTest fills it directly). Its tables are those of
``appconfig.SECRETS_SECTIONS`` (docs/configuration.md). No secrets file at all is an empty table; one
Streamlit cannot read raises ``appconfig.SettingsProblem`` naming it, for the caller to fail closed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from appconfig import SECRETS_SECTIONS, SettingsProblem

NO_SECRETS = "no-secrets-found"
"""Streamlit's ``error_id`` when no secrets file exists (nothing configured, not an error)."""


def section(name: str) -> Mapping[str, Any]:
    """One table of the secrets (``[nhn_ocr]``, ``[auth]``, ``[access]``, ``[quotas]``, ``[studio]``)."""
    if name not in SECRETS_SECTIONS:
        raise KeyError(f"{name!r} is not a table of the secrets file (appconfig.SECRETS_SECTIONS)")
    try:
        value = st.secrets.get(name)
    except StreamlitSecretNotFoundError as err:
        if getattr(err, "error_id", None) == NO_SECRETS:
            return {}
        raise SettingsProblem("secrets file", str(err)) from None
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise SettingsProblem(f"[{name}]", "must be a table")
    return value
