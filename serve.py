"""The process ``./studio run`` serves: Streamlit's ASGI app for ``app.py`` with the media guard in
front (see ``ui/media_guard.py``). ``streamlit run serve.py`` finds ``app`` and runs it with uvicorn,
honouring the same ``--server.*`` and ``--secrets.files`` options as ``streamlit run app.py``.
It also settles Streamlit's routing before the first session (``ui/routing.py``), and starts the QA
lab's queue consumer when the server starts, so queued and interrupted runs go on before anyone
opens a page (``ui.lab.start_queue``)."""
from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st
from starlette.middleware import Middleware

from ui.media_guard import MediaGuard
from ui.routing import navigation_only

navigation_only()  # pages/ is not Streamlit's legacy folder routing, from the first session on


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """After Streamlit's runtime (and its secrets) are up: the lab's consumer, started off the event
    loop (it opens the database); stopped with the server."""
    from qa import tasks
    from ui.lab import start_queue_at_startup

    threading.Thread(target=start_queue_at_startup, name="qa-queue-start", daemon=True).start()
    try:
        yield
    finally:
        tasks.stop_consumer()


app = st.App("app.py", middleware=[Middleware(MediaGuard)], lifespan=lifespan)
