"""Every setting and default of the sandbox in one place (arguments, environment, demo credentials)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sandbox.faults import Faults

if TYPE_CHECKING:
    from sandbox.engine.types import OcrEngine

# Documented demo credentials (docs/sandbox.md, docs/interfaces.md). Anything else is configured.
DEMO_APP_KEY: Final = "sandbox-appkey"
DEMO_SECRET_KEY: Final = "sandbox-secretkey"
DEMO_UAK_ID: Final = "sandbox-uak-id"
DEMO_UAK_SECRET: Final = "sandbox-uak-secret"

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8765
TOKEN_PATH: Final = "/oauth2/token/create"

MAX_UPLOAD_BYTES: Final = 20 * 1024 * 1024
"""Largest accepted image (the vendor's limit since 2026-08-11)."""
MAX_IMAGE_PIXELS: Final = 40_000_000
"""Decoded-size cap; images announcing more pixels are refused before decoding (bomb guard)."""
NORMAL_RESOLUTION: Final = (760, 480)
"""``resolution`` is ``normal`` when the long side reaches 760 px and the short side 480 px."""
JPEG_MAGIC: Final = b"\xff\xd8\xff"
PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
REQUEST_KEY_LIFETIME: Final = timedelta(hours=1)
TOKEN_LIFETIME: Final = timedelta(hours=24)
ISSUE_DATE_LOCK_AFTER: Final = 5

SAMPLES_DIR: Final = Path(__file__).resolve().parent.parent / "samples"

ENV_APPKEY: Final = "SANDBOX_APPKEY"
ENV_SECRETKEY: Final = "SANDBOX_SECRETKEY"
ENV_UAK_ID: Final = "SANDBOX_UAK_ID"
ENV_UAK_SECRET: Final = "SANDBOX_UAK_SECRET"
ENV_ADMIN: Final = "SANDBOX_ADMIN"
ENV_REGISTRY: Final = "SANDBOX_REGISTRY"
ENV_SAMPLES: Final = "SANDBOX_SAMPLES"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SandboxConfig:
    """How one sandbox behaves. Secrets never appear in its repr."""

    app_key: str = DEMO_APP_KEY
    secret_key: str = field(default=DEMO_SECRET_KEY, repr=False)
    uak_id: str = DEMO_UAK_ID
    uak_secret: str = field(default=DEMO_UAK_SECRET, repr=False)
    engine: OcrEngine | None = field(default=None, repr=False)
    """None: the real engine (``sandbox.engine.get_engine()``), loaded on first analysis."""
    registry_path: str = ":memory:"
    """SQLite file of issued documents for authenticity; ``:memory:`` keeps it per process."""
    seed_dir: Path | None = SAMPLES_DIR
    """Specimens whose truth JSON seed the registry; None seeds nothing."""
    faults: Faults = field(default_factory=Faults)
    admin: bool = False
    """Serve ``/_sandbox/*`` (to 127.0.0.1 only)."""
    clock: Callable[[], datetime] = field(default=utc_now, repr=False)
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_image_pixels: int = MAX_IMAGE_PIXELS
    request_key_lifetime: timedelta = REQUEST_KEY_LIFETIME
    token_lifetime: timedelta = TOKEN_LIFETIME
    issue_date_lock_after: int = ISSUE_DATE_LOCK_AFTER
    keep_uploads: bool = False
    """Hold the last few decrypted images in ``SandboxBackend.journal`` (QA: what really arrived)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> SandboxConfig:
        """Defaults, then ``SANDBOX_*`` variables, then explicit overrides (None means unset)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for name, var in (
            ("app_key", ENV_APPKEY),
            ("secret_key", ENV_SECRETKEY),
            ("uak_id", ENV_UAK_ID),
            ("uak_secret", ENV_UAK_SECRET),
            ("registry_path", ENV_REGISTRY),
        ):
            if env.get(var):
                values[name] = env[var]
        if env.get(ENV_SAMPLES):
            values["seed_dir"] = Path(env[ENV_SAMPLES])
        if env.get(ENV_ADMIN, "").strip().lower() in {"1", "true", "yes", "on"}:
            values["admin"] = True
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
