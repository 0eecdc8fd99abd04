"""Secure by default: serving anyone but this machine needs sign-in (or an explicit, loud override)."""
from __future__ import annotations

import ipaddress

from access.config import AccessConfig

ALLOW_ANONYMOUS_ENV = "STUDIO_ALLOW_ANONYMOUS"


def is_loopback(address: str) -> bool:
    host = address.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen_problem(address: str, config: AccessConfig, *, allow_anonymous: bool) -> str | None:
    """Why the dashboard must not listen on ``address`` with this configuration, or ``None``."""
    if is_loopback(address) or config.sign_in_configured or allow_anonymous:
        return None
    return (f"refusing to serve on {address} without sign-in: anyone who reaches the port could spend "
            "billed NHN Cloud calls and see personal data.\n"
            "  Configure sign-in in .streamlit/secrets.toml ([auth] for OpenID Connect, or [access] "
            "proxy_user_header + trusted_proxies behind an SSO proxy; see the README, 'Sign-in'),\n"
            f"  or listen on 127.0.0.1, or set {ALLOW_ANONYMOUS_ENV}=1 to serve anonymously anyway "
            "(every page then shows a warning).")
