"""Is a field value plausible for its type? Flag what is likely misread, correct what is surely misread.

Tesseract's commonest error on Vietnamese values is a wrong diacritic inside a well-formed syllable
('Cẩm' read 'Cấm', 'SỞ' read 'SƠ', 'Chi' read 'Chỉ'): the syllable is valid, so a spelling check cannot
see it, but the field's domain can. Three domains are checked:

- personal names: every syllable must be a known name syllable for its position (family, middle, given);
- addresses and issuing bodies: commune/ward and province names must be units after the 2025 reform;
- free text: runs of words that fold to exactly one known administrative phrase take its spelling.

A value is corrected only on strong evidence (exactly one known form with the same letters once the
diacritics are folded); otherwise it is flagged for review with a reason. Digits are never touched.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from digitize.messages import Message, msg
from digitize.vn import admin_units as au
from digitize.vn import lm
from digitize.vn.text import fold, is_syllable, match_key

_DATA = Path(__file__).resolve().parent / "data"
_CORE = re.compile(r"^(\W*)(.*?)(\W*)$", re.UNICODE)
ROLE_NAMES = {"F": "family", "M": "middle", "G": "given"}  # codes role.* and why.* of digitize.messages
# First words of an issuing body (Decree 30/2020 headers) that OCR reads with a wrong diacritic
# ('SƠ TÀI CHÍNH'); folded -> spelling. Used only as the first word of an issuer.
AGENCY_WORDS = {"so": "sở", "bo": "bộ", "cuc": "cục", "phong": "phòng", "vien": "viện", "toa": "tòa"}


@dataclass(frozen=True)
class Review:
    value: str
    corrections: tuple[Message, ...] = ()  # reason.corrected: 'Cấm Thủy -> Cẩm Thủy (commune of Thanh Hóa)'
    doubts: tuple[Message, ...] = ()  # reasons a person should look at the value


def _like(model: str, word: str) -> str:
    """`word` in the letter case of `model` (upper, title or lower)."""
    letters = [c for c in model if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and (len(letters) > 1 or not word[1:]):
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:].lower()
    return word.lower()


def _split(token: str) -> tuple[str, str, str]:
    m = _CORE.match(token)
    assert m is not None
    return m.group(1), m.group(2), m.group(3)


def _letters_only(core: str) -> bool:
    return bool(core) and all(c.isalpha() for c in core)


# --- personal names --------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def name_lexicon() -> dict[str, dict[str, dict[str, bool]]]:
    """folded syllable -> {spelling (match_key) -> {role letter -> common?}}."""
    out: dict[str, dict[str, dict[str, bool]]] = {}
    for line in (_DATA / "name_syllables.txt").read_text("utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        roles = out.setdefault(fold(parts[0]), {}).setdefault(match_key(parts[0]), {})
        for r in "".join(parts[1:]):
            roles[r.upper()] = roles.get(r.upper(), False) or r.isupper()
    return out


def _positions(n: int) -> list[str]:
    """Roles a syllable may have by position: family first, given last, middle names between
    (a middle syllable may also be a given-name syllable: 'Đỗ Minh Đức Long')."""
    if n == 1:
        return ["G"]
    return ["F"] + ["MG"] * (n - 2) + ["G"]


def check_name(name: str) -> Review:
    words = name.split()
    fixes: list[Message] = []
    doubts: list[Message] = []
    lex = name_lexicon()
    for i, (word, allowed) in enumerate(zip(words, _positions(len(words)))):
        pre, core, post = _split(word)
        if not _letters_only(core):
            continue
        forms = lex.get(fold(core), {})
        known = forms.get(match_key(core), {})
        if any(r in known for r in allowed):
            continue
        cands = {f: any(roles.get(r) for r in allowed) for f, roles in forms.items()
                 if any(r in roles for r in allowed)}
        # most telling first: common in the position's main role, common in any allowed role, any form
        tiers = ([f for f in cands if forms[f].get(allowed[0])], [f for f, c in cands.items() if c], list(cands))
        pick = next((t for t in tiers if t), [])
        role = ROLE_NAMES[allowed[0]]
        if len(pick) == 1:
            fixed = _like(core, pick[0])
            words[i] = pre + fixed + post
            fixes.append(msg("reason.corrected", read=core, fixed=fixed, why=msg(f"why.{role}")))
        else:
            doubts.append(msg("reason.unusual_syllable", syllable=core, role=msg(f"role.{role}")))
    return Review(" ".join(words), tuple(fixes), tuple(doubts))


# --- administrative phrases ------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def phrase_index() -> tuple[dict[tuple[str, ...], set[str]], int]:
    """folded word tuple -> spellings; and the longest phrase's word count. One-word phrases are left
    out: a single syllable rarely has one spelling only."""
    index: dict[tuple[str, ...], set[str]] = {}
    for line in (_DATA / "admin_phrases.txt").read_text("utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if len(text.split()) >= 2:
            index.setdefault(tuple(fold(text).split()), set()).add(match_key(text))
    return index, max((len(k) for k in index), default=0)


def fix_phrases(text: str) -> Review:
    index, longest = phrase_index()
    toks = text.split()
    parts = [_split(t) for t in toks]
    fixes = []
    i = 0
    while i < len(toks):
        step = 1
        for n in range(min(longest, len(toks) - i), 1, -1):
            span = parts[i : i + n]
            # letters only, and no punctuation inside the run (a comma ends a phrase)
            if not all(_letters_only(c) for _, c, _ in span) or any(p for _, _, p in span[:-1]) \
                    or any(p for p, _, _ in span[1:]):
                continue
            forms = index.get(tuple(fold(c) for _, c, _ in span))
            if not forms:
                continue
            step = n
            form = next(iter(forms))
            read = " ".join(c for _, c, _ in span)
            new = [_like(c, w) for (_, c, _), w in zip(span, form.split())]
            if len(forms) == 1 and match_key(read) != form and not _read_is_likelier(toks, i, new):
                for k, ((pre, _, post), w) in enumerate(zip(span, new)):
                    toks[i + k] = pre + w + post
                fixes.append(msg("reason.corrected", read=read, fixed=" ".join(new), why=msg("why.phrase")))
            break
        i += step
    return Review(" ".join(toks), tuple(fixes))


VETO_MARGIN = 3.0  # nats: the phrase's spelling must be this much likelier in context than the reading


def _read_is_likelier(toks: list[str], start: int, new: list[str]) -> bool:
    """The veto of a phrase correction: the words as read are all syllables and, in the value's own context,
    the syllable model does not favour the phrase's spelling by VETO_MARGIN (`khẩn cấp đối với` is no `cấp
    đổi`). Without the model a valid reading is kept."""
    read = [_split(t)[1] for t in toks[start:start + len(new)]]
    if not all(is_syllable(w) for w in read):
        return False  # the reading is no word: the phrase is the only reading there is
    model = lm.model()
    if model is None:
        return True
    window = slice(max(0, start - 2), min(len(toks), start + len(new) + 2))
    before = toks[window]
    after = list(before)
    for k, w in enumerate(new):
        after[start - window.start + k] = w
    return model.sequence(after) - model.sequence(before) < VETO_MARGIN


# --- addresses and issuing bodies -------------------------------------------------------------------
# (folded words, kind, exactly spelled words)
_KINDS = [(tuple(fold(k).split()), k, tuple(match_key(k).split())) for k in au.COMMUNE_TYPES + au.PROVINCE_TYPES] \
    + [(("tp",), "thành phố", ("tp",))]


def _kind_at(words: list[str], i: int, strict: bool = False) -> tuple[str, int] | None:
    """The unit kind printed at words[i:] ('xã', 'thành phố', ...) and how many words it takes.
    `strict` asks for the exact spelling (inside a part, 'Phượng' of 'Đan Phượng' is no 'phường')."""
    keys = [match_key(w.strip(".,:;")) if strict else fold(w).strip(".,:;") for w in words]
    for key, kind, exact in _KINDS:
        want = exact if strict else key
        if tuple(keys[i : i + len(want)]) == want:
            if kind == "xã" and i > 0 and fold(words[i - 1]) == "thi":
                return None  # 'thị xã', an abolished level
            return kind, len(want)
    return None


def _is_old(text: str) -> bool:
    f = " " + re.sub(r"[^\w\s]", " ", fold(text)) + " "
    return any(f" {lvl} " in f for lvl in au.OLD_LEVELS)


def _check_unit(words: list[str], start: int, end: int, kind: str, pool, where: Message | str,
                fixes: list[Message], doubts: list[Message]) -> None:
    """Check the unit name words[start:end] against `pool`; fix it in place or note a doubt."""
    cores = [_split(w) for w in words[start:end]]
    if not cores or not all(_letters_only(c) for _, c, _ in cores):
        return
    read = " ".join(c for _, c, _ in cores)
    how, known = au.lookup(read, pool, kind)
    if how is au.Match.FIXED and known is not None and len(known.split()) == len(cores):
        new = [_like(c, w) for (_, c, _), w in zip(cores, known.split())]
        for k, ((pre, _, post), w) in enumerate(zip(cores, new)):
            words[start + k] = pre + w + post
        fixes.append(msg("reason.corrected", read=read, fixed=" ".join(new), why=msg("why.unit", kind=kind, where=where)))
    elif how is au.Match.AMBIGUOUS:
        doubts.append(msg("reason.unit_ambiguous", kind=kind, read=read))
    elif how is au.Match.UNKNOWN:
        doubts.append(msg("reason.unit_unknown", kind=kind, read=read, where=where))


def check_address(text: str) -> Review:
    """Commune/ward within its province, and the province, against the 2025 units. Addresses that name
    an abolished level (huyện, quận, thị xã, thị trấn) predate the reform and are not checked."""
    if not au.provinces() or _is_old(text):
        return Review(text)
    words = text.split()
    # units: a kind word at the start of a comma part, or inside one after a name ('xã A tỉnh B')
    starts: list[tuple[int, str, int]] = []
    part_start = 0
    for i, w in enumerate(words):
        k = _kind_at(words, i, strict=i != part_start)
        if k and (i == part_start or (starts and i >= starts[-1][0] + starts[-1][2] + 1)):
            starts.append((i, k[0], k[1]))
        if w.endswith(","):
            part_start = i + 1
    units = []
    for j, (i, kind, n) in enumerate(starts):
        end = starts[j + 1][0] if j + 1 < len(starts) else len(words)
        for e in range(i + n, end):  # the name ends at its comma
            if words[e].endswith(","):
                end = e + 1
                break
        units.append((i + n, end, kind))
    fixes: list[Message] = []
    doubts: list[Message] = []
    province = None
    prov = [u for u in units if u[2] in au.PROVINCE_TYPES]
    if prov:
        a, b, kind = prov[-1]
        _check_unit(words, a, b, kind, au.province_units(), "", fixes, doubts)
        province = au.find_province(" ".join(_split(w)[1] for w in words[a:b]))
    for a, b, kind in units:
        if kind in au.COMMUNE_TYPES:
            pool = province.communes if province else au.all_communes()
            where = msg("where.province", province=province.unit.name) if province else msg("where.country")
            _check_unit(words, a, b, kind, pool, where, fixes, doubts)
    return Review(" ".join(words), tuple(fixes), tuple(doubts))


def check_issuer(text: str) -> Review:
    """An issuing body: its first agency word ('SƠ' -> 'SỞ'), and a commune or province it names
    ('ỦY BAN NHÂN DÂN XÃ CẤM THỦY')."""
    words = text.split()
    fixes: list[Message] = []
    doubts: list[Message] = []
    if len(words) >= 2:
        pre, core, post = _split(words[0])
        want = AGENCY_WORDS.get(fold(core))
        if want and _letters_only(core) and match_key(core) != want:
            words[0] = pre + _like(core, want) + post
            fixes.append(msg("reason.corrected", read=core, fixed=words[0], why=msg("why.agency")))
    if au.provinces() and not _is_old(text):
        for i in range(1, len(words)):
            # after 'ỦY BAN NHÂN DÂN' / 'UBND' / 'CÔNG AN' the kind may be misread; elsewhere it must be exact
            k = _kind_at(words, i, strict=fold(words[i - 1]) not in ("dan", "ubnd", "an"))
            if k and i + k[1] < len(words):
                kind, n = k
                pool = au.province_units() if kind in au.PROVINCE_TYPES else au.all_communes()
                _check_unit(words, i + n, len(words), kind, pool, msg("where.country"), fixes, doubts)
                break
    return Review(" ".join(words), tuple(fixes), tuple(doubts))


# --- one entry point for the extractor -------------------------------------------------------------
def review(kind: str, value: str) -> Review:
    """kind: 'name', 'address', 'issuer' or 'text' (anything else is returned unchanged)."""
    if kind == "name":
        return check_name(value)
    if kind not in ("address", "issuer", "text"):
        return Review(value)
    first = fix_phrases(value)
    second = {"address": check_address, "issuer": check_issuer}.get(kind, Review)(first.value)
    return Review(second.value, first.corrections + second.corrections, first.doubts + second.doubts)
