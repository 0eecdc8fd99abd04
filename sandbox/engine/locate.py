"""Finding the document in a larger photo: the main cluster of text, cropped and straightened.

A phone photo of a card on a desk (a quarter of a 12-megapixel frame) is mostly desk. Reading the
whole frame at the engine's working size would leave the card's print a few pixels high; reading it
at full size would cost seconds. So a cheap detection-only pass on a small copy finds where the text
is; the densest cluster of text boxes (desk texture gives few, scattered boxes) with a margin is the
document; its minimum-area rectangle is warped upright at a resolution that suits the engine. Text
clusters find a card whatever its colour against whatever desk, where edge/contour finders need a
contrasting border.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

FRAME_FILL = 0.6
"""A text cluster spanning less than this share of the photo (both sides) is cropped to."""
MASK_SIDE = 400
"""Clustering happens on a mask this long: enough to separate a card from stray desk boxes."""
MARGIN = (0.1, 0.16)
"""Margin added around the text cluster, as shares of its width and height (edges, photo, seals)."""


@dataclass(frozen=True)
class View:
    """The part of the photo the engine reads, and how its points map back to the photo as sent."""

    image: np.ndarray
    to_photo: np.ndarray | None = None
    """3x3 homography from `image` back to the photo; None when `image` is the photo itself."""

    def back(self, points: np.ndarray) -> np.ndarray:
        if self.to_photo is None:
            return points
        p = np.asarray(points, np.float32).reshape(-1, 1, 2)
        return cv2.perspectiveTransform(p, self.to_photo).reshape(np.shape(points))


def text_cluster(boxes: list[np.ndarray], shape: tuple[int, ...]) -> list[np.ndarray] | None:
    """The boxes of the densest cluster of text (by box area), or None."""
    if not boxes:
        return None
    h, w = shape[:2]
    s = MASK_SIDE / max(h, w)
    mask = np.zeros((max(1, round(h * s)), max(1, round(w * s))), np.uint8)
    for b in boxes:
        cv2.fillPoly(mask, [np.round(b * s).astype(np.int32)], 255)
    reach = max(3, round(MASK_SIDE / 20))
    grown = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach)))
    count, labels = cv2.connectedComponents(grown)
    if count <= 1:
        return None
    ink = [int(((labels == k) & (mask > 0)).sum()) for k in range(1, count)]
    best = 1 + int(np.argmax(ink))
    keep = [
        b
        for b in boxes
        if labels[
            min(mask.shape[0] - 1, max(0, int(b.mean(axis=0)[1] * s))),
            min(mask.shape[1] - 1, max(0, int(b.mean(axis=0)[0] * s))),
        ]
        == best
    ]
    return [b.astype(np.float32) for b in keep] or None


def document_view(bgr: np.ndarray, boxes: list[np.ndarray], max_side: int) -> View:
    """The document cut out of `bgr` and turned upright.

    The document cut out of `bgr` and turned upright (within 45 degrees), at most `max_side` long;
    the photo itself when its text already fills the frame."""
    keep = text_cluster(boxes, bgr.shape)
    if keep is None:
        return View(bgr)
    h, w = bgr.shape[:2]
    points = np.concatenate(keep)
    _, _, bw, bh = cv2.boundingRect(points)
    if bw > FRAME_FILL * w or bh > FRAME_FILL * h:
        return View(bgr)
    angle = _text_angle(keep)
    a = np.deg2rad(angle)
    u, n = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    along, across = points @ u, points @ n
    rw, rh = float(along.max() - along.min()), float(across.max() - across.min())
    cx, cy = ((along.max() + along.min()) / 2) * u + ((across.max() + across.min()) / 2) * n
    rw, rh = rw * (1 + 2 * MARGIN[0]), rh * (1 + 2 * MARGIN[1])
    centre = np.array([cx, cy])
    corners = np.array(
        [centre + sx * rw / 2 * u + sy * rh / 2 * n for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))],
        np.float32,
    )  # clockwise from top-left
    scale = min(1.0, max_side / max(rw, rh))
    out_w, out_h = max(1, round(rw * scale)), max(1, round(rh * scale))
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(corners, dst)
    # area-average when shrinking a lot (a 12 MP frame): warpPerspective alone would alias the print
    source, from_source = bgr, m
    if scale < 0.5:
        k = scale * 1.5
        x0, y0, bw, bh = cv2.boundingRect(corners.clip(0, None))
        crop = bgr[y0 : y0 + bh, x0 : x0 + bw]
        source = cv2.resize(crop, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        # source pixel (u, v) is photo pixel (x0 + u / k, y0 + v / k)
        from_source = m @ np.array([[1 / k, 0, x0], [0, 1 / k, y0], [0, 0, 1]], np.float64)
    image = cv2.warpPerspective(
        source, from_source, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return View(image, np.linalg.inv(m))


def _text_angle(boxes: list[np.ndarray]) -> float:
    """Median baseline angle (degrees, within +-45) of the boxes clearly wider than tall."""
    angles = []
    for b in boxes:
        v = (b[1] - b[0]) + (b[2] - b[3])
        length = float(np.hypot(*v))
        if length > 2.0 * float(np.linalg.norm(b[3] - b[0])):
            angles.append(float(np.degrees(np.arctan2(v[1], v[0]))))
    if not angles:
        return 0.0
    angle = float(np.median(angles))
    return (angle + 45) % 90 - 45
