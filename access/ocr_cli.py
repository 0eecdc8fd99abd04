"""The studio's side of ``python -m ocr_core`` (``ocr_core.cli.CliHooks``, registered as the ``ocr_core.cli``
entry point in pyproject.toml): a billed call goes through the same door as the dashboard's
(``access.metering``: the quotas of ``[quotas]`` and the admins' Settings, one audit row with
``where = "cli"``), and errors are worded from the catalogue (``l10n``) in ``--lang``."""

from __future__ import annotations

from typing import Any

from access.ledger import QuotaExceeded
from access.metering import Door, command_line_user, door
from appconfig import SettingsProblem
from l10n import LANGS, api_error, input_problem, message, rejection
from ocr_core import InputError, OcrError, SettingsError
from ocr_core.cli import CliHooks
from ocr_core.imaging import ImageRejected


def meter(client: Any, user: str | None, masked: bool) -> Door:
    """The door of a billed command-line call, on the studio database migrated to head; a database that
    cannot be opened stops the call before anything is sent (it keeps the quotas and the audit trail)."""
    from sqlalchemy.exc import SQLAlchemyError

    from store import StoreUnavailable, default_url, engine_for, upgrade

    try:
        upgrade()
        return door(
            engine_for(),
            user=command_line_user(user),
            where="cli",
            backend="cloud",
            api_version=client.settings.api_version,
            masked=masked,
        )
    except SettingsProblem as err:  # a STUDIO_* value that cannot be used: named, nothing sent
        raise SettingsError(f"{err}; nothing was sent") from None
    except (StoreUnavailable, SQLAlchemyError) as err:
        problem = err if isinstance(err, StoreUnavailable) else StoreUnavailable.in_use(default_url(), err)
        raise SettingsError(
            f"{problem}; it keeps the quotas and the audit trail, so nothing was sent"
        ) from None


def describe(err: OcrError, lang: str) -> str | None:
    """An error's words in ``lang``, from the catalogue; None leaves the library's English."""
    if isinstance(err, ImageRejected):
        return rejection(err.code, err.params, lang)
    if isinstance(err, QuotaExceeded):
        return (
            message(
                f"err.quota_{err.scope}",
                lang,
                limit=err.limit,
                kind=message(f"err.quota_kind_{err.kind}", lang),
            )
            + " "
            + message("err.quota_action", lang)
        )
    if isinstance(err, InputError):
        return input_problem(err, lang)
    return None


hooks = CliHooks(meter=meter, describe=describe, api_error=api_error, langs=tuple(LANGS))
"""What pyproject.toml's ``[project.entry-points."ocr_core.cli"]`` names."""
