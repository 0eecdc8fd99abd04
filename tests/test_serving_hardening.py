"""Audit D14, D9 and the host's other accounts: the dashboard serves the network only with sign-in,
however its listen address was set; Streamlit's internal endpoints answer only this machine; a secrets
file other accounts can read stops the start; what the server writes is the owner's alone.

Processes for real (``./studio run``, ``streamlit run``), with the decisions also pinned one by one."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from access.listen import effective_address, local_request, startup_check
from harness.dashboard_process import free_port, running_dashboard, studio_run, worker_log

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "serving"
OIDC_SECRETS = """
[auth]
redirect_uri = "https://ocr.corp.test/oauth2callback"
cookie_secret = "a-cookie-secret-that-signs-every-identity"
client_id = "studio"
client_secret = "s"
server_metadata_url = "https://idp.corp.test/.well-known/openid-configuration"
"""


def _secrets(tmp_path: Path, text: str, mode: int) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


# ------------------------------------------------------------------------------------------ decisions


def test_no_configured_address_means_every_interface_and_is_refused_without_sign_in(tmp_path):
    assert effective_address(None) == effective_address("") == "0.0.0.0"
    check = startup_check(None, [tmp_path / "none.toml"], anonymous=False)
    assert check.problems and "refusing to serve on 0.0.0.0" in check.problems[0]
    assert not startup_check("127.0.0.1", [tmp_path / "none.toml"], anonymous=False).problems


@pytest.mark.parametrize(
    ("mode", "refused"), [(0o644, True), (0o640, True), (0o604, True), (0o600, False), (0o400, False)]
)
def test_a_secrets_file_other_accounts_can_read_stops_the_start(tmp_path, mode, refused):
    path = _secrets(tmp_path, OIDC_SECRETS, mode)
    problems = startup_check("127.0.0.1", [path], anonymous=False).problems
    assert bool(problems) is refused, problems
    if refused:
        assert f"chmod 600 {path}" in problems[0] and stat.filemode(0o100000 | mode) in problems[0]


def test_a_readable_file_without_secrets_is_fine_and_nested_provider_secrets_count(tmp_path):
    assert not startup_check(
        "127.0.0.1", [_secrets(tmp_path, "[quotas]\nuser_daily_analysis = 3\n", 0o644)], anonymous=False
    ).problems
    nested = '[auth]\nredirect_uri = "x"\n[auth.corp]\nclient_secret = "s"\n'
    assert startup_check("127.0.0.1", [_secrets(tmp_path, nested, 0o644)], anonymous=False).problems
    cloud = '[nhn_ocr]\napp_key = "a"\nsecret_key = "the-nhn-secret"\n'
    assert startup_check("127.0.0.1", [_secrets(tmp_path, cloud, 0o644)], anonymous=False).problems


@pytest.mark.parametrize(
    ("peer", "headers", "local"),
    [
        (None, {}, True),
        ("127.0.0.1", {}, True),
        ("::1", {}, True),
        ("127.0.0.2", {}, True),
        ("192.0.2.9", {}, False),
        ("10.0.0.1", {}, False),
        (None, {"x-forwarded-for": "10.0.0.1"}, False),  # nginx on this host forwarding a colleague
        ("127.0.0.1", {"forwarded": "for=10.0.0.1"}, False),
        (None, {"x-real-ip": "10.0.0.1"}, False),
    ],
)
def test_only_an_unforwarded_loopback_request_is_this_machine(peer, headers, local):
    assert local_request(peer, headers) is local


@contextmanager
def _loopback_connection() -> Iterator[tuple[tuple[str, int], tuple[str, int]]]:
    """A real TCP connection on 127.0.0.1 opened by this process: (client end, server end)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname()) as client:
            accepted, _ = server.accept()
            with accepted:
                yield client.getsockname(), server.getsockname()


def _through_guard(
    client: tuple[str, int], path: str, headers: Sequence[tuple[bytes, bytes]] = (), kind: str = "http"
) -> tuple[int | None, bool]:
    """(status or WebSocket close code, whether the app behind was reached) for one request; a loopback
    ``client`` stands for a real connection of this process's own (the kernel is asked who owns it)."""
    if client[0] in ("127.0.0.1", "::1"):
        with _loopback_connection() as (own_client, own_server):
            return _guarded(own_client, own_server, path, headers, kind)
    return _guarded(client, ("127.0.0.1", 8501), path, headers, kind)


def _guarded(
    client: tuple[str, int],
    server: tuple[str, int],
    path: str,
    headers: Sequence[tuple[bytes, bytes]],
    kind: str,
) -> tuple[int | None, bool]:
    from ui.network_guard import NetworkGuard

    reached: list[bool] = []

    async def app(scope, receive, send):
        reached.append(True)

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": kind, "path": path, "client": client, "server": server, "headers": list(headers)}
    asyncio.run(NetworkGuard(app)(scope, receive, send))
    status = next((m.get("status") or m.get("code") for m in sent), None)
    return status, bool(reached)


def test_the_network_guard_refuses_other_machines_without_sign_in(monkeypatch):
    monkeypatch.delenv("STUDIO_ALLOW_ANONYMOUS", raising=False)
    monkeypatch.setattr("ui.access._secrets", dict)
    assert _through_guard(("127.0.0.1", 5), "/") == (None, True)
    assert _through_guard(("192.0.2.9", 5), "/") == (403, False)
    assert _through_guard(("192.0.2.9", 5), "/_stcore/stream", kind="websocket") == (1008, False)
    assert _through_guard(("127.0.0.1", 5), "/", [(b"x-forwarded-for", b"10.0.0.7")]) == (403, False)
    monkeypatch.setenv("STUDIO_ALLOW_ANONYMOUS", "1")
    assert _through_guard(("192.0.2.9", 5), "/") == (None, True)
    assert _through_guard(("192.0.2.9", 5), "/_stcore/metrics") == (404, False)  # never to the network


def test_with_sign_in_the_network_is_served_but_not_the_internal_endpoints(monkeypatch):
    monkeypatch.setattr(
        "ui.access._secrets",
        lambda: {
            "auth": {
                "redirect_uri": "https://x/oauth2callback",
                "cookie_secret": "c" * 32,
                "client_id": "i",
                "client_secret": "s",
                "server_metadata_url": "https://idp/.well-known/openid-configuration",
            }
        },
    )
    assert _through_guard(("192.0.2.9", 5), "/") == (None, True)
    for path in ("/_stcore/metrics", "/_stcore/script-health-check"):
        assert _through_guard(("192.0.2.9", 5), path) == (404, False)
        assert _through_guard(("127.0.0.1", 5), path, [(b"x-forwarded-for", b"10.1.1.1")]) == (404, False)
        assert _through_guard(("127.0.0.1", 5), path) == (None, True)


def test_the_kernel_names_the_account_of_a_loopback_connection():
    from access.local_peer import connection_owner, same_account, supported

    if not supported():
        pytest.skip("no /proc/net/tcp: not Linux")
    with _loopback_connection() as (client, server):
        assert connection_owner(client, server) == os.geteuid()
        assert same_account(client, server)
        assert connection_owner(server, client) == os.geteuid()  # the server's end, looked up the other way
    assert connection_owner(("127.0.0.1", 1), ("127.0.0.1", 2)) is None  # no such connection
    assert not same_account(("127.0.0.1", 1), ("127.0.0.1", 2))  # fails closed


def test_the_account_that_ran_sudo_is_one_of_the_dashboards_own(monkeypatch):
    from access.local_peer import own_accounts

    monkeypatch.setenv("SUDO_UID", "1000")
    expected = {os.geteuid(), 0} | ({1000} if os.geteuid() == 0 else set())
    assert own_accounts() == expected
    monkeypatch.setenv("SUDO_UID", "not-a-number")
    assert own_accounts() == {os.geteuid(), 0}


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to act as another account"
)
def test_the_kernel_names_another_accounts_connection():
    from access.local_peer import connection_owner

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        other = subprocess.Popen(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--",
                sys.executable,
                "-c",
                (
                    f"import socket,time; s=socket.create_connection(('127.0.0.1',{port})); "
                    "print(s.getsockname()[1], flush=True); time.sleep(30)"
                ),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert other.stdout is not None
            client_port = int(other.stdout.readline())
            accepted, _ = server.accept()
            with accepted:
                assert connection_owner(("127.0.0.1", client_port), ("127.0.0.1", port)) == 65534
        finally:
            other.kill()
            other.wait()


# ------------------------------------------------------------------------------------------ processes


def _refused_start(cmd: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    port = free_port()
    full = {
        **os.environ,
        "STUDIO_PORT": str(port),
        "STUDIO_SECRETS_FILE": str(tmp_path / "none.toml"),
        "STUDIO_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    full.pop("STUDIO_ALLOW_ANONYMOUS", None)
    done = subprocess.run(
        [*cmd, "--server.port", str(port)] if "streamlit" in cmd[0] else cmd,
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    with socket.socket() as s:  # and nothing is left listening
        assert s.connect_ex(("127.0.0.1", port)) != 0
    return done


@pytest.mark.slow  # starts ./studio run or streamlit
def test_studio_run_refuses_an_all_interfaces_flag_without_sign_in(tmp_path):
    """Audit D14: ``./studio run --server.address 0.0.0.0`` served every visitor as the local admin."""
    done = _refused_start(["./studio", "run", "--server.address", "0.0.0.0"], tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "refusing to serve on 0.0.0.0 without sign-in" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow  # starts ./studio run or streamlit
def test_streamlit_run_with_the_address_in_its_environment_is_refused_too(tmp_path):
    done = _refused_start(
        [str(ROOT / ".venv/bin/streamlit"), "run", "serve.py"],
        tmp_path,
        STREAMLIT_SERVER_ADDRESS="0.0.0.0",
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    assert done.returncode == 1 and "refusing to serve on 0.0.0.0" in done.stderr, done.stderr[-2000:]


@pytest.mark.slow  # starts ./studio run or streamlit
def test_studio_run_refuses_a_secrets_file_other_accounts_can_read(tmp_path):
    path = _secrets(tmp_path, OIDC_SECRETS, 0o644)
    done = _refused_start(["./studio", "run"], tmp_path, STUDIO_SECRETS_FILE=str(path))
    assert done.returncode == 1 and f"chmod 600 {path}" in done.stderr, done.stderr[-2000:]
    assert "a-cookie-secret" not in done.stderr + done.stdout


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


OTHER_ACCOUNT_GET = """
import sys, urllib.error, urllib.request
try:
    answer = urllib.request.urlopen(sys.argv[1] + "/", timeout=30)
    print(answer.status, answer.read().decode())
except urllib.error.HTTPError as err:
    print(err.code, err.read().decode())
"""


def _as_another_account(*cmd: str) -> subprocess.CompletedProcess[str]:
    """``cmd`` run as ``nobody``: another local account on the same host."""
    return subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", *cmd],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder any account may enter (pytest's own are private to their owner, which would hide the
    files' own permissions from the other-account check)."""
    folder = Path(tempfile.mkdtemp(prefix="studio-shared-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow  # starts ./studio run or streamlit
def test_a_running_local_dashboard_serves_this_machine_only_and_keeps_its_files_private(
    tmp_path, shared_folder
):
    data = shared_folder / "data"
    data.mkdir(mode=0o755)  # made by someone else's looser umask: the dashboard tightens it
    log = worker_log(ARTIFACTS / "local.log")
    with studio_run(
        log,
        STUDIO_SECRETS_FILE=str(tmp_path / "none.toml"),
        STUDIO_DATA_DIR=str(data),
        STUDIO_DATABASE_URL=f"sqlite:///{data / 'studio.sqlite3'}",
    ) as url:
        assert _get(f"{url}/")[0] == 200
        assert _get(f"{url}/_stcore/metrics")[0] == 200  # the operator on this machine
        forwarded = {"X-Forwarded-For": "10.20.30.40"}  # a colleague through a proxy on this host
        status, body = _get(f"{url}/", forwarded)
        assert status == 403 and b"serves only the machine it runs on" in body
        assert _get(f"{url}/_stcore/metrics", forwarded)[0] == 404
        assert _get(f"{url}/media/anything.png", forwarded)[0] == 403
        if os.geteuid() == 0 and shutil.which("setpriv"):  # another account on this host, same 127.0.0.1
            other = _as_another_account(sys.executable, "-c", OTHER_ACCOUNT_GET, url)
            assert other.stdout.split()[:1] == ["403"], other
            assert "serves only the account that started it" in other.stdout
        database = data / "studio.sqlite3"  # made by the lab's queue as the server starts
        deadline = time.monotonic() + 60
        while not (database.exists() and (data / "queue.db").exists()) and time.monotonic() < deadline:
            time.sleep(0.2)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    loose = [p for p in data.rglob("*") if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert not loose, [(str(p), oct(p.stat().st_mode)) for p in loose]
    assert database.exists()
    if os.geteuid() == 0 and shutil.which("setpriv"):  # the other account, for real
        for cmd in (["ls", str(data)], ["cat", str(database)], ["cat", str(data / "queue.db")]):
            done = _as_another_account(*cmd)
            assert done.returncode != 0 and "Permission denied" in done.stderr, (cmd, done)


def _outward_address() -> str | None:
    """This machine's own non-loopback address (no packet is sent), or ``None`` without one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


@pytest.mark.browser
def test_app_py_served_to_the_network_some_other_way_shows_other_machines_nothing(tmp_path):
    """Not through ``serve.py`` at all (``streamlit run app.py --server.address 0.0.0.0``): the page
    itself tells this machine from others and gives a visitor from the network no identity."""
    from harness.browser import CHROMIUM, chromium

    outward = _outward_address()
    if outward is None or not Path(CHROMIUM).exists():
        pytest.skip("needs a non-loopback address on this machine and Debian chromium")
    port = free_port()
    env = {
        **os.environ,
        "STUDIO_SECRETS_FILE": str(tmp_path / "none.toml"),
        "STUDIO_DATA_DIR": str(tmp_path / "d"),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    env.pop("STUDIO_ALLOW_ANONYMOUS", None)
    cmd = [
        str(ROOT / ".venv/bin/streamlit"),
        "run",
        "app.py",
        "--server.address",
        "0.0.0.0",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]
    with running_dashboard(cmd, env, port, worker_log(ARTIFACTS / "app_py.log")), chromium() as browser:
        page = browser.new_page()
        page.goto(f"http://{outward}:{port}/", wait_until="domcontentloaded")
        page.wait_for_function(
            "() => document.body.innerText.includes('serves only the machine it runs on')", timeout=90_000
        )
        text = page.inner_text("body")
        for leaked in ("Upload", "Analyse", "SANDBOX", "Mask personal data"):
            assert leaked not in text
        page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
        page.wait_for_function("() => document.body.innerText.includes('Mask personal data')", timeout=90_000)
