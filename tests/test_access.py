"""The access policy without Streamlit: role rules, the grants table, configuration errors, and the
secure-by-default listen check (also through ``./studio run`` itself)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from access import (
    LOCAL_USER,
    AccessDenied,
    Action,
    ConfigError,
    Identity,
    Role,
    RoleRules,
    allowed,
    is_loopback,
    listen_problem,
    load_access_config,
    require,
)
from access.audit import AuditEvent, event_for, request_key_hash

ROOT = Path(__file__).resolve().parents[1]
OIDC = {
    "redirect_uri": "https://ocr.corp.test/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "studio",
    "client_secret": "s",
    "server_metadata_url": "https://idp.test/.well-known/x",
}


SECRET = "proxy-secret-" + "k" * 32


def _who(role: Role) -> Identity:
    return Identity(subject=role, email=f"{role}@corp.test", name="", role=role, source="oidc")


@pytest.mark.parametrize(
    ("role", "granted"),
    [
        (Role.VIEWER, {Action.ANALYSE_SANDBOX}),
        (Role.ANALYST, {Action.ANALYSE_SANDBOX, Action.USE_CLOUD}),
        (Role.ADMIN, set(Action)),
    ],
)
def test_each_role_gets_exactly_its_row_of_the_table(role, granted):
    assert {a for a in Action if allowed(_who(role), a)} == granted


def test_require_refuses_with_the_action_and_nobody_may_anything():
    with pytest.raises(AccessDenied) as err:
        require(_who(Role.ANALYST), Action.UNMASK)
    identity = err.value.identity
    assert err.value.action is Action.UNMASK and identity is not None and identity.role is Role.ANALYST
    assert not any(allowed(None, a) for a in Action)
    assert require(_who(Role.ADMIN), Action.AUDIT).role is Role.ADMIN


def test_rules_match_by_email_domain_and_group_and_the_highest_role_wins():
    rules = RoleRules(admins=("Ada@Corp.test",), analysts=("group:OCR-analysts",), viewers=("@corp.test",))
    assert rules.role_for("ada@corp.test") is Role.ADMIN  # case-insensitive
    assert rules.role_for("ann@corp.test", ["ocr-analysts"]) is Role.ANALYST  # group beats domain
    assert rules.role_for("vic@corp.test") is Role.VIEWER
    assert rules.role_for("eve@notcorp.test") is None  # "@corp.test" is a suffix
    assert rules.role_for("eve@evilcorp.test") is None
    assert rules.role_for("", ["ocr-analysts"]) is Role.ANALYST
    assert rules.role_for("") is None
    assert RoleRules(default_role=Role.VIEWER).role_for("x@y.test") is Role.VIEWER


def test_domain_rule_does_not_match_a_lookalike_domain():
    rules = RoleRules(viewers=("@corp.test",))
    assert rules.role_for("mallory@evil-corp.test") is None
    assert rules.role_for("mallory@corp.test.evil") is None


def test_config_modes_and_their_errors():
    assert load_access_config({}).mode == "local"
    assert load_access_config({"auth": OIDC}).mode == "oidc"
    assert (
        load_access_config(
            {
                "auth": {
                    "redirect_uri": OIDC["redirect_uri"],
                    "cookie_secret": "c",
                    "corp": {k: OIDC[k] for k in ("client_id", "client_secret", "server_metadata_url")},
                }
            }
        ).mode
        == "oidc"
    )
    with pytest.raises(ConfigError, match="cookie_secret"):
        load_access_config({"auth": {k: v for k, v in OIDC.items() if k != "cookie_secret"}})
    with pytest.raises(ConfigError, match="proxy_secret"):
        load_access_config({"access": {"proxy_user_header": "X-Forwarded-Email"}})
    with pytest.raises(ConfigError, match="proxy_secret"):  # an address alone proves nothing (audit D13)
        load_access_config(
            {"access": {"proxy_user_header": "X-Forwarded-Email", "trusted_proxies": ["127.0.0.2"]}}
        )
    with pytest.raises(ConfigError, match="at least 32"):
        load_access_config({"access": {"proxy_user_header": "X-Forwarded-Email", "proxy_secret": "short"}})
    with pytest.raises(ConfigError, match="not both"):
        load_access_config({"auth": OIDC, "access": {"proxy_user_header": "X", "proxy_secret": SECRET}})
    with pytest.raises(ConfigError, match="default_role"):
        load_access_config({"access": {"default_role": "root"}})
    with pytest.raises(ConfigError, match="list of strings"):
        load_access_config({"access": {"admins": [1, 2]}})


def test_proxy_header_is_trusted_only_with_the_secret_and_from_configured_addresses():
    config = load_access_config(
        {
            "access": {
                "proxy_user_header": "X-Forwarded-Email",
                "proxy_secret": SECRET,
                "trusted_proxies": ["10.1.2.0/24", "127.0.0.1"],
            }
        }
    )
    assert config.mode == "proxy"
    assert config.proxy_trusted("10.1.2.77", SECRET)
    assert config.proxy_trusted(None, SECRET)  # Streamlit reports loopback peers as None
    assert not config.proxy_trusted("10.1.3.1", SECRET)
    assert not config.proxy_trusted("not an address", SECRET)
    for wrong in (None, "", SECRET[:-1], SECRET + "x", SECRET.upper(), "ü" * 40):
        assert not config.proxy_trusted("10.1.2.77", wrong)
    anywhere = load_access_config(
        {"access": {"proxy_user_header": "X-Forwarded-Email", "proxy_secret": SECRET}}
    )
    assert anywhere.proxy_trusted("127.0.0.2", SECRET) and not anywhere.proxy_trusted("127.0.0.2", None)
    assert SECRET not in repr(anywhere)


@pytest.mark.parametrize(
    ("address", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.8.9.10", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("ocr.corp.test", False),
    ],
)
def test_loopback_addresses(address, loopback):
    assert is_loopback(address) is loopback


def test_listen_check_refuses_other_addresses_without_sign_in():
    local = load_access_config({})
    assert listen_problem("127.0.0.1", local, allow_anonymous=False) is None
    problem = listen_problem("0.0.0.0", local, allow_anonymous=False)
    assert problem and "STUDIO_ALLOW_ANONYMOUS=1" in problem and "[auth]" in problem
    assert listen_problem("0.0.0.0", local, allow_anonymous=True) is None
    assert listen_problem("0.0.0.0", load_access_config({"auth": OIDC}), allow_anonymous=False) is None


def _check_listen(address: str, secrets: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "access", "check-listen", address, str(secrets)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


def test_check_listen_command(tmp_path):
    empty = tmp_path / "none.toml"
    assert _check_listen("127.0.0.1", empty).returncode == 0
    refused = _check_listen("0.0.0.0", empty, STUDIO_ALLOW_ANONYMOUS="0")
    assert refused.returncode == 1 and "refusing to serve on 0.0.0.0" in refused.stderr
    allowed_anyway = _check_listen("0.0.0.0", empty, STUDIO_ALLOW_ANONYMOUS="1")
    assert allowed_anyway.returncode == 0 and "WARNING" in allowed_anyway.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text('[auth]\nredirect_uri = "https://x/oauth2callback"\n', encoding="utf-8")
    bad = _check_listen("127.0.0.1", broken)
    assert bad.returncode == 1 and "incomplete" in bad.stderr


def test_studio_run_on_all_addresses_without_sign_in_refuses_and_starts_nothing(tmp_path):
    """The README's own command: it must say how to configure sign-in and exit before serving."""
    env = {
        **os.environ,
        "STUDIO_ADDRESS": "0.0.0.0",
        "STUDIO_PORT": "1",
        "STUDIO_SECRETS_FILE": str(tmp_path / "none.toml"),
    }
    env.pop("STUDIO_ALLOW_ANONYMOUS", None)
    done = subprocess.run(
        ["./studio", "run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 1
    assert "refusing to serve on 0.0.0.0 without sign-in" in done.stderr
    assert "Local URL" not in done.stdout + done.stderr


def test_audit_events_carry_no_values_and_hash_request_keys():
    event = event_for(
        _who(Role.ANALYST),
        "api_call",
        service="id-card",
        result_code=0,
        image_sha256="ab" * 32,
        request_key_hash=request_key_hash("RK-secret-123"),
    )
    doc = event.to_json()
    assert "RK-secret-123" not in doc and '"user": "analyst@corp.test"' in doc
    assert request_key_hash("RK-secret-123") != request_key_hash("RK-secret-124")
    assert event_for(None, "refused").user == "anonymous"
    assert isinstance(event, AuditEvent) and LOCAL_USER.role is Role.ADMIN
