"""What tesseract reads, chosen per page class: the one place that decides which preprocessing step a page gets.

A page is bilevel (a G4 scan: every pixel black or white), grey, or colour (pen, seal or stamp in colour, or
tinted paper); 200 or 300 dpi; noisy or not; with show-through or not. `plan_for` measures that once on a
small copy and returns a `Plan`; `prepare` follows it. Each step was measured per class against plain
tesseract on the same pages (bench/ablate_ocr.py, README "OCR preprocessing by page class"):
- colour ink to paper (colour pages): seals, signatures and pen notes are not read as letters;
- paper flattening (grey and colour pages): uneven light, folds, yellowing and show-through become white paper;
  a bilevel page has no paper tone to flatten, so it is left as scanned;
- black-pen scribbles painted out by stroke shape (grey and colour pages); bilevel pages, where seal, stamp
  and signature are all black, are handled by the region detectors (`stages/ocr/regions.py`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from digitize.model import Region
from digitize.stages.ocr import strokes
from digitize.stages.quality import is_bilevel

UNEVEN_SPREAD = 12.0  # paper brightness spread (grey levels, 5th-95th percentile) of an unevenly lit sheet
WORK_DPI = 100.0  # the class is measured on a sample this sparse (a few ms)
COLOUR_SHARE = 0.0005  # share of dark coloured pixels that makes a page a colour page (a signature is ~0.1 %)


@dataclass(frozen=True)
class Plan:
    """What a page is, and the steps it gets."""

    ink: Literal["bilevel", "grey", "colour"]
    dpi: int  # 200 or 300: the resolution class
    uneven_paper: bool  # light, folds, yellowing or show-through vary the paper's brightness
    colour_to_paper: bool
    flatten: bool
    erase_scribbles: bool

    @property
    def page_class(self) -> str:
        return f"{self.ink}-{self.dpi}dpi" + ("-uneven" if self.uneven_paper else "")


def _ink_kind(small: np.ndarray) -> Literal["grey", "colour"]:
    if small.ndim == 2:
        return "grey"
    ink, _ = strokes.colour_ink(small, denoise=False)
    b, g, r = cv2.split(small)
    dark = cv2.compare(cv2.min(cv2.min(b, g), r), 200, cv2.CMP_LT)  # type: ignore[call-overload]  # cv2 stubs: src2 may be a scalar
    return "colour" if cv2.countNonZero(cv2.bitwise_and(ink, dark)) >= COLOUR_SHARE * ink.size else "grey"


def _paper_spread(grey: np.ndarray) -> float:
    """How much the paper's own brightness varies over the page (light, folds, show-through), in grey levels."""
    background = cv2.resize(cv2.dilate(grey, np.ones((5, 5), np.uint8)), None, fx=1 / 8, fy=1 / 8,
                            interpolation=cv2.INTER_AREA)
    lo, hi = np.percentile(background, (5, 95))
    return float(hi - lo)


def plan_for(image: np.ndarray, dpi: float | None) -> Plan:
    dpi_class = 200 if (dpi or 300.0) < 250 else 300
    if is_bilevel(image):
        return Plan("bilevel", dpi_class, uneven_paper=False, colour_to_paper=False, flatten=False,
                    erase_scribbles=False)
    step = max(1, int(round((dpi or 300.0) / WORK_DPI)))
    small = np.ascontiguousarray(image[::step, ::step])  # sampled, not averaged: a resize costs more
    ink = _ink_kind(np.ascontiguousarray(small[::2, ::2]))
    spread = _paper_spread(small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY))
    return Plan(ink=ink, dpi=dpi_class, uneven_paper=spread > UNEVEN_SPREAD, colour_to_paper=ink == "colour",
                flatten=True, erase_scribbles=True)


def prepare(image: np.ndarray, dpi: float, plan: Plan,
            found: tuple[Region, ...] = ()) -> tuple[np.ndarray, tuple[Region, ...]]:
    """The grey image tesseract reads, and the signature/handwriting regions found on the way."""
    marks: list[Region] = []
    if image.ndim == 2:
        grey = image.copy()
    else:
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        if plan.colour_to_paper:
            ink, pen = strokes.colour_ink(image)
            cv2.max(grey, ink, dst=grey)  # coloured ink to paper; black text under it stays black
            marks += strokes.coloured_marks(pen, dpi, found)
            del ink, pen
    if plan.flatten:
        flatten_background(grey)
    if plan.erase_scribbles:
        scribbles, mask = strokes.scribbles(grey, dpi, found)
        if scribbles:
            cv2.max(grey, mask, dst=grey)
            marks += scribbles
    return grey, tuple(marks)


def flatten_background(grey: np.ndarray) -> np.ndarray:
    """Divide by the paper's own brightness so uneven light, fold shadows and yellowing become
    white paper: tesseract's global threshold otherwise turns a darker half-page into ink.
    Works in place on `grey`."""
    h, w = grey.shape
    small = cv2.resize(grey, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))  # wider than any stroke at 1/4 scale
    paper = cv2.GaussianBlur(cv2.dilate(small, kernel), (0, 0), 4)
    _with_creases(paper, small)
    cv2.max(paper, 1, dst=paper)
    paper = cv2.resize(paper, (w, h), interpolation=cv2.INTER_LINEAR)
    cv2.divide(grey, paper, dst=grey, scale=255)
    return grey


CREASE_PERCENTILE = 80  # a row's paper: text inks far less than a fifth of a row across the page
CREASE_DEPTH = 6  # grey levels a row's paper lies under the local estimate where a fold's crease crosses it


def _with_creases(paper: np.ndarray, small: np.ndarray) -> None:
    """A fold's crease is a dark band across the page narrower than the paper estimate's window, which fills
    it with the brighter paper around it, so it stayed grey over the line it crosses and tesseract lost that
    line. Where a row's paper, measured across the whole width, is clearly darker, it is the paper there.
    Works in place on `paper` (both at 1/4 scale)."""
    k = (small.shape[1] - 1) * CREASE_PERCENTILE // 100  # a partial sort: a full percentile costs ~4x
    rows = np.partition(small, k, axis=1)[:, k].astype(np.int16)[:, None]
    crease = rows < paper.astype(np.int16) - CREASE_DEPTH
    np.copyto(paper, np.broadcast_to(rows, paper.shape).astype(paper.dtype), where=crease)
