"""A card as a misread looks to the validators: the ``visa_blue_flat`` specimen made again by the
specimen generator with the last digit of its number changed, so real OCR reads a number that fails
Luhn while the truth keeps the specimen's own (Luhn-valid) number."""

from __future__ import annotations

import io
import sys
from functools import cache
from pathlib import Path
from unittest import mock

TRUE_NUMBER = "4396317356239782"
"""The number of ``samples/cards/visa_blue_flat.png`` (its truth)."""
PRINTED_NUMBER = "4396317356239783"
"""What the made-up card prints: the truth with its check digit off by one."""


@cache
def luhn_failing_card() -> bytes:
    """PNG bytes of the card printing :data:`PRINTED_NUMBER`, valid thru 04/29."""
    samples = str(Path(__file__).resolve().parents[2] / "samples")
    if (
        samples not in sys.path
    ):  # the generator is a script of samples/, as tests/test_engine_hard.py imports hard
        sys.path.insert(0, samples)
    import generate

    design = next(d for d in generate.CARD_DESIGNS if d.name == "visa_blue_flat")
    with mock.patch.object(generate, "card_number", lambda rng, prefix, length: PRINTED_NUMBER):
        specimen = generate.render_card(design)
    buf = io.BytesIO()
    specimen.image.save(buf, "PNG")
    return buf.getvalue()
