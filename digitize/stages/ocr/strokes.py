"""Signatures and handwriting: ink that is not print, found by colour where there is colour and by stroke
shape otherwise.

Colour: a pen or stamp ink keeps its hue when it thins out. A pixel blended between coloured ink `c` and white
paper, `a*c + (1-a)*255`, has chroma `a*chroma(c)` and darkness `a*(255-min(c))`, so their ratio is that of the
ink itself, however faint the stroke edge. Black print blended with paper has a ratio near 0, blue pen ~0.6, red
seal ink ~0.75. A fixed saturation threshold instead leaves the light edges of a blue stroke behind as a grey
outline, which tesseract reads as letters (`Z+:„`, `S)£E`).

Shape (grey pages, black pen): a signature is one connected stroke far larger than any glyph and mostly paper
inside its box, curved (not a ruled line), not a seal ring or a ruled box. Its pixels are painted out; printed text
that does not touch it stays.
"""
from __future__ import annotations

import cv2
import numpy as np

from digitize.model import Region
from digitize.stages.ocr.regions import _overlap as overlap  # the one box-overlap measure of the page regions
from digitize.stages.ocr.regions import scaled_box

COLOUR_RATIO = 0.25  # chroma over darkness: black print ~0.05, blue pen ~0.6, red seal ~0.75
WORK_DPI = 100.0
SIGNATURE_MIN_MM = 12.0  # a signature spans more than this one way; the widest glyph is ~5 mm
SIGNATURE_MIN_H_MM = 5.0  # ...and rises and falls more than a capital with its tone mark (~4.5 mm)
SIGNATURE_FILL = 0.12  # share of its box that a scribble inks; a word or a glyph inks far more
RULED_SHARE = 0.5  # a component mostly made of straight runs is a rule, a box or a table, not a scribble
HANDWRITING_MIN_MM = 4.0  # a pen mark smaller than this is a speck or a glyph's fringe


def _mm(dpi: float) -> float:
    return dpi / 25.4


def paper_balanced(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The channels scaled so that the paper is white: a yellowed or tinted sheet is not coloured ink, and
    ink edges blend towards white as the ratio test assumes."""
    sample = image[:: max(1, image.shape[0] // 128), :: max(1, image.shape[1] // 128)].reshape(-1, 3)
    paper = np.maximum(np.percentile(sample, 90, axis=0), 1.0)
    b, g, r = cv2.split(image)
    for channel, white in zip((b, g, r), paper):
        cv2.multiply(channel, float(255.0 / white), dst=channel)
    return b, g, r


NOISE_SHARE = 90  # percentile of a page's chroma that is still paper or print: coloured ink covers far less
NOISE_MARGIN = 4


def chroma_floor(chroma: np.ndarray) -> int:
    """The chroma that a camera's colour noise and JPEG's chroma blocks give grey pixels on this page: on a
    noisy photo of a low-contrast page (σ 14 per channel), grey print and paper reach a chroma of 20–30 at a
    darkness of 50–60, above COLOUR_RATIO, and were painted out as coloured ink with the text on them."""
    sample = chroma[::8, ::8]
    k = sample.size * NOISE_SHARE // 100
    return int(np.partition(sample.ravel(), k)[k]) + NOISE_MARGIN


def colour_ink(image: np.ndarray, denoise: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Masks (uint8 0/255) of ink of a hue rather than grey (pen, seal, stamp), and of the part of it that is
    pen: blue to violet, and dark. A grey image has none. `denoise` (full-resolution pages) leaves out what a
    camera's colour noise makes of grey pixels; a sparse sample, where a stroke is a pixel wide, goes without."""
    if image.ndim == 2:
        empty = np.zeros(image.shape, np.uint8)
        return empty, empty
    # 8-bit OpenCV ops in place: at 300 dpi each full-page temporary costs 9 MB of the worker's peak
    b, g, r = paper_balanced(image)
    chroma = cv2.max(b, g)
    cv2.max(chroma, r, dst=chroma)
    low = cv2.min(b, g)
    cv2.min(low, r, dst=low)
    cv2.subtract(chroma, low, dst=chroma)
    if denoise:  # colour noise varies pixel to pixel, an ink's hue does not: over 3×3 the noise falls to a third
        cv2.blur(chroma, (3, 3), dst=chroma)
    pen = cv2.compare(b, r, cv2.CMP_GT)  # blue to violet
    del b, g, r
    threshold = cv2.bitwise_not(low)  # darkness
    cv2.multiply(threshold, COLOUR_RATIO, dst=threshold)
    cv2.add(threshold, 2, dst=threshold)
    if denoise:
        cv2.max(threshold, chroma_floor(chroma), dst=threshold)
    ink = cv2.compare(chroma, threshold, cv2.CMP_GT, dst=chroma)
    del threshold
    # the light edges of print on paper are no pen strokes: only clearly dark, bluish pixels count
    cv2.bitwise_and(pen, cv2.compare(low, 200, cv2.CMP_LE, dst=low), dst=pen)  # type: ignore[call-overload]  # cv2 stubs: src2 may be a scalar
    cv2.bitwise_and(pen, ink, dst=pen)
    if denoise:  # what is left of the noise is single pixels; an ink stroke is at least two pixels across
        _drop_specks(ink)
        _drop_specks(pen)
    return ink, pen


def _drop_specks(mask: np.ndarray) -> None:
    """In place: pixels of the mask not within a pixel of a 2×2 block of it go (noise), a stroke keeps its
    faint edge pixels (an opening alone would leave them grey, and tesseract reads a grey outline)."""
    cores = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    cv2.bitwise_and(mask, cv2.dilate(cores, np.ones((3, 3), np.uint8), dst=cores), dst=mask)


def _small(mask: np.ndarray, dpi: float) -> tuple[np.ndarray, float]:
    scale = min(1.0, WORK_DPI / dpi)
    if scale < 1.0:
        mask = cv2.resize(mask, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return mask, scale


def _clear_of(box: tuple[int, int, int, int], regions: tuple[Region, ...], kinds: set[str]) -> bool:
    return not any(r.kind in kinds and overlap(box, r.box) > 0.5 for r in regions)


def coloured_marks(pen: np.ndarray, dpi: float, found: tuple[Region, ...] = ()) -> list[Region]:
    """Pen ink in colour (`pen` from `colour_ink`): a stroke group wider or taller than SIGNATURE_MIN_MM is a
    signature, a smaller one handwriting (a margin note, a filled-in number). Red seals and stamps are not
    pen ink; what lies in a stamp or the portal stamp is left to their own detectors (`found`)."""
    small, scale = _small(pen, dpi)
    mm = _mm(dpi * scale)
    small = cv2.dilate((small > 60).astype(np.uint8), np.ones((3, 3), np.uint8))  # join a stroke's pieces
    count, _, stats, _ = cv2.connectedComponentsWithStats(small, connectivity=8)
    marks: list[Region] = []
    for x, y, w, h, _area in stats[1:count]:
        if max(w, h) < HANDWRITING_MIN_MM * mm:
            continue
        box = scaled_box(x, y, x + w, y + h, scale)
        if not _clear_of(box, found, {"stamp", "portal_stamp"}):
            continue
        kind = "signature" if max(w, h) >= SIGNATURE_MIN_MM * mm and h >= SIGNATURE_MIN_H_MM * mm else "handwriting"
        marks.append(Region(kind, box))
    return marks


def _ruled_share(component: np.ndarray, mm: float) -> float:
    run = max(3, int(4 * mm))
    horiz = cv2.morphologyEx(component, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    vert = cv2.morphologyEx(component, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, run)))
    return float(np.count_nonzero(np.asarray(horiz) | np.asarray(vert))) / max(1, int(np.count_nonzero(component)))


BESIDE_MM = 4.0  # print this close left and right of a stroke, on the same rows, is a line running through it


def _crossed_by_lines(ink: np.ndarray, box: tuple[int, int, int, int], mm: float) -> bool:
    """Lines of print run through the stroke's box (ink just left and just right of it on the same rows, in two
    or more separate bands): a faint seal's ring arc over running text, whose pixels (and the letters touching
    them) must not be painted out. A signature stands beside the signer's lines, not across them."""
    x, y, w, h = box
    reach = max(2, int(BESIDE_MM * mm))
    if x - reach < 0 or x + w + reach > ink.shape[1]:
        return False
    both = np.flatnonzero(ink[y:y + h, x - reach:x].any(axis=1) & ink[y:y + h, x + w:x + w + reach].any(axis=1))
    return both.size > 0 and 1 + int(np.count_nonzero(np.diff(both) > 1)) >= 2


def scribbles(grey: np.ndarray, dpi: float, found: tuple[Region, ...] = ()) -> tuple[list[Region], np.ndarray]:
    """Black-pen signatures on a grey page, by stroke shape: their regions and a full-resolution mask of
    their ink (uint8 0/255) to paint out."""
    small, scale = _small(grey, dpi)
    mm = _mm(dpi * scale)
    ink = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                int(3 * mm) | 1, 25)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    marks: list[Region] = []
    keep = np.zeros(count, bool)
    for i in range(1, count):
        x, y, w, h, area = stats[i]
        if max(w, h) < SIGNATURE_MIN_MM * mm or h < SIGNATURE_MIN_H_MM * mm or area > SIGNATURE_FILL * w * h:
            continue
        box = scaled_box(x, y, x + w, y + h, scale)
        if not _clear_of(box, found, {"seal", "stamp", "portal_stamp", "table"}):
            continue
        component = (labels[y:y + h, x:x + w] == i).astype(np.uint8) * 255
        if _ruled_share(component, mm) > RULED_SHARE or _crossed_by_lines(ink, (x, y, w, h), mm):
            continue
        keep[i] = True
        marks.append(Region("signature", box))
    if not marks:
        return [], np.zeros(0, np.uint8)
    small_mask = cv2.dilate(np.where(keep[labels], 255, 0).astype(np.uint8), np.ones((3, 3), np.uint8))
    mask = cv2.resize(small_mask, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_NEAREST)
    return marks, mask
