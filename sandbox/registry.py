"""The registry of issued ID documents that authenticity calls are checked against (SQLite).

It stands in for the government registries the vendor queries. It is seeded from the specimens'
truth files (``samples/**/*.json`` with ``docType`` resident or driver and their ``fields``) and
can be added to from code. Identifiers are stored only as salted SHA-256 digests of their
normalised form, so a registry file on disk holds no readable personal data.

Matching rules (the vendor does not publish its own; these are the plain reading of the guide):

- resident: the card is found by its 13-digit resident number; authentic when name and issue date
  match. A wrong issue date for a known card counts against it; after
  ``lock_after`` (5) wrong issue dates in a row the card is locked and every further call for it
  answers 4000123 — the fifth wrong call itself still answers normally (``isAuthenticity`` false).
  A correct call resets the count; nothing else unlocks a card but :meth:`Registry.reset_locks`.
- driver: the licence is found by its 12-digit number; authentic when name and the 7-digit
  resident-number prefix match, and the serial number too when one is submitted.
- Numbers are compared as digits only (``12-15-508271-33`` equals ``121550827133``); names and
  serial numbers without white space, serial numbers case-insensitively.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sandbox.codes import REGISTRATION_CARD_AUTHENTICATION_LOCKED, SandboxError

log = logging.getLogger("sandbox.registry")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id_type TEXT NOT NULL CHECK (id_type IN ('resident', 'driver')),
    lookup TEXT NOT NULL,
    name TEXT NOT NULL,
    resident TEXT NOT NULL,
    issue_date TEXT,
    serial TEXT,
    PRIMARY KEY (id_type, lookup)
);
CREATE TABLE IF NOT EXISTS wrong_issue_dates (lookup TEXT PRIMARY KEY, count INTEGER NOT NULL);
"""


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def compact(value: str) -> str:
    return re.sub(r"\s+", "", value)


@dataclass(frozen=True)
class IssuedDocument:
    """An issued resident card or driver licence, in the guide's field names' meaning."""

    id_type: str
    name: str
    resident_number: str
    issue_date: str | None = None
    driver_license_number: str | None = None
    serial_num: str | None = None

    def __repr__(self) -> str:  # personal data never reaches a log through a repr
        return f"IssuedDocument(id_type={self.id_type!r}, ...)"

    @classmethod
    def from_truth(cls, truth: object) -> IssuedDocument | None:
        """From a specimen truth file (``{"docType", "fields"}``); None for other documents."""
        if not isinstance(truth, dict):
            return None
        doc_type, fields = truth.get("docType"), truth.get("fields")
        if doc_type not in ("resident", "driver") or not isinstance(fields, dict):
            return None
        text = {k: v for k, v in fields.items() if isinstance(v, str)}
        name, rrn = text.get("name"), text.get("residentNumber")
        if not name or not rrn or len(digits(rrn)) != 13:
            return None
        if doc_type == "resident":
            issue = text.get("issueDate")
            return cls("resident", name, rrn, issue_date=issue) if issue else None
        licence = text.get("driverLicenseNumber")
        if not licence or len(digits(licence)) != 12:
            return None
        serial = text.get("serialNum") or None
        return cls("driver", name, rrn, text.get("issueDate"), licence, serial)


class Registry:
    """Thread-safe; one SQLite connection guarded by a lock (``:memory:`` or a file path)."""

    def __init__(self, path: str = ":memory:", *, lock_after: int = 5) -> None:
        self._lock = threading.Lock()
        self._lock_after = lock_after
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)
        row = self._db.execute("SELECT value FROM meta WHERE name = 'salt'").fetchone()
        if row is None:
            salt = secrets.token_hex(16)
            self._db.execute("INSERT INTO meta VALUES ('salt', ?)", (salt,))
        else:
            salt = row[0]
        self._salt = salt.encode("ascii")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _h(self, kind: str, value: str) -> str:
        return hashlib.sha256(self._salt + kind.encode() + b"\0" + value.encode("utf-8")).hexdigest()

    # -- content -------------------------------------------------------------------------------
    def add(self, doc: IssuedDocument) -> None:
        if doc.id_type == "resident":
            lookup = self._h("rrn", digits(doc.resident_number))
            resident = lookup
        elif doc.id_type == "driver" and doc.driver_license_number:
            lookup = self._h("licence", digits(doc.driver_license_number))
            resident = self._h("rrn7", digits(doc.resident_number)[:7])
        else:
            raise ValueError("only resident cards and driver licences are registered")
        issue = self._h("date", digits(doc.issue_date)) if doc.issue_date else None
        serial = self._h("serial", compact(doc.serial_num).upper()) if doc.serial_num else None
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                (doc.id_type, lookup, self._h("name", compact(doc.name)), resident, issue, serial),
            )

    def seed_from_specimens(self, root: Path) -> int:
        """Register every resident/driver truth file under ``root``; returns how many were read."""
        added = 0
        for path in sorted(root.glob("**/*.json")):
            try:
                doc = IssuedDocument.from_truth(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                log.warning("skipped unreadable specimen truth file %s", path.name)
                continue
            if doc is not None:
                self.add(doc)
                added += 1
        return added

    def add_all(self, docs: Iterable[IssuedDocument]) -> None:
        for doc in docs:
            self.add(doc)

    def reset_locks(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM wrong_issue_dates")

    # -- checks --------------------------------------------------------------------------------
    def verify_resident(self, name: str, resident_number: str, issue_date: str) -> bool:
        """Authentic or not; SandboxError(4000123) once the card is locked."""
        lookup = self._h("rrn", digits(resident_number))
        with self._lock:
            row = self._db.execute(
                "SELECT name, issue_date FROM documents WHERE id_type = 'resident' AND lookup = ?",
                (lookup,),
            ).fetchone()
            if row is None:
                return False
            wrong = self._db.execute(
                "SELECT count FROM wrong_issue_dates WHERE lookup = ?", (lookup,)
            ).fetchone()
            if wrong is not None and wrong[0] >= self._lock_after:
                raise SandboxError(REGISTRATION_CARD_AUTHENTICATION_LOCKED)
            if row[1] != self._h("date", digits(issue_date)):
                self._db.execute(
                    "INSERT INTO wrong_issue_dates VALUES (?, 1) "
                    "ON CONFLICT (lookup) DO UPDATE SET count = count + 1",
                    (lookup,),
                )
                return False
            self._db.execute("DELETE FROM wrong_issue_dates WHERE lookup = ?", (lookup,))
            return row[0] == self._h("name", compact(name))

    def verify_driver(
        self, name: str, resident_prefix: str, licence_number: str, serial_num: str | None
    ) -> bool:
        lookup = self._h("licence", digits(licence_number))
        with self._lock:
            row = self._db.execute(
                "SELECT name, resident, serial FROM documents WHERE id_type = 'driver' AND lookup = ?",
                (lookup,),
            ).fetchone()
        if row is None:
            return False
        if row[0] != self._h("name", compact(name)):
            return False
        if row[1] != self._h("rrn7", digits(resident_prefix)):
            return False
        if serial_num:
            return row[2] == self._h("serial", compact(serial_num).upper())
        return True
