"""Document OCR Studio — the router: ``st.navigation`` and the shared sidebar. Nothing else.

Run it with ``./studio run`` (or ``streamlit run app.py``); it serves on the embedded sandbox
unless NHN Cloud credentials are configured (see the Settings page).
"""
from __future__ import annotations

import streamlit as st

from ui.i18n import t
from ui.session import presenter_view
from ui.sidebar import PRESENTER_CSS, backend_badge, preferences


def pages() -> dict[str, list[st.Page]]:
    """The pages, grouped. URL paths never equal a file's own name: with a ``pages/`` folder present,
    Streamlit's legacy folder routing would otherwise run that file alone, without this frame."""
    return {
        t("nav.analyse"): [
            st.Page("pages/credit_card.py", title=t("page.credit_card"), icon=":material/credit_card:",
                    url_path="credit-card", default=True),
            st.Page("pages/id_card.py", title=t("page.id_card"), icon=":material/badge:", url_path="id-card"),
            st.Page("pages/stand_alone.py", title=t("page.stand_alone"), icon=":material/id_card:",
                    url_path="stand-alone"),
        ],
        t("nav.verify"): [
            st.Page("pages/authenticity.py", title=t("page.authenticity"), icon=":material/verified_user:",
                    url_path="verify"),
            st.Page("pages/compare.py", title=t("page.compare"), icon=":material/compare:", url_path="side-by-side"),
        ],
        t("nav.setup"): [
            st.Page("pages/settings.py", title=t("page.settings"), icon=":material/settings:",
                    url_path="setup"),
        ],
    }


def main() -> None:
    # An emoji favicon is inlined as SVG; a ":material/…:" one would be fetched from a Google CDN.
    st.set_page_config(page_title=t("app.title"), page_icon="🪪", layout="wide")
    page = st.navigation(pages())
    preferences()
    badge = st.sidebar.container()  # filled after the page, so it shows key versions this run fetched
    if presenter_view():
        st.html(PRESENTER_CSS)
    page.run()
    with badge:
        backend_badge()


main()
