"""The studio database as the dashboard holds it: one ledger per server process (quotas, audit trail, the
admins' settings, role grants). Imports no other ``ui`` module, so sign-in (``ui.access``), the backend
rules (``ui.backend_choice``) and the door (``ui.billing``) all read it without importing each other."""

from __future__ import annotations

from typing import Any

import streamlit as st

from access.audit import add_sink
from access.ledger import Ledger


@st.cache_resource(show_spinner=False)
def ledger() -> Ledger:
    """The process's ledger on the studio database; also the audit trail's database sink."""
    book = Ledger(studio_engine())
    add_sink(book.append)
    return book


def studio_engine() -> Any:
    """The studio database (``STUDIO_DATABASE_URL``, else ``data/studio.sqlite3``), migrated to head."""
    from store import engine_for, upgrade

    upgrade()
    return engine_for()
