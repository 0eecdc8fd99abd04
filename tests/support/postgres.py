"""A real PostgreSQL server for the tests: Debian's ``postgresql`` binaries, a temporary data
directory owned by the ``postgres`` user (initdb refuses root), a free loopback port; stopped after."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


def _bin_dir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def unavailable_reason() -> str | None:
    if _bin_dir() is None:
        return "Debian package postgresql is not installed (./studio test installs it as root)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "runuser is missing: cannot start PostgreSQL as the postgres user"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (server extra)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields a SQLAlchemy URL of a fresh database on a server started for this block."""
    bindir = _bin_dir()
    assert bindir is not None
    root = tempfile.mkdtemp(prefix="studio-pg-")
    data = os.path.join(root, "data")
    os.chmod(root, 0o755)
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_pg:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        [*as_pg, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_pg,
            f"{bindir}/pg_ctl",
            "-D",
            data,
            "-w",
            "-l",
            os.path.join(root, "log"),
            "-o",
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_pg, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def database_url(kind: str, folder: str) -> Iterator[str]:
    """An SQLite file in ``folder`` or a fresh PostgreSQL server: the two databases every store test
    runs on. PostgreSQL is skipped, with the reason shown, only where it cannot be run here."""
    import pytest

    if kind == "sqlite":
        yield f"sqlite:///{os.path.join(folder, 'studio.sqlite3')}"
        return
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    from store import engine_for

    with postgres_server() as url:
        yield url
        engine_for(url).dispose()
