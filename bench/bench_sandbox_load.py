"""Load on one sandbox: N concurrent clients for a fixed time (default 20 clients, 60 s).

The sandbox runs as its own process (``python -m sandbox``) so its memory is measured alone.
Clients are threads, each with its own ``OcrClient``:

- OCR clients (``--ocr-clients``, default 4) loop over real analyses of committed specimens:
  credit card, resident card + authenticity with its Request-Key. Expected: code 0, the truth's
  card number, ``isAuthenticity`` true.
- Protocol clients (the rest) loop over calls the sandbox answers without OCR: public-key fetches
  (0), an authenticity call with an unknown Request-Key (4000122), a stale key version (4000301)
  and an unknown route (4041007).

Reported: per operation the count, the result codes, median and p95 latency; unexpected codes;
lost responses (requests that got no answer at all); the sandbox's RSS sampled every second.

    python bench/bench_sandbox_load.py --duration 60 --clients 20
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocr_core import ApiError, AuthenticityRequest, OcrClient, OcrError, Settings

SAMPLES = ROOT / "samples"
APP_KEY, SECRET = "sandbox-appkey", "sandbox-secretkey"


@dataclass
class Tally:
    codes: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    unexpected: Counter[str] = field(default_factory=Counter)
    lost: int = 0
    sent: int = 0


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ops: dict[str, Tally] = defaultdict(Tally)

    def record(
        self, op: str, code: int | None, seconds: float, expected: set[int], problem: str | None = None
    ) -> None:
        with self._lock:
            t = self.ops[op]
            t.sent += 1
            if code is None:
                t.lost += 1
                t.unexpected[problem or "no answer"] += 1
                return
            t.codes[code] += 1
            t.latencies.append(seconds)
            if code not in expected:
                t.unexpected[f"code {code}"] += 1
            elif problem:
                t.unexpected[problem] += 1


def timed(
    stats: Stats,
    op: str,
    expected: set[int],
    call: Callable[[], Any],
    check: Callable[[Any], str | None] = lambda _: None,
) -> Any:
    start = time.perf_counter()
    try:
        value = call()
    except ApiError as err:
        stats.record(op, err.result_code, time.perf_counter() - start, expected)
        return None
    except OcrError as err:
        stats.record(op, None, time.perf_counter() - start, expected, type(err).__name__)
        return None
    stats.record(op, 0, time.perf_counter() - start, expected, check(value))
    return value


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def ocr_worker(base_url: str, stats: Stats, stop: threading.Event, index: int) -> None:
    card = (SAMPLES / "cards/visa_blue_flat.png").read_bytes()
    card_truth = json.loads((SAMPLES / "cards/visa_blue_flat.json").read_text())["fields"]["cardNumber"]
    resident = (SAMPLES / "ids/resident_hong_gildong.png").read_bytes()
    fields = json.loads((SAMPLES / "ids/resident_hong_gildong.json").read_text())["fields"]
    request = AuthenticityRequest(
        "resident", fields["name"], resident_number=fields["residentNumber"], issue_date=fields["issueDate"]
    )
    settings = Settings(base_url=base_url, app_key=APP_KEY, secret_key=SECRET, read_timeout=300.0)
    with OcrClient(settings) as client:
        turn = index
        while not stop.is_set():
            if turn % 2 == 0:
                timed(
                    stats,
                    "credit-card",
                    {0},
                    lambda: client.analyze_credit_card(card),
                    lambda r: None if r.total_card_num == card_truth else "wrong card number",
                )
            else:
                result = timed(
                    stats,
                    "id-card",
                    {0},
                    lambda: client.analyze_id_card(resident),
                    lambda r: None if r.request_key else "no Request-Key",
                )
                if result is not None and result.request_key is not None and not stop.is_set():
                    timed(
                        stats,
                        "authenticity",
                        {0},
                        partial(client.verify_authenticity, result.request_key, request),
                        lambda v: None if v.is_authenticity else "not authentic",
                    )
            turn += 1


def protocol_worker(base_url: str, stats: Stats, stop: threading.Event, index: int) -> None:
    settings = Settings(base_url=base_url, app_key=APP_KEY, secret_key=SECRET, read_timeout=120.0)
    request = AuthenticityRequest(
        "resident", "홍길동", resident_number="9001151289153", issue_date="20190514"
    )
    with OcrClient(settings) as client, requests.Session() as http:
        url = f"{base_url}/v2.0/appkeys/{APP_KEY}"
        while not stop.is_set():
            timed(stats, "public-key", {0}, lambda: client.public_key("id-card", refresh=True))
            timed(
                stats,
                "authenticity-unknown-key",
                {4000122},
                lambda: client.verify_authenticity(os.urandom(16).hex(), request),
            )

            def raw(
                op: str, expected: int, method: str, path: str, headers: dict[str, str], **kw: Any
            ) -> None:
                start = time.perf_counter()
                try:
                    resp = http.request(method, url + path, headers=headers, timeout=(5, 120), **kw)
                    code = int(resp.json()["header"]["resultCode"]) if resp.status_code == 200 else -999
                except (requests.RequestException, ValueError, KeyError) as err:
                    stats.record(op, None, time.perf_counter() - start, {expected}, type(err).__name__)
                    return
                stats.record(op, code, time.perf_counter() - start, {expected})

            stale = {
                "Authorization": SECRET,
                "X-Key-Version": "0",
                "Symmetric-Key": base64.b64encode(os.urandom(256)).decode(),
            }
            raw(
                "stale-key-version",
                4000301,
                "POST",
                "/credit-card",
                stale,
                files={"image": ("i", os.urandom(64))},
            )
            raw("unknown-route", 4041007, "GET", "/nowhere", {"Authorization": SECRET})


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load (default %(default)s)")
    p.add_argument("--clients", type=int, default=20, help="concurrent clients (default %(default)s)")
    p.add_argument("--ocr-clients", type=int, default=4, help="of which run real OCR (default %(default)s)")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args(argv)

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base_url + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the sandbox did not start")
            time.sleep(0.2)
        # Warm-up: load the OCR models once, outside the measured window.
        with OcrClient(
            Settings(base_url=base_url, app_key=APP_KEY, secret_key=SECRET, read_timeout=300)
        ) as c:
            c.analyze_credit_card((SAMPLES / "cards/visa_blue_flat.png").read_bytes())
        rss: list[tuple[float, int]] = [(0.0, rss_kib(server.pid))]
        stats, stop = Stats(), threading.Event()
        threads = [
            threading.Thread(
                target=ocr_worker if i < args.ocr_clients else protocol_worker,
                args=(base_url, stats, stop, i),
                daemon=True,
            )
            for i in range(args.clients)
        ]
        start = time.monotonic()
        for t in threads:
            t.start()
        while (elapsed := time.monotonic() - start) < args.duration:
            time.sleep(min(1.0, args.duration - elapsed))
            rss.append((round(time.monotonic() - start, 1), rss_kib(server.pid)))
        stop.set()
        for t in threads:
            t.join(timeout=330)
        wall = time.monotonic() - start
        rss.append((round(wall, 1), rss_kib(server.pid)))
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    return report(args, stats, rss, wall, [t for t in threads if t.is_alive()])


def report(
    args: argparse.Namespace,
    stats: Stats,
    rss: list[tuple[float, int]],
    wall: float,
    stuck: list[threading.Thread],
) -> int:
    print(f"{args.clients} clients ({args.ocr_clients} OCR) for {args.duration:g} s; wall {wall:.1f} s")
    print(f"{'operation':28} {'calls':>6} {'lost':>5} {'median ms':>10} {'p95 ms':>9}  codes")
    figures: dict[str, Any] = {"operations": {}}
    unexpected_total = lost_total = 0
    for op, t in sorted(stats.ops.items()):
        med = statistics.median(t.latencies) * 1000 if t.latencies else float("nan")
        p95 = percentile(t.latencies, 0.95) * 1000
        print(f"{op:28} {t.sent:6d} {t.lost:5d} {med:10.1f} {p95:9.1f}  {dict(t.codes)}")
        for problem, n in t.unexpected.items():
            print(f"{'':28} unexpected: {problem} x{n}")
        unexpected_total += sum(t.unexpected.values())
        lost_total += t.lost
        figures["operations"][op] = {
            "calls": t.sent,
            "lost": t.lost,
            "median_ms": med,
            "p95_ms": p95,
            "codes": dict(t.codes),
            "unexpected": dict(t.unexpected),
        }
    total = sum(t.sent for t in stats.ops.values())
    values = [kib for _, kib in rss]
    half = values[len(values) // 2 :]
    print(
        f"total {total} calls ({total / wall:.1f}/s); unexpected {unexpected_total}; lost {lost_total}; "
        f"clients still running {len(stuck)}"
    )
    print(
        f"sandbox RSS MiB: start {values[0] / 1024:.1f}, max {max(values) / 1024:.1f}, "
        f"end {values[-1] / 1024:.1f}; "
        f"second half min..max {min(half) / 1024:.1f}..{max(half) / 1024:.1f}"
    )
    samples = rss[:: max(1, len(rss) // 12)]
    print("RSS over time (s: MiB): " + ", ".join(f"{s:g}: {k / 1024:.0f}" for s, k in samples))
    figures.update(
        total_calls=total,
        unexpected=unexpected_total,
        lost=lost_total,
        wall_s=wall,
        rss_kib=rss,
        clients=args.clients,
        ocr_clients=args.ocr_clients,
        duration_s=args.duration,
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if unexpected_total == 0 and lost_total == 0 and not stuck else 1


if __name__ == "__main__":
    raise SystemExit(main())
