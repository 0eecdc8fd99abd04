"""Property tests: whatever is sent — headers, envelopes, multipart bodies, images, JSON — the sandbox
answers HTTP 200 with a documented result code, never -1 (an unexpected exception), never a 500."""

from __future__ import annotations

import base64
import http.client
import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from harness.readings import FakeEngine
from sandbox.backend import SandboxBackend, SandboxResponse
from sandbox.codes import MESSAGES
from sandbox.config import TOKEN_PATH, SandboxConfig
from sandbox.server import RunningSandbox, start_sandbox
from tests.support.raw_client import SECRET, aes_encrypt, jpeg, png, wrap

BACKEND = SandboxBackend(SandboxConfig(engine=FakeEngine(), seed_dir=None))
ROUTES = [
    "credit-card",
    "id-card",
    "id-card/stand-alone",
    "id-card/authenticity",
    "public-keys/credit-card",
    "public-keys/id-card",
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

header_names = st.sampled_from(
    [
        "Authorization",
        "X-Key-Version",
        "Symmetric-Key",
        "Request-Key",
        "Content-Type",
        "X-NHN-Authorization",
        "content-length-ish",
        "X-Other",
    ]
)
header_values = st.one_of(
    st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=80),
    st.sampled_from(
        [SECRET, "1", "2", "Bearer x", "multipart/form-data; boundary=B", "application/json", ""]
    ),
)
paths = st.one_of(
    st.sampled_from(
        [
            f"/{v}/appkeys/{k}/{r}"
            for v in ("v2.0", "v2.1", "v1.0")
            for k in ("sandbox-appkey", "x")
            for r in ROUTES
        ]
        + [TOKEN_PATH, "/", "/healthz"]
    ),
    st.sampled_from(["/v2.0/appkeys/sandbox-appkey/" + r for r in ROUTES]),
    st.text(st.characters(min_codepoint=33, max_codepoint=0x2FFF), max_size=60).map(lambda s: "/" + s),
)


def assert_documented(resp: SandboxResponse | http.client.HTTPResponse, body: bytes, path: str) -> int:
    status = resp.status
    doc = json.loads(body)
    if path == TOKEN_PATH and status in (400, 401):
        assert doc["error"] in ("invalid_client", "unsupported_grant_type")
        return 0
    if path == "/healthz" and "status" in doc:
        return 0
    assert status == 200
    header = doc["header"]
    code = header["resultCode"]
    assert code in MESSAGES and header["resultMessage"] == MESSAGES[code]
    assert header["isSuccessful"] is (code == 0)
    assert code != -1, "an unexpected exception was caught"
    return int(code)


@FUZZ
@given(
    route=st.sampled_from(ROUTES),
    version=st.sampled_from(["v2.0", "v2.1"]),
    headers=st.dictionaries(header_names, header_values, max_size=6),
    body=st.binary(max_size=300),
)
def test_authenticated_route_with_any_headers(
    route: str, version: str, headers: dict[str, str], body: bytes
) -> None:
    headers = {"Authorization": SECRET, **headers}
    method = "GET" if route.startswith("public-keys") else "POST"
    path = f"/{version}/appkeys/sandbox-appkey/{route}"
    resp = BACKEND.dispatch(method, path, headers, body)
    assert_documented(resp, resp.body, path)


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "FOO"]),
    path=paths,
    headers=st.dictionaries(header_names, header_values, max_size=6),
    body=st.binary(max_size=300),
)
def test_anything_in_process(method: str, path: str, headers: dict[str, str], body: bytes) -> None:
    resp = BACKEND.dispatch(method, path, headers, body)
    assert_documented(resp, resp.body, path)


def _envelope(service: str) -> tuple[bytes, dict[str, str]]:
    key = BACKEND.keys.current(service)  # type: ignore[arg-type]
    sym = os.urandom(32)
    return sym, {
        "Authorization": SECRET,
        "X-Key-Version": key.version,
        "Symmetric-Key": wrap(key.public_b64, sym),
    }


multipart_fragments = st.lists(
    st.one_of(
        st.binary(max_size=40),
        st.sampled_from(
            [
                b"--B\r\n",
                b"--B--\r\n",
                b"\r\n",
                b'Content-Disposition: form-data; name="image"\r\n',
                b'Content-Disposition: form-data; name="image"; filename="x"\r\n',
                b"Content-Type: image/png\r\n\r\n",
                b"Content-Disposition: attachment\r\n",
                b"--",
                b'name="',
                b"\r\n\r\n",
            ]
        ),
    ),
    max_size=12,
)


structured_multipart = st.lists(
    st.tuples(
        st.sampled_from(["image", "file", "", "imag\u00e9"]),
        st.binary(max_size=64),
        st.sampled_from(["form-data", "attachment", "form-data; filename=x"]),
    ),
    max_size=3,
).map(
    lambda parts: (
        b"".join(
            b"--B\r\nContent-Disposition: " + f'{d}; name="{n}"'.encode() + b"\r\n\r\n" + data + b"\r\n"
            for n, data, d in parts
        )
        + b"--B--\r\n"
    )
)


@FUZZ
@given(
    route=st.sampled_from(["credit-card", "id-card", "id-card/stand-alone"]),
    fragments=st.one_of(multipart_fragments, structured_multipart.map(lambda b: [b])),
    content_type=st.sampled_from(
        [
            "multipart/form-data; boundary=B",
            "multipart/form-data",
            "text/plain",
            "multipart/form-data; boundary=",
            'multipart/form-data; boundary="B"',
            "",
        ]
    ),
)
def test_multipart_garbage_with_a_valid_envelope(
    route: str, fragments: list[bytes], content_type: str
) -> None:
    _, headers = _envelope("credit-card" if route == "credit-card" else "id-card")
    headers["Content-Type"] = content_type
    resp = BACKEND.dispatch("POST", f"/v2.0/appkeys/sandbox-appkey/{route}", headers, b"".join(fragments))
    assert assert_documented(resp, resp.body, "") in {4000001, 4000004, 4000303, 4000003, 4000002}


def _form(part: bytes, name: str = "image") -> tuple[str, bytes]:
    boundary = "fuzzBoundary7MA4YWxk"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="i"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + part
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", body


images = st.one_of(
    st.binary(max_size=200),
    st.binary(max_size=200).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
    st.binary(max_size=200).map(lambda b: b"\xff\xd8\xff" + b),
    st.tuples(
        st.sampled_from([png(64, 40), jpeg(64, 40)]), st.integers(0, 400), st.binary(min_size=1, max_size=8)
    ).map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + len(t[2]) :]),  # a real image with bytes overwritten
)


@FUZZ
@given(image=images, as_base64=st.booleans())
def test_any_plaintext_image(image: bytes, as_base64: bool) -> None:
    key, headers = _envelope("id-card")
    part = aes_encrypt(key, image)
    content_type, body = _form(base64.b64encode(part) if as_base64 else part)
    headers["Content-Type"] = content_type
    resp = BACKEND.dispatch("POST", "/v2.0/appkeys/sandbox-appkey/id-card/stand-alone", headers, body)
    assert assert_documented(resp, resp.body, "") in {0, 4000002, 4000003, 4000004}


@FUZZ
@given(
    ciphertext=st.binary(max_size=100),
    symmetric=st.one_of(
        header_values, st.binary(min_size=256, max_size=256).map(lambda b: base64.b64encode(b).decode())
    ),
)
def test_any_ciphertext_or_symmetric_key(ciphertext: bytes, symmetric: str) -> None:
    _, headers = _envelope("credit-card")
    headers["Symmetric-Key"] = symmetric
    content_type, body = _form(ciphertext)
    headers["Content-Type"] = content_type
    resp = BACKEND.dispatch("POST", "/v2.0/appkeys/sandbox-appkey/credit-card", headers, body)
    assert assert_documented(resp, resp.body, "") in {4000005, 4000302, 4000303, 4000004, 4000003, 4000002, 0}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


plausible = st.one_of(
    st.sampled_from(
        ["홍길동", "9001151289153", "900115-1289153", "20190514", "8507222", "121550827133", "Q8W4E"]
    ),
    st.text(st.sampled_from("0123456789-"), min_size=5, max_size=15),
)


@FUZZ
@given(
    id_type=st.sampled_from(["resident", "driver", "passport", None]) | json_values,
    doc=st.dictionaries(
        st.sampled_from(
            [
                "idType",
                "name",
                "residentNumber",
                "issueDate",
                "driverLicenseNumber",
                "serialNum",
                "passportNumber",
                "birthDate",
                "other",
            ]
        ),
        json_values | plausible,
        max_size=7,
    ),
    encrypt=st.booleans(),
)
@example(id_type="resident", doc={"name": "홍길동"}, encrypt=False)  # Hangul sent in clear: once a crash
def test_any_authenticity_body(id_type: Any, doc: dict[str, Any], encrypt: bool) -> None:
    doc = {**doc, "idType": id_type}
    key, headers = _envelope("id-card")
    headers["Request-Key"] = BACKEND.request_keys.issue("sandbox-appkey", "resident")
    if encrypt:
        doc = {
            k: (
                base64.b64encode(aes_encrypt(key, v.encode())).decode()
                if isinstance(v, str) and k != "idType"
                else v
            )
            for k, v in doc.items()
        }
    resp = BACKEND.dispatch(
        "POST", "/v2.0/appkeys/sandbox-appkey/id-card/authenticity", headers, json.dumps(doc).encode()
    )
    assert assert_documented(resp, resp.body, "") in {0, 4000001, 4000303, 4000123}


# -- the same over real HTTP (fewer examples: each is a socket round trip) --------------------------
@pytest.fixture(scope="module")
def server() -> Iterator[RunningSandbox]:
    running = start_sandbox(backend=BACKEND)
    yield running
    running.stop()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "HEAD", "BREW"]),
    path=paths,
    headers=st.dictionaries(header_names, header_values.map(str.strip), max_size=5),
    body=st.binary(max_size=300),
)
def test_anything_over_http(
    server: RunningSandbox, method: str, path: str, headers: dict[str, str], body: bytes
) -> None:
    netloc = urlsplit(server.base_url).netloc
    conn = http.client.HTTPConnection(netloc, timeout=10)
    try:
        wire_path = (
            "/" + path[1:].encode("utf-8").hex() if any(ord(c) > 126 or c in " #?%" for c in path) else path
        )
        conn.putrequest(method, wire_path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value.encode("latin-1"))
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        data = resp.read()
    finally:
        conn.close()
    if method == "HEAD":
        assert resp.status == 200 and data == b""
        return
    assert_documented(resp, data, path)
