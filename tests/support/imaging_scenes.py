"""Synthetic card photos for the imaging tests and bench: a card face drawn with OpenCV, laid in
perspective on a textured desk, with optional blur, darkness, glare and sensor noise.

Everything is deterministic for a given seed, and the true card corners are returned so tests can
check what ``find_card_quad`` finds against what was drawn.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

CARD_W, CARD_H = 856, 540  # 10 px per mm of ISO ID-1 (85.6 × 54 mm)


@dataclass(frozen=True)
class Scene:
    bgr: np.ndarray
    quad: np.ndarray  # true card corners, TL, TR, BR, BL


def card_face(kind: str = "credit", *, width: int = CARD_W, height: int = CARD_H) -> np.ndarray:
    """An upright card face: a credit card (dark gradient, chip, embossed-style number) or a pale ID."""
    sx, sy = width / CARD_W, height / CARD_H
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    t = (x / width + y / height) / 2
    if kind == "credit":
        top, bottom = np.array([150, 60, 30], np.float32), np.array([90, 30, 120], np.float32)
        ink = (240, 240, 240)
    else:
        top, bottom = np.array([235, 238, 240], np.float32), np.array([215, 225, 235], np.float32)
        ink = (40, 40, 40)
    face = (top * (1 - t[..., None]) + bottom * t[..., None]).astype(np.uint8)
    font = cv2.FONT_HERSHEY_SIMPLEX

    def text(s: str, px: int, py: int, size: float, thick: int) -> None:
        cv2.putText(
            face, s, (int(px * sx), int(py * sy)), font, size * sx, ink, max(1, int(thick * sx)), cv2.LINE_AA
        )

    if kind == "credit":
        cv2.rectangle(face, (int(90 * sx), int(170 * sy)), (int(210 * sx), int(260 * sy)), (80, 190, 220), -1)
        cv2.rectangle(face, (int(90 * sx), int(170 * sy)), (int(210 * sx), int(260 * sy)), (40, 120, 160), 2)
        text("SAMPLE BANK", 60, 90, 1.6, 3)
        text("4111 1111 1111 1111", 70, 360, 2.0, 5)
        text("VALID THRU 12/29", 320, 430, 1.0, 2)
        text("HONG GILDONG", 70, 490, 1.2, 3)
    else:
        text("RESIDENT REGISTRATION CARD", 60, 80, 1.2, 3)
        cv2.rectangle(
            face, (int(600 * sx), int(130 * sy)), (int(800 * sx), int(400 * sy)), (180, 170, 160), -1
        )
        text("HONG GILDONG", 60, 180, 1.3, 3)
        text("900101-1234567", 60, 250, 1.4, 3)
        text("SEOUL JONGNO-GU SAJIK-RO", 60, 330, 0.9, 2)
        text("2020.01.01", 200, 470, 1.0, 2)
    return face


def desk(size: tuple[int, int], *, seed: int = 0) -> np.ndarray:
    """A wood-like desk: warm brown with grain and fine noise. ``size = (width, height)``."""
    w, h = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    grain = np.sin(y / h * 60 + 3 * np.sin(x / w * 7)) * 12 + np.sin(y / h * 310) * 5
    base = np.array([60, 100, 150], np.float32)  # BGR brown
    img = base + grain[..., None] + 4 * rng.standard_normal((h, w, 1), dtype=np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def perspective_quad(
    size: tuple[int, int],
    *,
    share: float = 0.5,
    rotation_deg: float = 6.0,
    keystone: float = 0.12,
    offset: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """Corners of a card covering about ``share`` of the width, rotated and seen in perspective."""
    w, h = size
    cw = share * w
    ch = cw / (CARD_W / CARD_H)
    k = keystone * cw / 2
    # Farther (top) edge shorter than the nearer (bottom) edge: a camera looking down at an angle.
    local = np.array(
        [[-cw / 2 + k / 2, -ch / 2], [cw / 2 - k / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]]
    )
    a = np.radians(rotation_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    centre = np.array([w / 2 + offset[0] * w, h / 2 + offset[1] * h])
    return (local @ rot.T + centre).astype(np.float32)


def photo(
    *,
    size: tuple[int, int] = (1600, 1200),
    kind: str = "credit",
    quad: np.ndarray | None = None,
    blur_sigma: float = 0.0,
    gain: float = 1.0,
    glare: tuple[float, float, float] | None = None,
    noise: float = 3.0,
    seed: int = 0,
    thumb: bool = False,
) -> Scene:
    """A card on a desk. ``glare = (cx, cy, radius)`` as shares of the card's width, centred on it;
    ``thumb`` lays a thumb-like blob over the bottom-left corner, reaching beyond the card."""
    w, h = size
    quad = perspective_quad(size) if quad is None else np.asarray(quad, np.float32)
    face = card_face(kind)
    src = np.array([[0, 0], [CARD_W - 1, 0], [CARD_W - 1, CARD_H - 1], [0, CARD_H - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(face, matrix, (w, h), flags=cv2.INTER_LINEAR)
    alpha_face = np.zeros((CARD_H, CARD_W), np.uint8)
    cv2.rectangle(alpha_face, (0, 0), (CARD_W - 1, CARD_H - 1), 255, -1)
    _round_corners(alpha_face, radius=32)
    alpha = cv2.warpPerspective(alpha_face, matrix, (w, h), flags=cv2.INTER_LINEAR).astype(np.float32) / 255
    img: np.ndarray = desk(size, seed=seed).astype(np.float32)
    img = img * (1 - alpha[..., None]) + warped.astype(np.float32) * alpha[..., None]
    if thumb:
        card_w = float(np.linalg.norm(quad[1] - quad[0]))
        axes = (int(0.13 * card_w), int(0.065 * card_w))
        cv2.ellipse(img, tuple(int(v) for v in quad[3]), axes, 30, 0, 360, (120, 150, 210), -1)
    if glare is not None:
        gx, gy, gr = glare
        cx, cy = quad.mean(axis=0) + np.array([gx, gy]) * np.linalg.norm(quad[1] - quad[0])
        radius = gr * np.linalg.norm(quad[1] - quad[0])
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        blob = np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * (radius / 2) ** 2)))
        img += blob[..., None] * np.float32(600)
    img *= np.float32(gain)
    if blur_sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), blur_sigma)
    if noise > 0:
        img += noise * np.random.default_rng(seed + 1).standard_normal(img.shape, dtype=np.float32)
    return Scene(np.clip(img, 0, 255).astype(np.uint8), quad)


def _round_corners(mask: np.ndarray, radius: int) -> None:
    h, w = mask.shape
    for cx, cy in (
        (radius, radius),
        (w - 1 - radius, radius),
        (w - 1 - radius, h - 1 - radius),
        (radius, h - 1 - radius),
    ):
        x0, x1 = (0, radius) if cx == radius else (w - radius, w)
        y0, y1 = (0, radius) if cy == radius else (h - radius, h)
        mask[y0:y1, x0:x1] = 0
        cv2.circle(mask, (cx, cy), radius, 255, -1)


def encode(bgr: np.ndarray, ext: str = ".jpg", quality: int = 92) -> bytes:
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if ext == ".jpg" else []
    ok, buf = cv2.imencode(ext, bgr, params)
    assert ok
    return buf.tobytes()


# --- the committed specimens (samples/) ----------------------------------------------------------

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"


@dataclass(frozen=True)
class Specimen:
    name: str
    path: Path
    truth: dict

    @property
    def effects(self) -> tuple[str, ...]:
        return tuple((self.truth.get("photo") or {}).get("effects", ()))

    @property
    def quad(self) -> np.ndarray | None:
        quad = self.truth.get("meta", {}).get("quad")
        return None if quad is None else np.array(quad, np.float32)


def specimens(kind: str | None = None) -> list[Specimen]:
    """Specimens listed in samples/index.json (``kind`` "clean" or "photo"); [] before they exist."""
    index = SAMPLES_DIR / "index.json"
    if not index.exists():
        return []
    found = []
    for entry in json.loads(index.read_text())["specimens"]:
        if kind is None or entry["kind"] == kind:
            truth = json.loads((SAMPLES_DIR / entry["truth"]).read_text())
            found.append(Specimen(Path(entry["image"]).stem, SAMPLES_DIR / entry["image"], truth))
    return found


# --- photographed IDs with a face-like portrait (issue 18, item 4) ------------------------------

PORTRAIT_BOXES = {
    "resident": (620, 110, 800, 350),
    "driver": (630, 100, 800, 320),
    "passport": (40, 110, 270, 410),
}
"""Where ``samples/generate.py`` prints the holder's photo on each ID's flat specimen (x0, y0, x1, y1)."""


def face_portrait(width: int, height: int, *, seed: int = 0) -> np.ndarray:
    """A made-up, face-like head-and-shoulders portrait (BGR): shaded skin, hair, eyes with pupils,
    brows, nose, mouth and a jacket. Nobody's face, but with the light and dark of one, so a face
    detector and a person both take it for a photo — and its sharp edges show whether it was blurred."""
    rng = np.random.default_rng(seed)
    img = np.full((height, width, 3), (214, 206, 196), np.uint8)  # pale studio backdrop (BGR)
    cx, s = width // 2, width / 180
    skin, shade, hair = (150, 180, 225), (120, 150, 200), (30, 28, 32)

    def ell(
        c: tuple[float, float], axes: tuple[float, float], colour: tuple[int, int, int], angle: float = 0
    ) -> None:
        cv2.ellipse(
            img,
            (int(c[0]), int(c[1])),
            (max(1, int(axes[0])), max(1, int(axes[1]))),
            angle,
            0,
            360,
            colour,
            -1,
            cv2.LINE_AA,
        )

    ell((cx, height * 1.02), (95 * s, 70 * s), (70, 60, 55))  # jacket
    ell((cx, height * 0.80), (22 * s, 30 * s), shade)  # neck
    ell((cx, height * 0.40), (58 * s, 72 * s), hair)  # hair
    ell((cx, height * 0.46), (48 * s, 62 * s), skin)  # face
    ell((cx - 48 * s, height * 0.47), (8 * s, 14 * s), shade)  # ears
    ell((cx + 48 * s, height * 0.47), (8 * s, 14 * s), shade)
    cv2.rectangle(
        img, (int(cx - 50 * s), int(height * 0.20)), (int(cx + 50 * s), int(height * 0.30)), hair, -1
    )
    for side in (-1, 1):
        ex = cx + side * 19 * s
        ey = height * 0.43
        cv2.line(
            img,
            (int(ex - 11 * s), int(ey - 14 * s)),
            (int(ex + 11 * s), int(ey - 15 * s)),
            (40, 40, 50),
            max(1, int(4 * s)),
            cv2.LINE_AA,
        )  # brow
        ell((ex, ey), (11 * s, 6 * s), (235, 235, 235))  # eye white
        ell((ex, ey), (5 * s, 5 * s), (40, 30, 25))  # iris
    cv2.line(
        img,
        (int(cx), int(height * 0.46)),
        (int(cx - 5 * s), int(height * 0.54)),
        (95, 120, 170),
        max(1, int(3 * s)),
        cv2.LINE_AA,
    )  # nose
    ell((cx, height * 0.61), (16 * s, 5 * s), (90, 90, 170))  # mouth
    ell((cx - 30 * s, height * 0.55), (10 * s, 7 * s), (140, 165, 225))  # cheeks
    ell((cx + 30 * s, height * 0.55), (10 * s, 7 * s), (140, 165, 225))
    soft: np.ndarray = cv2.GaussianBlur(img, (0, 0), max(0.6, s * 0.8))
    noise = rng.normal(0, 2.0, soft.shape).astype(np.float32)
    return np.clip(soft.astype(np.float32) + noise, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class PhotographedId:
    data: bytes
    """The JPEG as a phone writes it: sensor pixels sideways, an EXIF orientation tag to turn them."""
    upright: np.ndarray
    """The photo as it looks once turned upright (what the dashboard shows), before any blur."""
    portrait: np.ndarray
    """The portrait's four corners in ``upright``'s pixels, TL, TR, BR, BL."""
    card: np.ndarray
    """The document's four corners in ``upright``'s pixels."""


def photographed_id(
    flat_path: Path,
    doc_type: str = "resident",
    *,
    size: tuple[int, int] = (3000, 4000),
    card_share: float = 0.8,
    rotation_deg: float = 7.0,
    keystone: float = 0.08,
    orientation: int = 6,
    seed: int = 18,
    quality: int = 88,
) -> PhotographedId:
    """A phone photo of a flat ID specimen whose photo box holds :func:`face_portrait`: 12 MP by
    default (upright 3000×4000, a phone held upright), the card tilted and in perspective on a desk,
    stored sideways with EXIF orientation ``orientation`` (6: turn 90° clockwise to view)."""
    from PIL import Image

    flat = cv2.imread(str(flat_path), cv2.IMREAD_COLOR)
    assert flat is not None, flat_path
    x0, y0, x1, y1 = PORTRAIT_BOXES[doc_type]
    flat[y0 + 2 : y1 - 1, x0 + 2 : x1 - 1] = face_portrait(x1 - x0 - 3, y1 - y0 - 3, seed=seed)
    fh, fw = flat.shape[:2]
    w, h = size
    cw = card_share * w
    ch = cw * fh / fw
    k = keystone * cw / 2
    local = np.array(
        [[-cw / 2 + k / 2, -ch / 2], [cw / 2 - k / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]]
    )
    a = np.radians(rotation_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    quad = (local @ rot.T + np.array([w / 2, h * 0.45])).astype(np.float32)
    src = np.array([[0, 0], [fw - 1, 0], [fw - 1, fh - 1], [0, fh - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, quad)
    warped = cv2.warpPerspective(flat, matrix, (w, h), flags=cv2.INTER_CUBIC)
    alpha = (
        cv2.warpPerspective(np.full((fh, fw), 255, np.uint8), matrix, (w, h)).astype(np.float32)[..., None]
        / 255
    )
    img = desk((w, h), seed=seed).astype(np.float32) * (1 - alpha) + warped.astype(np.float32) * alpha
    img += 2.5 * np.random.default_rng(seed).standard_normal((h, w, 1), dtype=np.float32)
    upright = np.clip(img, 0, 255).astype(np.uint8)
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32).reshape(-1, 1, 2)
    portrait = cv2.perspectiveTransform(corners, matrix).reshape(4, 2)
    pil = Image.fromarray(cv2.cvtColor(upright, cv2.COLOR_BGR2RGB))
    turn = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270, 3: Image.Transpose.ROTATE_180}
    stored = pil.transpose(turn[orientation]) if orientation in turn else pil
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return PhotographedId(out.getvalue(), upright, portrait, quad)
