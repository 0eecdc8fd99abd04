"""Whom each browser session of this process belongs to, for the server's own checks (``/media`` and
upload ownership in ``ui.media_guard``).

In OpenID Connect mode Streamlit keeps the signed-in user in the session; in proxy-header mode it
keeps nothing, so the page run that establishes the identity (``ui.access.current_identity``) notes it
here. Process memory only, as Streamlit's sessions are; e-mail addresses, no secrets.
"""

from __future__ import annotations

import threading

_owners: dict[str, str] = {}
_lock = threading.Lock()
_MAX_SESSIONS = 100_000


def remember(session_id: str, email: str) -> None:
    with _lock:
        if len(_owners) >= _MAX_SESSIONS:  # sessions that ended long ago: forget the oldest half
            for stale in list(_owners)[: _MAX_SESSIONS // 2]:
                del _owners[stale]
        _owners[session_id] = email.strip().lower()


def owner(session_id: str) -> str | None:
    with _lock:
        return _owners.get(session_id)
