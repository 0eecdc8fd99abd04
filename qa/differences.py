"""Where a read differs from truth, told without the characters themselves.

A misread field is compared with its expected value before either is masked (both plain, in the run's
process only): :func:`differences` keeps only *positions and kinds* — "digit 7 of 16 read wrong", "a
character missing after 12" — so it can be stored and shown beside two values masked by the same rule
(``ocr_core.masking``), and a QA engineer sees the error without unmasking anything. Positions count the
characters scoring compares (``qa.truth.normalise``: spaces, dashes, dots and slashes aside), from 1.
"""

from __future__ import annotations

import difflib
import html
from typing import Any

from qa.truth import normalise
from qa.words import word

Diff = dict[str, Any]
"""``{"of": n, "read_of": m, "changes": [{"kind", "at", "char"}],
"expected_marks": [..], "read_marks": [..]}``"""


def _char_kind(ch: str) -> str:
    return "digit" if ch.isdigit() else "letter" if ch.isalpha() else "char"


def differences(expected: str | None, read: str | None) -> Diff | None:
    """The differences of ``read`` from ``expected`` (both plain); None when they match or there is no truth.

    A field not read at all is one change, ``unread``."""
    if expected is None:
        return None
    exp = normalise(expected)
    if read is None:
        return {
            "of": len(exp),
            "read_of": 0,
            "changes": [{"kind": "unread", "at": 0, "char": "char"}],
            "expected_marks": list(range(1, len(exp) + 1)),
            "read_marks": [],
        }
    got = normalise(read)
    if exp == got:
        return None
    changes: list[dict[str, Any]] = []
    exp_marks: list[int] = []
    read_marks: list[int] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, exp, got, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                if i1 + k < i2 and j1 + k < j2:
                    changes.append({"kind": "wrong", "at": i1 + k + 1, "char": _char_kind(exp[i1 + k])})
                    exp_marks.append(i1 + k + 1)
                    read_marks.append(j1 + k + 1)
                elif i1 + k < i2:
                    changes.append({"kind": "missing", "at": i1 + k + 1, "char": _char_kind(exp[i1 + k])})
                    exp_marks.append(i1 + k + 1)
                else:
                    changes.append({"kind": "extra", "at": i2, "char": _char_kind(got[j1 + k])})
                    read_marks.append(j1 + k + 1)
        elif op == "delete":
            for i in range(i1, i2):
                changes.append({"kind": "missing", "at": i + 1, "char": _char_kind(exp[i])})
                exp_marks.append(i + 1)
        else:  # insert
            for j in range(j1, j2):
                changes.append({"kind": "extra", "at": i1, "char": _char_kind(got[j])})
                read_marks.append(j + 1)
    return {
        "of": len(exp),
        "read_of": len(got),
        "changes": changes,
        "expected_marks": exp_marks,
        "read_marks": read_marks,
    }


MOST_CHANGES = 4
"""Changes worded one by one; more are summed up ("and 5 more")."""


def describe(diff: Diff | None, lang: str) -> str:
    """The differences in words: ``digit 7 of 16 read wrong; a letter missing at 3 of 8``; "" for none."""
    if not diff:
        return ""
    parts = []
    for change in diff["changes"][:MOST_CHANGES]:
        kind = word(f"qa.char.{change['char']}", lang)
        parts.append(word(f"qa.diff.{change['kind']}", lang, kind=kind, at=change["at"], of=diff["of"]))
    more = len(diff["changes"]) - MOST_CHANGES
    if more > 0:
        parts.append(word("qa.diff.more", lang, n=more))
    return "; ".join(parts)


def _is_counted(ch: str) -> bool:
    return normalise(ch) != ""


def marked(
    value: str | None, marks: list[int], *, left: str = "[", right: str = "]", escape: bool = False
) -> str:
    """A masked value with the differing characters marked.

    ``value`` (masked) with the characters at ``marks`` (positions as :func:`differences` counts them)
    wrapped in ``left``/``right``: ``439631******978[3]``; ``escape`` for HTML (``<mark>``)."""
    if value is None:
        return "–"
    chosen = set(marks)
    out, index = [], 0
    for ch in value:
        shown = html.escape(ch) if escape else ch
        if _is_counted(ch):
            index += 1
            if index in chosen:
                shown = f"{left}{shown}{right}"
        out.append(shown)
    return "".join(out)
