"""The message catalogue of the dashboard and the command line: gettext ``.po`` files, one per language.

``l10n/locales/{lang}/LC_MESSAGES/studio.po`` hold every user-facing string under a stable key
(the msgid, e.g. ``q.summary_warn``); a third language is a third file. The ``.po`` sources are
compiled in memory with Babel when first used (nothing binary is committed). A message with plural
forms (``msgid_plural``) is chosen by its ``n`` field with the language's own plural rule
(``Plural-Forms``), so English says "1 warning"/"2 warnings" and Korean has one form.

Fields are ``str.format`` fields: ``message("q.summary_warn", "en", n=2)``. Libraries emit codes and
parameters; only the UI and the CLI turn them into words, through here.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from l10n.particles import attach

__all__ = [
    "DOMAIN",
    "LANGS",
    "LOCALES",
    "Lang",
    "api_error",
    "catalog",
    "check_detail",
    "has",
    "input_problem",
    "message",
    "message_keys",
    "rejection",
    "templates",
]

Lang = Literal["en", "ko"]
LANGS: tuple[Lang, ...] = ("en", "ko")
DOMAIN = "studio"
LOCALES = Path(__file__).resolve().parent / "locales"


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalog(lang: str) -> Catalog:
    """The parsed ``.po`` file of ``lang`` (Babel's ``read_po``)."""
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


@cache
def _translations(lang: str) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog(lang))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def _plural_keys(lang: str) -> frozenset[str]:
    return frozenset(m.id[0] for m in catalog(lang) if m.id and m.pluralizable and isinstance(m.id, tuple))


@cache
def message_keys() -> frozenset[str]:
    """Keys present in every language."""
    sets = [frozenset(_key(m.id) for m in catalog(lang) if m.id) for lang in LANGS]
    return frozenset.intersection(*sets)


def has(key: str) -> bool:
    return key in message_keys()


def message(key: str, lang: str, /, **fields: object) -> str:
    """The message ``key`` in ``lang`` (English for any other language), formatted with ``fields``.

    Unknown keys raise KeyError. A plural message needs an integer ``n``.
    """
    lang = lang if lang in LANGS else "en"
    if key not in message_keys():
        raise KeyError(key)
    translations = _translations(lang)
    if key in _plural_keys(lang):
        n = fields.get("n")
        if not isinstance(n, int):
            raise TypeError(f"{key} has plural forms: pass an integer n")
        template = translations.ngettext(key, key, n)
    else:
        template = translations.gettext(key)
    said = template.format(**fields) if fields else template
    return attach(said) if lang == "ko" else said


def templates(key: str, lang: str) -> tuple[str, ...]:
    """Every form of ``key`` in ``lang`` (one, or one per plural form), unformatted: for checks."""
    entry = catalog(lang).get(key)
    if entry is None:
        raise KeyError(key)
    forms = entry.string if isinstance(entry.string, (tuple, list)) else (entry.string,)
    return tuple(form or "" for form in forms)


def _key(msgid: str | tuple[str, ...] | list[str]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def name_list(names: list[str], most: int = 10) -> str:
    """``a, b, c`` for a message's ``{names}`` — at most ``most`` names, then how many more."""
    return ", ".join(names[:most]) + (f", … (+{len(names) - most})" if len(names) > most else "")


def _mb(n: object) -> str:
    return f"{int(str(n)) / (1024 * 1024):.1f} MB"


def rejection(code: str, params: Mapping[str, object], lang: str) -> str:
    """Why an image was refused (``ocr_core.imaging.ImageRejected``'s code and params), in ``lang``."""
    fields: dict[str, object] = dict(params)
    if "size_bytes" in params:
        fields["size"] = _mb(params["size_bytes"])
    if "limit_bytes" in params:
        fields["limit"] = _mb(params["limit_bytes"])
    if "limit_pixels" in params:
        fields["limit"] = f"{int(str(params['limit_pixels'])) / 1e6:.0f} MP"
    key = f"reject.{code}"
    if code == "bomb":
        if "width" in params:
            fields["mp"] = f"{int(str(params['width'])) * int(str(params['height'])) / 1e6:.0f}"
        else:
            key = "reject.bomb_undeclared"
    return message(key, lang, **fields)


def input_problem(err: object, lang: str) -> str | None:
    """Why local input was refused, in the user's language.

    Why local input was refused (an ``ocr_core.InputError``'s ``rule`` and ``params``), in ``lang``:
    the catalogue's ``input.<rule>``; None when the error names no rule worded there (then its own
    English message is all there is). Missing credentials are named one by one (``input.setting.*``)."""
    rule = getattr(err, "rule", None)
    if not isinstance(rule, str) or not has(f"input.{rule}"):
        return None
    fields: dict[str, object] = dict(getattr(err, "params", None) or {})
    missing = fields.pop("missing", None)
    if isinstance(missing, (tuple, list)):
        fields["missing"] = ", ".join(
            message(f"input.setting.{name}", lang, env=env) for name, env in missing
        )
    if "size_bytes" in fields:
        fields["size"] = f"{int(str(fields.pop('size_bytes'))) / 1048576:.1f}"
    if "limit_bytes" in fields:
        fields["limit"] = str(int(str(fields.pop("limit_bytes"))) // 1048576)
    return message(f"input.{rule}", lang, **fields)


def check_detail(reason: str, params: Mapping[str, object], lang: str) -> str:
    """Why a validator check passed or failed, in the user's language.

    Why a validator check passed or failed (``ocr_core.validators.Check``'s reason and params), in
    ``lang``: ``vr.<reason>``; ``parts`` (the MRZ parts that disagree) are worded one by one, and a
    failed MRZ line 1 (``line1``: its own reason) is worded inside ``vr.line1``."""
    fields: dict[str, object] = dict(params)
    parts = fields.pop("parts", None)
    if isinstance(parts, (tuple, list)):
        fields["parts"] = ", ".join(message(f"vr.part.{part}", lang) for part in parts)
    inner = fields.pop("line1", None)
    if isinstance(inner, str):
        return message(f"vr.{reason}", lang, detail=check_detail(inner, fields, lang))
    return message(f"vr.{reason}", lang, **fields)


def api_error(result_code: int, lang: str) -> tuple[str, str]:
    """What a result code means and what to do, in the user's language.

    (what the result code means, what to do) in ``lang``; codes the guide does not list get an
    honest generic entry."""
    prefix = f"code.{result_code}" if has(f"code.{result_code}.explanation") else "code.unknown"
    return (
        message(f"{prefix}.explanation", lang, code=result_code)
        if prefix == "code.unknown"
        else message(f"{prefix}.explanation", lang),
        message(f"{prefix}.action", lang),
    )
