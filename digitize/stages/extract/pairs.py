"""Open-world reading: every printed `Label: value` pair of a document, whatever its type.

Several pairs may share a line (`Ngày cấp: … Nơi cấp: …`, `2. Ngày sinh: … 3. Giới tính: …`): a later label
begins after an item number, where a lexicon spelling ends at its colon, or after a wide gap. A value runs to
the next label of its line and on to the following lines of its column while its line was full (a wrapped
address). A colon inside running text (`… thống nhất đề nghị: …`) is no label: labels start their line (or a
column, or follow an item number), are short, and the line does not continue a paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import AbstractSet, Sequence

from digitize.profiles.loader import FieldSpec
from digitize.stages.extract import lexicon
from digitize.stages.extract.lines import Line, Tok, below, clean_value, key_tokens, right_edge, starts_block
from digitize.stages.extract.typed import typed_value

# item markers; a lettered item OCR misreads keeps its bracket ('gø)' for 'g)')
_ITEM = re.compile(r"^([-–•+*]|\d{1,2}[.)]|[a-zđ][.)]|[IVX]{1,4}[.)]|[^\W\d_]{1,2}\))$")
_ITEM_GLUED = re.compile(r"^(\d{1,2}[.)]|[a-zđ]\))(?=\w)")  # '3.Giới' read without the space
_SKIP_LINE = ("can cu", "dieu ", "xet de nghi", "theo de nghi")
MAX_LABEL_TOKENS = 6  # of a label no lexicon knows
WIDE_GAP = 0.015  # share of the page width between a value and the next label on its line
MAX_WRAP = 3  # following lines a value is continued onto; one that fills them all may go on further
# types whose values wrap onto the next line; names, dates and numbers never do
WRAPPING = ("text", "address")


@dataclass(frozen=True)
class Pair:
    label: str  # as printed, without item number and colon
    name: str  # canonical (lexicon) name, else the label in snake_case
    type: str  # from the lexicon; '' when the value's shape must decide
    known: bool
    label_toks: tuple[Tok, ...]
    value_toks: tuple[Tok, ...]
    page: int
    wrapped: int  # lines the value continued onto
    under: bool  # the value stands on the line under its label
    line: int = -1  # index of the label's line


def snake(label: str) -> str:
    return "_".join(key_tokens(label)).replace("/", "_")


def _is_item(tok: Tok) -> bool:
    return bool(_ITEM.match(tok.text))


def _colon(tok: Tok) -> bool:
    return tok.text.endswith(":") and len(tok.text) > 1 or tok.text == ":"


def _label_keys(toks: Sequence[Tok]) -> list[str]:
    return [k for t in toks for k in key_tokens(t.text)]


def _lexicon_start(toks: Sequence[Tok], lo: int, c: int) -> int | None:
    """Where, in toks[lo..c], a lexicon spelling starts that ends at the colon token c."""
    keys = [t.key for t in toks]
    for spelling in lexicon.spellings_by_length():
        n = len(spelling)
        s = c - n + 1
        if s > lo and " ".join(keys[s : c + 1]).split() == list(spelling):
            return s
    return None


def _split(toks: Sequence[Tok], lo: int, c: int, page_w: int) -> int | None:
    """Start of the label that ends at colon c, the previous value starting at lo; None if no label."""
    for p in range(c, lo, -1):
        if _is_item(toks[p - 1]) and p - 1 > lo:
            return p
    s = _lexicon_start(toks, lo, c)
    if s is not None:
        return s
    for p in range(c, lo, -1):
        if toks[p].word.box[0] - toks[p - 1].word.box[2] > WIDE_GAP * page_w:
            return p
    return None


def _plausible_label(toks: Sequence[Tok], item: bool = False) -> tuple[str, lexicon.Entry | None] | None:
    """(label text, lexicon entry) when toks read as a label; `item`: it follows an item marker, where a
    comma belongs to the label ('k) Ngành, nghề kinh doanh:') rather than to running text."""
    text = clean_value(" ".join(t.text for t in toks).rstrip(":").strip())
    text = _ITEM_GLUED.sub("", text).strip(" :")
    if not text or any(c.isdigit() for c in text):
        return None
    entry = lexicon.lookup(text, qualified=True)
    if entry:
        return text, entry
    words = text.split()
    if len(words) > MAX_LABEL_TOKENS or "," in text and not item or not text[0].isupper() \
            or text.endswith((".", ";")):
        return None
    return text, None


def _continues_paragraph(lines: Sequence[Line], ln: Line) -> bool:
    """The line is the wrapped rest of the one above (running text), not a new form line."""
    if ln.index == 0 or _is_item(ln.toks[0]):
        return False
    prev = lines[ln.index - 1]
    if prev.page != ln.page or prev.text.rstrip().endswith((":", ".", ";")):
        return False
    h = prev.box[3] - prev.box[1]
    close = 0 <= ln.box[1] - prev.box[3] < 1.2 * h and abs(prev.box[0] - ln.box[0]) < 0.08 * ln.page_w
    full = prev.box[2] > right_edge(lines, prev, prev.box[0]) - 0.03 * ln.page_w
    return close and full


def _labels_on(lines: Sequence[Line], ln: Line) -> list[tuple[int, int, str, lexicon.Entry | None]]:
    """(label start, colon index, label text, lexicon entry) of each label printed on the line."""
    toks = ln.toks
    out: list[tuple[int, int, str, lexicon.Entry | None]] = []
    lo = 0
    while lo < len(toks) and _is_item(toks[lo]):
        lo += 1
    for c in range(lo, len(toks)):
        if not _colon(toks[c]):
            continue
        if out:
            s = _split(toks, out[-1][1] + 1, c, ln.page_w)
            if s is None:
                continue  # a colon inside the value ('Lưu: VT', '08:30')
            while s <= c and _is_item(toks[s]):
                s += 1
        else:
            s = lo
        if s > c:
            continue
        got = _plausible_label(toks[s : c + 1], s > 0 and _is_item(toks[s - 1]))
        if got is None:
            if not out:
                return []  # the line opens with running text: no label on it
            continue
        out.append((s, c, got[0], got[1]))
    if out and _continues_paragraph(lines, ln) and out[0][3] is None:
        return []
    return out


def _value_under(lines: Sequence[Line], ln: Line, x0: float) -> Line | None:
    nxt = below(lines, ln, x0, ln.page_w)
    if nxt is None or starts_block(nxt) or nxt.box[1] - ln.box[3] > 1.5 * (ln.box[3] - ln.box[1]):
        return None
    if not ln.box[0] - 0.02 * ln.page_w <= nxt.box[0] <= x0 + 0.04 * ln.page_w:
        return None  # an indented line under an empty label opens a new paragraph
    return nxt


def _wrap(lines: Sequence[Line], cur: Line, toks: list[Tok], x0: float, max_lines: int,
          value_x: float | None = None) -> tuple[list[Tok], int]:
    """Continue a value on the following lines of its column while each line was full, or while the next
    line has no label and starts under the value itself (indented past the label: the value's own column)."""
    edge = right_edge(lines, cur, x0)
    n = 0
    while n < max_lines:
        nxt = below(lines, cur, x0, cur.page_w)
        if nxt is None or starts_block(nxt):
            break
        h = cur.box[3] - cur.box[1]
        if nxt.box[1] - cur.box[3] > 1.2 * h or nxt.box[0] < x0 - 0.03 * cur.page_w:
            break
        if not (_under_value(nxt, value_x, x0) and not _labels_on(lines, nxt)):
            first = nxt.toks[0].word.box
            full = cur.box[2] + 0.6 * h + (first[2] - first[0]) > edge - 0.01 * cur.page_w
            word = nxt.toks[0].text
            if not full or not (toks[-1].text.endswith((",", "-")) or word[:1].islower() or len(nxt.toks) <= 3):
                break  # a short line, or a new sentence: not the rest of this value
        toks = toks + list(nxt.toks)
        cur, n = nxt, n + 1
    return toks, n


VALUE_COLUMN = 0.02  # share of the page width a continued line may start off the value's own start


def _under_value(nxt: Line, value_x: float | None, label_x: float) -> bool:
    """The line starts where the value starts, clearly right of where the label starts."""
    return value_x is not None and value_x - label_x > 0.05 * nxt.page_w \
        and abs(nxt.box[0] - value_x) < VALUE_COLUMN * nxt.page_w


def read_pairs(lines: Sequence[Line], taken: AbstractSet[int] = frozenset()) -> list[Pair]:
    """Every `Label: value` pair; tokens in `taken` (ids of words a locator or profile already read) are
    skipped, so that nothing is read twice."""
    out: list[Pair] = []
    for ln in lines:
        if not ln.toks or ln.folded().startswith(_SKIP_LINE):
            continue
        labels = _labels_on(lines, ln)
        for k, (s, c, text, entry) in enumerate(labels):
            stop = labels[k + 1][0] if k + 1 < len(labels) else len(ln.toks)
            while stop > c + 1 and k + 1 < len(labels) and _is_item(ln.toks[stop - 1]):
                stop -= 1
            value = [t for t in ln.toks[c + 1 : stop]]
            if ln.toks[c].text == ":" and not value:
                continue
            typ = entry.type if entry else ""
            x0 = ln.toks[s].word.box[0] - 0.02 * ln.page_w
            under, wrapped, cur = False, 0, ln
            if not value and k + 1 == len(labels):
                nxt = _value_under(lines, ln, x0)
                if nxt is not None and not _labels_on(lines, nxt):
                    value, under, cur = list(nxt.toks), True, nxt
            if value and k + 1 == len(labels) and (typ in WRAPPING or not typ):
                value_x = None if under else value[0].word.box[0]
                value, wrapped = _wrap(lines, cur, value, x0, MAX_WRAP, value_x)
            if any(id(t.word) in taken for t in ln.toks[s : c + 1]):
                continue  # a profile or locator read this label already
            value = _strip([t for t in value if id(t.word) not in taken])
            if not value:
                continue
            entry, typ = _settle(text, entry, value)
            name = entry.name if entry else snake(text)
            out.append(Pair(text, name, typ, entry is not None, tuple(ln.toks[s : c + 1]), tuple(value),
                            ln.page, wrapped, under, ln.index))
    return out


def _settle(text: str, entry: lexicon.Entry | None, value: Sequence[Tok]) -> tuple[lexicon.Entry | None, str]:
    """A label read as a known spelling plus qualifying words ('Địa chỉ trụ sở') takes the spelling's type
    when its value has that type; free text keeps the label's own name ('Địa điểm tiếp' is not any
    'Địa điểm'), and a value that does not have the type ('Thời gian tiếp: sáng thứ Hai') makes the label
    one no lexicon knows."""
    if entry is None or entry.key == " ".join(key_tokens(text)):
        return entry, entry.type if entry else ""
    if entry.type == "text":
        return lexicon.Entry(snake(text), "text", entry.key), "text"
    spec = FieldSpec(name=entry.name, labels=(text,), type=entry.type)
    if typed_value(spec, " ".join(t.text for t in value)).valid:
        return entry, entry.type
    return None, ""


def _strip(toks: list[Tok]) -> list[Tok]:
    while toks and not any(ch.isalnum() for ch in toks[0].text):
        toks = toks[1:]
    while toks and not any(ch.isalnum() for ch in toks[-1].text):
        toks = toks[:-1]
    return toks
