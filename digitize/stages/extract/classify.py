"""Which profile a document is, with a margin: the best and the runner-up are both recorded, and a
best that does not clear its threshold and the runner-up by MARGIN leaves the document `generic`, with
the best as a candidate (never silently the nearest profile)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz, process

from digitize.profiles.loader import Profile, ProfileSet
from digitize.stages.extract import official
from digitize.stages.extract.lines import Line, key_tokens

MARGIN = 0.2  # score the best profile must lead the runner-up by
NO_TITLE = 0.6  # share of the keyword score a profile keeps when none of its titles is printed


@dataclass(frozen=True)
class Classification:
    doc_type: str
    score: float
    candidate: str = ""  # the best profile when it did not win clearly
    runner_up: str = ""
    runner_up_score: float = 0.0
    reason: str = ""


def profile_score(folded: Sequence[str], p: Profile) -> float:
    """Share of the profile's weight found: titles must fill a whole line; keywords may be anywhere; both
    compared diacritic-folded with a fuzzy ratio so that OCR noise does not break them."""
    total = sum(k.weight for k in p.titles) / max(1, len(p.titles)) + sum(k.weight for k in p.keywords)
    got = 0.0
    titled = any(fuzz.ratio(" ".join(key_tokens(k.text)), f, score_cutoff=88) for k in p.titles
                 for f in folded[:60])
    if titled:
        got += max(k.weight for k in p.titles)
    text = "\n".join(folded)  # one substring search instead of one per line (a key holds no newline)
    for k in p.keywords:
        kk = " ".join(key_tokens(k.text))
        # the fuzzy look over the lines in one call (rapidfuzz's C++ loop): this runs for every profile
        if kk in text or process.extractOne(kk, [f for f in folded if len(f) >= len(kk)],
                                            scorer=fuzz.partial_ratio, score_cutoff=90):
            got += k.weight
    if p.titles and not titled:
        got *= NO_TITLE  # keywords alone ('Căn cứ', 'Điều 1') are shared by every kind of official text
    return got / total if total else 0.0


def _other_kind(kind: str | None, p: Profile) -> bool:
    """The title names a kind of document (NGHỊ ĐỊNH) that none of the profile's titles is."""
    if not kind or not p.titles:
        return False
    k = " ".join(key_tokens(kind))
    return not any(" ".join(key_tokens(t.text)).startswith(k) or k.startswith(" ".join(key_tokens(t.text)))
                   for t in p.titles)


def classify(lines: Sequence[Line], profiles: ProfileSet) -> Classification:
    folded = [ln.folded() for ln in lines]
    found = official.kind(lines)
    kind = found.raw if found and found.toks else None
    scores = sorted(((0.0 if _other_kind(kind, p) else profile_score(folded, p), p.id) for p in profiles
                     if p.id != "generic" and (p.titles or p.keywords)), reverse=True)
    best_score, best = scores[0] if scores else (0.0, "")
    second_score, second = scores[1] if len(scores) > 1 else (0.0, "")
    runner_up_score = round(second_score, 3)
    if not best or best_score < profiles[best].threshold:
        return Classification("generic", best_score, best if best_score > 0 else "", runner_up=second, runner_up_score=runner_up_score,
                              reason=f"generic: no profile reached its threshold (best {best if best_score > 0 else 'none'} "
                                     f"{best_score:.2f})")
    if best_score - second_score < MARGIN:
        return Classification("generic", best_score, best, runner_up=second, runner_up_score=runner_up_score,
                              reason=f"generic: {best} {best_score:.2f} leads {second} {second_score:.2f} "
                                     f"by less than {MARGIN}")
    return Classification(best, best_score, "", runner_up=second, runner_up_score=runner_up_score)
