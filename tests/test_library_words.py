"""The library speaks in codes: no Korean words in ``ocr_core``'s code (issue 8).

Texts for people live in the message catalogue (``l10n/``); the library emits codes and parameters.
Korean may appear in ``ocr_core`` only in docstrings and comments, and as text *read from a document*
that the code must recognise (a licence's region names, the sex printed on a passport's data page).
"""

from __future__ import annotations

import ast
import io
import itertools
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest

import l10n
import ocr_core
from ocr_core import (
    AuthenticityRequest,
    InputError,
    OcrClient,
    RequestKey,
    Settings,
    SettingsError,
    hangul_names,
    validators,
)

HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
LIBRARY = Path(ocr_core.__file__).resolve().parent
DOCUMENT_TEXT = (
    set(validators.LICENCE_REGIONS)
    | set(validators.PRINTED_SEX.values())
    | set(hangul_names.SURNAME_SPELLINGS)
)
"""Korean the validators read on documents (regions, sex, surnames); everything else Korean belongs in
the catalogue."""


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        if (
            isinstance(node, nodes)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            found.add(id(body[0].value))
        # attribute docstrings: a bare string right after an assignment
        for first, second in itertools.pairwise(body):
            if (
                isinstance(first, (ast.Assign, ast.AnnAssign))
                and isinstance(second, ast.Expr)
                and isinstance(second.value, ast.Constant)
            ):
                found.add(id(second.value))
    return found


def korean_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and HANGUL.search(node.value)
    ]


def test_no_korean_words_in_the_library() -> None:
    files = sorted(LIBRARY.rglob("*.py"))
    assert len(files) > 15
    found = [
        f"{path.relative_to(LIBRARY.parent)}:{line}: {value!r}"
        for path in files
        for line, value in korean_literals(path)
        if value not in DOCUMENT_TEXT
    ]
    assert not found, "Korean words belong in l10n/locales/ko (emit a code):\n" + "\n".join(found)


def test_the_check_catches_a_korean_message(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        (
            '"""문서 설명."""\nX = 1\n"""속성 설명."""\n\n\n'
            'def f() -> str:\n    return "숫자가 아닙니다"  # 주석\n'
        ),
        encoding="utf-8",
    )
    assert korean_literals(module) == [(7, "숫자가 아닙니다")]


# --- local input refused: a rule and its facts, worded by the catalogue ------------------------------


def _refusals() -> list[InputError]:
    """One InputError of every rule ocr_core raises outside AuthenticityRequest (whose rules are
    worded by ui/auth_messages.py), as the library raises them."""
    from ocr_core.cli import _read_image

    found: list[InputError] = []

    def catch(call: Callable[[], object]) -> None:
        with pytest.raises(InputError) as info:
            call()
        found.append(info.value)

    with OcrClient(Settings(base_url="http://127.0.0.1:9", app_key="k", secret_key="s")) as client:
        for image in ("text", b"", b"\xff\xd8\xff" + bytes(21 * 1024 * 1024), b"GIF89a"):
            catch(partial(client.analyze_credit_card, image))  # type: ignore[arg-type]  # "text": not bytes, on purpose
        spent = RequestKey.issued_now("rk")
        spent.mark_spent()
        old = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
        request = AuthenticityRequest(
            "resident", "홍길동", resident_number="900115-1289153", issue_date="20190514"
        )
        keys: tuple[RequestKey | str, ...] = (spent, RequestKey("rk", old, old + timedelta(hours=1)), " ")
        for key in keys:
            catch(partial(client.verify_authenticity, key, request))
    catch(lambda: Settings(app_key=None, api_version="v2.1").require_credentials())
    catch(lambda: Settings(base_url="ftp://x"))
    catch(lambda: _read_image(Path("/nonexistent/card.png")))
    return found


def test_every_refusal_names_a_rule_worded_in_both_languages_as_it_was() -> None:
    refusals = _refusals()
    assert len({e.rule for e in refusals}) == len(refusals) == 10
    for err in refusals:
        english, korean = l10n.input_problem(err, "en"), l10n.input_problem(err, "ko")
        assert english == str(err), err.rule  # the CLI and the dashboard say what they said before
        assert korean and HANGUL.search(korean) and korean != english, err.rule
    assert l10n.input_problem(InputError("no rule"), "ko") is None


def test_the_dashboard_and_the_cli_word_a_refusal_in_the_chosen_language() -> None:
    from ocr_core.cli import _report_error
    from ui.errors import describe

    err = SettingsError(
        "missing",
        rule="missing_credentials",
        params={"api_version": "v2.0", "missing": (("secret_key", "NHN_OCR_SECRETKEY"),)},
    )
    assert (
        describe(err, "ko")[0]
        == "전송하지 않았습니다: API v2.0에 필요한 설정이 없습니다: secretKey (NHN_OCR_SECRETKEY)"
    )
    said = io.StringIO()
    _report_error(err, False, io.StringIO(), said, "ko")
    assert (
        said.getvalue().strip() == "error: API v2.0에 필요한 설정이 없습니다: secretKey (NHN_OCR_SECRETKEY)"
    )
