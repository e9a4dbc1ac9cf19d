"""Repairs of a page's OCR text that follow from the alphabet and the list conventions of administrative
text, never from a dictionary alone, and never inside a token with a digit (identifiers and dates):

- a letter that is not in the Vietnamese alphabet (`Ñ`, `ø`, `ƒ`) inside a word goes when the word without
  it is a syllable (`NÑăm` → `Năm`: one glyph read twice);
- an item marker `X)` whose letter is not Vietnamese (`ø)`) is the letter after the previous item's in the
  order of the alphabet `a) b) c) d) đ) e) g) h) i) k)…` (there is no `f)`);
- a section heading `1.` before a heading `II.` (and no `2.`) is the roman `I.`: tesseract reads the serif
  capital I as the digit one;
- a list dash read `~` at the head of a line is `-`, and a faint one is kept, not dropped as noise, when
  its box is a dash's: flat and low beside the word after it;
- an area or volume unit read `m2`, `m3` or `m?` is `m²`/`m³` when the image shows the mark after the `m`
  raised (a superscript); a `2` printed on the baseline stays `m2`. Legal text online writes `m2` as often as
  print sets `m²`, so a dictionary cannot decide: the page's ink does.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

import cv2
import numpy as np

from digitize.model import OcrPage, Word
from digitize.vn.text import TONES, is_syllable

ITEM_LETTERS = "abcdđeghiklmnopqrstuvxy"  # Vietnamese list items skip f, j, w, z (not letters of the alphabet)
_ITEM = re.compile(r"^([^\W\d_])\)$")


def _vietnamese_letters() -> frozenset[str]:
    bases = "aăâeêioôơuưy"
    marked = {unicodedata.normalize("NFC", b + t) for b in bases for t in TONES}
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


DASHES = ("-", "~")


def is_list_dash(word: Word, following: Word | None) -> bool:
    """A line's first token that is drawn as a dash: at least 1.5 times as wide as tall, under half the
    height of the word after it, and close to it."""
    if word.text not in DASHES or following is None or following.line != word.line:
        return False
    w, h = word.box[2] - word.box[0], max(1, word.box[3] - word.box[1])
    after_h = following.box[3] - following.box[1]
    return w >= 1.5 * h and h <= 0.5 * after_h and following.box[0] - word.box[2] <= 2 * after_h


def list_dashes(words: list[Word]) -> set[int]:
    """Indices of the words of `words` (one line, left to right) that are list dashes."""
    return {0} if words and is_list_dash(words[0], words[1] if len(words) > 1 else None) else set()


def _first_words(words: list[Word]) -> dict[int, int]:
    """line -> index of its first word."""
    first: dict[int, int] = {}
    for i, w in enumerate(words):
        first.setdefault(w.line, i)
    return first


def repair(page: OcrPage) -> OcrPage:
    words = [replace(w, text=drop_foreign_letter(w.text)) for w in page.words]
    first = _first_words(words)
    for i in first.values():
        if words[i].text == "~" and is_list_dash(words[i], words[i + 1] if i + 1 < len(words) else None):
            words[i] = replace(words[i], text="-")
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


_UNIT = re.compile(r"^((?:k|c|d|m)?m)([23?²³])([.,;:)/]*)$")
RAISED = 0.3  # a superscript ends this share of the letter's height above its baseline


def _raised_after_first(ink: np.ndarray) -> bool:
    """Whether the mark right of the first letter in a word's crop stands above the letter's baseline."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    parts = sorted((tuple(st) for st in stats[1:count] if st[4] >= 4), key=lambda st: st[0])
    if len(parts) < 2:
        return False
    letter = max(parts, key=lambda st: st[2] * st[3])  # the m, the widest glyph
    after = [st for st in parts if st[0] >= letter[0] + letter[2] - 1]
    if not after:
        return False
    mark = [st for st in after if st[0] < after[0][0] + after[0][2]]  # the first mark and what stacks on it (a `?`)
    bottom = max(st[1] + st[3] for st in mark)
    return bottom < letter[1] + letter[3] - RAISED * letter[3] and min(st[1] for st in mark) <= letter[1]


def superscript_units(words: tuple[Word, ...], grey: np.ndarray) -> tuple[Word, ...]:
    """`m2`/`m?` read from a raised `²` → `m²` (`m3` → `m³`), judged on the word's ink in the OCR image."""
    out = []
    for w in words:
        found = _UNIT.match(w.text)
        if found and found.group(2) not in "²³":
            x0, y0, x1, y1 = (max(0, v) for v in w.box)
            crop = grey[y0:y1, x0:x1]
            if crop.size and crop.min() < 200:
                _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
                if _raised_after_first(ink > 0):
                    power = "³" if found.group(2) == "3" else "²"
                    w = replace(w, text=f"{found.group(1)}{power}{found.group(3)}")
        out.append(w)
    return tuple(out)
