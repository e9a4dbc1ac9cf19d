"""Quality stage: measure a page and say what is wrong with the scan (warnings, never errors).

All measures are taken on a grey copy downscaled to ~WORK_DPI, so a 300 dpi A4 page costs a few
tens of ms. "Ink" is what is clearly darker than its neighbourhood (local-mean threshold), so paper
texture, a yellowed sheet or the soft shadow of a fold do not count as content.
"""
from __future__ import annotations

import cv2
import numpy as np

from digitize.errors import InputError
from digitize.model import Page, PageQuality, Warning_
from digitize.settings import Settings

WORK_DPI = 100.0
INK_OFFSET = 20  # grey levels below the local mean before a pixel counts as ink
BLANK_INK_RATIO = 0.001  # a text page has 2-10 % ink; a few words already pass 0.1 %
BLANK_MIN_GLYPHS = 12
DARK_PAPER = 120  # paper (bright percentile) darker than this: the scan is too dark
LIGHT_INK = 150  # darkest ink lighter than this: the text is washed out
MIN_INK_CONTRAST = 70  # paper minus typical ink below this: low contrast
COLOUR_SPREAD = 6  # channel spread (99th percentile) below this: a grey scan stored as colour...
COLOUR_MEAN_SPREAD = 2.5  # ...unless the whole sheet is tinted
COLOUR_MARK_SHARE = 0.0005  # ...or a small seal or signature is clearly coloured
EDGE_GLYPHS = 3  # glyph-sized marks touching one edge: content runs off the page


def assess(page: Page, settings: Settings) -> PageQuality:
    """Measure `page` and list its warnings (Warning_ values)."""
    image = check_image(page)
    height, width = image.shape[:2]
    warnings: list[Warning_] = []
    if page.dpi is None:
        warnings.append(Warning_.UNKNOWN_DPI)
    elif page.dpi < settings.min_dpi - 0.5:  # 199.99 dpi from rounded metadata is 200
        warnings.append(Warning_.LOW_DPI)
    small = _downscale(image, page.dpi or settings.assumed_dpi)
    colour = _is_colour(small)
    grey = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)

    brightness = float(grey.mean())
    contrast = float(grey.std())
    paper = float(np.percentile(grey, 90))
    ink, glyphs, touching = _ink(grey)
    ink_ratio = float(np.count_nonzero(ink)) / ink.size
    blank = ink_ratio < BLANK_INK_RATIO or glyphs < BLANK_MIN_GLYPHS

    if paper < DARK_PAPER:
        warnings.append(Warning_.TOO_DARK)
    if blank:
        warnings.append(Warning_.BLANK)
    else:
        ink_grey = grey[ink > 0]
        darkest = float(np.percentile(ink_grey, 5))
        typical = float(np.median(ink_grey))
        if darkest > LIGHT_INK and paper >= DARK_PAPER:
            warnings.append(Warning_.TOO_LIGHT)
        if paper - typical < MIN_INK_CONTRAST:
            warnings.append(Warning_.LOW_CONTRAST)
    cut_off = not blank and max(touching) >= EDGE_GLYPHS
    if cut_off:
        warnings.append(Warning_.CUT_OFF)
    if not colour:
        warnings.append(Warning_.GRAYSCALE)
    return PageQuality(
        dpi=page.dpi,
        width_px=width,
        height_px=height,
        brightness=round(brightness, 1),
        contrast=round(contrast, 1),
        ink_ratio=round(ink_ratio, 5),
        blank=blank,
        cut_off=cut_off,
        is_colour=colour,
        warnings=tuple(warnings),
    )


def check_image(page: Page) -> np.ndarray:
    """The decoded image as the stages expect it (8-bit grey or BGR, not degenerate), else a clear error."""
    image = page.image
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise InputError(str(page.ref), "page image is not 8-bit (16-bit or float scans are not supported)")
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3)):
        raise InputError(str(page.ref), f"page image has an unsupported layout {image.shape}")
    if min(image.shape[:2]) < 16:
        raise InputError(str(page.ref), f"page image is too small ({image.shape[1]}x{image.shape[0]} px)")
    return image if image.ndim == 2 or image.shape[2] == 3 else image[:, :, 0]


BILEVEL_SHARE = 0.98  # pixels pure black or white on a bilevel scan (G4 TIFF, a PDF's 1-bit image)


def is_bilevel(image: np.ndarray) -> bool:
    """Whether a page is a black-and-white scan (every pixel 0 or 255), judged on a sparse sample."""
    sample = image[::4, ::4]
    if sample.ndim == 3:
        sample = cv2.cvtColor(sample, cv2.COLOR_BGR2GRAY)
    pure = np.count_nonzero(sample == 0) + np.count_nonzero(sample == 255)
    return bool(pure >= BILEVEL_SHARE * sample.size)


def _downscale(image: np.ndarray, dpi: float) -> np.ndarray:
    scale = WORK_DPI / dpi
    if scale >= 1.0:
        return image
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _is_colour(small: np.ndarray) -> bool:
    """A grey scan saved as RGB has (nearly) equal channels everywhere; a colour scan of even a
    black-and-white sheet shows paper tint (also when dark) and scanner colour noise, and a stamp
    or signature in colour shows as a strong spread on a few pixels."""
    if small.ndim == 2 or small.shape[2] == 1:
        return False
    b, g, r = cv2.split(small)
    spread = cv2.subtract(cv2.max(cv2.max(b, g), r), cv2.min(cv2.min(b, g), r))
    if float(spread.mean()) >= COLOUR_MEAN_SPREAD:
        return True
    if float(np.percentile(spread, 99)) >= COLOUR_SPREAD:
        return True
    return bool(np.count_nonzero(spread >= 40) >= COLOUR_MARK_SHARE * spread.size)


def _ink(grey: np.ndarray) -> tuple[np.ndarray, int, tuple[int, int, int, int]]:
    """Ink mask, number of glyph-sized marks, and glyph-sized marks touching each edge
    (top, bottom, left, right). Specks (dust, noise) and long strokes (fold creases, scanner
    borders, table rules) are not glyphs, so they neither make a page non-blank nor cut off."""
    block = int(WORK_DPI * 0.4) | 1
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, INK_OFFSET)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x, y, w, h, area = (stats[1:, i] for i in range(5))
    specks = (area < 4) | ((w < 2) & (h < 2))
    if n > 1 and specks.any():
        keep = np.r_[False, ~specks]
        ink = np.where(keep[labels], 255, 0).astype(np.uint8)
    glyph = (area >= 10) & (h >= 4) & (h <= WORK_DPI * 0.6) & (w <= WORK_DPI * 1.5)
    rows, cols = grey.shape
    touching = (
        int(np.count_nonzero(glyph & (y <= 0))),
        int(np.count_nonzero(glyph & (y + h >= rows))),
        int(np.count_nonzero(glyph & (x <= 0))),
        int(np.count_nonzero(glyph & (x + w >= cols))),
    )
    return ink, int(np.count_nonzero(glyph)), touching
