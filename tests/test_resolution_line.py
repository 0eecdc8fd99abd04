"""The 760×480 line between "normal" and "low" resolution, drawn at the same place by the library, the
sandbox and the quality check (each comparison pinned by one pixel either side: mutation testing)."""

from __future__ import annotations

import pytest

from tests.support.raw_client import png

RESOLUTIONS = [
    ((760, 480), "normal"),
    ((480, 760), "normal"),
    ((759, 480), "low"),
    ((760, 479), "low"),
    ((479, 760), "low"),
    ((480, 759), "low"),
    ((4000, 480), "normal"),
]


@pytest.mark.parametrize(("size", "verdict"), RESOLUTIONS)
def test_resolution_line_in_the_library(size: tuple[int, int], verdict: str) -> None:
    from ocr_core.models import resolution_verdict

    assert resolution_verdict(*size) == verdict


@pytest.mark.parametrize(("size", "verdict"), RESOLUTIONS)
def test_resolution_line_in_the_sandbox(size: tuple[int, int], verdict: str) -> None:
    from sandbox.backend import decode_image

    assert decode_image(png(*size), 40_000_000).resolution == verdict


@pytest.mark.parametrize(
    ("size", "status"),
    [
        ((760, 480), "pass"),
        ((759, 480), "warn"),
        ((760, 479), "warn"),
        ((570, 360), "warn"),
        ((569, 360), "fail"),
    ],
)
def test_resolution_line_in_the_quality_check(size: tuple[int, int], status: str) -> None:
    from ocr_core.imaging.quality import DEFAULT_THRESHOLDS, _resolution_check

    assert _resolution_check("resolution", "image", size, DEFAULT_THRESHOLDS).status == status
