"""Keep OCR lines that do not read as Vietnamese out of the text layer.

What tesseract reads out of a signature, a margin note or a scribbled number is a line of low-confidence
tokens that are neither syllables, numbers, codes nor abbreviations (`rffr`, `Ẳ 4ƒ ˆ ỷ n Ệ L Ỳ Ih`). Such a
line goes; a line with any token that reads as print stays whole. A token with a digit is never judged by
the dictionary: identifiers and dates are not words, so they are kept whatever their spelling.
"""
from __future__ import annotations

import re
import statistics

from digitize.model import Word
from digitize.vn.text import is_syllable

JUNK_CONFIDENCE = 80.0  # print reads above this; scribbles seldom do
FLOOR_CONFIDENCE = 40.0  # below this even a well-spelt token is a guess (a syllable is easy to hit by chance)
_LETTERS = re.compile(r"[^\W\d_]+")
# codes and abbreviations of administrative text: TTg, NĐ-CP, UBND, QĐ-TTg, V/v, KT., TM.
_ABBREVIATION = re.compile(r"^[A-ZĐ]{1,8}[a-z]{0,2}$|^[A-ZĐ][a-z]$")
_ONE_LETTER_WORDS = set("aàáảạoóòôờởởyýuưeê")  # one-letter words of the language (and list markers)


def _letters_read(token: str) -> bool:
    runs = _LETTERS.findall(token)
    if not runs:
        return False
    for run in runs:
        if len(run) == 1:
            if run.lower() not in _ONE_LETTER_WORDS and not re.match(r"^[a-zđ]\)", token):
                return False
        elif not (is_syllable(run) or _ABBREVIATION.match(run)):
            return False
    return True


def reads_as_print(word: Word) -> bool:
    """A token worth keeping on its own: it has a digit, or it is confidently read, or its letters spell
    syllables or abbreviations."""
    if any(c.isdigit() for c in word.text):
        return True
    if word.confidence >= JUNK_CONFIDENCE:
        return True
    return word.confidence >= FLOOR_CONFIDENCE and _letters_read(word.text)


OUTSIZED = 2.5  # a word this many times taller than its line's median word is a photo or emblem read as text


def _outsized(word: Word, line_height: float) -> bool:
    """A guessed word (`PA` read out of an ID photo) far taller than the printed words of its line."""
    return (word.confidence < FLOOR_CONFIDENCE and not any(c.isdigit() for c in word.text)
            and word.box[3] - word.box[1] > OUTSIZED * line_height)


def drop_unreadable_lines(words: tuple[Word, ...]) -> tuple[Word, ...]:
    """Words of tesseract lines in which no token reads as print are dropped, whole lines only; in the
    lines kept, a guessed word far taller than the line's print goes."""
    by_line: dict[int, list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    kept = {line for line, ws in by_line.items() if any(reads_as_print(w) for w in ws)}
    heights = {line: statistics.median(w.box[3] - w.box[1] for w in ws) for line, ws in by_line.items()}
    return tuple(w for w in words if w.line in kept and not _outsized(w, heights[w.line]))
