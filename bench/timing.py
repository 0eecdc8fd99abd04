"""Side-by-side timing shared by the benchmarks: stages measured interleaved in one run, so that the
machine's changing load falls on every stage alike and only their ratios are reported."""

from __future__ import annotations

import time
from collections.abc import Callable


def interleaved(stages: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Every stage once per round, in turn, after one warm-up round; milliseconds per stage."""
    for fn in stages.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(rounds):
        for name, fn in stages.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)
    return times
