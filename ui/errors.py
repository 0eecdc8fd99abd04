"""Failures in plain language at the page edge: what happened and what to do, never a traceback.

``OcrError`` subclasses get a specific message; anything else gets a generic one and is logged by
exception type only (its message could contain personal data read from a document).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from access.backends import BackendRefused
from access.ledger import QuotaExceeded
from l10n import api_error, input_problem, rejection
from ocr_core import ApiError, EnvelopeError, InputError, MalformedResponseError, OcrError, TransportError
from ocr_core.errors import ConnectError, ReadTimeoutError
from ocr_core.imaging import ImageRejected
from ocr_core.masking import mask_text
from store import StoreUnavailable, default_url
from ui.i18n import Lang, current_lang, text

log = logging.getLogger("studio.ui")


def describe(exc: BaseException, lang: Lang, where: str = "") -> tuple[str, str | None]:
    """(what happened, what to do) for an error, in ``lang``."""
    if isinstance(exc, ApiError):
        explanation, action = api_error(exc.result_code, lang)
        head = text("err.api", lang, code=exc.result_code, key=exc.key)
        return f"{head} — {explanation}", action
    if isinstance(exc, ImageRejected):
        return text("img.rejected", lang, msg=rejection(exc.code, exc.params, lang)), None
    if isinstance(exc, TransportError):
        return transport_message(exc, lang, where), text("err.transport_action", lang)
    if isinstance(exc, MalformedResponseError):
        return malformed_message(exc, lang), text("err.malformed_action", lang)
    if isinstance(exc, EnvelopeError):
        return text("err.envelope", lang), text("err.envelope_action", lang)
    if isinstance(exc, QuotaExceeded):
        from ui.backend_choice import quota_way_out

        return (
            text(
                f"err.quota_{exc.scope}", lang, limit=exc.limit, kind=text(f"err.quota_kind_{exc.kind}", lang)
            ),
            quota_way_out(lang),
        )
    if isinstance(exc, BackendRefused):
        from ui.backend_choice import refusal_words

        return refusal_words(exc, lang), None
    if isinstance(exc, InputError):
        return text("err.input", lang, msg=input_problem(exc, lang) or mask_text(str(exc))), None
    problem = store_problem(exc)
    if problem is not None:
        return store_message(problem, lang), text("err.store_action", lang)
    return text("err.generic", lang), None


def store_problem(exc: BaseException) -> StoreUnavailable | None:
    """The studio database's failure behind ``exc``, if that is what it is: one that cannot be opened or
    upgraded (``store.StoreUnavailable``), or an operational error of the database in use."""
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, StoreUnavailable):
        return exc
    if isinstance(exc, OperationalError):
        return StoreUnavailable.in_use(default_url(), exc)
    return None


def store_message(problem: StoreUnavailable, lang: Lang) -> str:
    """Which database (no password) and why, in ``lang``; both as code, so no character of a path or
    a driver's message is read as Markdown."""
    return text(
        f"err.store_{problem.phase}",
        lang,
        where=f"`{problem.where}`",
        cause=f"`{problem.cause.replace('`', chr(39))}`",
        revision=problem.revision or text("err.store_empty", lang),
        head=problem.head or "",
    )


def malformed_message(exc: MalformedResponseError, lang: Lang) -> str:
    """An answer that is not the API's: with its HTTP status and content type when known (a proxy's
    HTML error page and a service's broken JSON call for different people)."""
    head = text("err.malformed", lang)
    if exc.status is None:
        return head
    if exc.content_type:
        return f"{head} {text('err.malformed_status_kind', lang, status=exc.status, kind=exc.content_type)}"
    return f"{head} {text('err.malformed_status', lang, status=exc.status)}"


def transport_message(exc: TransportError, lang: Lang, where: str = "") -> str:
    """No answer: which host, why (refused, no answer in time, cut off), and whether anything billable
    went out: only when the analysis POST itself was sent, never for a failed public-key or token call."""
    host = exc.host or where or "the server"
    if isinstance(exc, ConnectError):
        head = text("err.transport_connect", lang, host=host)
    elif isinstance(exc, ReadTimeoutError):
        head = text("err.transport_timeout", lang, host=host)
    else:
        head = text("err.transport", lang, host=host)
    if exc.billable and exc.request_sent is not False:
        return head + " " + text("err.transport_maybe_billed", lang)
    return head + " " + text("err.transport_not_billed", lang)


def show_error(exc: BaseException, where: str = "") -> None:
    lang = current_lang()
    what, action = describe(exc, lang, where)
    body = what if action is None else f"{what}\n\n{text('err.what', lang, action=action)}"
    st.error(body, icon=":material/block:" if isinstance(exc, ApiError) else ":material/error:")


@contextmanager
def guarded(where: str = "") -> Iterator[None]:
    """Run a block; show any failure in plain words instead of letting a traceback reach the page."""
    try:
        yield
    except (OcrError, ImageRejected, BackendRefused) as exc:
        log.info(
            "call failed: %s%s",
            type(exc).__name__,
            f" {exc.result_code}" if isinstance(exc, ApiError) else "",
        )
        show_error(exc, where)
    except Exception as exc:  # noqa: BLE001 - at the page edge: shown in plain words, logged in one line
        problem = store_problem(exc)
        if problem is None:
            _unexpected(exc, where)
            return
        log.error("%s", problem.plain())
        show_error(problem, where)


def _unexpected(exc: Exception, where: str) -> None:
    """The last line of defence: a friendly message, no personal data logged. Frames only (file, line,
    code), never the message: it may quote what a document says."""
    log.error(
        "unexpected %s in the dashboard\n%s",
        type(exc).__name__,
        "".join(traceback.format_tb(exc.__traceback__)),
    )
    show_error(exc, where)
