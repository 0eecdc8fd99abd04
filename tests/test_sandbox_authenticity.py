"""Authenticity as the vendor behaves: Request-Key life cycle, registry matching, the resident-card
lock, the withdrawn passport check; over raw HTTP with a stand-in engine and an injectable clock."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.readings import RESIDENT, FakeEngine
from sandbox.config import SAMPLES_DIR, SandboxConfig
from sandbox.engine.types import IdReading, Reading
from sandbox.registry import IssuedDocument, Registry
from sandbox.server import RunningSandbox, start_sandbox
from tests.support.raw_client import RawClient, aes_encrypt, code_of, png

RESIDENT_DOC = IssuedDocument("resident", "홍길동", "900115-1289153", issue_date="20190514")
OTHER_RESIDENT = IssuedDocument("resident", "박지우", "010203-4123456", issue_date="20200101")
DRIVER_DOC = IssuedDocument("driver", "김민서", "850722-2650639", "20150407", "12-15-508271-33", "Q8W4E")
DRIVER = IdReading("driver", (("name", Reading("김민서", 0.9, ((0, 0), (9, 0), (9, 9), (0, 9)))),))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture(scope="module")
def sandbox(engine: FakeEngine, clock: Clock) -> Iterator[RunningSandbox]:
    running = start_sandbox(SandboxConfig(engine=engine, seed_dir=None, clock=clock))
    running.backend.registry.add_all([RESIDENT_DOC, OTHER_RESIDENT, DRIVER_DOC])
    yield running
    running.stop()


@pytest.fixture()
def client(sandbox: RunningSandbox, engine: FakeEngine) -> Iterator[RawClient]:
    engine.ident = RESIDENT
    with requests.Session() as session:
        yield RawClient(sandbox.base_url, session)
    sandbox.backend.reset()


def request_key(client: RawClient) -> str:
    _, resp = client.post_image("id-card", png())
    assert code_of(resp) == 0
    return resp.headers["Request-Key"]


def verify(
    client: RawClient,
    rkey: str | None,
    fields: dict[str, str],
    *,
    plain: dict[str, Any] | None = None,
    raw_body: bytes | None = None,
) -> requests.Response:
    key, headers = client.envelope("id-card")
    if rkey is not None:
        headers["Request-Key"] = rkey
    body: dict[str, Any] = {
        k: base64.b64encode(aes_encrypt(key, v.encode())).decode() for k, v in fields.items()
    }
    body.update(plain or {})
    data = raw_body if raw_body is not None else json.dumps(body).encode()
    headers["Content-Type"] = "application/json"
    return client.http.post(client.url("id-card/authenticity"), data=data, headers=headers, timeout=10)


def resident_fields(**changes: str) -> dict[str, str]:
    fields = {"name": "홍길동", "residentNumber": "9001151289153", "issueDate": "20190514"}
    fields.update(changes)
    return fields


RESIDENT_TYPE = {"idType": "resident"}


def authentic(resp: requests.Response) -> bool:
    assert code_of(resp) == 0, resp.text
    return bool(resp.json()["result"]["isAuthenticity"])


def test_resident_authentic_then_key_spent(client: RawClient) -> None:
    rkey = request_key(client)
    assert authentic(verify(client, rkey, resident_fields(), plain=RESIDENT_TYPE)) is True
    again = verify(client, rkey, resident_fields(), plain=RESIDENT_TYPE)
    assert code_of(again) == 4000122
    assert again.json()["header"]["resultMessage"] == "Request Key is invalid or expired."


def test_wrong_name_is_a_normal_false_answer_that_spends_the_key(client: RawClient) -> None:
    rkey = request_key(client)
    assert authentic(verify(client, rkey, resident_fields(name="홍길순"), plain=RESIDENT_TYPE)) is False
    assert code_of(verify(client, rkey, resident_fields(), plain=RESIDENT_TYPE)) == 4000122


def test_unregistered_card_is_not_authentic(client: RawClient) -> None:
    rkey = request_key(client)
    fields = resident_fields(residentNumber="800101-1000006")
    assert authentic(verify(client, rkey, fields, plain=RESIDENT_TYPE)) is False


def test_request_key_lives_one_hour(client: RawClient, clock: Clock) -> None:
    start = clock.now
    try:
        early, late = request_key(client), request_key(client)
        clock.now = start + timedelta(minutes=59, seconds=59)
        assert authentic(verify(client, early, resident_fields(), plain=RESIDENT_TYPE)) is True
        clock.now = start + timedelta(hours=1)
        assert code_of(verify(client, late, resident_fields(), plain=RESIDENT_TYPE)) == 4000122
    finally:
        clock.now = start


def test_unknown_request_key_and_missing_header(client: RawClient) -> None:
    assert code_of(verify(client, "0" * 32, resident_fields(), plain=RESIDENT_TYPE)) == 4000122
    assert code_of(verify(client, None, resident_fields(), plain=RESIDENT_TYPE)) == 4000005


def test_errors_do_not_spend_the_key(client: RawClient) -> None:
    rkey = request_key(client)
    assert (
        code_of(verify(client, rkey, resident_fields(issueDate="20191340"), plain=RESIDENT_TYPE)) == 4000001
    )
    assert (
        code_of(verify(client, rkey, resident_fields(residentNumber="900115128915"), plain=RESIDENT_TYPE))
        == 4000001
    )
    assert code_of(verify(client, rkey, resident_fields(), plain={"idType": "driver"})) == 4000001
    assert code_of(verify(client, rkey, {}, plain={**RESIDENT_TYPE, "name": "not-base64!"})) == 4000303
    assert code_of(verify(client, rkey, {}, raw_body=b"{not json")) == 4000001
    assert code_of(verify(client, rkey, {}, raw_body=b"[1, 2]")) == 4000001
    assert authentic(verify(client, rkey, resident_fields(), plain=RESIDENT_TYPE)) is True


def test_passport_authenticity_is_withdrawn(client: RawClient) -> None:
    rkey = request_key(client)
    fields = {
        "name": "KIM MINSEO",
        "passportNumber": "M70419325",
        "issueDate": "20220110",
        "birthDate": "19850722",
    }
    resp = verify(client, rkey, fields, plain={"idType": "passport", "expirationDate": "20320110"})
    assert code_of(resp) == 4000001


def test_five_wrong_issue_dates_lock_a_resident_card(client: RawClient, sandbox: RunningSandbox) -> None:
    for _ in range(5):
        assert (
            authentic(
                verify(
                    client, request_key(client), resident_fields(issueDate="20200101"), plain=RESIDENT_TYPE
                )
            )
            is False
        )
    rkey = request_key(client)
    locked = verify(client, rkey, resident_fields(), plain=RESIDENT_TYPE)
    assert code_of(locked) == 4000123
    assert locked.json()["header"]["resultMessage"] == "Registration card authentication is locked."
    other = {"name": "박지우", "residentNumber": "0102034123456", "issueDate": "20200101"}
    assert authentic(verify(client, rkey, other, plain=RESIDENT_TYPE)) is True  # the lock did not spend it
    sandbox.backend.reset()
    assert authentic(verify(client, request_key(client), resident_fields(), plain=RESIDENT_TYPE)) is True


def test_a_right_answer_resets_the_count(client: RawClient) -> None:
    for _ in range(4):
        verify(client, request_key(client), resident_fields(issueDate="20200101"), plain=RESIDENT_TYPE)
    assert authentic(verify(client, request_key(client), resident_fields(), plain=RESIDENT_TYPE)) is True
    for _ in range(4):
        verify(client, request_key(client), resident_fields(issueDate="20200101"), plain=RESIDENT_TYPE)
    assert authentic(verify(client, request_key(client), resident_fields(), plain=RESIDENT_TYPE)) is True


def test_driver_licence(client: RawClient, engine: FakeEngine) -> None:
    engine.ident = DRIVER
    fields = {"name": "김민서", "residentNumber": "8507222", "driverLicenseNumber": "121550827133"}
    driver = {"idType": "driver"}
    assert authentic(verify(client, request_key(client), fields, plain=driver)) is True
    with_serial = {**fields, "serialNum": "q8w4e", "driverLicenseNumber": "12-15-508271-33"}
    assert authentic(verify(client, request_key(client), with_serial, plain=driver)) is True
    assert (
        authentic(verify(client, request_key(client), {**fields, "serialNum": "Q8W4F"}, plain=driver))
        is False
    )
    assert (
        authentic(verify(client, request_key(client), {**fields, "residentNumber": "8507221"}, plain=driver))
        is False
    )
    rkey = request_key(client)
    assert code_of(verify(client, rkey, {**fields, "residentNumber": "850722265"}, plain=driver)) == 4000001
    assert (
        code_of(verify(client, rkey, {**fields, "driverLicenseNumber": "12155082713"}, plain=driver))
        == 4000001
    )
    assert code_of(verify(client, rkey, {**fields, "serialNum": "Q8"}, plain=driver)) == 4000001


def _truths(kind: str) -> list[dict[str, Any]]:
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in SAMPLES_DIR.glob("**/*.json")]
    return [d for d in docs if isinstance(d, dict) and d.get("docType") == kind]


@pytest.mark.skipif(not _truths("resident"), reason="specimens not generated")
def test_registry_is_seeded_from_the_specimens() -> None:
    registry = Registry()
    assert registry.seed_from_specimens(SAMPLES_DIR) >= len(_truths("resident")) + len(_truths("driver"))
    for truth in _truths("resident"):
        f = truth["fields"]
        assert registry.verify_resident(f["name"], f["residentNumber"], f["issueDate"]) is True
    for truth in _truths("driver"):
        f = truth["fields"]
        rrn7 = f["residentNumber"].replace("-", "")[:7]
        assert registry.verify_driver(f["name"], rrn7, f["driverLicenseNumber"], f["serialNum"]) is True
    passports = _truths("passport")
    assert all(IssuedDocument.from_truth(p) is None for p in passports)


def test_registry_file_holds_no_readable_personal_data(tmp_path: Path) -> None:
    path = tmp_path / "registry.sqlite"
    registry = Registry(str(path))
    registry.add_all([RESIDENT_DOC, DRIVER_DOC])
    registry.close()
    raw = path.read_bytes()
    for secret in ("홍길동".encode(), b"9001151289153", b"900115", b"121550827133", b"Q8W4E", b"20190514"):
        assert secret not in raw
    reopened = Registry(str(path))
    assert reopened.verify_resident("홍길동", "900115-1289153", "20190514") is True
    assert "홍길동" not in repr(RESIDENT_DOC)
