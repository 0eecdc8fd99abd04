"""Why an authenticity request cannot be sent, in the UI language.

``ocr_core.AuthenticityRequest`` refuses a bad field with an ``InputError`` that names the rule
broken (``rule``), the API field and the document type; each rule is told here from ``ui.i18n``
(``au.err.<rule>``), the field by its label. A rule without words here is shown as ocr_core
wrote it (English), so a new rule is never hidden — ``tests/test_app_ui_units.py`` breaks every
rule to keep the table complete.
"""

from __future__ import annotations

from ocr_core import InputError
from ui.i18n import Lang, field_label, known_keys, text


def rule_key(exc: InputError) -> str | None:
    """The i18n key of the rule ``exc`` reports, or None when the UI has no words for it."""
    rule = getattr(exc, "rule", None)
    key = f"au.err.{rule}"
    return key if rule and key in known_keys() else None


def request_problem(exc: InputError, lang: Lang) -> str:
    """``exc`` told in ``lang``: the rule, with the field's label and the document's name."""
    key = rule_key(exc)
    if key is None:
        return str(exc)
    fields: dict[str, str] = {}
    if exc.field:
        fields["field"] = field_label(exc.field, lang)
    if exc.id_type:
        type_key = f"au.type.{exc.id_type}"
        fields["id_type"] = text(type_key, lang) if type_key in known_keys() else exc.id_type
    return text(key, lang, **fields)
