"""Tone and vowel marks chosen with the syllable language model, where the OCR hesitated.

On bilevel 200 dpi scans the thin strokes of a mark break up: `ố` reads `ó`, `ề` reads `ê`. Tesseract's LSTM
knows the alternatives of each character (choice mode 2). For each word that is a Vietnamese syllable, every
syllable of the model with the same letters and other marks is a candidate; it is scored by the OCR's
confidence in its characters and by the model in the word's context (two syllables left and right), and it
replaces the reading only when it wins by a margin. Letters never change, only marks; tokens with digits,
codes, abbreviations and anything that is not a syllable are left alone; case is kept.

Engines without per-character alternatives (the tesseract CLI) get no correction.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from digitize import settings
from digitize.model import OcrPage, Word
from digitize.tools.tesseract import OcrEngine, SymbolChoices, WordChoices
from digitize.vn import lm
from digitize.vn.text import canonical, is_syllable

# Measured on the development pages (qd222, bench/bench_tones.py): OCR confidence points per nat of model
# log-probability, and the log-odds a candidate must win by.
POINTS_PER_NAT = 30.0
MARGIN = 3.0
SHORT_CAPITALS = 3  # an upper-case non-syllable this short is an abbreviation, never a misread word
_CORE = re.compile(r"^(\W*)([^\W\d_]+)(\W*)$", re.UNICODE)


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
    by_line: dict[int, list[int]] = {}
    for i, w in enumerate(page.words):
        by_line.setdefault(w.line, []).append(i)
    words = list(page.words)
    for idx in by_line.values():
        ctx = lm.contexts([words[i].text for i in idx])
        for i, context in zip(idx, ctx):
            better = correct_token(model, words[i].text, context, choices.get(words[i].box))
            if better != words[i].text:
                words[i] = replace(words[i], text=better)
    lines = list(page.lines)
    for line, idx in by_line.items():
        if line < len(lines):
            lines[line] = " ".join(words[i].text for i in idx)
    return replace(page, words=tuple(words), lines=tuple(lines))


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


def _confidence(options: SymbolChoices, char: str) -> float:
    return max((conf for c, conf in options if c == char), default=0.0)


def correct_token(model: lm.SyllableLM, token: str, context: tuple, found) -> str:
    """`token` with the best-scoring marks, or unchanged. `found` is the engine's (text, per-character
    choices) for this word."""
    m = _CORE.match(token)
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
        ocr = sum(_confidence(opt, c) - _confidence(opt, o) for opt, c, o in zip(options, shown, core) if c != o)
        gain = model.score(context, cand) - base + ocr / POINTS_PER_NAT
        if gain > best_gain:
            best, best_gain = pre + shown + token[len(pre) + len(core):], gain
    return best
