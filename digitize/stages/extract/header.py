"""The head of an official document's first page (Decree 30/2020 layout): the parent body over the issuing
body, the number cell (`Số: 145/QĐ-UBND`) and the place-and-date line, read so that a part written by hand into
a printed blank is flagged, never guessed: digits the OCR could not read give no value and a reason, digits it
read with low confidence are kept and flagged.

The header zone of a strip (an image much wider than high) is measured against an A4 page's height, so that a
header cut from its page is still a header; a landscape page keeps its own height.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from digitize.messages import Message, msg
from digitize.stages.extract import locate as loc
from digitize.stages.extract.lines import Line, Tok, clean_value

# reasons a header value is flagged (codes of digitize.messages)
NUMBER_UNREAD = msg("reason.number_unread")
NUMBER_BLANK = msg("reason.number_blank")
NUMBER_HANDWRITTEN = msg("reason.number_in_blank")
DAY_UNREAD = msg("reason.day_unread")
DAY_HANDWRITTEN = msg("reason.day_handwritten")

A4 = 1.414  # height / width of a portrait page
HEADER_SHARE = 0.3  # of the page height: where the header's number and date lines sit
BLANK = 0.25  # share of the page width a blank left for the hand may span between two parts of a row
RIGHT_COLUMN = 0.35  # share of the page width right of which the place-and-date line starts
SURE_DIGITS = 85.0  # word confidence under which digits filled into a blank may be misread
_BODY_HEADS = ("bo", "so", "truong", "cuc", "vu", "vien", "phong", "ban", "trung tam", "tong cuc", "hoc vien",
               "dai hoc", "uy ban", "ubnd", "tong cong ty", "cong ty", "tap doan", "khoa", "chi cuc", "thanh tra",
               "van phong", "hoi dong", "toa an", "vien kiem sat", "ngan hang", "kho bac", "benh vien", "doi")
_PARENT_HEADS = ("bo", "tong cuc", "uy ban nhan dan tinh", "uy ban nhan dan thanh pho", "ubnd tinh", "ubnd thanh pho",
                 "dai hoc", "so", "cuc", "tap doan", "tong cong ty", "hoc vien", "vien han lam", "dang uy", "tinh uy")


@dataclass(frozen=True)
class Found(loc.Found):
    doubts: tuple[Message, ...] = ()


STRIP = 0.6  # height / width under which an image is a strip cut from a page (a landscape page is 0.71)


def page_height(ln: Line) -> float:
    """The height the header's shares are measured against: the page's, or an A4 page's for a strip."""
    return A4 * ln.page_w if ln.page_h < STRIP * ln.page_w else ln.page_h


def header_lines(lines: Sequence[Line], share: float = HEADER_SHARE) -> list[Line]:
    return [ln for ln in lines if ln.page == 1 and ln.box[1] < share * page_height(ln)]


def _starts_with(keys: str, heads: Sequence[str]) -> bool:
    return any(keys == h or keys.startswith(h + " ") for h in heads)


def split_parent(toks: Sequence[Tok]) -> tuple[list[Tok], list[Tok]]:
    """(parent body, issuing body) of the issuer block's tokens: 'BỘ CÔNG THƯƠNG' over 'TRƯỜNG ĐẠI HỌC …' are
    two bodies; 'ỦY BAN NHÂN DÂN' over 'TỈNH THANH HÓA' is one name on two lines."""
    lines: list[list[Tok]] = []
    for t in toks:
        if lines and t.word.line == lines[-1][-1].word.line:
            lines[-1].append(t)
        else:
            lines.append([t])
    if len(lines) < 2:
        return [], list(toks)
    first = " ".join(t.key for t in lines[0] if t.key)
    second = " ".join(t.key for t in lines[1] if t.key)
    if _starts_with(first, _PARENT_HEADS) and _starts_with(second, _BODY_HEADS):
        return lines[0], [t for ln in lines[1:] for t in ln]
    return [], list(toks)


def parent_body(lines: Sequence[Line]) -> Found | None:
    """The parent body's line printed over the issuing body (Decree 30: the 'cơ quan chủ quản')."""
    block = _issuer_block(lines)
    parent, _ = split_parent(block)
    text = clean_value(" ".join(t.text for t in parent))
    return Found(text, tuple(parent), 1) if text else None


def _issuer_block(lines: Sequence[Line]) -> list[Tok]:
    """Upper-case lines of the top-left block, above the number line, in reading order."""
    picked: list[Tok] = []
    for ln in header_lines(lines, 0.25):
        x0, _, x1, _ = ln.box
        if (x0 + x1) / 2 > 0.5 * ln.page_w:
            continue
        ok = (x0 + x1) / 2 < 0.45 * ln.page_w and x1 < 0.55 * ln.page_w and loc.upper_ratio(ln) > 0.8
        if ok and not loc.NUMBER.match(ln.text) and not loc.is_motto(ln) and ":" not in ln.text:
            picked += ln.toks
        elif picked:
            break
    return picked


# --- the number cell ------------------------------------------------------------------------------------
_SO = ("so", "s0", "s", "sö")
_NUMBER_CELL = re.compile(r"^[:.\s]*(?P<num>[^/]*?)\s*(?P<sym>/\s*[^\s/]+(?:/[^\s/]+)*(?:\s+[^\W\d_][^\s,/]*){0,2})")


def _row_rest(lines: Sequence[Line], ln: Line) -> list[Tok]:
    """Tokens of the same printed row right of `ln` that the OCR cut off at a blank left for the hand
    ('Số:' | '/KH-STC', 'Hà Nội, ngày' | 'tháng 4 năm 2026')."""
    out: list[Tok] = []
    cy, h, right = (ln.box[1] + ln.box[3]) / 2, ln.box[3] - ln.box[1], ln.box[2]
    for nxt in lines[ln.index + 1 : ln.index + 4]:
        ny = (nxt.box[1] + nxt.box[3]) / 2
        if nxt.page != ln.page or abs(ny - cy) > 0.6 * h or not 0 <= nxt.box[0] - right < BLANK * ln.page_w:
            continue
        out += nxt.toks
        right = nxt.box[2]
    return out


def _number_line(lines: Sequence[Line]) -> tuple[Line, list[Tok]] | None:
    for ln in header_lines(lines):
        if not (ln.toks and (ln.toks[0].key in _SO or ln.toks[0].text.rstrip(":").lower() in ("số", "sô", "sồ"))
                and (ln.box[0] + ln.box[2]) / 2 < 0.55 * ln.page_w):
            continue
        toks = list(ln.toks) + ([] if "/" in ln.text else _row_rest(lines, ln))
        if any("/" in t.text for t in toks):
            return ln, toks
    return None


def number(lines: Sequence[Line]) -> Found | None:
    """'Số: 145/QĐ-UBND': digits and symbol. Digits filled in by hand are flagged; unreadable ones (the
    OCR's '2#5', 'ø02ó..', '2 {') give no value at all, with the symbol's tokens as the place to look."""
    got = _number_line(lines)
    if got is None:
        return None
    ln, toks = got[0], got[1][1:]
    if toks and toks[0].text.startswith(":"):
        toks[0] = Tok(toks[0].word, toks[0].text.lstrip(":"), toks[0].key)
    rest = " ".join(t.text for t in toks if t.text)
    m = _NUMBER_CELL.match(rest)
    if m is None:
        return None
    num, sym = m.group("num").strip(" .…_"), re.sub(r"\s*/\s*", "/", clean_value(m.group("sym")))
    sym = sym.rstrip(",.;")
    if not num:
        return Found("", tuple(got[1]), ln.page, (NUMBER_BLANK,))
    if not re.fullmatch(r"\d{1,5}", num):
        return Found("", tuple(got[1]), ln.page, (NUMBER_UNREAD,))
    digits = [t for t in toks if any(c.isdigit() for c in t.text)][:1]
    doubts = []
    filled = re.match(r"^[:.\s]*\d{1,5}[\s.…_]+/", rest) is not None  # a gap or dots between digits and symbol
    if filled or (digits and digits[0].word.confidence < SURE_DIGITS):
        doubts.append(NUMBER_HANDWRITTEN)
    return Found(f"{num}{sym}", tuple(toks), ln.page, tuple(doubts))


# --- the place-and-date line ----------------------------------------------------------------------------
_PLACE_DATE = re.compile(r"^(?P<place>[^\W\d_][^,]{1,40}?)\s*,\s*(?P<rest>ng.*n[aăâ]m\s*(?P<year>\d{4}).*)$",
                         re.IGNORECASE)
_DAY_MONTH = re.compile(r"ng[aà]y\s*(?P<d>\d{1,2})\s*th[aá]ng\s*(?P<m>\d{1,2})\s*n[aăâ]m\s*\d{4}", re.IGNORECASE)


def _date_line(lines: Sequence[Line]) -> tuple[Line, re.Match, list[Tok]] | None:
    for ln in header_lines(lines):
        if loc.is_motto(ln) or ln.folded().startswith(("can cu", "theo")):
            continue
        toks = list(ln.toks) + ([] if re.search(r"n[aăâ]m\s*\d{4}", ln.text) else _row_rest(lines, ln))
        m = _PLACE_DATE.match(" ".join(t.text for t in toks))
        # the header's date line stands in its right column; 'Hôm nay, ngày …' opens a record's body
        if m and len(m.group("place").split()) <= 6 and ln.box[0] > RIGHT_COLUMN * ln.page_w \
                and not m.group("place").lower().startswith(("hôm nay", "vào ngày", "ngày")):
            return ln, m, toks
    return None


def place(lines: Sequence[Line]) -> Found | None:
    """The place of the header's place-and-date line ('Hà Nội', 'Thành phố Hồ Chí Minh')."""
    got = _date_line(lines)
    if got is None:
        return None
    ln, m, row = got
    words = m.group("place").split()
    toks = tuple(row[: len(words)])
    return Found(clean_value(m.group("place")), toks, ln.page)


def issue_date(lines: Sequence[Line]) -> Found | None:
    """The header's date: 'ngày 05 tháng 6 năm 2026'. A day or month the OCR could not read (written by hand
    into the blank) gives no value and a reason; digits read with low confidence are kept and flagged."""
    got = _date_line(lines)
    if got is None:
        return None
    ln, m, row = got
    i = next((k for k, t in enumerate(row) if t.key.startswith("ng")), 0)
    for k, t in enumerate(row):
        if t.text.rstrip().endswith(",") and k + 1 < len(row):
            i = k + 1
            break
    toks = tuple(row[i:])
    dm = _DAY_MONTH.search(m.group("rest"))
    if dm is None:
        return Found("", toks, ln.page, (DAY_UNREAD,))
    weak = [t for t in toks if any(c.isdigit() for c in t.text) and not t.text.isdigit() or
            t.text.isdigit() and len(t.text) <= 2 and t.word.confidence < SURE_DIGITS]
    doubts = (DAY_HANDWRITTEN,) if weak else ()
    return Found(f"ngày {dm.group('d')} tháng {dm.group('m')} năm {m.group('year')}", toks, ln.page, doubts)
