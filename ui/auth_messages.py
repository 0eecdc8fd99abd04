"""Why an authenticity request cannot be sent, in the UI language.

``ocr_core.AuthenticityRequest`` refuses a bad field with an English ``InputError`` whose wording
names the API field and the rule (never the value). Those messages are matched here, one pattern
per rule, and told again from ``ui.i18n``; the fields are named by their labels. A message no
pattern knows is shown as it came (English), so a new rule in ocr_core is never hidden — and
``tests/test_app_ui_units.py`` breaks every rule to keep this table complete.
"""
from __future__ import annotations

import re

from ocr_core import InputError
from ocr_core.fields import label
from ui.i18n import Lang, known_keys, text

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?P<field>\w+) must be a date written YYYYMMDD"), "au.err.date_format"),
    (re.compile(r"^(?P<field>\w+) is not a real calendar date"), "au.err.date_real"),
    (re.compile(r"^name must not be empty"), "au.err.name"),
    (re.compile(r"^residentNumber for resident must be"), "au.err.rrn_resident"),
    (re.compile(r"^residentNumber for driver must be"), "au.err.rrn_driver"),
    (re.compile(r"^driverLicenseNumber must be 12 digits"), "au.err.licence"),
    (re.compile(r"^serialNum must be 5 or 6"), "au.err.serial"),
    (re.compile(r"^passportNumber must be 9"), "au.err.passport"),
    (re.compile(r"^(?P<field>\w+) is required for idType (?P<id_type>\w+)"), "au.err.required"),
    (re.compile(r"^(?P<field>\w+) is not used for idType (?P<id_type>\w+)"), "au.err.unused"),
    (re.compile(r"^idType must be one of"), "au.err.id_type"),
)


def rule_key(exc: InputError) -> str | None:
    """The i18n key of the rule ``exc`` reports, or None for a message no pattern knows."""
    return next((key for pattern, key in _RULES if pattern.match(str(exc))), None)


def request_problem(exc: InputError, lang: Lang) -> str:
    """``exc`` told in ``lang``: the rule, with the field's label and the document's name."""
    message = str(exc)
    for pattern, key in _RULES:
        found = pattern.match(message)
        if found is None:
            continue
        groups = found.groupdict()
        fields: dict[str, str] = {}
        if "field" in groups:
            fields["field"] = label(groups["field"], lang)
        if "id_type" in groups:
            type_key = f"au.type.{groups['id_type']}"
            fields["id_type"] = text(type_key, lang) if type_key in known_keys() else groups["id_type"]
        return text(key, lang, **fields)
    return message
