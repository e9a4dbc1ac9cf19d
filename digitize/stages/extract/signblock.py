"""Where an official document's signature block is, and how its lines read.

The block is not always on the last page: a decree signs on page 22 and its appendix forms follow, a notice
signs on page 3 before its tables. The signing page is the last page whose right half holds an authority line
(`TM.`, `KT.`, `TL.`, `Q.`, `TUQ.`) or a known position over a name, else the page of `Nơi nhận:`, else the
last page. A heading (`Chương I`, `Điều 5`, `Phụ lục`) is never a name. Positions are printed in a closed
vocabulary: a position read with a wrong tone mark (`PHỐ HIỆU TRƯỞNG`) is the printed one when its folded
spelling is, and a word the OCR cut in two (`TRƯỞN G`) is joined when only the joined word is Vietnamese.
"""
from __future__ import annotations

from typing import Sequence

from digitize.stages.extract import locate as loc
from digitize.stages.extract.lines import Line, Tok, clean_value, key_tokens
from digitize.vn.text import fold

AUTHORITY_KEYS = ("tm", "kt", "q", "tl", "tuq")
POSITIONS = ("THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "CHỦ TỊCH", "PHÓ CHỦ TỊCH",
             "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG", "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG",
             "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "VỤ TRƯỞNG", "PHÓ VỤ TRƯỞNG",
             "TỔNG GIÁM ĐỐC", "PHÓ TỔNG GIÁM ĐỐC", "VIỆN TRƯỞNG", "PHÓ VIỆN TRƯỞNG", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN",
             "CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA", "TRƯỞNG KHOA", "PHÓ TRƯỞNG KHOA", "CHỦ NHIỆM", "PHÓ CHỦ NHIỆM",
             "TỔNG CỤC TRƯỞNG", "PHÓ TỔNG CỤC TRƯỞNG", "BÍ THƯ", "PHÓ BÍ THƯ", "KẾ TOÁN TRƯỞNG")
_POSITION_WORDS = frozenset(w for p in (*POSITIONS, "CHÍNH PHỦ", "ỦY BAN NHÂN DÂN") for w in key_tokens(p))
_FOLDED_POSITIONS = sorted(((" ".join(key_tokens(p)), p) for p in POSITIONS), key=lambda kp: -len(kp[0]))
# with their marks: 'Phần' heads a part, 'Phan' is a family name
HEADINGS = ("chương", "mục", "điều", "phần", "phụ lục", "mẫu số", "biểu mẫu")


def is_authority(ln: Line) -> bool:
    return bool(ln.keys) and ln.keys[0] in AUTHORITY_KEYS and ln.toks[0].text.rstrip(".").isupper() \
        and ln.toks[0].text.endswith(".")


def names_position(ln: Line) -> bool:
    f = ln.folded()
    return loc.upper_ratio(ln) > 0.9 and any(f == k or f.startswith(k + " ") for k, _ in _FOLDED_POSITIONS)


def is_heading(toks: Sequence[Tok]) -> bool:
    f = " ".join(t.text.lower() for t in toks)
    return any(f == h or f.startswith(h + " ") for h in HEADINGS)


def signing_page(lines: Sequence[Line]) -> int:
    """The page of the signature block (see the module's doc)."""
    if not lines:
        return 0
    right = [ln for ln in lines if ln.box[0] > 0.4 * ln.page_w]
    auth = [ln.page for ln in right if is_authority(ln) or names_position(ln)]
    if auth:
        return auth[-1]
    recipients = [ln.page for ln in lines if ln.folded().startswith("noi nhan")]
    return recipients[-1] if recipients else lines[-1].page


def signing_lines(lines: Sequence[Line]) -> list[Line]:
    """The lines of the signing page, for locators that read 'the last page'."""
    page = signing_page(lines)
    return [ln for ln in lines if ln.page == page]


def joined_fragments(toks: Sequence[Tok]) -> list[Tok]:
    """'TRƯỞN G' -> 'TRƯỞNG': a lone letter after an upper-case word is its cut-off end when only the joined
    word is a word of the positions' vocabulary."""
    out: list[Tok] = []
    for t in toks:
        prev = out[-1] if out else None
        if prev is not None and len(t.text) == 1 and t.text.isalpha() and t.text.isupper() and prev.text.isupper() \
                and prev.key not in _POSITION_WORDS and " ".join(key_tokens(prev.text + t.text)) in _POSITION_WORDS:
            text = prev.text + t.text
            out[-1] = Tok(prev.word, text, " ".join(key_tokens(text)))
            continue
        out.append(t)
    return out


def printed_position(text: str) -> str:
    """The position as printed in the closed vocabulary when the read one folds to it ('PHỐ HIỆU TRƯỞNG' ->
    'PHÓ HIỆU TRƯỞNG'); what follows the position (a unit: 'TRƯỞNG PHÒNG CTSV') is kept as read."""
    words = text.split()
    folded = [fold(w).lower().strip(".,:;") for w in words]
    for key, printed in _FOLDED_POSITIONS:
        n = len(key.split())
        if folded[:n] == key.split():
            return " ".join([printed, *words[n:]])
    return text


def recipients(lines: Sequence[Line]) -> loc.Found | None:
    """'Nơi nhận:' and its '- …' items, joined with '; '."""
    for k, ln in enumerate(lines):
        if not ln.folded().startswith("noi nhan"):
            continue
        items: list[list[Tok]] = []
        for nxt in lines[k + 1 : k + 30]:
            if nxt.page != ln.page or abs(nxt.box[0] - ln.box[0]) > 0.05 * ln.page_w:
                break
            if nxt.toks[0].text in ("-", "–", "~", "+", "•") or nxt.toks[0].text.startswith("-"):
                items.append([t for t in nxt.toks if t.text not in ("-", "–", "~", "+", "•")])
            elif items:
                items[-1] += nxt.toks
            else:
                break
        if items:
            text = "; ".join(clean_value(" ".join(t.text for t in it)).rstrip(";,.") for it in items if it)
            return loc.Found(text, tuple(t for it in items for t in it), ln.page)
    return None
