"""The signer block under a seal, read again on its own.

On a real scan the seal is stamped over the signer's title and the signature runs through it, all in black:
tesseract's page layout then takes the whole block (`TM. CHÍNH PHỦ / KT. THỦ TƯỚNG / PHÓ THỦ TƯỚNG`, the
signer's name) for a picture and reads nothing of it, or a few letters. Measured on the real scans, both
plain tesseract and the pipeline lost the block entirely on every page with a seal.

The block is the part of the page beside and above the seal, to the right edge, below the last body line
that runs across it. With the seal's ring, what lies inside the ring and the signature's strokes painted out,
and read as one block of text (tesseract mode 6), it gives the printed lines; what is still read out of the
seal is dropped afterwards by the same filters as the rest of the page.
"""
from __future__ import annotations

import cv2
import numpy as np

from digitize.model import Region, Word
from digitize.stages.ocr.readable import reads_as_print
from digitize.stages.ocr.regions import inside
from digitize.tools import tesseract

BLOCK_PSM = 6  # one uniform block of text: no layout analysis left to call the block a picture
ABOVE_SEAL = 1.7  # the title lines start up to this many seal radii above the seal's top
BELOW_SEAL = 0.7  # ...and the signer's name ends about this far below its bottom
LEFT_OF_SEAL = -0.25  # the block starts a quarter radius inside the seal (the Nơi nhận lines end at its edge)
BODY_LINES = 2  # this many lines running across the seal's lower half make it a seal over body text
SIGNATURE_MM = (7.0, 30.0)  # a stroke taller or wider than any printed word (height, width) is a signature


def block_box(seal: Region, words: tuple[Word, ...], width: int, height: int) -> tuple[int, int, int, int] | None:
    """The signer block of `seal`: from a little inside its left edge to the page's right edge, from below
    the last body line crossing that edge above the seal to a little below the seal. None when body lines
    cross that edge beside the seal's lower half too: a seal stamped over running text (an approval stamp
    at the head of an article), where cutting a block would cut the lines in two."""
    x0, y0, x1, y1 = seal.box
    r = (x1 - x0) / 2
    left = int(x0 - LEFT_OF_SEAL * r)
    top = max(0, int(y0 - ABOVE_SEAL * r))
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    crossing_below = 0
    for ws in lines.values():
        lx0, lx1 = min(w.box[0] for w in ws), max(w.box[2] for w in ws)
        bottom = max(w.box[3] for w in ws)
        # a body line runs across the block's left edge; it ends above the seal's centre
        if lx0 < left - r < left + r < lx1 and bottom < (y0 + y1) / 2:
            top = max(top, bottom + 2)
        # ...or it runs right through the seal beside its lower half
        crossing_below += lx0 < x0 < x1 < lx1 and (y0 + y1) / 2 <= bottom < y1
    if crossing_below >= BODY_LINES and (x0 + x1) / 2 < width / 2:
        return None
    return left, top, width, min(height, int(y1 + BELOW_SEAL * r))


def _inside(word: Word, box: tuple[int, int, int, int]) -> bool:
    return inside(word.box, Region("signer_block", box))


def _printed_chars(words: list[Word]) -> int:
    return sum(len(w.text) for w in words if reads_as_print(w))


def _ring(ink: np.ndarray, dist: np.ndarray, r: float) -> tuple[float, float]:
    """Inner and outer radius of the seal's ring: the band of radii around `r` that is mostly ink."""
    radii = np.arange(int(r * 0.8), int(r * 1.15) + 1)
    density = np.array([np.count_nonzero(ink[(dist >= q) & (dist < q + 1)]) / (2 * np.pi * q) for q in radii])
    lo = hi = int(np.argmax(density))
    while lo > 0 and density[lo - 1] > 0.5 * density.max():
        lo -= 1
    while hi < len(radii) - 1 and density[hi + 1] > 0.5 * density.max():
        hi += 1
    return radii[lo] - 1.0, radii[hi] + 2.0


def erase_seal(crop: np.ndarray, origin: tuple[int, int], seal: Region, dpi: float) -> list[Region]:
    """Paint as paper, in place, the seal's ring, what lies inside it (its ring text, the emblem) and
    signature strokes (taller or wider than a printed word); returns the signatures found. Print crossing
    the ring loses only the ring's band; print inside it that continues a line outside it stays."""
    x0, y0, x1, y1 = seal.box
    ys, xs = np.ogrid[0:crop.shape[0], 0:crop.shape[1]]
    dist = np.hypot(xs - ((x0 + x1) / 2 - origin[0]), ys - ((y0 + y1) / 2 - origin[1]))
    r_in, r_out = _ring(crop < 128, dist, (x1 - x0) / 2)
    crop[(dist >= r_in) & (dist <= r_out)] = 255
    count, labels, stats, _ = cv2.connectedComponentsWithStats((crop < 128).astype(np.uint8), connectivity=8)
    mm = dpi / 25.4
    strokes, inner, outer = [], [], []
    for i in range(1, count):
        bx, by, bw, bh, _ = stats[i]
        if bh > SIGNATURE_MM[0] * mm or bw > SIGNATURE_MM[1] * mm:
            strokes.append(i)
        elif float(dist[by:by + bh, bx:bx + bw][labels[by:by + bh, bx:bx + bw] == i].max()) < r_in:
            inner.append(i)
        else:
            outer.append(i)
    kept = _line_continuations(stats, inner, outer)
    for i in strokes + [i for i in inner if i not in kept]:
        bx, by, bw, bh, _ = stats[i]
        crop[by:by + bh, bx:bx + bw][labels[by:by + bh, bx:bx + bw] == i] = 255
    if not strokes:
        return []
    box = (int(min(stats[i][0] for i in strokes)), int(min(stats[i][1] for i in strokes)),
           int(max(stats[i][0] + stats[i][2] for i in strokes)), int(max(stats[i][1] + stats[i][3] for i in strokes)))
    return [Region("signature", (box[0] + origin[0], box[1] + origin[1], box[2] + origin[0], box[3] + origin[1]))]


BESIDE_MM = 4.0  # print within this distance left and right of a seal, in the same rows, runs through it
TEXT_ROWS = 2  # ...in at least this many separate text rows


def over_text(grey: np.ndarray, seal: Region, dpi: float) -> bool:
    """Whether the seal is stamped over running text: it stands in the left half of the page (a signer's seal
    is in the signer's column, on the right, with the Nơi nhận list beside it), and in rows of its lower half
    print lies just left and just right of the circle."""
    x0, y0, x1, y1 = (max(0, v) for v in seal.box)
    reach = int(BESIDE_MM * dpi / 25.4)
    if x0 - reach < 0 or x1 + reach > grey.shape[1] or (x0 + x1) / 2 > grey.shape[1] / 2:
        return False
    rows = slice((y0 + y1) // 2, y1)
    left = (grey[rows, x0 - reach:x0] < 128).any(axis=1)
    right = (grey[rows, x1:x1 + reach] < 128).any(axis=1)
    both = np.flatnonzero(left & right)
    bands = 1 + int(np.count_nonzero(np.diff(both) > 2)) if both.size else 0
    return bands >= TEXT_ROWS


def clear_over_text(grey: np.ndarray, seal: Region, dpi: float) -> None:
    """A seal over running text, in place: the bands of its outer and inner rings go, and the emblem where it
    lies wholly in the seal's middle; the letters under it stay (a mark touching a ring loses only the band)."""
    r = (seal.box[2] - seal.box[0]) / 2
    pad = int(0.2 * r)  # the ring's band reaches past the circle found at 50 dpi
    x0, y0 = max(0, seal.box[0] - pad), max(0, seal.box[1] - pad)
    crop = grey[y0:seal.box[3] + pad, x0:seal.box[2] + pad]
    ys, xs = np.ogrid[0:crop.shape[0], 0:crop.shape[1]]
    dist = np.hypot(xs - ((seal.box[0] + seal.box[2]) / 2 - x0), ys - ((seal.box[1] + seal.box[3]) / 2 - y0))
    ink = crop < 128
    for radius in (r, INNER_RING * r):
        r_in, r_out = _ring(ink, dist, radius)
        if r_out - r_in < 0.2 * r:  # a band, not the whole seal; an uneven stamping spreads it a little
            crop[(dist >= r_in - RING_SPREAD * r) & (dist <= r_out + RING_SPREAD * r)] = 255
    count, labels, stats, _ = cv2.connectedComponentsWithStats((crop < 128).astype(np.uint8), connectivity=8)
    line = PRINT_LINE_MM * dpi / 25.4
    for i in range(1, count):
        bx, by, bw, bh, _ = stats[i]
        part = labels[by:by + bh, bx:bx + bw] == i
        if (bh > line or bw > line) and float(dist[by:by + bh, bx:bx + bw][part].max()) < EMBLEM * r:
            crop[by:by + bh, bx:bx + bw][part] = 255


RING_SPREAD = 0.04
INNER_RING, EMBLEM = 0.66, 0.4  # radii, in seal radii, of the inner ring and of the emblem's extent
PRINT_LINE_MM = 6.0  # a printed letter with its marks is under this tall; the emblem and inner ring are not


def _line_continuations(stats: np.ndarray, inner: list[int], outer: list[int]) -> set[int]:
    """Components inside the seal that continue, leftwards, a line of print outside it (`KT.` before
    `THỦ TƯỚNG`, the first letters of the signer's name): in the rows of an outside line, at most two letter
    heights from the nearest kept ink on their right."""
    kept: set[int] = set()
    for j in outer:
        top, height = stats[j][1], stats[j][3]
        if height < 4:
            continue  # a dot or a tone mark says nothing about a line
        frontier = stats[j][0]
        for i in sorted(inner, key=lambda i: -stats[i][0]):
            bx, by, bw, bh, _ = stats[i]
            centre = by + bh / 2
            if i in kept or not (top <= centre <= top + height) or bh > 1.5 * height:
                continue
            if frontier - 2 * height <= bx + bw <= frontier + height:
                kept.add(i)
                frontier = min(frontier, bx)
    return kept


def reread(grey: np.ndarray, dpi: float, words: tuple[Word, ...], seals: tuple[Region, ...],
           block_engine: tesseract.OcrEngine) -> tuple[tuple[Word, ...], list[Region]]:
    """`words` with the signer block of each black seal read again (seal and signature painted out) when the
    block read has more print, and the regions found there: `signature`, and `signer_block` where the block
    read was taken."""
    h, w = grey.shape[:2]
    found: list[Region] = []
    for seal in seals:
        box = block_box(seal, words, w, h)
        if box is None or box[2] - box[0] < 50 or box[3] - box[1] < 50:
            continue
        crop = grey[box[1]:box[3], box[0]:box[2]].copy()
        signature = erase_seal(crop, box[:2], seal, dpi)
        read = tesseract.parse_tsv(block_engine.tsv(crop, dpi), crop.shape[1], crop.shape[0]).words
        block = [Word(x.text, x.confidence, (x.box[0] + box[0], x.box[1] + box[1], x.box[2] + box[0],
                                             x.box[3] + box[1]), x.line) for x in read]
        before = [x for x in words if _inside(x, box)]
        found += signature
        if _printed_chars(block) <= _printed_chars(before):
            continue
        words = _splice(tuple(x for x in words if not _inside(x, box)), block, box)
        # page data: what was read here was read around a seal, letters under its ring may be missing
        found.append(Region("signer_block", box))
    return words, found


def _splice(words: tuple[Word, ...], block: list[Word], box: tuple[int, int, int, int]) -> tuple[Word, ...]:
    """Renumber lines so the block's lines follow the page lines above it and those of the column beside it
    (the Nơi nhận list, which the block's foot may not reach), as a person reads the foot of the page."""
    order: list[int] = []
    boxes: dict[int, list[int]] = {}
    for x in words:
        if x.line not in boxes:
            order.append(x.line)
            boxes[x.line] = list(x.box)
        b = boxes[x.line]
        b[:] = [min(b[0], x.box[0]), min(b[1], x.box[1]), max(b[2], x.box[2]), max(b[3], x.box[3])]
    cut = max((i + 1 for i, line in enumerate(order) if (boxes[line][1] + boxes[line][3]) / 2 < box[3]), default=0)
    beside = box[0] + (box[2] - box[0]) // 4
    while cut < len(order) and boxes[order[cut]][2] <= beside and boxes[order[cut]][1] >= box[1]:
        cut += 1  # the column beside the block goes on below it
    number: dict[int | tuple[str, int], int] = {line: i for i, line in enumerate(order[:cut])}  # ("b", line): in the block
    first_block = len(number)
    block_lines = sorted({x.line for x in block})
    number.update({("b", line): first_block + i for i, line in enumerate(block_lines)})
    after = first_block + len(block_lines)
    number.update({line: after + i for i, line in enumerate(order[cut:])})
    out = [Word(x.text, x.confidence, x.box, number[x.line]) for x in words]
    out += [Word(x.text, x.confidence, x.box, number[("b", x.line)]) for x in block]
    return tuple(sorted(out, key=lambda x: x.line))
