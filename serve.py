"""The process ``./studio run`` serves: Streamlit's ASGI app for ``app.py`` with the media guard in
front (see ``ui/media_guard.py``). ``streamlit run serve.py`` finds ``app`` and runs it with uvicorn,
honouring the same ``--server.*`` and ``--secrets.files`` options as ``streamlit run app.py``."""
from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware

from ui.media_guard import MediaGuard

app = st.App("app.py", middleware=[Middleware(MediaGuard)])
