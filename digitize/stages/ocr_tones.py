"""Tone and vowel marks chosen with the syllable language model, where the OCR hesitated.

On bilevel 200 dpi scans the thin strokes of a mark break up: `ố` reads `ó`, `ề` reads `ê`. Tesseract's LSTM
knows the alternatives of each character (choice mode 1). For each word of letters, every syllable of the
model with the same letters and other marks is a candidate, unless it needs a mark the OCR listed no
alternative for; it is scored by the OCR's confidence in its characters and by the model in the word's
context (two syllables left and right, across line ends), and it replaces the reading only when it wins by a
margin. Letters never change, only marks; tokens with digits, codes, short upper-case abbreviations and
personal names are left alone; case is kept.

Engines without per-character alternatives (the tesseract CLI) get no correction.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from digitize import settings
from digitize.model import OcrPage
from digitize.tools.tesseract import OcrEngine, SymbolChoices, WordChoices
from digitize.vn import lm
from digitize.vn.text import FAMILY_NAMES, WORD_CORE, canonical, fold, is_syllable

# Measured on the development pages (qd222, bench/bench_tones.py): OCR confidence points per nat of model
# log-probability, and the log-odds a candidate must win by.
POINTS_PER_NAT = 30.0
MARGIN = 3.0
LISTED_MAX = 6  # tesseract lists at most this many alternatives per character
NAME_LENGTH = 4  # family name and up to three more syllables
SHORT_CAPITALS = 3  # an upper-case non-syllable this short is an abbreviation, never a misread word


def read(engine: OcrEngine, image: np.ndarray, dpi: float) -> tuple[str, WordChoices | None]:
    """The engine's TSV and, when tone correction is on and the engine can tell, its per-character choices."""
    with_choices = getattr(engine, "tsv_with_choices", None)
    if with_choices is None or not settings.ocr_tones() or lm.model() is None:
        return engine.tsv(image, dpi), None
    return with_choices(image, dpi)


def apply(page: OcrPage, choices: WordChoices | None) -> OcrPage:
    """The page with marks corrected (words and lines); unchanged without choices."""
    model = lm.model()
    if not choices or model is None:
        return page
    words = list(page.words)
    names = _personal_names([w.text for w in words])
    # the page's words in reading order as one stream: a line that wraps mid-sentence goes on in the next
    for i, context in enumerate(lm.contexts([w.text for w in words], open_ends=True)):
        if i in names:
            continue
        better = correct_token(model, words[i].text, context, choices.get(words[i].box))
        if better != words[i].text:
            words[i] = replace(words[i], text=better, marks_from=words[i].text)
    by_line: dict[int, list[int]] = {}
    for i, w in enumerate(words):
        by_line.setdefault(w.line, []).append(i)
    lines = list(page.lines)
    for line, idx in by_line.items():
        if line < len(lines):
            lines[line] = " ".join(words[i].text for i in idx)
    return replace(page, words=tuple(words), lines=tuple(lines))


def _personal_names(tokens: list[str]) -> set[int]:
    """Positions of personal names: a capitalised run that starts with a family name (`Lương Thu Nhung`,
    `Vũ Phương Ngân`). A model of legal text knows `nhưng` and `ngắn`, not the given names."""
    titled = [bool(m) and _case_kind(m.group(2)) == "title" for m in map(WORD_CORE.match, tokens)]
    found: set[int] = set()
    for i, token in enumerate(tokens):
        if titled[i] and i + 1 < len(tokens) and titled[i + 1] and fold(token.strip(",.;:()")) in FAMILY_NAMES:
            run = i
            while run < len(tokens) and titled[run] and run - i < NAME_LENGTH:
                found.add(run)
                run += 1
    return found


def _case_kind(core: str) -> str | None:
    if core.islower():
        return "lower"
    if core.isupper():
        return "upper"
    if core[0].isupper() and (len(core) == 1 or core[1:].islower()):
        return "title"
    return None  # mixed case is not a word as printed


def _in_case(candidate: str, original: str) -> str:
    return "".join(c.upper() if o.isupper() else c for c, o in zip(candidate, original))


def _ruled_out(options: SymbolChoices, char: str) -> bool:
    """The OCR listed its alternatives for this character and `char` is not among them. A list of one (no
    alternatives given) or a full list (LISTED_MAX, the iterator's cut-off) tells nothing either way."""
    return 1 < len(options) < LISTED_MAX and all(c != char for c, _ in options)


def _confidence(options: SymbolChoices, char: str) -> float:
    return max((conf for c, conf in options if c == char), default=0.0)


def correct_token(model: lm.SyllableLM, token: str, context: tuple,
                  found: tuple[str, tuple[SymbolChoices, ...]] | None) -> str:
    """`token` with the best-scoring marks, or unchanged. `found` is the engine's (text, per-character
    choices) for this word."""
    m = WORD_CORE.match(token)
    if not m or found is None or found[0] != token or len(found[1]) != len(token):
        return token
    pre, core, _ = m.groups()
    if _case_kind(core) is None or core.isupper() and len(core) <= SHORT_CAPITALS and not is_syllable(core):
        return token  # mixed case, or an abbreviation (QĐ, TM, KT)
    options = found[1][len(pre):len(pre) + len(core)]
    here = canonical(core.lower())
    base = model.score(context, here)
    best, best_gain = token, MARGIN
    for cand in model.variants(here):
        if cand == here or len(cand) != len(core):
            continue
        shown = _in_case(cand, core)
        if any(_ruled_out(opt, c) for opt, c, o in zip(options, shown, core) if c != o):
            continue
        ocr = sum(_confidence(opt, c) - _confidence(opt, o) for opt, c, o in zip(options, shown, core) if c != o)
        gain = model.score(context, cand) - base + ocr / POINTS_PER_NAT
        if gain > best_gain:
            best, best_gain = pre + shown + token[len(pre) + len(core):], gain
    return best
