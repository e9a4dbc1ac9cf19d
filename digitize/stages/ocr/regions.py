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
RING_COVERAGE = 0.85  # share of a seal's circumference with ink; text and tables reach ~0.67
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


def scaled_box(x0: float, y0: float, x1: float, y1: float, scale: float) -> tuple[int, int, int, int]:
    """A box found on the reduced image, in pixels of the page."""
    return (int(round(x0 / scale)), int(round(y0 / scale)), int(round(x1 / scale)), int(round(y1 / scale)))


def find_seals(small: np.ndarray, scale: float, mm: float) -> list[Region]:
    ink = (small < 160).astype(np.uint8)
    circles = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1, minDist=int(20 * mm), param1=100, param2=20,
                               minRadius=int(SEAL_RADIUS_MM[0] * mm), maxRadius=int(SEAL_RADIUS_MM[1] * mm))
    seals: list[Region] = []
    for x, y, r in ([] if circles is None else circles[0]):
        # a ring on paper: inked all round, mostly paper just outside (a dark page is inked everywhere)
        if _ring_coverage(ink, x, y, r) < RING_COVERAGE or _ring_coverage(ink, x, y, r * 1.15 + 2) > 0.6:
            continue
        box = scaled_box(x - r, y - r, x + r, y + r, scale)
        if not any(_overlap(box, s.box) > 0.5 for s in seals):
            seals.append(Region("seal", box))
    return seals


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over the smaller box."""
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])) or 1
    return ix * iy / smaller


def _sides_covered(lines: np.ndarray, x: int, y: int, w: int, h: int) -> float:
    """How well a box is ruled all round: the least-covered side's share of its length with a ruled border (a
    2 px band), except that one side may be broken (the ĐẾN stamp's top is the thin frame of its agency line,
    lost at 50 dpi) when the other three are ruled and it still shows (FOURTH_SIDE)."""
    band = lines[y:y + h, x:x + w] > 0
    sides = sorted(float(s.mean()) for s in (band[:3].any(0), band[-3:].any(0), band[:, :3].any(1),
                                              band[:, -3:].any(1)))
    return sides[1] if sides[0] >= FOURTH_SIDE else sides[0]


FOURTH_SIDE = 0.15


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


def _hues(patch: np.ndarray, sat: np.ndarray) -> int:
    """How many of red, green and blue each make up a sixth of the saturated pixels of a patch."""
    hue = cv2.cvtColor(patch, cv2.COLOR_BGR2HSV)[:, :, 0][sat > LOGO_SATURATION]
    if hue.size == 0:
        return 0
    shares = (((hue < 10) | (hue > 170)).mean(), ((hue > 35) & (hue < 85)).mean(), ((hue > 95) & (hue < 135)).mean())
    return sum(1 for s in shares if s > 1 / 6)


def _grow_down(dark: np.ndarray, bottom: int, max_gap: float) -> int:
    """Extend a block down over rows with ink until a blank gap of `max_gap` rows (its last text line)."""
    gap = 0
    while bottom < dark.shape[0] and gap < max_gap:
        gap = 0 if dark[bottom].any() else gap + 1
        bottom += 1
    return bottom - gap


LOGO_SATURATION = 80  # max - min of the channels: the portal logo's solid colours, not grey print or paper


def _saturation(bgr: np.ndarray) -> np.ndarray:
    """Per pixel, the spread of its three channels (0 for grey)."""
    b, g, r = (np.ascontiguousarray(bgr[:, :, k]) for k in range(3))
    return cv2.subtract(cv2.max(cv2.max(b, g), r), cv2.min(cv2.min(b, g), r))


def _any_saturated(image: np.ndarray) -> bool:
    """Whether any pixel of a sparse sample is as saturated as the logo: a bilevel or grey page kept in colour
    has none, and is spared the colour resize and the component search (an averaged small pixel is never
    more saturated than the most saturated pixel under it, and the logo is millimetres of solid colour)."""
    sat = _saturation(image[::4, ::4])  # 4 px is half a millimetre at 200 dpi
    return cv2.countNonZero(cv2.compare(sat, LOGO_SATURATION, cv2.CMP_GT)) > 0  # type: ignore[call-overload]  # cv2 stubs: src2 may be a scalar


def find_portal_stamp(image: np.ndarray, scale: float, mm: float) -> list[Region]:
    """The signature stamp a portal lays over a signed PDF (the VGP logo in colour, then lines of signer,
    e-mail, agency and time): a saturated logo 5–20 mm tall with text beside it on its right."""
    if image.ndim != 3 or not _any_saturated(image):
        return []
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    sat = _saturation(small)
    dark = small.min(axis=2) < 200  # small type at 50 dpi is grey
    count, _, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate((sat > LOGO_SATURATION).astype(np.uint8),
                                                                      np.ones((5, 5), np.uint8)))
    found: list[Region] = []
    for x, y, w, h, _area in stats[1:count]:
        if not (5 <= h / mm <= 20 and 10 <= w / mm <= 60) or _hues(small[y:y + h, x:x + w], sat[y:y + h, x:x + w]) < 2:
            continue  # a red seal's arc or a blue signature is one colour; the logo is red, green and blue
        band = dark[y:y + h]
        right, gap = x + w, 0
        while right < band.shape[1] and gap < 8 * mm:  # the text runs right of the logo to a wide gap
            gap = 0 if band[:, right].any() else gap + 1
            right += 1
        if right - gap - (x + w) < 20 * mm:
            continue  # a coloured mark without its lines of text is not the stamp
        right -= gap
        bottom = _grow_down(dark[:, x:right], y + h, 2 * mm) + int(1.5 * mm)  # descenders of the last line
        top = max(0, y - int(2 * mm))  # its first line of text starts above the logo's letters
        found.append(Region("portal_stamp", scaled_box(x, top, right, bottom, scale)))
    return found


def detect(image: np.ndarray, dpi: float | None) -> tuple[Region, ...]:
    small, scale = _small_grey(image, dpi or 200.0)
    mm = _mm((dpi or 200.0) * scale)  # pixels per millimetre of the small copy
    return tuple(find_seals(small, scale, mm) + find_ruled(small, scale, mm) + find_portal_stamp(image, scale, mm))


def _border(profile: np.ndarray, near: int, pad: int, last: bool) -> int | None:
    """The row (or column) of a box's ruled border near `near`: the outermost one that is mostly ink."""
    lo, hi = max(0, near - pad), min(len(profile), near + pad + 1)
    hits = np.flatnonzero(profile[lo:hi] > 0.5)
    return None if hits.size == 0 else int(lo + (hits[-1] if last else hits[0]))


def refine_box(grey: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A stamp box measured at 50 dpi, moved onto its ruled border at full resolution."""
    x0, y0, x1, y1 = box
    pad = max(4, (y1 - y0) // 10)
    ink = grey < 160
    rows = ink[:, x0:x1].mean(axis=1)
    cols = ink[y0:y1].mean(axis=0)
    top, bottom = _border(rows, y0, pad, False), _border(rows, y1, pad, True)
    left, right = _border(cols, x0, pad, False), _border(cols, x1, pad, True)
    return (x0 if left is None else left, y0 if top is None else top,
            x1 if right is None else right + 1, y1 if bottom is None else bottom + 1)


def mask_stamps(grey: np.ndarray, regions: tuple[Region, ...], dpi: float = 200.0) -> np.ndarray:
    """Paint rubber stamps (border, print, handwriting) and the portal's stamp as paper, in place. A ruled
    stamp is cut at its border, so the tone marks of the line under it (often touching it) stay. Judged per
    line: the rows of a line of print that runs on across the stamp's border stay as scanned (a stamp
    stamped over running text keeps the print beneath; a box of print is no stamp to paint out)."""
    for r in regions:
        if r.kind == "stamp":
            x0, y0, x1, y1 = refine_box(grey, r.box)
        elif r.kind == "portal_stamp":
            x0, y0, x1, y1 = r.box
        else:
            continue
        x0, y0 = max(0, x0), max(0, y0)
        keep = _print_rows(grey, (x0, y0, x1, y1), dpi) if r.kind == "stamp" else np.zeros(0, bool)
        saved = grey[y0:y1, x0:x1][keep].copy() if keep.any() else None
        grey[y0:y1, x0:x1] = 255
        if r.kind == "stamp":
            _erase_rule_pieces(grey, r.box)
        if saved is not None:
            grey[y0:y1, x0:x1][keep] = saved
    return grey


CROSS_MM = 3.0  # print this close to a stamp's border on both sides of it, on the same rows, may run across it
TOUCH_MM = 1.2  # ...and does when, somewhere on the line, it comes this close on both sides (a word's letters;
# a line set beside a stamp keeps a gap of paper to its frame)
LINE_MM = 1.5  # ...over rows at least this tall: a line of print, not a speck touching the frame


def _nearest(ink: np.ndarray, lo: int, hi: int, towards_lo: bool) -> np.ndarray:
    """Per row, how far from the border (at `lo` when `towards_lo`, else at `hi`) the nearest ink of columns
    lo..hi lies; a large number for a row with none."""
    window = ink[:, lo:hi] if towards_lo else ink[:, lo:hi][:, ::-1]
    if window.shape[1] == 0:
        return np.full(ink.shape[0], 1 << 20)
    return np.where(window.any(axis=1), window.argmax(axis=1), 1 << 20)


def _print_rows(grey: np.ndarray, box: tuple[int, int, int, int], dpi: float) -> np.ndarray:
    """Rows of the box (a bool per row) where a line of print crosses its left or right border: ink just
    outside and just inside the border on the same rows, for a letter's height, touching it somewhere."""
    x0, y0, x1, y1 = box
    mm = _mm(dpi)
    reach, frame, touch = max(2, int(CROSS_MM * mm)), 3, max(1, int(TOUCH_MM * mm))  # the frame itself left out
    ink = grey[y0:y1] < 128
    width = grey.shape[1]
    keep = np.zeros(y1 - y0, bool)
    tall = max(2, int(LINE_MM * mm))
    for outer, inner in ((_nearest(ink, max(0, x0 - frame - reach), max(0, x0 - frame), False),
                          _nearest(ink, x0 + frame, x0 + frame + reach, True)),
                         (_nearest(ink, min(width, x1 + frame), min(width, x1 + frame + reach), True),
                          _nearest(ink, max(0, x1 - frame - reach), x1 - frame, False))):
        crossing = np.append((outer < reach) & (inner < reach), False)
        start = None
        for y, on in enumerate(crossing):
            if on and start is None:
                start = y
            elif not on and start is not None:
                if y - start >= tall and outer[start:y].min() <= touch and inner[start:y].min() <= touch:
                    keep[max(0, start - tall):y + tall] = True  # with the line's tone marks and descenders
                start = None
    return keep


def _erase_rule_pieces(grey: np.ndarray, box: tuple[int, int, int, int]) -> None:
    """What is left of a double or dashed border around a masked stamp: thin straight pieces."""
    x0, y0, x1, y1 = box
    pad = max(4, (y1 - y0) // 8)
    cx0, cy0 = max(0, x0 - pad), max(0, y0 - pad)
    crop = grey[cy0:y1 + pad, cx0:x1 + pad]
    count, labels, stats, _ = cv2.connectedComponentsWithStats((crop < 160).astype(np.uint8), connectivity=8)
    for i in range(1, count):
        bw, bh = stats[i][2], stats[i][3]
        if min(bw, bh) <= 5 and max(bw, bh) >= 20:
            crop[labels == i] = 255


def inside(box: tuple[int, int, int, int], region: Region) -> bool:
    """The word's centre lies in the region (a seal: in its circle)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    x0, y0, x1, y1 = region.box
    if region.kind == "seal":
        r = (x1 - x0) / 2
        return (cx - (x0 + x1) / 2) ** 2 + (cy - (y0 + y1) / 2) ** 2 <= (r * 1.03) ** 2
    return x0 <= cx <= x1 and y0 <= cy <= y1


CELL_MIN_MM = (3.0, 2.5)  # a ruled cell is at least this wide and tall; smaller holes are letters' counters


def table_cells(grey: np.ndarray, table: Region, dpi: float) -> list[tuple[int, int, int, int]]:
    """The ruled cells of a table, in page pixels: the paper areas its ruling (straight runs of ink longer
    than any letter) encloses, measured at full resolution inside the table's box."""
    x0, y0, x1, y1 = (max(0, v) for v in table.box)
    crop = grey[y0:y1, x0:x1]
    if crop.size == 0:
        return []
    mm = _mm(dpi)
    ink = (crop < 160).astype(np.uint8)
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (int(RULE_MM * mm), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(VRULE_MM * mm))))
    ruling = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((5, 5), np.uint8))  # close small breaks
    count, _, stats, _ = cv2.connectedComponentsWithStats((ruling == 0).astype(np.uint8), connectivity=4)
    height, width = crop.shape
    # what touches the box's edge is the paper around the frame, not a cell
    return [(x0 + int(x), y0 + int(y), x0 + int(x + w), y0 + int(y + h)) for x, y, w, h, _ in stats[1:count]
            if w >= CELL_MIN_MM[0] * mm and h >= CELL_MIN_MM[1] * mm
            and x > 0 and y > 0 and x + w < width and y + h < height]
