"""The desk's routes beyond the queue and the document: page edits and the document type of a draft,
dossiers (the page listing a dossier's documents, the national code check), page thumbnails and
the admin page for users, as API routes (/api/...) and pages. Registered by digitize.web.app."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from digitize.review import users
from digitize.review.dossiers import EXAMPLE, check_code, summary
from digitize.review.editing import PageEdit, change_type, edit_pages
from digitize.review.flow import NotFound
from digitize.review.pages import THUMB_WIDTH, page_image
from digitize.review.roles import ROLES, allowed
from digitize.web import i18n
from digitize.web.counter import counter_values
from digitize.web.deps import ApiError, ctx, lang, need
from digitize.web.pages import render, session_or_login

router = APIRouter()


class PageItem(BaseModel):
    page: int = Field(ge=1, le=100000)
    rotate: int = 0


class PageEdits(BaseModel):
    revision: int
    pages: list[PageItem] = Field(max_length=5000)


class DocType(BaseModel):
    revision: int
    doc_type: str = Field(max_length=64)


class Password(BaseModel):
    password: str = Field(max_length=1024)


class Role(BaseModel):
    role: str = Field(max_length=20)


# --- a draft's pages and type --------------------------------------------------------------------


@router.post("/api/documents/{doc_id}/pages")
def post_pages(doc_id: str, body: PageEdits, request: Request) -> dict[str, Any]:
    who = need(request, "edit")
    review = ctx(request).review()
    edit_pages(review, who, doc_id, body.revision, [PageEdit(p.page, p.rotate) for p in body.pages])
    return review.document(doc_id)


@router.post("/api/documents/{doc_id}/type")
def post_type(doc_id: str, body: DocType, request: Request) -> dict[str, Any]:
    who = need(request, "edit")
    review = ctx(request).review()
    change_type(review, who, doc_id, body.revision, body.doc_type)
    return review.document(doc_id)


@router.get("/api/documents/{doc_id}/pages/{n}/thumb", response_class=Response)
def get_thumb(doc_id: str, n: int, request: Request) -> Response:
    need(request, "read")
    rec = ctx(request).review().record(doc_id)
    if not 1 <= n <= rec.pages:
        raise NotFound(f"{doc_id}:{n}", "no such page")
    data, _, _ = page_image(rec.pdf, rec.sha256, n, THUMB_WIDTH)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


# --- dossiers ------------------------------------------------------------------------------------


def code_message(code: str, language: str) -> dict[str, Any]:
    c = check_code(code)
    key = "code_ok" if c.national else f"code_{c.problem}"
    return {"code": c.code, "national": c.national, "problem": c.problem,
            "message": i18n.t(key, language).replace("{example}", EXAMPLE)}


@router.get("/api/dossier-code")
def get_code_check(request: Request, code: str = Query("", max_length=120)) -> dict[str, Any]:
    need(request, "read")
    return code_message(code, lang(request))


@router.get("/api/dossiers/{code}")
def get_dossier(code: str, request: Request) -> dict[str, Any]:
    need(request, "read")
    data = summary(ctx(request).review(), code[:120], ctx(request).station.profiles)
    if not data["documents"]:
        raise NotFound(code[:40], "no such dossier")
    for d in data["documents"]:
        d.pop("profile")
        d["warnings"] = [w.as_json() for w in d["warnings"]]
    data["check"] = code_message(code, lang(request))
    return data


@router.get("/dossiers/{code}", response_class=HTMLResponse, include_in_schema=False)
def dossier_page(code: str, request: Request):
    s = session_or_login(request)
    data = summary(ctx(request).review(), code[:120], ctx(request).station.profiles)
    counter = counter_values(request, data)
    # a dossier without documents is a new one at the counter (staff), or one of reused records only
    if not data["documents"] and not counter["reused"] and not allowed(s.role, "reuse"):
        raise NotFound(code[:40], "no such dossier")
    return render(request, "dossier.html", d=data, check=code_message(code, lang(request)), **counter)


# --- users (admin) -------------------------------------------------------------------------------


@router.get("/admin/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(request: Request):
    s = session_or_login(request)
    if s.role != "admin":
        raise ApiError(403, "forbidden")
    return render(request, "users.html", users=ctx(request).review().store.review.users(), roles=ROLES)


def _user_change(request: Request, name: str, kind: str, **data) -> dict[str, Any]:
    who = need(request, "users")
    ctx(request).review().store.log(kind, None, who.name, name=name, **data)
    return {"user": name, **data}


@router.post("/api/users/{name}/enable")
def enable_user(name: str, request: Request) -> dict[str, Any]:
    need(request, "users")
    users.enable_user(ctx(request).review().store, name)
    return {"user": name, "disabled": False}


@router.post("/api/users/{name}/password")
def reset_password(name: str, body: Password, request: Request) -> dict[str, Any]:
    need(request, "users")
    users.reset_password(ctx(request).review().store, name, body.password)
    ctx(request).sessions.close_user(name)  # logged out where the old password was used
    return _user_change(request, name, "password_reset")


@router.post("/api/users/{name}/role")
def set_role(name: str, body: Role, request: Request) -> dict[str, Any]:
    need(request, "users")
    users.set_role(ctx(request).review().store, name, body.role)
    ctx(request).sessions.close_user(name)  # the next log-in carries the new role
    return _user_change(request, name, "role_changed", role=body.role)
