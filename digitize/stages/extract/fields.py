"""Field extraction: open-world, with the profile on top.

Every document gives its official header (issuing body, number, place and date, kind, subject, signer — by
layout, `official.py`) and every printed `Label: value` pair (`pairs.py`), named by the shared lexicon
(`lexicon.py`) and typed by label and value (`typed.py`). A profile, when the document is classified as one
(`classify.py`, with a margin), adds what it knows: its own label spellings, required fields, validators,
unlabelled positions, the validity rule (`validity.py`). It never removes what was read. Every value is right
or flagged: `needs_review` with the reason (low OCR confidence, failed validator, a conflict with another
field, an unusual layout such as a value read under its label or a label no lexicon knows).
"""
from __future__ import annotations

from dataclasses import replace
from typing import AbstractSet, Sequence

from digitize.messages import Message, msg
from digitize.model import Extraction, Field, PageResult
from digitize.profiles.loader import FieldSpec, Profile, ProfileSet
from digitize.stages.extract import lexicon, official, signblock
from digitize.stages.extract import locate as loc
from digitize.stages.extract.checks import cross_check
from digitize.stages.extract.classify import Classification, classify
from digitize.stages.extract.doubts import pair_doubts
from digitize.stages.extract.labels import label_hits, value_for
from digitize.stages.extract.lines import Line, build_lines, clean_value
from digitize.stages.extract.pairs import MAX_WRAP, Pair, read_pairs
from digitize.stages.extract.typed import make_field
from digitize.stages.extract.validity import validity
from digitize.vn.admin_units import known_place
from digitize.vn.values import shape_type

_field = make_field  # the older name, kept for callers




def _doubts(found: loc.Found | None) -> tuple[Message, ...]:
    """The doubts an official or header locator attached to what it found (the plain locators attach none)."""
    return tuple(getattr(found, "doubts", ()))


def _located(spec: FieldSpec, lines: Sequence[Line], pages: Sequence[PageResult]) -> Field | None:
    if spec.locate is None:  # only fields with a locator are looked for here
        raise ValueError(f"field {spec.name} has no locator")
    found = official.LOCATORS[spec.locate](lines)
    second_look = False
    if found is None and spec.locate == "signer" and pages:
        found, second_look = loc.signer_from_image(pages, signblock.signing_lines(lines)), True
    if found is not None and not found.raw and _doubts(found):
        return _unread(spec, found)  # written by hand and not read: the place is shown, nothing is guessed
    if not (found and found.raw):
        return None
    f = make_field(spec, found.raw, found.toks, found.page)
    if second_look or _in_regions(found, pages, "signer_block"):  # read under a seal or signature: to confirm
        f = f.flag(msg("reason.reread"))
    if _in_regions(found, pages, "handwriting", inside=False):  # digits the OCR read from a pen: always confirmed
        f = f.flag(msg("reason.handwritten"))
    f = f.flag(*_doubts(found)) if _doubts(found) else f  # e.g. a number or day written by hand
    return f


def _unread(spec: FieldSpec, found) -> Field:
    return Field(name=spec.name, value=None, raw="", confidence=0.0, page=found.page, box=found.box, valid=False,
                 needs_review=True, reasons=tuple(found.doubts))


def _in_regions(found, pages: Sequence[PageResult], kind: str, inside: bool = True) -> bool:
    """Whether a word of the value lies in (or, `inside=False`, overlaps) a region of that kind on its page: a
    signer block the OCR stage read again around a seal, digits it read from handwriting."""
    if not (found.toks and found.page and 1 <= found.page <= len(pages)):
        return False
    boxes = [r.box for r in pages[found.page - 1].ocr.regions if r.kind == kind]
    for t in found.toks:
        x0, y0, x1, y1 = t.word.box
        for b in boxes:
            if inside and b[0] <= x0 and x1 <= b[2] and b[1] <= y0 and y1 <= b[3]:
                return True
            if not inside and x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1:
                return True
    return False


def _profile_fields(lines, profile: Profile, pages, fields: dict[str, Field], taken: set[int]) -> None:
    hits = label_hits(lines, profile)
    starts: dict[int, list[int]] = {}
    for hs in hits.values():
        for h in hs:
            starts.setdefault(h.line.index, []).append(h.start)
    for spec in profile.fields:
        if spec.type == "text" and (lexicon_type := lexicon.type_of(spec.name)) in ("phone", "email"):
            spec = replace(spec, type=lexicon_type)  # the lexicon knows what these hold
        if spec.locate:
            f = _located(spec, lines, pages)
            if f is not None:
                fields[spec.name] = f
            continue
        for h in hits.get(spec.name, [])[spec.occurrence - 1 :]:
            toks = value_for(h, lines, starts, spec)
            if toks:
                fields[spec.name] = make_field(spec, " ".join(t.text for t in toks), toks, h.line.page)
                taken |= {id(t.word) for t in toks}
                break


def _header_fields(lines, profile: Profile, base: Profile | None, pages, fields: dict[str, Field]) -> None:
    """The official header parts the profile does not locate itself (from the generic profile)."""
    if base is None or base.id == profile.id:
        return
    have = {s.locate for s in profile.fields if s.locate}
    for spec in base.fields:
        if spec.locate and spec.locate not in have and spec.name not in fields:
            f = _located(spec, lines, pages)
            if f is not None:
                fields[spec.name] = f


def _unique(name: str, fields: AbstractSet[str]) -> str:
    k, out = 2, name
    while out in fields:
        out, k = f"{name}_{k}", k + 1
    return out


def _pair_field(p: Pair, name: str) -> Field:
    raw = " ".join(t.text for t in p.value_toks)
    typ = p.type or shape_type(raw)
    if not p.known and typ == "text" and known_place(clean_value(raw)):
        typ = "address"  # reads as an address of known units: checked as one, whatever its label
    spec = FieldSpec(name=name, labels=(p.label,), type=typ)
    f = make_field(spec, raw, p.value_toks, p.page)
    f = replace(f, label=p.label)
    if not p.known and spec.type == "text":
        f = f.flag(msg("reason.label_unknown", label=p.label))
    if p.under:
        f = f.flag(msg("reason.under_label"))
    if p.wrapped >= MAX_WRAP:
        f = f.flag(msg("reason.wrapped", lines=p.wrapped + 1))
    doubts = pair_doubts(p.type, p.value_toks, raw)
    return f.flag(*doubts) if doubts else f


def extract_fields(lines: Sequence[Line], profile: Profile, pages: Sequence[PageResult] = (),
                   base: Profile | None = None) -> list[Field]:
    fields: dict[str, Field] = {}
    taken: set[int] = set()
    _profile_fields(lines, profile, pages, fields, taken)
    _header_fields(lines, profile, base, pages, fields)
    for f in fields.values():
        taken |= official.tokens_in(lines, f)
    if profile.generic_pairs or base is not None:
        # names of the parts found by layout stay theirs: a printed 'Người ký:' elsewhere is another thing
        reserved = {s.name for s in (base or profile).fields if s.locate}
        skip = official.above_header(lines)
        for p in read_pairs(lines, taken):
            if p.line in skip:
                continue
            name = _unique(p.name, reserved | fields.keys())
            fields[name] = _pair_field(p, name)
    cross_check(fields, profile)
    out = [fields[s.name] if s.name in fields else _missing(s) for s in profile.fields
           if s.name in fields or s.required]
    out += [f for n, f in fields.items() if profile.field(n) is None]
    return out


def _missing(spec: FieldSpec) -> Field:
    return Field(name=spec.name, value=None, raw="", confidence=0.0, valid=False, needs_review=True,
                 reasons=(msg("reason.required_missing"),))


def extract(pages: Sequence[PageResult], profiles: ProfileSet, profile: str = "auto",
            post_correct: bool = False) -> Extraction:
    lines = build_lines(pages, post_correct=post_correct)
    if profile == "auto":
        c = classify(lines, profiles)
    else:
        c = Classification(profiles[profile].id, 1.0)
    prof = profiles[c.doc_type]
    base = profiles["generic"] if "generic" in profiles.profiles else None
    fields = extract_fields(lines, prof, pages, base)
    valid_until, rule = validity(prof, fields)
    if c.reason:
        rule = f"{c.reason}; {rule}" if rule and rule != "none" else c.reason
    return Extraction(doc_type=c.doc_type, score=round(c.score, 3), fields=tuple(fields), valid_until=valid_until,
                      validity_rule=rule, candidate=c.candidate, runner_up=c.runner_up,
                      runner_up_score=c.runner_up_score)
