"""Envelope overhead: ``Envelope.seal`` + ``encrypt`` against bare AES-256-CBC + RSA PKCS#1 v1.5.

Both sides do the same work per request (a fresh 32-byte key, the key wrapped under a 2048-bit
public key, the image encrypted, the wrapped key Base64-encoded for its header); they are measured
interleaved in one run and compared by median. Target: the envelope costs at most 1.5x the bare
primitives for 1 MB and 5 MB images.

    .venv/bin/python bench/bench_envelope.py [--rounds N]
"""

from __future__ import annotations

import argparse
import base64
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from Crypto.Cipher import AES, PKCS1_v1_5
from Crypto.PublicKey import RSA
from Crypto.Util.Padding import pad

from ocr_core.envelope import Envelope

TARGET = 1.5


def bare(public_key: RSA.RsaKey, image: bytes) -> tuple[str, bytes]:
    key = secrets.token_bytes(32)
    wrapped = PKCS1_v1_5.new(public_key).encrypt(key)
    sealed = AES.new(key, AES.MODE_CBC, iv=key[:16]).encrypt(pad(image, 16))
    return base64.b64encode(wrapped).decode(), sealed


def envelope(public_key: RSA.RsaKey, image: bytes) -> tuple[str, bytes]:
    env = Envelope.seal(public_key, "1")
    return env.wrapped_key_b64, env.encrypt(image)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=31)
    args = parser.parse_args()
    public_key = RSA.generate(2048).public_key()
    ok = True
    print(
        f"{'image':>6}  {'bare AES+RSA (median)':>22}  {'envelope (median)':>18}  "
        f"{'ratio':>6}  target <= {TARGET}x"
    )
    for megabytes in (1, 5):
        image = secrets.token_bytes(megabytes * 1024 * 1024)
        bare_times: list[float] = []
        env_times: list[float] = []
        for _ in range(3):  # warm up allocator and caches
            bare(public_key, image), envelope(public_key, image)
        for i in range(args.rounds):  # interleaved, alternating who goes first: both see the same load
            pair = [(bare_times, bare), (env_times, envelope)]
            for times, fn in pair if i % 2 else pair[::-1]:
                times.append(timed(partial(fn, public_key, image)))
        b, e = statistics.median(bare_times), statistics.median(env_times)
        ratio = e / b
        ok &= ratio <= TARGET
        print(
            f"{megabytes:>4} MB  {b * 1000:>19.2f} ms  {e * 1000:>15.2f} ms  {ratio:>5.2f}x  "
            f"{'ok' if ratio <= TARGET else 'OVER TARGET'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
