"""`python -m ocr_core` end to end against the sandbox (with a fixed-answer engine): through ``main`` in this
process (``run_here``), and once in a process of its own (``run``: the exit status a shell sees)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from harness.readings import FakeEngine
from sandbox.config import TOKEN_PATH, SandboxConfig
from sandbox.faults import Scripted
from sandbox.server import RunningSandbox, start_sandbox

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("img") / "card.png"
    buf = io.BytesIO()
    Image.new("RGB", (800, 500), "white").save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m ocr_core ARGS`` in a process of its own: its exit status, standard output and error."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NHN_OCR_")}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "ocr_core", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def run_here(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The same command through ``ocr_core.cli.main`` in this process (what ``python -m ocr_core`` runs),
    for cases where the process boundary is not what is tested: a start-up of the library per case is
    about a second on this machine. Argparse's own errors go to ``sys.stderr``, captured here too."""
    from ocr_core.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    try:
        for key in [k for k in os.environ if k.startswith("NHN_OCR_")]:
            del os.environ[key]
        os.environ.update(env or {})
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(list(args), out=out, err_out=err)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(
        ["python", "-m", "ocr_core", *args], code, out.getvalue(), err.getvalue()
    )


@pytest.fixture(scope="module")
def sandbox_server() -> Iterator[RunningSandbox]:
    """Fixed readings (FakeEngine); the authenticity registry seeded from the specimens (홍길동's card)."""
    with start_sandbox(SandboxConfig(engine=FakeEngine())) as running:
        yield running


@pytest.fixture()
def fake(sandbox_server: RunningSandbox) -> RunningSandbox:
    sandbox_server.backend.reset()
    return sandbox_server


def creds(fake: RunningSandbox) -> list[str]:
    return ["--base-url", fake.base_url, "--app-key", fake.app_key, "--secret-key", fake.secret_key]


def test_public_key_json(fake: RunningSandbox) -> None:
    done = run_here(*creds(fake), "--json", "public-key", "id-card")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert (
        doc["header"]["resultCode"] == 0
        and doc["result"]["version"] == fake.backend.keys.current("id-card").version
    )
    plain = run_here(*creds(fake), "public-key", "credit-card")
    assert plain.returncode == 0 and "RSA 2048 bits" in plain.stdout


def test_credit_card_masked_unmasked_and_summary(fake: RunningSandbox, png: Path) -> None:
    masked = json.loads(run_here(*creds(fake), "--json", "credit-card", str(png)).stdout)
    assert set(masked) == {"header", "result"}
    total = masked["result"]["totalCardNum"]
    assert total != "4111111111111111" and total.startswith("411111") and total.endswith("1111")
    assert "4111111111111111" not in json.dumps(masked)
    unmasked = json.loads(run_here(*creds(fake), "--json", "--unmasked", "credit-card", str(png)).stdout)
    assert unmasked["result"]["totalCardNum"] == "4111111111111111"
    assert [g["value"] for g in unmasked["result"]["cardNums"]] == ["4111", "1111", "1111", "1111"]
    assert (
        unmasked["result"]["validThru"]["value"] == "04/29" and len(unmasked["result"]["cardNumBoxes"]) == 4
    )
    summary = run_here(*creds(fake), "credit-card", str(png))
    assert summary.returncode == 0 and "Credit card (png, resolution normal)" in summary.stdout
    assert "4111111111111111" not in summary.stdout and "network" in summary.stdout


def test_id_card_then_verify_through_the_environment(fake: RunningSandbox, png: Path) -> None:
    env = {
        "NHN_OCR_BASE_URL": fake.base_url,
        "NHN_OCR_APPKEY": fake.app_key,
        "NHN_OCR_SECRETKEY": fake.secret_key,
    }
    analysed = run_here("--json", "--unmasked", "id-card", str(png), env=env)
    assert analysed.returncode == 0, analysed.stderr
    doc = json.loads(analysed.stdout)
    assert doc["result"]["idType"] == "resident" and doc["requestKey"]
    values = {kv["key"]: kv["value"] for kv in doc["result"]["keyValues"]}
    assert values["residentNumber"] == "900115-1289153"
    verify = [
        "verify",
        "--request-key",
        doc["requestKey"],
        "--id-type",
        "resident",
        "--name",
        "홍길동",
        "--resident-number",
        "900115-1289153",
        "--issue-date",
        "20190514",
    ]
    first = run_here("--json", *verify, env=env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["result"] == {"isAuthenticity": True}
    again = run_here("--json", *verify, env=env)
    assert again.returncode == 1 and "4000122" in again.stderr
    assert json.loads(again.stdout)["header"]["resultCode"] == 4000122


def test_stand_alone_and_v2_1(fake: RunningSandbox, png: Path) -> None:
    env = {
        "NHN_OCR_UAK_ID": "sandbox-uak-id",
        "NHN_OCR_UAK_SECRET": "sandbox-uak-secret",
        "NHN_OCR_TOKEN_URL": fake.base_url + TOKEN_PATH,
    }
    done = run_here(
        "--base-url",
        fake.base_url,
        "--app-key",
        fake.app_key,
        "--api-version",
        "v2.1",
        "--json",
        "id-card",
        str(png),
        "--stand-alone",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "requestKey" not in json.loads(done.stdout)
    assert fake.backend.journal.calls("id-card/stand-alone") == 1
    human = run_here(
        "--base-url",
        fake.base_url,
        "--app-key",
        fake.app_key,
        "--api-version",
        "v2.1",
        "id-card",
        str(png),
        env=env,
    )
    assert human.returncode == 0 and "Request-Key:" in human.stdout and "900115-1******" in human.stdout


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_exit_codes(fake: RunningSandbox, png: Path, tmp_path: Path) -> None:
    """1 an API error, 2 usage, 3 connection (refused, a proxy's page, no answer), 4 input. The first in a
    real process, the rest through ``main`` in this one (the same code between argv and the status)."""
    fake.backend.faults.queue("credit-card", Scripted(result_code=4000111))
    api = run(*creds(fake), "credit-card", str(png))  # one real process: its exit status is what a shell sees
    assert api.returncode == 1 and "4000111 CREDIT_CARD_INFO_NOT_FOUND" in api.stderr
    assert "신용카드" in api.stderr

    assert run_here(*creds(fake), "credit-card").returncode == 2
    missing = run_here("--base-url", fake.base_url, "public-key", "id-card")
    assert missing.returncode == 2 and "appKey" in missing.stderr

    refused = run_here(
        "--base-url",
        f"http://127.0.0.1:{_closed_port()}",
        "--app-key",
        "a",
        "--secret-key",
        "b",
        "credit-card",
        str(png),
    )
    assert refused.returncode == 3 and "could not connect" in refused.stderr
    fake.backend.faults.queue(
        "credit-card", Scripted(status=502, body=b"<html>502 Bad Gateway</html>", content_type="text/html")
    )
    proxy = run_here(*creds(fake), "--json", "credit-card", str(png))
    assert proxy.returncode == 3 and json.loads(proxy.stdout)["error"]["type"] == "MalformedResponseError"
    fake.backend.faults.queue("credit-card", Scripted(delay_ms=2000))
    slow = run_here(*creds(fake), "--read-timeout", "0.5", "credit-card", str(png))
    assert slow.returncode == 3 and "no answer" in slow.stderr

    assert run_here(*creds(fake), "credit-card", str(tmp_path / "absent.png")).returncode == 4
    text = tmp_path / "note.txt"
    text.write_text("not an image")
    assert run_here(*creds(fake), "credit-card", str(text)).returncode == 4
    bad_field = run_here(
        *creds(fake),
        "verify",
        "--request-key",
        "rk",
        "--id-type",
        "resident",
        "--name",
        "a",
        "--resident-number",
        "9001011234567",
        "--issue-date",
        "20201345",
    )
    assert bad_field.returncode == 4 and "issueDate" in bad_field.stderr
    assert fake.backend.journal.calls("id-card/authenticity") == 0


def test_ocr_core_imports_neither_streamlit_nor_plotly() -> None:
    code = (
        "import sys, ocr_core, ocr_core.cli, ocr_core.masking, ocr_core.validators; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
