"""The dashboard's words and the one function that picks the language.

Pages call ``t("key", **fields)``; the text comes from the gettext catalogue in ``l10n/`` (``.po``
files, plural forms by ``n``), the language from the sidebar switch (``LANG_KEY``) and, before the
user chooses, from the browser's locale. Field names of the API come from ``ocr_core.fields``.

``_STRINGS`` below is the hand-over point for branches written before the catalogue: a string added
there as ``"key": ("English", "한국어")`` works at once (it wins over the catalogue), and
``python -m l10n merge`` moves it into the ``.po`` files, after which the dict is emptied again.
See docs/development.md, "Adding or translating a string".
"""

from __future__ import annotations

import streamlit as st

import l10n
from l10n import LANGS, Lang
from l10n.particles import attach

__all__ = [
    "LANGS",
    "LANG_KEY",
    "LANG_NAMES",
    "Lang",
    "api_value",
    "current_lang",
    "default_lang",
    "field_label",
    "known_keys",
    "label_of",
    "resync",
    "t",
    "text",
    "translated",
]

LANG_KEY = "lang"
LANG_NAMES: dict[Lang, str] = {"en": "English", "ko": "한국어"}

_STRINGS: dict[str, tuple[str, str]] = {
    # Strings not yet in l10n/locales/*/LC_MESSAGES/studio.po: "key": ("English", "한국어"),
}


def text(key: str, lang: Lang, /, **fields: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``fields``. Unknown keys raise KeyError."""
    pending = _STRINGS.get(key)
    if pending is not None:
        template = pending[1] if lang == "ko" else pending[0]
        said = template.format(**fields) if fields else template
        return attach(said) if lang == "ko" else said
    return l10n.message(key, lang, **fields)


def default_lang() -> Lang:
    """Korean when the browser asks for it, else English."""
    try:
        locale = st.context.locale or ""
    except Exception:  # noqa: BLE001 - no browser context (bare script, some test runners)
        locale = ""
    return "ko" if locale.lower().startswith("ko") else "en"


def current_lang() -> Lang:
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGS else default_lang()


def api_value(value: str | None) -> str:
    """An API value (``resident``, ``normal``…) in the UI language, the API's own word kept beside it."""
    if not value:
        return "–"
    key = f"val.{value}"
    return t(key) if key in known_keys() else value


def t(key: str, /, **fields: object) -> str:
    return text(key, current_lang(), **fields)


def label_of(family: str, name: str, lang: str) -> str:
    """The catalogue's label for a check or field name (``check.luhn``, ``quality.glare``); the name
    itself when the catalogue has none."""
    key = f"{family}.{name}"
    return text(key, "ko" if lang == "ko" else "en") if key in known_keys() else name


def field_label(key: str, lang: str) -> str:
    """The label of an API field (``field.<key>`` in the catalogue); an unknown key as itself."""
    return label_of("field", key, lang)


def known_keys() -> frozenset[str]:
    return l10n.message_keys() | frozenset(_STRINGS)


_RESYNC_KEY = "_translated_widgets"


def translated(key: str) -> str:
    """Register the key of a widget whose option labels are translated, and return it.

    Selection widgets hold their value as the *label* of the chosen option; after a language
    switch the browser still holds the old label and would show nothing selected. ``resync``
    writes each registered value back, so Streamlit sends it again under the new label."""
    keys = st.session_state.setdefault(_RESYNC_KEY, set())
    keys.add(key)
    return key


def resync() -> None:
    """``on_change`` of the language switch (see ``translated``)."""
    for key in st.session_state.get(_RESYNC_KEY, set()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
