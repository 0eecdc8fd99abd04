"""The layers of ``.importlinter`` hold (pages → ui → qa → access → ocr_core | sandbox | store | l10n, no
cycle inside a package, no private module imported from outside its package), checked by the tool CI runs;
and the library's command line stays usable without the application that ships it."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

from ocr_core.cli import EXIT_USAGE, CliHooks, installed_hooks, main

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_every_import_contract_is_kept() -> None:
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], check=False, cwd=ROOT, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def imports_of_other_test_modules(source: str) -> list[str]:
    """The ``tests.test_*`` modules a test module's source imports, at any depth of the module."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] if node.module != "tests" else [f"tests.{a.name}" for a in node.names]
        found += [n for n in names if n.startswith("tests.test_")]
    return found


def test_no_test_module_imports_another() -> None:
    """What tests share lives in ``tests/support`` or ``harness``: a test module importing another runs
    that module's import-time set-up and ties the two together."""
    assert imports_of_other_test_modules("from tests.test_a import b\nimport tests.test_c\n") == [
        "tests.test_a",
        "tests.test_c",
    ]
    assert imports_of_other_test_modules("def f():\n    from tests import test_d\n") == ["tests.test_d"]
    offenders = {
        p.name: found
        for p in sorted((ROOT / "tests").glob("test_*.py"))
        if (found := imports_of_other_test_modules(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_a_library_module_reaching_up_breaks_the_layers(tmp_path: Path) -> None:
    """The check can fail: the same contracts on a copy of the packages where ``ocr_core`` imports
    ``store``."""
    skip = shutil.ignore_patterns("__pycache__", "*.png", "*.jpg", "*.jpeg", "*.json", "*.po")
    for package in (
        "ocr_core",
        "sandbox",
        "store",
        "appconfig",
        "l10n",
        "access",
        "qa",
        "ui",
        "pages",
        "bench",
        "samples",
        "harness",
        "tests",
    ):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=skip)
    (tmp_path / "ocr_core" / "reaching_up.py").write_text("import store\n", encoding="utf-8")
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    done = subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tmp_path / ".importlinter"), "--no-cache"],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode != 0, done.stdout + done.stderr
    assert "ocr_core.reaching_up -> store" in done.stdout, done.stdout + done.stderr


def test_the_studio_registers_its_meter_and_words_for_the_library_cli() -> None:
    hooks = installed_hooks()
    assert hooks.meter is not None and hooks.describe is not None and hooks.langs == ("en", "ko")


def test_without_a_meter_a_billed_call_is_refused_before_anything_is_sent() -> None:
    card = ROOT / "samples" / "cards" / "visa_blue_flat.png"
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "--base-url",
            "https://api-ocr.nhncloudservice.com",
            "--app-key",
            "k",
            "--secret-key",
            "s",
            "credit-card",
            str(card),
        ],
        out=out,
        err_out=err,
        hooks=CliHooks(),
    )
    assert code == EXIT_USAGE
    assert "no meter is installed" in err.getvalue() and "nothing was sent" in err.getvalue()


def test_l10n_merge_reads_the_handover_dict_as_data(tmp_path: Path) -> None:
    """``python -m l10n merge`` takes ``ui/i18n.py``'s ``_STRINGS`` from the file, not by importing ``ui``."""
    from l10n.__main__ import HANDOVER, pending_strings

    handover = tmp_path / "i18n.py"
    handover.write_text(
        'x = 1\n_STRINGS: dict[str, tuple[str, str]] = {\n    "a.b": ("A", "에이"),\n}\n', encoding="utf-8"
    )
    assert pending_strings(handover) == {"a.b": ("A", "에이")}
    assert HANDOVER == ROOT / "ui" / "i18n.py" and isinstance(pending_strings(), dict)
