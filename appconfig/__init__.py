"""The studio's settings in one typed place: every ``STUDIO_*`` variable (``StudioSettings``, read with
pydantic-settings) and the secrets file's sections (``secrets_section``, one TOML reader), documented in
docs/configuration.md. The application's packages (store, access, qa, ui) read them here; ``ocr_core``
keeps its own small ``Settings`` (``NHN_OCR_*``) and imports nothing of this, nor does the sandbox.

Read once: ``settings()`` validates the environment the first time and again only when a ``STUDIO_*``
variable changed (a test's ``monkeypatch.setenv``); the secrets file is parsed again only when it
changed on disk. ``reset()`` forgets both. A bad value raises ``SettingsProblem`` naming the variable or
the file and why; nothing is swallowed here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "STUDIO_"
DEFAULT_SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"


class SettingsProblem(ValueError):
    """A setting that cannot be used; ``where`` names the variable or file, ``cause`` says why."""

    def __init__(self, where: str, cause: str) -> None:
        super().__init__(f"{where}: {cause}")
        self.where, self.cause = where, cause


class StudioSettings(BaseSettings):
    """Every ``STUDIO_*`` variable of the application (an empty value counts as unset)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_ignore_empty=True, case_sensitive=True, extra="ignore", frozen=True
    )

    # the studio database (store.db)
    DATABASE_URL: str | None = None
    DATA_DIR: Path = ROOT / "data"
    SQLITE_BUSY_SECONDS: float = 10.0
    DB_PATIENCE_SECONDS: float = 120.0
    # the secrets file every door outside Streamlit reads (./studio run gives Streamlit the same)
    SECRETS_FILE: Path = DEFAULT_SECRETS_FILE
    # who a command-line call bills (access.metering.command_line_user)
    USER: str | None = None
    # serving beyond loopback with no sign-in: exactly "1" allows it (access.listen)
    ALLOW_ANONYMOUS: str = ""
    # the sandbox: an already running one, else one started in the process (ui.session, qa.backend)
    SANDBOX_URL: str = ""
    WARM_ENGINE: str = "1"
    # QA Lab
    QA_MAX_CALLS: int = 1000
    SPOOL_KEY: SecretStr | None = None
    QUEUE_URL: str = ""

    @field_validator("SANDBOX_URL")
    @classmethod
    def _bare_url(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @field_validator("SPOOL_KEY")
    @classmethod
    def _stripped_secret(cls, value: SecretStr | None) -> SecretStr | None:
        text = value.get_secret_value().strip() if value is not None else ""
        return SecretStr(text) if text else None

    @field_validator("USER")
    @classmethod
    def _stripped(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @property
    def anonymous_allowed(self) -> bool:
        return self.ALLOW_ANONYMOUS == "1"

    @property
    def warm_engine(self) -> bool:
        return self.WARM_ENGINE.strip() != "0"


_seen: dict[str, Any] = {"env": None, "settings": None, "files": {}}


def _environment() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(ENV_PREFIX)))


def settings() -> StudioSettings:
    """The application's settings, validated once per set of ``STUDIO_*`` values."""
    env = _environment()
    if _seen["env"] != env or _seen["settings"] is None:
        try:
            made = StudioSettings()
        except ValidationError as err:
            first = err.errors()[0]
            name = ENV_PREFIX + str(first["loc"][0]) if first.get("loc") else ENV_PREFIX + "*"
            raise SettingsProblem(name, f"{first['msg']} (got {first.get('input')!r})") from None
        _seen.update(env=env, settings=made)
    return _seen["settings"]


def reset() -> None:
    """Forget what was read: the next ``settings()`` and ``secrets_file()`` read again (for tests)."""
    _seen.update(env=None, settings=None, files={})


def secrets_file(path: Path | None = None) -> Mapping[str, Any]:
    """The secrets file (``STUDIO_SECRETS_FILE``, else ``.streamlit/secrets.toml``) parsed; an absent one
    is empty. A file that cannot be read or is not TOML raises ``SettingsProblem`` naming it."""
    path = path or settings().SECRETS_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise SettingsProblem(str(path), err.strerror or type(err).__name__) from None
    stamp = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)
    cached = _seen["files"].get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise SettingsProblem(str(path), str(err)) from None
    _seen["files"][path] = (stamp, doc)
    return doc


def secrets_section(name: str, path: Path | None = None) -> Mapping[str, Any]:
    """One table of the secrets file (``[nhn_ocr]``, ``[quotas]``, ``[studio]``, ``[auth]``, ``[access]``);
    empty when absent; a value that is not a table raises ``SettingsProblem``."""
    section = secrets_file(path).get(name)
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise SettingsProblem(f"[{name}] of {path or settings().SECRETS_FILE}", "must be a table")
    return section


SECRETS_SECTIONS: dict[str, str] = {
    "nhn_ocr": "NHN Cloud credentials: app_key, secret_key (v2.0), uak_id, uak_secret (v2.1)",
    "auth": "Streamlit's OIDC sign-in (st.login): redirect_uri, cookie_secret, client_id, ...",
    "access": "who gets which role, proxy mode, trusted proxies (access.config)",
    "quotas": "billed-call quotas per user per day and per deployment per month (access.ledger.QUOTA_NAMES)",
    "studio": "spool_key: the key sealing QA Lab run inputs, shared by replicas and workers",
}
"""The secrets file's tables, each read by the package named (docs/configuration.md)."""
