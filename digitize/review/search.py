"""Search as the desk uses it: a query (words, filters, a page of results) read from what the user
typed, its results with the passages where the words were found, and where the words are on a
document's pages (their boxes on the page image) and in its field values.

The words are folded as the store's index folds them (digitize.store.search_text): case, tone marks,
đ/d and the Unicode form do not matter."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from digitize.errors import InputError
from digitize.store import search_text
from digitize.tools import poppler

PER_PAGE = 25  # rows of the queue per page: one screen of a 1366x768 desk with passages
MAX_PER_PAGE = 200
HITS_PER_ITEM = 3  # passages shown under a result


@dataclass(frozen=True)
class Query:
    """What was asked: words (may be empty), filters, and which page of results."""

    q: str = ""
    status: str | None = None
    needs_review: bool | None = None
    dossier: str | None = None
    doc_type: str | None = None
    date_from: str = ""  # as typed: dd/mm/yyyy (or yyyy-mm-dd)
    date_to: str = ""
    user: str | None = None
    page: int = 1
    per_page: int = PER_PAGE
    start: date | None = None  # date_from and date_to read
    end: date | None = None

    @classmethod
    def parse(cls, params: dict[str, str]) -> Query:
        """From query-string values; a bad date or number raises InputError naming the field."""
        def text(name: str) -> str:
            return search_text.nfc((params.get(name) or "").strip())[:200]

        review = text("needs_review").lower()
        page, per_page = _number(text("page") or "1", "page"), _number(text("per_page") or str(PER_PAGE), "per_page")
        if per_page > MAX_PER_PAGE:
            raise InputError("per_page", f"give 1 to {MAX_PER_PAGE}")
        start, end = search_text.day(text("date_from"), "date_from"), search_text.day(text("date_to"), "date_to")
        if start and end and start > end:
            raise InputError("date_to", "the end date is before the start date")
        return cls(q=text("q"), status=text("status") or None,
                   needs_review=True if review in ("1", "true", "yes") else False if review in ("0", "false", "no")
                   else None, dossier=text("dossier") or None, doc_type=text("doc_type") or None,
                   date_from=text("date_from"), date_to=text("date_to"), user=text("user") or None,
                   page=page, per_page=per_page, start=start, end=end)

    def narrowed(self) -> bool:
        """Words or a filter are given (the queue then shows no upload in progress)."""
        return bool(self.q or self.status or self.needs_review is not None or self.dossier or self.doc_type
                    or self.date_from or self.date_to or self.user)

    def params(self, **changes) -> dict[str, str]:
        """The query-string values that ask for this query again (with `changes`), empty ones left out."""
        values = {"q": self.q, "status": self.status, "dossier": self.dossier, "doc_type": self.doc_type,
                  "date_from": self.date_from, "date_to": self.date_to, "user": self.user,
                  "needs_review": None if self.needs_review is None else ("1" if self.needs_review else "0"),
                  "page": str(self.page) if self.page > 1 else None,
                  "per_page": str(self.per_page) if self.per_page != PER_PAGE else None}
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _number(value: str, name: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 100000:
        raise InputError(name, f"not a page number: {value[:12]!r}")
    return int(value)


def results(review, query: Query) -> dict[str, Any]:
    """One page of results: items (with `hits`, the marked passages, when words were given), total,
    page, per_page and pages."""
    data = review.listing(query.status, query.dossier, query.needs_review, query.q or None, query.page,
                          query.per_page, doc_type=query.doc_type, date_from=query.start, date_to=query.end,
                          user=query.user)
    terms = search_text.terms(query.q)
    for item in data["items"]:
        item["hits"] = hits(review.store, item, terms) if terms else []
    data.update(per_page=query.per_page, pages=max(1, -(-data["total"] // query.per_page)))
    return data


def hits(store, item: dict[str, Any], terms: search_text.Terms, limit: int = HITS_PER_ITEM) -> list[dict]:
    """Where the words are in one listed document: fields, dossier code, file name, pages."""
    values = {name: _text(value) for name, value in item.get("fields", {}).items()}
    files = " ".join(filter(None, [item.get("source", "").rsplit("/", 1)[-1],
                                   item.get("metadata", {}).get("original_name", "")]))
    pages = store.review.text(item["id"]) or []
    return search_text.hits(terms, values, pages, item.get("dossier", ""), files, limit)


def _text(value) -> str:
    return "" if value is None else str(value)


def document_terms(q: str, texts: list[str]) -> search_text.Terms | None:
    """The words of `q` as they are to be marked in a document of these texts (page text and field
    values; see search_text.fitting)."""
    terms = search_text.terms(q)
    return search_text.fitting(terms, texts) if terms is not None else None


def page_hits(texts: list[str], terms: search_text.Terms | None) -> list[int]:
    """The numbers of the pages whose text has the words."""
    if terms is None:
        return []
    return [n for n, text in enumerate(texts, 1) if search_text.spans(search_text.nfc(text), terms)]


def field_hits(fields: dict[str, dict[str, Any]], terms: search_text.Terms | None) -> dict[str, str]:
    """Field name -> its value as HTML with the words marked, for the fields whose value has them."""
    if terms is None:
        return {}
    out = {}
    for name, f in fields.items():
        value = search_text.nfc(_text(f.get("value")))
        found = search_text.spans(value, terms)
        if found:
            out[name] = search_text.marked(value, terms, found)
    return out


def word_boxes(pdf_path: str, page_no: int, width: int, height: int, terms: search_text.Terms) -> list[list[int]]:
    """Boxes (x0, y0, x1, y1 in pixels of a width x height image of the page) of the words of the
    page's text layer that the query asks for."""
    layer = poppler.text_layer(pdf_path, page_no, width, height)
    return [list(w.box) for w in layer.words if any(terms.hit(part) for part in search_text.WORD.findall(w.text))]
