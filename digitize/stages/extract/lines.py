"""OCR lines as the extractor sees them: words with folded keys, and fuzzy label matching on them."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Sequence

from rapidfuzz import fuzz, process

from digitize.model import Box, PageResult, Word
from digitize.vn.text import correct_word, fold, nfc

COLUMN_GAP = 0.045  # share of the page width: a wider gap between words separates columns
_ENUMERATOR = re.compile(r"^([-–•+*]|\d{1,2}[.)]|[a-zđ][.)]|[IVX]{1,4}\.)$")
_PUNCT = re.compile(r"[^\w/]+", re.UNICODE)


def key_tokens(text: str) -> list[str]:
    """Folded tokens without punctuation: 'Họ, chữ đệm, tên:' -> ['ho', 'chu', 'dem', 'ten']."""
    return list(_spelling_keys(text))


@functools.lru_cache(maxsize=16384)  # label and keyword spellings are the same on every page: fold them once
def _spelling_keys(text: str) -> tuple[str, ...]:
    return _fold_keys(text)


def _fold_keys(text: str) -> tuple[str, ...]:
    return tuple(t for t in _PUNCT.sub(" ", fold(text)).split() if t)


@dataclass(frozen=True)
class Tok:
    word: Word
    text: str  # NFC display text (post-corrected if asked)
    key: str  # folded, punctuation removed ('' for pure punctuation)


@dataclass(frozen=True)
class Line:
    page: int  # 1-based index of the page in the document
    index: int  # reading-order index over the whole document
    toks: tuple[Tok, ...]
    page_w: int
    page_h: int

    # computed once: lines are immutable and these are read for every label and locator
    @functools.cached_property
    def text(self) -> str:
        return " ".join(t.text for t in self.toks)

    @functools.cached_property
    def box(self) -> Box:
        return span_box(self.toks)

    @functools.cached_property
    def keys(self) -> list[str]:
        return [t.key for t in self.toks]

    @functools.cached_property
    def _folded(self) -> str:
        return " ".join(k for k in self.keys if k)

    def folded(self) -> str:
        return self._folded

    @functools.cached_property
    def _windows(self) -> dict[int, list[str]]:
        return {}

    def windows(self, size: int) -> list[str]:
        """The folded text of every run of `size` tokens (index = start), built once per line."""
        got = self._windows.get(size)
        if got is None:
            keys = self.keys
            got = self._windows[size] = [" ".join(k for k in keys[i : i + size] if k)
                                         for i in range(0, len(keys) - size + 1)]
        return got


def span_box(toks: Sequence[Tok]) -> Box:
    b = [t.word.box for t in toks]
    return (min(x[0] for x in b), min(x[1] for x in b), max(x[2] for x in b), max(x[3] for x in b))


_GLUED_COLON = re.compile(r"^(.*[^\W\d_]:)(\w.*)$")  # 'Nam/Nữ:Nam', 'sinh:2005' — not '08:30'


def _unglued(w: Word) -> tuple[Word, ...]:
    """A label and its value read as one word (the space after the colon lost): two words, the box split
    by characters."""
    m = _GLUED_COLON.match(w.text)
    if not m:
        return (w,)
    x0, y0, x1, y1 = w.box
    cut = x0 + (x1 - x0) * len(m.group(1)) // len(w.text)
    return (replace(w, text=m.group(1), box=(x0, y0, cut, y1), marks_from=""),
            replace(w, text=m.group(2), box=(cut + 1, y0, x1, y1), marks_from=""))


def build_lines(pages: Sequence[PageResult], post_correct: bool = False) -> list[Line]:
    """OCR words grouped by their line, in reading order, across all pages."""
    out: list[Line] = []
    for pno, page in enumerate(pages, start=1):
        groups: dict[int, list[Word]] = {}
        for w in page.ocr.words:
            if w.text.strip():
                groups.setdefault(w.line, []).append(w)
        for li in sorted(groups):
            words = sorted(groups[li], key=lambda w: w.box[0])
            # OCR may join the two columns of a header into one line: split at wide gaps
            segments: list[list[Word]] = [[]]
            for w in words:
                if segments[-1] and w.box[0] - segments[-1][-1].box[2] > COLUMN_GAP * page.ocr.width_px:
                    segments.append([])
                segments[-1].append(w)
            for seg in segments:
                toks = []
                for w in (part for word in seg for part in _unglued(word)):
                    text = nfc(w.text)
                    if post_correct:
                        text = correct_word(text)
                    toks.append(Tok(w, text, " ".join(_fold_keys(text))))  # a page's own words: not cached
                out.append(Line(pno, len(out), tuple(toks), page.ocr.width_px, page.ocr.height_px))
    return out


@dataclass(frozen=True)
class LabelHit:
    line: Line
    start: int  # token index where the label starts
    end: int  # token index after the label (value starts here)
    score: float
    n_keys: int  # tokens in the label spelling: longer, more specific labels win overlaps
    label: str


def _label_like(line: Line, start: int, end: int, n_keys: int) -> bool:
    """A printed label ends with a colon (or a colon misread as '.', ';'), or stands at the end of its
    line or column (a heading over its value), or is followed by a number ('thửa đất số 123').
    One-word labels ('Ông', 'Sex') need the colon so that the word inside running text is not taken."""
    last = line.toks[end - 1].text
    nxt = line.toks[end].text if end < len(line.toks) else ""
    if last.endswith(":") or nxt.startswith(":"):
        return True
    if n_keys <= 1:
        return False
    if all(t.text.isupper() for t in line.toks[start:end] if t.key):
        return False  # an upper-case heading such as the title, not a label
    if last.endswith((";", ".")) or not nxt or nxt[:1].isdigit():
        return True
    if len(nxt) > 1 and nxt.isupper() and not last.isupper():
        return True  # 'Họ và tên LÊ ĐỨC HÙNG': the colon lost, the value in capitals
    gap = line.toks[end].word.box[0] - line.toks[end - 1].word.box[2]
    return gap > 0.02 * line.page_w


class WindowIndex:
    """The folded text of every run of 1, 2, … tokens of every line, flat per run length, so that a label
    is looked for in all lines with one fuzzy-matching call (rapidfuzz's C++ loop) instead of one per line:
    this runs for every label spelling of a profile."""

    def __init__(self, lines: Sequence[Line]):
        self.lines = lines
        self._by_size: dict[int, tuple[list[str], list[tuple[Line, int]]]] = {}

    def of_size(self, size: int) -> tuple[list[str], list[tuple[Line, int]]]:
        got = self._by_size.get(size)
        if got is None:
            texts: list[str] = []
            where: list[tuple[Line, int]] = []
            for ln in self.lines:
                ws = ln.windows(size)
                texts += ws
                where += [(ln, i) for i in range(len(ws))]
            got = self._by_size[size] = (texts, where)
        return got


def find_label(index: WindowIndex, label_keys: list[str], label: str, min_score: float = 86.0) -> list[LabelHit]:
    """Places in the indexed lines where the label is printed, tolerant of OCR noise (fuzzy,
    diacritic-folded), in reading order."""
    n = len(label_keys)
    target = " ".join(label_keys)
    short = len(target) <= 4
    hits: list[tuple[int, int, int, LabelHit]] = []
    for size in sorted({n, n - 1, n + 1} - {0}):
        texts, where = index.of_size(size)
        if short:
            found = [(w, 100.0, k) for k, w in enumerate(texts) if w == target]
        else:
            found = process.extract(target, texts, scorer=fuzz.ratio, score_cutoff=min_score, limit=None)
        for window, score, k in found:
            line, i = where[k]
            if not window or window[0] != target[0] and size == n:
                continue
            if _label_like(line, i, i + size, n):
                hit = LabelHit(line, i, i + size, 100.0 if window == target else score, n, label)
                hits.append((line.index, size, i, hit))
    hits.sort(key=lambda h: h[:3])
    return [h[3] for h in hits]


def value_tokens(line: Line, start: int, stop: int) -> list[Tok]:
    """Tokens of a value, without a leading colon/dash or a lone trailing punctuation token."""
    toks = list(line.toks[start:stop])
    while toks and not toks[0].key and not any(c.isalnum() for c in toks[0].text):
        toks.pop(0)
    while toks and not any(c.isalnum() for c in toks[-1].text):
        toks.pop()
    return toks


def clean_value(text: str) -> str:
    t = nfc(text).strip()
    t = re.sub(r"^[\s:;.\-–—_]+", "", t)
    t = re.sub(r"[\s;,_]+$", "", t)
    t = re.sub(r"\.{2,}$", "", t)
    return " ".join(t.split())


# --- where a value continues ---------------------------------------------------------------------
def starts_block(nxt: Line) -> bool:
    """A line that opens something new: '- ', 'II.', 'a)', 'Điều 2.', or a 'Label:' near its start."""
    first = nxt.toks[0].text
    return bool(_ENUMERATOR.match(first)) or nxt.folded().startswith("dieu ") or \
        any(t.text.endswith(":") for t in nxt.toks[:8])


def below(lines: Sequence[Line], ln: Line, x0: float, x1: float) -> Line | None:
    """The next line under `ln` on the same page that overlaps the column x0..x1."""
    for nxt in lines[ln.index + 1 : ln.index + 12]:
        if nxt.page != ln.page or nxt.box[1] < ln.box[1] + 0.5 * (ln.box[3] - ln.box[1]):
            continue
        if nxt.box[0] < x1 and nxt.box[2] > x0:
            return nxt
    return None


def right_edge(lines: Sequence[Line], ln: Line, x0: float) -> int:
    """Where lines of this column end when a paragraph wraps (the widest nearby line)."""
    near = [o.box[2] for o in lines[max(0, ln.index - 15) : ln.index + 15]
            if o.page == ln.page and o.box[0] >= x0 - 0.03 * ln.page_w]
    return max(near or [ln.box[2]])
