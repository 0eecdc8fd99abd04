"""One billed call, from any door: the quota unit taken before anything is sent, one audit row after.

The dashboard (``ui.billing``), the command line (``python -m ocr_core``) and QA Lab runs (``qa.runner``,
from the dashboard or ``python -m qa run``) all go through ``Door.call``, so every NHN Cloud call
counts against the same per-user daily and deployment monthly quotas (analysis and stand-alone apart)
and leaves the same row: who, which door (a page path, ``cli``, ``qa-run:<id>``), backend, API version,
service, result code, latency, image SHA-256, hashed Request-Key — never a value, an image or a secret.
"""

from __future__ import annotations

import getpass
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import Engine

from access.audit import QA_RUN_PREFIX, AuditEvent, EventKind, log_event, request_key_hash
from access.ledger import QUOTA_KIND_OF_SERVICE, QUOTA_NAMES, Ledger, QuotaExceeded, QuotaLimits
from appconfig import SettingsProblem, secrets_section, settings
from ocr_core import ApiError, InputError, SettingsError, TransportError
from ocr_core.settings import nhn_cloud_endpoint

R = TypeVar("R")

USER_ENV = "STUDIO_USER"
SECRETS_FILE_ENV = "STUDIO_SECRETS_FILE"
_ROOT = Path(__file__).resolve().parent.parent


def billed_endpoint(base_url: str) -> bool:
    """Calls to NHN Cloud's own hosts are billed; a sandbox anywhere else is not (one rule with the
    library's command line: ``ocr_core.settings.nhn_cloud_endpoint``)."""
    return nhn_cloud_endpoint(base_url)


def quota_limits(section: Mapping[str, Any]) -> QuotaLimits:
    """The ``[quotas]`` table of secrets.toml (an admin may override each on the Settings page)."""

    def limit(name: str) -> int | None:
        value = section.get(name)
        return int(value) if value not in (None, "") else None

    return QuotaLimits(**{name: limit(name) for name in QUOTA_NAMES})


def secrets_file() -> Path:
    """The secrets file ``./studio run`` gives Streamlit (``STUDIO_SECRETS_FILE``, else the default)."""
    return settings().SECRETS_FILE


def configured_quotas() -> QuotaLimits:
    """``[quotas]`` as the dashboard reads it, for the doors that run outside Streamlit."""
    try:
        section = secrets_section("quotas")
    except SettingsProblem as err:
        raise SettingsError(f"{err.where}: cannot read the [quotas] section: {err.cause}") from None
    return quota_limits(section)


def command_line_user(explicit: str | None = None) -> str:
    """Who runs a command: ``--user``, else ``STUDIO_USER``, else the operating-system account.
    The CLI cannot prove it (whoever holds the credentials could call the API directly): the trail
    records whom the command named, and the quota of that name is spent."""
    return (explicit or settings().USER or getpass.getuser()).strip()


@dataclass(frozen=True)
class Door:
    """Where billed calls come in, and for whom: everything an audit row says besides the call."""

    ledger: Ledger
    limits: QuotaLimits
    user: str
    where: str  # a page's URL path, "cli", or "qa-run:<id>"
    backend: str  # "cloud" (billed, under quota) | "sandbox"
    api_version: str
    role: str = ""
    masked: bool | None = True

    @property
    def billed(self) -> bool:
        return self.backend == "cloud"

    def event(
        self,
        kind: EventKind,
        service: str,
        *,
        image: bytes | None = None,
        request_key: str | None = None,
        **fields: Any,
    ) -> AuditEvent:
        return AuditEvent(
            kind=kind,
            user=self.user,
            role=self.role,
            where=self.where,
            backend=self.backend,
            api_version=self.api_version,
            service=service,
            image_sha256=hashlib.sha256(image).hexdigest() if image else "",
            request_key_hash=request_key_hash(request_key) if request_key else "",
            masked=self.masked,
            **fields,
        )

    def record(self, event: AuditEvent) -> None:
        log_event(event)
        self.ledger.append(event)

    def reserve(self, service: str, *, image: bytes | None = None, request_key: str | None = None) -> None:
        """Take one unit of quota for a billed call, or record the refusal and raise ``QuotaExceeded``
        (nothing has been sent). Sandbox calls take nothing."""
        if not self.billed:
            return
        kind = QUOTA_KIND_OF_SERVICE[service]
        spend = self.ledger.try_spend(self.user, kind, self.limits)
        if not spend.ok:
            self.record(
                self.event(
                    "refused",
                    service,
                    image=image,
                    request_key=request_key,
                    action=f"quota:{spend.refused_by}",
                )
            )
            raise QuotaExceeded(spend.refused_by, spend.limit, kind)

    def call(
        self,
        service: str,
        call: Callable[[], R],
        *,
        image: bytes | None = None,
        request_key: str | None = None,
    ) -> R:
        """Run one API call under the quota and leave its ``api_call`` row (also when it fails).

        Nothing is sent when that row could not be kept: a billed call's ``reserve`` writes the ledger
        first; an unbilled (sandbox) call checks that the ledger can be written (``Ledger.check_writable``),
        so a database that is down refuses the call instead of the analysis being made and then withheld."""
        if not self.billed:
            self.ledger.check_writable()
        self.reserve(service, image=image, request_key=request_key)
        kind = QUOTA_KIND_OF_SERVICE[service]
        started = time.perf_counter()
        code: int | None = None
        try:
            result = call()
            code = 0
            return result
        except ApiError as err:
            code = err.result_code
            raise
        except InputError:
            if self.billed:  # refused locally: nothing was sent
                self.ledger.refund(self.user, kind)
            raise
        except TransportError as err:
            if self.billed and not err.billable:  # the analysis POST never went out
                self.ledger.refund(self.user, kind)
            raise
        finally:
            self.record(
                self.event(
                    "api_call",
                    service,
                    image=image,
                    request_key=request_key,
                    result_code=code,
                    latency_ms=round((time.perf_counter() - started) * 1000, 1),
                )
            )


def door(
    engine: Engine,
    *,
    user: str,
    where: str,
    backend: str,
    api_version: str,
    defaults: QuotaLimits | None = None,
    role: str = "",
    masked: bool | None = True,
) -> Door:
    """A door on the studio database: the quotas in force are the admins' settings over ``defaults``
    (``[quotas]`` of the secrets file when not given)."""
    book = Ledger(engine)
    limits = book.limits(defaults if defaults is not None else configured_quotas())
    return Door(
        book,
        limits,
        user=user,
        where=where,
        backend=backend,
        api_version=api_version,
        role=role,
        masked=masked,
    )


def lab_run_door(
    engine: Engine, run_id: int, user: str, backend: str, api_version: str, *, role: str = ""
) -> Door | None:
    """The door of a QA Lab run on NHN Cloud: each item takes its unit from the quota of ``user`` when it
    is sent (not the whole run up front) — whoever started the run, or whoever last resumed it or confirmed
    a resend (``Run.billed_to``) — and leaves a ``qa-run:<id>`` row naming them. Sandbox runs are not
    billed and leave no rows."""
    if backend != "cloud":
        return None
    return door(
        engine,
        user=user,
        where=f"{QA_RUN_PREFIX}{run_id}",
        backend=backend,
        api_version=api_version,
        role=role,
    )
