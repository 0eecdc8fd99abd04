"""Document OCR Studio — the router: ``st.navigation`` and the shared sidebar. Nothing else.

Run it with ``./studio run`` (or ``streamlit run app.py``); it serves on the embedded sandbox
unless NHN Cloud credentials are configured (see the Settings page).
"""

from __future__ import annotations

import streamlit as st

from access import Action, Identity, allowed
from ui.access import user_box
from ui.i18n import t
from ui.icon import app_icon
from ui.presenter import switch as presenter_switch
from ui.session import presenter_view
from ui.sidebar import BASE_CSS, PRESENTER_CSS, backend_badge, preferences, sidebar_choice
from ui.sign_in import gate

# The home page is the default page, at "/". Streamlit serves its default page at "/" *only*:
# whatever its url_path, that path answers "page not found" when opened cold. So the home page has
# no other URL, and every other page keeps its own. (A comment, not a string: a bare string in the
# app script is drawn on every page by Streamlit's "magic".)


def pages(identity: Identity | None = None) -> dict[str, list[st.Page]]:
    """Every page by section (scripts in ``pages/``; Audit only for those allowed to audit), the
    home page first, at "/"."""
    return {
        "": [st.Page("pages/home.py", title=t("page.home"), icon=":material/home:", default=True)],
        t("nav.analyse"): [
            st.Page(
                "pages/credit_card.py",
                title=t("page.credit_card"),
                icon=":material/credit_card:",
                url_path="credit-card",
            ),
            st.Page("pages/id_card.py", title=t("page.id_card"), icon=":material/badge:", url_path="id-card"),
            st.Page(
                "pages/stand_alone.py",
                title=t("page.stand_alone"),
                icon=":material/id_card:",
                url_path="stand-alone",
            ),
        ],
        t("nav.verify"): [
            st.Page(
                "pages/authenticity.py",
                title=t("page.authenticity"),
                icon=":material/verified_user:",
                url_path="authenticity",
            ),
            st.Page(
                "pages/compare.py", title=t("page.compare"), icon=":material/compare:", url_path="compare"
            ),
        ],
        t("nav.qa"): [
            st.Page("pages/qa_lab.py", title=t("page.lab"), icon=":material/science:", url_path="qa-lab"),
            st.Page("pages/runs.py", title=t("page.runs"), icon=":material/history:", url_path="runs"),
        ],
        t("nav.setup"): [
            st.Page(
                "pages/settings.py", title=t("page.settings"), icon=":material/settings:", url_path="settings"
            ),
            *admin_pages(identity),
        ],
    }


# The pages only admins see: (script, title, icon, URL, the action it needs). (A comment: a bare string
# here would be drawn on every page by Streamlit's "magic".)
ADMIN_PAGES = (
    ("pages/roles.py", "page.roles", ":material/group:", "roles", Action.SETTINGS),
    ("pages/audit.py", "page.audit", ":material/policy:", "audit", Action.AUDIT),
)


def admin_pages(identity: Identity | None) -> list[st.Page]:
    """For admins, in the menu; for anyone else signed in, hidden but there: the page's own check
    explains the refusal and audits it (``ui.access.refused_page``), instead of "Page not found"."""
    return [
        st.Page(
            script,
            title=t(title),
            icon=icon,
            url_path=url,
            visibility="visible" if allowed(identity, action) else "hidden",
        )
        for script, title, icon, url, action in ADMIN_PAGES
        if identity is not None
    ]


def signed_out_pages() -> list[st.Page]:
    """Every page URL answers with the sign-in page alone: no page script runs for a visitor."""
    urls = [page.url_path for group in pages().values() for page in group if page.url_path] + [
        url for _, _, _, url, _ in ADMIN_PAGES
    ]
    return [st.Page(_signed_out, title=t("acc.sign_in"), default=True)] + [
        st.Page(_signed_out, title=t("acc.sign_in"), url_path=url) for url in urls
    ]


def _signed_out() -> None:
    """Drawn by ``gate`` before navigation; nothing more to show."""


def main() -> None:
    st.set_page_config(page_title=t("app.title"), page_icon=app_icon(), layout="wide")
    identity = gate()
    if identity is None:
        st.navigation(signed_out_pages(), position="hidden").run()
        return
    page = st.navigation(pages(identity))
    user_box(identity)
    preferences(may_unmask=allowed(identity, Action.UNMASK))
    presenter_switch()
    sidebar_choice()  # sandbox or NHN Cloud for analyses, within what the role may use
    badge = st.sidebar.container()  # filled after the page, so it shows key versions this run fetched
    st.html(BASE_CSS)
    if presenter_view():
        st.html(PRESENTER_CSS)
    page.run()
    with badge:
        backend_badge()


main()
