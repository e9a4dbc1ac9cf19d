"""Regions of a page that are not printed text: round seals, rectangular rubber stamps, tables.

Real scans are often bilevel (CCITT G4, 200 dpi): a seal or stamp is as black as the text, so colour cannot
tell them apart; shape can. Everything is measured on a ~50 dpi copy (a few ms per page):
- a seal is a ring: a circle of 12–25 mm radius that has ink on (nearly) all of its circumference;
- a rubber stamp is an isolated ruled rectangle of stamp size (30–100 mm × 10–45 mm) with no ruled cell
  beside it (a table's cells share their borders, a stamp's box stands alone);
- a table is a ruled frame with several cells inside (kept for reading order: rows, not columns).
The OCR stage masks stamps before OCR and drops words read out of seals; the regions stay on the page's
OCR result as page data (`Region(kind, box)`), so "is there a seal on page 1" has an answer.
"""
from __future__ import annotations

import cv2
import numpy as np

from digitize.model import Region

WORK_DPI = 50.0
SEAL_RADIUS_MM = (12.0, 25.0)
RING_COVERAGE = 0.9  # share of a seal's circumference with ink; text and tables reach ~0.65
STAMP_W_MM, STAMP_H_MM = (30.0, 100.0), (10.0, 45.0)
RULE_MM = 8.0  # a ruled border is a straight run of ink at least this long
VRULE_MM = 6.0  # vertical: longer than any letter stroke (capitals with tone marks are ~4 mm at 14 pt)


def _mm(dpi: float) -> float:
    return dpi / 25.4


def _small_grey(image: np.ndarray, dpi: float) -> tuple[np.ndarray, float]:
    # the darkest channel: a red seal or a blue signature is as dark there as black ink
    grey = image if image.ndim == 2 else cv2.min(cv2.min(image[:, :, 0], image[:, :, 1]), image[:, :, 2])
    scale = min(1.0, WORK_DPI / dpi)
    return cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


def _ring_coverage(ink: np.ndarray, x: float, y: float, r: float) -> float:
    angles = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    h, w = ink.shape
    hit = np.zeros(angles.size, bool)
    for dr in (-1.5, -0.75, 0.0, 0.75, 1.5):  # the ring is a band, not a one-pixel line
        xs = np.rint(x + (r + dr) * np.cos(angles)).astype(int)
        ys = np.rint(y + (r + dr) * np.sin(angles)).astype(int)
        inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
        hit[inside] |= ink[ys[inside], xs[inside]] > 0
    return float(hit.mean())


def find_seals(small: np.ndarray, scale: float, mm: float) -> list[Region]:
    ink = (small < 160).astype(np.uint8)
    circles = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1, minDist=int(20 * mm), param1=100, param2=20,
                               minRadius=int(SEAL_RADIUS_MM[0] * mm), maxRadius=int(SEAL_RADIUS_MM[1] * mm))
    seals: list[Region] = []
    for x, y, r in ([] if circles is None else circles[0]):
        # a ring on paper: inked all round, mostly paper just outside (a dark page is inked everywhere)
        if _ring_coverage(ink, x, y, r) < RING_COVERAGE or _ring_coverage(ink, x, y, r * 1.15 + 2) > 0.6:
            continue
        box = tuple(int(round(v / scale)) for v in (x - r, y - r, x + r, y + r))
        if not any(_overlap(box, s.box) > 0.5 for s in seals):
            seals.append(Region("seal", box))  # type: ignore[arg-type]
    return seals


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over the smaller box."""
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])) or 1
    return ix * iy / smaller


def _sides_covered(lines: np.ndarray, x: int, y: int, w: int, h: int) -> float:
    """The least-covered side of a box: share of its length with a ruled border (a 2 px band)."""
    band = lines[y:y + h, x:x + w] > 0
    sides = (band[:3].any(0), band[-3:].any(0), band[:, :3].any(1), band[:, -3:].any(1))
    return min(float(s.mean()) for s in sides)


def find_ruled(small: np.ndarray, scale: float, mm: float) -> list[Region]:
    """Stamps (a ruled box of stamp size, standing alone) and tables (a ruled frame holding several cells)."""
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 20)
    run = max(3, int(RULE_MM * mm))
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(VRULE_MM * mm))))
    lines = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))  # close dashed borders
    contours, hierarchy = cv2.findContours(lines, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    regions: list[Region] = []
    for i, c in enumerate(contours):
        if hierarchy[0][i][3] != -1:
            continue  # a hole; looked at through its parent
        x, y, w, h = cv2.boundingRect(c)
        box = tuple(int(round(v / scale)) for v in (x, y, x + w, y + h))
        w_mm, h_mm = w / mm, h / mm
        if STAMP_W_MM[0] <= w_mm <= STAMP_W_MM[1] and STAMP_H_MM[0] <= h_mm <= STAMP_H_MM[1] \
                and _sides_covered(lines, x, y, w, h) >= 0.6:
            regions.append(Region("stamp", box))  # type: ignore[arg-type]
        elif w_mm > 60 and h_mm > 20:
            cells = sum(1 for j in range(len(contours)) if hierarchy[0][j][3] == i
                        and cv2.contourArea(contours[j]) > 4 * mm * mm)
            if cells >= 4:
                regions.append(Region("table", box))  # type: ignore[arg-type]
    return regions


def detect(image: np.ndarray, dpi: float | None) -> tuple[Region, ...]:
    small, scale = _small_grey(image, dpi or 200.0)
    mm = _mm((dpi or 200.0) * scale)  # pixels per millimetre of the small copy
    return tuple(find_seals(small, scale, mm) + find_ruled(small, scale, mm))


def mask_stamps(grey: np.ndarray, regions: tuple[Region, ...]) -> np.ndarray:
    """Paint rubber stamps (border, print and handwriting) as paper, in place."""
    for r in regions:
        if r.kind == "stamp":
            x0, y0, x1, y1 = r.box
            grey[max(0, y0 - 2):y1 + 3, max(0, x0 - 2):x1 + 3] = 255
    return grey


def inside(box: tuple[int, int, int, int], region: Region) -> bool:
    """The word's centre lies in the region (a seal: in its circle)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    x0, y0, x1, y1 = region.box
    if region.kind == "seal":
        r = (x1 - x0) / 2
        return (cx - (x0 + x1) / 2) ** 2 + (cy - (y0 + y1) / 2) ** 2 <= (r * 1.03) ** 2
    return x0 <= cx <= x1 and y0 <= cy <= y1
