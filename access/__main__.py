"""``python -m access check-listen ADDRESS [SECRETS_FILE]``: used by ``./studio run`` before it starts."""

from __future__ import annotations

import sys
from pathlib import Path

from access.listen import allow_anonymous, startup_check


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or argv[0] != "check-listen":
        print("usage: python -m access check-listen ADDRESS [SECRETS_FILE]", file=sys.stderr)
        return 2
    secrets_path = Path(argv[2] if len(argv) == 3 else ".streamlit/secrets.toml")
    check = startup_check(argv[1], [secrets_path], anonymous=allow_anonymous())
    for line in check.problems + check.warnings:
        print(f"[studio] {line}", file=sys.stderr)
    return 1 if check.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
