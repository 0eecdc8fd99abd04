"""``docs/deployment.md`` renders the shipped nginx files with ``envsubst`` and a list of variables; the
nginx tests render them with that very command (``tests.support.tls_proxy``). Here: the lists name
every placeholder of their file and nothing else, so no ``${STUDIO_…}`` reaches nginx unfilled and
none of nginx's own ``$variables`` is emptied."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.support.tls_proxy import SSO_TEMPLATE, TEMPLATE, documented_envsubst, render_template

pytestmark = pytest.mark.skipif(
    shutil.which("envsubst") is None,
    reason="envsubst (Debian gettext-base) is missing: ./studio test installs it",
)


@pytest.mark.parametrize("template", [TEMPLATE, SSO_TEMPLATE], ids=lambda p: p.name)
def test_the_guides_envsubst_list_names_every_placeholder_of_its_file(template) -> None:
    placeholders = set(re.findall(r"\$\{(STUDIO_[A-Z_]+)\}", template.read_text(encoding="utf-8")))
    listed = documented_envsubst(template).split()
    assert all(re.fullmatch(r"\$\{STUDIO_[A-Z_]+\}", entry) for entry in listed), listed
    assert sorted(entry[2:-1] for entry in listed) == sorted(placeholders)


@pytest.mark.parametrize("template", [TEMPLATE, SSO_TEMPLATE], ids=lambda p: p.name)
def test_rendering_as_the_guide_does_fills_every_placeholder_and_keeps_nginx_variables(template) -> None:
    source = template.read_text(encoding="utf-8")
    names = set(re.findall(r"\$\{(STUDIO_[A-Z_]+)\}", source))
    rendered = render_template(template, {name: f"<{name.lower()}>" for name in names})
    assert "${STUDIO_" not in rendered and all(f"<{n.lower()}>" in rendered for n in names)
    nginx_vars = set(re.findall(r"\$[a-z_]+", source))
    assert nginx_vars and nginx_vars <= set(re.findall(r"\$[a-z_]+", rendered))
