"""``OcrClient``: every operation of NHN Document OCR, behind the digital envelope.

One pooled ``requests.Session`` per client, connect and read timeouts on every call, public keys
cached per (endpoint, appKey, service), and retries bounded and decided per result code
(docs/vendor-api.md#retries-and-timeouts): every analysis is billed, so

- the public-key GET is retried on any transport failure and on 4000006 / 5000503;
- an analysis is retried only when it surely never reached the server (connect failure) or was
  refused unprocessed (4000006, 5000503, with backoff), and after 4000301 once with a fresh key;
- nothing is resent after a read timeout or a dropped connection, and authenticity calls are never
  resent at all (a 4000301 there only drops the stale key so the next call fetches a new one).

Each retry decision is logged at DEBUG on the ``ocr_core`` logger, with sensitive headers redacted.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Self
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from . import constants as C
from .auth import Auth, auth_for
from .authenticity import AuthenticityRequest
from .envelope import Envelope, RsaKey, load_public_key
from .errors import (
    ApiError,
    ConnectError,
    ConnectionLostError,
    EnvelopeError,
    InputError,
    MalformedResponseError,
    ReadTimeoutError,
    SettingsError,
    TransportError,
)
from .models import (
    AuthenticityResult,
    CallTrace,
    CreditCardResult,
    IdCardResult,
    PublicKeyInfo,
    RequestKey,
    Service,
)
from .services import AUTHENTICITY_PATH, SERVICES, AnalysisName, analysis
from .settings import Settings

__all__ = ["OcrClient"]

log = logging.getLogger(C.LOGGER_NAME)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to log: sensitive values replaced by ``[secure]``."""
    return {k: ("[secure]" if k.lower() in C.SENSITIVE_HEADERS else v) for k, v in headers.items()}


@dataclass
class _CachedKey:
    info: PublicKeyInfo
    rsa: RsaKey


@dataclass
class _Exchange:
    """One sealed call as it went: the parsed body, the response, the envelope that opened it."""

    doc: dict[str, Any]
    response: requests.Response
    envelope: Envelope
    path: str
    timings: dict[str, float]
    sizes: dict[str, int]
    attempts: int
    key_refetched: bool
    encoding: str = "raw"


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


class OcrClient:
    """A client for NHN Cloud Document OCR (API v2.0 or v2.1). Thread-safe; use as a context manager."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **overrides: Any,
    ) -> None:
        if settings is None:
            self.settings = Settings.from_env(**overrides)
        else:
            self.settings = settings.replace(**overrides) if overrides else settings
        self._owns_session = session is None
        self._session = session if session is not None else self._new_session()
        self._sleep = sleep
        self._lock = threading.Lock()
        """Guards the dictionaries below, never a network call or a sleep."""
        self._keys: dict[tuple[str, str, str], _CachedKey] = {}
        self._fetching: dict[tuple[str, str, str], threading.Lock] = {}
        """One lock per key being fetched: concurrent misses of one key fetch it once, while calls
        needing another key (or holding theirs cached) never wait for that fetch."""
        self._auth: Auth | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    @staticmethod
    def _new_session() -> requests.Session:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=8, max_retries=0)  # our retries only
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.headers["User-Agent"] = C.USER_AGENT
        return session

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        s = self.settings
        return f"OcrClient(base_url={s.base_url!r}, api_version={s.api_version!r}, app_key={s.app_key!r})"

    # -- HTTP: the one place where requests' exceptions are translated -----------------------------
    def _http(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.settings.timeout)
        host = urlsplit(url).netloc
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s headers=%s", method, urlsplit(url).path, redact_headers(kwargs.get("headers") or {})
            )
        try:
            return self._request(method, url, host, **kwargs)
        except TransportError as err:
            err.host = host
            raise

    def _request(self, method: str, url: str, host: str, **kwargs: Any) -> requests.Response:
        read_timeout = kwargs["timeout"][1] if isinstance(kwargs["timeout"], tuple) else kwargs["timeout"]
        try:
            return self._session.request(method, url, **kwargs)
        except requests.exceptions.ConnectTimeout as err:
            raise ConnectError(
                f"could not connect to {host} within {self.settings.connect_timeout:g} s"
            ) from err
        except requests.exceptions.ReadTimeout as err:
            raise ReadTimeoutError(
                f"{host} accepted the connection but sent no answer within {read_timeout:g} s"
            ) from err
        except requests.exceptions.SSLError as err:
            raise ConnectError(f"TLS handshake with {host} failed") from err
        except requests.exceptions.ConnectionError as err:
            if _never_sent(err):
                raise ConnectError(f"could not connect to {host} (refused or unreachable)") from err
            raise ConnectionLostError(
                f"the connection to {host} dropped; the call may have been processed"
            ) from err
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as err:
            raise ConnectionLostError(f"the answer from {host} was cut off") from err
        except (
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
            requests.exceptions.InvalidHeader,
        ) as err:
            raise SettingsError(f"cannot call {url.split('/appkeys/')[0]}: {type(err).__name__}") from err
        except requests.exceptions.RequestException as err:
            raise TransportError(f"request to {host} failed: {type(err).__name__}") from err

    def _auth_headers(self) -> dict[str, str]:
        with self._lock:  # creating the Auth makes no request; a token is issued in auth.headers()
            if self._auth is None:
                self.settings.require_credentials()
                self._auth = auth_for(self.settings, self._http)
            auth = self._auth
        return auth.headers()

    def _url(self, suffix: str) -> str:
        s = self.settings
        return f"{s.base_url}/{s.api_version}/appkeys/{s.app_key}/{suffix}"

    def _backoff(self, failures: int, what: str, reason: str) -> None:
        base = self.settings.backoff_base
        delay = min(C.MAX_BACKOFF, base * 2 ** (failures - 1)) * random.uniform(0.5, 1.0) if base else 0.0
        log.debug(
            "retrying %s after %s (retry %d of %d, waiting %.2f s)",
            what,
            reason,
            failures,
            self.settings.max_retries,
            delay,
        )
        if delay:
            self._sleep(delay)

    # -- public keys -------------------------------------------------------------------------------
    def public_key(self, service: Service, *, refresh: bool = False) -> PublicKeyInfo:
        """The service's public key and version (cached per endpoint, appKey and service)."""
        return self._key_entry(service, refresh=refresh).info

    def key_versions(self) -> dict[Service, str]:
        """The public-key versions fetched so far, per service."""
        with self._lock:
            return {
                k[2]: v.info.version  # type: ignore[misc]
                for k, v in self._keys.items()
                if k[:2] == (self.settings.base_url, self.settings.app_key)
            }

    def _cache_key(self, service: str) -> tuple[str, str, str]:
        return (self.settings.base_url, self.settings.app_key or "", service)

    def _forget_key(self, service: str) -> None:
        with self._lock:
            self._keys.pop(self._cache_key(service), None)

    def _key_entry(self, service: str, *, refresh: bool = False) -> _CachedKey:
        if service not in SERVICES:
            raise InputError(f"service must be one of {', '.join(SERVICES)}")
        self.settings.require_credentials()
        key = self._cache_key(service)
        with self._lock:
            cached = self._keys.get(key)
            if cached is not None and not refresh:
                return cached
            fetching = self._fetching.setdefault(key, threading.Lock())
        with fetching:  # one fetch per key even when many threads miss at once
            with self._lock:
                now = self._keys.get(key)
            if now is not None and now is not cached:
                return now  # another thread fetched (or refreshed) it while this one waited
            entry = self._fetch_key(service)
            with self._lock:
                self._keys[key] = entry
            return entry

    def _fetch_key(self, service: str) -> _CachedKey:
        what = f"public-key fetch ({service})"
        failures = 0
        while True:
            try:
                response = self._http(
                    "GET",
                    self._url(f"public-keys/{service}"),
                    headers=self._auth_headers(),
                    timeout=self.settings.small_call_timeout,
                )
                doc = _api_body(response)
                _raise_for_header(doc)
                break
            except (TransportError, ApiError) as err:
                # A host that took the connection but sent nothing for the whole read timeout (a dead
                # proxy) will not do better on a retry: say so now rather than after three waits.
                retryable = (isinstance(err, TransportError) and not isinstance(err, ReadTimeoutError)) or (
                    isinstance(err, ApiError) and err.retry == "backoff"
                )
                if isinstance(err, ApiError) and err.result_code == 4010006 and self._auth is not None:
                    self._auth.invalidate()
                if not retryable or failures >= self.settings.max_retries:
                    raise
                failures += 1
                self._backoff(
                    failures,
                    what,
                    type(err).__name__
                    if isinstance(err, TransportError)
                    else f"result code {err.result_code}",
                )
        result = doc.get("result")
        if (
            not isinstance(result, dict)
            or not isinstance(result.get("key"), str)
            or result.get("version") is None
        ):
            raise MalformedResponseError(
                "the public-key answer has no result.key and result.version", status=response.status_code
            )
        try:
            rsa = load_public_key(result["key"])
        except EnvelopeError as err:
            raise MalformedResponseError(f"the {service} public key is unusable: {err}") from err
        info = PublicKeyInfo(service, str(result["version"]), result["key"])  # type: ignore[arg-type]
        log.debug("fetched %s public key version %s", service, info.version)
        return _CachedKey(info, rsa)

    # -- the sealed call ---------------------------------------------------------------------------
    def _sealed_call(
        self,
        service: str,
        suffix: str,
        build: Callable[[Envelope], tuple[dict[str, Any], dict[str, int]]],
        *,
        retriable: bool,
        headers: Mapping[str, str] | None = None,
    ) -> _Exchange:
        """Seal with a fresh key, POST, and classify the answer; retries as the module docstring says."""
        timings = {"key_fetch": 0.0, "encrypt": 0.0, "network": 0.0}
        attempts, failures, refetched = 0, 0, False
        what = f"POST {suffix}"
        while True:
            attempts += 1
            start = time.perf_counter()
            entry = self._key_entry(service)
            timings["key_fetch"] += _ms(start)
            start = time.perf_counter()
            envelope = Envelope.seal(entry.rsa, entry.info.version)
            kwargs, sizes = build(envelope)
            timings["encrypt"] += _ms(start)
            request_headers = {
                **self._auth_headers(),
                "X-Key-Version": envelope.key_version,
                "Symmetric-Key": envelope.wrapped_key_b64,
                **(headers or {}),
            }
            start = time.perf_counter()
            try:
                response = self._http("POST", self._url(suffix), headers=request_headers, **kwargs)
            except ConnectError:
                timings["network"] += _ms(start)
                if retriable and failures < self.settings.max_retries:
                    failures += 1
                    self._backoff(failures, what, "a connect failure (never reached the server)")
                    continue
                log.debug(
                    "not retrying %s after a connect failure (%s)",
                    what,
                    "retries exhausted" if retriable else "authenticity is never resent",
                )
                raise
            except TransportError as err:
                err.billable = True  # the analysis POST itself went out and its fate is unknown
                log.debug(
                    "not retrying %s after %s: it may have been processed and billed",
                    what,
                    type(err).__name__,
                )
                raise
            timings["network"] += _ms(start)
            doc = _api_body(response)
            try:
                _raise_for_header(doc)
            except ApiError as err:
                if err.result_code == 4010006 and self._auth is not None:
                    self._auth.invalidate()  # the next call issues a new token
                if err.retry == "refetch_key":
                    self._forget_key(service)
                    if retriable and not refetched:
                        refetched = True
                        log.debug("%s answered 4000301: public key refetched, retrying once", what)
                        continue
                    log.debug(
                        "not retrying %s after 4000301 (%s)",
                        what,
                        "already refetched once" if retriable else "authenticity is never resent",
                    )
                elif err.retry == "backoff" and retriable and failures < self.settings.max_retries:
                    failures += 1
                    self._backoff(failures, what, f"result code {err.result_code}")
                    continue
                elif err.retry == "backoff":
                    log.debug(
                        "not retrying %s after result code %s (%s)",
                        what,
                        err.result_code,
                        "retries exhausted" if retriable else "authenticity is never resent",
                    )
                raise
            return _Exchange(doc, response, envelope, suffix, timings, sizes, attempts, refetched)

    def _trace(
        self, service: Service, ex: _Exchange, decrypt_ms: float, fields_decrypted: int, total_start: float
    ) -> CallTrace:
        timings = dict(ex.timings, decrypt=decrypt_ms, total=_ms(total_start))
        return CallTrace(
            service=service,
            path=ex.path,
            key_version=ex.envelope.key_version,
            wrapped_key_bytes=len(ex.envelope.wrapped_key),
            image_bytes=ex.sizes.get("image", 0),
            ciphertext_bytes=ex.sizes.get("ciphertext", 0),
            encoding=ex.encoding,
            fields_decrypted=fields_decrypted,
            timings_ms=timings,
            attempts=ex.attempts,
            key_refetched=ex.key_refetched,
        )

    # -- analyses ----------------------------------------------------------------------------------
    def _image_builder(self, image: bytes) -> Callable[[Envelope], tuple[dict[str, Any], dict[str, int]]]:
        data = _checked_image(image)
        filename = "image.png" if data.startswith(C.PNG_MAGIC) else "image.jpg"
        as_base64 = self.settings.image_encoding == "base64"

        def build(envelope: Envelope) -> tuple[dict[str, Any], dict[str, int]]:
            sealed = envelope.encrypt(data)
            payload = base64.b64encode(sealed) if as_base64 else sealed
            kind = "text/plain" if as_base64 else "application/octet-stream"
            return {"files": {"image": (filename, payload, kind)}}, {
                "image": len(data),
                "ciphertext": len(payload),
            }

        return build

    def _analyze(
        self, name: AnalysisName, image: bytes
    ) -> tuple[_Exchange, Callable[[str], str], list[int], float]:
        total_start = time.perf_counter()
        route = analysis(name)
        ex = self._sealed_call(route.service, route.path, self._image_builder(image), retriable=True)
        ex.encoding = self.settings.image_encoding
        counter = [0]

        def decrypt(value: str) -> str:
            counter[0] += 1
            return ex.envelope.decrypt_text(value)

        return ex, decrypt, counter, total_start

    def analyze_credit_card(self, image: bytes) -> CreditCardResult:
        """Credit-card analysis (billed): card-number groups, full number, expiry, boxes."""
        ex, decrypt, counter, total_start = self._analyze("credit-card", image)
        start = time.perf_counter()
        result = CreditCardResult.from_api(_result_of(ex.doc), decrypt, header=ex.doc["header"])
        trace = self._trace("credit-card", ex, _ms(start), counter[0], total_start)
        return replace(result, trace=trace)

    def analyze_id_card(self, image: bytes, *, stand_alone: bool = False) -> IdCardResult:
        """ID analysis (billed).

        Unless ``stand_alone``, resident cards and driver licences come with a ``RequestKey`` for one
        authenticity check within the hour."""
        ex, decrypt, counter, total_start = self._analyze("stand-alone" if stand_alone else "id-card", image)
        header_value = ex.response.headers.get("Request-Key")
        request_key = RequestKey.issued_now(header_value) if header_value and not stand_alone else None
        start = time.perf_counter()
        result = IdCardResult.from_api(
            _result_of(ex.doc), decrypt, request_key=request_key, header=ex.doc["header"]
        )
        trace = self._trace("id-card", ex, _ms(start), counter[0], total_start)
        return replace(result, trace=trace)

    def verify_authenticity(
        self, request_key: RequestKey | str, request: AuthenticityRequest
    ) -> AuthenticityResult:
        """Authenticity check (billed, never resent).

        A spent or expired ``RequestKey`` is refused locally; a ``RequestKey`` object is marked spent after
        a normal answer."""
        key_text = _usable_request_key(request_key)
        if not isinstance(request, AuthenticityRequest):
            raise InputError("request must be an AuthenticityRequest")
        total_start = time.perf_counter()

        def build(envelope: Envelope) -> tuple[dict[str, Any], dict[str, int]]:
            body = json.dumps(request.to_body(envelope.encrypt_text)).encode("utf-8")
            return {"data": body}, {"ciphertext": len(body)}

        ex = self._sealed_call(
            "id-card",
            AUTHENTICITY_PATH,
            build,
            retriable=False,
            headers={"Request-Key": key_text, "Content-Type": "application/json"},
        )
        ex.encoding = "json"
        start = time.perf_counter()
        result = AuthenticityResult.from_api(
            _result_of(ex.doc), request_key=key_text, header=ex.doc["header"]
        )
        if isinstance(request_key, RequestKey):
            request_key.mark_spent()
        trace = self._trace("id-card", ex, _ms(start), 0, total_start)
        return replace(result, trace=trace)


# -- helpers -----------------------------------------------------------------------------------------
def _never_sent(err: requests.exceptions.ConnectionError) -> bool:
    """True when urllib3 failed while opening the connection (refused, DNS), before sending anything."""
    reason = getattr(err.args[0], "reason", None) if err.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _checked_image(image: bytes) -> bytes:
    if not isinstance(image, (bytes, bytearray, memoryview)):
        raise InputError("the image must be bytes (a JPEG or PNG file's content)", rule="image_not_bytes")
    data = bytes(image)
    if not data:
        raise InputError("the image is empty", rule="image_empty")
    if len(data) > C.MAX_IMAGE_BYTES:
        raise InputError(
            f"the image is {len(data) / 1048576:.1f} MB; the API accepts at most "
            f"{C.MAX_IMAGE_BYTES // 1048576} MB",
            rule="image_too_large",
            params={"size_bytes": len(data), "limit_bytes": C.MAX_IMAGE_BYTES},
        )
    if not data.startswith((C.JPEG_MAGIC, C.PNG_MAGIC)):
        raise InputError(
            "the image is not a JPEG or PNG file; the API accepts only these two", rule="image_type"
        )
    return data


def _usable_request_key(request_key: RequestKey | str) -> str:
    if isinstance(request_key, RequestKey):
        if request_key.spent:
            raise InputError(
                "this Request-Key was already used by a completed authenticity check; "
                "analyse the ID card again for a new one",
                rule="request_key_spent",
            )
        if request_key.expired():
            expired_at = f"{request_key.expires_at:%Y-%m-%d %H:%M:%S %Z}"
            raise InputError(
                f"this Request-Key expired at {expired_at} "
                "(valid one hour); analyse the ID card again for a new one",
                rule="request_key_expired",
                params={"expired_at": expired_at},
            )
        return request_key.value
    if not isinstance(request_key, str) or not request_key.strip():
        raise InputError(
            "a Request-Key from an ID analysis (/id-card, not stand-alone) is required",
            rule="request_key_missing",
        )
    return request_key.strip()


def _api_body(response: requests.Response) -> dict[str, Any]:
    """The documented ``{"header": {...}, "result": ...}`` object, or MalformedResponseError."""
    status = response.status_code
    try:
        doc = json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as err:
        raise MalformedResponseError(
            "the API answered something that is not JSON",
            status=status,
            content_type=response.headers.get("Content-Type") or "no content type",
        ) from err
    if not isinstance(doc, dict) or not isinstance(doc.get("header"), dict):
        raise MalformedResponseError("the API's answer has no header object", status=status)
    header = doc["header"]
    code = header.get("resultCode")
    if isinstance(code, bool) or not isinstance(code, int):
        raise MalformedResponseError("the API's header has no integer resultCode", status=status)
    return doc


def _raise_for_header(doc: dict[str, Any]) -> None:
    header = doc["header"]
    code = header["resultCode"]
    if code == 0 and header.get("isSuccessful", True) is not False:
        return
    message = header.get("resultMessage")
    raise ApiError(code if code != 0 else -1, message if isinstance(message, str) else "")


def _result_of(doc: dict[str, Any]) -> Any:
    if "result" not in doc or doc["result"] is None:
        raise MalformedResponseError("a successful answer has no result object")
    return doc["result"]
