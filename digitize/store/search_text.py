"""The text side of search made for Vietnamese: which words a query asks for, and where they are in a
text, with no SQL. Shared by both catalog backends and by the pages that highlight the matches.

A word is a run of letters and digits (as sqlite's unicode61 tokenizer cuts words: "199/2026/NĐ-CP"
is 199, 2026, NĐ, CP). Words compare folded: NFC, no tone or vowel marks, đ as d, lower case, so
"Đà Nẵng", "ĐÀ NẴNG", its NFD form and "da nang" are the same two words. Every query word must be
in the document; the last one may be the beginning of a word (people search as they type).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from digitize.errors import InputError
from digitize.messages import msg
from digitize.vn.text import fold, nfc

WORD = re.compile(r"[^\W_]+")
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
    """The folded words of a query; the last one also matches the words it begins."""

    words: tuple[str, ...]

    def hit(self, word: str) -> bool:
        w = fold(word)
        return w in self.words or w.startswith(self.words[-1])

    def fts5(self) -> str:
        """An FTS5 MATCH expression: every word, the last as a prefix."""
        quoted = [f'"{w}"' for w in self.words]
        return " ".join(quoted) + "*"

    def tsquery(self) -> str:
        """The same for PostgreSQL's to_tsquery."""
        return " & ".join(self.words) + ":*"


def terms(query: str | None) -> Terms | None:
    """The query's words, or None when it has none (an empty or punctuation-only query)."""
    words = tuple(dict.fromkeys(fold(w) for w in WORD.findall(nfc(query or ""))))[:MAX_TERMS]
    return Terms(words) if words else None


def spans(text: str, query: Terms) -> list[tuple[int, int]]:
    """(start, end) of every run of matching words in `text` (NFC, as stored): "Đà Nẵng" is one."""
    out: list[tuple[int, int]] = []
    for m in WORD.finditer(text):
        if not query.hit(m.group()):
            continue
        if out and not text[out[-1][1]:m.start()].strip():
            out[-1] = (out[-1][0], m.end())
        else:
            out.append(m.span())
    return out


def marked(text: str, query: Terms | None, found: list[tuple[int, int]] | None = None) -> str:
    """The text as HTML with every matching word in <mark>."""
    text = nfc(text or "")
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
    text = nfc(text or "")
    found = spans(text, query)
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
    places = [{"where": "field", "field": name, "text": value} for name, value in fields.items()]
    places += [{"where": "dossier", "text": dossier}, {"where": "file", "text": files}]
    places += [{"where": "page", "page": n, "text": text} for n, text in enumerate(pages, 1)]
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
    raise InputError(field, msg("input.not_a_date", value=repr(value[:20])))


def day_start_utc(d: date, after: bool = False) -> str:
    """The start of day `d` (or of the day after) at the desk, in the catalog's UTC ISO form."""
    local = datetime.combine(d + timedelta(days=1) if after else d, time(), LOCAL_ZONE)
    return local.astimezone(timezone.utc).isoformat(timespec="seconds")
