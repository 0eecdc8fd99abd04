"""Who may use the dashboard and what each may do: identities, roles and the permission policy.

UI-free and testable without Streamlit (as ``ocr_core`` is): ``ui.access`` asks it and shows the
answer; pages never decide permissions themselves. See ``docs/interfaces.md``.
"""

from access.config import AccessConfig, ConfigError, RoleRules, load_access_config
from access.listen import is_loopback, listen_problem
from access.policy import LOCAL_USER, AccessDenied, Action, Identity, Role, allowed, require

__all__ = [
    "LOCAL_USER",
    "AccessConfig",
    "AccessDenied",
    "Action",
    "ConfigError",
    "Identity",
    "Role",
    "RoleRules",
    "allowed",
    "is_loopback",
    "listen_problem",
    "load_access_config",
    "require",
]
