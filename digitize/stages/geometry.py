"""Geometry stage: turn a page upright (0/90/180/270) and remove skew, keeping colour and resolution.

Everything is decided on a small binarised copy (~WORK_DPI), so the cost is a few tens of ms:
- skew: the row profile of ink pixels is sharpest when text lines are horizontal. Instead of rotating
  the image for each candidate angle we rotate the ink pixel coordinates and histogram them
  (Postl's criterion: sum of squared differences of the profile), coarse to fine with a parabolic fit.
- 0/180 versus 90/270: the same criterion on the two axes, on glyph-sized ink only (rules, margin marks
  and pen strokes left out); text lines give the sharper profile.
- up versus down: in Latin script, and much more so in Vietnamese, the ink of a line lies above its
  x-height band (capitals, ascenders, tone marks and hats) rather than below it (descenders, the dot
  of nặng). When that evidence is weak, tesseract's OSD is asked on a small crop.
The full-resolution image is touched once: an exact 90° turn and one affine warp.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..model import Geometry, Page
from ..settings import Settings
from .quality import check_image, is_bilevel  # the same input contract for both image stages

WORK_DPI = 150.0
MIN_CHANGE_DEG = 0.1  # below this a deskew is not worth a lossy re-encode
MAX_SKEW_DEG = 15.0
MIN_INK_PIXELS = 400  # at WORK_DPI: fewer means a blank page, left alone
MAX_POINTS = 250_000  # ink pixels used for the profile search (subsampled beyond)
UPDOWN_CLEAR = 0.25  # asymmetry beyond which the line-shape vote is trusted without OSD
MARGIN_SHARE = 0.12  # of each side: notes, stamps and marks in the page margins do not decide the axis
INNER_MIN_SHARE = 0.2  # of the glyph ink, below which the margins are kept after all
GLYPH_INCH = 0.5  # a character (or a few touching ones) is smaller than this both ways; rules and strokes are not


@dataclass(frozen=True)
class Estimate:
    """What was measured on the small copy; `rotation` is clockwise, `skew` as in Geometry.deskew."""

    rotation: int
    skew: float
    axis_ratio: float  # profile sharpness of the chosen axis over the other (>1 = clear)
    updown: float  # line-shape asymmetry in the final orientation (>0 = upright)
    confidence: float
    ink_pixels: int


def straighten(page: Page, settings: Settings) -> tuple[Page, Geometry]:
    """Return the upright, deskewed page and what was done. The same Page object comes back
    (with its original JPEG bytes) when nothing needed changing, e.g. for blank pages."""
    if not (settings.deskew or settings.orient):
        return page, Geometry()
    dpi = page.dpi or settings.assumed_dpi
    est = estimate(check_image(page), dpi, orient=settings.orient)
    if est is None:
        return page, Geometry()
    skew = est.skew if settings.deskew and worth_deskewing(page.image, dpi, est.skew) else 0.0
    geometry = Geometry(rotation=est.rotation, deskew=round(skew, 2), orientation_confidence=est.confidence)
    if est.rotation == 0 and skew == 0.0:
        return page, geometry
    image = apply(check_image(page), est.rotation, skew)
    return Page(ref=page.ref, image=image, dpi=page.dpi, encoded=None, has_text_layer=page.has_text_layer), geometry


def worth_deskewing(image: np.ndarray, dpi: float, skew: float) -> bool:
    """Whether removing `skew` helps OCR; the one place this is decided, by page class.
    Every class: a skew of 0.1 deg or more is removed. Measured on the development pages (qd222, bilevel
    200 dpi decoded pixel for pixel; bench/ablate_ocr.py, text CER straightened by shears -> as scanned):
    text pages p02 (-0.20 deg) 1.48 -> 1.60 %, p03 (-0.12) 1.82 -> 2.88, p06 (-0.17) 1.05 -> 1.05,
    p10 (-0.13) 1.39 -> 1.12; table pages p13 (-0.12) 4.12 -> 5.24, p23 (-0.13) 3.48 -> 2.93,
    p25 (-0.28) 5.38 -> 5.44, p27 (-0.19) 5.36 -> 2.64, p28 (-0.24) 2.81 -> 7.50: 444 character errors
    straightened against 508 as scanned. Neither a skew threshold nor text-versus-table pages separate the
    pages that lose (a rule "tables only", chosen while these pages were rasterised grey, lost here)."""
    return abs(skew) >= MIN_CHANGE_DEG


def apply(image: np.ndarray, rotation: int, skew: float) -> np.ndarray:
    """Turn clockwise by `rotation` (exact), then rotate clockwise by `skew` degrees, filling the
    uncovered corners with the paper colour so no dark wedges reach the PDF. A bilevel page stays
    bilevel (see `shear_rotate`)."""
    turn = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    if rotation:
        image = cv2.rotate(image, turn[rotation])
    if skew and is_bilevel(image):
        return shear_rotate(image, skew)
    if skew:
        h, w = image.shape[:2]
        matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), -skew, 1.0)
        image = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=_paper_colour(image))
    return image


def shear_rotate(image: np.ndarray, skew: float) -> np.ndarray:
    """Rotate a bilevel page clockwise by `skew` degrees as two shears by whole pixels: columns moved up or
    down, then rows left or right. No pixel is interpolated, so the one-pixel strokes of tone marks keep
    their shape (a rotation by resampling thins or breaks them); the price is a one-pixel step every
    1/tan(skew) pixels, which at the skews of flatbed scans (< 1 degree) is every few hundred pixels.
    Measured in bench/ablate_ocr.py (variant `rebinarise`: a linear rotation thresholded back at mid-grey,
    which this replaces, and `nearest`): qd222 p03 (-0.12 deg) 1.82 % sheared, 2.85 % rebinarised, 1.82 %
    nearest; p28 (-0.24 deg) 2.81, 2.64, 2.73 (7.50 as scanned): 90 errors against 120 and 89."""
    angle = np.deg2rad(skew)
    h, w = image.shape[:2]
    paper = _paper_colour(image)
    # a point (x, y) turned clockwise lands on row y + (x - cx) tan a, then column x - (y' - cy) sin a
    image = _shift_lines(image, np.rint((np.arange(w) - w / 2.0) * np.tan(angle)).astype(int), paper)
    turned = _shift_lines(image.swapaxes(0, 1), np.rint(-(np.arange(h) - h / 2.0) * np.sin(angle)).astype(int),
                          paper)
    return np.ascontiguousarray(turned.swapaxes(0, 1))


def _shift_lines(image: np.ndarray, shifts: np.ndarray, paper: tuple[int, ...]) -> np.ndarray:
    """Move column i of `image` down by shifts[i] pixels (up when negative), filling with paper."""
    out = np.empty_like(image)
    out[...] = paper if image.ndim == 2 else np.array(paper, image.dtype)
    n = image.shape[0]
    # a shear's shifts come in runs of neighbouring columns: each run is one slice copy (a boolean column
    # mask per shift gathered and scattered the whole page once per distinct shift)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(shifts)) + 1, [len(shifts)]))
    for a, b in zip(starts[:-1], starts[1:]):
        shift = int(shifts[a])
        if abs(shift) >= n:
            continue
        if shift >= 0:
            out[shift:, a:b] = image[:n - shift, a:b]
        else:
            out[:n + shift, a:b] = image[-shift:, a:b]
    return out


def estimate(image: np.ndarray, dpi: float, orient: bool = True) -> Estimate | None:
    """Measure orientation and skew on a small binarised copy; None when there is too little ink."""
    ink, glyphs = _binarise(image, dpi)
    ys, xs = _points(ink)
    if len(ys) < MIN_INK_PIXELS:
        return None
    skew0, score0 = _best_angle(ys, xs)
    if not orient:
        return Estimate(0, skew0, 1.0, 0.0, 0.0, len(ys))
    # Text running top-to-bottom: its lines are the columns. Turning the page clockwise by 90
    # maps a column profile to a row profile with the angle sense kept.
    skew90, score90 = _best_angle(xs, -ys)
    # Which axis the lines run along is judged on glyph-sized ink only: a long thin mark (a rule, a
    # margin bar, a stamp's frame, a pen stroke) puts all its ink in one bin of one profile, and
    # squared, that spike outweighs a page of short text lines (an upright signature page with marks
    # down its left margin was turned by 270). Margin notes and stamps written across the page's
    # margins are left out too. The skews still come from all the ink.
    gys, gxs = _orientation_points(glyphs, ys, xs)
    if gys is not ys:
        score0, score90 = _profile_score(gys, gxs, skew0), _profile_score(gxs, -gys, skew90)
    if score0 >= score90:
        base, skew, ratio = 0, skew0, score0 / max(score90, 1e-9)
    else:
        base, skew, ratio = 90, skew90, score90 / max(score0, 1e-9)
    rows = _rows(gxs, -gys, skew) if base == 90 else _rows(gys, gxs, skew)
    updown = _line_asymmetry(np.bincount(rows).astype(np.float64))
    rotation = base if updown >= 0 else base + 180
    confidence = min(1.0, abs(updown) / UPDOWN_CLEAR)
    if abs(updown) < UPDOWN_CLEAR:
        from ..tools import tesseract_osd  # only needed for the rare unclear page

        osd = tesseract_osd.orientation(_osd_crop(image, dpi, base, skew))
        if osd is not None and osd.rotate in (0, 180) and osd.confidence >= 1.0:
            rotation = (base + osd.rotate) % 360
            confidence = min(1.0, osd.confidence / 10.0)
    if rotation != base:
        updown = -updown
    return Estimate(rotation % 360, skew, ratio, updown, round(confidence, 2), len(ys))


def _orientation_points(glyphs: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Glyph ink inside the margins; all glyph ink when the margins hold most of it (a page cropped
    tight, a few lines near an edge); all ink (`ys`, `xs`) when there are hardly any glyphs."""
    inner = _inner(glyphs)
    total = np.count_nonzero(glyphs)
    if total < MIN_INK_PIXELS:
        return ys, xs
    if np.count_nonzero(inner) < max(MIN_INK_PIXELS, INNER_MIN_SHARE * total):
        return _points(glyphs)
    return _points(inner)


def _inner(mask: np.ndarray) -> np.ndarray:
    """The mask with its outer MARGIN_SHARE band on every side cleared: the same on all four sides, so a
    turned page loses the same share of its text as an upright one."""
    h, w = mask.shape
    dy, dx = int(h * MARGIN_SHARE), int(w * MARGIN_SHARE)
    inner = np.zeros_like(mask)
    inner[dy : h - dy, dx : w - dx] = mask[dy : h - dy, dx : w - dx]
    return inner


def _points(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the ink pixels (float32), subsampled to MAX_POINTS."""
    ys, xs = np.nonzero(mask)
    if len(ys) > MAX_POINTS:
        pick = np.random.default_rng(0).choice(len(ys), MAX_POINTS, replace=False)
        ys, xs = ys[pick], xs[pick]
    return ys.astype(np.float32), xs.astype(np.float32)


def _binarise(image: np.ndarray, dpi: float) -> tuple[np.ndarray, np.ndarray]:
    """Ink mask (uint8 0/255) at WORK_DPI: local-mean threshold so shadows and paper tint drop out,
    then tiny specks (scanner noise) and huge blobs (dark borders, photos) removed; and the part of it
    made of glyph-sized components (no side over GLYPH_INCH)."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    scale = min(1.0, WORK_DPI / dpi)
    if scale < 1.0:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    block = int(WORK_DPI * 0.25) | 1
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 20)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA]
    h = stats[:, cv2.CC_STAT_HEIGHT]
    w = stats[:, cv2.CC_STAT_WIDTH]
    big = WORK_DPI * 1.0  # a glyph is far smaller than an inch both ways
    keep = (area >= 3) & ~((h > big) & (w > big))
    keep[0] = False
    glyph = keep & (np.maximum(h, w) <= WORK_DPI * GLYPH_INCH)
    return np.where(keep[labels], 255, 0).astype(np.uint8), np.where(glyph[labels], 255, 0).astype(np.uint8)


def _rows(ys: np.ndarray, xs: np.ndarray, angle: float) -> np.ndarray:
    """Row index (from 0) of each point after turning the points clockwise by `angle` degrees."""
    a = np.deg2rad(angle)
    # A point at (x, y) turned clockwise by a (y axis down) lands on row y*cos(a) + x*sin(a).
    rows = ys * np.float32(np.cos(a)) + xs * np.float32(np.sin(a))
    return (rows - rows.min()).astype(np.int32)


def _profile_score(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """Sharpness of the row profile after turning the points clockwise by `angle` degrees."""
    profile = np.bincount(_rows(ys, xs, angle)).astype(np.float64)
    return float(np.sum(np.diff(profile) ** 2))


def _best_angle(ys: np.ndarray, xs: np.ndarray) -> tuple[float, float]:
    """Coarse-to-fine search of the clockwise turn that makes lines horizontal."""
    centre = 0.0
    for step, span in ((1.0, MAX_SKEW_DEG), (0.2, 1.2), (0.05, 0.25)):
        angles = np.arange(centre - span, centre + span + step / 2, step)
        scores = np.array([_profile_score(ys, xs, a) for a in angles])
        i = int(np.argmax(scores))
        centre = float(angles[i])
    best = scores[i]
    if 0 < i < len(scores) - 1:  # parabola through the peak and its neighbours
        left, right = scores[i - 1], scores[i + 1]
        denom = left - 2 * best + right
        if denom < 0:
            centre += float(np.clip(0.5 * (left - right) / denom, -0.5, 0.5)) * step
    return centre, float(best)


def _line_asymmetry(profile: np.ndarray) -> float:
    """(ink above the x-height band - ink below) / both, summed over the text lines of a row
    profile; > 0 when upright."""
    on = profile > max(2.0, 0.02 * profile.max())
    above = below = 0.0
    edges = np.flatnonzero(np.diff(np.r_[0, on.astype(np.int8), 0]))
    for start, end in zip(edges[::2], edges[1::2]):
        if end - start < 4:
            continue
        p = profile[start:end]
        core = np.flatnonzero(p >= 0.5 * p.max())
        above += p[: core[0]].sum()
        below += p[core[-1] + 1 :].sum()
    total = above + below
    return 0.0 if total == 0 else float((above - below) / total)


def _osd_crop(image: np.ndarray, dpi: float, base: int, skew: float) -> np.ndarray:
    """A grey copy at ~300 dpi (OSD's comfort zone, capped in size) of the page centre, turned to `base`."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    ch, cw = min(h, int(dpi * 4)), min(w, int(dpi * 4))
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    crop = grey[y0 : y0 + ch, x0 : x0 + cw]
    if dpi > 300:
        crop = cv2.resize(crop, None, fx=300 / dpi, fy=300 / dpi, interpolation=cv2.INTER_AREA)
    return apply(crop, base, skew)


def _paper_colour(image: np.ndarray) -> tuple[int, ...]:
    """Median colour of a sparse sample: the paper, since ink covers a small share of a page."""
    sample = image[:: max(1, image.shape[0] // 64), :: max(1, image.shape[1] // 64)]
    if sample.ndim == 2:
        return (int(np.median(sample)),)
    return tuple(int(v) for v in np.median(sample.reshape(-1, sample.shape[-1]), axis=0))
