"""The ``ocr_core`` client's contract with the sandbox, run twice: against the backend in process
(``sandbox.transport``) and against the running server over HTTP. Success paths use the real OCR
engine on committed specimens and the registry seeded from their truth files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import requests

from ocr_core import RESULT_CODES, ApiError, AuthenticityRequest, OcrClient, Settings
from sandbox.backend import SandboxBackend
from sandbox.codes import MESSAGES
from sandbox.config import SAMPLES_DIR, TOKEN_PATH, SandboxConfig
from sandbox.faults import Faults
from sandbox.server import RunningSandbox, start_sandbox
from sandbox.transport import IN_PROCESS_URL, sandbox_session

pytestmark = pytest.mark.slow


def truth(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES_DIR / name).read_text(encoding="utf-8"))


def specimen(name: str) -> bytes:
    return (SAMPLES_DIR / name).read_bytes()


@dataclass
class Target:
    mode: str
    base_url: str
    backend: SandboxBackend
    session: requests.Session | None

    def client(self, **overrides: Any) -> OcrClient:
        settings = Settings(
            base_url=self.base_url,
            app_key="sandbox-appkey",
            secret_key="sandbox-secretkey",
            uak_id="sandbox-uak-id",
            uak_secret="sandbox-uak-secret",
            token_url=self.base_url + TOKEN_PATH,
            backoff_base=0.0,
        )
        return OcrClient(settings.replace(**overrides), session=self.session)


@pytest.fixture(scope="module", params=["in-process", "http"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    backend = SandboxBackend(SandboxConfig())  # the real engine; registry seeded from samples/
    if request.param == "in-process":
        with sandbox_session(backend) as session:
            yield Target("in-process", IN_PROCESS_URL, backend, session)
        return
    running: RunningSandbox = start_sandbox(backend=backend)
    try:
        yield Target("http", running.base_url, backend, None)
    finally:
        running.stop()


@pytest.fixture(autouse=True)
def _fresh(target: Target) -> Iterator[None]:
    yield
    target.backend.reset()


def test_both_sides_use_the_vendors_table() -> None:
    for code, message in MESSAGES.items():
        assert RESULT_CODES[code].message == message, code


def test_public_keys(target: Target) -> None:
    with target.client() as client:
        for service in ("credit-card", "id-card"):
            info = client.public_key(service)
            assert info.version == target.backend.keys.current(service).version
        assert set(client.key_versions()) == {"credit-card", "id-card"}


def test_credit_card_specimen(target: Target) -> None:
    expected = truth("cards/visa_blue_flat.json")["fields"]
    with target.client() as client:
        result = client.analyze_credit_card(specimen("cards/visa_blue_flat.png"))
    assert [g.value for g in result.card_numbers] == expected["groups"]
    assert result.total_card_num == expected["cardNumber"]
    assert result.valid_thru is not None and result.valid_thru.value == expected["validThru"]
    assert (result.file_type, result.resolution) == ("png", "normal")
    assert all(0 < (g.conf or 0) <= 1 and g.box is not None for g in result.card_numbers)
    assert result.trace is not None and result.trace.fields_decrypted == 6


def test_resident_card_request_key_and_authenticity(target: Target) -> None:
    fields = truth("ids/resident_hong_gildong.json")["fields"]
    with target.client() as client:
        result = client.analyze_id_card(specimen("ids/resident_hong_gildong.png"))
        assert result.id_type == "resident"
        for key in ("name", "residentNumber", "issueDate"):
            reading = result.get(key)
            assert reading is not None and reading.value == fields[key], key
        assert result.request_key is not None and not result.request_key.spent
        request = AuthenticityRequest(
            "resident",
            fields["name"],
            resident_number=fields["residentNumber"],
            issue_date=fields["issueDate"],
        )
        verdict = client.verify_authenticity(result.request_key, request)
        assert verdict.is_authenticity is True and result.request_key.spent
        with pytest.raises(ApiError) as spent:
            client.verify_authenticity(result.request_key.value, request)
        assert spent.value.result_code == 4000122


def test_stand_alone_driver_licence_has_no_request_key(target: Target) -> None:
    fields = truth("ids/driver_hong_gildong.json")["fields"]
    with target.client() as client:
        result = client.analyze_id_card(specimen("ids/driver_hong_gildong.png"), stand_alone=True)
    assert result.id_type == "driver" and result.request_key is None
    reading = result.get("name")
    assert reading is not None and reading.value == fields["name"]


def test_rotation_is_refetched_once_and_base64_parts_are_read(target: Target) -> None:
    expected = truth("cards/mastercard_black_embossed.json")["fields"]
    with target.client(image_encoding="base64") as client:
        old = client.public_key("credit-card").version
        new = target.backend.rotate_key("credit-card")
        result = client.analyze_credit_card(specimen("cards/mastercard_black_embossed.png"))
        assert result.trace is not None and result.trace.key_refetched and result.trace.encoding == "base64"
        assert client.key_versions()["credit-card"] == new != old
    assert result.total_card_num == expected["cardNumber"]


def test_nothing_found_is_4000111(target: Target) -> None:
    blank = cv2.imencode(".png", np.full((540, 856, 3), 235, np.uint8))[1].tobytes()
    with target.client() as client, pytest.raises(ApiError) as err:
        client.analyze_credit_card(blank)
    assert err.value.result_code == 4000111 and err.value.vendor_message == "Credit card info not found."


def test_v21_bearer_token_flow(target: Target) -> None:
    with target.client(api_version="v2.1") as client:
        assert client.public_key("id-card").version
    with target.client(api_version="v2.1", uak_secret="wrong") as client, pytest.raises(ApiError) as err:
        client.public_key("id-card")
    assert err.value.result_code == 4010006


def test_bad_secret_is_4010001(target: Target) -> None:
    with target.client(secret_key="wrong") as client, pytest.raises(ApiError) as err:
        client.public_key("credit-card")
    assert err.value.result_code == 4010001


def test_unprocessed_refusals_are_retried_then_raised(target: Target) -> None:
    target.backend.set_faults(Faults(result_code=5000503, rate=1.0))
    with target.client(max_retries=2) as client, pytest.raises(ApiError) as err:
        client.analyze_credit_card(specimen("cards/visa_blue_flat.png"))
    assert err.value.result_code == 5000503


def test_authenticity_is_never_resent(target: Target) -> None:
    target.backend.set_faults(Faults(result_code=5000503, rate=1.0))
    key = target.backend.request_keys.issue("sandbox-appkey", "resident")
    request = AuthenticityRequest(
        "resident", "홍길동", resident_number="9001151289153", issue_date="20190514"
    )
    with target.client(max_retries=2) as client, pytest.raises(ApiError) as err:
        client.verify_authenticity(key, request)
    assert err.value.result_code == 5000503
    target.backend.set_faults(Faults())
    with target.client() as client:  # the refused call did not spend the key
        assert client.verify_authenticity(key, request).is_authenticity is True


def test_samples_dir_is_the_repository_one() -> None:
    assert Path(__file__).resolve().parent.parent / "samples" == SAMPLES_DIR
