"""Handwritten digits in the printed blanks of an official header: the number in `Số: …/QĐ-TTg` and the day and
month in `ngày … tháng … năm 2025`.

Tesseract reads a pen's digits as junk (`ø02ó../TB-ĐHĐL`, `ngà¿2háng0„¿`) or not at all, and on a colour page
the pen ink is turned to paper before it reads. Here the blank is found from the printed words around it, the pen
strokes inside it are taken from the page image (by colour where the page has colour: blue or violet ink; on a
grey or bilevel page, the dark ink between the printed labels), cut into digits (connected strokes; a stroke
group far wider than tall is cut at its thinnest column) and read by `digits.classify`. A reading is `sure` only
when every digit is read with at least SURE_PROBABILITY and the count is plausible; otherwise it is still
returned, flagged, with its box, so that the station can show the crop.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

import cv2
import numpy as np

from digitize.model import Box, OcrPage, Region, Word
from digitize.stages.ocr import digits, strokes
from digitize.vn.text import fold

SURE_PROBABILITY = 0.85
MIN_HEIGHT = 0.35  # a digit is at least this share of the blank's line height; leader dots and specks are less
PIECE_WIDTH = 0.3  # a flat stroke at least this share of the line height wide may be part of a digit
NARROW = 0.6  # a digit is at least this share of its height wide: a group twice as wide may be two digits
RULE_WIDTH = 3.0  # a stroke wider than this many line heights is a rule
PEN_SHARE = 0.3  # share of the dark ink that must be coloured pen for colour to tell pen from print


@dataclass(frozen=True)
class HandwrittenReading:
    text: str  # the digits read ('' when the blank is empty)
    confidence: float  # 0..100: the least sure digit's probability
    box: Box  # the ink read, in page pixels (the crop to show)
    sure: bool
    digits: tuple[tuple[str, float], ...] = ()  # each digit with its probability


def _pen_ink(crop: np.ndarray) -> np.ndarray:
    """Ink of the crop that is not print: blue/violet pen where the pen is coloured, else any dark ink (a grey
    page, or a colour page written on in black)."""
    grey = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    if grey.min() >= 128:
        return np.zeros_like(grey)
    _, dark = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if crop.ndim == 3:
        ink, pen = strokes.colour_ink(np.ascontiguousarray(crop))
        if cv2.countNonZero(pen) > PEN_SHARE * cv2.countNonZero(dark):
            return cv2.bitwise_and(ink, cv2.compare(grey, 215, cv2.CMP_LT))  # type: ignore[call-overload]  # cv2 stubs: src2 may be a scalar
    return dark


def _groups(ink: np.ndarray, line_height: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1, in the crop) of the stroke groups that are digits, left to right: strokes that
    overlap in x are one digit (the bar of a 5, the loop of a 9 drawn apart)."""
    joined = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    boxes = [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, _ in stats[1:count]
             if w <= RULE_WIDTH * line_height]  # a rule under the line above is no digit
    tall = [b for b in boxes if b[3] - b[1] >= MIN_HEIGHT * line_height]
    if not tall:
        return []
    top, bottom = min(b[1] for b in tall) - 0.2 * line_height, max(b[3] for b in tall)
    # a flat piece (the bar of a 5) belongs to the digits' band; a dot or a speck elsewhere does not
    spans = sorted(list(b) for b in boxes if b in tall or (b[2] - b[0] >= PIECE_WIDTH * line_height
                                                          and top <= (b[1] + b[3]) / 2 <= bottom))
    merged: list[list[int]] = []
    for box in spans:
        if merged and box[0] < merged[-1][2] - 0.3 * (box[2] - box[0]):
            last = merged[-1]
            merged[-1] = [min(last[0], box[0]), min(last[1], box[1]), max(last[2], box[2]), max(last[3], box[3])]
        else:
            merged.append(box)
    return [tuple(b) for b in merged  # type: ignore[misc]
            if b[3] - b[1] >= MIN_HEIGHT * line_height and b[2] - b[0] <= RULE_WIDTH * line_height]


def _cut(ink: np.ndarray, box: tuple[int, int, int, int], parts: int) -> list[tuple[int, int, int, int]]:
    """A stroke group cut into `parts` digits, each cut at the thinnest column near its share of the width."""
    x0, y0, x1, y1 = box
    w = x1 - x0
    columns = (ink[y0:y1, x0:x1] > 0).sum(axis=0)
    cuts = [x0]
    for k in range(1, parts):
        centre, reach = k * w // parts, max(1, w // (3 * parts))
        lo, hi = max(1, centre - reach), min(w - 1, centre + reach)
        cuts.append(x0 + lo + int(np.argmin(columns[lo:hi])) if hi > lo else x0 + centre)
    cuts.append(x1)
    return [(a, y0, b, y1) for a, b in zip(cuts, cuts[1:]) if b - a > 1]


def _as_digits(ink: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[tuple[int, int, int, int], int, float]]:
    """A stroke group read as one digit, or as two or three written together (`27` in one stroke), whichever
    reading's least sure digit is surest (fewer digits on a tie)."""
    w, h = box[2] - box[0], box[3] - box[1]
    best: list[tuple[tuple[int, int, int, int], int, float]] = []
    for parts in (1, 2, 3):
        if parts > 1 and w < (parts - 1 + 0.5) * NARROW * h:
            break
        pieces = _cut(ink, box, parts)
        read = digits.classify([ink[b[1]:b[3], b[0]:b[2]] for b in pieces])
        if not read:
            return []
        option = [(b, d, p) for b, (d, p) in zip(pieces, read)]
        if not best or min(p for *_, p in option) > min(p for *_, p in best):
            best = option
    return best


def _without_rules(ink: np.ndarray, line_height: int) -> np.ndarray:
    """The ink less straight horizontal runs longer than a line's height: the rule under the line above, a
    dotted leader's run."""
    run = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, line_height), 1)))
    return cv2.subtract(ink, cv2.dilate(run, np.ones((3, 1), np.uint8)))


def read_blank(image: np.ndarray, box: Box, line_height: int | None = None) -> HandwrittenReading:
    """The handwritten digits inside `box` (page pixels) of the page image (BGR or grey)."""
    x0, y0, x1, y1 = (max(0, v) for v in box)
    crop = image[y0:y1, x0:x1]
    if crop.size == 0:
        return HandwrittenReading("", 0.0, box, False)
    ink = _without_rules(_pen_ink(crop), line_height or (y1 - y0) // 2)
    read = [r for g in _groups(ink, line_height or (y1 - y0) // 2) for r in _as_digits(ink, g)]
    if not read:  # nothing written, or no model installed: flagged, never guessed
        return HandwrittenReading("", 0.0, box, False)
    found = (x0 + min(b[0] for b, _, _ in read), y0 + min(b[1] for b, _, _ in read),
             x0 + max(b[2] for b, _, _ in read), y0 + max(b[3] for b, _, _ in read))
    confidence = min(p for *_, p in read)
    return HandwrittenReading("".join(str(d) for _, d, _ in read), round(100 * confidence, 1), found,
                              confidence >= SURE_PROBABILITY, tuple((str(d), round(p, 3)) for _, d, p in read))


# --- blanks of an official header, found from the printed words ---------------------------------------------

_NUMBER_LABEL = re.compile(r"^s[oóòôồổ6]\s*[:.]?$")
_PRINTED_NUMBER = re.compile(r"^\d{1,6}/")
_PRINTED_DATE = re.compile(r"ngay\s*\d{1,2}\s+thang\s*\d{1,2}\s+nam\b")


@dataclass(frozen=True)
class Blank:
    kind: str  # "number" | "date"
    box: Box
    first: int  # the line's words first..last (inclusive) are what the OCR made of the label and the blank
    last: int
    suffix: str = ""  # what follows the number in its cell (`/TB-ĐHĐL`)


def _band(words: list[Word], x0: int, x1: int) -> Box:
    """The line's band from x0 to x1, grown up and down: handwriting rises above and falls below print."""
    top, bottom = min(w.box[1] for w in words), max(w.box[3] for w in words)
    grow = (bottom - top) // 2
    return (x0, max(0, top - grow), x1, bottom + grow)


def _slash_at(image: np.ndarray, band: Box, near: float, reach: float) -> int | None:
    """The left edge of the printed `/` nearest `near` in the band: a thin stroke leaning right, tall as a
    capital, inking little of its box."""
    x0, y0, x1, y1 = band
    ink = _pen_ink(image[y0:y1, x0:x1])
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    found = []
    for i in range(1, count):
        x, y, w, h, area = stats[i]
        if h < 0.25 * (y1 - y0) or w > 0.6 * h or area > 0.35 * w * h:
            continue
        part = labels[y:y + h, x:x + w] == i
        rows = max(1, h // 4)
        lean = np.flatnonzero(part[:rows].any(0)).mean() - np.flatnonzero(part[-rows:].any(0)).mean()
        if lean >= 0.5 * w and abs(x0 + x - near) <= reach:
            found.append(x0 + int(x))
    return min(found, key=lambda x: abs(x - near)) if found else None


CAPITAL_WIDTH = 1.3  # a capital of the number's code is this many times the mean letter width of `Số:`


def number_blank(image: np.ndarray, words: list[Word]) -> Blank | None:
    """`Số: ….. /TB-ĐHĐL` at the head of a line where the OCR read no clean number after `Số:` (junk, dots, or
    nothing): the gap between the label and the code's `/`."""
    if len(words) < 2 or not _NUMBER_LABEL.match(fold(words[0].text)) or not words[0].text[0].isupper():
        return None
    label = words[0]
    j = next((k for k in range(1, min(len(words), 4)) if "/" in words[k].text), None)
    if j is None:
        return None
    after = "".join(x.text for x in words[1:j + 1])
    if _PRINTED_NUMBER.match(after):
        return None  # the OCR read clean digits there (print, or a hand it read): its reading stands
    tail = words[j]
    suffix = tail.text[tail.text.index("/"):]
    char = CAPITAL_WIDTH * (label.box[2] - label.box[0]) / max(1, len(label.text))
    near = tail.box[2] - len(suffix) * char
    band = _band(words[:j + 1], label.box[2], tail.box[2])
    slash = _slash_at(image, band, near, 2 * char)
    end = slash if slash is not None else int(near)
    return Blank("number", (band[0], band[1], max(end - 1, band[0] + 1), band[3]), 0, j, suffix)


def date_blank(words: list[Word]) -> Blank | None:
    """`Hà Nội, ngày … tháng … năm 2025` with the day and month written in, `tháng` read as a word of its own: the
    blank runs from the end of `ngày` to `năm`, and `tháng` (words[`last`]) splits it."""
    folded = [fold(w.text) for w in words]
    # the header's place and date (`Hà Nội, ngày`): the place ends in a comma; a date in running text does not
    start = next((i for i, t in enumerate(folded) if t.startswith("nga") and i and words[i - 1].text.endswith(",")),
                 None)
    if start is None:
        return None
    end = next((k for k in range(start + 1, min(len(words), start + 8)) if folded[k].strip(".,") == "nam"), None)
    if end is None or _PRINTED_DATE.search(" ".join(folded[start:end + 1])):
        return None
    month = next((k for k in range(start + 1, end) if "hang" in folded[k]), None)
    if month is None:
        return None  # `tháng` run into the handwriting: nothing tells where the day ends
    label = words[start]
    per_char = (label.box[2] - label.box[0]) / max(1, len(label.text))
    x0 = label.box[0] + int(min(len(label.text), 4) * per_char)  # `ngày` is four letters
    return Blank("date", _band(words[start:end + 1], x0, words[end].box[0]), start, month)


def read_date(image: np.ndarray, blank: Blank, words: list[Word],
              line_height: int) -> tuple[HandwrittenReading, HandwrittenReading]:
    """The day and the month of a date blank, either side of the printed `tháng`."""
    x0, y0, x1, y1 = blank.box
    middle = words[blank.last].box
    day = read_blank(image, (x0, y0, max(x0 + 1, middle[0] - 1), y1), line_height)
    return day, read_blank(image, (min(x1 - 1, middle[2] + 1), y0, x1, y1), line_height)


UNSURE_CONFIDENCE = 50.0  # an unsure reading's word confidence is at most this: under the extractor's flag line


def _word(reading: HandwrittenReading, line: int) -> Word:
    confidence = reading.confidence if reading.sure else min(reading.confidence, UNSURE_CONFIDENCE)
    return Word(reading.text, confidence, reading.box, line)


def _label(word: Word, text: str) -> Word:
    """The printed label of a word the OCR ran into the handwriting (`ngà¿2háng0„¿`), its box cut to its share."""
    per_char = (word.box[2] - word.box[0]) / max(1, len(word.text))
    box = (word.box[0], word.box[1], word.box[0] + int(len(text) * per_char), word.box[3])
    return Word(text, word.confidence, box, word.line)


def _filled(image: np.ndarray, words: list[Word]) -> tuple[list[Word], list[Box]]:
    """A line's words with its filled blanks read (and the boxes read), or as they were."""
    height = int(np.median([w.box[3] - w.box[1] for w in words]))
    line = words[0].line
    read: list[Box] = []
    blank = number_blank(image, words)
    if blank is not None:
        reading = read_blank(image, blank.box, height)
        if reading.text:
            tail = words[blank.last]
            suffix = Word(blank.suffix, tail.confidence, (blank.box[2], tail.box[1], tail.box[2], tail.box[3]), line)
            words = words[:1] + [_word(reading, line), suffix] + words[blank.last + 1:]
            read.append(reading.box)
    # tesseract may read the two header cells as one line: `Số: …` and `Hà Nội, ngày …` together
    words, dates = _date_filled(image, words, height, line)
    return words, read + dates


def _date_filled(image: np.ndarray, words: list[Word], height: int, line: int) -> tuple[list[Word], list[Box]]:
    blank = date_blank(words)
    if blank is not None:
        day, month = read_date(image, blank, words, height)
        if day.text and month.text:
            end = next(k for k in range(blank.last + 1, len(words)) if fold(words[k].text).strip(".,") == "nam")
            # a part the OCR read as clean digits keeps its reading (print, or a hand it read)
            read_day, read_month = words[blank.first + 1:blank.last], words[blank.last + 1:end]
            day_word = read_day[0] if _clean(read_day) and words[blank.first].text == "ngày" else _word(day, line)
            month_word = read_month[0] if _clean(read_month) else _word(month, line)
            parts = [_label(words[blank.first], "ngày"), day_word, replace(words[blank.last], text="tháng"),
                     month_word]
            boxes = [w.box for w, r in ((day_word, day), (month_word, month)) if w.box == r.box]
            return words[:blank.first] + parts + words[end:], boxes
    return words, []


def _clean(words: list[Word]) -> bool:
    return len(words) == 1 and bool(re.fullmatch(r"\d{1,2}", words[0].text))


def fill_blanks(page: OcrPage, image: np.ndarray) -> OcrPage:
    """The page with the handwritten digits of its header blanks read into its words (unsure ones with a low
    confidence, so that the field is flagged), and a `handwriting` region for each reading's box."""
    if digits.model() is None:
        return page
    by_line: dict[int, list[Word]] = {}
    for w in page.words:
        by_line.setdefault(w.line, []).append(w)
    words: list[Word] = []
    lines = list(page.lines)
    read: list[Box] = []
    for number in sorted(by_line):
        filled, boxes = _filled(image, by_line[number])
        read += boxes
        if boxes and number < len(lines):
            lines[number] = " ".join(w.text for w in filled)
        words += filled
    if not read:
        return page
    return replace(page, words=tuple(words), lines=tuple(lines),
                   regions=page.regions + tuple(Region("handwriting", b) for b in read))
