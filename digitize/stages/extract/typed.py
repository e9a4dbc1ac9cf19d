"""A value's type and checks: the normalised value from its printed text (dates in every printed form,
identifiers, phone numbers, e-mail, names, closed lists), plausibility against what the field can contain,
and whether a person must look at it (`needs_review` with the reason)."""
from __future__ import annotations

import re
from typing import Sequence

from rapidfuzz import fuzz

from digitize.messages import Message, msg
from digitize.model import Field
from digitize.profiles.loader import FieldSpec
from digitize.stages.extract import evidence
from digitize.stages.extract.lines import Tok, clean_value, span_box
from digitize.vn import identifiers as ids
from digitize.vn import plausibility
from digitize.vn import values as vals
from digitize.vn.admin_units import unit_words
from digitize.vn.text import fix_family_name, fold, is_syllable, title_name

_HONORIFIC = re.compile(r"^\s*(ông\s*/\s*bà|ông|bà|anh|chị)\b[\s:.]*", re.IGNORECASE)
LOW_CONFIDENCE = 60.0  # mean word confidence (0..100) under which a value needs review
# Field type (or locator) -> the plausibility domain its values are checked against.
_PLAUSIBILITY = {"name": "name", "address": "address", "issuer": "issuer", "text": "text",
                 "title": "text", "subject": "text", "authority": "text", "signer_title": "text"}


# a time printed with a date: '12 giờ 10 phút', '8h30', '08:30' (not part of a date: no '/' or '.' around)
_TIME = re.compile(r"(?<![\d/.:])(\d{1,2})\s*(?:giờ|[hg](?![^\W\d_]))\s*(\d{1,2})?(?:\s*phút|p(?![^\W\d_]))?(?![\d/])"
                   r"|(?<![\d/.:])(\d{1,2}):(\d{2})(?![\d/:])", re.IGNORECASE)


def with_time(checked: ids.Checked, text: str) -> ids.Checked:
    """A date that is printed with its time keeps it: '12 giờ 10 phút, ngày 06/06/2023' -> 2023-06-06T12:10."""
    m = _TIME.search(text)
    if checked.value is None or m is None:
        return checked
    hour, minute = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    h, mi = int(hour), int(minute or 0)
    if h > 23 or mi > 59:
        return checked
    return ids.Checked(f"{checked.value}T{h:02d}:{mi:02d}", checked.valid, checked.reason)


def typed_value(spec: FieldSpec, raw: str) -> ids.Checked:
    text = clean_value(raw)
    if not text:
        return ids.Checked(None, False, msg("reason.empty"))
    t = spec.type or vals.shape_type(text)
    if t in ("phone", "email"):
        return vals.check_phone(text) if t == "phone" else vals.check_email(text)
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
        return with_time(ids.check_date(text, "not_future" in spec.validators), text)
    if t == "sex":
        s = ids.normalise_sex(text)
        return ids.Checked(s, s is not None, None if s else msg("reason.sex_invalid", text=text))
    if t == "number":
        m = re.search(r"\d+", text)
        return ids.Checked(m.group(0), True) if m else ids.Checked(None, False, msg("reason.number_missing"))
    if t in ("enum", "ethnicity"):
        values = spec.values if t == "enum" else ids.ETHNIC_GROUPS
        best = max(values, key=lambda v: fuzz.ratio(fold(v), fold(text)))
        ok = fuzz.ratio(fold(best), fold(text)) >= 80
        return ids.Checked(best if ok else text, ok, None if ok else msg("reason.enum_unknown"))
    if t == "term":
        if "lau dai" in fold(text):
            return ids.Checked("Lâu dài", True)
        return ids.check_date(text)
    if t == "name":
        text = _HONORIFIC.sub("", text)
        name = fix_family_name(title_name(re.sub(r"[^\w\s]", " ", text)))
        ok = 2 <= len(name.split()) <= 6 and not any(c.isdigit() for c in name)
        return ids.Checked(name, ok, None if ok else msg("reason.name_shape"))
    return ids.Checked(text, True)


def confidence(toks: Sequence[Tok]) -> float:
    return sum(t.word.confidence for t in toks) / len(toks) if toks else 0.0


WEAK_WORD = 65.0  # word confidence under which one word of a value needs review, whatever the mean


def _weak_word(toks: Sequence[Tok]) -> Tok | None:
    """The least confident word with letters or digits, when it is under WEAK_WORD."""
    words = [t for t in toks if any(c.isalnum() for c in t.text)]
    weakest = min(words, key=lambda t: t.word.confidence, default=None)
    return weakest if weakest is not None and weakest.word.confidence < WEAK_WORD else None


CLOSED_TYPES = ("sex", "enum", "ethnicity")


def _acronym(word: str) -> bool:
    """UBND, HĐND, TTXH: short, upper case, no tone or vowel marks ('GLIÁM' is a misread word)."""
    return word.isupper() and len(word) <= 6 and all("A" <= c <= "Z" or c == "Đ" for c in word)


def _odd_word(text: str, kind: str = "") -> str | None:
    """A word of free text that no Vietnamese spelling allows ('4£MmH'): OCR garbage, or a foreign word a
    person should confirm. Acronyms (UBND, TTXH), codes with digits and, in addresses and authorities,
    the words of unit names ('Đắk Lắk', 'Ea Kiết') pass."""
    places = unit_words() if kind in ("address", "issuer") else frozenset()
    for tok in text.split():
        w = tok.strip(".,;:()[]\"'“”‘’-–/")
        if not w or w.isdigit() or w.lower() in places:
            continue
        if not all(c.isalnum() or c in "/-.&" for c in w):
            return w
        if w.isalpha() and not is_syllable(w) and not _acronym(w):
            if not all(is_syllable(p) for p in re.split(r"[-/]", w) if p):
                return w
    return None


def make_field(spec: FieldSpec, raw: str, toks: Sequence[Tok], page: int | None) -> Field:
    kind = _PLAUSIBILITY.get(spec.locate or "") or _PLAUSIBILITY.get(spec.type)
    marks_doubt = None
    if spec.type in evidence.OWN_MARKS or kind in evidence.OWN_MARKS:
        raw = evidence.with_own_marks(raw, toks)  # names, places, lists: the language model does not know them
    else:
        marks_doubt = evidence.ambiguous_marks(toks)
    checked = typed_value(spec, raw)
    conf = confidence(toks)
    reasons: list[Message] = [checked.reason] if checked.reason else []
    reasons += [marks_doubt] if marks_doubt else []
    value, doubtful = checked.value, bool(marks_doubt)
    if kind and isinstance(value, str) and checked.valid:
        # domain knowledge catches diacritics misread inside well-formed syllables; raw keeps what was read
        rev = plausibility.review(kind, value)
        value, doubtful = rev.value, doubtful or bool(rev.doubts)
        reasons += list(rev.corrections) + list(rev.doubts)
    odd = _odd_word(value, kind) if kind and isinstance(value, str) else None
    if odd:
        doubtful = True
        reasons.append(msg("reason.not_vietnamese", word=odd))
    # a value read exactly as one of a closed list ("Nữ", "Kinh") is confirmed by the list itself
    confirmed = spec.type in CLOSED_TYPES and checked.valid and clean_value(raw).casefold() == str(value).casefold()
    unsure = bool(toks and conf < LOW_CONFIDENCE and not confirmed)
    if unsure:
        reasons.append(msg("reason.low_confidence", confidence=round(conf)))
    elif not confirmed and (weak := _weak_word(toks)) is not None:
        unsure = True  # one word misread among well-read ones hides in the mean ('thôn Đồng,' for Đông)
        reasons.append(msg("reason.weak_word", word=weak.text, confidence=round(weak.word.confidence)))
    return Field(name=spec.name, value=value, raw=clean_value(raw), confidence=conf, page=page,
                 box=span_box(toks) if toks else None, valid=checked.valid,
                 needs_review=not checked.valid or doubtful or unsure, reasons=tuple(reasons))


