"""Tell Streamlit, before its first session, that ``pages/`` holds page scripts of ``st.navigation``.

Streamlit decides once per server process, when the first session starts, whether the app uses the
legacy ``pages/`` folder routing (``PagesManager.uses_pages_directory``: true when a ``pages`` folder
is beside the main script). Only a call of ``st.navigation`` turns that off, so the *first* script run
of a fresh server goes through the legacy router (``_mpa_v1`` in Streamlit's script runner): a first
visitor's deep link such as ``/id-card`` answers "Page not found", and one that matches a file name
(``/settings``) runs that script bare, without this app's sidebar. Every later session is routed by
``app.py`` as intended. ``serve.py`` calls :func:`navigation_only` at import, before any session;
``tests/test_browser_routes.py`` shows the difference (a deep link is its server's first request).
"""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager


def navigation_only() -> None:
    PagesManager.uses_pages_directory = False
