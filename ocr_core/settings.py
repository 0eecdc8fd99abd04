"""``Settings``: endpoint, API version, credentials and limits, from arguments or the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from . import constants as C
from .errors import SettingsError

ApiVersion = Literal["v2.0", "v2.1"]

# ``base_url`` also accepts these names for the vendor's endpoints.
ENDPOINT_ALIASES = {"current": C.DEFAULT_BASE_URL, "legacy": C.LEGACY_BASE_URL}
ImageEncoding = Literal["raw", "base64"]


class SecretStr:
    """A secret that shows as ``[secure]`` in every repr, str and format; read it explicitly."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = str(value)

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretStr('[secure]')"

    def __str__(self) -> str:
        return "[secure]"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def _secret(value: SecretStr | str | None) -> SecretStr | None:
    if value is None or isinstance(value, SecretStr):
        return value or None
    return SecretStr(value) if value else None


@dataclass(frozen=True, init=False)
class Settings:
    """Everything a client needs.

    Secrets are stored as ``SecretStr`` (plain strings are converted); text fields with a fixed set of
    values (``api_version``, ``image_encoding``) are checked at run time, so values read from files and the
    environment may be passed as they are."""

    base_url: str
    app_key: str | None
    secret_key: SecretStr | None
    api_version: ApiVersion
    uak_id: str | None
    uak_secret: SecretStr | None
    token_url: str
    image_encoding: ImageEncoding
    connect_timeout: float
    read_timeout: float
    max_retries: int
    backoff_base: float

    def __init__(
        self,
        base_url: str = C.DEFAULT_BASE_URL,
        app_key: str | None = None,
        secret_key: SecretStr | str | None = None,
        api_version: str = C.DEFAULT_API_VERSION,
        uak_id: str | None = None,
        uak_secret: SecretStr | str | None = None,
        token_url: str = C.DEFAULT_TOKEN_URL,
        image_encoding: str = C.DEFAULT_IMAGE_ENCODING,
        connect_timeout: float = C.DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = C.DEFAULT_READ_TIMEOUT,
        max_retries: int = C.DEFAULT_MAX_RETRIES,
        backoff_base: float = C.DEFAULT_BACKOFF_BASE,
    ) -> None:
        if api_version not in C.API_VERSIONS:
            raise SettingsError(
                f"api_version must be one of {', '.join(C.API_VERSIONS)}, not {api_version!r}"
            )
        if image_encoding not in C.IMAGE_ENCODINGS:
            raise SettingsError(f"image_encoding must be 'raw' or 'base64', not {image_encoding!r}")
        for name, value in (("connect_timeout", connect_timeout), ("read_timeout", read_timeout)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise SettingsError(f"{name} must be a positive number of seconds (timeouts are always on)")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or not 0 <= max_retries <= 10:
            raise SettingsError("max_retries must be an integer between 0 and 10")
        if not backoff_base >= 0:
            raise SettingsError("backoff_base must be zero or positive")
        set_ = object.__setattr__
        set_(
            self,
            "base_url",
            _url(ENDPOINT_ALIASES.get(str(base_url).strip().lower(), base_url), "base_url").rstrip("/"),
        )
        set_(self, "app_key", app_key or None)
        set_(self, "secret_key", _secret(secret_key))
        set_(self, "api_version", api_version)
        set_(self, "uak_id", uak_id or None)
        set_(self, "uak_secret", _secret(uak_secret))
        set_(self, "token_url", _url(token_url, "token_url"))
        set_(self, "image_encoding", image_encoding)
        set_(self, "connect_timeout", connect_timeout)
        set_(self, "read_timeout", read_timeout)
        set_(self, "max_retries", max_retries)
        set_(self, "backoff_base", backoff_base)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``NHN_OCR_*`` variables; keyword overrides that are not None win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, var in (
            ("base_url", C.ENV_BASE_URL),
            ("app_key", C.ENV_APPKEY),
            ("secret_key", C.ENV_SECRETKEY),
            ("api_version", C.ENV_API_VERSION),
            ("uak_id", C.ENV_UAK_ID),
            ("uak_secret", C.ENV_UAK_SECRET),
            ("token_url", C.ENV_TOKEN_URL),
            ("image_encoding", C.ENV_IMAGE_ENCODING),
        ):
            if env.get(var):
                values[name] = env[var]
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise SettingsError(f"unknown settings: {', '.join(sorted(unknown))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) as requests wants it."""
        return (float(self.connect_timeout), float(self.read_timeout))

    @property
    def small_call_timeout(self) -> tuple[float, float]:
        """(connect, read) for a public-key GET or a token request: small answers that come at once."""
        return (float(self.connect_timeout), min(float(self.read_timeout), C.SMALL_CALL_READ_TIMEOUT))

    def require_credentials(self) -> None:
        """Raise SettingsError naming what is missing for the chosen API version."""
        missing: list[tuple[str, str]] = []  # (setting, its environment variable)
        if not self.app_key:
            missing.append(("app_key", C.ENV_APPKEY))
        if self.api_version == "v2.0" and not self.secret_key:
            missing.append(("secret_key", C.ENV_SECRETKEY))
        if self.api_version == "v2.1":
            if not self.uak_id:
                missing.append(("uak_id", C.ENV_UAK_ID))
            if not self.uak_secret:
                missing.append(("uak_secret", C.ENV_UAK_SECRET))
        if missing:
            named = ", ".join(f"{_CREDENTIAL_NAMES[name]} ({env})" for name, env in missing)
            raise SettingsError(
                f"missing settings for API {self.api_version}: {named}",
                rule="missing_credentials",
                params={"api_version": self.api_version, "missing": tuple(missing)},
            )


_CREDENTIAL_NAMES = {
    "app_key": "appKey",
    "secret_key": "secretKey",
    "uak_id": "User Access Key ID",
    "uak_secret": "User Access Key secret",
}
"""For the exception's English message (logs); people see the catalogue's ``input.setting.<name>``."""


def _url(value: str, name: str) -> str:
    text = str(value or "").strip()
    if not text.startswith(("http://", "https://")):
        raise SettingsError(
            f"{name} must be an http:// or https:// URL, not {text!r}",
            rule="bad_url",
            params={"setting": name, "value": text},
        )
    return text


def nhn_cloud_endpoint(base_url: str) -> bool:
    """Whether ``base_url`` is one of NHN Cloud's own hosts, where every analysis is billed (a sandbox
    anywhere else is not)."""
    host = (urlsplit(base_url).hostname or "").lower()
    return host.endswith(C.NHN_CLOUD_HOST_SUFFIX)
