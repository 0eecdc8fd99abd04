"""Per-session memory: results and derived images live in ``st.session_state`` only.

``memo`` recomputes a value only when its token (e.g. the image digest plus options) changes, so
reruns triggered by unrelated widgets (threshold slider, language) stay cheap. It is per browser
session on purpose: ``st.cache_data`` would share personal data between users.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")

_MEMO_PREFIX = "_memo:"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def memo(slot: str, token: Hashable, compute: Callable[[], T]) -> T:
    """The value stored in ``slot`` for ``token``, computing (and replacing) it when the token differs."""
    key = _MEMO_PREFIX + slot
    held = st.session_state.get(key)
    if isinstance(held, tuple) and len(held) == 2 and held[0] == token:
        return held[1]
    value = compute()
    st.session_state[key] = (token, value)
    return value


def put(key: str, value: Any) -> None:
    st.session_state[key] = value


def get(key: str, default: Any = None) -> Any:
    return st.session_state.get(key, default)


def drop(key: str) -> None:
    st.session_state.pop(key, None)
