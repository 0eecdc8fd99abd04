"""Several replicas and queue workers, as ``docs/operations.md`` runs them — its commands executed as
written: two ``./studio run`` replicas and two ``huey_consumer`` workers, each on its own data folder,
started in the same second on one fresh PostgreSQL and one Redis (Debian's, on loopback), behind the
shipped nginx. Every replica comes up with its queue consumer; a browser session through nginx stays on
its replica (WebSocket, upload, ``/media``); a QA run started there is seen finished on the other
replica's Runs page; the sandbox receives every item once; a daily quota spent from two processes at
once holds exactly."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness.browser import chromium, needs_chromium
from harness.dashboard_process import free_port
from qa import words
from sandbox.faults import Faults
from tests.support import postgres
from tests.support import redis_server as redis_support
from tests.support.tls_proxy import nginx_available, nginx_proxy

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = ROOT / "docs" / "operations.md"
ARTIFACTS = ROOT / "test-artifacts" / "replicas"
CARD = ROOT / "samples" / "cards" / "visa_blue_flat.png"
CONSUMER_UP = "[studio] QA lab: queue consumer started (2 worker threads, Redis)"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    needs_chromium,
    pytest.mark.skipif(
        not nginx_available(), reason="Debian nginx is not installed (./studio test installs it)"
    ),
]


def operations_commands() -> str:
    """The block of ``docs/operations.md`` between its ``operations:start`` and ``operations:end`` marks."""
    text = OPERATIONS.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- operations:start -->\s*```bash\n(.*?)```\s*<!-- operations:end -->", text, re.DOTALL
    )
    assert block, "docs/operations.md lost its marked command block"
    return block.group(1)


def spool_key_as_the_page_makes_it() -> str:
    """The page's command for a ``spool_key``, run as written."""
    text = OPERATIONS.read_text(encoding="utf-8")
    block = re.search(r"<!-- operations:key -->\s*```bash\n(.*?)```", text, re.DOTALL)
    assert block, "docs/operations.md lost its spool_key command"
    made = subprocess.run(
        ["bash", "-c", block.group(1)], capture_output=True, text=True, check=True, timeout=30
    )
    key = made.stdout.strip()
    assert len(key) >= 40 and re.fullmatch(r"[A-Za-z0-9_-]+", key), key  # 32 random bytes, TOML-safe
    return key


def test_the_operations_page_names_the_variables_its_commands_use():
    """What the test sets for itself is what the page tells an operator to set first."""
    text = OPERATIONS.read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{?([A-Z_][A-Z0-9_]*)", operations_commands()))
    exported = set(re.findall(r"export ([A-Z_0-9]+)=", text)) | set(re.findall(r" ([A-Z_0-9]+)=\d+", text))
    assert used <= exported, used - exported
    # nginx: one upstream line per replica, the ports the page starts them on
    ports = dict(re.findall(r"(STUDIO_PORT_\d)=(\d+)", text))
    upstreams = re.search(r'STUDIO_UPSTREAMS="([^"]*)"', text)
    assert upstreams and upstreams.group(1).split("; ") == [
        f"server 127.0.0.1:{ports['STUDIO_PORT_1']}",
        f"server 127.0.0.1:{ports['STUDIO_PORT_2']};",
    ]


def _wait_healthy(port: int, proc: subprocess.Popen, logs: Path, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            tails = {p.name: p.read_text(errors="replace")[-1500:] for p in sorted(logs.glob("*.log"))}
            pytest.fail(f"replica on {port} did not start: {tails}")
        time.sleep(0.3)


def _wait_for_line(log: Path, line: str, deadline: float) -> None:
    while line not in (log.read_text(errors="replace") if log.exists() else ""):
        if time.monotonic() > deadline:
            pytest.fail(f"{log.name} never said {line!r}: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.3)


@contextmanager
def operations(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """The page's block, run by bash as written, in a session of its own; every process stopped after."""
    proc = subprocess.Popen(
        ["bash", "-c", operations_commands()],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        yield proc
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


_SPENDER = """
import sys, time
from access.ledger import Ledger, QuotaLimits
from store import engine_for, upgrade
url = sys.argv[1]
upgrade(url)
ledger = Ledger(engine_for(url))
print("ready", flush=True)
sys.stdin.readline()  # the go, given to both spenders at once
spent = 0
for _ in range(40):
    spent += ledger.try_spend("colleague@corp.example", "analysis", QuotaLimits(user_daily_analysis=25)).ok
    time.sleep(0.01)  # each spends over ~0.4 s, so the two overlap even on a loaded machine
print(spent)
"""


def _quota_from_two_processes(env: dict[str, str]) -> list[int]:
    """Two processes spend one user's daily quota of 25 at the same time: together exactly 25, each some.
    They start spending on one go, given once both are ready (a start time fixed in advance was missed by
    one on a loaded machine, which then found the quota spent)."""
    spenders = [
        subprocess.Popen(
            [sys.executable, "-c", _SPENDER, env["STUDIO_DATABASE_URL"]],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for spender in spenders:
        assert spender.stdout is not None
        ready = spender.stdout.readline()
        assert ready.strip() == "ready", (ready, spender.communicate(timeout=30)[1][-1500:])
    for spender in spenders:  # the go to both before waiting for either
        assert spender.stdin is not None
        spender.stdin.write("go\n")
        spender.stdin.flush()
    outs = [s.communicate(timeout=120) for s in spenders]
    assert all(s.returncode == 0 for s in spenders), [err[-1500:] for _, err in outs]
    return [int(out.strip()) for out, _ in outs]


def test_two_replicas_and_two_workers_as_the_operations_page_runs_them(sandbox, tmp_path):
    for reason in (postgres.unavailable_reason(), redis_support.unavailable_reason()):
        if reason:
            pytest.skip(reason)
    home = tmp_path / "studio"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[studio]\nspool_key = "{spool_key_as_the_page_makes_it()}"\n')
    secrets.chmod(0o600)
    ports = free_port(), free_port()
    sandbox.backend.set_faults(Faults())
    with postgres.postgres_server() as db, redis_support.redis_server() as queue:
        env = {k: v for k, v in os.environ.items() if k not in ("STUDIO_DATA_DIR", "STUDIO_SPOOL_KEY")}
        env.update(
            STUDIO_SECRETS_FILE=str(secrets),
            STUDIO_DATABASE_URL=db,
            STUDIO_QUEUE_URL=queue,
            STUDIO_HOME=str(home),
            STUDIO_PORT_1=str(ports[0]),
            STUDIO_PORT_2=str(ports[1]),
            # the test's own: no sign-in configured (nginx forwards from loopback), one shared sandbox
            STUDIO_ALLOW_ANONYMOUS="1",
            STUDIO_SANDBOX_URL=sandbox.base_url,
            STUDIO_WARM_ENGINE="0",
        )
        sandbox.backend.journal.clear()
        started = time.monotonic()
        with operations(env) as proc:
            deadline = time.monotonic() + 240
            for port in ports:
                _wait_healthy(port, proc, home, deadline)
            # every replica came up with its queue consumer (no "the queue did not start": the schema
            # upgrade of a fresh database is serialised), and both workers are consuming
            for name in ("replica-1", "replica-2"):
                _wait_for_line(home / f"{name}.log", CONSUMER_UP, deadline)
                assert "did not start" not in (home / f"{name}.log").read_text(errors="replace")
            for name in ("worker-1", "worker-2"):
                _wait_for_line(home / f"{name}.log", "Huey consumer started", deadline)
            up_after = time.monotonic() - started
            with nginx_proxy(list(ports), free_port(), tmp_path / "nginx") as https_url:
                run_id = _browser_through_nginx(https_url, ports)
            assert (
                sandbox.backend.journal.calls("credit-card") == 1 + 2
            )  # the analysis, then the run's 2 items
            assert run_id > 0
            spent = _quota_from_two_processes(env)
        assert sum(spent) == 25 and all(n > 0 for n in spent), spent  # exact across two processes
    assert up_after < 240


def _browser_through_nginx(https_url: str, ports: tuple[int, int]) -> int:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    number = json.loads(CARD.with_suffix(".json").read_text(encoding="utf-8"))["fields"]["cardNumber"]
    with chromium() as browser:
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1440, "height": 2400})
        page = context.new_page()
        sockets: list[str] = []
        answers: list[tuple[str, int]] = []
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.on(
            "response",
            lambda r: (
                answers.append((urlsplit(r.url).path, r.status))
                if urlsplit(r.url).path.startswith(("/media/", "/_stcore/upload_file/"))
                else None
            ),
        )
        page.goto(f"{https_url}/credit-card", wait_until="domcontentloaded")
        # the specimen gallery's thumbnails are /media files of this session: every one shown is loaded
        page.wait_for_function(
            """() => {
            const images = [...document.querySelectorAll('img')].filter(i => i.src.includes('/media/'));
            return images.length > 0 && images.every(i => i.complete && i.naturalWidth > 0);
        }""",
            timeout=90_000,
        )
        page.get_by_role("radio", name="Upload", exact=True).click(timeout=90_000)
        page.locator('input[type="file"]').first.set_input_files(str(CARD))
        page.get_by_role("button", name=re.compile(r"^\W*Analyse$")).click(timeout=60_000)
        page.wait_for_function(
            "t => document.body.innerHTML.includes(t)", arg=f"{number[:6]}******", timeout=120_000
        )
        page.screenshot(path=str(ARTIFACTS / "analysis_through_nginx.png"), full_page=True)
        # upload and /media reached the replica holding the session: a replica without it answers 4xx.
        # (A thumbnail dropped by the switch to Upload may answer 404 to a request already on its way, as
        # with one replica: what counts is that every image shown was loaded, checked above.)
        uploads = [status for path, status in answers if path.startswith("/_stcore/upload_file/")]
        assert uploads and all(status < 400 for status in uploads), answers
        assert any(path.startswith("/media/") and status == 200 for path, status in answers), answers
        assert len(sockets) == 1 and sockets[0].startswith("wss://127.0.0.1:"), sockets  # one session, kept

        page.goto(f"{https_url}/qa-lab", wait_until="domcontentloaded")
        specimens = page.get_by_label("Specimens (they carry their truth)")
        specimens.click(timeout=90_000)
        page.get_by_role("option", name="cards/visa_blue_flat.png", exact=True).click()
        page.keyboard.press("Escape")
        page.get_by_label("Degradation sweep").click()
        page.get_by_role("option", name=words.degradation("scale", "en"), exact=True).click()
        page.keyboard.press("Escape")
        levels = page.get_by_label("Scale (× size) levels")
        levels.fill("1,0.5")
        levels.press("Enter")
        page.get_by_text("1 images → 2 calls").wait_for(timeout=30_000)
        page.get_by_role("button", name="Start run").click()
        page.get_by_text("2/2 done · 0 failed · done").wait_for(timeout=120_000)
        line = page.get_by_text(re.compile(r"^Run \d+: Credit card")).first.inner_text(timeout=30_000)
        numbered = re.match(r"Run (\d+):", line)
        assert numbered is not None, line
        run_id = int(numbered.group(1))

        # both replicas show it finished: the one that started it and the other one (straight at its port)
        for port in ports:
            other = browser.new_context(viewport={"width": 1440, "height": 2000}).new_page()
            other.goto(f"http://127.0.0.1:{port}/runs", wait_until="domcontentloaded")
            other.get_by_text(re.compile(rf"^Run {run_id}: Credit card .*· done$")).first.wait_for(
                timeout=90_000
            )
            other.context.close()
        context.close()
    return run_id
