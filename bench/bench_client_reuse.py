"""Key and connection reuse: 50 analyses with ``OcrClient`` against a naive client, side by side.

Both talk to the same local sandbox over HTTP, its OCR engine replaced by fixed readings
(harness/readings.py): the real envelope, routes and encrypted answers, without recognition time.
The naive client does what a first draft does: it fetches the public key and opens a new connection
for every call. Expected for ``OcrClient``: exactly one public-key fetch per service and one
connection for all 50 calls.

    .venv/bin/python bench/bench_client_reuse.py [--calls N]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PIL import Image

from harness.readings import FakeEngine
from ocr_core import OcrClient, Settings
from ocr_core.envelope import Envelope
from sandbox.config import SandboxConfig
from sandbox.server import RunningSandbox, start_sandbox


def card_image() -> bytes:
    """A card-sized (856x540) JPEG of noise: about the size of a real photo."""
    pixels = np.random.default_rng(7).integers(0, 256, (540, 856, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def naive_call(fake: RunningSandbox, service: str, image: bytes) -> str:
    """Fetch the key, seal, post and open one value; a fresh connection for each request."""
    base = f"{fake.base_url}/v2.0/appkeys/{fake.app_key}"
    auth = {"Authorization": fake.secret_key, "Connection": "close"}
    key = requests.get(f"{base}/public-keys/{service}", headers=auth, timeout=(5, 30)).json()["result"]
    env = Envelope.seal(key["key"], key["version"])
    answer = requests.post(
        f"{base}/{service}",
        timeout=(5, 30),
        headers={**auth, "X-Key-Version": env.key_version, "Symmetric-Key": env.wrapped_key_b64},
        files={"image": ("image.jpg", env.encrypt(image), "application/octet-stream")},
    ).json()
    result = answer["result"]
    sealed = result["totalCardNum"] if service == "credit-card" else result["keyValues"][0]["value"]
    return env.decrypt_text(sealed)


def run(fake: RunningSandbox, calls: int, image: bytes, naive: bool) -> dict[str, float]:
    fake.backend.reset()
    start = time.perf_counter()
    if naive:
        for i in range(calls):
            naive_call(fake, "credit-card" if i % 2 == 0 else "id-card", image)
    else:
        settings = Settings(base_url=fake.base_url, app_key=fake.app_key, secret_key=fake.secret_key)
        with OcrClient(settings) as client:
            for i in range(calls):
                if i % 2 == 0:
                    client.analyze_credit_card(image)
                else:
                    client.analyze_id_card(image, stand_alone=True)
    wall = time.perf_counter() - start
    journal = fake.backend.journal
    return {
        "requests": journal.calls(),
        "key_fetches": journal.calls("public-keys/credit-card") + journal.calls("public-keys/id-card"),
        "analyses": journal.calls("credit-card") + journal.calls("id-card/stand-alone"),
        "connections": journal.connections(),
        "wall_s": wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    image = card_image()
    with start_sandbox(SandboxConfig(engine=FakeEngine(), seed_dir=None)) as fake:
        run(fake, 4, image, naive=False)  # warm up both paths
        run(fake, 4, image, naive=True)
        ours = run(fake, args.calls, image, naive=False)
        naive = run(fake, args.calls, image, naive=True)
    print(
        f"{args.calls} analyses (half credit-card, half id-card/stand-alone), "
        f"image {len(image) / 1024:.0f} KB, local sandbox without OCR"
    )
    print(f"{'':14}{'requests':>9}{'key fetches':>13}{'connections':>13}{'wall time':>12}")
    for name, row in (("OcrClient", ours), ("naive client", naive)):
        print(
            f"{name:14}{row['requests']:>9.0f}{row['key_fetches']:>13.0f}{row['connections']:>13.0f}"
            f"{row['wall_s'] * 1000:>9.0f} ms"
        )
    print(
        f"naive / OcrClient: requests {naive['requests'] / ours['requests']:.2f}x, "
        f"connections {naive['connections'] / ours['connections']:.0f}x, "
        f"wall time {naive['wall_s'] / ours['wall_s']:.2f}x"
    )
    ok = ours["key_fetches"] == 2 and ours["connections"] == 1 and ours["analyses"] == args.calls
    print("OcrClient: one key fetch per service and one connection:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
