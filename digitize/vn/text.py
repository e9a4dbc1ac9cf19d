"""Vietnamese text: NFC, tone-mark placement, folding, dates, names, syllable-aware OCR post-correction.

Display text is never rewritten except by `post_correct`; matching uses `match_key`/`fold`, which are
insensitive to the two accepted tone-placement styles ("hòa"/"hoà") and to Đ look-alikes.
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata
from pathlib import Path

# Combining tone marks (NFD): grave, acute, tilde, hook above, dot below.
TONES = {"\u0300": 2, "\u0301": 1, "\u0303": 4, "\u0309": 3, "\u0323": 5}
_TONE_MARK = {v: k for k, v in TONES.items()}
_MARKED = set("âăêôơư")  # vowels with a quality mark carry the tone
_VOWELS = set("aăâeêioôơuưy")
_D_FIXES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u0189": "\u0110"})


def nfc(text: str) -> str:
    """NFC plus the Đ look-alikes (Ð U+00D0, Ɖ U+0189, ð) mapped to Đ/đ."""
    return unicodedata.normalize("NFC", text).translate(_D_FIXES)


def _char_problem(ch: str, allowed: str) -> str | None:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate"
    if 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE:
        return "a noncharacter"
    if unicodedata.category(ch) == "Cc" and ch not in allowed:
        return "a control character"
    return None


def bad_character(text: str, allowed: str = "\n\t") -> str | None:
    """Why `text` cannot be kept as a value (XML, and so XMP, cannot hold it), or None: control characters
    other than those `allowed`, noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF...) and lone surrogates."""
    for i, ch in enumerate(text):
        if ch.isprintable() or ch in allowed:
            continue  # the common case, without the category look-up
        problem = _char_problem(ch, allowed)
        if problem:
            return f"{problem} U+{ord(ch):04X} at position {i + 1}"
    return None


@functools.lru_cache(maxsize=1 << 16)  # pure, and called on the same unit names for every value
def fold(text: str) -> str:
    """Lower case without any diacritics: 'Đồng Tháp' -> 'dong thap'."""
    text = nfc(text).replace("Đ", "D").replace("đ", "d")
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return stripped.lower()


def split_tone(syllable: str) -> tuple[str, int]:
    """'Hoà' -> ('Hoa', 2): the syllable without its tone mark (NFC) and tone 0..5."""
    tone = 0
    out = []
    for c in unicodedata.normalize("NFD", nfc(syllable)):
        if c in TONES:
            tone = TONES[c]
        else:
            out.append(c)
    return unicodedata.normalize("NFC", "".join(out)), tone


def _tone_index(base: str) -> int | None:
    """Index of the vowel that carries the tone in a toneless lower-case syllable (traditional style:
    hòa, thủy, quả, già)."""
    start = 0
    if base.startswith("qu"):
        start = 2
    elif base.startswith("gi") and len(base) > 2 and base[2] in _VOWELS:
        start = 2
    idx = [i for i in range(start, len(base)) if base[i] in _VOWELS]
    if not idx:
        idx = [i for i in range(len(base)) if base[i] in _VOWELS]  # "gì", "qu" alone
        if not idx:
            return None
    marked = [i for i in idx if base[i] in _MARKED]
    if marked:
        return marked[-1]  # "ươ" -> on ơ
    has_coda = idx[-1] < len(base) - 1
    if has_coda or len(idx) == 1:
        return idx[-1]
    if len(idx) >= 3:
        return idx[1]
    return idx[0]


def place_tone(base: str, tone: int) -> str:
    """Put `tone` on the right vowel of a toneless syllable, keeping the letters' case."""
    if tone == 0:
        return base
    i = _tone_index(base.lower())
    if i is None:
        return base
    decomposed = unicodedata.normalize("NFD", base[i]) + _TONE_MARK[tone]
    return base[:i] + unicodedata.normalize("NFC", decomposed) + base[i + 1 :]


def canonical_syllable(syllable: str) -> str:
    base, tone = split_tone(syllable)
    return place_tone(base, tone)


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def canonical(text: str) -> str:
    """NFC text with every syllable's tone mark in one consistent (traditional) position."""
    return _WORD.sub(lambda m: canonical_syllable(m.group(0)), nfc(text))


@functools.lru_cache(maxsize=1 << 16)
def match_key(text: str) -> str:
    """Key for exact matching that keeps diacritics: canonical tone placement, lower case, single spaces."""
    return " ".join(canonical(text).lower().split())


# --- syllable grammar: onset + rhyme + tone (stop codas take only sắc or nặng) ---------------------
_ONSETS = ("", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
           "nh", "p", "ph", "q", "r", "s", "t", "th", "tr", "v", "x")
_RHYMES = set("""
a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oc oi om on ong op ot oong ooc ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêng yêt yêu
oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oe oen oeo oet
uâ uân uâng uât uây uê uêch uênh uêt uy uych uynh uyp uyt uya uyên uyêt uyu uơ uya uyn
""".split())
_FRONT = ("e", "ê", "i", "y")
_STOPS = ("p", "t", "c", "ch")


def _onset_ok(onset: str, rhyme: str) -> bool:
    front = rhyme.startswith(_FRONT)
    if onset in ("c", "g", "ng") and front:
        return False
    if onset in ("k", "gh", "ngh") and not front:
        return False
    if onset == "q" and not rhyme.startswith("u"):
        return False
    return True


@functools.lru_cache(maxsize=200_000)
def is_syllable(word: str) -> bool:
    """True if `word` (any case) is a well-formed Vietnamese syllable (spelling rules, stop-coda tones)."""
    base, tone = split_tone(word)
    base = base.lower()
    if not base or not base.isalpha():
        return False
    for n in (3, 2, 1, 0):
        onset, rhyme = base[:n], base[n:]
        if onset not in _ONSETS:
            continue
        rhymes = [rhyme]
        if onset == "q" and rhyme.startswith("u"):
            rhymes += [rhyme[1:], "o" + rhyme[1:]]  # qua = qu + a, quan ~ oan
        if onset == "gi":
            rhymes.append("i" + rhyme)  # giêng = gi + iêng
        for r in rhymes:
            if r in _RHYMES and (_onset_ok(onset, r) or onset == "q"):
                if r.endswith(_STOPS) and tone not in (1, 5):
                    continue
                return True
    return False


# --- lexicon of attested syllables (derived file, see digitize/data/README.md) ---------------------
_DATA = Path(__file__).resolve().parent / "data"


@functools.lru_cache(maxsize=1)
def attested() -> frozenset[str]:
    path = _DATA / "syllables_vie.txt"
    if not path.exists():
        return frozenset()
    return frozenset(canonical(w) for w in path.read_text("utf-8").split())


def _variants(base_char: str) -> set[str]:
    """Characters an OCR engine confuses with `base_char` by diacritics only (same Latin letter)."""
    return _SAME_LETTER.get(fold(base_char), {base_char})


def _build_same_letter() -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    letters = "aăâeêioôơuưyđd"
    for ch in letters:
        for t in range(6):
            c = place_tone(ch, t) if ch in _VOWELS else ch
            groups.setdefault(fold(c), set()).add(c)
    return groups


_SAME_LETTER = _build_same_letter()
_ALPHABET = sorted({c for g in _SAME_LETTER.values() for c in g} | set("bcghklmnpqrstvx"))


def _candidates(word: str) -> dict[str, float]:
    """Valid attested syllables within one edit, with a cost: a diacritic change costs 0.5,
    anything else 1; also two diacritic changes (1.0), the commonest OCR error on Vietnamese."""
    lex = attested()
    out: dict[str, float] = {}

    def add(cand: str, cost: float) -> None:
        if cand != word and cand in lex and cost < out.get(cand, 9):
            out[cand] = cost

    n = len(word)
    diacritic_once = []
    for i in range(n):
        for c in _variants(word[i]):
            cand = word[:i] + c + word[i + 1 :]
            diacritic_once.append((i, cand))
            add(canonical(cand), 0.5)
    for i, first in diacritic_once:
        for j in range(i + 1, n):
            for c in _variants(first[j]):
                add(canonical(first[:j] + c + first[j + 1 :]), 1.0)
    for i in range(n):
        add(canonical(word[:i] + word[i + 1 :]), 1.0)
        for c in _ALPHABET:
            add(canonical(word[:i] + c + word[i + 1 :]), 1.0)
    for i in range(n + 1):
        for c in _ALPHABET:
            add(canonical(word[:i] + c + word[i:]), 1.0)
    return out


# Whole-syllable OCR confusions from VietOCR's vie.DangAmbigs (Apache-2.0, nguyenq/VietOCR3).
_AMBIGS = {"cũa": "của", "phãi": "phải", "vđi": "với"}


def _restore_case(model: str, word: str) -> str:
    if model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


_TOKEN = re.compile(r"\S+")
# a token as (leading punctuation, its letters, trailing punctuation); no match when it holds a digit
WORD_CORE = re.compile(r"^(\W*)([^\W\d_]+)(\W*)$", re.UNICODE)


def correct_word(token: str) -> str:
    """One whitespace token: replaced only if it is letters-only, not upper case (acronyms), not a
    valid syllable, and exactly one attested syllable is the cheapest repair."""
    m = WORD_CORE.match(token)
    if not m:
        return token  # digits, identifiers, mixed tokens are never touched
    pre, core, post = m.groups()
    if core.lower() in _AMBIGS:
        return pre + _restore_case(core, _AMBIGS[core.lower()]) + post
    if core.isupper() and len(core) > 1 or is_syllable(core) or not attested():
        return token
    word = canonical(core.lower())
    if word in attested():
        return token
    if word in _AMBIGS:
        return pre + _restore_case(core, _AMBIGS[word]) + post
    cands = _candidates(word)
    if not cands:
        return token
    best = min(cands.values())
    top = [c for c, v in cands.items() if v == best]
    if len(top) != 1 or best > 1.0:
        return token  # ambiguous: not strong evidence
    return pre + _restore_case(core, top[0]) + post


def post_correct(text: str) -> str:
    """Syllable-aware correction of OCR text; layout (spaces, newlines) is kept."""
    return _TOKEN.sub(lambda m: correct_word(m.group(0)), nfc(text))


# --- names -----------------------------------------------------------------------------------------
def title_name(text: str) -> str:
    """'NGUYỄN văn  an' -> 'Nguyễn Văn An' (NFC, single spaces)."""
    words = nfc(text).split()
    return " ".join(w[:1].upper() + w[1:].lower() for w in words)


# The commonest family names; OCR often misreads their tone ('Đỉnh' for 'Đinh'). Folded -> spelling.
FAMILY_NAMES = {fold(n): n for n in """Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý
Đinh Trịnh Lương Tạ Đào Đoàn Vương Trương Hà Mai Lâm Tô Cao Châu Quách Thái Kiều Triệu Lại La Mạc Chu
Tăng Giang Khúc Lục Văn Từ Thân Âu Nông Hứa Hầu Lưu Mạc Nghiêm Phùng Quan Tôn Thạch Lò Cù Diệp""".split()}


def fix_family_name(name: str) -> str:
    """Give a full name's first word the spelling of the family name it folds to, when it is a
    common family name whose diacritics OCR misread ('Định Phương Anh' -> 'Đinh Phương Anh')."""
    words = name.split()
    if len(words) >= 2:
        known = FAMILY_NAMES.get(fold(words[0]))
        if known and known != words[0] and known.lower() != words[0].lower():
            words[0] = known if not words[0].isupper() else known.upper()
    return " ".join(words)


# --- dates -----------------------------------------------------------------------------------------
_DATE_WORDS = re.compile(
    r"ng[aà]y\W{0,3}(\d{1,2})\W{0,3}th[aá]ng\W{0,3}(\d{1,2})\W{0,3}n[aă]m\W{0,3}(\d{4})", re.IGNORECASE)
_DATE_NUM = re.compile(r"(?<!\d)(\d{1,2})\s?[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{4})(?!\d)")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_UNITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
          "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_MONTH_WORDS = {"giêng": 1, "chạp": 12}


def _words_number(words: list[str]) -> int | None:
    """Vietnamese number words up to 9999: 'hai nghìn không trăm hai mươi lăm' -> 2025."""
    total, cur, seen = 0, 0, False
    digit: int | None = None  # a unit word waiting for its multiplier
    for w in words:
        if w in _UNITS:
            digit = _UNITS[w]
            seen = True
        elif w in ("mười", "mươi"):
            cur += 10 if w == "mười" else (digit or 0) * 10
            digit, seen = None, True
        elif w == "trăm":
            cur += (1 if digit is None else digit) * 100
            digit = None
        elif w in ("nghìn", "ngàn"):
            total += (cur + (digit or 0) or 1) * 1000
            cur, digit = 0, None
        elif w in ("linh", "lẻ", "và"):
            continue
        else:
            return None
    return total + cur + (digit or 0) if seen else None


def _date_in_words(text: str) -> _dt.date | None:
    key = canonical(text).lower()
    key = re.sub(r"[^\w\s]", " ", key)
    m = re.search(r"ngày (.+?) tháng (.+?) năm (.+)$", " ".join(key.split()))
    if not m:
        return None
    d = _words_number(m.group(1).split())
    mo = _MONTH_WORDS.get(m.group(2).strip()) or _words_number(m.group(2).split())
    y = _words_number(m.group(3).split())
    if d and mo and y:
        try:
            return _dt.date(y, mo, d)
        except ValueError:
            return None
    return None


def parse_date(text: str) -> str | None:
    """First date in `text`, any printed Vietnamese form (day first) -> ISO 'YYYY-MM-DD', else None.
    Impossible dates (31/02) give None."""
    t = nfc(text)
    for rx, order in ((_DATE_WORDS, "dmy"), (_DATE_NUM, "dmy"), (_DATE_ISO, "ymd")):
        for m in rx.finditer(t):
            a, b, c = (int(g) for g in m.groups())
            d, mo, y = (a, b, c) if order == "dmy" else (c, b, a)
            try:
                return _dt.date(y, mo, d).isoformat()
            except ValueError:
                continue
    found = _date_in_words(t)
    return found.isoformat() if found else None
