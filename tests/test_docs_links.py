"""The README and docs/ link only to files and sections that exist, and cite nothing outside the repository.

A newcomer follows these links first: a link to a moved section, or a citation of a vendor note that is
not checked in (the old ``spec/API_NOTES.md``), is a dead end.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to dashes."""
    text = unicodedata.normalize("NFC", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {_anchor(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def test_the_anchor_rule_matches_githubs():
    assert _anchor("Dependencies, and why each is here") == "dependencies-and-why-each-is-here"
    assert _anchor("Sign-in, roles, quotas and the audit trail") == "sign-in-roles-quotas-and-the-audit-trail"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_reaches_a_file_and_section(page):
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        path, _, fragment = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        missing_section = (
            bool(fragment) and dest.suffix == ".md" and dest.exists() and fragment not in _anchors(dest)
        )
        if not dest.exists() or missing_section:
            broken.append(target)
    assert not broken, f"{page.name}: {broken}"


def test_nothing_cites_the_vendor_notes_that_are_not_in_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    citing = [
        name
        for name in tracked
        if name.endswith((".py", ".md", ".toml", ".conf", ".txt"))
        and "API_NOTES" in (ROOT / name).read_text(encoding="utf-8", errors="replace")
        and name != "tests/test_docs_links.py"
    ]
    assert not citing, f"cite docs/vendor-api.md instead: {citing}"
