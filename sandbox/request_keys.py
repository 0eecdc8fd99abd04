"""Request-Keys of ``/id-card``: issued, valid one hour, spent once.

Request-Keys of ``/id-card``: issued for resident cards and driver licences, valid one hour,
spent once an authenticity call with them has answered normally.

An unknown, expired, spent or other-appKey Request-Key all answer the same 4000122, as the vendor's
message ("invalid or expired") does not tell them apart. Keys are 128-bit random tokens; the store
keeps no personal data, only the ID type the key was issued for.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.codes import AUTHENTICITY_REQUEST_KEY_INVALID, SandboxError


@dataclass
class RequestKeyRecord:
    app_key: str
    id_type: str
    expires_at: datetime
    spent: bool = False


class RequestKeyStore:
    def __init__(self, clock: Callable[[], datetime], lifetime: timedelta) -> None:
        self._clock = clock
        self._lifetime = lifetime
        self._records: dict[str, RequestKeyRecord] = {}
        self._lock = threading.Lock()

    def issue(self, app_key: str, id_type: str) -> str:
        key = secrets.token_hex(16)
        now = self._clock()
        with self._lock:
            self._forget_expired(now)
            self._records[key] = RequestKeyRecord(app_key, id_type, now + self._lifetime)
        return key

    def check(self, app_key: str, key: str) -> RequestKeyRecord:
        """The live record for ``key`` or SandboxError(4000122)."""
        with self._lock:
            record = self._records.get(key.strip())
            if (
                record is None
                or record.spent
                or record.app_key != app_key
                or self._clock() >= record.expires_at
            ):
                raise SandboxError(AUTHENTICITY_REQUEST_KEY_INVALID)
            return record

    def spend(self, key: str) -> None:
        with self._lock:
            record = self._records.get(key.strip())
            if record is not None:
                record.spent = True

    def reset(self) -> None:
        with self._lock:
            self._records.clear()

    def _forget_expired(self, now: datetime) -> None:
        # Spent keys are kept until they expire so that reuse keeps answering 4000122 for an hour;
        # after that an unknown key answers the same, so forgetting them changes nothing visible.
        for key in [k for k, r in self._records.items() if now >= r.expires_at]:
            del self._records[key]
