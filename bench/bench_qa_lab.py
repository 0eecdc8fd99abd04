"""The QA lab's cost, side by side in one run.

1. N card images through the lab (``create_run`` + ``execute_run``: spool, pre-flight quality,
   database writes, scoring) at concurrency 1 and 2, against the same images sent one by one with
   ``OcrClient`` in a loop (``prepare`` + ``analyze_credit_card``), all on one sandbox process.
   Targets: lab overhead at concurrency 1 ≤ 10 % of wall time; concurrency 2 faster than the loop.
2. Memory of the process executing a run over M items (the sandbox answers at once with a fault
   code, so only the lab's own work is measured): RSS sampled every 10 %, target growth < 30 MB.
3. Sweep generation for a 12 MP photo at ten levels (blur): target < 1 s.

    .venv/bin/python bench/bench_qa_lab.py [--images 10] [--memory-items 300]
    .venv/bin/python bench/bench_qa_lab.py --images 200 --memory-items 1000      # the long one
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["STUDIO_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-qa-")

import cv2
import numpy as np

from ocr_core import OcrClient, Settings
from ocr_core.pipeline import prepare
from qa.runner import RunSpec, Source, create_run, execute_run
from qa.spool import Spool
from qa.sweeps import degrade
from sandbox.faults import Faults
from sandbox.server import start_sandbox
from store import data_dir, session_factory

CARDS = sorted((ROOT / "samples" / "cards").glob("*.*g"))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=10)
    ap.add_argument("--memory-items", type=int, default=300)
    args = ap.parse_args()
    sb = start_sandbox()
    settings = Settings(base_url=sb.base_url, app_key=sb.app_key, secret_key=sb.secret_key)
    images = [Source(f"{i:04d}-{p.name}", p.read_bytes()) for i, p in
              zip(range(args.images), (CARDS * (args.images // len(CARDS) + 1)))]
    factory = session_factory(f"sqlite:///{data_dir() / 'bench.db'}")
    spool = Spool(data_dir() / "spool")
    ok = True
    print(f"load average {os.getloadavg()[0]:.2f}; {len(images)} card images on one sandbox")

    def loop() -> float:
        start = time.perf_counter()
        with OcrClient(settings) as c:
            for s in images:
                c.analyze_credit_card(prepare(s.data).data)
        return time.perf_counter() - start

    def lab(concurrency: int) -> float:
        start = time.perf_counter()
        rid = create_run(factory, RunSpec("credit-card", "sandbox", sb.base_url, "v2.0", concurrency=concurrency),
                         images, spool)
        with OcrClient(settings) as c:
            assert execute_run(factory, rid, c, spool) == "done"
        return time.perf_counter() - start

    with OcrClient(settings) as c:  # warm the engine
        c.analyze_credit_card(images[0].data)
    t_loop1, t_lab1, t_lab2, t_loop2 = loop(), lab(1), lab(2), loop()
    t_loop = (t_loop1 + t_loop2) / 2  # loop before and after the lab runs: load drift falls on both
    overhead = (t_lab1 - t_loop) / t_lab1
    print(f"OcrClient loop        {t_loop:7.1f} s  ({t_loop1:.1f} / {t_loop2:.1f})")
    print(f"lab, concurrency 1    {t_lab1:7.1f} s  overhead {100 * overhead:+.1f} % of wall time")
    print(f"lab, concurrency 2    {t_lab2:7.1f} s  {t_loop / t_lab2:.2f}× the loop's speed")
    ok &= _target("lab overhead at concurrency 1 ≤ 10 %", overhead <= 0.10)
    ok &= _target("concurrency 2 faster than the loop", t_lab2 < t_loop)

    sb.backend.set_faults(Faults(result_code=5000001, rate=1.0, route="credit-card"))
    small = [Source(f"m{i}.png", images[0].data) for i in range(args.memory_items)]
    rid = create_run(factory, RunSpec("credit-card", "sandbox", sb.base_url, "v2.0", concurrency=2), small, spool)
    samples: list[float] = []
    step = max(1, args.memory_items // 10)

    def progress(done: int, failed: int, total: int) -> None:
        if done % step == 0:
            samples.append(rss_mb())
    with OcrClient(settings) as c:
        execute_run(factory, rid, c, spool, on_progress=progress)
    growth = samples[-1] - samples[1] if len(samples) > 2 else 0.0
    print(f"RSS over {args.memory_items} items (MB, every {step}): " + " ".join(f"{x:.0f}" for x in samples))
    ok &= _target(f"RSS growth from 20 % to 100 % < 30 MB (was {growth:+.1f} MB)", growth < 30)
    sb.backend.set_faults(Faults())

    photo = cv2.resize(cv2.imread(str(CARDS[0])), (4000, 3000))
    start = time.perf_counter()
    cpu = time.process_time()
    for level in np.linspace(0.5, 5, 10):
        degrade(photo, "blur", float(level))
    wall, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    print(f"12 MP sweep, ten blur levels: {wall:.2f} s wall, {cpu_s:.2f} s CPU")
    ok &= _target("12 MP sweep at ten levels < 1 s", wall < 1.0)
    sb.stop()
    return 0 if ok else 1


def _target(name: str, met: bool) -> bool:
    print(f"  [{'ok' if met else 'MISSED'}] {name}")
    return met


if __name__ == "__main__":
    sys.exit(main())
