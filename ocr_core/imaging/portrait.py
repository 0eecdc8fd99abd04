"""Where the holder's photo is on an ID, so that masking can hide the face.

Where the holder's photo is on an ID: the API reports text boxes only, yet a masked view must
hide the face too.

The detector is the photo's frame: a portrait-shaped rectangle, the way Korean IDs and passports
print it. On a scan or a flat specimen it is looked for in the image as it is. On a photo of a
document (a phone photo, 12 MP, tilted, in perspective) the frame is small, sheared and drowned in
the desk's texture, so it is looked for on the document itself: the document's outline is found
(:func:`ocr_core.imaging.geometry.find_card_quad`), the document warped flat to a card-sized
image, the frame found there as on a scan, and its corners carried back into the photo through the
same homography — a quadrilateral that is rotated and warped with the document, not an
axis-aligned slab.

Faces: OpenCV's Haar cascade when the OpenCV build still ships ``CascadeClassifier`` (OpenCV 4;
OpenCV 5, the locked version, dropped it, and YuNet's ``FaceDetectorYN`` needs an ONNX model that
no installed package carries — nothing may be downloaded at run time), run on the flattened
document too. The frame is what finds a portrait in the locked build.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from ocr_core.imaging.geometry import card_geometry, downscale, find_card_quad, order_quad

Quad = tuple[tuple[int, int], ...]

_FRAME_AREA = (0.03, 0.35)
"""Share of the image a printed portrait frame covers (resident card ≈ 12 %, photo of a card less)."""
_FRAME_ASPECT = (1.05, 1.75)
"""Height / width of a portrait frame (3 × 4 cm → 1.33), allowing for perspective."""
_FLAT_SIDE = 856
"""Long side of the flattened document the frame is looked for on (10 px per mm of an ID-1 card:
the size the frame detector is calibrated on)."""
_SEARCH_SIDE = 1400
"""Long side an image is searched at when it is larger: a 12 MP frame costs ten times more and
shows the frame no better."""


def find_portraits(bgr: np.ndarray, *, quad: np.ndarray | None = None) -> list[Quad]:
    """Quadrilaterals (image pixels) that hold a portrait.

    Quadrilaterals (image pixels) that hold a portrait: photo frames and grown face boxes, on the
    image as it is and on the document flattened from it (``quad``, its four corners, or found)."""
    small, scale = downscale(bgr, _SEARCH_SIDE)
    found = [_scaled(q, 1 / scale) for q in _frames(small) + _faces(small)]
    if quad is None:
        quad = find_card_quad(bgr)
    if quad is not None:
        for q in _on_document(bgr, order_quad(quad)):
            if not any(_same(q, f) for f in found):
                found.append(q)
    return found


def _scaled(quad: Quad, factor: float) -> Quad:
    return tuple((round(float(x) * factor), round(float(y) * factor)) for x, y in quad)


def _on_document(bgr: np.ndarray, quad: np.ndarray) -> list[Quad]:
    """Frames (and faces) found on the document warped flat, as quads in ``bgr``'s pixels."""
    g = card_geometry(quad)
    if min(g.width, g.height) < 40:
        return []
    if g.width >= g.height:
        size = (_FLAT_SIDE, max(1, round(_FLAT_SIDE * g.height / g.width)))
    else:
        size = (max(1, round(_FLAT_SIDE * g.width / g.height)), _FLAT_SIDE)
    w, h = size
    flat_corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    to_flat = cv2.getPerspectiveTransform(quad.astype(np.float32), flat_corners)
    flat = _warp(bgr, quad, to_flat, size)
    back = np.linalg.inv(to_flat)
    out: list[Quad] = []
    for q in _frames(flat) + _faces(flat):
        pts = cv2.perspectiveTransform(np.asarray(q, np.float32).reshape(-1, 1, 2), back).reshape(-1, 2)
        out.append(tuple((round(float(x)), round(float(y))) for x, y in pts))
    return out


def _warp(bgr: np.ndarray, quad: np.ndarray, to_flat: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``bgr`` warped by ``to_flat`` onto ``size``, cheaply for a large source.

    ``bgr`` warped by ``to_flat`` onto ``size``; a much larger source is first cut to the quad's
    bounding box and area-downscaled, so a 12 MP photo costs no more than a small one and does not
    alias (the warp itself then shrinks by at most 1.5×)."""
    g = card_geometry(quad)
    factor = max(g.width, g.height) / max(size)
    if factor <= 1.5:
        return cv2.warpPerspective(
            bgr, to_flat, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
    ih, iw = bgr.shape[:2]
    x0, y0 = (int(max(0, v - 2)) for v in np.floor(quad.min(axis=0)))
    x1, y1 = int(min(iw, np.ceil(quad[:, 0].max()) + 3)), int(min(ih, np.ceil(quad[:, 1].max()) + 3))
    crop, scale = downscale(bgr[y0:y1, x0:x1], max(8, int(max(y1 - y0, x1 - x0) * 1.5 / factor)))
    # crop pixel = (image pixel - offset) * scale; fold that into the homography
    to_crop = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale], [0, 0, 1]], np.float64)
    matrix = to_flat @ np.linalg.inv(to_crop)
    return cv2.warpPerspective(crop, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _frames(bgr: np.ndarray) -> list[Quad]:
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
    h, w = gray.shape[:2]
    edges = cv2.dilate(cv2.Canny(cv2.GaussianBlur(gray, (3, 3), 0), 40, 120), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[Quad] = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if not _FRAME_AREA[0] * w * h <= area <= _FRAME_AREA[1] * w * h:
            continue
        poly = cv2.approxPolyDP(contour, 0.04 * cv2.arcLength(contour, True), True)
        if len(poly) != 4 or not cv2.isContourConvex(poly):
            continue
        _, _, bw, bh = cv2.boundingRect(poly)
        if not _FRAME_ASPECT[0] <= bh / max(bw, 1) <= _FRAME_ASPECT[1]:
            continue
        if area < 0.7 * bw * bh:  # not a rectangle seen (nearly) face-on
            continue
        quad = tuple((int(px), int(py)) for px, py in poly.reshape(4, 2))
        if not any(_same(quad, q) for q in found):
            found.append(quad)
    return found


def _same(a: Quad, b: Quad) -> bool:
    ax, ay = np.mean(a, axis=0)
    bx, by = np.mean(b, axis=0)
    span = max(np.ptp(np.asarray(a)[:, 0]), 1)
    return bool(abs(ax - bx) < 0.2 * span and abs(ay - by) < 0.2 * span)


@lru_cache(maxsize=1)
def _cascade() -> object | None:
    if not hasattr(cv2, "CascadeClassifier"):  # OpenCV 5, or a build without objdetect: frames only
        return None
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(path)
    return None if cascade.empty() else cascade


def _faces(bgr: np.ndarray) -> list[Quad]:
    cascade = _cascade()
    if cascade is None:
        return []
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if bgr.ndim == 3 else bgr
    h, w = gray.shape[:2]
    side = min(h, w)
    faces = cascade.detectMultiScale(  # type: ignore[attr-defined]
        gray,
        scaleFactor=1.1,
        minNeighbors=6,
        minSize=(side // 12, side // 12),
    )
    out: list[Quad] = []
    for x, y, fw, fh in faces if len(faces) else ():
        # a portrait shows hair and shoulders too: grow the face box to the frame it sits in
        xa, xb = max(0, int(x - 0.5 * fw)), min(w, int(x + 1.5 * fw))
        ya, yb = max(0, int(y - 0.6 * fh)), min(h, int(y + 1.9 * fh))
        out.append(((xa, ya), (xb, ya), (xb, yb), (xa, yb)))
    return out
