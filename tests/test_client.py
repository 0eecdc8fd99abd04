"""OcrClient against the sandbox over real HTTP (its OCR engine replaced by fixed readings,
harness/readings.py): every operation, v2.0 and v2.1, key caching and rotation, every result
code, timeouts, dropped and refused connections — odd answers and stalls scripted in the sandbox's
fault injection (``sandbox.faults.Scripted``), what arrived read from its journal. The odd bodies
are in tests/test_client_odd_answers.py."""

from __future__ import annotations

import base64
import io
import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from requests.adapters import HTTPAdapter

import l10n
from harness.readings import DRIVER, PASSPORT, RESIDENT, FakeEngine
from ocr_core import (
    RESULT_CODES,
    ApiError,
    AuthenticityRequest,
    AuthenticityResult,
    ConnectError,
    ConnectionLostError,
    CreditCardResult,
    EnvelopeError,
    IdCardResult,
    InputError,
    MalformedResponseError,
    OcrClient,
    ReadTimeoutError,
    RequestKey,
    Settings,
    SettingsError,
    TokenError,
    TransportError,
    explain,
)
from ocr_core.auth import BearerTokenAuth
from sandbox.backend import SandboxBackend
from sandbox.config import TOKEN_PATH, SandboxConfig
from sandbox.faults import Scripted
from sandbox.journal import Arrival
from sandbox.registry import IssuedDocument
from sandbox.server import RunningSandbox, start_sandbox

pytestmark = pytest.mark.timeout(60)


def _image(fmt: str, size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 210, 220)).save(buf, fmt)
    return buf.getvalue()


PNG = _image("PNG", (800, 500))
JPEG = _image("JPEG", (320, 200))


class Clock:
    """The sandbox's clock, which a test can move on (Request-Keys and tokens age by it)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class Sandbox:
    """The module's sandbox, and what a test asks of it."""

    def __init__(self, running: RunningSandbox, engine: FakeEngine, clock: Clock) -> None:
        self.running, self.backend, self.engine, self.clock = running, running.backend, engine, clock
        cfg = self.backend.config
        self.base_url, self.app_key, self.secret_key = running.base_url, cfg.app_key, cfg.secret_key
        self.uak_id, self.uak_secret = cfg.uak_id, cfg.uak_secret
        self.token_url = running.base_url + TOKEN_PATH
        self._config = cfg

    def reset(self) -> None:
        self.backend.config = self._config
        self.backend.reset()
        self.backend.journal.keep()
        self.engine.ident = RESIDENT
        self.clock.offset = timedelta()

    def calls(self, route: str) -> int:
        """API calls so far to ``route``; ``public-keys``: to both services' key routes."""
        if route == "public-keys":
            return self.calls("public-keys/credit-card") + self.calls("public-keys/id-card")
        return self.backend.journal.calls(route)

    def version(self, service: str) -> str:
        return self.backend.keys.current(service).version  # type: ignore[arg-type]

    @property
    def received(self) -> list[Arrival]:
        return self.backend.journal.arrivals()

    def queue(self, route: str, *answers: Scripted) -> None:
        self.backend.faults.queue(route, *answers)


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[Sandbox]:
    engine, clock = FakeEngine(), Clock()
    backend = SandboxBackend(SandboxConfig(engine=engine, seed_dir=None, clock=clock.now))
    # the documents the fixed readings show, as the registry of issued documents knows them
    backend.registry.add(IssuedDocument("resident", "홍길동", "9001151289153", issue_date="20190514"))
    backend.registry.add(
        IssuedDocument(
            "driver", "홍길동", "9001151289153", driver_license_number="111912345612", serial_num="AB12C3"
        )
    )
    with start_sandbox(backend=backend) as running:
        yield Sandbox(running, engine, clock)


@pytest.fixture()
def fake(sandbox_server: Sandbox) -> Iterator[Sandbox]:
    """The sandbox, reset for this test: no faults, nothing counted, arrivals kept."""
    sandbox_server.reset()
    yield sandbox_server
    sandbox_server.reset()


def make_client(fake: Sandbox, **overrides: object) -> OcrClient:
    settings = Settings(
        base_url=fake.base_url,
        app_key=fake.app_key,
        secret_key=fake.secret_key,
        uak_id=fake.uak_id,
        uak_secret=fake.uak_secret,
        token_url=fake.token_url,
        backoff_base=0.0,
        read_timeout=5.0,
        connect_timeout=2.0,
    )
    return OcrClient(settings.replace(**overrides))


@pytest.fixture()
def client(fake: Sandbox) -> Iterator[OcrClient]:
    with make_client(fake) as c:
        yield c


def resident_request() -> AuthenticityRequest:
    return AuthenticityRequest(
        "resident", "홍길동", resident_number="900115-1289153", issue_date="2019.05.14"
    )


# -- operations ------------------------------------------------------------------------------------
def test_public_key_is_fetched_once_and_cached(fake: Sandbox, client: OcrClient) -> None:
    first = client.public_key("credit-card")
    assert client.public_key("credit-card") is first
    assert first.version == fake.version("credit-card") and first.service == "credit-card"
    assert client.public_key("id-card").version == fake.version("id-card")
    assert fake.calls("public-keys") == 2
    assert client.key_versions() == {"credit-card": first.version, "id-card": fake.version("id-card")}
    with pytest.raises(InputError):
        client.public_key("passport")  # type: ignore[arg-type]


def test_credit_card_analysis(fake: Sandbox, client: OcrClient) -> None:
    result = client.analyze_credit_card(PNG)
    assert [g.value for g in result.card_numbers] == ["4111", "1111", "1111", "1111"]
    assert [g.conf for g in result.card_numbers] == [0.9, 0.91, 0.92, 0.93]
    assert result.card_numbers[1].box is not None and result.card_numbers[1].box.x1 == 190
    assert result.total_card_num == "4111111111111111"
    assert result.valid_thru is not None and result.valid_thru.value == "04/29"
    assert result.valid_thru.box is not None and result.valid_thru.box.points[0] == (300, 320)
    assert (result.file_type, result.resolution) == ("png", "normal")
    # The sandbox opened the image with an independent implementation (the cryptography package).
    assert fake.received[-1].image == PNG and fake.received[-1].image_encoding == "raw"
    trace = result.trace
    assert trace is not None and trace.key_version == fake.version("credit-card")
    assert (trace.wrapped_key_bytes, trace.image_bytes) == (256, len(PNG))
    assert trace.ciphertext_bytes == (len(PNG) // 16 + 1) * 16
    assert trace.fields_decrypted == 6 and trace.attempts == 1 and trace.encoding == "raw"
    assert set(trace.timings_ms) == {"key_fetch", "encrypt", "network", "decrypt", "total"}
    assert trace.timings_ms["total"] >= trace.timings_ms["network"] > 0


def test_image_as_base64_text(fake: Sandbox) -> None:
    with make_client(fake, image_encoding="base64") as c:
        result = c.analyze_credit_card(JPEG)
    assert fake.received[-1].image_encoding == "base64" and fake.received[-1].image == JPEG
    assert result.file_type == "jpg" and result.resolution == "low"
    assert result.trace is not None and result.trace.encoding == "base64"
    assert result.trace.ciphertext_bytes == 4 * (((len(JPEG) // 16 + 1) * 16 + 2) // 3)


@pytest.mark.parametrize("id_type", ["resident", "driver"])
def test_id_analysis_returns_a_request_key(fake: Sandbox, client: OcrClient, id_type: str) -> None:
    fake.engine.ident = {"resident": RESIDENT, "driver": DRIVER}[id_type]
    before = datetime.now(UTC)
    result = client.analyze_id_card(PNG)
    assert result.id_type == id_type
    name = result.get("name")
    assert name is not None and name.value == "홍길동" and name.bbox is not None and name.conf == 0.9
    assert result.get("residentNumber").value == "900115-1289153"  # type: ignore[union-attr]
    assert len(result.boxes) == 2
    key = result.request_key
    assert key is not None and not key.spent and before <= key.issued_at <= datetime.now(UTC)
    assert key.expires_at - key.issued_at == timedelta(hours=1)
    assert timedelta(minutes=59) < key.remaining() <= timedelta(hours=1)
    assert result.to_api_json()["requestKey"] == key.value


def test_stand_alone_and_passport_have_no_request_key(fake: Sandbox, client: OcrClient) -> None:
    assert client.analyze_id_card(PNG, stand_alone=True).request_key is None
    assert fake.calls("id-card/stand-alone") == 1
    fake.engine.ident = PASSPORT
    result = client.analyze_id_card(PNG)
    assert result.request_key is None and result.get("MRZ1") is not None
    assert "requestKey" not in result.to_api_json()


def test_authenticity_round_trip_spends_the_key(fake: Sandbox, client: OcrClient) -> None:
    key = client.analyze_id_card(PNG).request_key
    assert key is not None
    answer = client.verify_authenticity(key, resident_request())
    assert answer.is_authenticity is True and answer.request_key == key.value and key.spent
    seen = fake.received[-1]
    assert seen.fields == {
        "idType": "resident",
        "name": "홍길동",
        "residentNumber": "9001151289153",
        "issueDate": "20190514",
    }
    assert seen.body is not None and seen.body["idType"] == "resident"
    assert seen.body["name"] != "홍길동"  # travelled encrypted
    assert seen.headers["content-type"] == "application/json" and seen.headers["request-key"] == key.value
    with pytest.raises(InputError, match="already used"):
        client.verify_authenticity(key, resident_request())
    assert fake.calls("id-card/authenticity") == 1


def test_authenticity_driver_and_passport_bodies(fake: Sandbox, client: OcrClient) -> None:
    fake.engine.ident = DRIVER
    key = client.analyze_id_card(PNG).request_key
    assert key is not None
    driver = AuthenticityRequest(
        "driver",
        "홍길동",
        resident_number="900115-1",
        driver_license_number="11-19-123456-12",
        serial_num="ab12c3",
    )
    assert client.verify_authenticity(key.value, driver).is_authenticity is True
    assert fake.received[-1].fields["driverLicenseNumber"] == "111912345612"
    fake.engine.ident = RESIDENT
    key2 = client.analyze_id_card(PNG).request_key
    passport = AuthenticityRequest(
        "passport",
        "홍길동",
        passport_number="M12345678",
        issue_date="20200101",
        birth_date="19900101",
        expiration_date="20300101",
    )
    # passport authenticity was withdrawn on 2026-05-27 (docs/vendor-api.md#authenticity): the body still goes
    # out as the guide describes it, and the sandbox answers as the vendor now does
    with pytest.raises(ApiError) as refused:
        client.verify_authenticity(key2, passport)  # type: ignore[arg-type]
    assert refused.value.result_code == 4000001
    raw = fake.received[-1].body
    assert raw is not None and raw["expirationDate"] == "20300101" and raw["birthDate"] != "19900101"


def test_wrong_data_is_not_authentic(client: OcrClient) -> None:
    key = client.analyze_id_card(PNG).request_key
    wrong = AuthenticityRequest("resident", "홍길동", resident_number="9001151289153", issue_date="20190515")
    assert client.verify_authenticity(key, wrong).is_authenticity is False  # type: ignore[arg-type]


def test_request_key_is_usable_for_its_hour_until_spent() -> None:
    issued = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    key = RequestKey.issued_now("abc", issued)
    assert key.usable(issued + timedelta(minutes=59)) and not key.usable(issued + timedelta(hours=1))
    key.mark_spent()
    assert not key.usable(issued)


def test_expired_or_unknown_request_keys(fake: Sandbox, client: OcrClient) -> None:
    old = datetime.now(UTC) - timedelta(hours=2)
    stale = RequestKey("abc", old, old + timedelta(hours=1))
    with pytest.raises(InputError, match="expired"):
        client.verify_authenticity(stale, resident_request())
    with pytest.raises(InputError):
        client.verify_authenticity("  ", resident_request())
    assert fake.calls("id-card/authenticity") == 0
    with pytest.raises(ApiError) as info:
        client.verify_authenticity("not-issued", resident_request())
    assert info.value.result_code == 4000122
    key = client.analyze_id_card(PNG).request_key
    assert key is not None
    fake.clock.offset = timedelta(seconds=3601)  # the sandbox's hour is over; the client's is not
    with pytest.raises(ApiError) as info:
        client.verify_authenticity(key, resident_request())
    assert info.value.result_code == 4000122 and not key.spent


# -- reuse: keys and connections -------------------------------------------------------------------
def test_many_calls_one_key_fetch_per_service_one_connection(fake: Sandbox, client: OcrClient) -> None:
    for _ in range(5):
        client.analyze_credit_card(PNG)
        client.analyze_id_card(JPEG, stand_alone=True)
    assert fake.calls("public-keys") == 2
    assert fake.calls("credit-card") == 5 and fake.calls("id-card/stand-alone") == 5
    assert fake.backend.journal.connections() == 1


def test_answers_on_a_kept_alive_connection_do_not_wait_for_a_delayed_ack(
    fake: Sandbox, client: OcrClient
) -> None:
    """The server writes an answer's headers and body apart: without TCP_NODELAY on its side each answer
    on a kept-alive connection waited ~40 ms for the client's delayed ACK (Linux's minimum), which is what
    the dashboard's embedded sandbox did until its listening socket said it was TCP. Checked on the
    server's end of the client's connection itself (a timing would not hold on a loaded machine)."""
    client.public_key("credit-card")
    client.public_key("credit-card", refresh=True)
    assert fake.backend.journal.connections() == 1
    connections = fake.running._server.server_state.connections
    sockets = [c.transport.get_extra_info("socket") for c in connections]
    assert sockets and all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets)


def test_concurrent_first_calls_fetch_the_key_once(fake: Sandbox, client: OcrClient) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            client.analyze_credit_card(JPEG)
        except Exception as err:  # noqa: BLE001 - collected and reported below
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and fake.calls("public-keys") == 1 and fake.calls("credit-card") == 6


def test_key_rotation_refetches_once_and_retries(fake: Sandbox, client: OcrClient) -> None:
    client.analyze_credit_card(PNG)
    new_version = fake.backend.rotate_key("credit-card")
    result = client.analyze_credit_card(PNG)
    assert result.trace is not None and result.trace.key_refetched and result.trace.attempts == 2
    assert result.trace.key_version == new_version == client.key_versions()["credit-card"]
    assert fake.calls("public-keys") == 2 and fake.calls("credit-card") == 3


def test_stale_version_twice_gives_up_after_one_refetch(fake: Sandbox, client: OcrClient) -> None:
    fake.queue("credit-card", Scripted(result_code=4000301), Scripted(result_code=4000301))
    with pytest.raises(ApiError) as info:
        client.analyze_credit_card(PNG)
    assert info.value.result_code == 4000301
    assert fake.calls("public-keys") == 2 and fake.calls("credit-card") == 2


def test_authenticity_is_never_resent(fake: Sandbox, client: OcrClient) -> None:
    key = client.analyze_id_card(PNG).request_key
    assert key is not None
    fake.queue("id-card/authenticity", Scripted(result_code=5000503))
    with pytest.raises(ApiError):
        client.verify_authenticity(key, resident_request())
    fake.backend.rotate_key("id-card")
    with pytest.raises(ApiError) as info:
        client.verify_authenticity(key, resident_request())
    assert info.value.result_code == 4000301 and fake.calls("id-card/authenticity") == 2
    assert not key.spent
    # the stale key was dropped: the next call fetches the new one and succeeds
    assert client.verify_authenticity(key, resident_request()).is_authenticity
    assert fake.calls("public-keys") == 2


# -- result codes ----------------------------------------------------------------------------------
DOCUMENTED = [
    0,
    -1,
    4000001,
    4000002,
    4000003,
    4000004,
    4000005,
    4000006,
    4000111,
    4000121,
    4000122,
    4000123,
    4000301,
    4000302,
    4000303,
    4000401,
    4010001,
    4010006,
    4010007,
    4041007,
    4131000,
    5000001,
    5000006,
    5000007,
    5000503,
    5003011,
    5003012,
    5003013,
    5003021,
    5003022,
    5003023,
]


def test_every_documented_code_is_mapped_in_both_languages() -> None:
    assert sorted(RESULT_CODES) == sorted(DOCUMENTED)
    for code in DOCUMENTED:
        info = explain(code)
        assert info.code == code and info.key and info.message
        explanation_en, action_en = l10n.api_error(code, "en")
        explanation_ko, action_ko = l10n.api_error(code, "ko")
        assert explanation_en and action_en and explanation_en != l10n.api_error(1234567, "en")[0]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in explanation_ko + action_ko)
        assert not any("\uac00" <= ch <= "\ud7a3" for ch in str(ApiError(code)))  # the library: codes only
    assert explain(4000006).retry == explain(5000503).retry == "backoff"
    assert explain(4000301).retry == "refetch_key"
    assert explain(1234567).key == "UNKNOWN_RESULT_CODE"
    assert "1234567" in l10n.api_error(1234567, "en")[0] and "1234567" in l10n.api_error(1234567, "ko")[0]


@pytest.mark.parametrize("code", [c for c in DOCUMENTED if c not in (0, 4000006, 5000503, 4000301)])
def test_non_retryable_codes_raise_after_one_request(fake: Sandbox, client: OcrClient, code: int) -> None:
    fake.queue("credit-card", Scripted(result_code=code))
    with pytest.raises(ApiError) as info:
        client.analyze_credit_card(PNG)
    err = info.value
    assert err.result_code == code and err.key == RESULT_CODES[code].key
    assert err.vendor_message and str(code) in str(err)
    assert fake.calls("credit-card") == 1


@pytest.mark.parametrize("code", [4000006, 5000503])
def test_unprocessed_refusals_are_retried_with_backoff(fake: Sandbox, code: int) -> None:
    waits: list[float] = []
    settings = Settings(
        base_url=fake.base_url,
        app_key=fake.app_key,
        secret_key=fake.secret_key,
        backoff_base=0.05,
        max_retries=2,
    )
    with OcrClient(settings, sleep=waits.append) as c:
        fake.queue("credit-card", Scripted(result_code=code))
        result = c.analyze_credit_card(PNG)
        assert result.trace is not None and result.trace.attempts == 2
        fake.queue("credit-card", *[Scripted(result_code=code)] * 3)
        with pytest.raises(ApiError) as info:
            c.analyze_credit_card(PNG)
    assert info.value.result_code == code
    assert fake.calls("credit-card") == 2 + 3  # bounded: 1 + max_retries
    assert len(waits) == 3 and all(0 < w <= 0.2 for w in waits) and waits[2] > waits[1] / 2


def test_key_fetch_is_not_retried_after_a_read_timeout(fake: Sandbox) -> None:
    """A host that accepted the connection and said nothing for the whole read timeout (a dead proxy)
    is reported after one wait, not three (issue 12)."""
    with make_client(fake, read_timeout=0.3) as c:
        fake.queue("public-keys/id-card", Scripted(delay_ms=800))
        with pytest.raises(ReadTimeoutError):
            c.public_key("id-card")
    assert fake.calls("public-keys") == 1


def test_unknown_fields_are_kept(fake: Sandbox, client: OcrClient) -> None:
    newer = {"engineVersion": "x-2", "newThing": {"a": [1, 2]}}  # what a newer API version might add
    fake.queue("credit-card", Scripted(extra_result=newer))
    fake.queue("id-card", Scripted(extra_result=newer))
    result = client.analyze_credit_card(PNG)
    assert result.extra["newThing"] == {"a": [1, 2]}
    assert client.analyze_id_card(PNG).extra["engineVersion"] == "x-2"
    doc = result.to_api_json(masked=False)
    assert doc["result"]["newThing"] == {"a": [1, 2]} and doc["result"]["totalCardNum"] == "4111111111111111"
    masked = result.to_api_json()
    assert masked["result"]["totalCardNum"] != "4111111111111111"
    assert masked["result"]["totalCardNum"].startswith("411111") and masked["result"][
        "totalCardNum"
    ].endswith("1111")
    assert "4111111111111111" not in repr(result)


# -- transport -------------------------------------------------------------------------------------
def test_dropped_connection_is_never_resent(fake: Sandbox, client: OcrClient) -> None:
    fake.queue("credit-card", Scripted(drop=True))
    with pytest.raises(ConnectionLostError) as info:
        client.analyze_credit_card(PNG)
    assert fake.calls("credit-card") == 1 and info.value.billable is True


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_is_retried_then_reported(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(
        base_url=f"http://127.0.0.1:{_closed_port()}",
        app_key="k",
        secret_key="s3cr3t-value",
        backoff_base=0.0,
        max_retries=2,
    )
    caplog.set_level(logging.DEBUG, logger="ocr_core")
    with OcrClient(settings) as c, pytest.raises(ConnectError) as info:
        c.analyze_credit_card(PNG)
    assert info.value.request_sent is False
    retries = [r for r in caplog.records if r.getMessage().startswith("retrying public-key fetch")]
    assert len(retries) == 2
    assert "s3cr3t-value" not in caplog.text


def test_connect_failure_of_an_analysis_is_retried(fake: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    """A request that never reached the server is safe to resend: simulate by a session whose first
    POST fails to connect."""

    class FlakySession(requests.Session):
        failed = False

        def request(self, method, url, *args, **kwargs):
            if method == "POST" and not self.failed:
                FlakySession.failed = True
                return super().request(
                    method, url.replace(fake.base_url, f"http://127.0.0.1:{_closed_port()}"), *args, **kwargs
                )
            return super().request(method, url, *args, **kwargs)

    caplog.set_level(logging.DEBUG, logger="ocr_core")
    settings = Settings(
        base_url=fake.base_url, app_key=fake.app_key, secret_key=fake.secret_key, backoff_base=0.0
    )
    with OcrClient(settings, session=FlakySession()) as c:
        result = c.analyze_credit_card(PNG)
    assert result.trace is not None and result.trace.attempts == 2 and fake.calls("credit-card") == 1
    assert any("connect failure" in r.getMessage() for r in caplog.records)


def test_logs_never_carry_secrets(fake: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with make_client(fake) as c:
        c.analyze_credit_card(PNG)
        token_client = make_client(fake, api_version="v2.1")
        token_client.analyze_credit_card(PNG)
        token_client.close()
    assert "[secure]" in caplog.text
    assert fake.secret_key not in caplog.text and fake.uak_secret not in caplog.text
    assert "4111111111111111" not in caplog.text
    for seen in fake.received:
        assert seen.headers["symmetric-key"] not in caplog.text


# -- authentication --------------------------------------------------------------------------------
def test_v2_0_sends_the_secret_key(fake: Sandbox, client: OcrClient) -> None:
    client.analyze_credit_card(PNG)
    assert fake.received[-1].headers["authorization"] == fake.secret_key
    assert "x-nhn-authorization" not in fake.received[-1].headers
    with make_client(fake, secret_key="wrong") as c, pytest.raises(ApiError) as info:
        c.public_key("credit-card")
    assert info.value.result_code == 4010001


def test_v2_1_token_is_issued_once_and_renewed_when_refused(fake: Sandbox) -> None:
    with make_client(fake, api_version="v2.1", secret_key=None) as c:
        for _ in range(3):
            c.analyze_credit_card(PNG)
        key = c.analyze_id_card(PNG).request_key
        assert key is not None and c.verify_authenticity(key, resident_request()).is_authenticity
        assert fake.calls("token") == 1 and fake.received[-1].route == "id-card/authenticity"
        sent = fake.received[-1].headers
        assert sent["x-nhn-authorization"].startswith("Bearer ") and "authorization" not in sent
        fake.backend.tokens.reset()  # every token the sandbox issued is forgotten
        with pytest.raises(ApiError) as info:
            c.analyze_credit_card(PNG)
        assert info.value.result_code == 4010006
        c.analyze_credit_card(PNG)
        assert fake.calls("token") == 2
        fake.queue("credit-card", Scripted(result_code=4000001))  # any other refusal keeps the token
        with pytest.raises(ApiError):
            c.analyze_credit_card(PNG)
        c.analyze_credit_card(PNG)
        assert fake.calls("token") == 2


def test_v2_1_bad_user_access_key(fake: Sandbox) -> None:
    with make_client(fake, api_version="v2.1", uak_secret="nope") as c, pytest.raises(TokenError) as info:
        c.analyze_credit_card(PNG)
    assert info.value.status == 401 and "nope" not in str(info.value)


def test_bearer_token_cached_until_shortly_before_expiry(fake: Sandbox) -> None:
    fake.backend.config = replace(fake.backend.config, token_lifetime=timedelta(seconds=600))
    now = [1000.0]
    settings = Settings(
        base_url=fake.base_url,
        uak_id=fake.uak_id,
        uak_secret=fake.uak_secret,
        token_url=fake.token_url,
        api_version="v2.1",
        app_key="x",
    )
    with requests.Session() as session:
        auth = BearerTokenAuth(
            settings, lambda m, u, **kw: session.request(m, u, **{"timeout": 5, **kw}), clock=lambda: now[0]
        )
        first = auth.headers()
        now[0] += 500
        assert auth.headers() == first
        now[0] += 41  # 600 s lifetime, renewed 60 s early
        assert auth.headers() != first and auth.tokens_issued == 2
        assert "[secure]" in repr(auth)


# -- settings and local input ----------------------------------------------------------------------
def test_settings_from_env_and_secrets_hidden() -> None:
    env = {
        "NHN_OCR_BASE_URL": "http://127.0.0.1:9/",
        "NHN_OCR_APPKEY": "app",
        "NHN_OCR_SECRETKEY": "sek",
        "NHN_OCR_API_VERSION": "v2.1",
        "NHN_OCR_UAK_ID": "uid",
        "NHN_OCR_UAK_SECRET": "usec",
        "NHN_OCR_TOKEN_URL": "http://127.0.0.1:9/token",
    }
    s = Settings.from_env(env, app_key="override")
    assert (s.base_url, s.app_key, s.api_version, s.uak_id) == (
        "http://127.0.0.1:9",
        "override",
        "v2.1",
        "uid",
    )
    assert s.secret_key is not None and s.secret_key.get_secret_value() == "sek"
    assert "sek" not in repr(s) and "usec" not in repr(s) and "[secure]" in repr(s)
    assert Settings().base_url == "https://api-ocr.nhncloudservice.com" and Settings().api_version == "v2.0"
    assert Settings(base_url="legacy").base_url == "https://ocr.api.nhncloudservice.com"
    assert Settings(base_url="current").base_url == Settings().base_url
    for bad in (
        {"api_version": "v3"},
        {"image_encoding": "hex"},
        {"base_url": "ftp://x"},
        {"read_timeout": 0},
        {"connect_timeout": None},
    ):
        with pytest.raises(SettingsError):
            Settings(**bad)
    with pytest.raises(SettingsError):
        Settings.from_env({}, bogus=1)


def test_missing_credentials_fail_before_sending(fake: Sandbox) -> None:
    v2_0 = Settings(base_url=fake.base_url, app_key=fake.app_key)
    with OcrClient(v2_0) as c, pytest.raises(SettingsError, match="secretKey"):
        c.analyze_credit_card(PNG)
    with (
        OcrClient(v2_0.replace(api_version="v2.1")) as c,
        pytest.raises(SettingsError, match="User Access Key"),
    ):
        c.public_key("id-card")
    assert fake.backend.journal.calls() == 0


@pytest.mark.parametrize(
    "image,message,rule",
    [
        (b"", "empty", "image_empty"),
        (b"GIF89a....", "JPEG or PNG", "image_type"),
        (b"\xff\xd8\xff" + bytes(21 * 1024 * 1024), "at most", "image_too_large"),
        ("not bytes", "must be bytes \\(a JPEG or PNG", "image_not_bytes"),
    ],
)
def test_bad_images_are_refused_locally(
    fake: Sandbox, client: OcrClient, image: object, message: str, rule: str
) -> None:
    with pytest.raises(InputError, match=message) as info:
        client.analyze_credit_card(image)  # type: ignore[arg-type]
    assert info.value.rule == rule  # what the UI and CLI word the refusal from
    assert fake.calls("credit-card") == 0


def test_pem_public_keys_are_accepted(fake: Sandbox) -> None:
    current = fake.backend.keys.current("credit-card")
    pem = (
        serialization.load_der_public_key(base64.b64decode(current.public_b64))
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    answer = (
        '{"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"}, '
        f'"result": {{"key": {json.dumps(pem)}, "version": "{current.version}"}}}}'
    )
    fake.queue("public-keys/credit-card", Scripted(body=answer.encode()))
    with make_client(fake) as c:
        assert c.analyze_credit_card(PNG).total_card_num == "4111111111111111"


# -- never a crash: arbitrary JSON where a result should be -----------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
RESULT_KEYS = st.sampled_from(
    [
        "fileType",
        "resolution",
        "cardNums",
        "totalCardNum",
        "cardNumBoxes",
        "validThru",
        "validThruBox",
        "idType",
        "keyValues",
        "boxes",
        "key",
        "value",
        "conf",
        "bbox",
        "x1",
        "isAuthenticity",
    ]
)
RESULTS = st.dictionaries(
    RESULT_KEYS, JSON | st.lists(st.dictionaries(RESULT_KEYS, JSON, max_size=4), max_size=3), max_size=6
)


def _strict_decrypt(value: str) -> str:
    if not value.isalnum():
        raise EnvelopeError()
    return value[::-1]


@hypothesis_settings(max_examples=150, deadline=None)
@given(result=RESULTS | JSON)
def test_any_result_json_parses_or_raises_a_clear_error(result: object) -> None:
    for parse in (
        lambda: CreditCardResult.from_api(result, _strict_decrypt),
        lambda: IdCardResult.from_api(result, _strict_decrypt),
        lambda: AuthenticityResult.from_api(result, request_key="rk"),
    ):
        try:
            parsed = parse()
        except (MalformedResponseError, EnvelopeError):
            continue
        parsed.to_api_json(masked=False)


def test_public_surface_matches_the_interfaces() -> None:
    import ocr_core

    promised = [
        "OcrClient",
        "Settings",
        "Service",
        "CreditCardResult",
        "IdCardResult",
        "AuthenticityResult",
        "RequestKey",
        "Box",
        "KeyValue",
        "CardNumberGroup",
        "FieldReading",
        "CallTrace",
        "AuthenticityRequest",
        "OcrError",
        "TransportError",
        "ApiError",
        "MalformedResponseError",
        "EnvelopeError",
        "InputError",
        "RESULT_CODES",
        "explain",
    ]
    assert set(promised) <= set(ocr_core.__all__)
    assert all(hasattr(ocr_core, name) for name in ocr_core.__all__)


# -- the client's contract, pinned field by field (each test kills mutants mutmut found surviving) -------
def _assert_sane_timings(timings: object, *, at_least_network_ms: float = 0.0) -> None:
    assert isinstance(timings, dict) or hasattr(timings, "items")
    t = dict(timings)  # type: ignore[call-overload]
    assert set(t) == {"key_fetch", "encrypt", "network", "decrypt", "total"}
    assert all(isinstance(v, float) and v >= 0 for v in t.values()), t
    assert t["network"] >= at_least_network_ms
    # total is measured around the others (and under 60 s: milliseconds, not seconds or microseconds)
    assert t["key_fetch"] + t["encrypt"] + t["network"] + t["decrypt"] <= t["total"] < 60_000


def test_traces_of_every_call_kind(fake: Sandbox, client: OcrClient) -> None:
    card = client.analyze_credit_card(PNG).trace
    assert card is not None and (card.service, card.path, card.attempts, card.key_refetched) == (
        "credit-card",
        "credit-card",
        1,
        False,
    )
    _assert_sane_timings(card.timings_ms)
    ident = client.analyze_id_card(JPEG)
    trace = ident.trace
    assert trace is not None
    assert (trace.service, trace.path, trace.key_version, trace.encoding) == (
        "id-card",
        "id-card",
        fake.version("id-card"),
        "raw",
    )
    assert (trace.wrapped_key_bytes, trace.image_bytes, trace.ciphertext_bytes) == (
        256,
        len(JPEG),
        (len(JPEG) // 16 + 1) * 16,
    )
    assert trace.fields_decrypted == 4 and trace.attempts == 1 and not trace.key_refetched
    _assert_sane_timings(trace.timings_ms)
    stand_alone = client.analyze_id_card(PNG, stand_alone=True).trace
    assert stand_alone is not None and (stand_alone.service, stand_alone.path) == (
        "id-card",
        "id-card/stand-alone",
    )
    assert ident.request_key is not None
    verdict = client.verify_authenticity(ident.request_key, resident_request()).trace
    assert verdict is not None
    assert (verdict.service, verdict.path, verdict.key_version, verdict.encoding) == (
        "id-card",
        "id-card/authenticity",
        fake.version("id-card"),
        "json",
    )
    sent = int(fake.received[-1].headers["content-length"])  # the JSON body, its fields sealed
    assert (verdict.image_bytes, verdict.ciphertext_bytes, verdict.fields_decrypted) == (0, sent, 0)
    assert verdict.wrapped_key_bytes == 256 and verdict.attempts == 1
    _assert_sane_timings(verdict.timings_ms)


def test_timings_of_a_retried_call_add_up_every_attempt(fake: Sandbox) -> None:
    """The first attempt waits 300 ms for its key and 300 ms for its refusal; the retry is quick: the
    trace counts both attempts, in milliseconds."""
    fake.queue("public-keys/credit-card", Scripted(delay_ms=300))
    fake.queue("credit-card", Scripted(delay_ms=300, result_code=5000503))
    with make_client(fake, max_retries=1) as c:
        trace = c.analyze_credit_card(PNG).trace
    assert trace is not None and trace.attempts == 2
    assert trace.timings_ms["key_fetch"] >= 300
    _assert_sane_timings(trace.timings_ms, at_least_network_ms=300)


def test_backoff_schedule_doubles_within_its_jitter_and_is_capped(
    fake: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Waits are base·2^(n-1), capped at 8 s, times a jitter drawn from [0.5, 1.0]; none without a base."""
    draws: list[tuple[float, float]] = []

    def uniform(lo: float, hi: float) -> float:
        draws.append((lo, hi))
        return (lo + hi) / 2  # 0.75 for the documented range

    monkeypatch.setattr("ocr_core.client.random.uniform", uniform)  # the module the client draws from
    waits: list[float] = []
    settings = Settings(
        base_url=fake.base_url,
        app_key=fake.app_key,
        secret_key=fake.secret_key,
        backoff_base=0.4,
        max_retries=3,
    )
    with OcrClient(settings, sleep=waits.append) as c:
        fake.queue("credit-card", *[Scripted(result_code=5000503)] * 3)
        assert c.analyze_credit_card(PNG).trace.attempts == 4  # type: ignore[union-attr]
    assert waits == pytest.approx([0.4 * 0.75, 0.8 * 0.75, 1.6 * 0.75])
    assert draws == [(0.5, 1.0)] * 3
    waits.clear()
    with OcrClient(settings.replace(backoff_base=5.0), sleep=waits.append) as c:
        fake.queue("credit-card", *[Scripted(result_code=5000503)] * 3)
        c.analyze_credit_card(PNG)
    assert waits == pytest.approx([5.0 * 0.75, 8.0 * 0.75, 8.0 * 0.75])  # capped at MAX_BACKOFF
    waits.clear()
    with OcrClient(settings.replace(backoff_base=0.0), sleep=waits.append) as c:
        fake.queue("credit-card", *[Scripted(result_code=5000503)] * 3)
        c.analyze_credit_card(PNG)
    assert waits == []  # no base, no wait at all


def test_request_key_refusals_carry_their_rule_and_expiry(client: OcrClient, fake: Sandbox) -> None:
    """The UI and CLI word these refusals from ``rule`` and ``params``; the English message is the
    library's own."""
    issued = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    expired = RequestKey("abc", issued, issued + timedelta(hours=1))
    with pytest.raises(InputError) as info:
        client.verify_authenticity(expired, resident_request())
    assert info.value.rule == "request_key_expired"
    assert info.value.params == {"expired_at": "2026-01-01 13:00:00 UTC"}
    assert str(info.value) == (
        "this Request-Key expired at 2026-01-01 13:00:00 UTC (valid one hour); "
        "analyse the ID card again for a new one"
    )
    spent = RequestKey.issued_now("abc")
    spent.mark_spent()
    with pytest.raises(InputError) as info:
        client.verify_authenticity(spent, resident_request())
    assert info.value.rule == "request_key_spent"
    assert str(info.value) == (
        "this Request-Key was already used by a completed authenticity check; "
        "analyse the ID card again for a new one"
    )
    for missing in ("", " \t", None, 42):
        with pytest.raises(InputError) as info:
            client.verify_authenticity(missing, resident_request())  # type: ignore[arg-type]
        assert info.value.rule == "request_key_missing"
        assert str(info.value) == "a Request-Key from an ID analysis (/id-card, not stand-alone) is required"
    with pytest.raises(InputError) as info:
        client.verify_authenticity("abc", {"idType": "resident"})  # type: ignore[arg-type]
    assert str(info.value) == "request must be an AuthenticityRequest"
    assert fake.calls("id-card/authenticity") == 0
    # the edge of the hour: a second before it the key goes out (and the sandbox, not the client,
    # refuses it: it never issued "abc"); a key whose hour is over never leaves
    fresh = RequestKey(
        "abc", datetime.now(UTC) - timedelta(minutes=59, seconds=59), datetime.now(UTC) + timedelta(seconds=1)
    )
    with pytest.raises(ApiError):
        client.verify_authenticity(fresh, resident_request())
    assert fake.calls("id-card/authenticity") == 1
    assert not fresh.spent  # only a normal answer spends it


def test_results_keep_the_answer_header(fake: Sandbox, client: OcrClient) -> None:
    """A successful answer's header is kept as it came (here with a message the vendor might add)."""
    header = {"isSuccessful": True, "resultCode": 0, "resultMessage": "SUCCESS", "traceId": "t-1"}
    fake.queue("credit-card", Scripted(body=json.dumps({"header": header, "result": {}}).encode()))
    assert dict(client.analyze_credit_card(PNG).header) == header
    fake.queue(
        "id-card", Scripted(body=json.dumps({"header": header, "result": {"idType": "passport"}}).encode())
    )
    assert dict(client.analyze_id_card(PNG).header) == header
    key = client.analyze_id_card(PNG).request_key
    assert key is not None
    fake.queue(
        "id-card/authenticity",
        Scripted(body=json.dumps({"header": header, "result": {"isAuthenticity": True}}).encode()),
    )
    verdict = client.verify_authenticity(key, resident_request())
    assert dict(verdict.header) == header and key.spent


@pytest.mark.parametrize("result", ["", ', "result": null'])
def test_a_success_without_result_says_so(fake: Sandbox, client: OcrClient, result: str) -> None:
    body = '{"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"}' + result + "}"
    fake.queue("credit-card", Scripted(body=body.encode()))
    with pytest.raises(MalformedResponseError) as info:
        client.analyze_credit_card(PNG)
    assert str(info.value) == "a successful answer has no result object"


@pytest.mark.parametrize(
    ("encoding", "image", "part"),
    [
        ("raw", PNG, b'name="image"; filename="image.png"\r\nContent-Type: application/octet-stream\r\n\r\n'),
        ("base64", JPEG, b'name="image"; filename="image.jpg"\r\nContent-Type: text/plain\r\n\r\n'),
    ],
)
def test_the_image_part_is_named_and_typed_by_what_it_holds(
    fake: Sandbox, encoding: str, image: bytes, part: bytes
) -> None:
    """The sealed image travels as the multipart part ``image``: its file name says the format sealed
    inside, its type says raw ciphertext (octet-stream) or its Base64 text (text/plain)."""
    sent: list[bytes] = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *args, **kwargs: sent.append(r.request.body))
    with (
        make_client(fake, image_encoding=encoding) as plain,
        session,
        OcrClient(plain.settings, session=session) as c,
    ):
        c.analyze_credit_card(image)
    body = sent[-1]
    assert isinstance(body, bytes) and body.count(b'name="image"') == 1 and part in body


class _RefusingPosts(requests.Session):
    """A session whose POSTs all go to a closed port (never reaching the server); GETs go through."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url, self.posts = base_url, 0

    def request(self, method, url, *args, **kwargs):
        if method == "POST":
            self.posts += 1
            url = url.replace(self.base_url, f"http://127.0.0.1:{_closed_port()}")
        return super().request(method, url, *args, **kwargs)


def test_connect_failures_of_an_analysis_are_bounded_and_backed_off(
    fake: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("ocr_core.client.random.uniform", lambda lo, hi: hi)
    waits: list[float] = []
    settings = Settings(
        base_url=fake.base_url,
        app_key=fake.app_key,
        secret_key=fake.secret_key,
        backoff_base=0.1,
        max_retries=2,
    )
    with (
        _RefusingPosts(fake.base_url) as session,
        OcrClient(settings, session=session, sleep=waits.append) as c,
    ):
        with pytest.raises(ConnectError) as info:
            c.analyze_credit_card(PNG)
        assert session.posts == 3 and waits == pytest.approx([0.1, 0.2])  # 1 + max_retries, doubling
        assert info.value.billable is False  # it never reached the server
        key = RequestKey.issued_now("abc")
        with pytest.raises(ConnectError):
            c.verify_authenticity(key, resident_request())
        assert session.posts == 4 and len(waits) == 2 and not key.spent  # authenticity: never resent


@pytest.mark.slow  # 20 MB images, encrypted
def test_image_size_limit_is_inclusive_and_reported(fake: Sandbox) -> None:
    from ocr_core.constants import MAX_IMAGE_BYTES

    too_big = b"\xff\xd8\xff" + bytes(MAX_IMAGE_BYTES - 2)
    # Sealing and sending 20 MB took 4 s of this module's 5 s read timeout on a busy machine (and failed
    # past it in a random-order run): the limit is what is tested here, not the timeout.
    with make_client(fake, read_timeout=60.0) as client:
        with pytest.raises(InputError) as info:
            client.analyze_credit_card(too_big)
        assert info.value.params == {"size_bytes": MAX_IMAGE_BYTES + 1, "limit_bytes": MAX_IMAGE_BYTES}
        assert fake.calls("credit-card") == 0
        with pytest.raises((ApiError, MalformedResponseError)):  # exactly the limit goes out (unreadable)
            client.analyze_credit_card(too_big[:-1])
    assert fake.calls("credit-card") == 1


# -- what a failed call says: requests' exceptions translated in one place (_http/_request) --------
class _FailingSession(requests.Session):
    """A session whose every request fails with ``error``, as requests raises it."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
        self.timeouts: list[object] = []

    def request(
        self, method: str | bytes, url: str | bytes, *args: object, **kwargs: object
    ) -> requests.Response:
        self.timeouts.append(kwargs.get("timeout"))
        raise self.error


def _refused() -> requests.exceptions.ConnectionError:
    import urllib3.exceptions

    opening = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", reason=opening))  # type: ignore[arg-type]


HOST = "ocr.example.test:8443"


@pytest.mark.parametrize(
    "error, kind, said",
    [
        (requests.exceptions.ConnectTimeout(), ConnectError, f"could not connect to {HOST} within 2.5 s"),
        (
            requests.exceptions.ReadTimeout(),
            ReadTimeoutError,
            f"{HOST} accepted the connection but sent no answer within 3 s",
        ),
        (requests.exceptions.SSLError(), ConnectError, f"TLS handshake with {HOST} failed"),
        (_refused(), ConnectError, f"could not connect to {HOST} (refused or unreachable)"),
        (
            requests.exceptions.ConnectionError(),
            ConnectionLostError,
            f"the connection to {HOST} dropped; the call may have been processed",
        ),
        (
            requests.exceptions.ChunkedEncodingError(),
            ConnectionLostError,
            f"the answer from {HOST} was cut off",
        ),
        (
            requests.exceptions.ContentDecodingError(),
            ConnectionLostError,
            f"the answer from {HOST} was cut off",
        ),
        (
            requests.exceptions.TooManyRedirects(),
            TransportError,
            f"request to {HOST} failed: TooManyRedirects",
        ),
    ],
    ids=["connect-timeout", "read-timeout", "tls", "refused", "dropped", "cut-off", "bad-encoding", "other"],
)
def test_each_transport_failure_names_its_host_and_what_happened(
    error: Exception, kind: type[TransportError], said: str
) -> None:
    """The CLI prints these messages as they are; the dashboard words them from ``host``. (No backoff
    between the retries of a connect failure: waiting is tested on its own.)"""
    settings = Settings(
        base_url=f"https://{HOST}",
        app_key="k",
        secret_key="s",
        connect_timeout=2.5,
        read_timeout=3.0,
        backoff_base=0,
    )
    with OcrClient(settings, session=_FailingSession(error)) as c, pytest.raises(TransportError) as info:
        c.public_key("credit-card")
    assert type(info.value) is kind and str(info.value) == said and info.value.host == HOST


def test_a_read_timeout_given_as_one_number_is_named_as_such() -> None:
    session = _FailingSession(requests.exceptions.ReadTimeout())
    settings = Settings(base_url=f"https://{HOST}", app_key="k", secret_key="s")
    with (
        OcrClient(settings, session=session) as c,
        pytest.raises(ReadTimeoutError, match=r"sent no answer within 9 s$"),
    ):
        c._http("GET", f"https://{HOST}/v2.0/appkeys/k/public-keys/credit-card", timeout=9)
    assert session.timeouts == [9]


@pytest.mark.parametrize("error", [requests.exceptions.InvalidURL(), requests.exceptions.InvalidSchema()])
def test_an_unusable_endpoint_is_a_settings_error_naming_it_without_the_appkey(error: Exception) -> None:
    settings = Settings(base_url=f"https://{HOST}", app_key="secret-appkey-123", secret_key="s")
    with OcrClient(settings, session=_FailingSession(error)) as c, pytest.raises(SettingsError) as info:
        c.public_key("credit-card")
    assert str(info.value) == f"cannot call https://{HOST}/v2.0: {type(error).__name__}"


def test_the_client_introduces_itself_and_never_lets_requests_retry(fake: Sandbox, client: OcrClient) -> None:
    client.analyze_credit_card(PNG)
    assert {a.headers.get("user-agent") for a in fake.received} == {"document-ocr-studio/0.1 ocr_core"}
    for scheme in ("https://", "http://"):
        adapter = client._session.get_adapter(f"{scheme}ocr.example.test/")
        assert isinstance(adapter, HTTPAdapter) and adapter is client._session.adapters[scheme]
        assert adapter.max_retries.total == 0


def test_only_sensitive_headers_are_redacted_for_the_log() -> None:
    from ocr_core.client import redact_headers

    assert redact_headers(
        {
            "Authorization": "Bearer t",
            "Symmetric-Key": "k",
            "Request-Key": "r",
            "X-Key-Version": "3",
            "Accept": "application/json",
        }
    ) == {
        "Authorization": "[secure]",
        "Symmetric-Key": "[secure]",
        "Request-Key": "[secure]",
        "X-Key-Version": "3",
        "Accept": "application/json",
    }


def test_the_answer_header_decides_success_as_the_vendor_documents() -> None:
    """Success is resultCode 0 unless isSuccessful says false; a failure keeps the vendor's message
    when it is text (else the code's documented one); "0 but not successful" is the unknown code -1."""
    from ocr_core.client import _raise_for_header

    _raise_for_header({"header": {"resultCode": 0}})  # no exception: success
    _raise_for_header({"header": {"resultCode": 0, "isSuccessful": True}})
    with pytest.raises(ApiError) as info:
        _raise_for_header({"header": {"resultCode": 4000001, "resultMessage": "bad image"}})
    assert (info.value.result_code, info.value.vendor_message) == (4000001, "bad image")
    with pytest.raises(ApiError) as info:
        _raise_for_header({"header": {"resultCode": 0, "isSuccessful": False, "resultMessage": "odd"}})
    assert (info.value.result_code, info.value.vendor_message) == (-1, "odd")
    with pytest.raises(ApiError) as info:
        _raise_for_header({"header": {"resultCode": 4000001, "isSuccessful": False, "resultMessage": 7}})
    assert info.value.vendor_message == explain(4000001).message


def test_a_retried_calls_timings_add_every_attempts_steps(
    fake: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a clock that ticks one second per reading, each measured step lasts exactly 1000 ms: an
    analysis whose first POST never connected spent two key look-ups, two encryptions and two network
    waits, and its trace says so (not only the last attempt's, and never less)."""
    import types

    import ocr_core.client as client_module

    ticks = iter(range(10_000))
    monkeypatch.setattr(client_module, "time", types.SimpleNamespace(perf_counter=lambda: float(next(ticks))))

    class FirstPostRefused(requests.Session):
        refused = False

        def request(self, method, url, *args, **kwargs):
            if method == "POST" and not self.refused:
                self.refused = True
                url = url.replace(fake.base_url, f"http://127.0.0.1:{_closed_port()}")
            return super().request(method, url, *args, **kwargs)

    settings = Settings(
        base_url=fake.base_url, app_key=fake.app_key, secret_key=fake.secret_key, backoff_base=0.0
    )
    with OcrClient(settings, session=FirstPostRefused()) as c:
        trace = c.analyze_credit_card(PNG).trace
    assert trace is not None and trace.attempts == 2
    timings = dict(trace.timings_ms)
    assert {k: timings[k] for k in ("key_fetch", "encrypt", "network", "decrypt")} == {
        "key_fetch": 2000.0,
        "encrypt": 2000.0,
        "network": 2000.0,
        "decrypt": 1000.0,
    }
    assert timings["total"] > sum(timings[k] for k in ("key_fetch", "encrypt", "network", "decrypt"))


def test_overrides_apply_and_only_the_clients_own_session_is_closed() -> None:
    settings = Settings(base_url=f"https://{HOST}", app_key="k", secret_key="s")
    assert OcrClient(settings, max_retries=0, read_timeout=7.0).settings.max_retries == 0
    assert OcrClient(settings).settings is settings
    closed: list[str] = []

    class Watched(requests.Session):
        name = ""

        def close(self) -> None:
            closed.append(self.name)
            super().close()

    theirs = Watched()
    theirs.name = "theirs"
    with OcrClient(settings, session=theirs):
        pass
    assert closed == []  # a session the caller gave is the caller's to close
    own = OcrClient(settings)
    own._session.__class__ = Watched
    own._session.name = "own"  # type: ignore[attr-defined]  # the class was swapped above
    own.close()
    assert closed == ["own"]


def test_v2_1_a_key_fetch_refused_for_its_token_renews_it_and_no_other_refusal_does(fake: Sandbox) -> None:
    with make_client(fake, api_version="v2.1", secret_key=None) as c:
        c.public_key("credit-card")
        fake.backend.tokens.reset()  # the token the client holds is no longer known
        with pytest.raises(ApiError) as info:
            c.public_key("id-card")
        assert info.value.result_code == 4010006
        c.public_key("id-card")
        assert fake.calls("token") == 2
        fake.queue("public-keys/credit-card", Scripted(result_code=4000001))
        with pytest.raises(ApiError):
            c.public_key("credit-card", refresh=True)
        c.public_key("credit-card", refresh=True)
        assert fake.calls("token") == 2


def test_a_key_fetch_waits_only_the_short_timeout() -> None:
    session = _FailingSession(requests.exceptions.ReadTimeout())
    settings = Settings(base_url=f"https://{HOST}", app_key="k", secret_key="s", read_timeout=60.0)
    with OcrClient(settings, session=session) as c, pytest.raises(ReadTimeoutError):
        c.public_key("credit-card")
    assert session.timeouts == [settings.small_call_timeout] and settings.small_call_timeout[1] < 60


@pytest.mark.parametrize("result", [{}, {"key": "AAAA"}, {"version": "1"}, ["key", "version"]])
def test_a_public_key_answer_without_key_and_version_says_so(
    fake: Sandbox, client: OcrClient, result: object
) -> None:
    fake.queue(
        "public-keys/credit-card",
        Scripted(
            body=json.dumps({"header": {"isSuccessful": True, "resultCode": 0}, "result": result}).encode()
        ),
    )
    with pytest.raises(MalformedResponseError) as info:
        client.public_key("credit-card")
    assert str(info.value) == "the public-key answer has no result.key and result.version (HTTP 200)"
    assert info.value.status == 200


def test_the_public_key_is_kept_as_the_api_gave_it(fake: Sandbox, client: OcrClient) -> None:
    from ocr_core.envelope import load_public_key

    info = client.public_key("id-card")
    assert (info.service, info.version) == ("id-card", fake.version("id-card"))
    assert load_public_key(info.key_b64).size_in_bits() == 2048


def test_a_refresh_fetches_the_key_again_and_anything_else_uses_the_cache(
    fake: Sandbox, client: OcrClient
) -> None:
    first = client.public_key("credit-card").version
    rotated = fake.backend.rotate_key("credit-card")
    assert client.public_key("credit-card").version == first != rotated  # cached
    assert client.public_key("credit-card", refresh=True).version == rotated
    assert client.public_key("credit-card").version == rotated and fake.calls("public-keys") == 2


def test_without_settings_the_client_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NHN_OCR_BASE_URL", f"https://{HOST}")
    monkeypatch.setenv("NHN_OCR_APPKEY", "env-appkey")
    monkeypatch.setenv("NHN_OCR_SECRETKEY", "env-secret")
    with OcrClient(max_retries=1) as c:
        assert (c.settings.base_url, c.settings.app_key, c.settings.max_retries) == (
            f"https://{HOST}",
            "env-appkey",
            1,
        )
