"""Pre-flight checks of QA items, computed beside their calls without slowing them.

An item's pre-flight verdicts (``ocr_core.imaging.assess_quality``) are pure pixel work done while its
request is on the wire. They run in a helper process of their own at the lowest CPU priority, so they
take only the CPU the calls leave idle. A niced thread was not enough: OpenCV hands part of a thread's
work to its own worker threads, at the process's normal priority, and spends a third more CPU doing so
(a card's checks: 57 ms of CPU with its threads, 44 ms on one). The helper runs OpenCV on one thread
and is niced as a whole, its Tesseract included. On Linux it also runs under ``SCHED_IDLE``: nice 19
still takes a share beside busy threads. The checks looping beside the sandbox's card reads slowed them
by 11–19 % at nice 19 alone and by 2–7 % under ``SCHED_IDLE`` (``bench/bench_qa_lab.py --only policy``).

When the call is over its sender needs the verdicts: it raises the helper to its own priority and
waits for them (`Pending.verdicts`). Where the system does not allow that (an unprivileged process may
not lower a niceness) it gives them a moment, then computes them itself. Verdicts are kept by the
SHA-256 of the bytes sent (`cache`): the same image is never checked twice in this process.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import sys
import threading
import time
import types
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from ocr_core.imaging import LoadedImage, assess_quality

log = logging.getLogger("qa.preflight")

NICE = 19
"""Niceness of the helper process: it takes only the CPU the calls leave idle."""
GRACE_S = 0.02
"""After the call, checks the sender could not raise are given this long before it runs them itself."""
PARENT_POLL_S = 1.0
"""How often the helper looks whether its parent is still there."""
WAIT_S = 5.0
"""How long a sender waits for checks it raised to its own priority (a card's take ~0.05 s) before it
runs them itself."""


def verdicts_of(image: LoadedImage) -> dict[str, Any]:
    """An image's pre-flight verdicts as an item keeps them: the worst status and each check's."""
    report = assess_quality(image)
    return {
        "quality_status": report.status,
        "quality": {c.name: {"status": c.status, "value": c.value} for c in report.checks},
    }


class VerdictCache:
    """Pre-flight verdicts by the SHA-256 of the image sent: the same bytes always get the same
    verdicts, so a run repeated (another backend, API version or day) or an image repeated in a set
    does not pay for the checks again. Small (verdicts only, no pixels) and bounded."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._known: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.computed = 0
        """Checks actually run, wherever."""
        self.in_helper = 0
        """Of those, run in the helper process."""

    def known(self, digest: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._known.get(digest)
            if found is not None:
                self._known.move_to_end(digest)
            return found

    def remember(self, digest: str, found: dict[str, Any], *, in_helper: bool) -> dict[str, Any]:
        with self._lock:
            self.computed += 1
            self.in_helper += int(in_helper)
            self._known[digest] = found
            while len(self._known) > self._size:
                self._known.popitem(last=False)
        return found

    def verdicts(self, digest: str, image: LoadedImage) -> dict[str, Any]:
        """The verdicts, checked here (in the calling thread) unless known."""
        return self.known(digest) or self.remember(digest, verdicts_of(image), in_helper=False)


cache = VerdictCache()
"""This process's pre-flight verdicts by image digest."""


def _helper_started() -> None:
    """In the helper: the lowest priority, OpenCV on this one thread, and an end with its parent."""
    import cv2

    cv2.setNumThreads(1)
    _lower_priority()
    threading.Thread(target=_end_with, args=(os.getppid(),), name="parent-watch", daemon=True).start()


def _end_with(parent: int) -> None:
    """Exit once ``parent`` is gone. A parent that ends without stopping its helper (killed, or a test
    worker leaving through ``os._exit``) would leave it waiting for work forever: it holds its own end of
    the pipe work comes through, so it never reads end-of-file."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(0)


def _lower_priority() -> None:
    """This thread at the lowest priority: nice 19 and, on Linux, the idle policy."""
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not allowed: the checks still run
        os.setpriority(os.PRIO_PROCESS, 0, NICE)
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _policy() -> str:
    """This thread's scheduling policy, by name (``SCHED_OTHER``, ``SCHED_IDLE``); "" where unknown."""
    try:
        policy = os.sched_getscheduler(0)
    except (AttributeError, OSError):
        return ""
    return {getattr(os, name, None): name for name in ("SCHED_OTHER", "SCHED_BATCH", "SCHED_IDLE")}.get(
        policy, str(policy)
    )


def _helper_checks(image: LoadedImage) -> dict[str, Any]:
    """In the helper: one image's verdicts, at the lowest priority again (a sender may have raised it)."""
    _lower_priority()
    return verdicts_of(image)


def helper_state() -> tuple[int, str, int]:
    """In the helper: its niceness, scheduling policy and OpenCV's thread count (for tests)."""
    import cv2

    return os.getpriority(os.PRIO_PROCESS, 0), _policy(), cv2.getNumThreads()


@contextlib.contextmanager
def _bare_main() -> Iterator[None]:
    """A spawned process runs its parent's ``__main__`` again, as ``__mp_main__``; under Streamlit that is
    the app script itself (``serve.py``: it started a second embedded sandbox in the helper). While the
    helper starts, ``__main__`` is an empty module, so the helper imports only what its work needs."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class Helper:
    """A helper process (`HELPERS` per studio process), started at first use (spawned: the studio's
    processes run threads, which a fork would copy half-way), stopped at exit or when it breaks."""

    def __init__(self) -> None:
        self._pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_helper_started
        )
        with _bare_main():  # the first submit starts the process, here in this thread
            self._pid: Future[int] = self._pool.submit(os.getpid)

    def submit(self, image: LoadedImage) -> Future[dict[str, Any]]:
        return self._pool.submit(_helper_checks, image)

    def call(self, fn: Any, *args: Any) -> Future[Any]:
        """Run ``fn(*args)`` in the helper (tests, and the bench's probes)."""
        return self._pool.submit(fn, *args)

    def hurry(self) -> bool:
        """Give the helper the calling thread's priority; False where that is not possible. A helper
        still starting (at its parent's priority until it has loaded) is waited for first."""
        try:
            pid = self._pid.result(timeout=WAIT_S)
            own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            os.setpriority(os.PRIO_PROCESS, pid, own)
            if hasattr(os, "SCHED_IDLE"):  # out of the idle policy, or it still waits for idle cores
                os.sched_setscheduler(pid, os.SCHED_OTHER, os.sched_param(0))
        except (AttributeError, OSError):  # not Linux, or not allowed (EACCES without CAP_SYS_NICE)
            return False
        except Exception:  # noqa: BLE001 - it did not start (BrokenProcessPool) or not in time
            return False
        return True

    def stop(self) -> None:
        """Stop the helper now, whatever it is doing."""
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # a check under way is not waited for
            with contextlib.suppress(OSError, ValueError):
                process.kill()


HELPERS = 1
"""Helper processes per studio process. One keeps up with the calls (a card's checks take ~0.05 s of
CPU); two, to finish on both cores what a busy machine starved, measured the same (bench_qa_lab
part 4, 60 items: lab / bare loop 1.11 and 1.11 with one helper, 1.10 and 1.11 with two) for twice
the memory (~150 MB each)."""

_helpers: list[Helper | None] = [None] * HELPERS
_helper_lock = threading.Lock()
_turn = 0


def helper() -> Helper | None:
    """The next of this process's helpers in turn, started if need be; None where no process can be
    started."""
    global _turn
    with _helper_lock:
        _turn = (_turn + 1) % HELPERS
        if _helpers[_turn] is None:
            try:
                started = Helper()
            except (OSError, RuntimeError) as err:
                log.warning("pre-flight checks: no helper process (%s); they run in the sending thread", err)
                return None
            atexit.register(started.stop)
            _helpers[_turn] = started
        return _helpers[_turn]


def _forget(broken: Helper) -> None:
    """Stop a helper and let the next use start another."""
    with _helper_lock:
        for k, known in enumerate(_helpers):
            if known is broken:
                _helpers[k] = None
    broken.stop()


@dataclass(eq=False)  # holds an image: identity, not element-wise, equality
class Pending:
    """One item's checks, started before its call (`begin`); `verdicts` once the call is over."""

    digest: str
    image: LoadedImage
    helper: Helper | None
    future: Future[dict[str, Any]] | None

    def finished(self) -> bool:
        """Whether `verdicts` would answer at once."""
        return self.future is None or self.future.done() or cache.known(self.digest) is not None

    def verdicts(self, *, take_over: bool = False) -> dict[str, Any]:
        """The verdicts, waiting for the helper where it has them under way. ``take_over``: checks the
        helper has not started are run here instead (a backlog waited for: the helper works from its
        front on one core, the waiting sender from its back on another)."""
        known = cache.known(self.digest)
        if known is not None:
            return known
        if take_over and self.future is not None and self.future.cancel():
            return cache.verdicts(self.digest, self.image)
        if self.future is not None and self.helper is not None:
            patience = WAIT_S if self.future.done() or self.helper.hurry() else GRACE_S
            try:
                found = self.future.result(timeout=patience)
            except FutureTimeout:
                self.future.cancel()  # not started: never; under way: its answer is not waited for
            except BrokenProcessPool as err:  # the helper died (killed, out of memory)
                log.warning("pre-flight checks: the helper stopped (%s); checking here", err)
                _forget(self.helper)
            except Exception as err:  # noqa: BLE001 - checked again below, where it fails with its own traceback
                log.warning("pre-flight checks failed in the helper (%s); checking here", err)
            else:
                return cache.remember(self.digest, found, in_helper=True)
        return cache.verdicts(self.digest, self.image)


def begin(digest: str, image: LoadedImage) -> Pending:
    """Start an image's pre-flight checks in the helper process (or nowhere, where it cannot run)."""
    known = cache.known(digest)
    running = helper() if known is None else None
    future = None
    if running is not None:
        try:
            future = running.submit(image)
        except RuntimeError as err:  # the helper broke since (BrokenProcessPool), or is shutting down
            log.warning("pre-flight checks: the helper failed (%s); checking here", err)
            _forget(running)
            running = None
    return Pending(digest, image, running, future)
