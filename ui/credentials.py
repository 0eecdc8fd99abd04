"""The NHN Cloud connection a session may choose and the credentials it needs: ``Connection`` (no secrets
in it), the settings of a cloud connection (``[nhn_ocr]`` of the secrets file first, then ``NHN_OCR_*``)
and whether they are configured. Imports no other ``ui`` module: the backend rules
(``ui.backend_choice``) and the session's state (``ui.session``) both read it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from appconfig import SettingsProblem
from ocr_core import Settings, SettingsError
from ocr_core.constants import DEFAULT_BASE_URL, LEGACY_BASE_URL
from ui import secrets

Backend = Literal["sandbox", "cloud"]
Endpoint = Literal["current", "legacy"]

log = logging.getLogger("studio.ui")
SECRETS_SECTION = "nhn_ocr"
_SECRET_FIELDS = ("app_key", "secret_key", "uak_id", "uak_secret")

ENDPOINT_URLS: dict[Endpoint, str] = {"current": DEFAULT_BASE_URL, "legacy": LEGACY_BASE_URL}


@dataclass(frozen=True)
class Connection:
    """What the user chose on the Settings page (no secrets in here)."""

    backend: Backend = "sandbox"
    endpoint: Endpoint = "current"
    api_version: str = "v2.0"
    image_encoding: str = "raw"


def cloud_settings(conn: Connection) -> Settings:
    """Settings for NHN Cloud: secrets.toml first, then the environment; endpoint from the choice."""
    section = secrets.section(SECRETS_SECTION)
    overrides = {name: section.get(name) or None for name in _SECRET_FIELDS}
    return Settings.from_env(
        base_url=ENDPOINT_URLS[conn.endpoint],
        api_version=conn.api_version,
        image_encoding=conn.image_encoding,
        **overrides,
    )


def credentials_configured(api_version: str) -> bool:
    """Whether the credentials the given API version needs are present (values never leave here)."""
    try:
        cloud_settings(Connection(backend="cloud", api_version=api_version)).require_credentials()
    except (SettingsError, SettingsProblem) as err:  # missing, invalid or unreadable: not configured
        log.debug("NHN Cloud %s not configured: %s", api_version, err)
        return False
    return True
