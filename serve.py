"""The process ``./studio run`` serves: Streamlit's ASGI app for ``app.py`` behind two guards — the
network guard (``ui/network_guard.py``: without sign-in only this machine is served; internal
endpoints only to it) and the media guard (``ui/media_guard.py``: files and uploads only to their
owner). ``streamlit run serve.py`` finds ``app`` and runs it with uvicorn,
honouring the same ``--server.*`` and ``--secrets.files`` options as ``streamlit run app.py``.
It also settles Streamlit's routing before the first session (``ui/routing.py``), and starts the QA
lab's queue consumer when the server starts, so queued and interrupted runs go on before anyone
opens a page (``ui.lab.start_queue``).

Before any of that it checks what Streamlit will really do (``access.listen.startup_check``): the
address it binds however it was set (flag, environment, ``config.toml``, or none: every interface)
and the secrets files it reads, and exits with the reason instead of serving unsafely."""

from __future__ import annotations

import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config as st_config

from access.listen import allow_anonymous, startup_check
from appconfig import SettingsProblem
from ui.media_guard import MediaGuard
from ui.network_guard import NetworkGuard
from ui.routing import navigation_only


def refuse_unsafe_serving() -> None:
    """Exit (status 1, the reason on standard error) when serving as configured would be unsafe."""
    try:
        anonymous = allow_anonymous()
    except SettingsProblem as err:  # a STUDIO_* value that cannot be used (startup_check names every one)
        print(f"[studio] {err}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
    check = startup_check(
        st_config.get_option("server.address"),
        [Path(p).expanduser() for p in st_config.get_option("secrets.files")],
        anonymous=anonymous,
    )
    for line in check.problems + check.warnings:
        print(f"[studio] {line}", file=sys.stderr, flush=True)
    if check.problems:
        raise SystemExit(1)


refuse_unsafe_serving()
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


app = st.App("app.py", middleware=[Middleware(NetworkGuard), Middleware(MediaGuard)], lifespan=lifespan)
