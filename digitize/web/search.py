"""Search in the station: GET /api/search (words, filters and paging; passages with the words marked)
and GET /api/documents/{id}/pages/{n}/hits (the boxes of the words on a page image), plus what the
queue page shows of a search. Registered by digitize.web.app before the pages."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request

from digitize.errors import InputError
from digitize.review import search as finding
from digitize.review.flow import NotFound
from digitize.review.pages import page_image
from digitize.web import i18n
from digitize.web.deps import ctx, need

router = APIRouter()
# what a bad filter is called on the page (the API answers 422 with the reason)
FILTER_PROBLEMS = {"date_from": "bad_date", "date_to": "bad_date", "page": "bad_page", "per_page": "bad_page"}


@router.get("/api/search")
def search(request: Request) -> dict[str, Any]:
    """Documents that have every word of `q` (any case, marks, đ/d), best first, narrowed by status,
    needs_review, dossier, doc_type, date_from/date_to (dd/mm/yyyy) and user; `page`/`per_page`."""
    need(request, "read")
    query = finding.Query.parse(dict(request.query_params))
    data = finding.results(ctx(request).review(), query)
    data["items"] = [_item(i) for i in data["items"]]
    return {**data, "q": query.q}


def _item(item: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "dossier", "source", "doc_type", "pages", "status", "revision", "needs_review", "created_at",
            "fields", "warnings", "hits")
    out = {k: item.get(k) for k in keep}
    out["file"] = item.get("metadata", {}).get("original_name") or item["source"].rsplit("/", 1)[-1]
    return out


@router.get("/api/documents/{doc_id}/pages/{n}/hits")
def page_word_boxes(doc_id: str, n: int, request: Request, q: str = Query("", max_length=200)) -> dict[str, Any]:
    """The boxes of the words of `q` on page n, in pixels of the page's full image (width x height)."""
    need(request, "read")
    rec = ctx(request).review().record(doc_id)
    if not 1 <= n <= rec.pages:
        raise NotFound(f"{doc_id}:{n}", "no such page")
    review = ctx(request).review()
    texts = (review.store.review.text(rec.id) or []) + [str(f.value or "") for f in rec.fields]
    terms = finding.document_terms(q, texts)
    _, width, height = page_image(rec.pdf, rec.sha256, n)
    boxes = finding.word_boxes(rec.pdf, n, width, height, terms) if terms else []
    return {"page": n, "width": width, "height": height, "boxes": boxes}


def queue_search(request: Request, language: str) -> tuple[finding.Query, dict[str, Any], str]:
    """(query, one page of results, a message when the filters could not be read) for the queue."""
    review = ctx(request).review()
    try:
        query = finding.Query.parse(dict(request.query_params))
    except InputError as e:
        query, problem = finding.Query(), i18n.t(FILTER_PROBLEMS.get(e.where, "bad_filter"), language)
    else:
        problem = ""
    if query.status in ("processing", "error"):  # uploads in progress are not in the catalog yet
        return query, {"items": [], "total": 0, "page": 1, "per_page": query.per_page, "pages": 1}, problem
    return query, finding.results(review, query), problem


def page_link(query: finding.Query, **changes) -> str:
    """The queue's address for this query with `changes` (another page, a filter set or dropped)."""
    params = query.params(**changes)
    return "/queue" + ("?" + urlencode(params) if params else "")
