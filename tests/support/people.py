"""The people of the sign-in AppTests (an admin, an analyst by group, a viewer by domain) and the app
opened as one of them: ``st.user`` seeded as Streamlit's AppTest allows, ``[auth]``/``[access]``/``[quotas]``
in the test's secrets."""

from __future__ import annotations

from typing import Any

from tests.support.apptest import APP, TIMEOUT

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "c" * 64,
    "client_id": "studio",
    "client_secret": "s",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/x",
}
ACCESS = {"admins": ["ada@corp.test"], "analysts": ["group:ocr-analysts"], "viewers": ["@corp.test"]}
PEOPLE: dict[str, dict[str, Any]] = {
    "admin": {"email": "ada@corp.test", "name": "Ada Admin"},
    "analyst": {"email": "ann@corp.test", "name": "Ann Analyst", "groups": ["ocr-analysts"]},
    "viewer": {"email": "vic@corp.test", "name": "Vic Viewer"},
}


def open_as(who: str | None, page: str | None = None, quotas: dict | None = None, **state):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = ACCESS
    if quotas is not None:
        at.secrets["quotas"] = quotas
    at.user = {"is_logged_in": False} if who is None else {"is_logged_in": True, **PEOPLE[who]}
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at
