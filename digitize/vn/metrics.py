"""Text accuracy measures used by the tests and the benchmark (one definition for both)."""
from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein


def normalise(text: str) -> str:
    """NFC, whitespace runs folded to one space: CER then counts characters, not layout."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def char_errors(hypothesis: str, reference: str) -> tuple[int, int]:
    """(edit distance, reference length) after normalisation, to sum over many pages."""
    h, r = normalise(hypothesis), normalise(reference)
    return Levenshtein.distance(h, r), len(r)


def cer(hypothesis: str, reference: str) -> float:
    errors, length = char_errors(hypothesis, reference)
    return errors / max(1, length)
