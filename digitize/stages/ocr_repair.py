"""Repairs of a page's OCR text that follow from the alphabet and the list conventions of administrative
text, never from a dictionary alone, and never inside a token with a digit (identifiers and dates):

- a letter that is not in the Vietnamese alphabet (`Ñ`, `ø`, `ƒ`) inside a word goes when the word without
  it is a syllable (`NÑăm` → `Năm`: one glyph read twice);
- an item marker `X)` whose letter is not Vietnamese (`ø)`) is the letter after the previous item's in the
  order of the alphabet `a) b) c) d) đ) e) g) h) i) k)…` (there is no `f)`);
- a section heading `1.` before a heading `II.` (and no `2.`) is the roman `I.`: tesseract reads the serif
  capital I as the digit one.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from digitize.model import OcrPage, Word
from digitize.vn.text import is_syllable

ITEM_LETTERS = "abcdđeghiklmnopqrstuvxy"  # Vietnamese list items skip f, j, w, z (not letters of the alphabet)
_ITEM = re.compile(r"^([^\W\d_])\)$")
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _vietnamese_letters() -> frozenset[str]:
    bases = "aăâeêioôơuưy"
    marked = {unicodedata.normalize("NFC", b + t) for b in bases for t in _TONES}
    lower = set("abcdefghijklmnopqrstuvwxyzđ") | set(bases) | marked  # f j w z: codes and foreign names
    return frozenset(lower | {c.upper() for c in lower})


VIETNAMESE = _vietnamese_letters()


def _foreign(ch: str) -> bool:
    return ch.isalpha() and ch not in VIETNAMESE


def drop_foreign_letter(token: str) -> str:
    """`NÑăm` → `Năm`: a non-Vietnamese letter goes when the word without it is a syllable."""
    if any(c.isdigit() for c in token) or not any(_foreign(c) for c in token):
        return token
    cleaned = "".join(c for c in token if not _foreign(c))
    letters = re.findall(r"[^\W\d_]+", cleaned)
    # a single letter left is no evidence: junk (`ÏI.`, `„äy`) would become a word
    return cleaned if letters and all(len(run) >= 2 and is_syllable(run) for run in letters) else token


def _item_letter(token: str, previous: str | None) -> str:
    found = _ITEM.match(token)
    if not found or not _foreign(found.group(1)) or previous is None:
        return token
    at = ITEM_LETTERS.find(previous)
    return f"{ITEM_LETTERS[at + 1]})" if 0 <= at < len(ITEM_LETTERS) - 1 else token


def _first_words(words: list[Word]) -> dict[int, int]:
    """line -> index of its first word."""
    first: dict[int, int] = {}
    for i, w in enumerate(words):
        first.setdefault(w.line, i)
    return first


def repair(page: OcrPage) -> OcrPage:
    words = [replace(w, text=drop_foreign_letter(w.text)) for w in page.words]
    first = _first_words(words)
    heads = [words[i].text for _, i in sorted(first.items())]
    previous_item = None
    for _, i in sorted(first.items()):
        found = _ITEM.match(words[i].text)
        if found:
            words[i] = replace(words[i], text=_item_letter(words[i].text, previous_item))
            previous_item = words[i].text[0].lower()
    if "II." in heads and "2." not in heads:
        for _, i in sorted(first.items()):
            if words[i].text in ("1.", "l."):
                words[i] = replace(words[i], text="I.")
            if words[i].text == "II.":
                break
    return page if all(a.text == b.text for a, b in zip(words, page.words)) else _relined(page, words)


def _relined(page: OcrPage, words: list[Word]) -> OcrPage:
    """The page with its words' new texts, each line rebuilt from its words."""
    lines = list(page.lines)
    by_line: dict[int, list[str]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w.text)
    for line, texts in by_line.items():
        if line < len(lines):
            lines[line] = " ".join(texts)
    return replace(page, words=tuple(words), lines=tuple(lines))
