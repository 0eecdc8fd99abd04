"""``streamlit run``, with ``pages/`` known to be plain page scripts of ``st.navigation``.

Streamlit decides once per server process, when the first session starts, whether the app uses the
legacy ``pages/`` folder routing (``PagesManager.uses_pages_directory``: true when a ``pages`` folder
is beside the main script). Only a call of ``st.navigation`` turns that off, so the *first* script run
of a fresh server goes through the legacy router: a first visitor's deep link such as ``/id-card``
answers "Page not found", and one that matches a file name (``/settings``) runs that script bare,
without this app's sidebar. Every later session is routed by ``app.py`` as intended. Deciding
before the first session removes that first-visitor difference; ``tests/test_browser_routes.py``
shows it (each of its servers gets a deep link as its very first request).

    python -m ui.launch run app.py [streamlit options]     (what ``./studio run`` does)
"""
from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli


def main() -> None:
    PagesManager.uses_pages_directory = False  # app.py routes with st.navigation
    sys.argv[0] = "streamlit"
    cli.main()


if __name__ == "__main__":
    main()
