"""A run's inputs between creation and completion: source images and truth, encrypted at rest.

The database never holds an image or a plain value. A queued or interrupted run still needs its
images, so they wait here, each file sealed with Fernet (AES-128-CBC + HMAC) under a key kept beside
the data folder (``spool.key``, mode 0600) or given by ``STUDIO_SPOOL_KEY``; the run's folder is
removed when the run ends (done, cancelled) or is deleted.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from cryptography.fernet import Fernet

SPOOL_KEY_ENV = "STUDIO_SPOOL_KEY"


class Spool:
    def __init__(self, root: Path, key: bytes | None = None) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self._fernet = Fernet(key or self._key())

    def _key(self) -> bytes:
        env = os.environ.get(SPOOL_KEY_ENV)
        if env:
            return env.encode()
        path = self.root / "spool.key"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(Fernet.generate_key())
        return path.read_bytes().strip()

    def _dir(self, run_id: int) -> Path:
        return self.root / f"run-{run_id}"

    def put_source(self, run_id: int, index: int, data: bytes) -> None:
        d = self._dir(run_id)
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{index}.bin").write_bytes(self._fernet.encrypt(data))

    def get_source(self, run_id: int, index: int) -> bytes:
        return self._fernet.decrypt((self._dir(run_id) / f"{index}.bin").read_bytes())

    def put_truth(self, run_id: int, truth: dict[str, dict[str, str]]) -> None:
        d = self._dir(run_id)
        d.mkdir(parents=True, exist_ok=True)
        (d / "truth.bin").write_bytes(self._fernet.encrypt(json.dumps(truth).encode()))

    def get_truth(self, run_id: int) -> dict[str, dict[str, str]]:
        path = self._dir(run_id) / "truth.bin"
        return json.loads(self._fernet.decrypt(path.read_bytes())) if path.exists() else {}

    def has(self, run_id: int) -> bool:
        return self._dir(run_id).exists()

    def drop(self, run_id: int) -> None:
        shutil.rmtree(self._dir(run_id), ignore_errors=True)
