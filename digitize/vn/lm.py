"""A syllable n-gram model of administrative Vietnamese, to choose between OCR readings of a syllable.

Tokens are lower-case NFC syllables with the traditional tone placement (`canonical`); a number is `<num>`,
any other token (codes such as `nđ-cp`, abbreviations, Latin words) `<unk>`, and punctuation or a line end is
a boundary `<s>`. The model is interpolated Kneser-Ney (unigram continuation counts, bigrams, trigrams) with one
absolute discount per order: unlike stupid backoff its scores are probabilities, so they can be added to
the OCR's log-odds against one threshold. Pruning keeps n-grams seen at least a few times; each context keeps
its full-corpus totals, so what was pruned falls to the lower order instead of vanishing.

The model (`data/syllable_lm.npz`) is derived by `bench/build_lm.py` from ../shared/corpus/vietnamese-legal-text.
"""
from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitize.vn.text import canonical, is_syllable, nfc

MODEL_PATH = Path(__file__).resolve().parent / "data" / "syllable_lm.npz"
BOUNDARY, NUMBER, UNKNOWN = "<s>", "<num>", "<unk>"
UNSEEN_SYLLABLE = math.log(1e-3)  # a syllable the corpus lacks is one of many `<unk>` types, not all of them
_PUNCT_EDGE = re.compile(r"^(\W*)(.*?)(\W*)$", re.UNICODE)
_SENTENCE = set(".,;:!?()[]{}\"“”‘’…–—-/")  # a token edge of these ends the context


@dataclass(frozen=True)
class Token:
    """One whitespace token as the model sees it: its class and whether punctuation cuts it from its
    neighbours."""

    lm: str
    cut_before: bool
    cut_after: bool


def classify(token: str) -> Token:
    edges = _PUNCT_EDGE.match(nfc(token))
    assert edges is not None  # the pattern matches every string (all its parts are optional)
    pre, core, post = edges.groups()
    if not core:
        return Token(BOUNDARY, True, True)
    cut_before = any(c in _SENTENCE for c in pre)
    cut_after = any(c in _SENTENCE for c in post)
    if any(c.isdigit() for c in core):
        return Token(NUMBER, cut_before, cut_after)
    if core.isalpha() and is_syllable(core):
        return Token(canonical(core.lower()), cut_before, cut_after)
    return Token(UNKNOWN, cut_before, cut_after)


def contexts(tokens: list[str], open_ends: bool = False) -> list[tuple]:
    """For each token: (left2, left1, itself, right1, right2) in model tokens, `<s>` across punctuation.
    Past the ends of `tokens` is `<s>`, or None (unknown) with `open_ends`: an OCR line may wrap mid-sentence."""
    toks = [classify(t) for t in tokens]
    n = len(toks)
    outside = None if open_ends else BOUNDARY

    def left(i: int) -> str | None:
        if i < 0:
            return outside
        return BOUNDARY if toks[i].cut_after or toks[i + 1].cut_before else toks[i].lm

    def right(i: int) -> str | None:
        if i >= n:
            return outside
        return BOUNDARY if toks[i].cut_before or toks[i - 1].cut_after else toks[i].lm

    out = []
    for i, t in enumerate(toks):
        l1 = left(i - 1)
        l2 = l1 if l1 in (BOUNDARY, None) else left(i - 2)
        r1 = right(i + 1)
        r2 = r1 if r1 in (BOUNDARY, None) else right(i + 2)
        out.append((l2, l1, t.lm, r1, r2))
    return out


def sentences(lines: Iterable[str]) -> Iterator[list[str]]:
    """The corpus as runs of model tokens between boundaries (what the counts are taken from), each run
    without its `<s>` ends (the builder adds them)."""
    for line in lines:
        run: list[str] = []
        for tok in (classify(t) for t in line.split()):
            if tok.cut_before or tok.lm == BOUNDARY:
                if run:
                    yield run
                run = []
            if tok.lm != BOUNDARY:
                run.append(tok.lm)
            if tok.cut_after and run:
                yield run
                run = []
        if run:
            yield run


def skeleton(syllable: str) -> str:
    """The letters without tone or vowel marks (đ stays đ): what OCR keeps when it misreads a mark."""
    out = []
    for c in unicodedata.normalize("NFD", syllable.lower().replace("đ", "\x00")):
        if not unicodedata.combining(c):
            out.append(c)
    return "".join(out).replace("\x00", "đ")


class SyllableLM:
    """Loaded once per process (`model()`); lookups are binary searches in sorted key arrays."""

    def __init__(self, path: Path = MODEL_PATH):
        with np.load(path, allow_pickle=False) as data:
            self.vocab: list[str] = str(data["vocab"]).split("\n")
            arrays = {k: data[k] for k in data.files if k != "vocab"}
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.size = len(self.vocab)
        self._discount = arrays["discount"]  # D2, D3
        self._continuation = arrays["continuation"].astype(np.float64)  # N1+(. w) per word
        self._continuation_total = float(self._continuation.sum())
        self._ctx1 = arrays["ctx1"]  # per word v: count(v .), N1+(v .)
        self._tokens = float(self._ctx1[:, 0].sum())
        self._bi_keys, self._bi_counts = arrays["bi_keys"], arrays["bi_counts"]
        self._ctx2_keys, self._ctx2 = arrays["ctx2_keys"], arrays["ctx2"]  # (u v) -> count(u v .), N1+(u v .)
        self._tri_keys, self._tri_counts = arrays["tri_keys"], arrays["tri_counts"]
        self._by_skeleton: dict[str, list[str]] = {}
        for w in self.vocab:
            if not w.startswith("<"):
                self._by_skeleton.setdefault(skeleton(w), []).append(w)
        self.logprob = functools.lru_cache(maxsize=1 << 16)(self._logprob)
        self._bigram = functools.lru_cache(maxsize=1 << 16)(self._bigram)  # type: ignore[method-assign]  # shared by many trigram contexts

    def variants(self, syllable: str) -> list[str]:
        """Syllables of the model with the same letters as `syllable` and other marks."""
        return self._by_skeleton.get(skeleton(syllable), [])

    def _id(self, word: str) -> int:
        return self.index.get(word, self.index[UNKNOWN])

    @staticmethod
    def _find(keys: np.ndarray, key: int) -> int:
        # the array's own method, with a key of its dtype (another dtype would copy the array): a third of
        # the cost of np.searchsorted's wrapper, and this runs for every variant of every word of a page
        i = int(keys.searchsorted(keys.dtype.type(key)))
        return i if i < len(keys) and keys[i] == key else -1

    def _unigram(self, w: int) -> float:
        # add-one on continuation counts: a syllable never seen after another still has a chance
        return (self._continuation[w] + 1.0) / (self._continuation_total + self.size)

    def _bigram(self, v: int, w: int) -> float:
        total, follow = (float(x) for x in self._ctx1[v])
        if total == 0:
            return self._unigram(w)
        d = float(self._discount[0])
        i = self._find(self._bi_keys, v * self.size + w)
        seen = max(float(self._bi_counts[i]) - d, 0.0) if i >= 0 else 0.0
        return (seen + d * follow * self._unigram(w)) / total

    def _logprob(self, u: str, v: str, w: str) -> float:
        """log P(w | u v), natural log."""
        iu, iv, iw = self._id(u), self._id(v), self._id(w)
        lower = self._bigram(iv, iw)
        j = self._find(self._ctx2_keys, iu * self.size + iv)
        if j < 0:
            return math.log(lower)
        total, follow = (float(x) for x in self._ctx2[j])
        d = float(self._discount[1])
        i = self._find(self._tri_keys, (iu * self.size + iv) * self.size + iw)
        seen = max(float(self._tri_counts[i]) - d, 0.0) if i >= 0 else 0.0
        return math.log((seen + d * follow * lower) / total)

    def _frequency(self, w: int) -> float:
        """P(w) with no context known (add-one on how often w is followed by anything)."""
        return (float(self._ctx1[w, 0]) + 1.0) / (self._tokens + self.size)

    def _left(self, u: str | None, v: str | None, w: str) -> float:
        if v is None:
            return math.log(self._frequency(self._id(w)))
        if u is None:
            return math.log(self._bigram(self._id(v), self._id(w)))
        return self.logprob(u, v, w)

    def sequence(self, tokens: list[str]) -> float:
        """log P of a run of raw tokens (as `classify` reads them), from a boundary: to compare two readings
        of the same run."""
        u, v, total = BOUNDARY, BOUNDARY, 0.0
        for token in tokens:
            seen = classify(token)
            if seen.cut_before:  # punctuation ends the context, as in `contexts`
                u, v = BOUNDARY, BOUNDARY
            total += self.logprob(u, v, seen.lm) + (0.0 if seen.lm in self.index else UNSEEN_SYLLABLE)
            u, v = (v, seen.lm) if not seen.cut_after else (BOUNDARY, BOUNDARY)
        return total

    def score(self, context: tuple, word: str) -> float:
        """log P of the tokens around a position with `word` in the middle (only the terms that change with
        it); a context of None is unknown and adds no term."""
        l2, l1, _, r1, r2 = context
        s = 0.0 if word in self.index else UNSEEN_SYLLABLE
        s += self._left(l2, l1, word)
        if r1 is not None:  # r1 may be the end of the run
            s += self._left(l1, word, r1)
            if r1 != BOUNDARY and r2 is not None:
                s += self.logprob(word, r1, r2)
        return s


@functools.lru_cache(maxsize=1)
def model() -> SyllableLM | None:
    """The packaged model, or None when it is not there (then nothing is corrected)."""
    return SyllableLM() if MODEL_PATH.is_file() else None
