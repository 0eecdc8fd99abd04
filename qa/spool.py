"""A run's inputs between creation and completion: source images and truth, sealed, in the shared database.

A queued or interrupted run still needs its images, and the worker that takes it may be another
process on another machine (Huey on Redis, each worker with its own data folder). So they wait in the
studio database (``store.SpoolPart``), each sealed with Fernet (AES-128-CBC + HMAC), never in the clear
and never as a path on one host's disk; the rows go when the run ends (done, cancelled, failed) or is
deleted.

The key is shared the way the database is: ``STUDIO_SPOOL_KEY``, else ``spool_key`` under ``[studio]`` in
the secrets file every replica and worker reads (``STUDIO_SECRETS_FILE``); a single host with neither
uses a key of its own in its data folder (``spool/spool.key``, mode 0600). A worker holding another key
cannot read a run's images: the run ends ``failed`` saying so (``SpoolUnreadable``), rather than
waiting for ever.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import shutil
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, sessionmaker

from appconfig import SettingsProblem, secrets_section, settings
from store import SpoolPart, data_dir
from store.db import retrying

log = logging.getLogger("qa")
SPOOL_KEY_ENV = "STUDIO_SPOOL_KEY"
SPOOL_KEY_SETTING = "spool_key"
"""``[studio] spool_key`` in the secrets file: any long random string, the same on every replica and
worker."""
TRUTH = -1  # ``SpoolPart.part`` of the run's truth; sources are 0, 1, …


OTHER_KEY = (
    "the images of run {run} were sealed with another spool key than this worker's ({source}): "
    f"give every replica and worker the same {SPOOL_KEY_ENV} or [studio] {SPOOL_KEY_SETTING} "
    "in their secrets file"
)
"""``Run.message`` of a run a worker could not read (English, for the log and the CLI; the Runs page
recognises it with ``other_key`` and says it in the reader's language)."""


class SpoolUnreadable(RuntimeError):
    """A run's sealed input is missing or was sealed under another key."""


_OTHER_KEY = re.compile(
    re.escape(OTHER_KEY).replace(re.escape("{run}"), r"\d+").replace(re.escape("{source}"), r"\w+")
)


def other_key(message: str | None) -> bool:
    """Whether a run's failure ``message`` is ``OTHER_KEY``'s."""
    return bool(message and _OTHER_KEY.fullmatch(message))


def _fernet_key(secret: str) -> bytes:
    """A Fernet key as given (``Fernet.generate_key()``), or one derived from any other secret string."""
    raw = secret.strip().encode()
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32 and len(raw) == 44:
            return raw
    except ValueError:
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(b"studio-spool:" + raw).digest())


def _secrets_key() -> str | None:
    try:
        section = secrets_section("studio")
    except SettingsProblem as err:  # the dashboard refuses to start on it; here the host key serves, said
        log.warning("spool key: %s; the host key serves", err)
        return None
    value = section.get(SPOOL_KEY_SETTING)
    return value if isinstance(value, str) and value.strip() else None


def _host_key(folder: Path) -> str:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "spool.key"
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process of this host made it first
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(Fernet.generate_key())
    return path.read_text().strip()


def spool_key(data: Path | None = None) -> tuple[bytes, str]:
    """The Fernet key of the spool, and where it came from.

    (the Fernet key, where it came from: ``env`` | ``secrets`` | ``host``); ``data``: the data folder
    whose host key serves when neither is set (this process's, ``store.data_dir``, by default)."""
    env = settings().SPOOL_KEY
    if env is not None:
        return _fernet_key(env.get_secret_value()), "env"
    shared = _secrets_key()
    if shared:
        return _fernet_key(shared), "secrets"
    return _fernet_key(_host_key((data or data_dir()) / "spool")), "host"


class Spool:
    """Sealed run inputs in the database of ``factory``.

    Writes join the caller's session (a run and its images are committed, or rolled back, together); reads
    and ``drop`` use their own."""

    def __init__(self, factory: sessionmaker[Session], key: bytes | None = None) -> None:
        self._factory = factory
        if key is None:
            key, self.key_source = spool_key()
        else:
            self.key_source = "given"
        self._fernet = Fernet(key)

    def put_source(self, session: Session, run_id: int, index: int, data: bytes) -> None:
        session.add(SpoolPart(run_id=run_id, part=index, sealed=self._fernet.encrypt(data)))

    def put_truth(self, session: Session, run_id: int, truth: dict[str, dict[str, str]]) -> None:
        session.add(
            SpoolPart(run_id=run_id, part=TRUTH, sealed=self._fernet.encrypt(json.dumps(truth).encode()))
        )

    def _sealed(self, run_id: int, part: int) -> bytes | None:
        def read() -> bytes | None:
            with self._factory() as s:
                return s.scalar(
                    select(SpoolPart.sealed).where(SpoolPart.run_id == run_id, SpoolPart.part == part)
                )

        return retrying(read, what=f"reading the images of QA run {run_id}")

    def _open(self, run_id: int, sealed: bytes) -> bytes:
        try:
            return self._fernet.decrypt(sealed)
        except InvalidToken:
            raise SpoolUnreadable(OTHER_KEY.format(run=run_id, source=self.key_source)) from None

    def get_source(self, run_id: int, index: int) -> bytes:
        sealed = self._sealed(run_id, index)
        if sealed is None:
            legacy = _legacy_dir(run_id) / f"{index}.bin"  # spooled to disk before migration 0007
            if not legacy.exists():
                raise SpoolUnreadable(f"image {index} of run {run_id} is no longer in the spool")
            sealed = legacy.read_bytes()
        return self._open(run_id, sealed)

    def get_truth(self, run_id: int) -> dict[str, dict[str, str]]:
        sealed = self._sealed(run_id, TRUTH)
        if sealed is None:
            legacy = _legacy_dir(run_id) / "truth.bin"
            if not legacy.exists():
                return {}
            sealed = legacy.read_bytes()
        return dict(json.loads(self._open(run_id, sealed)))

    def has(self, run_id: int) -> bool:
        def read() -> bool:
            with self._factory() as s:
                return bool(s.scalar(select(exists().where(SpoolPart.run_id == run_id))))

        return (
            retrying(read, what=f"looking for the images of QA run {run_id}") or _legacy_dir(run_id).exists()
        )

    def drop(self, run_id: int) -> None:
        def remove() -> None:
            with self._factory() as s:
                s.execute(delete(SpoolPart).where(SpoolPart.run_id == run_id))
                s.commit()

        retrying(remove, what=f"removing the images of QA run {run_id}")
        shutil.rmtree(_legacy_dir(run_id), ignore_errors=True)


def _legacy_dir(run_id: int) -> Path:
    return data_dir() / "spool" / f"run-{run_id}"
