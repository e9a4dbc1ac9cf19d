"""Values at a profile's own labels (several spellings, fuzzy): on the label's line up to the next label, or,
when the label stands alone, on the next line within its column; continued over `lines` lines."""
from __future__ import annotations

from typing import Sequence

from digitize.profiles.loader import FieldSpec, Profile
from digitize.stages.extract.lines import (
    LabelHit,
    Line,
    Tok,
    WindowIndex,
    below,
    find_label,
    key_tokens,
    right_edge,
    starts_block,
    value_tokens,
)


def label_hits(lines: Sequence[Line], profile: Profile) -> dict[str, list[LabelHit]]:
    """All label hits, overlaps resolved in favour of the longest (most specific) label."""
    cands: list[tuple[FieldSpec, LabelHit]] = []
    index = WindowIndex(lines)
    for spec in profile.fields:
        for label in spec.labels:
            for h in find_label(index, key_tokens(label), label):
                cands.append((spec, h))
    cands.sort(key=lambda c: (-c[1].n_keys, -c[1].score))
    taken: dict[int, set[int]] = {}
    out: dict[str, list[LabelHit]] = {}
    for spec, h in cands:
        used = taken.setdefault(h.line.index, set())
        span = set(range(h.start, h.end))
        if used & span:
            continue
        used |= span
        out.setdefault(spec.name, []).append(h)
    for hits in out.values():
        hits.sort(key=lambda h: (h.line.index, h.start))
    return out


def _next_label(ln: Line, start: int) -> int:
    """Index where another printed 'Label:' begins on the line after a wide gap (a label this
    profile does not know still ends the value before it)."""
    for p in range(start + 1, len(ln.toks)):
        gap = ln.toks[p].word.box[0] - ln.toks[p - 1].word.box[2]
        if gap > 0.02 * ln.page_w and any(t.text.endswith(":") for t in ln.toks[p : p + 6]):
            return p
    return len(ln.toks)


def value_for(hit: LabelHit, lines: Sequence[Line], starts: dict[int, list[int]], spec: FieldSpec) -> list[Tok]:
    ln = hit.line
    stops = [s for s in starts.get(ln.index, []) if s > hit.start]
    stop = min(stops) if stops else len(ln.toks)
    stop = min(stop, _next_label(ln, hit.end))
    toks = value_tokens(ln, hit.end, stop)
    x0 = ln.toks[hit.start].word.box[0] - 0.02 * ln.page_w
    x1 = ln.toks[stop].word.box[0] if stop < len(ln.toks) else ln.page_w
    cur = ln
    if not toks:  # the label stands alone: the value is on the next line, in the label's column
        nxt = below(lines, ln, x0, x1)
        if nxt is None or starts.get(nxt.index) or starts_block(nxt) \
                or nxt.box[1] - ln.box[3] > 1.5 * (ln.box[3] - ln.box[1]):
            return []
        if not ln.box[0] - 0.02 * ln.page_w <= nxt.box[0] <= x0 + 0.04 * ln.page_w:
            return []  # an indented line under an empty label opens a new paragraph
        toks = value_tokens(nxt, 0, len(nxt.toks))
        cur = nxt
    extra = spec.lines - 1
    edge = right_edge(lines, cur, x0)
    while extra > 0 and toks:
        nxt = below(lines, cur, x0, x1)
        if nxt is None or starts.get(nxt.index) or starts_block(nxt):
            break
        first = nxt.toks[0].word.box
        height = cur.box[3] - cur.box[1]
        wrapped = cur.box[2] + 0.6 * height + (first[2] - first[0]) > edge - 0.01 * ln.page_w
        if not wrapped or nxt.box[1] - cur.box[3] > 1.2 * height:
            break  # a paragraph continues only when its line was full
        word = nxt.toks[0].text
        if not (toks[-1].text.endswith((",", "-")) or word[:1].islower() or len(nxt.toks) <= 3):
            break  # a new sentence, not the rest of this value
        toks += value_tokens(nxt, 0, len(nxt.toks))
        cur = nxt
        extra -= 1
    return toks


