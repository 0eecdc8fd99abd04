"""The backend a lab run talks to, chosen as the dashboard chooses.

The backend a lab run talks to, chosen as the dashboard chooses: NHN Cloud when its credentials
are configured (``NHN_OCR_*`` or the CLI's options), else a sandbox — an already running one named
by ``STUDIO_SANDBOX_URL``, or one started in this process."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from appconfig import settings
from ocr_core import Settings
from ocr_core.errors import SettingsError

SANDBOX_URL_ENV = "STUDIO_SANDBOX_URL"
MAX_CALLS_ENV = "STUDIO_QA_MAX_CALLS"
DEFAULT_MAX_CALLS = 1000
"""Per-run cap on billed calls against NHN Cloud (``STUDIO_QA_MAX_CALLS``)."""

_embedded: Any = None
_starting = threading.Lock()


@dataclass(frozen=True)
class Backend:
    kind: str  # "sandbox" | "cloud"
    settings: Settings


def max_cloud_calls() -> int:
    return settings().QA_MAX_CALLS  # a value that is not a number: appconfig.SettingsProblem names it


def embedded_sandbox() -> Any:
    """The sandbox started in this process, once (again only if it was stopped): the one way every part
    of a process finds it — the dashboard (``ui.session.sandbox_handle``) and lab runs alike."""
    global _embedded
    with _starting:
        if _embedded is None or not _embedded.running:
            from sandbox.server import start_sandbox

            _embedded = start_sandbox()
        return _embedded


def sandbox_url() -> tuple[str, bool]:
    """(the sandbox's URL, whether it runs in this process): ``STUDIO_SANDBOX_URL``, else the embedded one."""
    external = settings().SANDBOX_URL
    return (external, False) if external else (embedded_sandbox().base_url, True)


def sandbox_settings(**overrides: Any) -> Settings:
    from sandbox.config import DEMO_APP_KEY, DEMO_SECRET_KEY, DEMO_UAK_ID, DEMO_UAK_SECRET, TOKEN_PATH

    url, _ = sandbox_url()
    values: dict[str, Any] = {
        "base_url": url,
        "app_key": DEMO_APP_KEY,
        "secret_key": DEMO_SECRET_KEY,
        "uak_id": DEMO_UAK_ID,
        "uak_secret": DEMO_UAK_SECRET,
        "token_url": url + TOKEN_PATH,
    }
    values.update(
        {
            k: v
            for k, v in overrides.items()
            if v is not None and k in ("api_version", "image_encoding", "read_timeout", "connect_timeout")
        }
    )
    return Settings(**values)


def choose(**overrides: Any) -> Backend:
    """NHN Cloud when the settings (environment + overrides) carry credentials, else the sandbox."""
    cloud = Settings.from_env(**overrides)
    try:
        cloud.require_credentials()
    except SettingsError:
        return Backend("sandbox", sandbox_settings(**overrides))
    from access.metering import billed_endpoint  # one rule for every door

    # an NHN_OCR_BASE_URL at a sandbox is not billed
    return Backend("cloud" if billed_endpoint(cloud.base_url) else "sandbox", cloud)
