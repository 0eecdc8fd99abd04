"""The sandbox's protocol, one test per result code, sent as raw HTTP with ``requests``.

Success paths run the real OCR engine on committed specimens; a deterministic stand-in engine is
used only where recognition is beside the point (resolution rule, passport without Request-Key,
"nothing found", engine failure).

The client side of the envelope here is written with pycryptodome directly (not ``ocr_core``),
so these tests pin the wire protocol itself; the server side uses ``cryptography``.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from Crypto.Cipher import AES
from Crypto.PublicKey import RSA

from harness.readings import CARD, RESIDENT, FakeEngine, _quad
from sandbox.config import SAMPLES_DIR, SandboxConfig
from sandbox.engine.types import CardReading, IdReading, Reading
from sandbox.server import RunningSandbox, start_sandbox
from tests.support.raw_client import (
    SECRET,
    RawClient,
    aes_decrypt_b64,
    aes_encrypt,
    code_of,
    jpeg,
    png,
    png_bomb,
    wrap,
)

# The deterministic stand-in engine lives in tests/support/readings.py, the raw client in raw_client.py.


@pytest.fixture(scope="module")
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture(scope="module")
def sandbox(engine: FakeEngine) -> Iterator[RunningSandbox]:
    running = start_sandbox(SandboxConfig(engine=engine, seed_dir=None))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def real_sandbox() -> Iterator[RunningSandbox]:
    """The real OCR engine, for success paths on committed specimens."""
    running = start_sandbox(SandboxConfig(seed_dir=None))
    yield running
    running.stop()


@pytest.fixture()
def real(real_sandbox: RunningSandbox) -> Iterator[RawClient]:
    with requests.Session() as session:
        yield RawClient(real_sandbox.base_url, session)


@pytest.fixture()
def client(sandbox: RunningSandbox, engine: FakeEngine) -> Iterator[RawClient]:
    engine.card, engine.ident, engine.boom = CARD, RESIDENT, False
    with requests.Session() as session:
        yield RawClient(sandbox.base_url, session)
    sandbox.backend.reset()


# -- success paths ----------------------------------------------------------------------------------
def test_healthz(client: RawClient) -> None:
    resp = client.http.get(f"{client.base}/healthz", timeout=5)
    assert resp.status_code == 200 and resp.json()["status"] == "ok"


@pytest.mark.parametrize("service", ["credit-card", "id-card"])
def test_public_key_is_base64_der_rsa_2048(client: RawClient, service: str) -> None:
    result = client.public_key(service)
    key = RSA.import_key(base64.b64decode(result["key"]))
    assert key.size_in_bits() == 2048 and not key.has_private()
    assert isinstance(result["version"], str)


@pytest.mark.slow  # the real OCR engine on a specimen
def test_credit_card_success_encrypts_every_marked_value(real: RawClient) -> None:
    truth = json.loads((SAMPLES_DIR / "cards/visa_blue_flat.json").read_text(encoding="utf-8"))["fields"]
    key, resp = real.post_image("credit-card", (SAMPLES_DIR / "cards/visa_blue_flat.png").read_bytes())
    assert code_of(resp) == 0
    result = resp.json()["result"]
    assert result["fileType"] == "png" and result["resolution"] == "normal"
    assert [aes_decrypt_b64(key, g["value"]) for g in result["cardNums"]] == truth["groups"]
    assert aes_decrypt_b64(key, result["totalCardNum"]) == truth["cardNumber"]
    assert aes_decrypt_b64(key, result["validThru"]["value"]) == truth["validThru"]
    assert all(0 < g["conf"] <= 1 for g in result["cardNums"])
    assert len(result["cardNumBoxes"]) == len(result["cardNums"])
    for box in [*result["cardNumBoxes"], result["validThruBox"]]:
        assert set(box) == {f"{a}{i}" for a in "xy" for i in range(1, 5)}
        assert all(isinstance(v, int) for v in box.values())


@pytest.mark.slow  # the real OCR engine on a specimen
def test_base64_image_part_of_a_jpeg_specimen(real: RawClient) -> None:
    truth = json.loads((SAMPLES_DIR / "cards/amex_gold_flat.json").read_text(encoding="utf-8"))["fields"]
    key, resp = real.post_image(
        "credit-card", (SAMPLES_DIR / "cards/amex_gold_flat.jpg").read_bytes(), base64_part=True
    )
    assert code_of(resp) == 0 and resp.json()["result"]["fileType"] == "jpg"
    assert aes_decrypt_b64(key, resp.json()["result"]["totalCardNum"]) == truth["cardNumber"]


def test_low_resolution_rule(client: RawClient) -> None:
    _, resp = client.post_image("credit-card", jpeg(640, 400), base64_part=True)
    assert code_of(resp) == 0
    assert resp.json()["result"]["fileType"] == "jpg" and resp.json()["result"]["resolution"] == "low"


def test_vertical_card_at_480x760_is_normal(client: RawClient) -> None:
    _, resp = client.post_image("credit-card", png(480, 760))
    assert resp.json()["result"]["resolution"] == "normal"


def test_missing_expiry_gives_empty_value_and_null_box(client: RawClient, engine: FakeEngine) -> None:
    engine.card = CardReading(groups=CARD.groups)
    key, resp = client.post_image("credit-card", png())
    result = resp.json()["result"]
    assert aes_decrypt_b64(key, result["validThru"]["value"]) == "" and result["validThruBox"] is None


@pytest.mark.slow  # the real OCR engine on a specimen
def test_id_card_issues_request_key_and_stand_alone_does_not(real: RawClient) -> None:
    image = (SAMPLES_DIR / "ids/resident_hong_gildong.png").read_bytes()
    truth = json.loads((SAMPLES_DIR / "ids/resident_hong_gildong.json").read_text(encoding="utf-8"))["fields"]
    key, resp = real.post_image("id-card", image)
    assert code_of(resp) == 0 and len(resp.headers["Request-Key"]) >= 16
    result = resp.json()["result"]
    assert result["idType"] == "resident" and result["boxes"]
    values = {kv["key"]: aes_decrypt_b64(key, kv["value"]) for kv in result["keyValues"]}
    assert {k: values.get(k) for k in ("name", "residentNumber", "issueDate")} == {
        k: truth[k] for k in ("name", "residentNumber", "issueDate")
    }
    _, alone = real.post_image("id-card/stand-alone", image)
    assert code_of(alone) == 0 and "Request-Key" not in alone.headers


def test_passport_analysis_issues_no_request_key(client: RawClient, engine: FakeEngine) -> None:
    # Stand-in engine: the rule depends only on the idType read (a real passport read takes ~10 s here).
    engine.ident = IdReading("passport", (("passportNo", Reading("M70419325", 0.9, _quad(1, 1, 9, 9))),))
    _, resp = client.post_image("id-card", png())
    assert code_of(resp) == 0 and "Request-Key" not in resp.headers
    assert resp.json()["result"]["idType"] == "passport"


def test_v21_token_route_and_bearer(client: RawClient) -> None:
    token_resp = client.http.post(
        f"{client.base}/oauth2/token/create",
        auth=("sandbox-uak-id", "sandbox-uak-secret"),
        data={"grant_type": "client_credentials"},
        timeout=5,
    )
    assert token_resp.status_code == 200
    token = token_resp.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 86400
    bearer = {"X-NHN-Authorization": f"Bearer {token['access_token']}"}
    ok = client.http.get(client.url("public-keys/id-card", version="v2.1"), headers=bearer, timeout=5)
    assert code_of(ok) == 0
    old_style = client.http.get(
        client.url("public-keys/id-card", version="v2.1"), headers={"Authorization": SECRET}, timeout=5
    )
    assert code_of(old_style) == 4000005
    bad = client.http.get(
        client.url("public-keys/id-card", version="v2.1"),
        headers={"X-NHN-Authorization": "Bearer nope"},
        timeout=5,
    )
    assert code_of(bad) == 4010006


def test_token_route_refuses_bad_client_and_grant(client: RawClient) -> None:
    url = f"{client.base}/oauth2/token/create"
    assert client.http.post(
        url, auth=("sandbox-uak-id", "wrong"), data={"grant_type": "client_credentials"}, timeout=5
    ).json() == {"error": "invalid_client"}
    assert client.http.post(
        url, auth=("sandbox-uak-id", "sandbox-uak-secret"), data={"grant_type": "password"}, timeout=5
    ).json() == {"error": "unsupported_grant_type"}


# -- one test per failure code ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/v1.0/appkeys/sandbox-appkey/credit-card"),
        ("GET", "/v2.0/appkeys/sandbox-appkey/credit-card"),
        ("POST", "/v2.0/appkeys/sandbox-appkey/public-keys/id-card"),
        ("DELETE", "/"),
        ("POST", "/_sandbox/reset"),  # admin routes are off by default
    ],
)
def test_4041007_unknown_route(client: RawClient, method: str, path: str) -> None:
    resp = client.http.request(method, client.base + path, headers={"Authorization": SECRET}, timeout=5)
    assert code_of(resp) == 4041007
    assert resp.json()["header"]["resultMessage"] == "URL Not Found"


def test_4000001_unknown_service_and_bad_bodies(client: RawClient) -> None:
    resp = client.http.get(client.url("public-keys/passport"), headers={"Authorization": SECRET}, timeout=5)
    assert code_of(resp) == 4000001
    _, hdrs = client.envelope("credit-card")
    not_multipart = client.http.post(client.url("credit-card"), data=b"plain", headers=hdrs, timeout=5)
    assert code_of(not_multipart) == 4000001
    no_image = client.http.post(
        client.url("credit-card"), files={"file": ("x", b"abc")}, headers=hdrs, timeout=5
    )
    assert code_of(no_image) == 4000001
    assert no_image.json()["header"]["resultMessage"] == "Invalid parameter."


@pytest.mark.parametrize("missing", ["Authorization", "X-Key-Version", "Symmetric-Key"])
def test_4000005_missing_header(client: RawClient, missing: str) -> None:
    _, resp = client.post_image("credit-card", png(), headers={missing: None})  # type: ignore[dict-item]
    assert code_of(resp) == 4000005
    assert resp.json()["header"]["resultMessage"] == "Required headers is missing."


def test_4010001_bad_secret_or_app_key(client: RawClient) -> None:
    _, resp = client.post_image("credit-card", png(), headers={"Authorization": "wrong"})
    assert code_of(resp) == 4010001
    other = client.http.get(
        client.url("public-keys/credit-card", app_key="other"), headers={"Authorization": SECRET}, timeout=5
    )
    assert code_of(other) == 4010001
    assert other.json()["header"]["resultMessage"] == "Invalid appKey or secretKey."


def test_4000301_bad_and_rotated_key_version(client: RawClient, sandbox: RunningSandbox) -> None:
    _, resp = client.post_image("credit-card", png(), headers={"X-Key-Version": "999"})
    assert code_of(resp) == 4000301
    key, hdrs = client.envelope("credit-card")
    new_version = sandbox.backend.rotate_key("credit-card")
    assert new_version != hdrs["X-Key-Version"]
    stale = client.http.post(
        client.url("credit-card"), files={"image": ("i", aes_encrypt(key, png()))}, headers=hdrs, timeout=10
    )
    assert code_of(stale) == 4000301
    assert client.public_key("credit-card")["version"] == new_version
    _, fresh = client.post_image("credit-card", png())
    assert code_of(fresh) == 0


@pytest.mark.parametrize("wrapped", ["not base64 !", "AAAA", "short-key"])
def test_4000302_symmetric_key_not_32_bytes(client: RawClient, wrapped: str) -> None:
    if wrapped == "short-key":
        wrapped = wrap(client.public_key("credit-card")["key"], os.urandom(16))
    _, resp = client.post_image("credit-card", png(), headers={"Symmetric-Key": wrapped})
    assert code_of(resp) == 4000302


def test_4000303_ciphertext_does_not_decrypt(client: RawClient) -> None:
    _, resp = client.post_image("credit-card", png(), raw_part=os.urandom(33))
    assert code_of(resp) == 4000303
    key = os.urandom(32)
    bad_padding = AES.new(key, AES.MODE_CBC, iv=key[:16]).encrypt(b"\x00" * 32)
    _, resp2 = client.post_image("credit-card", png(), key=key, raw_part=bad_padding)
    assert code_of(resp2) == 4000303


def test_4000004_empty_upload(client: RawClient) -> None:
    _, empty_part = client.post_image("credit-card", b"", raw_part=b"")
    assert code_of(empty_part) == 4000004
    _, empty_plain = client.post_image("credit-card", b"")
    assert code_of(empty_plain) == 4000004


@pytest.mark.parametrize("data", [b"GIF89a" + b"\0" * 100, b"%PDF-1.7 hello", b"BM" + b"\0" * 60])
def test_4000003_not_jpeg_or_png(client: RawClient, data: bytes) -> None:
    _, resp = client.post_image("id-card", data)
    assert code_of(resp) == 4000003


@pytest.mark.parametrize("data", [png()[:60], b"\xff\xd8\xff\xe0" + b"\0" * 50, png_bomb()])
def test_4000002_does_not_decode_or_is_a_bomb(client: RawClient, data: bytes) -> None:
    _, resp = client.post_image("credit-card", data)
    assert code_of(resp) == 4000002


@pytest.mark.slow  # a 20 MB image, encrypted and sent
def test_4131000_over_20_mb(client: RawClient) -> None:
    too_big = png() + b"\0" * (20 * 1024 * 1024)
    _, resp = client.post_image("credit-card", too_big)
    assert code_of(resp) == 4131000
    _, as_text = client.post_image("credit-card", too_big, base64_part=True)
    assert code_of(as_text) == 4131000


def test_4000111_and_4000121_nothing_found(client: RawClient, engine: FakeEngine) -> None:
    engine.card, engine.ident = None, None
    assert code_of(client.post_image("credit-card", png())[1]) == 4000111
    assert code_of(client.post_image("id-card", png())[1]) == 4000121
    assert code_of(client.post_image("id-card/stand-alone", png())[1]) == 4000121


def test_engine_failure_is_the_vendors_ocr_fail(client: RawClient, engine: FakeEngine) -> None:
    engine.boom = True
    assert code_of(client.post_image("credit-card", png())[1]) == 5003011
    assert code_of(client.post_image("id-card", png())[1]) == 5003021


def test_unexpected_failure_is_minus_one_without_traceback(caplog: pytest.LogCaptureFixture) -> None:
    def broken_clock() -> datetime:
        raise RuntimeError("clock 900115-1289153")

    with start_sandbox(SandboxConfig(engine=FakeEngine(), seed_dir=None, clock=broken_clock)) as running:
        _, resp = RawClient(running.base_url).post_image("id-card", png())
    assert code_of(resp) == -1
    assert resp.json()["header"]["resultMessage"] == "Unknown error."
    assert "Traceback" not in resp.text and "900115" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_clock_is_timezone_aware() -> None:
    assert SandboxConfig().clock().tzinfo is UTC


def test_python_m_sandbox_serves_with_env_credentials(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "SANDBOX_APPKEY": "env-appkey",
        "SANDBOX_SECRETKEY": "env-secret",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base + "/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "python -m sandbox did not start"
            time.sleep(0.1)
        url = f"{base}/v2.0/appkeys/env-appkey/public-keys/id-card"
        assert code_of(requests.get(url, headers={"Authorization": "env-secret"}, timeout=5)) == 0
        assert code_of(requests.get(url, headers={"Authorization": SECRET}, timeout=5)) == 4010001
    finally:
        proc.terminate()
        proc.wait(10)
