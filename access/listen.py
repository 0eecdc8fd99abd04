"""Secure by default: serving anyone but this machine needs sign-in (or an explicit, loud override).

Checked wherever the decision can be taken: ``./studio run`` before it starts (``python -m access
check-listen``), ``serve.py`` on the address Streamlit really binds (whichever way it was set:
``--server.address``, ``STREAMLIT_SERVER_ADDRESS``, a ``config.toml``, or none, which is every
interface), and on every request (``local_request``): without sign-in, a visitor who is not this
machine is refused whatever the server was told.
"""

from __future__ import annotations

import ipaddress
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from access.config import AccessConfig, ConfigError, load_access_config
from appconfig import SettingsProblem, secrets_file, settings

ALLOW_ANONYMOUS_ENV = "STUDIO_ALLOW_ANONYMOUS"
ALL_INTERFACES = "0.0.0.0"
FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
"""Headers a proxy adds: a request carrying one came from beyond the proxy, not from this machine."""
SECRET_KEYS = frozenset({"cookie_secret", "client_secret", "proxy_secret", "secret_key", "uak_secret"})


def is_loopback(address: str) -> bool:
    host = address.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def effective_address(configured: str | None) -> str:
    """The address Streamlit binds: none configured means every interface."""
    return (configured or "").strip() or ALL_INTERFACES


def listen_problem(address: str, config: AccessConfig, *, allow_anonymous: bool) -> str | None:
    """Why the dashboard must not listen on ``address`` with this configuration, or ``None``."""
    if is_loopback(address) or config.sign_in_configured or allow_anonymous:
        return None
    return (
        f"refusing to serve on {address} without sign-in: anyone who reaches the port could spend "
        "billed NHN Cloud calls and see personal data.\n"
        "  Configure sign-in in .streamlit/secrets.toml ([auth] for OpenID Connect, or [access] "
        "proxy_user_header + proxy_secret behind an SSO proxy; see docs/access.md),\n"
        f"  or listen on 127.0.0.1, or set {ALLOW_ANONYMOUS_ENV}=1 to serve anonymously anyway "
        "(every page then shows a warning)."
    )


def holds_secrets(doc: Mapping[str, Any]) -> bool:
    """Whether a parsed secrets file holds a secret anywhere (``[auth]`` provider tables included)."""
    for key, value in doc.items():
        if isinstance(value, Mapping) and holds_secrets(value):
            return True
        if key in SECRET_KEYS and value:
            return True
    return False


def secrets_file_problem(path: Path, doc: Mapping[str, Any]) -> str | None:
    """A secrets file other accounts on this host may read hands them every role (a cookie or proxy
    secret signs anyone in) and the NHN Cloud keys."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if os.name != "posix" or not mode & 0o077 or not holds_secrets(doc):
        return None
    return (
        f"refusing to start: {path} holds secrets but other accounts on this host may read it "
        f"({stat.filemode(mode)}); with them anyone could sign in as an admin or spend billed calls.\n"
        f"  Run: chmod 600 {path}"
    )


def allow_anonymous() -> bool:
    return settings().anonymous_allowed


@dataclass
class StartupCheck:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_secrets(paths: Iterable[Path]) -> tuple[dict[str, Any], list[str]]:
    """The secrets files merged as Streamlit merges them (a later file's tables win), and the problems
    found reading them or with their permissions."""
    merged: dict[str, Any] = {}
    problems: list[str] = []
    for path in paths:
        if not path.is_file():  # absent, or a folder of secrets (Streamlit's own concern)
            continue
        try:
            doc = dict(secrets_file(path))
        except SettingsProblem as err:
            problems.append(str(err))
            continue
        problem = secrets_file_problem(path, doc)
        if problem:
            problems.append(problem)
        merged.update(doc)
    return merged, problems


def startup_check(address: str | None, secrets_paths: Sequence[Path], *, anonymous: bool) -> StartupCheck:
    """Everything that must hold before the dashboard serves ``address`` (``None``: every interface)."""
    where = effective_address(address)
    secrets, problems = read_secrets(secrets_paths)
    check = StartupCheck(problems=problems)
    try:
        settings()  # every STUDIO_* value checked before serving, not at its first use
    except SettingsProblem as err:
        check.problems.append(str(err))
    try:
        config = load_access_config(secrets)
    except ConfigError as err:
        check.problems.append(f"{secrets_paths[-1] if secrets_paths else 'secrets'}: {err}")
        return check
    problem = listen_problem(where, config, allow_anonymous=anonymous)
    if problem:
        check.problems.append(problem)
    elif anonymous and not config.sign_in_configured and not is_loopback(where):
        check.warnings.append(f"WARNING: {ALLOW_ANONYMOUS_ENV}=1 — serving {where} without sign-in")
    return check


def local_request(peer: str | None, headers: Mapping[str, str]) -> bool:
    """Whether a request comes from this machine itself: a loopback peer (``None`` is how Streamlit
    reports one) that no proxy forwarded. Without sign-in, only such requests are served."""
    if peer is not None and not is_loopback(peer):
        return False
    return not any(headers.get(name) for name in FORWARDING_HEADERS)
