"""Field extraction: classify the document by profile, read label-anchored values, type and validate
them, and decide how long the document is valid.

Values are read on the label's line (up to the next label on that line) or, when the label stands alone,
on the next line within the label's column. Every field says how sure we are: `valid` (validators passed)
and `needs_review` (low OCR confidence, failed validator, or a required field not found).
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from typing import Sequence

from rapidfuzz import fuzz

from digitize.vn import identifiers as ids
from digitize.vn import plausibility
from digitize.model import Extraction, Field, PageResult
from digitize.profiles.loader import FieldSpec, Profile, ProfileSet
from digitize.stages.extract import locate as loc
from digitize.stages.extract.lines import (LabelHit, Line, Tok, build_lines, clean_value, find_label,
                                          key_tokens, span_box, value_tokens)
from digitize.vn.text import fix_family_name, fold, title_name

_HONORIFIC = re.compile(r"^\s*(ông\s*/\s*bà|ông|bà|anh|chị)\b[\s:.]*", re.IGNORECASE)
_ENUM = re.compile(r"^([-–•+*]|\d{1,2}[.)]|[a-zđ][.)]|[IVX]{1,4}\.)$")
LOW_CONFIDENCE = 60.0  # mean word confidence (0..100) under which a value needs review
# Field type (or locator) -> the plausibility domain its values are checked against.
_PLAUSIBILITY = {"name": "name", "address": "address", "issuer": "issuer", "text": "text",
                 "title": "text", "subject": "text"}


# --- classification ------------------------------------------------------------------------------
def classify(lines: Sequence[Line], profiles: ProfileSet) -> tuple[str, float, str]:
    """(profile id, score 0..1, reason). Titles must fill a whole line; keywords may be anywhere;
    both are compared diacritic-folded with a fuzzy ratio so that OCR noise does not break them."""
    folded = [ln.folded() for ln in lines]
    best, best_score = "generic", 0.0
    for p in profiles:
        if p.id == "generic" or not (p.titles or p.keywords):
            continue
        total = sum(k.weight for k in p.titles) / max(1, len(p.titles)) + sum(k.weight for k in p.keywords)
        got = 0.0
        title_hits = [fuzz.ratio(" ".join(key_tokens(k.text)), f) for k in p.titles for f in folded[:60]]
        if title_hits and max(title_hits) >= 88:
            got += max(k.weight for k in p.titles)
        for k in p.keywords:
            kk = " ".join(key_tokens(k.text))
            if any(kk in f for f in folded) or any(fuzz.partial_ratio(kk, f) >= 90 for f in folded if len(f) >= len(kk)):
                got += k.weight
        score = got / total if total else 0.0
        if score > best_score:
            best, best_score = p.id, score
    if best == "generic" or best_score < profiles[best].threshold:
        name = best if best != "generic" else "none"
        return "generic", best_score, f"generic: no profile reached its threshold (best {name} {best_score:.2f})"
    return best, best_score, ""


# --- label-anchored values ---------------------------------------------------------------------
def _label_hits(lines: Sequence[Line], profile: Profile) -> dict[str, list[LabelHit]]:
    """All label hits, overlaps resolved in favour of the longest (most specific) label."""
    cands: list[tuple[FieldSpec, LabelHit]] = []
    for spec in profile.fields:
        for label in spec.labels:
            keys = key_tokens(label)
            for ln in lines:
                for h in find_label(ln, keys, label):
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


def _starts_block(nxt: Line) -> bool:
    """A line that opens something new: '- ', 'II.', 'a)', 'Điều 2.', or a 'Label:' near its start."""
    first = nxt.toks[0].text
    return bool(_ENUM.match(first)) or nxt.folded().startswith("dieu ") or \
        any(t.text.endswith(":") for t in nxt.toks[:8])


def _below(lines: Sequence[Line], ln: Line, x0: float, x1: float) -> Line | None:
    """The next line under `ln` on the same page that overlaps the column x0..x1."""
    for nxt in lines[ln.index + 1 : ln.index + 12]:
        if nxt.page != ln.page or nxt.box[1] < ln.box[1] + 0.5 * (ln.box[3] - ln.box[1]):
            continue
        if nxt.box[0] < x1 and nxt.box[2] > x0:
            return nxt
    return None


def _right_edge(lines: Sequence[Line], ln: Line, x0: float) -> int:
    """Where lines of this column end when a paragraph wraps (the widest nearby line)."""
    near = [o.box[2] for o in lines[max(0, ln.index - 15) : ln.index + 15]
            if o.page == ln.page and o.box[0] >= x0 - 0.03 * ln.page_w]
    return max(near or [ln.box[2]])


def _value_for(hit: LabelHit, lines: Sequence[Line], starts: dict[int, list[int]], spec: FieldSpec) -> list[Tok]:
    ln = hit.line
    stops = [s for s in starts.get(ln.index, []) if s > hit.start]
    stop = min(stops) if stops else len(ln.toks)
    stop = min(stop, _next_label(ln, hit.end))
    toks = value_tokens(ln, hit.end, stop)
    x0 = ln.toks[hit.start].word.box[0] - 0.02 * ln.page_w
    x1 = ln.toks[stop].word.box[0] if stop < len(ln.toks) else ln.page_w
    cur = ln
    if not toks:  # the label stands alone: the value is on the next line, in the label's column
        nxt = _below(lines, ln, x0, x1)
        if nxt is None or starts.get(nxt.index) or _starts_block(nxt) \
                or nxt.box[1] - ln.box[3] > 1.5 * (ln.box[3] - ln.box[1]):
            return []
        if not ln.box[0] - 0.02 * ln.page_w <= nxt.box[0] <= x0 + 0.04 * ln.page_w:
            return []  # an indented line under an empty label opens a new paragraph
        toks = value_tokens(nxt, 0, len(nxt.toks))
        cur = nxt
    extra = spec.lines - 1
    edge = _right_edge(lines, cur, x0)
    while extra > 0 and toks:
        nxt = _below(lines, cur, x0, x1)
        if nxt is None or starts.get(nxt.index) or _starts_block(nxt):
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


# --- typing and validation ---------------------------------------------------------------------
def _typed(spec: FieldSpec, raw: str) -> ids.Checked:
    t = spec.type
    text = clean_value(raw)
    if not text:
        return ids.Checked(None, False, "empty value")
    simple = {"cccd": ids.check_cccd, "cmnd": ids.check_cmnd, "tax_code": ids.check_tax_code,
              "dossier_code": ids.check_dossier_code, "procedure_code": ids.check_procedure_code,
              "document_number": ids.check_document_number, "parcel": ids.check_parcel,
              "map_sheet": ids.check_map_sheet, "register_entry": ids.check_register_entry,
              "area": ids.parse_area, "amount": ids.parse_amount, "year": ids.check_year}
    if t in simple:
        return simple[t](text)
    if t == "id_number":
        return ids.check_cccd(text) if len(ids.digits_only(text)) == 12 else ids.check_cmnd(text)
    if t == "date":
        if fold(text).startswith("khong thoi han"):
            return ids.Checked("Không thời hạn", True)
        return ids.check_date(text, "not_future" in spec.validators)
    if t == "sex":
        s = ids.normalise_sex(text)
        return ids.Checked(s, s is not None, "" if s else f"not a sex: {text!r}")
    if t == "number":
        m = re.search(r"\d+", text)
        return ids.Checked(m.group(0), True) if m else ids.Checked(None, False, "no number")
    if t in ("enum", "ethnicity"):
        values = spec.values if t == "enum" else ids.ETHNIC_GROUPS
        best = max(values, key=lambda v: fuzz.ratio(fold(v), fold(text)))
        ok = fuzz.ratio(fold(best), fold(text)) >= 80
        return ids.Checked(best if ok else text, ok, "" if ok else "not one of the listed values")
    if t == "term":
        if "lau dai" in fold(text):
            return ids.Checked("Lâu dài", True)
        return ids.check_date(text)
    if t == "name":
        text = _HONORIFIC.sub("", text)
        name = fix_family_name(title_name(re.sub(r"[^\w\s]", " ", text)))
        ok = 2 <= len(name.split()) <= 6 and not any(c.isdigit() for c in name)
        return ids.Checked(name, ok, "" if ok else "does not look like a full name")
    return ids.Checked(text, True)


def _confidence(toks: Sequence[Tok]) -> float:
    return sum(t.word.confidence for t in toks) / len(toks) if toks else 0.0


CLOSED_TYPES = ("sex", "enum", "ethnicity")


def _field(spec: FieldSpec, raw: str, toks: Sequence[Tok], page: int | None) -> Field:
    checked = _typed(spec, raw)
    conf = _confidence(toks)
    reasons = [checked.reason] if checked.reason else []
    value, doubtful = checked.value, False
    kind = _PLAUSIBILITY.get(spec.locate or "") or _PLAUSIBILITY.get(spec.type)
    if kind and isinstance(value, str) and checked.valid:
        # domain knowledge catches diacritics misread inside well-formed syllables; raw keeps what was read
        rev = plausibility.review(kind, value)
        value, doubtful = rev.value, bool(rev.doubts)
        reasons += [f"corrected {c}" for c in rev.corrections] + list(rev.doubts)
    # a value read exactly as one of a closed list ("Nữ", "Kinh") is confirmed by the list itself
    confirmed = spec.type in CLOSED_TYPES and checked.valid and clean_value(raw).casefold() == str(value).casefold()
    unsure = bool(toks and conf < LOW_CONFIDENCE and not confirmed)
    if unsure:
        reasons.append(f"low OCR confidence {conf:.0f}")
    return Field(name=spec.name, value=value, raw=clean_value(raw), confidence=conf, page=page,
                 box=span_box(toks) if toks else None, valid=checked.valid,
                 needs_review=not checked.valid or doubtful or unsure, reason="; ".join(reasons))


def _cross_checks(fields: dict[str, Field], profile: Profile) -> None:
    """Validators that look at several fields: CCCD vs date of birth and sex; dates after issue."""
    for spec in profile.fields:
        f = fields.get(spec.name)
        if f is None or f.value is None:
            continue
        if "cccd_matches_dob_sex" in spec.validators and spec.type == "cccd" and f.valid:
            dob = fields.get("ngay_sinh")
            sex = fields.get("gioi_tinh")
            c = ids.check_cccd(f.value, dob.value if dob and dob.valid else None, sex.value if sex and sex.valid else None)
            if not c.valid:
                fields[spec.name] = _replace(f, valid=False, needs_review=True, reason=c.reason)
        if "after_issue_date" in spec.validators:
            issued = fields.get("ngay_ban_hanh")
            if issued and issued.valid and isinstance(f.value, str) and f.value < str(issued.value):
                fields[spec.name] = _replace(f, valid=False, needs_review=True, reason="before the issue date")


def _replace(f: Field, **kw) -> Field:
    from dataclasses import replace

    return replace(f, **kw)


def _missing(spec: FieldSpec) -> Field:
    return Field(name=spec.name, value=None, raw="", confidence=0.0, valid=False, needs_review=True,
                 reason="required field not found")


def extract_fields(lines: Sequence[Line], profile: Profile, pages: Sequence[PageResult] = ()) -> list[Field]:
    hits = _label_hits(lines, profile)
    starts: dict[int, list[int]] = {}
    for hs in hits.values():
        for h in hs:
            starts.setdefault(h.line.index, []).append(h.start)
    fields: dict[str, Field] = {}
    for spec in profile.fields:
        if spec.locate:
            found = loc.LOCATORS[spec.locate](lines)
            second_look = False
            if found is None and spec.locate == "signer" and pages:
                found, second_look = loc.signer_from_image(pages, lines), True
            if found and found.raw:
                f = _field(spec, found.raw, found.toks, found.page)
                if second_look:  # read under a seal or signature: a person should confirm it
                    f = _replace(f, needs_review=True, reason="; ".join(
                        r for r in (f.reason, "read again under seal/signature") if r))
                fields[spec.name] = f
            continue
        hs = hits.get(spec.name, [])
        for h in hs[spec.occurrence - 1 :]:
            toks = _value_for(h, lines, starts, spec)
            if toks:
                fields[spec.name] = _field(spec, " ".join(t.text for t in toks), toks, h.line.page)
                break
    if profile.generic_pairs:
        for name, found in loc.label_pairs(lines):
            if name and name not in fields and found.raw:
                fields[name] = _field(FieldSpec(name=name, labels=(name,)), found.raw, found.toks, found.page)
    _cross_checks(fields, profile)
    out = [fields[s.name] if s.name in fields else _missing(s) for s in profile.fields
           if s.name in fields or s.required]
    out += [f for n, f in fields.items() if profile.field(n) is None]
    return out


# --- validity ------------------------------------------------------------------------------------
def add_months(iso: str, months: int) -> str:
    d = _dt.date.fromisoformat(iso)
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return _dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1])).isoformat()


def validity(profile: Profile, fields: Sequence[Field]) -> tuple[str | None, str]:
    v = profile.validity
    by = {f.name: f for f in fields}
    desc = v.describe()
    if v.rule == "expiry_field":
        f = by.get(v.field or "")
        if f and f.valid and f.value:
            if not re.match(r"\d{4}-\d{2}-\d{2}$", str(f.value)):
                return None, f"{desc}: {f.value} (no expiry)"
            return str(f.value), f"{desc} ({v.field})"
        return None, f"{desc}: {v.field} not read"
    if v.rule == "duration":
        f = by.get(v.start or "")
        if f and f.valid and f.value:
            return add_months(str(f.value), v.months), desc
        return None, f"{desc}: {v.start} not read"
    if v.rule == "term_field":
        f = by.get(v.field or "")
        if f and f.value:
            if "lau dai" in fold(str(f.value)) or f.value == "Lâu dài":
                return None, f"{desc}: permanent (Lâu dài)"
            iso = ids.check_date(str(f.value)).value
            if iso:
                return iso, desc
        return None, f"{desc}: term not read"
    return None, desc


def extract(pages: Sequence[PageResult], profiles: ProfileSet, profile: str = "auto",
            post_correct: bool = False) -> Extraction:
    lines = build_lines(pages, post_correct=post_correct)
    if profile == "auto":
        pid, score, reason = classify(lines, profiles)
    else:
        pid, score, reason = profiles[profile].id, 1.0, ""
    prof = profiles[pid]
    fields = extract_fields(lines, prof, pages)
    valid_until, rule = validity(prof, fields)
    if reason:
        rule = f"{reason}; {rule}" if rule and rule != "none" else reason
    return Extraction(doc_type=pid, score=round(score, 3), fields=tuple(fields), valid_until=valid_until,
                      validity_rule=rule)
