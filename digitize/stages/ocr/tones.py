"""Tone and vowel marks chosen with the syllable language model, where the OCR hesitated.

On bilevel 200 dpi scans the thin strokes of a mark break up: `ố` reads `ó`, `ề` reads `ê`. Tesseract's LSTM
knows the alternatives of each character (choice mode 1). For each word of letters, every syllable of the
model with the same letters and other marks is a candidate, unless it needs a mark the OCR listed no
alternative for; it is scored by the OCR's confidence in its characters and by the model in the word's
context (two syllables left and right, across line ends), and it replaces the reading only when it wins by a
margin. Letters never change, only marks; tokens with digits, codes, short upper-case abbreviations and
personal names are left alone; case is kept.

The alternatives are asked for only where they can matter. The OCR's part of a candidate's score is at most
0 when the character read is the one it was surest of, so a word whose best variant does not win by the margin
on the model's score alone is kept as read (on the development pages, every word the page-wide alternatives
changed passed this test). The few words that pass (3–6 % of a real page's words) are cut out and read again on
their own in choice mode (`word_choices`); that reading's alternatives are the OCR's evidence for the word. A
page pass in choice mode costs about a quarter more recognition time for every word of the page.

Engines without per-character alternatives (the tesseract CLI) get no correction.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace

import numpy as np

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


# the per-character alternatives of the words at these boxes, read when the corrector asks for them
ChoiceReader = Callable[[list[tuple[int, int, int, int]]], WordChoices]


def read(engine: OcrEngine, image: np.ndarray, dpi: float, tones: bool = True) -> tuple[str, ChoiceReader | None]:
    """The engine's TSV and, when tone correction is on (`tones`, from Settings.ocr_tones) and the engine can
    tell, a reader of its per-character choices for the words the corrector will look at (`image` is read
    again there: it must not change)."""
    again = getattr(engine, "word_choices", None)
    tsv = engine.tsv(image, dpi)
    if again is None or not tones or lm.model() is None:
        return tsv, None
    return tsv, functools.partial(again, image, dpi)


def apply(page: OcrPage, choices: WordChoices | ChoiceReader | None) -> OcrPage:
    """The page with marks corrected (words and lines); unchanged without choices."""
    model = lm.model()
    if not choices or model is None:
        return page
    words = list(page.words)
    names = _personal_names([w.text for w in words])
    # the page's words in reading order as one stream: a line that wraps mid-sentence goes on in the next
    contexts = lm.contexts([w.text for w in words], open_ends=True)
    todo = [i for i, context in enumerate(contexts) if i not in names and worth_a_look(model, words[i].text, context)]
    if not todo:
        return page
    found = choices if isinstance(choices, dict) else choices([words[i].box for i in todo])
    for i in todo:
        better = correct_token(model, words[i].text, contexts[i], found.get(words[i].box))
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
    titled = [m is not None and _case_kind(m.group(2)) == "title" for m in map(WORD_CORE.match, tokens)]
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


REQUIRE_LISTED = True  # the veto: a mark changes only to one the OCR itself listed for that character


def _ruled_out(options: SymbolChoices, char: str) -> bool:
    """`char` is not among the OCR's own alternatives for this character. Without the veto
    (REQUIRE_LISTED off), a list of one (no alternatives given) or a full list (LISTED_MAX, the iterator's
    cut-off) was taken to tell nothing either way."""
    if REQUIRE_LISTED:
        return all(c != char for c, _ in options)
    return 1 < len(options) < LISTED_MAX and all(c != char for c, _ in options)


def _confidence(options: SymbolChoices, char: str) -> float:
    return max((conf for c, conf in options if c == char), default=0.0)


def _model_gains(model: lm.SyllableLM, token: str, context: tuple) -> tuple[str, str, list[tuple[str, float]]] | None:
    """For a word the corrector may touch: its leading punctuation, its letters, and each variant (as it would
    be shown, in the word's case) with what the model alone gains by it. None for anything else."""
    m = WORD_CORE.match(token)
    if not m:
        return None
    pre, core, _ = m.groups()
    if _case_kind(core) is None or core.isupper() and len(core) <= SHORT_CAPITALS and not is_syllable(core):
        return None  # mixed case, or an abbreviation (QĐ, TM, KT)
    here = canonical(core.lower())
    base = model.score(context, here)
    return pre, core, [(_in_case(cand, core), model.score(context, cand) - base) for cand in model.variants(here)
                       if cand != here and len(cand) == len(core)]


def worth_a_look(model: lm.SyllableLM, token: str, context: tuple) -> bool:
    """Whether a mark change could win on this word: the model alone must already favour a variant by more
    than the margin, as the OCR's part (the confidence in the new characters less that in the ones read) is
    at most 0 for a character it was surest of."""
    gains = _model_gains(model, token, context)
    return gains is not None and any(gain > MARGIN for _, gain in gains[2])


def _same_letters(a: str, b: str) -> bool:
    return len(a) == len(b) and lm.skeleton(a) == lm.skeleton(b)


def correct_token(model: lm.SyllableLM, token: str, context: tuple,
                  found: tuple[str, tuple[SymbolChoices, ...]] | None) -> str:
    """`token` with the best-scoring marks, or unchanged. `found` is the engine's (text, per-character
    choices) for this word: from the page's reading, or from the word read again on its own, which may have
    other marks (then its characters and alternatives are the evidence) but must have the same letters."""
    if found is None or not _same_letters(found[0], token) or len(found[1]) != len(token):
        return token
    gains = _model_gains(model, token, context)
    if gains is None:
        return token
    pre, core, variants = gains
    options = found[1][len(pre):len(pre) + len(core)]
    best, best_gain = token, MARGIN
    for shown, model_gain in variants:
        if any(_ruled_out(opt, c) for opt, c, o in zip(options, shown, core) if c != o):
            continue
        ocr = sum(_confidence(opt, c) - _confidence(opt, o) for opt, c, o in zip(options, shown, core) if c != o)
        gain = model_gain + ocr / POINTS_PER_NAT
        if gain > best_gain:
            best, best_gain = pre + shown + token[len(pre) + len(core):], gain
    return best
