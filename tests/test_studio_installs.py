"""Lean server installs: ``./studio run`` installs the runtime lock only, ``./studio setup`` / ``test``
the development lock; both pin pip and the build backend with hashes; the PostgreSQL driver and the
Redis client a deployment of several replicas needs are in the runtime lock; and both locks agree on
every package they share, so a development venv serves ``./studio run`` as it is.

The script itself is run, in a copy of its inputs, with a ``.venv`` whose ``pip`` and ``streamlit``
only write down how they were called (nothing is downloaded)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_ONLY = {
    "pytest",
    "pytest-timeout",
    "hypothesis",
    "playwright",
    "mypy",
    "ruff",
    "oidc-provider-mock",
    "mutmut",
}
_PIN = re.compile(r"^([a-z0-9][a-z0-9._-]*)==([^ ;\\]+)", re.MULTILINE)


def _pins(lock: str) -> dict[str, str]:
    return dict(_PIN.findall((ROOT / lock).read_text()))


def test_the_runtime_lock_holds_no_test_tools_and_what_a_deployment_needs():
    runtime = _pins("requirements.lock")
    assert not TEST_ONLY & runtime.keys(), sorted(TEST_ONLY & runtime.keys())
    for needed in ("psycopg", "psycopg-binary", "redis", "huey", "streamlit", "pip", "setuptools"):
        assert needed in runtime, needed
    text = (ROOT / "requirements.lock").read_text()
    for name in runtime:  # every pin carries its hashes
        assert re.search(rf"^{re.escape(name)}==[^\n]*\\\n\s+--hash=sha256:", text, re.MULTILINE), name


def test_the_development_lock_is_the_runtime_lock_and_the_test_tools():
    runtime, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime  # same pins for what they share
    assert dev.keys() >= TEST_ONLY


def _fake_venv(tree: Path) -> Path:
    """A ``.venv`` whose pip and streamlit record their arguments; any other use of its python (the
    lock's digest, ``python -m access check-listen``) is the real interpreter's."""
    calls = tree / "calls.txt"
    bin_dir = tree / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(f"""#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "pip $*" >> {calls}; exit 0; fi
exec {sys.executable} "$@"
""")
    (bin_dir / "streamlit").write_text(f'#!/bin/sh\necho "streamlit $*" >> {calls}\n')
    for exe in bin_dir.iterdir():
        exe.chmod(0o755)
    return calls


def _studio(tree: Path, command: str) -> list[str]:
    calls = tree / "calls.txt"
    calls.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STUDIO_SECRETS_FILE": str(tree / "none.toml")}
    done = subprocess.run(
        ["./studio", command], cwd=tree, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return calls.read_text().splitlines() if calls.exists() else []


@pytest.mark.slow  # runs ./studio in a copy
def test_studio_run_installs_the_runtime_lock_and_setup_the_development_lock(tmp_path):
    for name in ("studio", "pyproject.toml", "requirements.lock", "requirements-dev.lock"):
        shutil.copy2(ROOT / name, tmp_path / name)
    _fake_venv(tmp_path)

    ran = _studio(tmp_path, "run")
    installs = [c for c in ran if c.startswith("pip -m pip install")]
    assert installs[0] == "pip -m pip install -q --require-hashes --no-deps -r requirements.lock", ran
    # the project itself is built with the locked setuptools: nothing unpinned fetched for the build
    assert installs[1] == "pip -m pip install -q --no-deps --no-build-isolation -e .", ran
    assert len(installs) == 2 and not any("--upgrade" in c for c in ran), ran
    assert ran[-1].startswith("streamlit run serve.py"), ran
    assert _studio(tmp_path, "run")[-1].startswith(
        "streamlit run serve.py"
    )  # set up: nothing installed again

    set_up = _studio(tmp_path, "setup")
    assert set_up[0] == "pip -m pip install -q --require-hashes --no-deps -r requirements-dev.lock", set_up
    # a development venv holds the runtime's pins and more: `run` uses it as it is, installing nothing
    assert [c for c in _studio(tmp_path, "run") if c.startswith("pip")] == []
