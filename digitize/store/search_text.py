"""The text side of search made for Vietnamese: which words a query asks for, and where they are in a
text, with no SQL. Shared by both catalog backends and by the pages that highlight the matches.

A word is a run of letters and digits (as sqlite's unicode61 tokenizer cuts words: "199/2026/NĐ-CP"
is 199, 2026, NĐ, CP). Words compare folded: NFC, no tone or vowel marks, đ as d, lower case, so
"Đà Nẵng", "ĐÀ NẴNG", its NFD form and "da nang" are the same two words. Every query word must be
in the document; the last one, from two letters on, may be the beginning of a word (people search
as they type).
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from digitize.errors import InputError
from digitize.vn.text import fold, nfc

WORD = re.compile(r"[^\W_]+")
MIN_PREFIX = 2  # letters of a last word before it is also taken as the start of longer words
MAX_TERMS = 16  # a query longer than this is cut: more words only narrow an AND search further
SNIPPET_CONTEXT = 70  # characters of text kept on each side of the first match
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # "from 22/04/2026" means that day at the one-stop desk


def indexable(text: str) -> str:
    """The text as the index sees it: NFC with đ/Đ as d/D (sqlite's remove_diacritics keeps đ, a
    letter of its own, not d with a mark); the tokenizer removes the other marks and the case."""
    return nfc(text or "").replace("Đ", "D").replace("đ", "d")


def index_words(text: str) -> str:
    """The words of `indexable(text)` separated by spaces (PostgreSQL's parser then sees only words)."""
    return " ".join(WORD.findall(indexable(text)))


@dataclass(frozen=True)
class Terms:
    """The folded words of a query; the last one also matches the words it begins. `typed`: each
    word as typed (lower case) when it carries marks, else "". With `exact`, a word typed with
    marks is marked only where it is written with them ("Hà Nội" marks "Nội", not "Nơi"); the
    index finds both, and a document that has only other spellings is marked by `loose()`."""

    words: tuple[str, ...]
    typed: tuple[str, ...] = ()
    exact: bool = False
    seen: dict[str, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)  # word -> hit

    @property
    def prefix(self) -> bool:
        """The last word is taken as the start of a word only from two letters on: one letter
        begins nearly every document (and FTS5 keeps no index of one-letter prefixes)."""
        return len(self.words[-1]) >= MIN_PREFIX

    def hit(self, word: str) -> bool:
        w = fold(word)
        if not self.exact:
            return w in self.words or (self.prefix and w.startswith(self.words[-1]))
        low = nfc(word).lower()
        last = len(self.words) - 1 if self.prefix else -1
        return any((low if t else w) == (t or f) or (i == last and (low if t else w).startswith(t or f))
                   for i, (f, t) in enumerate(zip(self.words, self.typed)))

    def loose(self) -> Terms:
        return Terms(self.words, self.typed, exact=False)

    def fts5(self) -> str:
        """An FTS5 MATCH expression: every word, the last as a prefix."""
        quoted = [f'"{w}"' for w in self.words]
        return " ".join(quoted) + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        """The same for PostgreSQL's to_tsquery."""
        return " & ".join(self.words) + (":*" if self.prefix else "")


def terms(query: str | None) -> Terms | None:
    """The query's words, or None when it has none (an empty or punctuation-only query)."""
    seen: dict[str, str] = {}
    for w in WORD.findall(nfc(query or "")):
        low = w.lower()
        seen.setdefault(fold(w), low if fold(w) != low else "")
    words = tuple(seen)[:MAX_TERMS]
    if not words:
        return None
    typed = tuple(seen[w] for w in words)
    return Terms(words, typed, exact=any(typed))


def fitting(query: Terms, texts: list[str]) -> Terms:
    """`query` when its words, as typed, are in one of `texts`; else the query that ignores marks
    (the document was found by another spelling)."""
    if query.exact and not any(_may_have(t or "", query) and spans(stored_nfc(t or ""), query, first=True)
                               for t in texts):
        return query.loose()
    return query


_LOOK_ALIKES = ("\u00d0", "\u00f0", "\u0189")  # what vn.text.nfc maps to Đ/đ besides NFC


def stored_nfc(text: str) -> str:
    """vn.text.nfc, without its work for text that is NFC already (page text is, and is long)."""
    if unicodedata.is_normalized("NFC", text) and not any(c in text for c in _LOOK_ALIKES):
        return text
    return nfc(text)


def _hit(query: Terms, word: str) -> bool:
    """query.hit, kept with the query: a page of legal text says the same few words again and again."""
    seen = query.seen
    if word not in seen:
        seen[word] = query.hit(word)
    return seen[word]


def _may_have(text: str, query: Terms) -> bool:
    """False when no word of the query can be in `text`: its letters without marks (all in C, no
    word by word) do not hold any of the folded words. True may still find nothing."""
    bare = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d")).encode("ascii", "ignore")
    bare_text = bare.decode().lower()
    return any(w in bare_text for w in query.words)


def spans(text: str, query: Terms, first: bool = False) -> list[tuple[int, int]]:
    """(start, end) of every run of matching words in `text` (NFC, as stored): "Đà Nẵng" is one.
    `first`: only the first run (the rest of a long page is not read)."""
    out: list[tuple[int, int]] = []
    for m in WORD.finditer(text):
        if not _hit(query, m.group()):
            if first and out:
                break
            continue
        if out and not text[out[-1][1]:m.start()].strip():
            out[-1] = (out[-1][0], m.end())
        else:
            out.append(m.span())
    return out


def marked(text: str, query: Terms | None, found: list[tuple[int, int]] | None = None) -> str:
    """The text as HTML with every matching word in <mark>."""
    text = stored_nfc(text or "")
    if query is None:
        return html.escape(text)
    out, at = [], 0
    for start, end in spans(text, query) if found is None else found:
        out += [html.escape(text[at:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def snippet(text: str, query: Terms, context: int = SNIPPET_CONTEXT) -> str | None:
    """A passage around the first match, as HTML with the matches marked; None without a match."""
    text = stored_nfc(text or "")
    found = spans(text, query, first=True) if _may_have(text, query) else []
    if not found:
        return None
    start = max(0, found[0][0] - context)
    end = min(len(text), found[0][1] + context)
    while 0 < start < found[0][0] and not text[start - 1].isspace():  # whole words only
        start += 1
    while found[0][1] < end < len(text) and not text[end].isspace():
        end -= 1
    part = " ".join(text[start:end].split())
    inner = spans(part, query)
    return ("… " if start > 0 else "") + marked(part, query, inner) + (" …" if end < len(text) else "")


def hits(query: Terms, fields: dict[str, str], pages: list[str], dossier: str = "", files: str = "",
         limit: int = 6) -> list[dict]:
    """Where the query's words are in a document: fields first, then the dossier code, the file
    name and the pages in order; each with a marked passage (HTML)."""
    places: list[dict[str, Any]] = [{"where": "field", "field": name, "text": value} for name, value in fields.items()]
    places += [{"where": "dossier", "text": dossier}, {"where": "file", "text": files}]
    places += [{"where": "page", "page": n, "text": text} for n, text in enumerate(pages, 1)]
    query = fitting(query, [p["text"] for p in places])
    out = []
    for place in places:
        passage = snippet(place.pop("text"), query)
        if passage is not None:
            out.append({**place, "snippet": passage})
            if len(out) >= limit:
                break
    return out


def day(value: str | None, field: str) -> date | None:
    """A day typed dd/mm/yyyy (as printed on Vietnamese documents) or yyyy-mm-dd (a date input)."""
    if not value:
        return None
    value = value.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InputError(field, f"not a date (dd/mm/yyyy): {value[:20]!r}")


def day_start_utc(d: date, after: bool = False) -> str:
    """The start of day `d` (or of the day after) at the desk, in the catalog's UTC ISO form."""
    local = datetime.combine(d + timedelta(days=1) if after else d, time(), LOCAL_ZONE)
    return local.astimezone(timezone.utc).isoformat(timespec="seconds")
