"""``python -m l10n merge`` moves strings still written in ``ui/i18n.py``'s ``_STRINGS`` dict (the
old style) into the ``.po`` files; ``python -m l10n check`` verifies both catalogues agree.

Both rewrite or read ``l10n/locales/{en,ko}/LC_MESSAGES/studio.po`` with Babel, keeping every
existing message, its plural forms and its comments.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from l10n import LANGS, _key, catalog, po_path, templates


def _write(lang: str, cat: Catalog) -> None:
    with po_path(lang).open("wb") as handle:
        write_po(handle, cat, width=100, omit_header=False, sort_output=False)


def merge(pending: Mapping[str, tuple[str, str]]) -> int:
    """Add (or replace) ``key: (english, korean)`` pairs in the catalogues; returns how many."""
    for index, lang in enumerate(LANGS):
        cat = catalog(lang)
        for key, pair in pending.items():
            if key in cat:  # Catalog.add keeps an existing message's text: replace it
                cat.delete(key)
            cat.add(key, pair[index])
        _write(lang, cat)
    return len(pending)


def check() -> list[str]:
    """Problems: keys missing in a language, empty texts, or fields that differ between languages."""
    problems = []
    en_keys = {_key(m.id) for m in catalog("en") if m.id}
    ko_keys = {_key(m.id) for m in catalog("ko") if m.id}
    problems += [f"{k}: missing in ko" for k in sorted(en_keys - ko_keys)]
    problems += [f"{k}: missing in en" for k in sorted(ko_keys - en_keys)]
    for key in sorted(en_keys & ko_keys):
        forms = {lang: templates(key, lang) for lang in LANGS}
        if any(not f.strip() for fs in forms.values() for f in fs):
            problems.append(f"{key}: empty text")
        fields = {frozenset(re.findall(r"{(\w+)", f)) for fs in forms.values() for f in fs}
        if len(fields) > 1:
            problems.append(f"{key}: fields differ between forms or languages")
    return problems


HANDOVER = Path(__file__).resolve().parent.parent / "ui" / "i18n.py"
"""Where new strings wait for ``merge``: ``ui/i18n.py``'s ``_STRINGS`` dict."""


def pending_strings(path: Path = HANDOVER) -> dict[str, tuple[str, str]]:
    """The ``_STRINGS`` dict of ``ui/i18n.py``, read from the file as data: ``l10n`` sits below ``ui`` in the
    layers (``.importlinter``) and never imports it."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target: ast.expr
        value: ast.expr | None
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id == "_STRINGS" and value is not None:
            strings = ast.literal_eval(value)
            return {str(key): (str(en), str(ko)) for key, (en, ko) in strings.items()}
    raise ValueError(f"no _STRINGS dict in {path}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["merge"]:
        print(f"merged {merge(pending_strings())} strings; now empty ui/i18n.py's _STRINGS", file=sys.stderr)
        return 0
    if argv[:1] == ["check"]:
        problems = check()
        print("\n".join(problems) or "catalogues agree")
        return 1 if problems else 0
    print("usage: python -m l10n {merge|check}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
