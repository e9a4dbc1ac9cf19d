"""OCR stage: Page -> OcrPage (words with boxes and confidences, lines in reading order, NFC).

The engine is created once per process and reused; the pipeline's worker initialiser calls
`engine()` so the model is loaded before the first page arrives.

Tesseract joins side-by-side blocks that share a baseline (the two-column header of an
official document, the two signer blocks at the foot) into one line. `reading_order` splits
such lines at wide gaps and reads a run of two-column rows column by column (`Nơi nhận:` before the
signer block); an official header is read as the two-row table it is: issuing body, national motto,
then `Số: …` and `Hà Nội, ngày…`, the order of the published texts.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import replace

import numpy as np

from digitize.model import OcrPage, Page, Region, Word
from digitize.stages.ocr import handwriting, preprocess, signer_block
from digitize.stages.ocr import regions as page_regions
from digitize.stages.ocr import tones as ocr_tones
from digitize.stages.ocr.readable import FLOOR_CONFIDENCE, drop_unreadable_lines, reads_as_print
from digitize.stages.ocr.repair import list_dashes, repair, superscript_units
from digitize.tools import tesseract
from digitize.vn.text import is_syllable

_ENGINES: dict[tuple[str, str, int], tesseract.OcrEngine] = {}
GAP_FACTOR = 1.5  # a gap wider than this many word heights separates columns (a space is ~0.3)
NARROW_GUTTER = 1.0  # ...and one at least this wide does when it is WIDE_SPACE times the line's median space
WIDE_SPACE = 3.5
NOISE_CONFIDENCE = 60.0  # below this, a word with no letter or digit is scanner noise
INK_SATURATION = 70  # red seals and blue signatures are saturated; printed text is not


def engine(lang: str = "vie", model: str = "fast", psm: int = tesseract.DEFAULT_PSM) -> tesseract.OcrEngine:
    if (lang, model, psm) not in _ENGINES:
        _ENGINES[lang, model, psm] = tesseract.make_engine(lang, psm=psm, model=model)
    return _ENGINES[lang, model, psm]


def recognise(page: Page, lang: str = "vie", model: str = "fast", tones: bool = True) -> OcrPage:
    h, w = page.image.shape[:2]
    dpi = page.dpi or 300.0
    found = page_regions.detect(page.image, page.dpi)
    grey, marks = preprocess.prepare(page.image, dpi, preprocess.plan_for(page.image, page.dpi), found)
    grey = page_regions.mask_stamps(grey, found, dpi)
    # a coloured seal is already paper in `grey`: what is read inside it is print
    black_seals = tuple(r for r in found if r.kind == "seal" and not _coloured(page.image, r.box))
    for seal in black_seals:
        if signer_block.over_text(grey, seal, dpi):
            signer_block.clear_over_text(grey, seal, dpi)
    tsv, choices = ocr_tones.read(engine(lang, model), grey, dpi, tones)
    words = tesseract.parse_tsv(tsv, w, h)
    # the block engine shares the page engine's model, with its own segmentation mode
    read, signatures = signer_block.reread(grey, dpi, words.words, black_seals, engine(
        lang, model, signer_block.BLOCK_PSM)) if black_seals else (words.words, [])
    # handwritten digits in the header's blanks are read from the page itself (a pen's ink is paper in `grey`),
    # on tesseract's own lines (the reading order may split `tháng … năm` at the blank's gap), before the pen's
    # marks drop what was read over them
    filled = handwriting.fill_blanks(replace(words, words=read), page.image)
    hand = frozenset(w.box for w in filled.words) - frozenset(w.box for w in read)
    printed = superscript_units(drop_unreadable_lines(keep_printed(filled.words, black_seals + marks, hand)), grey)
    tables = [r for r in found if r.kind == "table"]
    cells = tuple(c for t in tables for c in page_regions.table_cells(grey, t, dpi))
    regions = found + marks + tuple(signatures) + filled.regions[len(words.regions):]
    return ocr_tones.apply(repair(reading_order(replace(words, words=printed, regions=regions), cells)), choices)


SEAL_KEEP_CONFIDENCE = 80.0  # printed text crossing a seal (the signer's title) still reads this well


def _reads_as_print(word: Word) -> bool:
    letters = re.findall(r"[^\W\d_]+", word.text)
    return word.confidence >= SEAL_KEEP_CONFIDENCE and len(word.text) >= 2 and all(map(is_syllable, letters))


def _coloured(image: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether the ink in a box is mostly saturated colour (a red seal), not black."""
    if image.ndim != 3:
        return False
    x0, y0, x1, y1 = (max(0, v) for v in box)
    crop = image[y0:y1, x0:x1]
    low = crop.min(axis=2)
    ink = low < 160
    if not ink.any():
        return False
    sat = crop.max(axis=2).astype(np.int16) - low
    return float(np.mean(sat[ink] > INK_SATURATION)) > 0.5


NOT_PRINT = ("seal", "signature", "handwriting")


def keep_printed(words: tuple[Word, ...], found: tuple[Region, ...], keep: frozenset = frozenset()) -> tuple[Word, ...]:
    """Drop words read out of a seal (its ring text, its emblem) or a signature, keeping print that crosses it:
    a word read well, or one that goes on a line of print outside the mark (judged per line). Words at the
    boxes of `keep` (handwritten digits read into a blank) stay."""
    seals = [r for r in found if r.kind in NOT_PRINT]
    if not seals:
        return words
    covered = [w.box not in keep and any(page_regions.inside(w.box, s) for s in seals) for w in words]
    by_line: dict[int, list[Word]] = {}
    for w, under in zip(words, covered):
        if not under and reads_as_print(w):
            by_line.setdefault(w.line, []).append(w)
    return tuple(w for w, under in zip(words, covered)
                 if not under or _reads_as_print(w) or _continues_print(w, by_line.get(w.line, [])))


LINE_PRINT_WORDS = 2  # a line with this many print words outside a mark is a line of print


def _continues_print(word: Word, outside: list[Word]) -> bool:
    """A word under a mark that is part of a printed line running past the mark: the line has print outside
    it, and the word spells print (syllables or a number, not a guess) at the line's height and place."""
    if len(outside) < LINE_PRINT_WORDS or word.confidence < FLOOR_CONFIDENCE:
        return False
    letters = re.findall(r"[^\W\d_]+", word.text)
    if not any(c.isdigit() for c in word.text) and not (letters and all(map(is_syllable, letters))):
        return False
    height = statistics.median(w.box[3] - w.box[1] for w in outside)
    top, bottom = min(w.box[1] for w in outside), max(w.box[3] for w in outside)
    centre = (word.box[1] + word.box[3]) / 2
    return 0.6 * height <= word.box[3] - word.box[1] <= 1.5 * height and top <= centre <= bottom


def _is_noise(word: Word) -> bool:
    return word.confidence < NOISE_CONFIDENCE and not re.search(r"[^\W_]", word.text)


def _under_mark(prev: Word, cur: Word, marks: tuple[Region, ...]) -> bool:
    """The gap between two words of a line lies under a seal or a pen mark: words lost there, not a gutter."""
    gap = (prev.box[2], min(prev.box[1], cur.box[1]), cur.box[0], max(prev.box[3], cur.box[3]))
    return any(page_regions.inside(gap, m) for m in marks)


def _segments(words: list[Word], marks: tuple[Region, ...] = ()) -> list[list[Word]]:
    """Split one tesseract line where the gap between words is wider than a column gutter (and not under a
    seal, where the gap is the words the seal hid)."""
    height = statistics.median(w.box[3] - w.box[1] for w in words) or 1
    gaps = [cur.box[0] - prev.box[2] for prev, cur in zip(words, words[1:])]
    # a gutter is wide, or (two bold header blocks set close) far wider than this line's own spaces
    gutter = min(GAP_FACTOR * height, max(NARROW_GUTTER * height, WIDE_SPACE * statistics.median(gaps or [0])))
    segs = [[words[0]]]
    for gap, prev, cur in zip(gaps, words, words[1:]):
        if gap > gutter and not _under_mark(prev, cur, marks):
            segs.append([cur])
        else:
            segs[-1].append(cur)
    return segs


def _span(seg: list[Word]) -> tuple[int, int]:
    return min(w.box[0] for w in seg), max(w.box[2] for w in seg)


def _split_at_rules(word: Word) -> list[Word]:
    """`3.2.3|Xây`: tesseract reads two cells' words and the rule between them as one word; split it at
    the bar, each part's box its share of the word's width by characters."""
    if "|" not in word.text:
        return [word]
    x0, y0, x1, y1 = word.box
    per_char = (x1 - x0) / max(1, len(word.text))
    parts, start = [], 0
    for piece in word.text.split("|"):
        if piece:
            left = x0 + int(start * per_char)
            parts.append(Word(piece, word.confidence, (left, y0, x0 + int((start + len(piece)) * per_char), y1),
                              word.line))
        start += len(piece) + 1
    return parts


def _by_cell(words: list[Word], cells: tuple[tuple[int, int, int, int], ...]) -> list[list[Word]]:
    """A ruled table's words cell by cell: rows of cells top to bottom, cells left to right, the lines of a
    cell joined (tesseract reads a table's text lines across its cells). Words in no cell keep their line."""
    words = [part for w in words for part in _split_at_rules(w)]
    tol = statistics.median(w.box[3] - w.box[1] for w in words) if words else 1
    groups: dict[object, list[Word]] = {}
    for w in words:
        cell = next((c for c in cells if page_regions.inside(w.box, Region("cell", c))), None)
        groups.setdefault(cell or ("line", w.line), []).append(w)
    tops = sorted({min(x.box[1] for x in g) for g in groups.values()})
    rows: list[int] = []  # the top of each row of cells: cells of a row share their top rule
    for top in tops:
        if not rows or top - rows[-1] > tol:
            rows.append(top)

    def key(g: list[Word]) -> tuple[int, int]:
        top = min(x.box[1] for x in g)
        return max(r for r in rows if r <= top), min(x.box[0] for x in g)

    return [sorted(g, key=lambda x: (x.line, x.box[0])) for g in sorted(groups.values(), key=key)]


def reading_order(page: OcrPage, cells: tuple[tuple[int, int, int, int], ...] = ()) -> OcrPage:
    rows: list[list[list[Word]]] = []
    by_line: dict[int, list[Word]] = {}
    for w in page.words:
        by_line.setdefault(w.line, []).append(w)
    seals = tuple(r for r in page.regions if r.kind == "seal")
    for idx in sorted(by_line):
        line = sorted(by_line[idx], key=lambda w: w.box[0])
        dashes = list_dashes(line)  # a faint list dash is print, not noise
        line = [w for k, w in enumerate(line) if k in dashes or not _is_noise(w)]
        if line:
            rows.append(_segments(line, seals))
    # a table is read row by row, cells left to right: its columns are not text columns
    tables = [r for r in page.regions if r.kind == "table"]
    tabled = [any(page_regions.inside(row[0][0].box, t) for t in tables) for row in rows]
    ordered: list[list[Word]] = []
    i = 0
    while i < len(rows):
        if tabled[i] and cells:
            end = i
            while end < len(rows) and tabled[end]:
                end += 1
            ordered += _by_cell([w for row in rows[i:end] for seg in row for w in seg], cells)
            i = end
            continue
        run = None if tabled[i] else _column_run(rows, i, tabled, page.width_px)
        if run is None:  # an ordinary line (or a tabbed form line): one line, left to right
            ordered.append([w for seg in rows[i] for w in seg])
            i += 1
            continue
        end, gutter = run
        for band in _header_rows(rows[i:end], gutter):
            block = [seg for row in band for seg in row]
            ordered += [s for s in block if _span(s)[1] <= gutter] + [s for s in block if _span(s)[0] >= gutter]
        i = end
    words: list[Word] = []
    lines: list[str] = []
    for seg in ordered:
        for w in seg:
            words.append(Word(w.text, w.confidence, w.box, len(lines)))
        lines.append(" ".join(w.text for w in seg))
    return OcrPage(tuple(words), tuple(lines), page.width_px, page.height_px, page.regions)


# the number cell of an official header (`Số: 199/2026/NĐ-CP`; OCR may drop or change the tone mark)
NUMBER_CELL = re.compile(r"^S[ốôồổóòo6]\s*[:.]?\s*\S*\d")


def _header_rows(rows: list[list[list[Word]]], gutter: float) -> list[list[list[list[Word]]]]:
    """Decree 30 sets an official header as a table of two rows: issuing body | national motto, then
    number | place and date. Published texts read it cell by cell, row by row, so a run of columns
    is cut into bands before the row whose left cell is the number line."""
    bands = [[rows[0]]]
    for row in rows[1:]:
        left = [s for s in row if _span(s)[1] <= gutter]
        if left and NUMBER_CELL.match(" ".join(w.text for w in left[0])):
            bands.append([])
        bands[-1].append(row)
    return bands


FORM_LABEL = re.compile(r"^\S+(?:\s+\S+){0,4}:\s*\S")


def _is_form_row(row: list[list[Word]], gutter: float) -> bool:
    """`Giới tính: Nam    Dân tộc: Kinh` is one line of a form, not two columns."""
    right = [s for s in row if _span(s)[0] >= gutter]
    return bool(right) and bool(FORM_LABEL.match(" ".join(w.text for w in right[0])))


def _column_run(rows: list[list[list[Word]]], start: int, tabled: list[bool],
                width: int = 0) -> tuple[int, float] | None:
    """Rows from `start` that keep to one side or the other of a gutter, ending at the first
    line that crosses it. Side-by-side blocks span at least two rows; a tabbed form line
    (`Giới tính: Nam    Dân tộc: Kinh`) is not a column. Blocks may begin at different heights
    (the signer's title above a left-hand line): then the gutter is found further down."""
    late = len(rows[start]) < 2
    gutter = _late_gutter(rows, start, tabled) if late else (_span(rows[start][0])[1] + _span(rows[start][1])[0]) / 2
    if gutter is None:
        return None
    end, both_sides, number = start, 0, None
    while end < len(rows):
        spans = [_span(s) for s in rows[end]]
        if any(x0 < gutter < x1 for x0, x1 in spans) or _is_form_row(rows[end], gutter) or tabled[end] \
                or (number is not None and _under_header(rows[end], gutter, number)):
            break
        both_sides += any(x1 <= gutter for _, x1 in spans) and any(x0 >= gutter for x0, _ in spans)
        left = [s for s in rows[end] if _span(s)[1] <= gutter]
        if number is None and left and NUMBER_CELL.match(" ".join(w.text for w in left[0])):
            number = left[0]
        end += 1
    if end - start < 2:
        return None
    if both_sides >= 1:
        return end, gutter
    return (end, gutter) if late and _side_by_side(rows[start:end], gutter, width) else None


def _late_gutter(rows: list[list[list[Word]]], start: int, tabled: list[bool]) -> float | None:
    """The widest gap left between the rows from `start` down to the first row that closes every gap: the
    gutter of two blocks that begin at different heights. Rows stacked in one column leave no gap."""
    height = statistics.median(w.box[3] - w.box[1] for seg in rows[start] for w in seg) or 1
    covered: list[tuple[int, int]] = []
    gaps: list[tuple[int, int]] = []
    for row, in_table in zip(rows[start:], tabled[start:]):
        if in_table:
            break
        merged = _merge(covered + [_span(s) for s in row])
        wide = [(a[1], b[0]) for a, b in zip(merged, merged[1:]) if b[0] - a[1] >= GAP_FACTOR * height]
        if gaps and not wide:
            break
        covered, gaps = merged, wide
    if not gaps:
        return None
    lo, hi = max(gaps, key=lambda g: g[1] - g[0])
    return (lo + hi) / 2


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for x0, x1 in sorted(spans):
        if merged and x0 <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _side_by_side(rows: list[list[list[Word]]], gutter: float, width: int) -> bool:
    """A left and a right block that share no row are side by side when their heights overlap and the right
    one stands in the right half of the page (a signer block); a centred title above a left-aligned line
    does neither."""
    def extent(segs: list[list[Word]]) -> tuple[int, int] | None:
        words = [w for s in segs for w in s]
        return (min(w.box[1] for w in words), max(w.box[3] for w in words)) if words else None

    left = extent([s for row in rows for s in row if _span(s)[1] <= gutter])
    right = extent([s for row in rows for s in row if _span(s)[0] >= gutter])
    right_x = min(_span(s)[0] for row in rows for s in row if _span(s)[0] >= gutter) if right else 0
    return left is not None and right is not None and left[0] < right[1] and right[0] < left[1] and right_x >= width / 2


def _under_header(row: list[list[Word]], gutter: float, number: list[Word]) -> bool:
    """A left-only line below the header's number that is not centred under it (`Quyển số: 02/2021` at the
    margin) is not a cell of the header table: the header ends above it. A `V/v` line centred under the
    number stays in its cell."""
    if any(_span(s)[0] >= gutter for s in row):
        return False
    height = statistics.median(w.box[3] - w.box[1] for w in number) or 1
    x0, x1 = _span(number)
    r0, r1 = _span([w for s in row for w in s])
    return abs((r0 + r1) / 2 - (x0 + x1) / 2) > 2 * height
