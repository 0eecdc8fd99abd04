"""Faults on demand: latency, a chosen code for a share of calls, a calls-per-second cap (4000006),
set by configuration, by the CLI or by the loopback-only admin routes."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from harness.readings import FakeEngine
from sandbox.__main__ import build_parser
from sandbox.backend import SandboxBackend
from sandbox.config import SandboxConfig
from sandbox.faults import FaultInjector, Faults
from sandbox.routes import create_app
from sandbox.server import RunningSandbox, start_sandbox
from tests.support.raw_client import SECRET, RawClient, code_of, png


def test_faults_refuse_nonsense() -> None:
    with pytest.raises(ValueError):
        Faults(rate=1.5)
    with pytest.raises(ValueError):
        Faults(result_code=0)
    with pytest.raises(ValueError):
        Faults(result_code=1234567)
    with pytest.raises(ValueError):
        Faults(max_calls_per_second=0)
    with pytest.raises(ValueError):
        Faults.from_json({"latency": 5})
    with pytest.raises(TypeError):
        Faults.from_json({"latency_ms": "5"})
    assert Faults.from_json({"result_code": 5000503}).rate == 1.0


def test_injected_share_follows_the_rate() -> None:
    injector = FaultInjector(Faults(result_code=5000503, rate=0.3), rng=random.Random(7))
    hits = sum(injector.injected_code() == 5000503 for _ in range(2000))
    assert 500 < hits < 700


def test_call_cap_counts_a_sliding_second() -> None:
    now = [100.0]
    injector = FaultInjector(Faults(max_calls_per_second=2), monotonic=lambda: now[0])
    assert [injector.over_rate_limit() for _ in range(3)] == [False, False, True]
    now[0] += 0.5
    assert injector.over_rate_limit() is True
    now[0] += 0.51
    assert injector.over_rate_limit() is False


def test_latency_is_applied_by_the_backend() -> None:
    slept: list[float] = []
    backend = SandboxBackend(SandboxConfig(seed_dir=None))
    backend.faults = FaultInjector(Faults(latency_ms=250), sleep=slept.append)
    resp = backend.dispatch(
        "GET", "/v2.0/appkeys/sandbox-appkey/public-keys/id-card", {"Authorization": SECRET}, b""
    )
    assert resp.json()["header"]["resultCode"] == 0 and slept == [0.25]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    running = start_sandbox(SandboxConfig(engine=FakeEngine(), seed_dir=None, admin=True))
    yield running
    running.stop()


@pytest.fixture()
def client(sandbox: RunningSandbox) -> Iterator[RawClient]:
    with requests.Session() as session:
        yield RawClient(sandbox.base_url, session)
    sandbox.backend.reset()


def admin(client: RawClient, path: str, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    resp = client.http.post(f"{client.base}/_sandbox/{path}", json=doc, timeout=5)
    assert resp.status_code == 200
    return resp.json()


def test_admin_sets_a_code_for_billed_calls_only(client: RawClient) -> None:
    assert admin(client, "faults", {"result_code": 5000503, "rate": 1})["result"]["result_code"] == 5000503
    assert client.public_key("credit-card")["version"]  # set-up calls still work
    _, resp = client.post_image("credit-card", png())
    assert code_of(resp) == 5000503
    assert resp.json()["header"]["resultMessage"].startswith(
        "The API you requested is temporarily unavailable"
    )
    assert admin(client, "reset")["header"]["isSuccessful"] is True
    assert code_of(client.post_image("credit-card", png())[1]) == 0


def test_admin_latency(client: RawClient) -> None:
    admin(client, "faults", {"latency_ms": 300})
    start = time.perf_counter()
    client.public_key("id-card")
    assert time.perf_counter() - start >= 0.3
    current = client.http.get(f"{client.base}/_sandbox/faults", timeout=5).json()["result"]
    assert current["latency_ms"] == 300


def test_admin_call_cap_answers_4000006(client: RawClient) -> None:
    admin(client, "faults", {"max_calls_per_second": 3})
    url = client.url("public-keys/id-card")
    codes = [code_of(client.http.get(url, headers={"Authorization": SECRET}, timeout=5)) for _ in range(6)]
    assert codes.count(0) == 3 and codes.count(4000006) == 3, codes
    time.sleep(1.05)
    assert code_of(client.http.get(url, headers={"Authorization": SECRET}, timeout=5)) == 0


def test_admin_rotation_makes_the_old_version_4000301(client: RawClient) -> None:
    _, headers = client.envelope("id-card")
    rotated = admin(client, "rotate/id-card")["result"]
    assert rotated["version"] != headers["X-Key-Version"]
    resp = client.http.post(
        client.url("id-card"), files={"image": ("i", b"0" * 32)}, headers=headers, timeout=5
    )
    assert code_of(resp) == 4000301
    assert admin(client, "rotate/passport")["header"]["resultCode"] == 4000001


def test_admin_refuses_bad_settings(client: RawClient) -> None:
    assert admin(client, "faults", {"rate": 3})["header"]["resultCode"] == 4000001
    bad_json = client.http.post(f"{client.base}/_sandbox/faults", data=b"{", timeout=5).json()
    assert bad_json["header"]["resultCode"] == 4000001


def _asgi_post(app: Any, path: str, client_host: str) -> dict[str, Any]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [],
        "client": (client_host, 50000),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    return json.loads(b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"))


def test_admin_answers_only_loopback_clients() -> None:
    backend = SandboxBackend(SandboxConfig(engine=FakeEngine(), seed_dir=None, admin=True))
    app = create_app(backend)
    assert _asgi_post(app, "/_sandbox/reset", "192.0.2.10")["header"]["resultCode"] == 4010007
    assert _asgi_post(app, "/_sandbox/reset", "127.0.0.1")["header"]["resultCode"] == 0


def test_admin_off_unless_asked() -> None:
    assert SandboxConfig.from_env({}).admin is False
    assert SandboxConfig.from_env({"SANDBOX_ADMIN": "1"}).admin is True
    env = SandboxConfig.from_env({"SANDBOX_APPKEY": "k", "SANDBOX_SECRETKEY": "TOP-SECRET"}, app_key=None)
    assert (env.app_key, env.secret_key) == ("k", "TOP-SECRET") and "TOP-SECRET" not in repr(env)


def test_cli_fault_options() -> None:
    args = build_parser().parse_args(
        [
            "--latency-ms",
            "50",
            "--fault-code",
            "4000006",
            "--fault-rate",
            "0.2",
            "--max-calls-per-second",
            "5",
            "--admin",
            "--port",
            "0",
        ]
    )
    assert (args.latency_ms, args.fault_code, args.fault_rate, args.max_calls_per_second) == (
        50,
        4000006,
        0.2,
        5.0,
    )
    assert args.admin is True
