"""The sandbox itself, free of HTTP: plain values in (method, path, headers, body), a response out.

The Starlette routes (``sandbox.routes``) and the in-process ``requests`` adapter
(``sandbox.transport``) are both thin shells around :meth:`SandboxBackend.dispatch`, as moto's
server mode and decorator mode share one backend and one URL table.

Order of checks for an API call, first failure wins:
fault latency -> call cap (4000006) -> credential headers present (4000005) -> credentials
(4010001 / v2.1 4010006) -> injected fault code (billed calls) -> envelope headers present
(4000005) -> body size (4131000) -> key version (4000301) -> Symmetric-Key (4000302) -> then per
route: multipart body and ``image`` part (4000001), empty (4000004), decryption (4000303), size
(4131000), magic bytes (4000003), decoding (4000002), recognition (4000111 / 4000121); or for
authenticity: Request-Key (4000122), JSON body and fields (4000001), encrypted fields (4000303),
lock (4000123).

Choices where the vendor documents nothing (each is tested):

- Unknown paths and known paths with another method answer 4041007 with HTTP 200.
- A public-key path naming an unknown service, a body that is not multipart/form-data, or one
  without an ``image`` part answers 4000001.
- ``resolution`` compares the long side with 760 and the short side with 480, so a vertical card
  of 480x760 is ``normal`` too.
- When no expiry date is read, ``validThru`` is ``{"value": <encrypted "">, "conf": 0.0}`` and
  ``validThruBox`` is null.
- A Request-Key is bound to the appKey and the ``idType`` it was issued for; an authenticity call
  naming another ``idType`` answers 4000001. Only a normal answer (``isAuthenticity`` true or
  false) spends the key; errors and 4000123 leave it usable.
- Passport authenticity (withdrawn by the vendor on 2026-05-27) answers 4000001 INVALID_PARAMETER:
  ``passport`` is no longer an accepted ``idType``; see :meth:`SandboxBackend._authenticity`.
- An exception inside the OCR engine answers 5003011 (credit card) or 5003021 (ID card); any other
  unexpected exception answers -1. Both are logged with the exception's type and place only.

Not implemented, and answering loudly rather than pretending: the v1.0 API (4041007), billing
and per-appKey quotas other than the fault cap, ``4000401``/``4010007`` (every demo appKey has
every service enabled), and token lifetimes other than the configured one. Codes the sandbox never
meets on its own — 4000006 beyond the fault cap, 5000503, 5000006, 5000007, 5003012/5003013,
5003022/5003023, 4000401 — are produced only on demand through ``sandbox.faults``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import io
import json
import logging
import math
import os
import re
import secrets
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import parse_qs

import cv2
import numpy as np
from PIL import Image

from sandbox import codes, crypto
from sandbox.codes import SandboxError, api_body
from sandbox.config import JPEG_MAGIC, NORMAL_RESOLUTION, PNG_MAGIC, TOKEN_PATH, SandboxConfig
from sandbox.engine.types import CardReading, IdReading, OcrEngine, Quad
from sandbox.faults import FaultInjector, Faults, Scripted
from sandbox.journal import Arrival, Journal
from sandbox.keys import SERVICES, KeyStore, Service
from sandbox.multipart import MultipartError, parse_form
from sandbox.registry import Registry, digits
from sandbox.request_keys import RequestKeyStore

log = logging.getLogger("sandbox")

JSON_TYPE: Final = "application/json;charset=UTF-8"
REQUEST_KEY_HEADER: Final = "Request-Key"

_API_PATH = re.compile(
    r"/(?P<version>v2\.0|v2\.1)/appkeys/(?P<app_key>[^/]+)/"
    r"(?P<route>public-keys/(?P<service>[^/]+)|credit-card|id-card|id-card/stand-alone|id-card/authenticity)"
)
_METHODS: Final = {
    "public-keys": "GET",
    "credit-card": "POST",
    "id-card": "POST",
    "id-card/stand-alone": "POST",
    "id-card/authenticity": "POST",
}
_YMD = re.compile(r"\d{8}")
_SERIAL = re.compile(r"[0-9A-Za-z]{5,6}")
ENGINE_WORKERS: Final = max(1, min(4, os.cpu_count() or 1))
"""Recognitions that may run at once: one per core (at most four). A single read leaves cores idle
while it waits for Tesseract or runs its Python steps, so with several requests waiting a second read
fills them: throughput grows with concurrency (bench/bench_qa_lab.py). Never more than the cores:
run from the server's many worker threads instead, the allocator kept an arena per thread for the large
inference buffers and RSS grew by some 600 MiB in a 60-second, 20-client load
(bench/bench_sandbox_load.py)."""
_ENGINE_POOL = ThreadPoolExecutor(max_workers=ENGINE_WORKERS, thread_name_prefix="sandbox-ocr")


@dataclass(frozen=True)
class SandboxResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    drop: bool = False
    """Close the connection without answering (a scripted fault); status, headers and body unused."""

    def json(self) -> Any:
        return json.loads(self.body)


def _json_response(doc: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> SandboxResponse:
    body = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
    return SandboxResponse(status, {"Content-Type": JSON_TYPE, **(headers or {})}, body)


def api_response(
    code: int = codes.SUCCESS, result: Any = None, headers: Mapping[str, str] | None = None
) -> SandboxResponse:
    """Every API answer goes through here: HTTP 200 and the vendor's header object."""
    return _json_response(api_body(code, result), 200, headers)


@dataclass(frozen=True)
class ApiCall:
    """One call to a vendor route, parsed from the path; headers are lower-cased."""

    api_version: str
    app_key: str
    route: str
    service: str | None
    headers: Mapping[str, str] = field(repr=False)
    body: bytes = field(repr=False)

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return value.strip() if value and value.strip() else None


@dataclass(frozen=True)
class Upload:
    bgr: np.ndarray
    file_type: str
    resolution: str
    image: bytes = field(default=b"", repr=False)
    """The decrypted file, for the journal."""
    encoding: str = "raw"
    """How its ciphertext travelled: ``raw`` or ``base64``."""


def _box(quad: Quad | None) -> dict[str, int] | None:
    if quad is None:
        return None
    out: dict[str, int] = {}
    for i, (x, y) in enumerate(quad, start=1):
        out[f"x{i}"], out[f"y{i}"] = int(x), int(y)
    return out


def _conf(value: float) -> float:
    value = float(value)
    return round(min(max(value, 0.0), 1.0), 4) if math.isfinite(value) else 0.0


Headers = Mapping[str, str] | Iterable[tuple[str, str]]
"""Request headers as a mapping, or as the (name, value) pairs of the wire (repeats kept)."""


def lower_headers(headers: Headers) -> dict[str, str]:
    """Case-insensitive view of request headers; a repeated header keeps its first value."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for name, value in items:
        out.setdefault(str(name).lower(), str(value))
    return out


class TokenStore:
    """v2.1 bearer tokens issued by the sandbox's token route; opaque random strings."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._tokens: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def issue(self, lifetime_s: int) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            self._tokens = {t: e for t, e in self._tokens.items() if e > now}
            self._tokens[token] = now + timedelta(seconds=lifetime_s)
        return token

    def valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._tokens.get(token)
        return expiry is not None and self._clock() < expiry

    def reset(self) -> None:
        with self._lock:
            self._tokens.clear()


class SandboxBackend:
    """State and behaviour of one emulated NHN Document OCR endpoint. Thread-safe."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.keys = KeyStore()
        self.request_keys = RequestKeyStore(self.config.clock, self.config.request_key_lifetime)
        self.tokens = TokenStore(self.config.clock)
        self.faults = FaultInjector(self.config.faults)
        self.journal = Journal(self.config.keep_uploads)
        self.registry = Registry(self.config.registry_path, lock_after=self.config.issue_date_lock_after)
        self._seed_registry()
        self._engine: OcrEngine | None = self.config.engine

    def _seed_registry(self) -> None:
        seed = self.config.seed_dir
        if seed is not None and seed.is_dir():
            count = self.registry.seed_from_specimens(seed)
            log.info("registry seeded with %d issued documents", count)

    # -- administration ------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget Request-Keys, tokens, locks, faults and the journal. Key pairs stay: use
        :meth:`rotate_key`."""
        self.journal.clear()
        self.request_keys.reset()
        self.tokens.reset()
        self.registry.reset_locks()
        self.faults.set(self.config.faults)

    def rotate_key(self, service: str) -> str:
        """A new key pair for ``service``; returns its version. The old version then answers 4000301."""
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}")
        return self.keys.rotate(service).version

    def set_faults(self, faults: Faults) -> None:
        self.faults.set(faults)

    @property
    def current_faults(self) -> Faults:
        return self.faults.faults

    @property
    def engine(self) -> OcrEngine:
        if self._engine is None:
            from sandbox.engine import get_engine

            self._engine = get_engine()
        return self._engine

    # -- entry point -----------------------------------------------------------------------------
    def dispatch(self, method: str, path: str, headers: Headers, body: bytes) -> SandboxResponse:
        """Answer one request. Never raises: every failure becomes a documented answer."""
        try:
            method = method.upper()
            hdrs = lower_headers(headers)
            if path == TOKEN_PATH:
                self.journal.count("token")
                return (
                    self._token(method, hdrs, body) if method == "POST" else api_response(codes.URL_NOT_FOUND)
                )
            match = _API_PATH.fullmatch(path)
            if match is None or _METHODS[_route_name(match["route"])] != method:
                return api_response(codes.URL_NOT_FOUND)
            call = ApiCall(
                match["version"], match["app_key"], _route_name(match["route"]), match["service"], hdrs, body
            )
            self.journal.count(match["route"])
            try:
                response = self._api(call)
            except SandboxError as err:
                log.debug("%s %s answered %d", call.api_version, call.route, err.code)
                raise
            log.debug("%s %s answered 0", call.api_version, call.route)
            return response
        except SandboxError as err:
            return api_response(err.code)
        except Exception as err:  # noqa: BLE001 - the one catch-all: never a 500, never a traceback
            log_unexpected(err, "dispatch")
            return api_response(codes.FAIL)

    # -- v2.1 token route --------------------------------------------------------------------------
    def _token(self, method: str, headers: Mapping[str, str], body: bytes) -> SandboxResponse:
        """RFC 6749 client-credentials grant, answered with RFC 6749 errors (not the OCR header)."""
        basic = headers.get("authorization", "")
        scheme, _, encoded = basic.partition(" ")
        try:
            ident, _, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            ident = secret = ""
        cfg = self.config
        if scheme.lower() != "basic" or not (
            hmac.compare_digest(ident.encode(), cfg.uak_id.encode())
            and hmac.compare_digest(secret.encode(), cfg.uak_secret.encode())
        ):
            return _json_response(
                {"error": "invalid_client"}, 401, {"WWW-Authenticate": 'Basic realm="sandbox"'}
            )
        try:
            form = parse_qs(body.decode("utf-8"), strict_parsing=False)
        except UnicodeDecodeError:
            form = {}
        if form.get("grant_type") != ["client_credentials"]:
            return _json_response({"error": "unsupported_grant_type"}, 400)
        lifetime = int(cfg.token_lifetime.total_seconds())
        token = self.tokens.issue(lifetime)
        return _json_response({"access_token": token, "token_type": "Bearer", "expires_in": lifetime})

    # -- API routes ----------------------------------------------------------------------------
    def _api(self, call: ApiCall) -> SandboxResponse:
        route = f"public-keys/{call.service}" if call.route == "public-keys" else call.route
        scripted = self.faults.scripted(route)
        if scripted is not None:
            self.faults.sleep(scripted.delay_ms)
            if scripted.drop:
                return SandboxResponse(0, {}, b"", drop=True)
            if scripted.body is not None:
                return SandboxResponse(
                    scripted.status, {"Content-Type": scripted.content_type}, scripted.body
                )
            if scripted.result_code is not None:
                raise SandboxError(scripted.result_code)
        return _extended(self._handle(call, route), scripted)

    def _handle(self, call: ApiCall, route: str) -> SandboxResponse:
        self.faults.delay(route)
        if self.faults.over_rate_limit(route):
            raise SandboxError(codes.API_CALL_LIMIT_EXCEEDED)
        self._authenticate(call)
        injected = self.faults.injected_code(route, billed=call.route != "public-keys")
        if injected is not None:
            raise SandboxError(injected)
        if call.route == "public-keys":
            return self._public_key(call)
        if call.route == "id-card/authenticity":
            return self._authenticity(call)
        return self._analysis(call)

    def _authenticate(self, call: ApiCall) -> None:
        cfg = self.config
        if call.api_version == "v2.0":
            secret = call.header("authorization")
            if secret is None:
                raise SandboxError(codes.MISSING_REQUIRED_HEADER)
            if not _same(secret, cfg.secret_key):
                raise SandboxError(codes.INVALID_APPKEY_SECRETKEY)
        else:
            bearer = call.header("x-nhn-authorization")
            if bearer is None:
                raise SandboxError(codes.MISSING_REQUIRED_HEADER)
            scheme, _, token = bearer.partition(" ")
            if scheme.lower() != "bearer" or not self.tokens.valid(token.strip()):
                raise SandboxError(codes.INVALID_TOKEN)
        if not _same(call.app_key, cfg.app_key):
            raise SandboxError(codes.INVALID_APPKEY_SECRETKEY)

    def _public_key(self, call: ApiCall) -> SandboxResponse:
        if call.service not in SERVICES:
            raise SandboxError(codes.INVALID_PARAMETER)
        key = self.keys.current(call.service)
        return api_response(result={"key": key.public_b64, "version": key.version})

    def _open_envelope(self, call: ApiCall, service: Service, extra_headers: tuple[str, ...] = ()) -> bytes:
        """The request's AES key, after the envelope headers, body size and key version checks."""
        version = call.header("x-key-version")
        wrapped = call.header("symmetric-key")
        if version is None or wrapped is None or any(call.header(h) is None for h in extra_headers):
            raise SandboxError(codes.MISSING_REQUIRED_HEADER)
        if len(call.body) > self.config.max_upload_bytes + crypto_overhead(self.config.max_upload_bytes):
            raise SandboxError(codes.MAX_UPLOAD_SIZE_EXCEEDED)
        current = self.keys.current(service)
        if version != current.version:
            raise SandboxError(codes.INVALID_KEY_VERSION)
        try:
            return crypto.unwrap_symmetric_key(current.private_key, wrapped)
        except crypto.EnvelopeOpenError:
            raise SandboxError(codes.INVALID_SYMMETRIC_KEY) from None

    # -- analyses ------------------------------------------------------------------------------
    def _analysis(self, call: ApiCall) -> SandboxResponse:
        service: Service = "credit-card" if call.route == "credit-card" else "id-card"
        key = self._open_envelope(call, service)
        upload = self._read_upload(call, key)
        self.journal.arrived(Arrival(call.route, call.headers, upload.image, upload.encoding))
        if service == "credit-card":
            card = self._recognise(lambda e: e.read_credit_card(upload.bgr), codes.OCR_CREDIT_CARD_API_FAIL)
            if card is None or not card.groups:
                raise SandboxError(codes.CREDIT_CARD_INFO_NOT_FOUND)
            return api_response(result=credit_card_result(key, upload, card))
        ident = self._recognise(lambda e: e.read_id_card(upload.bgr), codes.OCR_ID_CARD_API_FAIL)
        if ident is None:
            raise SandboxError(codes.ID_CARD_INFO_NOT_FOUND)
        headers: dict[str, str] = {}
        if call.route == "id-card" and ident.id_type in ("resident", "driver"):
            headers[REQUEST_KEY_HEADER] = self.request_keys.issue(call.app_key, ident.id_type)
        return api_response(result=id_card_result(key, upload, ident), headers=headers)

    def _recognise(self, read: Callable[[OcrEngine], Any], failure: int) -> Any:
        try:
            return _ENGINE_POOL.submit(lambda: read(self.engine)).result()
        except Exception as err:  # noqa: BLE001 - an engine failure is the vendor's "OCR Api fail"
            log_unexpected(err, "engine")
            raise SandboxError(failure) from None

    def _read_upload(self, call: ApiCall, key: bytes) -> Upload:
        try:
            parts = parse_form(call.headers.get("content-type", ""), call.body)
        except MultipartError:
            raise SandboxError(codes.INVALID_PARAMETER) from None
        part = parts.get("image")
        if part is None:
            raise SandboxError(codes.INVALID_PARAMETER)
        if not part.strip():
            raise SandboxError(codes.UPLOADED_FILE_IS_EMPTY)
        ciphertext = crypto.image_ciphertext(part)
        encoding = "raw" if ciphertext is part else "base64"
        limit = self.config.max_upload_bytes
        if len(ciphertext) > limit + crypto.BLOCK_BYTES:
            raise SandboxError(codes.MAX_UPLOAD_SIZE_EXCEEDED)
        try:
            image = crypto.aes_decrypt(key, ciphertext)
        except crypto.EnvelopeOpenError:
            raise SandboxError(codes.INVALID_ENCRYPTED_DATA) from None
        if not image:
            raise SandboxError(codes.UPLOADED_FILE_IS_EMPTY)
        if len(image) > limit:
            raise SandboxError(codes.MAX_UPLOAD_SIZE_EXCEEDED)
        return replace(decode_image(image, self.config.max_image_pixels), image=image, encoding=encoding)

    # -- authenticity ----------------------------------------------------------------------------
    def _authenticity(self, call: ApiCall) -> SandboxResponse:
        """Passport authenticity answers 4000001 INVALID_PARAMETER.

        The vendor withdrew it on 2026-05-27 (docs/vendor-api.md#authenticity); ``passport`` is no longer an
        accepted ``idType`` value, which is an invalid parameter rather than a disabled service
        (4000401 would tell the customer to request a service that no longer exists). It is also
        what a client meets anyway: ``/id-card`` never issues a Request-Key for a passport, so a
        passport call can only carry a key issued for another ID type.
        """
        key = self._open_envelope(call, "id-card", ("request-key",))
        request_key = call.header("request-key") or ""
        record = self.request_keys.check(call.app_key, request_key)
        doc = _json_object(call.body)
        id_type = doc.get("idType")
        known = id_type in ("resident", "driver") and id_type == record.id_type
        fields = _decrypt_fields(key, doc, _AUTHENTICITY_FIELDS) if known else {}
        self.journal.arrived(
            Arrival(call.route, call.headers, fields={"idType": str(id_type), **fields}, body=doc)
        )
        if not known:
            raise SandboxError(codes.INVALID_PARAMETER)
        name = fields.get("name", "").strip()
        rrn = digits(fields.get("residentNumber", ""))
        if not name or _non_digit_noise(fields.get("residentNumber", "")):
            raise SandboxError(codes.INVALID_PARAMETER)
        if id_type == "resident":
            issue = fields.get("issueDate", "").strip()
            if len(rrn) != 13 or not _valid_ymd(issue):
                raise SandboxError(codes.INVALID_PARAMETER)
            authentic = self.registry.verify_resident(name, rrn, issue)
        else:
            licence = fields.get("driverLicenseNumber", "")
            serial = fields.get("serialNum", "").strip() or None
            if (
                len(rrn) != 7
                or len(digits(licence)) != 12
                or _non_digit_noise(licence)
                or (serial is not None and not _SERIAL.fullmatch(serial))
            ):
                raise SandboxError(codes.INVALID_PARAMETER)
            authentic = self.registry.verify_driver(name, rrn, licence, serial)
        self.request_keys.spend(request_key)
        return api_response(result={"isAuthenticity": authentic})


# -- helpers ---------------------------------------------------------------------------------------
_AUTHENTICITY_FIELDS = ("name", "residentNumber", "issueDate", "driverLicenseNumber", "serialNum")


def _extended(response: SandboxResponse, scripted: Scripted | None) -> SandboxResponse:
    """A successful answer with ``scripted.extra_result`` added to its result; any other as it is."""
    if scripted is None or not scripted.extra_result or response.status != 200:
        return response
    doc = json.loads(response.body)
    if not isinstance(doc, dict) or not isinstance(doc.get("result"), dict):
        return response
    doc["result"].update(scripted.extra_result)
    return _json_response(
        doc, response.status, {k: v for k, v in response.headers.items() if k != "Content-Type"}
    )


def _route_name(route: str) -> str:
    return "public-keys" if route.startswith("public-keys/") else route


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def crypto_overhead(limit: int) -> int:
    """Body room beyond the image limit: AES padding, Base64 growth (4/3) and multipart framing."""
    return limit // 3 + 64 * 1024


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SandboxError(codes.INVALID_PARAMETER) from None
    if not isinstance(doc, dict):
        raise SandboxError(codes.INVALID_PARAMETER)
    return doc


def _decrypt_fields(key: bytes, doc: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in names:
        value = doc.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise SandboxError(codes.INVALID_PARAMETER)
        try:
            out[name] = crypto.decrypt_value(key, value)
        except crypto.EnvelopeOpenError:
            raise SandboxError(codes.INVALID_ENCRYPTED_DATA) from None
    return out


def _non_digit_noise(value: str) -> bool:
    """True when a number holds anything but digits, hyphens and spaces."""
    return re.search(r"[^\d\s-]", value) is not None


def _valid_ymd(value: str) -> bool:
    if not _YMD.fullmatch(value):
        return False
    try:
        datetime.strptime(value, "%Y%m%d")
    except ValueError:
        return False
    return True


def decode_image(data: bytes, max_pixels: int) -> Upload:
    """Decode an uploaded JPEG or PNG, answering the vendor's codes for bad ones.

    JPEG/PNG by magic bytes (4000003), size announced in the header capped (bomb guard) and
    decoded with OpenCV (4000002)."""
    if data.startswith(JPEG_MAGIC):
        file_type = "jpg"
    elif data.startswith(PNG_MAGIC):
        file_type = "png"
    else:
        raise SandboxError(codes.INVALID_FILE_TYPE)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
    except Exception:  # noqa: BLE001 - Pillow raises many types for a broken header
        raise SandboxError(codes.INVALID_FILE) from None
    if width <= 0 or height <= 0 or width * height > max_pixels:
        raise SandboxError(codes.INVALID_FILE)
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None or bgr.size == 0:
        raise SandboxError(codes.INVALID_FILE)
    h, w = bgr.shape[:2]
    normal = max(w, h) >= NORMAL_RESOLUTION[0] and min(w, h) >= NORMAL_RESOLUTION[1]
    return Upload(bgr, file_type, "normal" if normal else "low")


def credit_card_result(key: bytes, upload: Upload, card: CardReading) -> dict[str, Any]:
    enc = lambda text: crypto.encrypt_value(key, text)
    valid = card.valid_thru
    return {
        "fileType": upload.file_type,
        "resolution": upload.resolution,
        "cardNums": [{"value": enc(g.value), "conf": _conf(g.conf)} for g in card.groups],
        "totalCardNum": enc("".join(g.value for g in card.groups)),
        "cardNumBoxes": [_box(g.box) for g in card.groups],
        "validThru": {
            "value": enc(valid.value if valid else ""),
            "conf": _conf(valid.conf) if valid else 0.0,
        },
        "validThruBox": _box(valid.box) if valid else None,
    }


def id_card_result(key: bytes, upload: Upload, ident: IdReading) -> dict[str, Any]:
    return {
        "fileType": upload.file_type,
        "resolution": upload.resolution,
        "idType": ident.id_type,
        "keyValues": [
            {
                "key": name,
                "value": crypto.encrypt_value(key, r.value),
                "conf": _conf(r.conf),
                "bbox": _box(r.box),
            }
            for name, r in ident.fields
        ],
        "boxes": [_box(q) for q in ident.boxes],
    }


def log_unexpected(err: BaseException, where: str) -> None:
    """Type and innermost place only: messages and locals may hold personal data or keys."""
    frames = traceback.extract_tb(err.__traceback__)
    place = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else "?"
    log.error("unexpected %s in %s at %s", type(err).__name__, where, place)
