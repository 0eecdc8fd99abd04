"""``python -m access check-listen ADDRESS [SECRETS_FILE]``: used by ``./studio run`` before it starts."""
from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from access.config import ConfigError, load_access_config
from access.listen import ALLOW_ANONYMOUS_ENV, is_loopback, listen_problem


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or argv[0] != "check-listen":
        print("usage: python -m access check-listen ADDRESS [SECRETS_FILE]", file=sys.stderr)
        return 2
    secrets_path = Path(argv[2] if len(argv) == 3 else ".streamlit/secrets.toml")
    try:
        secrets = tomllib.loads(secrets_path.read_text(encoding="utf-8")) if secrets_path.exists() else {}
        config = load_access_config(secrets)
    except (ConfigError, tomllib.TOMLDecodeError) as err:
        print(f"[studio] {secrets_path}: {err}", file=sys.stderr)
        return 1
    allow = os.environ.get(ALLOW_ANONYMOUS_ENV, "") == "1"
    problem = listen_problem(argv[1], config, allow_anonymous=allow)
    if problem:
        print(f"[studio] {problem}", file=sys.stderr)
        return 1
    if allow and not config.sign_in_configured and not is_loopback(argv[1]):
        print(f"[studio] WARNING: {ALLOW_ANONYMOUS_ENV}=1 — serving without sign-in", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
