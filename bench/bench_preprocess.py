"""Preprocessing a 12-megapixel photo: time, and bytes uploaded after preprocessing vs as taken.

The photo is samples/photos/visa_12mp.jpg (4000×3000, a card in perspective on a desk). Every
stage is measured interleaved with a bare decode of the same file (``cv2.imdecode``), in one run,
and reported as a median and as a ratio to that decode, so a busy machine moves both sides alike.

Targets (issue 4, section 7): preprocessing under 300 ms; at most 1/8 of the bytes as taken,
with the card still at least 760×480. With ``--ocr`` the sandbox's OCR engine also reads the card
number from the original and from the preprocessed image, and the two must agree.

    .venv/bin/python bench/bench_preprocess.py [--rounds N] [--ocr] [--image PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2
import numpy as np

from bench.timing import interleaved
from ocr_core.imaging import PreprocessOptions, assess_quality, find_card_quad, load_image, preprocess

DEFAULT_IMAGE = ROOT / "samples" / "photos" / "visa_12mp.jpg"
TIME_TARGET_MS = 300.0
BYTES_TARGET = 1 / 8
MIN_CARD = (760, 480)


def card_number(bgr: np.ndarray) -> str | None:
    from sandbox.engine import get_engine

    reading = get_engine().read_credit_card(bgr)
    return None if reading is None else "".join(g.value for g in reading.groups)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--image", type=Path, default=DEFAULT_IMAGE)
    parser.add_argument("--ocr", action="store_true", help="also compare OCR of original vs preprocessed")
    args = parser.parse_args()
    if not args.image.exists():
        print(f"missing {args.image}: run samples/generate.py first", file=sys.stderr)
        return 2

    data = args.image.read_bytes()
    loaded = load_image(data)
    bgr = loaded.bgr
    options = PreprocessOptions()
    buf = np.frombuffer(data, np.uint8)

    stages: dict[str, Callable[[], object]] = {
        "bare decode (cv2.imdecode)": lambda: cv2.imdecode(buf, cv2.IMREAD_COLOR),
        "load_image (validate+decode+EXIF)": lambda: load_image(data),
        "find_card_quad": lambda: find_card_quad(bgr),
        "preprocess (warp+resize+encode)": lambda: preprocess(bgr, options),
        "load_image + preprocess": lambda: preprocess(load_image(data), options),
        "assess_quality": lambda: assess_quality(bgr),
    }
    times = interleaved(stages, args.rounds)
    base = statistics.median(times["bare decode (cv2.imdecode)"])

    print(
        f"image: {args.image.relative_to(ROOT) if args.image.is_relative_to(ROOT) else args.image} "
        f"{loaded.width}×{loaded.height} ({loaded.width * loaded.height / 1e6:.1f} MP), {len(data):,} bytes"
    )
    print(f"OpenCV threads: {cv2.getNumThreads()}, rounds: {args.rounds} (median; min in brackets)\n")
    print(f"{'stage':38s} {'median ms':>10s} {'min ms':>8s} {'× decode':>9s}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:38s} {med:10.1f} {min(ts):8.1f} {med / base:9.2f}")

    result = preprocess(bgr, options)
    print("\nsteps of one preprocess run:")
    for step in result.steps:
        print(
            f"  {step.name:8s} {step.ms:7.1f} ms  {'applied' if step.applied else 'skipped'}  {step.detail}"
        )

    pre_ms = statistics.median(times["preprocess (warp+resize+encode)"])
    ratio = result.size_bytes / len(data)
    card_ok = (
        max(result.width, result.height) >= MIN_CARD[0] and min(result.width, result.height) >= MIN_CARD[1]
    )
    print(
        f"\nbytes: as taken {len(data):,}; after preprocessing {result.size_bytes:,} "
        f"({result.width}×{result.height} {result.format}) = "
        f"1/{len(data) / result.size_bytes:.1f} of the original"
    )
    verdicts = [
        (f"preprocess median {pre_ms:.0f} ms < {TIME_TARGET_MS:.0f} ms", pre_ms < TIME_TARGET_MS),
        (f"bytes ratio {ratio:.3f} <= {BYTES_TARGET:.3f}", ratio <= BYTES_TARGET),
        (f"card {result.width}×{result.height} >= {MIN_CARD[0]}×{MIN_CARD[1]}", card_ok),
    ]
    if args.ocr:
        before, after = card_number(bgr), card_number(result.bgr)
        masked = lambda n: None if n is None else f"{n[:6]}…{n[-4:]}"
        print(f"OCR card number: original {masked(before)}, preprocessed {masked(after)}")
        verdicts.append(("same card number read from both", before is not None and before == after))
    print()
    for text, ok in verdicts:
        print(f"  [{'ok' if ok else 'MISSED'}] {text}")
    return 0 if all(ok for _, ok in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
