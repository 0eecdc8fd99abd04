"""Start the dashboard as its own process group on a free loopback port, and stop all of it after.

Used by the browser test (which starts it with the README's ``./studio run``) and by
``bench/bench_dashboard.py`` (plain ``streamlit run``, pointed at a sandbox it times itself).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class DashboardDidNotStart(RuntimeError):
    pass


def worker_log(path: Path) -> Path:
    """``path`` made this pytest-xdist worker's own (``dashboard.log`` -> ``dashboard-gw1.log``). Each
    worker starts the servers of the modules it runs: two dashboards writing one file interleaved their
    lines (one JSON audit line cut by the other's) and a test read the other worker's audit rows."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return path.with_name(f"{path.stem}-{worker}{path.suffix}") if worker else path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_dashboard(
    cmd: Sequence[str], env: Mapping[str, str], port: int, log: Path, *, startup_s: float = 240.0
) -> Iterator[tuple[str, int]]:
    """Run ``cmd`` (which must listen on ``port``) until ``/_stcore/health`` answers; yield (url, pid)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            list(cmd), cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise DashboardDidNotStart(f"the dashboard did not start; see {log}:\n{tail}")
            time.sleep(0.3)
        yield url, proc.pid
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except ProcessLookupError:  # the test killed it already (a crash on purpose)
            proc.wait()
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def studio_run(log: Path, **env: str) -> Iterator[str]:
    """The README's ``./studio run`` on a free loopback port (extra ``env`` on top); yields its URL and
    fails the test, with the log's tail, if it does not start."""
    import pytest

    port = free_port()
    full_env = {**os.environ, "STUDIO_PORT": str(port), "STUDIO_ADDRESS": "127.0.0.1", **env}
    try:
        with running_dashboard(["./studio", "run"], full_env, port, log) as (url, _):
            yield url
    except DashboardDidNotStart as err:
        pytest.fail(str(err))
