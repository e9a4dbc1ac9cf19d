"""Parts of an official document found by layout rather than by a label (Decree 30/2020 layout):
issuing body (top left), number/symbol ('Số: 145/QĐ-UBND'), place and date, title, subject, signer;
and every printed `Label: value` pair for documents nobody wrote a profile for."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from digitize.stages.extract_text import Line, Tok, clean_value, key_tokens, span_box
from digitize.vietnamese import fold, is_syllable

_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap tu do hanh phuc")
_NUMBER = re.compile(r"^s[oô0ố]\s*[:.]?\s*\d", re.IGNORECASE)
_PLACE_DATE = re.compile(r",\s*ng[aà]y\s+\d{1,2}", re.IGNORECASE)
_DATE_WORDS = re.compile(r"ng[aà]y\s+\d{1,2}\s+th[aá]ng\s+\d{1,2}\s+n[aă]m\s+\d{4}", re.IGNORECASE)
_SIGN_PREFIX = ("tm", "kt", "tl", "tuq", "q", "chu tich", "pho chu tich", "giam doc", "truong phong",
                "nguoi yeu cau", "nguoi ky", "nguoi tiep nhan", "nguoi thuc hien", "can bo tiep nhan", "nguoi lam don", "truong")


@dataclass(frozen=True)
class Found:
    raw: str
    toks: tuple[Tok, ...]
    page: int

    @property
    def box(self):
        return span_box(self.toks) if self.toks else None


def _is_motto(line: Line) -> bool:
    f = line.folded()
    return any(m[:18] in f for m in _MOTTO)


def _upper_ratio(line: Line) -> float:
    letters = [c for c in line.text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _header(lines: Sequence[Line]) -> list[Line]:
    first = [ln for ln in lines if ln.page == 1]
    return [ln for ln in first if ln.box[1] < 0.25 * ln.page_h]


def issuer(lines: Sequence[Line]) -> Found | None:
    """Upper-case lines of the top-left block, above the number line."""
    picked: list[Tok] = []
    for ln in _header(lines):
        x0, _, x1, _ = ln.box
        if (x0 + x1) / 2 > 0.5 * ln.page_w:
            continue  # right column: the national motto and the date line
        ok = (x0 + x1) / 2 < 0.45 * ln.page_w and x1 < 0.55 * ln.page_w and _upper_ratio(ln) > 0.8
        if ok and not _NUMBER.match(ln.text) and not _is_motto(ln):
            picked += ln.toks
        elif picked:
            break
    if not picked:
        return None
    # Decree 30 header: a parent body on line one ("ỦY BAN NHÂN DÂN TỈNH X"), the issuing body below;
    # a bare "ỦY BAN NHÂN DÂN" is the first half of the issuer's own name.
    first_line = [t for t in picked if t.word.line == picked[0].word.line]
    rest = picked[len(first_line):]
    if rest and len(first_line) > 4:
        picked = rest
    while picked and not picked[-1].text.isupper():  # a stray mark from the rule under the name
        picked.pop()
    return Found(clean_value(" ".join(t.text for t in picked)), tuple(picked), 1) if picked else None


def number(lines: Sequence[Line]) -> Found | None:
    """'Số: 145/QĐ-UBND' at the start of a header line (not 'Quyển số:' or 'Số định danh')."""
    for ln in _header(lines):
        if ln.toks and ln.toks[0].key in ("so", "s0", "s") and len(ln.toks) > 1:
            rest = ln.toks[1:]
            text = " ".join(x.text for x in rest)
            m = re.match(r"^\s*:?\s*(\d{1,5}(\s*/\s*\S+)?)", text)
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


def _title_line(lines: Sequence[Line]) -> int | None:
    for k, ln in enumerate(lines):
        if ln.page != 1 or _is_motto(ln) or len(ln.toks) < 1:
            continue
        if ln.box[1] < 0.08 * ln.page_h:
            continue
        words = [t for t in ln.toks if t.key]
        if len(words) >= 2 and _upper_ratio(ln) > 0.9 and not _NUMBER.match(ln.text):
            cx = (ln.box[0] + ln.box[2]) / 2
            if abs(cx - ln.page_w / 2) < 0.15 * ln.page_w:
                return k
    return None


def title(lines: Sequence[Line]) -> Found | None:
    k = _title_line(lines)
    if k is None:
        return None
    toks = list(lines[k].toks)
    # a title printed on two centred upper-case lines ("GIẤY CHỨNG NHẬN" / "QUYỀN SỬ DỤNG ĐẤT ...")
    if k + 1 < len(lines) and _upper_ratio(lines[k + 1]) > 0.9 and lines[k + 1].page == lines[k].page:
        nxt = lines[k + 1]
        cx = (nxt.box[0] + nxt.box[2]) / 2
        if abs(cx - nxt.page_w / 2) < 0.15 * nxt.page_w and not _NUMBER.match(nxt.text):
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
                    if abs(cx - nxt.page_w / 2) < 0.1 * nxt.page_w and _upper_ratio(nxt) < 0.9 \
                            and not nxt.folded().startswith("can cu"):
                        toks += nxt.toks
                text = clean_value(" ".join(t.text for t in toks))
                return Found(text, tuple(toks), ln.page) if text else None
    return None


def _name_like(toks: Sequence[Tok]) -> bool:
    words = [t.text.strip(".,") for t in toks]
    if not 2 <= len(words) <= 5:
        return False
    return all(w[:1].isupper() and w.isalpha() and is_syllable(w) for w in words) and \
        not all(w.isupper() for w in words if len(w) > 1)


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
        right = [t for t in ln.toks if t.word.box[0] > 0.4 * ln.page_w]
        if not right:
            continue
        f = " ".join(key_tokens(" ".join(t.text for t in right)))
        if any(f.startswith(p + " ") or f == p for p in _SIGN_PREFIX):
            auth_seen = True
            continue
        if auth_seen and _name_like(right):
            best = right
    if best is None:
        return None
    return Found(" ".join(t.text for t in best), tuple(best), last_page)


LOCATORS = {"issuer": issuer, "number": number, "issue_date": issue_date, "title": title,
            "subject": subject, "signer": signer}


def snake(label: str) -> str:
    return "_".join(key_tokens(label)).replace("/", "_")


def label_pairs(lines: Sequence[Line]) -> list[tuple[str, Found]]:
    """Every `Label: value` printed on a line (several per line in two-column forms)."""
    out: list[tuple[str, Found]] = []
    for ln in lines:
        toks = ln.toks
        i = 0
        start = 0
        while i < len(toks):
            t = toks[i]
            if t.text.endswith(":") and i - start + 1 <= 8:
                label_toks = toks[start : i + 1]
                label = " ".join(x.text for x in label_toks).rstrip(":")
                if label and not any(c.isdigit() for c in label) and fold(label)[:1].isalpha():
                    # the value runs to the next "Label:" on the same line
                    j = i + 1
                    while j < len(toks) and not (toks[j].text.endswith(":") and j + 1 < len(toks)
                                                 and toks[j - 1].word.box[2] + 0.03 * ln.page_w < toks[j].word.box[0]):
                        j += 1
                    value = [x for x in toks[i + 1 : j]]
                    if value:
                        out.append((snake(label), Found(clean_value(" ".join(x.text for x in value)),
                                                        tuple(value), ln.page)))
                    start = j
                    i = j
                    continue
                start = i + 1
            i += 1
    return out
