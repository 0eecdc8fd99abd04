"""The library speaks in codes: no Korean words in ``ocr_core``'s code (issue 8).

Texts for people live in the message catalogue (``l10n/``); the library emits codes and parameters.
Korean may appear in ``ocr_core`` only in docstrings and comments, and as text *read from a document*
that the code must recognise (a licence's region names, the sex printed on a passport's data page).
"""
from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import ocr_core
from ocr_core import validators

HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
LIBRARY = Path(ocr_core.__file__).resolve().parent
DOCUMENT_TEXT = set(validators.LICENCE_REGIONS) | set(validators.PRINTED_SEX.values())
"""Korean the validators read on documents; everything else Korean belongs in the catalogue."""


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        if isinstance(node, nodes) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            found.add(id(body[0].value))
        # attribute docstrings: a bare string right after an assignment
        for first, second in itertools.pairwise(body):
            if isinstance(first, (ast.Assign, ast.AnnAssign)) and isinstance(second, ast.Expr) \
                    and isinstance(second.value, ast.Constant):
                found.add(id(second.value))
    return found


def korean_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
            and HANGUL.search(node.value)]


def test_no_korean_words_in_the_library() -> None:
    files = sorted(LIBRARY.rglob("*.py"))
    assert len(files) > 15
    found = [f"{path.relative_to(LIBRARY.parent)}:{line}: {value!r}" for path in files
             for line, value in korean_literals(path) if value not in DOCUMENT_TEXT]
    assert not found, "Korean words belong in l10n/locales/ko (emit a code):\n" + "\n".join(found)


def test_the_check_catches_a_korean_message(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""문서 설명."""\nX = 1\n"""속성 설명."""\n\n\ndef f() -> str:\n    return "숫자가 아닙니다"  # 주석\n',
                      encoding="utf-8")
    assert korean_literals(module) == [(7, "숫자가 아닙니다")]
