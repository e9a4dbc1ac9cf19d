"""Parts of an official document found by layout rather than by a label (Decree 30/2020 layout):
issuing body (top left), number/symbol ('Số: 145/QĐ-UBND'), place and date, title, subject, signer, and the
second look under a seal. `official.py` builds the full header and foot on these."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from digitize.model import Word
from digitize.stages.extract.lines import Line, Tok, clean_value, key_tokens, span_box
from digitize.tools import tesseract
from digitize.vn import admin_units as au
from digitize.vn.plausibility import name_lexicon
from digitize.vn.text import fold, is_syllable

_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
NUMBER = re.compile(r"^s[oô0ố]\s*[:.]?\s*\d", re.IGNORECASE)
_PLACE_DATE = re.compile(r",\s*ng[aà]y\s+\d{1,2}", re.IGNORECASE)
_DATE_WORDS = re.compile(r"ng[aà]y\s+\d{1,2}\s+th[aá]ng\s+\d{1,2}\s+n[aă]m\s+\d{4}", re.IGNORECASE)
SIGN_PREFIX = ("tm", "kt", "tl", "tuq", "q", "chu tich", "pho chu tich", "giam doc", "truong phong",
                "nguoi yeu cau", "nguoi ky", "nguoi tiep nhan", "nguoi thuc hien", "can bo tiep nhan", "nguoi lam don", "truong")


@dataclass(frozen=True)
class Found:
    raw: str
    toks: tuple[Tok, ...]
    page: int

    @property
    def box(self):
        return span_box(self.toks) if self.toks else None


def is_motto(line: Line) -> bool:
    f = line.folded()
    return any(m[:18] in f for m in _MOTTO)


def upper_ratio(line: Line) -> float:
    letters = [c for c in line.text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _header(lines: Sequence[Line]) -> list[Line]:
    first = [ln for ln in lines if ln.page == 1]
    # a strip cut from a page (much wider than high) is measured as the A4 page it was cut from
    return [ln for ln in first if ln.box[1] < 0.25 * (1.414 * ln.page_w if ln.page_h < 0.6 * ln.page_w else ln.page_h)]


_UNIT_NUMBER = re.compile(r"^\d{1,2}$")  # the number some bodies carry in their name: Thuế cơ sở 3, Đội 2


_END_MARKS = "\"'`ˆ^~*|!‘’“”›‹»«"  # a speck or a seal's edge read beside a header word; never part of a name


def _without_end_marks(toks: list[Tok]) -> list[Tok]:
    if toks:
        toks[0] = Tok(toks[0].word, toks[0].text.lstrip(_END_MARKS), toks[0].key)
        toks[-1] = Tok(toks[-1].word, toks[-1].text.rstrip(_END_MARKS), toks[-1].key)
    return [t for t in toks if t.text]


def _names_a_unit(toks: Sequence[Tok]) -> bool:
    """'THUẾ TỈNH THANH HÓA': a line naming a province or commune after its level is a parent body's line."""
    keys = " ".join(t.key for t in toks)
    return any(f" {lvl} " in f" {keys} " and not keys.endswith(lvl) for lvl in au.LEVEL_KEYS)


def issuer(lines: Sequence[Line]) -> Found | None:
    """Upper-case lines of the top-left block, above the number line."""
    picked: list[Tok] = []
    for ln in _header(lines):
        x0, _, x1, _ = ln.box
        if (x0 + x1) / 2 > 0.5 * ln.page_w:
            continue  # right column: the national motto and the date line
        ok = (x0 + x1) / 2 < 0.45 * ln.page_w and x1 < 0.55 * ln.page_w and upper_ratio(ln) > 0.8
        if ok and not NUMBER.match(ln.text) and not is_motto(ln):
            picked += ln.toks
        elif picked:
            break
    if not picked:
        return None
    # Decree 30 header: a parent body on line one ("ỦY BAN NHÂN DÂN TỈNH X"), the issuing body below;
    # a bare "ỦY BAN NHÂN DÂN" is the first half of the issuer's own name.
    first_line = [t for t in picked if t.word.line == picked[0].word.line]
    rest = picked[len(first_line):]
    if rest and (len(first_line) > 4 or _names_a_unit(first_line)):
        picked = rest
    while picked and not (picked[-1].text.isupper() or _UNIT_NUMBER.match(picked[-1].text)):
        picked.pop()  # a stray mark from the rule under the name; a body's own number stays (THUẾ CƠ SỞ 3)
    picked = _without_end_marks(picked)
    return Found(clean_value(" ".join(t.text for t in picked)), tuple(picked), 1) if picked else None


def number(lines: Sequence[Line]) -> Found | None:
    """'Số: 145/QĐ-UBND' at the start of a header line (not 'Quyển số:' or 'Số định danh')."""
    for ln in _header(lines):
        if ln.toks and ln.toks[0].key in ("so", "s0", "s") and len(ln.toks) > 1:
            rest = ln.toks[1:]
            text = " ".join(x.text for x in rest)
            m = re.match(r"^\s*:?\s*(\d{1,5}(\s*/\s*\S+|[A-ZĐ]{2,}\S*)?)", text)
            if m:
                toks = tuple(x for x in rest if x.text.strip(":"))
                return Found(clean_value(m.group(1)), toks[:2], ln.page)
    return None


def issue_date(lines: Sequence[Line]) -> Found | None:
    """The place-and-date line ('Hà Nội, ngày 16 tháng 6 năm 2025'); else the first date in words."""
    for rx in (_PLACE_DATE, _DATE_WORDS):
        for ln in lines:
            if rx.search(ln.text) and _DATE_WORDS.search(ln.text):
                i = next((k for k, t in enumerate(ln.toks) if t.key == "ngay"), 0)
                return Found(ln.text, ln.toks[i:], ln.page)
    return None


def title_line(lines: Sequence[Line]) -> int | None:
    for k, ln in enumerate(lines):
        if ln.page != 1 or is_motto(ln) or len(ln.toks) < 1:
            continue
        if ln.box[1] < 0.08 * ln.page_h:
            continue
        words = [t for t in ln.toks if t.key]
        if len(words) >= 2 and upper_ratio(ln) > 0.9 and not NUMBER.match(ln.text):
            cx = (ln.box[0] + ln.box[2]) / 2
            if abs(cx - ln.page_w / 2) < 0.15 * ln.page_w:
                return k
    return None


def title(lines: Sequence[Line]) -> Found | None:
    k = title_line(lines)
    if k is None:
        return None
    toks = list(lines[k].toks)
    # a title printed on two centred upper-case lines ("GIẤY CHỨNG NHẬN" / "QUYỀN SỬ DỤNG ĐẤT ...")
    if k + 1 < len(lines) and upper_ratio(lines[k + 1]) > 0.9 and lines[k + 1].page == lines[k].page:
        nxt = lines[k + 1]
        cx = (nxt.box[0] + nxt.box[2]) / 2
        if abs(cx - nxt.page_w / 2) < 0.15 * nxt.page_w and not NUMBER.match(nxt.text):
            toks += nxt.toks
    return Found(clean_value(" ".join(t.text for t in toks)), tuple(toks), lines[k].page)


def subject(lines: Sequence[Line]) -> Found | None:
    """'Về việc ...' under the title; continuation on the next centred line."""
    for k, ln in enumerate(lines):
        keys = ln.keys
        for i in range(len(keys) - 1):
            if keys[i] == "ve" and keys[i + 1] == "viec":
                toks = list(ln.toks[i + 2 :])
                if k + 1 < len(lines) and lines[k + 1].page == ln.page:
                    nxt = lines[k + 1]
                    cx = (nxt.box[0] + nxt.box[2]) / 2
                    if abs(cx - nxt.page_w / 2) < 0.1 * nxt.page_w and upper_ratio(nxt) < 0.9 \
                            and not nxt.folded().startswith("can cu"):
                        toks += nxt.toks
                text = clean_value(" ".join(t.text for t in toks))
                return Found(text, tuple(toks), ln.page) if text else None
    return None


_STRAY = "\"'`ˆ^~*_.,:;|!‘’“”›‹»«"


def trim(toks: Sequence[Tok]) -> list[Tok]:
    """A line without stray marks from the signature or seal: quotes glued to words, and tokens
    without letters at either end."""
    out = [Tok(t.word, t.text.strip(_STRAY), t.key) for t in toks]
    out = [t for t in out if t.text]
    while out and not any(c.isalpha() for c in out[0].text):
        out.pop(0)
    while out and not any(c.isalpha() for c in out[-1].text):
        out.pop()
    return out


def name_like(toks: Sequence[Tok]) -> bool:
    words = [t.text.strip(".,") for t in toks]
    if not 2 <= len(words) <= 5:
        return False
    # the family name's capital is sometimes lost under the signature ('vũ Tiến Phúc'): the rest decides
    # only when it still reads as a family name and the rest is a name, not an upper-case title
    first_ok = words[0][:1].isupper() or len(words) >= 3 and _family_name(words[0]) and \
        not all(w.isupper() for w in words[1:])
    return first_ok and all((w[:1].isupper() or i == 0) and w.isalpha() and is_syllable(w)
                            for i, w in enumerate(words)) and not all(w.isupper() for w in words if len(w) > 1)


def _family_name(word: str) -> bool:

    return any("F" in roles for roles in name_lexicon().get(fold(word), {}).values())


def signer(lines: Sequence[Line]) -> Found | None:
    """The signer's name: the last name-like line in the right half of the last page, below a
    signing-authority line (TM./KT./CHỦ TỊCH...)."""
    if not lines:
        return None
    last_page = lines[-1].page
    page_lines = [ln for ln in lines if ln.page == last_page]
    auth_seen = False
    best: list[Tok] | None = None
    for ln in page_lines:
        right = trim([t for t in ln.toks if t.word.box[0] > 0.4 * ln.page_w])
        if not right:
            continue
        f = " ".join(key_tokens(" ".join(t.text for t in right)))
        if any(f.startswith(p + " ") or f == p for p in SIGN_PREFIX):
            auth_seen = True
            continue
        if auth_seen and name_like(right):
            best = right
    if best is None:
        return None
    return Found(" ".join(t.text for t in best), tuple(best), last_page)


LOCATORS = {"issuer": issuer, "number": number, "issue_date": issue_date, "title": title,
            "subject": subject, "signer": signer}


# --- second look at the signature block ----------------------------------------------------------
_BLOCK_ENGINES: dict[str, object] = {}


def _block_engine(lang: str):
    """A tesseract engine reading one uniform block (psm 6): the page pass often drops a name that a
    seal or a signature overlaps."""
    if lang not in _BLOCK_ENGINES:
        _BLOCK_ENGINES[lang] = tesseract.make_engine(lang, psm=6)
    return _BLOCK_ENGINES[lang]


def signer_from_image(pages, lines: Sequence[Line], lang: str = "vie") -> Found | None:
    """OCR the area under the signing-authority line again, as one block, and take the name there."""
    if not lines or not pages:
        return None
    last = lines[-1].page
    auth = None
    for ln in lines:
        if ln.page == last and ln.box[0] > 0.4 * ln.page_w:
            f = ln.folded()
            if any(f.startswith(p + " ") or f == p for p in SIGN_PREFIX):
                auth = ln
    if auth is None:  # the whole signature block was dropped: look beside "Nơi nhận:" or below the text
        near = [ln for ln in lines if ln.page == last and ln.folded().startswith("noi nhan")]
        body = [ln for ln in lines if ln.page == last]
        if near:
            auth = near[-1]
        elif body:
            auth = body[-1]
        else:
            return None
        x0, y0 = int(0.42 * auth.page_w), max(0, auth.box[1] - int(0.01 * auth.page_h))
    else:
        x0, y0 = max(0, auth.box[0] - int(0.12 * auth.page_w)), auth.box[3]
    page = pages[last - 1]
    img = cv2.imdecode(np.frombuffer(page.jpeg, np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        return None
    h, w = img.shape[:2]
    x1, y1 = w, min(h, auth.box[3] + int(0.22 * h))
    crop = np.ascontiguousarray(img[y0:y1, x0:x1])
    if crop.size == 0:
        return None
    # seals are red and signatures blue: drop coloured ink so that only the black name remains
    hsv = cv2.cvtColor(crop, cv2.COLOR_BGR2HSV)
    ink = (hsv[:, :, 2] < 130) & (hsv[:, :, 1] < 100)
    crop = np.ascontiguousarray(np.repeat(np.where(ink, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2))
    ocr = tesseract.parse_tsv(_block_engine(lang).tsv(crop, page.dpi), x1 - x0, y1 - y0)
    groups: dict[int, list[Word]] = {}
    for wd in ocr.words:
        b = wd.box
        groups.setdefault(wd.line, []).append(Word(wd.text, wd.confidence, (b[0] + x0, b[1] + y0, b[2] + x0, b[3] + y0), wd.line))
    best = None
    for li in sorted(groups):
        toks = tuple(Tok(wd, wd.text, " ".join(key_tokens(wd.text))) for wd in sorted(groups[li], key=lambda q: q.box[0]))
        toks = tuple(Tok(t.word, t.text.strip("\"'“”_.,:;|!`^~*"), t.key) for t in toks if t.key)
        if name_like(toks):
            best = toks
    if best is None:
        return None
    return Found(" ".join(t.text for t in best), best, last)
