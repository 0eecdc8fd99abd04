"""Degradations for sweeps, made with OpenCV: each takes a BGR image and a level, returns a new image.

``NAME:LEVEL,LEVEL,…`` specs (``blur:0,1.5,3``). A level equal to the degradation's identity (blur 0,
dark 1, scale 1, …) is the image as given. :func:`render` makes what a sweep item sends: the source is
decoded once by the caller, each level works on its 8-bit pixels (no float copies of the picture) and
is encoded once. Every step is deterministic, so an item's image can be made again from its source
and checked against the SHA-256 stored for it (``qa.images``). Ten levels of any degradation on a
12 MP photo take under a second (``bench/bench_qa_lab.py --only sweeps``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from ocr_core.imaging import LoadedImage
from ocr_core.imaging.geometry import rotate_image
from ocr_core.imaging.loading import ImageFormat
from qa.errors import LabInputError

DEGRADED_JPEG_QUALITY = 95
"""A degraded JPEG source is sent as JPEG at this quality; a PNG source as PNG (fast compression)."""


def _blur(img: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(img, (0, 0), sigmaX=sigma) if sigma > 0 else img


def _dark(img: np.ndarray, factor: float) -> np.ndarray:
    lut = np.clip(np.arange(256, dtype=np.float32) * factor, 0, 255).astype(np.uint8)
    return cv2.LUT(img, lut)


def _scale(img: np.ndarray, factor: float) -> np.ndarray:
    h, w = img.shape[:2]
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return cv2.resize(img, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)


def _jpeg(img: np.ndarray, quality: float) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV encodes any BGR image
        raise ValueError("JPEG encoding failed")
    return _decoded(buf.tobytes())


def _decoded(data: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if img is None:  # pragma: no cover - the bytes were just encoded by OpenCV
        raise ValueError("JPEG decoding failed")
    return img


def _glare(img: np.ndarray, strength: float) -> np.ndarray:
    """A bright spot (Gaussian falloff) over the right half of the middle; strength 0..1."""
    if strength <= 0:
        return img
    h, w = img.shape[:2]
    step = max(1, min(w, h) // 256)  # the spot is smooth: computed small, then enlarged
    sh, sw = -(-h // step), -(-w // step)
    radius = 0.22 * min(sw, sh)
    yy = (np.arange(sh, dtype=np.float32) - 0.45 * sh) ** 2
    xx = (np.arange(sw, dtype=np.float32) - 0.6 * sw) ** 2
    spot = np.clip(
        np.exp(-(yy[:, None] + xx[None, :]) / (2 * radius * radius)) * (255.0 * 1.6 * strength), 0, 255
    )
    spot = cv2.resize(spot.astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.add(img, cv2.cvtColor(spot, cv2.COLOR_GRAY2BGR))


def _edge_colour(img: np.ndarray) -> tuple[int, ...]:
    """The median colour of the image's outer frame.

    The median colour of the image's outer frame: what a turned or tilted photo shows around the
    card is more of its background, not a black band or smeared edge pixels."""
    frame = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]]).reshape(
        -1, 1 if img.ndim == 2 else img.shape[2]
    )
    return tuple(int(v) for v in np.median(frame, axis=0))


def _rotate(img: np.ndarray, degrees: float) -> np.ndarray:
    """Turned by ``degrees`` (counter-clockwise on screen) on a canvas grown to keep every pixel."""
    return rotate_image(img, degrees, fill=_edge_colour(img))


def _perspective(img: np.ndarray, tilt: float) -> np.ndarray:
    """The top edge pulled in by ``tilt`` (fraction of the width, 0..0.45): the card tilted away."""
    h, w = img.shape[:2]
    d = tilt * w
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    dst = np.array([[d, 0], [w - d, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(img, m, (w, h), borderMode=cv2.BORDER_CONSTANT, borderValue=_edge_colour(img))


NOISE_FIELD_SIGMA = 16
"""The cached noise field's standard deviation in steps of 1/16 of a level's σ, around 128 in 8 bits
(clipped beyond 7.9 σ): all-uint8 arithmetic is OpenCV's vectorised path, 3–4× faster than int8."""


@lru_cache(maxsize=2)  # the lab's two sending threads may work on images of two sizes
def _noise_field(shape: tuple[int, ...]) -> np.ndarray:
    """One fixed field of Gaussian noise per image shape.

    One fixed field of Gaussian noise per image shape, independent in every channel as a camera
    sensor's is. Each level scales the same field, so a sweep varies only the noise's strength — and
    the random draw, the dearest step, is made once per image instead of once per level."""
    cv2.setRNGSeed(1)  # OpenCV's generator is per thread: seeding and drawing happen together
    field = np.empty(shape, np.uint8)
    # drawn over the array seen as one channel: a one-value mean and σ fill only a colour image's first
    # channel
    cv2.randn(field.reshape(shape[0], -1), np.full(1, 128.0), np.full(1, float(NOISE_FIELD_SIGMA)))
    field.flags.writeable = False
    return field


def _noise(img: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian noise of standard deviation ``sigma`` (grey levels) added to every channel."""
    if sigma <= 0:
        return img
    gain = sigma / NOISE_FIELD_SIGMA
    return cv2.addWeighted(img, 1.0, _noise_field(img.shape), gain, -128 * gain)


@dataclass(frozen=True)
class Degradation:
    name: str
    identity: float
    apply: Callable[[np.ndarray, float], np.ndarray]
    low: float
    high: float
    unit: str
    worse_when_higher: bool = True


DEGRADATIONS: dict[str, Degradation] = {
    d.name: d
    for d in (
        Degradation("blur", 0.0, _blur, 0.0, 20.0, "σ px"),
        Degradation("dark", 1.0, _dark, 0.05, 1.0, "exposure ×", worse_when_higher=False),
        Degradation("scale", 1.0, _scale, 0.05, 1.0, "×", worse_when_higher=False),
        Degradation("jpeg", 100.0, _jpeg, 1.0, 100.0, "quality", worse_when_higher=False),
        Degradation("rotate", 0.0, _rotate, -180.0, 180.0, "°"),
        Degradation("glare", 0.0, _glare, 0.0, 1.0, "strength"),
        Degradation("perspective", 0.0, _perspective, 0.0, 0.45, "tilt"),
        Degradation("noise", 0.0, _noise, 0.0, 100.0, "σ"),
    )
}


class SweepError(LabInputError):
    """A sweep spec that cannot be used (``lab.in.sweep_*``)."""


def parse_spec(spec: str) -> tuple[str, tuple[float, ...]]:
    """``"blur:0,1.5,3"`` → ``("blur", (0.0, 1.5, 3.0))``."""
    name, sep, levels_text = spec.partition(":")
    name = name.strip().lower()
    if name not in DEGRADATIONS:
        raise SweepError("sweep_unknown", name=name, choices=", ".join(DEGRADATIONS))
    if not sep or not levels_text.strip():
        raise SweepError("sweep_no_levels", spec=spec)
    d = DEGRADATIONS[name]
    levels: list[float] = []
    for part in levels_text.split(","):
        try:
            level = float(part)
        except ValueError:
            raise SweepError("sweep_not_number", spec=spec, part=part.strip()) from None
        if not d.low <= level <= d.high:
            raise SweepError(
                "sweep_range", spec=spec, name=name, low=f"{d.low:g}", high=f"{d.high:g}", unit=d.unit
            )
        if level not in levels:
            levels.append(level)
    return name, tuple(levels)


def degrade(img: np.ndarray, name: str, level: float) -> np.ndarray:
    d = DEGRADATIONS[name]
    return img if level == d.identity else d.apply(img, level)


def _encode(bgr: np.ndarray, fmt: str, quality: int = DEGRADED_JPEG_QUALITY) -> bytes:
    if fmt == "png":
        ok, buf = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    else:
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - OpenCV encodes any 8-bit BGR image
        raise ValueError(f"{fmt} encoding failed")
    return buf.tobytes()


def render(base: LoadedImage, name: str, level: float) -> LoadedImage:
    """One sweep item's image, as the bytes to send and the pixels they show.

    One sweep item's image: ``base`` (the decoded, upright source) at ``level`` of ``name``, as the
    bytes that will be sent (``original_bytes``) and the pixels they show. The identity level is
    ``base`` itself; ``jpeg`` is the source encoded at that quality (its pixels decoded back, since
    they are what the service sees); any other degradation is encoded as the source was."""
    if name == "none" or level == DEGRADATIONS[name].identity:
        return base
    if name == "jpeg":
        data = _encode(base.bgr, "jpeg", int(level))
        bgr = _decoded(data)
        fmt: ImageFormat = "jpeg"
    else:
        bgr = degrade(base.bgr, name, level)
        data = _encode(bgr, base.format)
        fmt = base.format
    h, w = bgr.shape[:2]
    return LoadedImage(bgr=bgr, format=fmt, width=w, height=h, exif_rotated=False, original_bytes=data)


def sweep_levels(sweep: list[tuple[str, tuple[float, ...]]]) -> list[tuple[str, float]]:
    """The (degradation, level) pairs a sweep sends besides the image as given (identity levels dropped)."""
    return [
        (name, level) for name, levels in sweep for level in levels if level != DEGRADATIONS[name].identity
    ]


def severity_order(name: str, levels: list[float]) -> list[float]:
    """Levels from mildest to harshest."""
    return sorted(levels, reverse=not DEGRADATIONS[name].worse_when_higher)
