"""Where the card is and how it sits: quad finding, perspective warp, skew.

A card photo is a bright or coloured rectangle on some other background (a desk, a hand, a sheet
of paper), usually seen slightly in perspective. ``find_card_quad`` works on a copy downscaled to
``WORK_SIDE`` pixels (the outline needs no more; it is 10–30× cheaper than full resolution). From
four masks — the region unlike the border's colours, dilated edges, and Otsu brightness either way
round — it takes four-sided outlines, refines their corners by fitting a line to each side (so
rounded card corners do not pull the quad inwards), and keeps the best one that is card-shaped,
solid, busier inside than outside, and shows a colour step along every side.

Quads are ``float32`` arrays of shape (4, 2), ``(x, y)`` in the input's pixel coordinates, ordered
top-left, top-right, bottom-right, bottom-left.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from ocr_core.imaging import levels

__all__ = [
    "ID1_ASPECT",
    "ID3_ASPECT",
    "WORK_SIDE",
    "CardGeometry",
    "card_geometry",
    "downscale",
    "estimate_skew",
    "find_card_quad",
    "looks_like_document",
    "order_quad",
    "quad_touches_border",
    "rotate_image",
    "warp_card",
]

ID1_ASPECT = 85.6 / 54.0
"""ISO/IEC 7810 ID-1 (credit cards, Korean resident cards and driving licences): 85.6 × 54 mm."""

ID3_ASPECT = 125.0 / 88.0
"""ISO/IEC 7810 ID-3: passport data pages."""

WORK_SIDE = 640
"""Longest side, in pixels, of the copy the outline is searched on."""

# A card-like outline: at least this share of the image, at most nearly all of it (a quad that is
# the image frame is not a card), and a side ratio loose enough for perspective and for other
# document sizes (ID-3 passport page 1.42).
_MIN_AREA_SHARE = 0.04
_MAX_AREA_SHARE = 0.985
_MIN_ASPECT, _MAX_ASPECT = 1.15, 2.2
_MIN_SOLIDITY = 0.82
_BORDER_CLUSTERS = 3
_MIN_EDGE_SUPPORT = 0.6
_STEP_OFFSET = 3.0  # pixels either side of an outline side, on the work copy
_MIN_STEP = 10.0  # Lab distance (8-bit scale) that counts as a colour step


@dataclass(frozen=True)
class CardGeometry:
    """Measures of a quad: side lengths (pixels), in-plane rotation and keystone (perspective)."""

    width: float
    height: float
    rotation_deg: float
    keystone: float
    """1 − shorter/longer of each pair of opposite sides, the larger of the two: 0 for a flat view."""

    @property
    def aspect(self) -> float:
        return max(self.width, self.height) / max(min(self.width, self.height), 1e-6)


def order_quad(points: np.ndarray) -> np.ndarray:
    """Order four points top-left, top-right, bottom-right, bottom-left (clockwise on screen)."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen, because y grows downwards
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def card_geometry(quad: np.ndarray) -> CardGeometry:
    tl, tr, br, bl = np.asarray(quad, dtype=np.float64)
    top, bottom = float(np.linalg.norm(tr - tl)), float(np.linalg.norm(br - bl))
    left, right = float(np.linalg.norm(bl - tl)), float(np.linalg.norm(br - tr))
    # In-plane rotation: the mean direction of the top and bottom edges, folded into (-45°, 45°].
    dx = (tr - tl)[0] + (br - bl)[0]
    dy = (tr - tl)[1] + (br - bl)[1]
    rotation = _fold_angle(math.degrees(math.atan2(dy, dx)))
    keystone = max(
        1 - min(top, bottom) / max(top, bottom, 1e-6), 1 - min(left, right) / max(left, right, 1e-6)
    )
    return CardGeometry((top + bottom) / 2, (left + right) / 2, rotation, keystone)


def looks_like_document(width: float, height: float, tolerance: float = 0.05) -> bool:
    """True when a frame has the side ratio of an ID card or a passport page.

    True when a width × height frame has the side ratio of an ID-1 card or an ID-3 passport page:
    an image with no outline in it but this shape is most likely already cropped to the document."""
    ratio = max(width, height) / max(min(width, height), 1e-6)
    return any(abs(ratio / a - 1) <= tolerance for a in (ID1_ASPECT, ID3_ASPECT))


def quad_touches_border(quad: np.ndarray, shape: tuple[int, ...], margin_share: float = 0.01) -> bool:
    """True when a corner lies on (or beyond) the image edge: the card is probably cut off."""
    h, w = shape[:2]
    margin = max(2.0, margin_share * max(h, w))
    q = np.asarray(quad)
    return bool(
        (q[:, 0] <= margin).any()
        or (q[:, 1] <= margin).any()
        or (q[:, 0] >= w - 1 - margin).any()
        or (q[:, 1] >= h - 1 - margin).any()
    )


def find_card_quad(
    bgr: np.ndarray, *, work_side: int = WORK_SIDE, downscaled: tuple[np.ndarray, float] | None = None
) -> np.ndarray | None:
    """The card's outline in ``bgr`` as an ordered quad, or None when no card-like outline is seen.

    None is also the answer for an image that is already cropped to the card (no background).
    ``downscaled`` is ``downscale(bgr, work_side)`` where the caller has made it already.
    """
    h, w = bgr.shape[:2]
    small, scale = downscaled if downscaled is not None else downscale(bgr, work_side)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(gray, *_auto_canny_thresholds(gray))
    lab = cv2.cvtColor(small, cv2.COLOR_BGR2LAB).astype(np.float32)
    best: tuple[float, np.ndarray] | None = None
    for mask in _candidate_masks(lab, gray, edges):
        for score, quad in _quads_from_mask(mask, edges, lab):
            if best is None or score > best[0]:
                best = (score, quad)
    if best is None:
        return None
    quad = best[1] / scale
    quad[:, 0] = np.clip(quad[:, 0], 0, w - 1)
    quad[:, 1] = np.clip(quad[:, 1], 0, h - 1)
    return order_quad(quad)


def downscale(bgr: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """Shrink so the longest side is at most ``max_side`` (never enlarge); returns (image, scale).

    Halves with area averaging first: OpenCV's 2:1 area path is several times faster on a 12 MP
    frame than a single area resize by an arbitrary factor, and just as alias-free.
    """
    h, w = bgr.shape[:2]
    if max(h, w) <= max_side:
        return bgr, 1.0
    out = bgr
    while max(out.shape[:2]) >= 2 * max_side:
        out = cv2.resize(out, (out.shape[1] // 2, out.shape[0] // 2), interpolation=cv2.INTER_AREA)
    factor = max_side / max(out.shape[:2])
    size = (max(1, round(out.shape[1] * factor)), max(1, round(out.shape[0] * factor)))
    out = cv2.resize(out, size, interpolation=cv2.INTER_AREA)
    return out, out.shape[1] / w


def warp_card(bgr: np.ndarray, quad: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Map the quad onto an upright ``size = (width, height)`` rectangle.

    Bilinear warping aliases when it shrinks much, so a quad far larger than ``size`` is first cut
    out (its bounding box) and area-downscaled until the warp itself shrinks by at most 1.5×.
    """
    w, h = size
    q = order_quad(quad)
    g = card_geometry(q)
    factor = max(g.width, g.height) / max(w, h)
    source = bgr
    if factor > 1.5:
        ih, iw = bgr.shape[:2]
        x0, y0 = (int(max(0, v - 2)) for v in np.floor(q.min(axis=0)))
        x1, y1 = int(min(iw, np.ceil(q[:, 0].max()) + 3)), int(min(ih, np.ceil(q[:, 1].max()) + 3))
        crop = bgr[y0:y1, x0:x1]
        source, scale = downscale(crop, max(8, int(max(crop.shape[:2]) * 1.5 / factor)))
        q = (q - np.array([x0, y0], np.float32)) * np.float32(scale)
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(q, dst)
    return cv2.warpPerspective(
        source, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def estimate_skew(
    bgr: np.ndarray, *, work_side: int = WORK_SIDE, downscaled: tuple[np.ndarray, float] | None = None
) -> float | None:
    """The dominant near-horizontal line angle in degrees (positive = clockwise on screen), or None.

    Uses long straight edges (card borders, stripes, text baselines) found by a probabilistic Hough
    transform; the length-weighted median resists stray diagonals. On a copy at most ``work_side``
    long: at 1000 px a card's print broke into edges too short to vote more often (the specimens
    turned by -12..8°: 30 of 78 estimates missing or off by more than 1°, against 7 at 640), and cost
    more (15.7 against 12.4 ms). ``downscaled`` is ``downscale(bgr, work_side)`` where the caller has it.
    """
    small, _ = downscaled if downscaled is not None else downscale(bgr, work_side)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(gray, *_auto_canny_thresholds(gray))
    min_len = max(20, small.shape[1] // 8)
    lines = cv2.HoughLinesP(edges, 1, np.pi / 360, threshold=60, minLineLength=min_len, maxLineGap=8)
    if lines is None:
        return None
    segs = lines.reshape(-1, 4).astype(np.float64)
    dx, dy = segs[:, 2] - segs[:, 0], segs[:, 3] - segs[:, 1]
    angles = np.degrees(np.arctan2(dy, dx))
    angles = np.where(angles > 90, angles - 180, np.where(angles < -90, angles + 180, angles))
    lengths = np.hypot(dx, dy)
    keep = np.abs(angles) <= 30
    if keep.sum() < 2:
        return None
    return _weighted_median(angles[keep], lengths[keep])


def rotate_image(bgr: np.ndarray, angle_deg: float, *, fill: tuple[int, ...] | None = None) -> np.ndarray:
    """Rotate by ``-angle_deg`` (undoing a clockwise skew), growing the canvas so nothing is cut.

    The new corners repeat the nearest edge pixels, or are ``fill`` (one value per channel) when given: a
    flat colour is also about half as costly to make as repeated edges."""
    h, w = bgr.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = round(h * sin + w * cos), round(h * cos + w * sin)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    if fill is None:
        return cv2.warpAffine(
            bgr, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
    return cv2.warpAffine(
        bgr, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill
    )


# ---------------------------------------------------------------------------------------------
# Candidate masks and quads


def _candidate_masks(lab: np.ndarray, gray: np.ndarray, edges: np.ndarray) -> Iterator[np.ndarray]:
    """Binary masks in which the card should be one blob, the most telling first."""
    yield _unlike_border_mask(lab)
    yield cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)), iterations=2)
    _, otsu = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    yield otsu
    yield cv2.bitwise_not(otsu)


def _unlike_border_mask(lab: np.ndarray) -> np.ndarray:
    """Pixels whose colour differs from every colour of the image border (the background).

    The border's colours are summarised by a few k-means centres rather than one median, so a
    shadow falling across part of the desk stays background. ``lab`` is float32 Lab.
    """
    h, w = lab.shape[:2]
    band = max(2, min(h, w) // 25)
    ring = np.concatenate(
        [
            lab[:band].reshape(-1, 3),
            lab[-band:].reshape(-1, 3),
            lab[:, :band].reshape(-1, 3),
            lab[:, -band:].reshape(-1, 3),
        ]
    )
    ring = np.ascontiguousarray(ring[::4])  # plenty for three centres, and 4× cheaper
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 1.0)
    cv2.setRNGSeed(0)
    # OpenCV documents bestLabels=None (an output here); its type stubs do not admit it.
    _, labels, centres = cv2.kmeans(
        ring,
        _BORDER_CLUSTERS,
        None,
        criteria,
        2,  # type: ignore[call-overload]
        cv2.KMEANS_PP_CENTERS,
    )
    # Ignore tiny clusters: a card poking into the border band must not become "background".
    counts = np.bincount(labels.ravel(), minlength=_BORDER_CLUSTERS)
    centres = centres[counts >= 0.1 * len(ring)]
    spread = float(np.median(_nearest_distance(ring[None], centres)))
    raw = _nearest_distance(lab, centres)
    to_byte = 255.0 / max(float(raw.max()), 1.0)
    distance = np.clip(raw * to_byte, 0, 255).astype(np.uint8)
    otsu_level, _ = cv2.threshold(distance, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Never cut below the background's own texture, or the desk's grain becomes "card".
    floor = 2.5 * spread * to_byte
    _, mask = cv2.threshold(distance, max(otsu_level, floor), 255, cv2.THRESH_BINARY)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, iterations=3)


def _auto_canny_thresholds(gray: np.ndarray) -> tuple[float, float]:
    median = levels.median(gray)
    return max(10.0, 0.66 * median), min(255.0, max(30.0, 1.33 * median))


def _quads_from_mask(mask: np.ndarray, edges: np.ndarray, lab: np.ndarray) -> list[tuple[float, np.ndarray]]:
    """Scored card-like quads among the mask's larger contours."""
    h, w = mask.shape[:2]
    image_area = float(h * w)
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    contours = sorted(contours, key=cv2.contourArea, reverse=True)[:8]
    found: list[tuple[float, np.ndarray]] = []
    for contour in contours:
        area = cv2.contourArea(contour)
        if area < _MIN_AREA_SHARE * image_area:
            break
        points = contour.reshape(-1, 2).astype(np.float32)
        for quad in _rough_quads(contour):
            quad = _refine_corners(points, quad)
            quad_area = abs(cv2.contourArea(quad))
            if not (_MIN_AREA_SHARE * image_area <= quad_area <= _MAX_AREA_SHARE * image_area):
                continue
            solidity = min(area, quad_area) / max(area, quad_area)
            if solidity < _MIN_SOLIDITY:
                continue
            aspect = card_geometry(order_quad(quad)).aspect
            if not (_MIN_ASPECT <= aspect <= _MAX_ASPECT):
                continue
            if not _busier_inside(quad, edges) or _edge_support(quad, lab) < _MIN_EDGE_SUPPORT:
                continue
            aspect_fit = math.exp(-abs(math.log(aspect / ID1_ASPECT)) * 2)
            found.append((quad_area / image_area * solidity * (0.5 + 0.5 * aspect_fit), quad))
            break
    return found


def _rough_quads(contour: np.ndarray) -> Iterator[np.ndarray]:
    """Four-corner guesses for a blob, the plainest first."""
    quad = _approx_quad(cv2.convexHull(contour))
    if quad is not None:
        yield quad
    # A corner hidden by a thumb, or the blob merged with an object touching the card: the card's
    # sides are still the outline's four longest straight runs; extending them restores the corner.
    perimeter = cv2.arcLength(contour, True)
    polygon = cv2.approxPolyDP(contour, 0.01 * perimeter, True).reshape(-1, 2).astype(np.float32)
    if 5 <= len(polygon) <= 24:
        quad = _quad_from_longest_sides(polygon)
        if quad is not None:
            yield quad


def _nearest_distance(pixels: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Distance from each pixel of a float32 image (h, w, 3) to the nearest of ``centres`` (k, 3).

    OpenCV's per-pixel arithmetic rather than NumPy's: the same float32 values as the ``einsum``
    form, bit for bit, without its (h, w, 3) temporaries (``find_card_quad`` 32 -> 24 ms a card)."""
    best: np.ndarray | None = None
    sum_channels = np.ones((1, 3), np.float32)
    for centre in centres.astype(np.float32):
        # OpenCV takes a scalar per channel here; its type stubs admit only arrays
        scalar = (float(centre[0]), float(centre[1]), float(centre[2]), 0.0)
        diff = cv2.subtract(pixels, scalar)  # type: ignore[call-overload]
        dist = cv2.transform(cv2.multiply(diff, diff), sum_channels)
        best = dist if best is None else cv2.min(best, dist)
    assert best is not None
    distance: np.ndarray = cv2.sqrt(best)
    return distance.reshape(pixels.shape[:-1])


def _edge_support(quad: np.ndarray, lab: np.ndarray) -> float:
    """The least share, over the four sides, of points where the colour steps across the side.

    A real outline has a colour step all along each side; a quad cut out of a blob by a gradient
    or a shadow has at least one side running through smooth tones. Each point compares the
    colour a few pixels inside with a few pixels outside. A side lying on the image border (a card
    running off the frame) counts as supported.
    """
    h, w = lab.shape[:2]
    q = order_quad(quad)
    centre = q.mean(axis=0)
    t = np.linspace(0.1, 0.9, 41)[:, None]
    worst = 1.0
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        side = b - a
        normal = np.array([-side[1], side[0]], np.float32) / max(float(np.linalg.norm(side)), 1e-6)
        if np.dot(centre - a, normal) > 0:
            normal = -normal  # point outwards
        pts = a + t * side
        inner = np.round(pts - _STEP_OFFSET * normal).astype(int)
        outer = np.round(pts + _STEP_OFFSET * normal).astype(int)
        on_border = (pts[:, 0] <= 2) | (pts[:, 1] <= 2) | (pts[:, 0] >= w - 3) | (pts[:, 1] >= h - 3)
        outer_in_image = (outer[:, 0] >= 0) & (outer[:, 0] < w) & (outer[:, 1] >= 0) & (outer[:, 1] < h)
        inner[:, 0] = np.clip(inner[:, 0], 0, w - 1)
        inner[:, 1] = np.clip(inner[:, 1], 0, h - 1)
        outer[:, 0] = np.clip(outer[:, 0], 0, w - 1)
        outer[:, 1] = np.clip(outer[:, 1], 0, h - 1)
        step = np.linalg.norm(lab[inner[:, 1], inner[:, 0]] - lab[outer[:, 1], outer[:, 0]], axis=1)
        supported = (step >= _MIN_STEP) | on_border | ~outer_in_image
        worst = min(worst, float(supported.mean()))
    return worst


def _busier_inside(quad: np.ndarray, edges: np.ndarray) -> bool:
    """A card carries print; its surroundings (desk, hand, paper) carry less.

    Rejects the inner rectangles of an image that is already cropped to a card (the ID photo box,
    the chip): there, the text lies outside the rectangle.
    """
    inside = np.zeros(edges.shape, np.uint8)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 255)
    inside_px = int(np.count_nonzero(inside))
    outside_px = edges.size - inside_px
    if outside_px < 0.05 * edges.size:
        return True  # too little outside to judge
    edges_inside = int(np.count_nonzero(cv2.bitwise_and(edges, inside)))
    edges_outside = int(np.count_nonzero(edges)) - edges_inside
    return edges_outside / outside_px <= edges_inside / max(inside_px, 1)


def _approx_quad(hull: np.ndarray) -> np.ndarray | None:
    perimeter = cv2.arcLength(hull, True)
    for eps in (0.02, 0.035, 0.05, 0.07):
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
        if len(approx) < 4:
            break
    # A blob with no clean corners (heavily rounded, or ragged): its minimum-area rectangle.
    rect = cv2.boxPoints(cv2.minAreaRect(hull))
    if cv2.contourArea(hull) / max(cv2.contourArea(rect), 1e-6) >= 0.9:
        return rect.astype(np.float32)
    return None


def _quad_from_longest_sides(polygon: np.ndarray) -> np.ndarray | None:
    n = len(polygon)
    lengths = [float(np.linalg.norm(polygon[(i + 1) % n] - polygon[i])) for i in range(n)]
    sides = sorted(sorted(range(n), key=lengths.__getitem__, reverse=True)[:4])
    if sum(lengths[i] for i in sides) < 0.6 * sum(lengths):
        return None  # the four longest runs are not most of the outline: not a partly hidden rectangle
    lines = [(polygon[i], polygon[(i + 1) % n] - polygon[i]) for i in sides]
    corners = [_intersect(lines[k - 1], lines[k]) for k in range(4)]
    if any(c is None for c in corners):
        return None
    quad = np.array(corners, dtype=np.float32)
    if not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        return None
    # The restored corners may not stray far from the outline they complete.
    extent = float(np.linalg.norm(polygon.max(axis=0) - polygon.min(axis=0)))
    distance = [
        abs(cv2.pointPolygonTest(polygon.reshape(-1, 1, 2), tuple(map(float, c)), True)) for c in quad
    ]
    return quad if max(distance) <= 0.2 * extent else None


def _refine_corners(points: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Fit a line to the contour points along each side (ends excluded) and intersect them."""
    quad = order_quad(quad)
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        side = b - a
        length = float(np.linalg.norm(side))
        if length < 8:
            return quad
        direction = side / length
        rel = points - a
        along = rel @ direction
        across = np.abs(rel[:, 0] * direction[1] - rel[:, 1] * direction[0])
        near = (across < max(3.0, 0.03 * length)) & (along > 0.15 * length) & (along < 0.85 * length)
        if near.sum() < 5:
            return quad
        vx, vy, x0, y0 = cv2.fitLine(points[near], cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    corners = []
    for i in range(4):
        p = _intersect(lines[i - 1], lines[i])
        if p is None or np.linalg.norm(p - quad[i]) > 0.1 * float(
            np.linalg.norm(quad[i] - quad[(i + 2) % 4])
        ):
            return quad
        corners.append(p)
    return np.array(corners, dtype=np.float32)


def _intersect(l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    (p, r), (q, s) = l1, l2
    denom = r[0] * s[1] - r[1] * s[0]
    if abs(denom) < 1e-6:
        return None
    t = ((q - p)[0] * s[1] - (q - p)[1] * s[0]) / denom
    point: np.ndarray = p + t * r
    return point


def _fold_angle(deg: float) -> float:
    """Fold an edge direction into (-45°, 45°]: a card turned by 90° is upright for our purposes."""
    folded = (deg + 45.0) % 90.0 - 45.0
    return 45.0 if folded == -45.0 else folded


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
