"""How a deployment says who signs in and who gets which role, read from ``.streamlit/secrets.toml``.

```toml
[auth]                     # Streamlit's own OIDC settings (st.login); its presence turns sign-in on
redirect_uri = "https://ocr.example.corp/oauth2callback"
cookie_secret = "…"
client_id = "…"
client_secret = "…"
server_metadata_url = "https://idp.example.corp/.well-known/openid-configuration"

[access]
admins   = ["alice@example.corp", "group:ocr-admins"]
analysts = ["@qa.example.corp", "group:ocr-analysts"]   # "@domain" matches a whole e-mail domain
viewers  = ["@example.corp"]
group_claim = "groups"     # the ID-token claim that lists the user's groups
# default_role = "viewer"  # for signed-in users no rule names; unset: they are refused

# The second mode, for sites with an SSO proxy in front (instead of [auth]):
# proxy_user_header = "X-Forwarded-Email"
# proxy_secret = "…at least 32 random characters, also in nginx's root-only snippet…"
# trusted_proxies = ["127.0.0.1", "10.0.0.0/24"]   # optional: also require these source addresses
```

A rule matching several roles gives the highest. Secret: what sits in ``[auth]`` (Streamlit reads it
itself) and ``proxy_secret``.

Why a shared secret and not the proxy's address alone: any account on the host can open a TCP
connection from any loopback address (``127.0.0.2`` included), so an address proves nothing about
*which program* connects. The proxy sets ``X-Studio-Proxy-Secret`` on every request it forwards (a
client's header of that name is replaced); the secret lives only in files other accounts cannot read
(the secrets file, mode 0600, and nginx's snippet, read by nginx's master as root).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from access.policy import Role

Mode = Literal["local", "oidc", "proxy"]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_OIDC_REQUIRED = ("redirect_uri", "cookie_secret")
PROXY_SECRET_HEADER = "X-Studio-Proxy-Secret"
"""The header the SSO proxy sets to ``proxy_secret`` on every request it forwards."""
MIN_PROXY_SECRET_LENGTH = 32
_PROVIDER_REQUIRED = ("client_id", "client_secret", "server_metadata_url")


class ConfigError(ValueError):
    """The ``[auth]`` or ``[access]`` section is incomplete or contradictory; the message says what."""


@dataclass(frozen=True)
class RoleRules:
    admins: tuple[str, ...] = ()
    analysts: tuple[str, ...] = ()
    viewers: tuple[str, ...] = ()
    group_claim: str = "groups"
    default_role: Role | None = None

    def role_for(
        self, email: str, groups: Iterable[str] = (), granted: Iterable[tuple[str, Role]] = ()
    ) -> Role | None:
        """The highest role whose rules match this e-mail or one of these groups — the file's rules and
        ``granted`` (the Roles page's, from the studio database) alike; else the default. So the Roles
        page can raise what the file gives, never lower it: the file is the floor (docs/access.md,
        *Roles from two places*)."""
        email = email.strip().lower()
        group_set = {g.strip().lower() for g in groups}
        granted = list(granted)
        for role, rules in (
            (Role.ADMIN, self.admins),
            (Role.ANALYST, self.analysts),
            (Role.VIEWER, self.viewers),
        ):
            if any(_matches(rule, email, group_set) for rule in rules) or any(
                r == role and _matches(rule, email, group_set) for rule, r in granted
            ):
                return role
        return self.default_role


def _matches(rule: str, email: str, groups: set[str]) -> bool:
    rule = rule.strip().lower()
    if rule.startswith("group:"):
        return rule[len("group:") :] in groups
    if rule.startswith("@"):
        return bool(email) and email.endswith(rule)
    return bool(email) and email == rule


@dataclass(frozen=True)
class AccessConfig:
    mode: Mode = "local"
    rules: RoleRules = field(default_factory=RoleRules)
    proxy_user_header: str = ""
    trusted_proxies: tuple[IPNetwork, ...] = ()
    proxy_secret: str = field(default="", repr=False)

    @property
    def sign_in_configured(self) -> bool:
        return self.mode != "local"

    def proxy_trusted(self, peer: str | None, presented_secret: str | None) -> bool:
        """Whether a request may assert the user header: it carries the proxy's secret (compared in
        constant time) and, when ``trusted_proxies`` is set, comes from one of those addresses
        (``peer`` ``None`` is loopback, as Streamlit reports it)."""
        if not self.proxy_secret or not presented_secret:
            return False
        if not hmac.compare_digest(presented_secret.encode("utf-8", "replace"), self.proxy_secret.encode()):
            return False
        if not self.trusted_proxies:
            return True
        try:
            address = ipaddress.ip_address(peer or "127.0.0.1")
        except ValueError:
            return False
        return any(address in net for net in self.trusted_proxies)


def _strings(section: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = section.get(key, ())
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"[access] {key} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _oidc_configured(auth: Mapping[str, Any]) -> bool:
    if not auth:
        return False
    missing = [k for k in _OIDC_REQUIRED if not auth.get(k)]
    providers = (
        [auth]
        if all(auth.get(k) for k in _PROVIDER_REQUIRED)
        else [
            v for v in auth.values() if isinstance(v, Mapping) and all(v.get(k) for k in _PROVIDER_REQUIRED)
        ]
    )
    if not providers:
        missing += [k for k in _PROVIDER_REQUIRED if not auth.get(k)]
    if missing:
        raise ConfigError(
            "[auth] is incomplete: " + ", ".join(sorted(set(missing))) + " missing "
            "(see docs/access.md, 'OpenID Connect')"
        )
    return True


def load_access_config(secrets: Mapping[str, Any]) -> AccessConfig:
    """Read ``[auth]`` and ``[access]`` from a secrets mapping (``st.secrets`` or a parsed TOML file)."""
    auth = secrets.get("auth") or {}
    access = secrets.get("access") or {}
    if not isinstance(auth, Mapping) or not isinstance(access, Mapping):
        raise ConfigError("[auth] and [access] must be tables")
    default = access.get("default_role")
    try:
        default_role = Role(default) if default else None
    except ValueError:
        raise ConfigError(f"[access] default_role must be one of {', '.join(Role)}") from None
    rules = RoleRules(
        admins=_strings(access, "admins"),
        analysts=_strings(access, "analysts"),
        viewers=_strings(access, "viewers"),
        group_claim=str(access.get("group_claim") or "groups"),
        default_role=default_role,
    )
    header = str(access.get("proxy_user_header") or "").strip()
    oidc = _oidc_configured(auth)
    if oidc and header:
        raise ConfigError("configure either [auth] (OIDC sign-in) or [access] proxy_user_header, not both")
    if header:
        try:
            proxies = tuple(
                ipaddress.ip_network(p, strict=False) for p in _strings(access, "trusted_proxies")
            )
        except ValueError as err:
            raise ConfigError(f"[access] trusted_proxies: {err}") from None
        secret = access.get("proxy_secret")
        if not isinstance(secret, str) or len(secret.strip()) < MIN_PROXY_SECRET_LENGTH:
            raise ConfigError(
                f"[access] proxy_user_header needs proxy_secret: at least {MIN_PROXY_SECRET_LENGTH} random "
                f"characters that the SSO proxy sends as {PROXY_SECRET_HEADER} (any account on this host can "
                "connect from the proxy's address, so the address alone proves nothing; see docs/access.md, "
                "'Behind an SSO proxy')"
            )
        if header.lower() == PROXY_SECRET_HEADER.lower():
            raise ConfigError(f"[access] proxy_user_header cannot be {PROXY_SECRET_HEADER}")
        return AccessConfig(
            mode="proxy",
            rules=rules,
            proxy_user_header=header,
            trusted_proxies=proxies,
            proxy_secret=secret.strip(),
        )
    return AccessConfig(mode="oidc" if oidc else "local", rules=rules)
