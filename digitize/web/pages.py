"""Server-rendered pages: log-in, the queue (with upload and search) and the document view. They
read through the same review flow as the API; changes go through the API from the page's script."""
from __future__ import annotations

import json
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from digitize.review import search as finding
from digitize.review.roles import allowed
from digitize.review.warnings import grouped
from digitize.web import i18n, search
from digitize.web.deps import ApiError, ctx, current, lang
from digitize.web.people_words import words as people_words

router = APIRouter(include_in_schema=False)
STATUSES = ("draft", "reviewed", "signed", "processing", "error")


def _render(request: Request, name: str, **values) -> HTMLResponse:
    language = lang(request)
    s = current(request)
    values.update(lang=language, t=i18n.t, i18n=i18n, user=s, can=lambda a: bool(s and allowed(s.role, a)),
                  path=request.url.path)
    values.setdefault("pw", people_words(language))  # the look-up and import panels' words
    response = request.app.state.templates.TemplateResponse(request, name, values)
    if request.query_params.get("lang") in i18n.LANGS:
        response.set_cookie("lang", language, max_age=365 * 86400, samesite="strict", httponly=True)
    return response


def _session_or_login(request: Request):
    s = current(request)
    if s is None:
        raise ApiError(401, "unauthenticated")
    return s


@router.get("/")
def home(request: Request):
    return RedirectResponse("/queue" if current(request) else "/login", 303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request):
    return _render(request, "login.html")


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request):
    """The queue: uploads in progress, then documents; words, filters and paging from the query string
    (digitize.web.search)."""
    _session_or_login(request)
    c = ctx(request)
    language = lang(request)
    query, data, problem = search.queue_search(request, language)
    review = c.review()
    jobs = [j.as_json() for j in c.intake.jobs.values() if j.status in ("processing", "error")]
    shown_jobs = [j for j in jobs if (not query.narrowed() and query.page == 1) or j["status"] == query.status]
    counts = review.store.review.counts()
    counts.update(processing=sum(j["status"] == "processing" for j in jobs),
                  error=sum(j["status"] == "error" for j in jobs))
    profiles = [(p.id, p.title) for p in c.station.profiles] if c.station.profiles is not None else []
    titles = dict(profiles)
    for item in data["items"]:
        item["title"] = titles.get(item["doc_type"], item["doc_type"])
        item["file"] = item.get("metadata", {}).get("original_name") or item["source"].rsplit("/", 1)[-1]
        item["warning_groups"] = grouped(review.store.pages(item["id"]), item["warnings"])
        profile = _profile(request, item["doc_type"])
        for h in item["hits"]:
            h["label"] = i18n.field_label(h["field"], profile) if h["where"] == "field" else ""
    return _render(request, "queue.html", items=data["items"], jobs=shown_jobs, total=data["total"],
                   counts=counts, status=query.status, q=query.q, query=query, page=data["page"],
                   pages=data["pages"], link=lambda **k: search.page_link(query, **k), problem=problem,
                   doc_link=lambda doc_id: f"/documents/{doc_id}" + (f"?{urlencode({'q': query.q})}" if query.q else ""),
                   profiles=profiles, statuses=STATUSES)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(doc_id: str, request: Request, q: str = Query("", max_length=200)):
    """One document; with `q` (from a search) the words are marked in its fields and on its pages."""
    _session_or_login(request)
    review = ctx(request).review()
    doc = review.document(doc_id)
    texts = (review.store.review.text(doc["id"]) or []) if q else []
    terms = finding.document_terms(q, texts + [str(f.get("value") or "") for f in doc["fields"].values()])
    found = {"q": q if terms else "", "fields": finding.field_hits(doc["fields"], terms),
             "pages": finding.page_hits(texts, terms)}
    history = review.history(doc["id"])
    profile = _profile(request, doc["doc_type"])
    labels = {name: i18n.field_label(name, profile) for name in doc["fields"]}
    profiles = ctx(request).station.profiles
    doc_types = [(p.id, p.title) for p in profiles] if profiles is not None else []
    return _render(request, "document.html", doc=doc, history=list(reversed(history)), pages=doc["page_details"],
                   labels=labels, title=profile.title if profile else doc["doc_type"], doc_types=doc_types,
                   warning_groups=grouped(doc["page_details"], doc["warnings"]),
                   originals=[o.as_json() for o in review.store.originals(doc["id"])], found=found)


def _profile(request: Request, doc_type: str):
    profiles = ctx(request).station.profiles
    return profiles[doc_type] if profiles is not None and doc_type in profiles else None


@router.get("/i18n/{language}.js")
def messages_js(language: str):
    """The words the page's script needs, in the page's language (from digitize.web.i18n)."""
    language = i18n.lang_of(language)
    keys = ("saved", "uploading", "processing_wait", "open", "ok", "check_this", "st_processing", "st_draft",
            "st_error", "verdict_valid", "verdict_invalid", "verdict_indeterminate", "duplicate_of", "st_reviewed",
            "st_signed", "st_unsigned", "pages_of", "done", "restore_page", "remove_page")
    words = {k: i18n.t(k, language) for k in keys}
    words.update({f"error_{code}": i18n.error(code, language) for code in i18n.ERRORS})
    body = "window.MSG = " + json.dumps(words, ensure_ascii=False) + ";\n"
    return Response(body, media_type="application/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=600"})


render = _render  # for the routes of digitize.web.desk
session_or_login = _session_or_login
