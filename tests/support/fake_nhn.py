"""A small, real HTTP double of NHN Document OCR for the unit suite (not the product's sandbox).

It listens on 127.0.0.1 (free port), holds its own RSA key pair per service, opens what clients
send with the ``cryptography`` package (an implementation independent of ocr_core's pycryptodome),
answers the documented shapes with encrypted values, issues v2.1 tokens and Request-Keys, and can
be told to answer any result code, a raw body (HTML 502, truncated JSON), a delay, or a dropped
connection. It counts requests per route, connections and key fetches.
"""
from __future__ import annotations

import base64
import json
import re
import secrets
import socket
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from typing import Any, Self

from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from PIL import Image

from ocr_core.errors import RESULT_CODES

# Vendor message texts are cosmetic here; the protocol behaviour above is the fake's own.
MESSAGES = {code: info.message for code, info in RESULT_CODES.items()}

BOX = {"x1": 62, "y1": 256, "x2": 192, "y2": 256, "x3": 192, "y3": 301, "x4": 62, "y4": 301}

CARD_RESULT: dict[str, Any] = {
    "cardNums": [{"value": "4111", "conf": 0.87}, {"value": "1111", "conf": 0.99},
                 {"value": "1111", "conf": 0.97}, {"value": "1111", "conf": 0.89}],
    "totalCardNum": "4111111111111111",
    "cardNumBoxes": [dict(BOX, x1=62 + 140 * i, x2=192 + 140 * i, x3=192 + 140 * i, x4=62 + 140 * i)
                     for i in range(4)],
    "validThru": {"value": "04/29", "conf": 0.53},
    "validThruBox": {"x1": 316, "y1": 315, "x2": 426, "y2": 315, "x3": 426, "y3": 347, "x4": 316, "y4": 347},
}

ID_VALUES: dict[str, list[tuple[str, str]]] = {
    "resident": [("name", "홍길동"), ("residentNumber", "900101-1234567"), ("issueDate", "2020.03.15"),
                 ("issuer", "서울특별시 종로구청장")],
    "driver": [("driverLicenseNumber", "11-19-123456-12"), ("licenseType", "1종보통/2종보통"),
               ("name", "홍길동"), ("residentNumber", "900101-1234567"), ("condition", "none"),
               ("serialNum", "AB12C3"), ("issueDate", "2019.05.02"), ("issuer", "서울지방경찰청장")],
    "passport": [("passportType", "PM"), ("countryCode", "KOR"), ("passportNo", "M12345678"),
                 ("surName", "HONG"), ("givenName", "GILDONG"), ("dateOfBirthYMD", "19900101"),
                 ("MRZ1", "PMKORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<"),
                 ("MRZ2", "M123456784KOR9001011M3001017<<<<<<<<<<<<<<02")],
}

# What a genuine card of each kind would carry in an authenticity request.
TRUTH: dict[str, dict[str, str]] = {
    "resident": {"name": "홍길동", "residentNumber": "9001011234567", "issueDate": "20200315"},
    "driver": {"name": "홍길동", "residentNumber": "9001011", "driverLicenseNumber": "111912345612",
               "serialNum": "AB12C3"},
    "passport": {"name": "홍길동", "passportNumber": "M12345678", "issueDate": "20200101",
                 "birthDate": "19900101", "expirationDate": "20300101"},
}
CLEAR_FIELDS = {"idType", "expirationDate"}

ROUTE = re.compile(r"^/(v2\.[01])/appkeys/([^/]+)/(public-keys/(credit-card|id-card)|credit-card|"
                   r"id-card/stand-alone|id-card/authenticity|id-card)$")


@dataclass
class Outcome:
    """What the next matching request gets instead of (or before) the normal answer."""

    result_code: int | None = None
    body: bytes | None = None
    status: int = 200
    delay: float = 0.0
    drop: bool = False
    content_type: str = "application/json;charset=UTF-8"


@dataclass
class Received:
    route: str
    headers: dict[str, str]
    image: bytes | None = None
    image_encoding: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    raw_body: dict[str, Any] | None = None


class _Key:
    def __init__(self, version: int) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.version = str(version)

    def public_text(self, form: str) -> str:
        pub = self.private.public_key()
        if form == "pem":
            return pub.public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        der = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(der).decode()


class _Aes:
    def __init__(self, key: bytes) -> None:
        self.key = key

    def encrypt(self, plain: bytes) -> bytes:
        padder = sym_padding.PKCS7(128).padder()
        enc = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return enc.update(padder.update(plain) + padder.finalize()) + enc.finalize()

    def decrypt(self, sealed: bytes) -> bytes:
        dec = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        unpadder = sym_padding.PKCS7(128).unpadder()
        return unpadder.update(dec.update(sealed) + dec.finalize()) + unpadder.finalize()

    def seal_text(self, value: str) -> str:
        return base64.b64encode(self.encrypt(value.encode("utf-8"))).decode()


class _Refusal(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def _multipart(body: bytes, content_type: str) -> dict[str, bytes]:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise _Refusal(4000001)
    parts: dict[str, bytes] = {}
    for chunk in body.split(b"--" + match.group(1).encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk[2:].partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]*)"', head)
        if name:
            parts[name.group(1).decode()] = content[:-2] if content.endswith(b"\r\n") else content
    return parts


class FakeNhn:
    """Start with ``with FakeNhn() as fake:``; point a client at ``fake.base_url``."""

    def __init__(self, *, app_key: str = "fake-appkey", secret_key: str = "fake-secretkey",
                 uak_id: str = "fake-uak-id", uak_secret: str = "fake-uak-secret",
                 token_lifetime: int = 86400, key_form: str = "der") -> None:
        self.app_key, self.secret_key = app_key, secret_key
        self.uak_id, self.uak_secret = uak_id, uak_secret
        self.token_lifetime = token_lifetime
        self.key_form = key_form
        self.id_type = "resident"
        self.card_result: dict[str, Any] = json.loads(json.dumps(CARD_RESULT))
        self.extra_result_fields: dict[str, Any] = {}
        self.request_key_lifetime = 3600.0
        self._lock = threading.Lock()
        self._keys = {s: _Key(1) for s in ("credit-card", "id-card")}
        self._outcomes: dict[str, deque[Outcome]] = {}
        self._tokens: dict[str, float] = {}
        self._request_keys: dict[str, list[Any]] = {}  # value -> [issued monotonic, spent]
        self.requests: Counter[str] = Counter()
        self.connections = 0
        self.received: list[Received] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> FakeNhn:
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-nhn", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/oauth2/token/create"

    # -- controls --------------------------------------------------------------------------------
    def queue(self, route: str, *outcomes: Outcome) -> None:
        """Outcomes for the next requests of ``route`` (public-key, credit-card, id-card, stand-alone,
        authenticity, token) or ``*`` (any route)."""
        with self._lock:
            self._outcomes.setdefault(route, deque()).extend(outcomes)

    def rotate(self, service: str) -> str:
        with self._lock:
            self._keys[service] = _Key(int(self._keys[service].version) + 1)
            return self._keys[service].version

    def version(self, service: str) -> str:
        return self._keys[service].version

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def age_request_key(self, value: str, seconds: float) -> None:
        with self._lock:
            self._request_keys[value][0] -= seconds

    def reset(self) -> None:
        """Forget outcomes, counters, tokens and Request-Keys, and restore the default answers
        (the RSA keys stay: generating them is the slow part)."""
        with self._lock:
            self._outcomes.clear()
            self._tokens.clear()
            self._request_keys.clear()
            self.requests.clear()
            self.connections = 0
            self.received.clear()
            self.id_type = "resident"
            self.card_result = json.loads(json.dumps(CARD_RESULT))
            self.extra_result_fields = {}
            self.request_key_lifetime = 3600.0

    def _next_outcome(self, route: str) -> Outcome | None:
        with self._lock:
            for name in (route, "*"):
                pending = self._outcomes.get(name)
                if pending:
                    return pending.popleft()
        return None

    # -- the protocol ----------------------------------------------------------------------------
    def issue_token(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        expected = base64.b64encode(f"{self.uak_id}:{self.uak_secret}".encode()).decode()
        form = dict(p.split("=", 1) for p in body.decode().split("&") if "=" in p)
        if headers.get("authorization") != f"Basic {expected}" or form.get("grant_type") != "client_credentials":
            return 401, {"error": "invalid_client", "error_description": "bad user access key"}
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_lifetime
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}

    def _authorise(self, version: str, app_key: str, headers: dict[str, str]) -> None:
        if version == "v2.0":
            if "authorization" not in headers:
                raise _Refusal(4000005)
            if headers["authorization"] != self.secret_key:
                raise _Refusal(4010001)
        else:
            bearer = headers.get("x-nhn-authorization", "")
            token = bearer[7:] if bearer.startswith("Bearer ") else ""
            with self._lock:
                expiry = self._tokens.get(token)
            if expiry is None or expiry < time.monotonic():
                raise _Refusal(4010006)
        if app_key != self.app_key:
            raise _Refusal(4010001)

    def _open(self, service: str, headers: dict[str, str]) -> _Aes:
        if "x-key-version" not in headers or "symmetric-key" not in headers:
            raise _Refusal(4000005)
        key = self._keys[service]
        if headers["x-key-version"] != key.version:
            raise _Refusal(4000301)
        try:
            symmetric = key.private.decrypt(base64.b64decode(headers["symmetric-key"], validate=True),
                                            asym_padding.PKCS1v15())
        except ValueError as err:
            raise _Refusal(4000302) from err
        if len(symmetric) != 32:
            raise _Refusal(4000302)
        return _Aes(symmetric)

    def _image(self, aes: _Aes, headers: dict[str, str], body: bytes) -> tuple[bytes, str]:
        parts = _multipart(body, headers.get("content-type", ""))
        if "image" not in parts:
            raise _Refusal(4000001)
        sealed = parts["image"]
        if not sealed:
            raise _Refusal(4000004)
        for encoding in ("raw", "base64"):
            try:
                raw = sealed if encoding == "raw" else base64.b64decode(sealed, validate=True)
                plain = aes.decrypt(raw)
            except ValueError:
                continue
            if plain.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
                return plain, encoding
            raise _Refusal(4000003)
        raise _Refusal(4000303)

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes
               ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """(status, JSON body, extra headers) for one API request; raises _Refusal for failures."""
        match = ROUTE.match(path)
        if not match:
            raise _Refusal(4041007)
        version, app_key, what, service = match.groups()
        self._authorise(version, app_key, headers)
        if what.startswith("public-keys/"):
            if method != "GET":
                raise _Refusal(4041007)
            key = self._keys[service]
            return 200, {"key": key.public_text(self.key_form), "version": key.version}, {}
        if method != "POST":
            raise _Refusal(4041007)
        service = "credit-card" if what == "credit-card" else "id-card"
        aes = self._open(service, headers)
        if what == "id-card/authenticity":
            return self._authenticity(aes, headers, body)
        image, encoding = self._image(aes, headers, body)
        with Image.open(BytesIO(image)) as img:
            width, height = img.size
            file_type = "png" if img.format == "PNG" else "jpg"
        self.received.append(Received(what, headers, image=image, image_encoding=encoding))
        common = {"fileType": file_type, "resolution": "normal" if width >= 760 and height >= 480 else "low"}
        if what == "credit-card":
            result = json.loads(json.dumps(self.card_result))
            for group in result["cardNums"]:
                group["value"] = aes.seal_text(group["value"])
            result["totalCardNum"] = aes.seal_text(result["totalCardNum"])
            result["validThru"]["value"] = aes.seal_text(result["validThru"]["value"])
            return 200, {**common, **result, **self.extra_result_fields}, {}
        key_values = [{"key": k, "value": aes.seal_text(v), "conf": 0.9, "bbox": BOX}
                      for k, v in ID_VALUES[self.id_type]]
        extra_headers: dict[str, str] = {}
        if what == "id-card" and self.id_type in ("resident", "driver"):
            request_key = secrets.token_hex(16)
            with self._lock:
                self._request_keys[request_key] = [time.monotonic(), False]
            extra_headers["Request-Key"] = request_key
        result = {**common, "idType": self.id_type, "keyValues": key_values, "boxes": [BOX],
                  **self.extra_result_fields}
        return 200, result, extra_headers

    def _authenticity(self, aes: _Aes, headers: dict[str, str], body: bytes
                      ) -> tuple[int, dict[str, Any], dict[str, str]]:
        value = headers.get("request-key")
        if not value:
            raise _Refusal(4000005)
        with self._lock:
            state = self._request_keys.get(value)
            if state is None or state[1] or time.monotonic() - state[0] > self.request_key_lifetime:
                raise _Refusal(4000122)
        try:
            raw = json.loads(body)
        except ValueError as err:
            raise _Refusal(4000001) from err
        fields: dict[str, str] = {}
        for name, sealed in raw.items():
            if name in CLEAR_FIELDS:
                fields[name] = sealed
                continue
            try:
                fields[name] = aes.decrypt(base64.b64decode(sealed, validate=True)).decode("utf-8")
            except (ValueError, TypeError) as err:
                raise _Refusal(4000303) from err
        self.received.append(Received("authenticity", headers, fields=fields, raw_body=raw))
        truth = TRUTH.get(fields.get("idType", ""))
        if truth is None:
            raise _Refusal(4000001)
        genuine = all(fields.get(k) == v for k, v in truth.items() if k != "serialNum" or k in fields)
        with self._lock:
            self._request_keys[value][1] = True
        return 200, {"isAuthenticity": genuine}, {}


def _route_name(method: str, path: str) -> str:
    if path == "/oauth2/token/create":
        return "token"
    match = ROUTE.match(path)
    if not match:
        return "unknown"
    what = match.group(3)
    return {"id-card/stand-alone": "stand-alone", "id-card/authenticity": "authenticity"}.get(
        what, "public-key" if what.startswith("public-keys/") else what)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner: FakeNhn

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes: without this, Nagle + delayed ACK add ~40 ms a call.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.owner._lock:
            self.owner.connections += 1

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        route = _route_name(method, self.path)
        fake = self.owner
        with fake._lock:
            fake.requests[route] += 1
        outcome = fake._next_outcome(route)
        if outcome is not None:
            if outcome.delay:
                time.sleep(outcome.delay)
            if outcome.drop:
                self.close_connection = True
                return
            if outcome.body is not None:
                self._send(outcome.status, outcome.body, outcome.content_type)
                return
            if outcome.result_code is not None:
                self._answer(outcome.result_code, None, {})
                return
        if route == "token":
            status, doc = fake.issue_token(headers, body)
            self._send(status, json.dumps(doc).encode(), "application/json")
            return
        try:
            status, result, extra = fake.handle(method, self.path, headers, body)
        except _Refusal as refusal:
            self._answer(refusal.code, None, {})
            return
        self._answer(0, result, extra)

    def _answer(self, code: int, result: Any, extra_headers: dict[str, str]) -> None:
        doc = {"header": {"isSuccessful": code == 0, "resultCode": code,
                          "resultMessage": MESSAGES.get(code, "Failure.")}, "result": result}
        self._send(200, json.dumps(doc, ensure_ascii=False).encode(), "application/json;charset=UTF-8",
                   extra_headers)

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            self.close_connection = True
