"""The header and foot of an official document (Decree 30/2020 layout), found by layout, not by a label:
issuing body (both lines of a two-line header), number and symbol, place and date (from the header's own
line, never from a `Căn cứ …` line), kind (QUYẾT ĐỊNH, NGHỊ ĐỊNH, …), subject (`V/v …`, `Về việc …` or the
line(s) under the title), the signer's authority (`TM.`, `KT.`, `Q.`, `TL.`), title and name, `Nơi nhận`.

A number or day written by hand into a printed blank (`Số: 729 /QĐ-TTg`, `ngày   tháng 4`) is read when the
OCR has it and always flagged for a person to confirm.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz, process

from digitize.messages import Message, msg
from digitize.model import Field
from digitize.stages.extract import header, signblock
from digitize.stages.extract import locate as loc
from digitize.stages.extract.doubts import cut_short
from digitize.stages.extract.lines import Line, Tok, clean_value

KINDS = ("QUYẾT ĐỊNH", "NGHỊ ĐỊNH", "NGHỊ QUYẾT", "THÔNG TƯ", "THÔNG TƯ LIÊN TỊCH", "CHỈ THỊ", "THÔNG BÁO",
         "CÔNG VĂN", "KẾ HOẠCH", "BÁO CÁO", "TỜ TRÌNH", "BIÊN BẢN", "HƯỚNG DẪN", "CÔNG ĐIỆN", "GIẤY MỜI",
         "QUY ĐỊNH", "LỆNH", "ĐỀ ÁN", "CHƯƠNG TRÌNH", "PHƯƠNG ÁN", "GIẤY XÁC NHẬN", "GIẤY CHỨNG NHẬN")
_FOLDED_KINDS = {" ".join(loc.key_tokens(k)): k for k in KINDS}
_AUTHORITY = ("tm", "kt", "q", "tl", "tuq")
_NOT_SUBJECT = ("can cu", "kinh gui", "dieu ", "theo de nghi", "xet de nghi", "chuong ")
_HEADER_SHARE = 0.3  # of the page height: where the header's place-and-date line sits


@dataclass(frozen=True)
class Found(loc.Found):
    doubts: tuple[Message, ...] = ()  # codes of digitize.messages


_RANGE_GAP = re.compile(r"(?<=\d)- (?=\d)")  # '2025- 2026': OCR spaced a range's hyphen on one side


def _found(toks: Sequence[Tok], page: int, doubts: Sequence[Message] = ()) -> Found | None:
    text = _RANGE_GAP.sub("-", clean_value(" ".join(t.text for t in toks)))
    return Found(text, tuple(toks), page, tuple(doubts)) if text else None


def _page1_header(lines: Sequence[Line]) -> list[Line]:
    return header.header_lines(lines, _HEADER_SHARE)


def issuer(lines: Sequence[Line]) -> loc.Found | None:
    found = loc.issuer(lines)
    k = _title_index(lines)
    top = lines[k].box[1] if k is not None else None
    if found and ":" not in found.raw and not any(c.isdigit() for c in _NAME_NUMBER.sub("", found.raw)) \
            and (top is None or found.box[1] < top):
        _, body = header.split_parent(found.toks)
        if len(body) < len(found.toks):
            found = loc.Found(clean_value(" ".join(t.text for t in body)), tuple(body), found.page)
        return _with_lost_line(lines, found)
    # OCR joined the issuing body and the national motto on one line: the body is what comes before it
    for ln in _page1_header(lines):
        keys = ln.keys
        for i in range(1, len(keys) - 2):
            if keys[i : i + 3] == ["cong", "hoa", "xa"]:
                head = [t for t in ln.toks[:i] if t.key]
                if head and all(t.text.isupper() for t in head):
                    return _found(head, ln.page)
    return None


_NAME_NUMBER = re.compile(r"(?<=[^\W\d_]) \d{1,2}$")  # a body's own number ends its name: THUẾ CƠ SỞ 3
UNREAD = 40.0  # mean word confidence of a header line under which it was not read (a seal, a smear)


def _with_lost_line(lines: Sequence[Line], found: loc.Found) -> loc.Found:
    """The issuing body may be the header line OCR lost: a line of the same column right under the body
    that reads as noise (a seal over it) is where the body's own name may stand."""
    if not found.toks:
        return found
    last = found.toks[-1].word
    x0, x1 = found.box[0], found.box[2]
    for ln in _page1_header(lines):
        h = last.box[3] - last.box[1]
        if ln.box[1] <= last.box[1] or ln.box[1] - last.box[3] > 1.5 * h or ln.box[2] < x0 or ln.box[0] > x1:
            continue
        conf = sum(t.word.confidence for t in ln.toks) / len(ln.toks)
        if conf < UNREAD:
            return Found(found.raw, found.toks, found.page, (msg("reason.header_line_unread"),))
        break
    return found


def number(lines: Sequence[Line]) -> loc.Found | None:
    """The number cell of the header (`header.number`: flagged when filled in by hand, no value when the
    hand-written digits were not read); a bare 'Số 12' register number only where the header puts it."""
    if header._number_line(lines) is not None:
        return header.number(lines)
    found = loc.number(lines)
    k = _title_index(lines)
    # the header ends at the title or at the first labelled line of the body
    tops = [ln.box[1] for ln in lines if ln.page == 1 and ":" in ln.text and ln.keys[:1] != ["so"]][:1]
    if k is not None:
        tops.append(lines[k].box[1])
    if found and (not tops or found.box[1] < min(tops)):
        return found
    return None


_DATE = re.compile(r"ng[aà]y\s+(\S*)\s*th[aá]ng\s+(\S+)\s+n[aă]m\s+(\d{4})", re.IGNORECASE)


def issue_date(lines: Sequence[Line]) -> loc.Found | None:
    """The header's place-and-date line; a form's date line above its signer; never a `Căn cứ` line."""
    found = header.issue_date(lines)
    if found is not None:
        return found
    for group in (_page1_header(lines), lines):
        for ln in group:
            f = ln.folded()
            m = _DATE.search(ln.text)
            if f.startswith(_NOT_SUBJECT) or m is None:
                continue
            if group is lines and not re.search(r",\s*ng[aà]y", ln.text):
                continue  # outside the header only a 'Place, ngày …' line is a date line
            i = next((k for k, t in enumerate(ln.toks) if t.key == "ngay"), 0)
            doubts = []
            if not m.group(1).isdigit():
                doubts.append(msg("reason.day_blank"))
            return _found(ln.toks[i:], ln.page, doubts)
    return None


def _opens_body(ln: Line) -> bool:
    """'Căn cứ …', 'Kính gửi:', 'Điều 1.' — also as OCR misreads them ('“Cũne cứ')."""
    head = " ".join(k for k in ln.keys[:2] if k)
    return ln.folded().startswith(_NOT_SUBJECT) or fuzz.ratio(head, "can cu") >= 70


def _title_index(lines: Sequence[Line]) -> int | None:
    return loc.title_line(lines)


def kind_of_title(title: str) -> str | None:
    best = process.extractOne(" ".join(loc.key_tokens(title)), list(_FOLDED_KINDS), scorer=fuzz.ratio,
                              score_cutoff=85)
    return _FOLDED_KINDS[best[0]] if best else None


def kind(lines: Sequence[Line]) -> loc.Found | None:
    """The document's kind from its title (OCR-tolerant: 'NGHI ĐINH' is NGHỊ ĐỊNH); a letter with a
    `V/v` subject and no title is a CÔNG VĂN."""
    k = _title_index(lines)
    if k is not None:
        found = kind_of_title(lines[k].text)
        if found:
            return Found(found, lines[k].toks, lines[k].page)
    for ln in _page1_header(lines):
        if ln.keys[:2] == ["v", "v"] or ln.keys[:1] == ["v/v"]:
            return Found("CÔNG VĂN", (), ln.page)
    return None


def _vv(lines: Sequence[Line]) -> loc.Found | None:
    """'V/v …' under the number, in the left column; it may wrap onto the next line of that column."""
    for ln in _page1_header(lines):
        t0 = ln.toks[0].text if ln.toks else ""
        if not re.match(r"^V/?[vV]\b|^V/v", t0):
            continue
        toks = list(ln.toks[1:]) if t0.rstrip(".:") in ("V/v", "V/V", "Vv") else list(ln.toks)
        cur = ln
        for nxt in lines[ln.index + 1 : ln.index + 1 + _VV_LINES]:
            if not _goes_on(cur, nxt, ln):
                break
            toks += nxt.toks
            cur = nxt
        return _found(toks, ln.page, [d for d in [cut_short(toks)] if d])
    return None


_VV_LINES = 3  # lines a subject under the number may wrap onto


def _goes_on(cur: Line, nxt: Line, first: Line) -> bool:
    """The next line of the left column, centred under the subject's first line and close below."""
    return nxt.page == cur.page and abs((nxt.box[0] + nxt.box[2]) - (first.box[0] + first.box[2])) \
        < 0.2 * cur.page_w and -0.5 < (nxt.box[1] - cur.box[3]) / (cur.box[3] - cur.box[1]) < 1 and not loc.is_motto(nxt) \
        and nxt.box[2] < 0.55 * cur.page_w


def _ve_viec(lines: Sequence[Line]) -> loc.Found | None:
    """'Về việc …' opening a line under the title (not 'về việc' inside a sentence), over as many centred
    lines as it runs."""
    for ln in lines:
        if ln.keys[:2] != ["ve", "viec"] or _opens_body(ln):
            continue
        toks = list(ln.toks[2:])
        cur = ln
        for nxt in lines[ln.index + 1 : ln.index + 1 + _SUBJECT_LINES]:
            if not _centred_below(cur, nxt):
                break
            toks += nxt.toks
            cur = nxt
        return _found(toks, ln.page, [d for d in [cut_short(toks)] if d]) if toks else None
    return None


_SUBJECT_LINES = 4  # lines a subject under the title may wrap onto


def _centred_below(cur: Line, nxt: Line) -> bool:
    """The next line of a centred block: centred on the page, close under the line above, not a body line."""
    h = cur.box[3] - cur.box[1]
    cx = (nxt.box[0] + nxt.box[2]) / 2
    return nxt.page == cur.page and abs(cx - nxt.page_w / 2) < 0.12 * nxt.page_w \
        and -0.5 * h < nxt.box[1] - cur.box[3] < 1.0 * h and not _opens_body(nxt) and loc.upper_ratio(nxt) < 0.9 \
        and nxt.box[0] > 0.1 * nxt.page_w


def subject(lines: Sequence[Line]) -> loc.Found | None:
    found = _ve_viec(lines) or _vv(lines)
    if found:
        return found
    k = _title_index(lines)
    if k is None:
        return None
    toks: list[Tok] = []
    title = lines[k]
    for ln in lines[k + 1 : k + 6]:
        cx = (ln.box[0] + ln.box[2]) / 2
        if ln.page != title.page or _opens_body(ln) or ln.text.rstrip().endswith(";"):
            break
        if abs(cx - ln.page_w / 2) > 0.12 * ln.page_w:
            if ln.box[2] < 0.4 * ln.page_w:
                continue  # a stamp or mark in the left margin beside the title block
            break
        if ln.box[0] < 0.2 * ln.page_w or ln.box[2] > 0.85 * ln.page_w:
            break  # a body paragraph runs margin to margin; a subject line is centred and shorter
        if ln.text.startswith("(") and ln.text.rstrip(" .").endswith(")"):
            continue  # a form's note on its use ('(Dùng cho …)', '(Kèm theo …)'), not its subject
        if loc.upper_ratio(ln) > 0.9 or any(t.text.endswith(":") for t in ln.toks):
            if toks:
                break
            continue  # the second line of an upper-case title
        gap_ref = (toks[-1].word.box[3] if toks else title.box[3])
        if ln.box[1] - gap_ref > 2.0 * (ln.box[3] - ln.box[1]):
            break
        toks += ln.toks
    return _found(toks, title.page, [d for d in [cut_short(toks)] if d]) if toks else None


def _foot(lines: Sequence[Line]) -> list[Line]:
    """Right-half lines of the signing page (the signer block; not always the last page)."""
    return [ln for ln in signblock.signing_lines(lines) if ln.box[0] > 0.4 * ln.page_w]


def _is_authority(ln: Line) -> bool:
    return signblock.is_authority(ln)


def _line_found(toks: Sequence[Tok], page: int) -> Found | None:
    return _found(signblock.joined_fragments(toks), page)


def authority(lines: Sequence[Line]) -> loc.Found | None:
    toks: list[Tok] = []
    page = 0
    for ln in _foot(lines):
        if _is_authority(ln):
            toks += ln.toks
            page = ln.page
        elif toks:
            break
    return _line_found(toks, page) if toks else None


def signer_title(lines: Sequence[Line]) -> loc.Found | None:
    """The signer's position: the upper-case line after the authority lines (PHÓ THỦ TƯỚNG), or the lone
    upper-case line of an official document's signer block (CHỦ TỊCH)."""
    foot = _foot(lines)
    seen = False
    for ln in foot:
        if _is_authority(ln):
            seen = True
            continue
        if seen and _noise(ln):
            continue  # a speck or a letter of the seal between the authority and the position
        if seen and loc.upper_ratio(ln) > 0.9:
            return _position(ln)
        if seen:
            break
    if issuer(lines) is None and number(lines) is None and not any(signblock.names_position(ln) for ln in foot):
        return None  # a citizen's form: 'NGƯỜI KHAI' is no position
    for ln in foot:
        f = ln.folded()
        if signblock.names_position(ln) or loc.upper_ratio(ln) > 0.9 and \
                any(f == p or f.startswith(p + " ") for p in loc.SIGN_PREFIX if p not in signblock.AUTHORITY_KEYS):
            return _position(ln)
    return None


def _noise(ln: Line) -> bool:
    words = [t for t in ln.toks if sum(c.isalpha() for c in t.text) >= 2]
    return not words or sum(t.word.confidence for t in ln.toks) / len(ln.toks) < UNREAD


def _position(ln: Line) -> Found | None:
    toks = signblock.joined_fragments([t for t in ln.toks if any(c.isalpha() for c in t.text)])
    if not toks:
        return None
    return Found(signblock.printed_position(clean_value(" ".join(t.text for t in toks))), tuple(toks), ln.page)


def addressee(lines: Sequence[Line]) -> loc.Found | None:
    for ln in lines:
        if ln.keys[:2] == ["kinh", "gui"]:
            return _found(ln.toks[2:], ln.page)
    return None


def signer(lines: Sequence[Line]) -> loc.Found | None:
    """The signer's name by the known authority lines, else by layout: the last name-like line in the right
    half of the signing page under a short upper-case line (the role printed over the signature); never a
    heading ('Chương I')."""
    page_lines = signblock.signing_lines(lines)
    found = loc.signer(page_lines)
    if found and not signblock.is_heading(found.toks):
        return found
    best = None
    role_seen = False
    for ln in _foot(lines):
        right = loc.trim([t for t in ln.toks if t.word.box[0] > 0.4 * ln.page_w])
        if not right:
            continue
        words = [t for t in right if t.key]
        if words and len(words) <= 6 and loc.upper_ratio(ln) > 0.9 and not any(c.isdigit() for c in ln.text):
            role_seen = True
            continue
        if role_seen and loc.name_like(right) and not signblock.is_heading(right):
            best = right
    return Found(" ".join(t.text for t in best), tuple(best), page_lines[-1].page) if best else None


def title(lines: Sequence[Line]) -> loc.Found | None:
    """The document's title: a form's printed title ('GIẤY CHỨNG NHẬN …'); for an official text whose title
    line is only its kind ('QUYẾT ĐỊNH', 'NGHỊ ĐỊNH'), its subject — the kind is `loai_van_ban`."""
    found = loc.title(lines)
    if found is None or kind_of_title(found.raw) is None:
        return found
    if " ".join(loc.key_tokens(found.raw)) not in _FOLDED_KINDS:
        return found  # a kind with more words: 'THÔNG BÁO KẾT QUẢ …' is a title of its own
    return subject(lines)


def parent(lines: Sequence[Line]) -> loc.Found | None:
    return header.parent_body(lines)


def place(lines: Sequence[Line]) -> loc.Found | None:
    return header.place(lines)


LOCATORS = {**loc.LOCATORS, "signer": signer, "issuer": issuer, "number": number, "issue_date": issue_date, "subject": subject,
            "kind": kind, "authority": authority, "signer_title": signer_title, "recipients": signblock.recipients,
            "addressee": addressee, "parent": parent, "place": place, "title": title}


def above_header(lines: Sequence[Line]) -> set[int]:
    """Indices of page-1 lines above the issuing body or the national motto: a portal's or scanner's stamp
    printed over the margin, not the document."""
    head = [ln for ln in _page1_header(lines) if loc.is_motto(ln) or ln.keys[:4] == ["cong", "hoa", "xa", "hoi"]]
    if not head:
        return set()
    top = min(ln.box[1] for ln in head) - 0.01 * head[0].page_h
    return {ln.index for ln in lines if ln.page == 1 and ln.box[3] < top}


def tokens_in(lines: Sequence[Line], f: Field) -> set[int]:
    """Ids of the words inside a field's box (so that the open-world reader does not read them again)."""
    if f.box is None:
        return set()
    x0, y0, x1, y1 = f.box
    return {id(t.word) for ln in lines if ln.page == f.page and ln.box[1] <= y1 + 2 and ln.box[3] >= y0 - 2
            for t in ln.toks if t.word.box[0] >= x0 - 2 and t.word.box[2] <= x1 + 2 and t.word.box[1] >= y0 - 2
            and t.word.box[3] <= y1 + 2}
