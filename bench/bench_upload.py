"""What the dashboard uploads for a 12-megapixel photo of a card: as taken vs after its default
preprocessing, and whether the API reads the same fields from both.

The photo is ``samples/photos/visa_12mp.jpg`` (4000×3000, a card in perspective on a desk). The
options are those the Credit card page's preprocessing panel starts with when the user turns it on
(``ui/preprocess_panel.py``: warp and deskew on, denoise and CLAHE off, card width 1000 px, JPEG
quality 90); the panel runs ``preprocess(load_image(data), options)`` without a known outline, and
so does this script.

Measured in one run, interleaved round by round so a busy machine moves every stage alike:
a bare decode (``cv2.imdecode``), the dashboard's ``load_image`` and ``preprocess``. Both images
are then analysed through ``OcrClient`` against an in-thread sandbox (real OCR engine) and the
card number and validThru compared; values are printed masked only.

Targets (issue 4, section 7): at most 1/8 of the bytes as taken, the card still ≥ 760×480, the
same fields recognised; preprocessing under 300 ms.

    .venv/bin/python bench/bench_upload.py [--rounds N] [--image PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2
import numpy as np

from bench.timing import interleaved
from ocr_core import CreditCardResult, OcrClient
from ocr_core.imaging import PreprocessOptions, load_image, preprocess
from ocr_core.masking import mask_card_number

DEFAULT_IMAGE = ROOT / "samples" / "photos" / "visa_12mp.jpg"
BYTES_TARGET = 1 / 8
MIN_CARD = (760, 480)
TIME_TARGET_MS = 300.0

# The widget defaults of ui/preprocess_panel.options_form (read there; Streamlit widgets cannot be
# evaluated outside a script run).
DASHBOARD_OPTIONS = PreprocessOptions(
    warp=True, deskew=True, denoise=False, clahe=False, target_width=1000, format="jpeg", quality=90
)


@dataclass(frozen=True)
class Reading:
    """The fields compared, the full number kept only for comparison (never printed)."""

    card_number: str | None
    valid_thru: str | None
    total_ms: float
    network_ms: float

    @property
    def shown(self) -> str:
        number = mask_card_number(self.card_number) if self.card_number else "–"
        return f"card {number}, validThru {self.valid_thru or '–'}"


def read(client: OcrClient, data: bytes) -> Reading:
    result: CreditCardResult = client.analyze_credit_card(data)
    digits = "".join(ch for ch in (result.total_card_num or "") if ch.isdigit()) or None
    ms = result.trace.timings_ms if result.trace else {}
    return Reading(
        digits,
        result.valid_thru.value if result.valid_thru else None,
        float(ms.get("total", 0.0)),
        float(ms.get("network", 0.0)),
    )


def analyse_both(original: bytes, prepared: bytes) -> tuple[Reading, Reading]:
    from sandbox.server import start_sandbox

    with (
        start_sandbox() as sb,
        OcrClient(base_url=sb.base_url, app_key=sb.app_key, secret_key=sb.secret_key) as client,
    ):
        read(client, prepared)  # warm-up: loads the OCR engine and fetches the public key
        return read(client, original), read(client, prepared)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--image", type=Path, default=DEFAULT_IMAGE)
    args = parser.parse_args()
    if not args.image.exists():
        print(f"missing {args.image}: run samples/generate.py first", file=sys.stderr)
        return 2

    data = args.image.read_bytes()
    loaded = load_image(data)
    buf = np.frombuffer(data, np.uint8)
    stages: dict[str, Callable[[], object]] = {
        "bare decode (cv2.imdecode)": lambda: cv2.imdecode(buf, cv2.IMREAD_COLOR),
        "load_image (dashboard decode)": lambda: load_image(data),
        "preprocess (dashboard defaults)": lambda: preprocess(loaded, DASHBOARD_OPTIONS),
    }
    times = interleaved(stages, args.rounds)
    decode_ms = statistics.median(times["bare decode (cv2.imdecode)"])
    pre_ms = statistics.median(times["preprocess (dashboard defaults)"])
    result = preprocess(loaded, DASHBOARD_OPTIONS)

    print(
        f"photo: {args.image.name} {loaded.width}×{loaded.height} "
        f"({loaded.width * loaded.height / 1e6:.1f} MP), options: {DASHBOARD_OPTIONS}"
    )
    print(
        f"rounds: {args.rounds}, OpenCV threads: {cv2.getNumThreads()}, "
        f"load average {os.getloadavg()[0]:.1f} (2 cores shared; median, min beside it)\n"
    )
    print(f"{'stage':34s} {'median ms':>10s} {'min ms':>8s} {'× decode':>9s}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:34s} {med:10.1f} {min(ts):8.1f} {med / decode_ms:9.2f}")
    print(
        "steps of one run: "
        + ", ".join(f"{s.name} {s.ms:.0f} ms{'' if s.applied else ' (skipped)'}" for s in result.steps)
    )

    sent = len(result.encoded)
    print(f"\n{'':18s} {'as taken':>14s} {'preprocessed':>14s} {'ratio':>8s}")
    print(
        f"{'bytes uploaded':18s} {len(data):14,d} {sent:14,d} {sent / len(data):8.3f}  "
        f"(1/{len(data) / sent:.1f})"
    )
    print(
        f"{'pixels':18s} {f'{loaded.width}×{loaded.height}':>14s} {f'{result.width}×{result.height}':>14s}"
        f"  card found and warped: {result.warped}"
    )

    t0 = time.perf_counter()
    before, after = analyse_both(data, result.encoded)
    truth = json.loads(args.image.with_suffix(".json").read_text(encoding="utf-8")).get("fields", {})
    print(
        f"\nOCR through OcrClient + sandbox "
        f"({time.perf_counter() - t0:.1f} s incl. engine load and a warm-up call):"
    )
    print(
        f"  as taken:     {before.shown}  (call {before.total_ms:.0f} ms, network {before.network_ms:.0f} ms)"
    )
    print(f"  preprocessed: {after.shown}  (call {after.total_ms:.0f} ms, network {after.network_ms:.0f} ms)")
    if truth.get("cardNumber"):
        print(
            f"  truth:        card {mask_card_number(truth['cardNumber'])}, "
            f"validThru {truth.get('validThru')}"
        )

    card_ok = result.width >= MIN_CARD[0] and result.height >= MIN_CARD[1]
    same = (
        before.card_number is not None
        and before.card_number == after.card_number
        and before.valid_thru is not None
        and before.valid_thru == after.valid_thru
    )
    verdicts = [
        (
            f"bytes {sent:,} / {len(data):,} = {sent / len(data):.3f} ≤ {BYTES_TARGET:.3f}",
            sent / len(data) <= BYTES_TARGET,
        ),
        (f"card {result.width}×{result.height} ≥ {MIN_CARD[0]}×{MIN_CARD[1]}", card_ok),
        ("same card number and validThru recognised from both", same),
        (
            (
                f"preprocess median {pre_ms:.0f} ms < {TIME_TARGET_MS:.0f} ms "
                f"({pre_ms / decode_ms:.2f}× a bare decode)"
            ),
            pre_ms < TIME_TARGET_MS,
        ),
    ]
    if truth.get("cardNumber"):
        verdicts.append(
            (
                "both match the specimen's truth",
                same
                and after.card_number == truth["cardNumber"]
                and after.valid_thru == truth.get("validThru"),
            )
        )
    print()
    for text, ok in verdicts:
        print(f"  [{'ok' if ok else 'MISSED'}] {text}")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
