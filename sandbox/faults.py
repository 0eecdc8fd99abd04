"""Faults on demand, so that the dashboard's error handling and retries can be shown and tested.

Where each fault applies (all only to the vendor's API routes, never to ``/healthz``, the token
route or the admin routes):

- ``latency_ms``: every API call waits this long before it is handled.
- ``max_calls_per_second``: API calls beyond this many within the last second are refused with
  4000006, unprocessed (as the vendor's gateway does, so a client may retry after a backoff).
- ``result_code`` with ``rate``: that share of the billed calls (analyses and authenticity; not the
  public-key GET, so a client can still set up its envelope) is answered with the chosen code
  instead of being processed (a public-key GET only when ``route`` names it). Only documented failure
  codes are accepted.
- ``FaultInjector.queue(route, *Scripted(...))``: one-shot answers for the next calls of a route (or
  ``*``, any API route), in order — a stall (``delay_ms``), a result code, a body that is not the
  API's at all (a proxy's HTML 502, truncated or non-JSON text, a JSON without a header) with the
  status and content type of your choosing, a connection closed without any answer (``drop``), or
  the normal answer with fields the guide does not list added to its result (``extra_result``: what
  a newer API version may send). QA and the client's tests use these for odd answers.
- ``route``: when set, the faults above apply only to calls of that route — ``credit-card``,
  ``id-card``, ``id-card/stand-alone``, ``id-card/authenticity``, ``public-keys/credit-card`` or
  ``public-keys/id-card`` — so one service's key fetch can stall while everything else runs.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sandbox.codes import MESSAGES, SUCCESS

ROUTES = (
    "credit-card",
    "id-card",
    "id-card/stand-alone",
    "id-card/authenticity",
    "public-keys/credit-card",
    "public-keys/id-card",
)
"""Where a fault can be aimed (``Faults.route``)."""


@dataclass(frozen=True)
class Faults:
    latency_ms: int = 0
    result_code: int | None = None
    rate: float = 0.0
    max_calls_per_second: float | None = None
    route: str | None = None

    def __post_init__(self) -> None:
        if self.route is not None and self.route not in ROUTES:
            raise ValueError(f"route must be one of {', '.join(ROUTES)}")
        if not 0 <= self.latency_ms <= 60_000:
            raise ValueError("latency_ms must be within 0..60000")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be within 0..1")
        if self.result_code is not None and (self.result_code not in MESSAGES or self.result_code == SUCCESS):
            raise ValueError("result_code must be a documented failure code")
        if self.max_calls_per_second is not None and self.max_calls_per_second <= 0:
            raise ValueError("max_calls_per_second must be positive")

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Faults:
        """From the admin route's JSON; unknown fields raise ValueError, ill-typed ones TypeError."""
        unknown = set(doc) - {"latency_ms", "result_code", "rate", "max_calls_per_second", "route"}
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        latency = doc.get("latency_ms", 0)
        code = doc.get("result_code")
        rate = doc.get("rate", 1.0 if code is not None else 0.0)
        cap = doc.get("max_calls_per_second")
        if isinstance(latency, bool) or not isinstance(latency, int):
            raise TypeError("latency_ms must be an integer")
        if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
            raise TypeError("result_code must be an integer")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)):
            raise TypeError("rate must be a number")
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, (int, float))):
            raise TypeError("max_calls_per_second must be a number")
        route = doc.get("route")
        if route is not None and not isinstance(route, str):
            raise TypeError("route must be a string")
        return cls(latency, code, float(rate), None if cap is None else float(cap), route)

    def applies_to(self, route: str) -> bool:
        return self.route is None or self.route == route

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Scripted:
    """One scripted answer for the next call of a route.

    One answer for the next call of a route: wait ``delay_ms``, then answer ``body`` as it is (with
    ``status`` and ``content_type``), or the documented failure ``result_code``, or close the
    connection without a word (``drop``: the call may or may not have been processed, as far as the
    client can tell); with none of these, the call is then handled normally (a pure stall), its
    result extended by ``extra_result`` when given."""

    delay_ms: int = 0
    result_code: int | None = None
    body: bytes | None = None
    status: int = 200
    content_type: str = "application/json;charset=UTF-8"
    drop: bool = False
    extra_result: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.delay_ms <= 60_000:
            raise ValueError("delay_ms must be within 0..60000")
        if self.result_code is not None and (self.result_code not in MESSAGES or self.result_code == SUCCESS):
            raise ValueError("result_code must be a documented failure code")
        if sum((self.result_code is not None, self.body is not None, self.drop, bool(self.extra_result))) > 1:
            raise ValueError("give one of result_code, body, drop and extra_result")
        if not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status")


class FaultInjector:
    """Applies :class:`Faults`; thread-safe; ``rng`` and ``monotonic`` are injectable for tests."""

    def __init__(
        self,
        faults: Faults | None = None,
        *,
        rng: random.Random | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._faults = faults or Faults()
        self._rng = rng or random.Random()
        self._monotonic = monotonic
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self._scripts: dict[str, deque[Scripted]] = {}
        self._lock = threading.Lock()

    @property
    def faults(self) -> Faults:
        return self._faults

    def set(self, faults: Faults) -> None:
        """New standing faults; forgets the call window and every queued one-shot answer."""
        with self._lock:
            self._faults = faults
            self._calls.clear()
            self._scripts.clear()

    def queue(self, route: str, *answers: Scripted) -> None:
        """One-shot answers for the next calls of ``route`` (one of ``ROUTES``, or ``*`` for any)."""
        if route != "*" and route not in ROUTES:
            raise ValueError(f"route must be * or one of {', '.join(ROUTES)}")
        with self._lock:
            self._scripts.setdefault(route, deque()).extend(answers)

    def scripted(self, route: str) -> Scripted | None:
        """The next queued answer for this call, if any (the route's own queue first, then ``*``)."""
        with self._lock:
            for name in (route, "*"):
                pending = self._scripts.get(name)
                if pending:
                    return pending.popleft()
        return None

    def sleep(self, ms: int) -> None:
        if ms:
            self._sleep(ms / 1000)

    def delay(self, route: str = "") -> None:
        latency = self._faults.latency_ms
        if latency and self._faults.applies_to(route):
            self._sleep(latency / 1000)

    def over_rate_limit(self, route: str = "") -> bool:
        """True when this call exceeds ``max_calls_per_second``; only accepted calls are counted."""
        cap = self._faults.max_calls_per_second
        if cap is None or not self._faults.applies_to(route):
            return False
        with self._lock:
            now = self._monotonic()
            while self._calls and now - self._calls[0] >= 1.0:
                self._calls.popleft()
            if len(self._calls) >= cap:
                return True
            self._calls.append(now)
            return False

    def injected_code(self, route: str = "", *, billed: bool = True) -> int | None:
        """The chosen failure code for this call, or None to process it normally.

        A public-key fetch (not billed) gets one only when the faults aim at its route explicitly."""
        faults = self._faults
        if faults.result_code is None or faults.rate <= 0 or not faults.applies_to(route):
            return None
        if not billed and faults.route != route:
            return None
        with self._lock:
            hit = self._rng.random() < faults.rate
        return faults.result_code if hit else None
