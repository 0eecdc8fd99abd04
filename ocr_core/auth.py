"""Authentication headers for API v2.0 (secretKey) and v2.1 (bearer token).

Authentication headers: v2.0 sends the secretKey; v2.1 sends a bearer token issued from a
User Access Key and cached until shortly before it expires."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import requests

from .constants import ENV_SECRETKEY, ENV_UAK_ID, ENV_UAK_SECRET, TOKEN_REFRESH_MARGIN
from .errors import MalformedResponseError, SettingsError, TokenError
from .settings import Settings

__all__ = ["Auth", "BearerTokenAuth", "SecretKeyAuth", "auth_for"]

# (method, url, **requests kwargs) -> Response, with timeouts set and transport errors translated.
HttpCall = Callable[..., requests.Response]

DEFAULT_LIFETIME_WHEN_UNSTATED = 300.0


class Auth(Protocol):
    def headers(self) -> dict[str, str]: ...

    def invalidate(self) -> None: ...


class SecretKeyAuth:
    """v2.0: ``Authorization: {secretKey}``."""

    def __init__(self, settings: Settings) -> None:
        if not settings.secret_key:
            raise SettingsError(
                "API v2.0 needs a secretKey",
                rule="missing_credentials",
                params={"api_version": "v2.0", "missing": (("secret_key", ENV_SECRETKEY),)},
            )
        self._secret = settings.secret_key

    def headers(self) -> dict[str, str]:
        return {"Authorization": self._secret.get_secret_value()}

    def invalidate(self) -> None:
        """A secretKey cannot be renewed; nothing to forget."""

    def __repr__(self) -> str:
        return "SecretKeyAuth(secret_key=[secure])"


class BearerTokenAuth:
    """v2.1: ``X-NHN-Authorization: Bearer {token}``; one token reused until near its expiry."""

    def __init__(
        self, settings: Settings, http: HttpCall, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if not settings.uak_id or not settings.uak_secret:
            raise SettingsError(
                "API v2.1 needs a User Access Key ID and secret",
                rule="missing_credentials",
                params={
                    "api_version": "v2.1",
                    "missing": (("uak_id", ENV_UAK_ID), ("uak_secret", ENV_UAK_SECRET)),
                },
            )
        self._settings = settings
        self._http = http
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self.tokens_issued = 0

    def headers(self) -> dict[str, str]:
        return {"X-NHN-Authorization": f"Bearer {self._current()}"}

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _current(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                token, lifetime = self._issue()
                self._token = token
                self._renew_at = self._clock() + lifetime - min(TOKEN_REFRESH_MARGIN, lifetime / 2)
                self.tokens_issued += 1
            return self._token

    def _issue(self) -> tuple[str, float]:
        s = self._settings
        assert s.uak_id and s.uak_secret
        response = self._http(
            "POST",
            s.token_url,
            auth=(s.uak_id, s.uak_secret.get_secret_value()),
            data={"grant_type": "client_credentials"},
            headers={"Accept": "application/json"},
            timeout=s.small_call_timeout,
        )
        body = _json_object(response)
        if response.status_code != 200 or "access_token" not in body:
            detail = body.get("error_description") or body.get("error") or body.get("message") or "refused"
            raise TokenError(f"{detail} (HTTP {response.status_code})", status=response.status_code)
        token, kind = body.get("access_token"), str(body.get("token_type", "Bearer"))
        if not isinstance(token, str) or not token or kind.lower() != "bearer":
            raise MalformedResponseError(
                "the token endpoint answered without a usable bearer token", status=response.status_code
            )
        try:
            lifetime = float(body.get("expires_in", DEFAULT_LIFETIME_WHEN_UNSTATED))
        except (TypeError, ValueError) as err:
            raise MalformedResponseError("the token's expires_in is not a number") from err
        return token, max(lifetime, 1.0)

    def __repr__(self) -> str:
        return f"BearerTokenAuth(uak_id={self._settings.uak_id!r}, token=[secure])"


def _json_object(response: requests.Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as err:
        raise MalformedResponseError(
            "the token endpoint did not answer JSON", status=response.status_code
        ) from err
    if not isinstance(body, dict):
        raise MalformedResponseError(
            "the token endpoint did not answer a JSON object", status=response.status_code
        )
    return body


def auth_for(settings: Settings, http: HttpCall) -> Auth:
    """The authentication matching ``settings.api_version``."""
    if settings.api_version == "v2.1":
        return BearerTokenAuth(settings, http)
    return SecretKeyAuth(settings)
