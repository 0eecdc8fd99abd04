"""The lab's words and numbers as people read them, in English or Korean.

The lab's words and numbers as people read them, in English or Korean, for the pages, the CLI and
the reports alike: percentages, rounded milliseconds, "–" for nothing, and every status, service,
degradation and verdict from the message catalogue — never a Python value's ``repr``.

Messages come from ``l10n``'s catalogue (``qa`` never imports ``ui`` or Streamlit: the CLI runs without them).
"""

from __future__ import annotations

from typing import Any

import l10n

NOTHING = "–"


def word(key: str, lang: str, /, **fields: object) -> str:
    """The catalogue's ``key`` in ``lang`` (English for any other), formatted with ``fields``."""
    return l10n.message(key, lang, **fields)


def known(key: str) -> bool:
    return l10n.has(key)


def named(family: str, value: str | None, lang: str) -> str:
    """A value's word from the catalogue, in ``lang``.

    ``value`` of a family the catalogue names (``qa.deg.blur``, ``lab.status.done``, ``qa.svc.id-card``,
    ``qa.verdict.warn``) in ``lang``; the value itself when the catalogue has no word for it."""
    if value is None or value == "":
        return NOTHING
    key = f"{family}.{value}"
    return word(key, lang) if known(key) else str(value)


def status(value: str | None, lang: str) -> str:
    return named("lab.status", value, lang)


def service(value: str | None, lang: str) -> str:
    return named("qa.svc", value, lang)


def degradation(value: str | None, lang: str) -> str:
    return named("qa.deg", value, lang)


def verdict(value: str | None, lang: str) -> str:
    """A pre-flight verdict (pass / warn / fail)."""
    return named("qa.verdict", value, lang)


def result(code: int | None, message: str | None, state: str | None, lang: str) -> str:
    """An item's outcome in words.

    An item's outcome in words: the API's result code with what it means (``4000111 — No card was
    found…``, never the bare ``CREDIT_CARD_INFO_NOT_FOUND``), else the lab's own reason (an image refused
    before sending, a request lost on the wire), else its state."""
    if code is not None:
        return f"{code} — {l10n.api_error(code, lang)[0]}"
    return message or status(state, lang)


def yes_no(value: bool | None, lang: str) -> str:
    """An answer: "yes" / "no" ("예" / "아니요"), "–" for none."""
    return NOTHING if value is None else word("qa.yes" if value else "qa.no", lang)


def on_off(value: bool | None, lang: str) -> str:
    """A switch's state (preprocessing): "on" / "off" ("켬" / "끔"), "–" for none."""
    return NOTHING if value is None else word("lab.yes" if value else "lab.no", lang)


def pct(x: float | None, digits: int = 0) -> str:
    """``0.9667`` → ``97%``; None → ``–``."""
    return NOTHING if x is None else f"{100 * x:.{digits}f}%"


def signed_pct(x: float | None) -> str:
    """A change of a fraction in percentage points: ``+12 pp``, ``−3 pp``, ``±0 pp``."""
    if x is None:
        return NOTHING
    points = round(100 * x)
    return "±0 pp" if points == 0 else f"{points:+d} pp".replace("-", "−")


def ms(x: float | None) -> str:
    """``3215.2989`` → ``3,215 ms``."""
    return NOTHING if x is None else f"{round(x):,} ms"


def level(name: str, value: float | None, lang: str) -> str:
    """A sweep level with its unit: ``blur 3 σ px``; the image as given for ``none``."""
    if name == "none":
        return word("qa.as_given", lang)
    return f"{degradation(name, lang)} {NOTHING if value is None else format(value, 'g')}" + (
        f" {unit(name, lang)}" if unit(name, lang) else ""
    )


def unit(name: str, lang: str) -> str:
    return word(f"qa.unit.{name}", lang) if known(f"qa.unit.{name}") else ""


def text(value: Any) -> str:
    """Any cell as people read it: None → ``–``, a fraction-like float rounded, True/False as ✓/✗."""
    if value is None:
        return NOTHING
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:g}" if value.is_integer() else f"{value:.2f}"
    return str(value)
