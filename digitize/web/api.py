"""The JSON API under /api. Handlers are plain functions run on the server's thread pool; each thread
has its own catalog connection (digitize.web.app.Context)."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from digitize.errors import DigitizeError, InputError
from digitize.review import users
from digitize.review.approval import ApprovalIncomplete, FourEyes
from digitize.review.dossiers import code_for_upload
from digitize.review.flow import ID_RE, BatchMoved, NotFound
from digitize.review.intake import QueueFull
from digitize.review.pages import document_text, page_image
from digitize.review.roles import ROLES
from digitize.web import i18n
from digitize.web.deps import ApiError, ctx, lang, need
from digitize.web.uploads import UploadRefused, receive

router = APIRouter(prefix="/api")


class FieldChanges(BaseModel):
    revision: int
    fields: dict[str, str | int | float | None]


class OnRevision(BaseModel):
    revision: int


class Approval(BaseModel):
    revision: int
    confirmed: list[str] = Field(default_factory=list, max_length=200)  # flagged fields checked as they are


class SignItem(BaseModel):
    id: str = Field(max_length=40)
    revision: int


class SignBatch(BaseModel):
    items: list[SignItem] = Field(min_length=1, max_length=500)


class NewUser(BaseModel):
    username: str = Field(max_length=64)
    role: str
    password: str = Field(max_length=1024)


# --- documents ----------------------------------------------------------------------------------


@router.get("/documents")
def list_documents(request: Request, status: str | None = None, dossier: str | None = None,
                   needs_review: bool | None = None, q: str | None = Query(None, max_length=200),
                   page: int = Query(1, ge=1, le=100000)) -> dict[str, Any]:
    need(request, "read")
    review = ctx(request).review()
    data = review.listing(status, dossier, needs_review, q, page)
    jobs = [j.as_json() for j in ctx(request).intake.jobs.values() if j.status in ("processing", "error")]
    if not (status or dossier or needs_review is not None or q) or status in ("processing", "error"):
        wanted = [j for j in jobs if not status or j["status"] == status]
        data["items"] = wanted + data["items"] if page == 1 else data["items"]
        data["total"] += len(wanted)
    data["counts"] = {**review.store.review.counts(), "processing": sum(j["status"] == "processing" for j in jobs),
                      "error": sum(j["status"] == "error" for j in jobs)}
    return data


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {
        "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "dossier": {"type": "string"}, "profile": {"type": "string"}, "join": {"type": "boolean"}}}}}}}


@router.post("/documents", status_code=202, openapi_extra=UPLOAD_BODY)
async def upload(request: Request) -> JSONResponse:
    """Files into drafts: each its own document, or (`join`) several images as the pages of one.
    All files of one upload go into one dossier: the code given, else one made for them. Session,
    role and CSRF are checked from the headers before the body is read; the body streams to disk
    within the station's limits (413); 202 comes once every file and its job are committed."""
    who = await run_in_threadpool(need, request, "upload")
    c = ctx(request)
    root = await run_in_threadpool(lambda: c.review().store.root)
    try:
        received = await receive(request, Path(root) / "uploads", c.upload_limits)
    except UploadRefused as e:
        raise ApiError(e.status, e.code, e.reason, message=i18n.failure(e.code, lang(request), e.message)) from None
    try:
        return await run_in_threadpool(_accept, request, who, received)
    finally:
        received.discard()  # what was not moved into the store (refused files, an error)


def _accept(request: Request, who, received) -> JSONResponse:
    c = ctx(request)
    store = c.review().store
    if not received.files:
        raise ApiError(422, "bad_input", "file: no file in the upload")
    dossier = code_for_upload(received.fields.get("dossier") or None, [name or "upload" for name, _ in received.files])
    profile = received.fields.get("profile") or None
    join = received.fields.get("join", "").lower() in ("true", "1", "on", "yes")
    files = [(name or "upload", path) for name, path in received.files]
    items, errors, full = [], [], False
    batches = [files] if join and len(files) > 1 else [[f] for f in files]
    for batch in batches:
        try:
            if len(batch) > 1:
                job = c.intake.submit_joined(store, batch, dossier, profile, who.name)
            else:
                job = c.intake.submit(store, batch[0][0], batch[0][1], dossier, profile, who.name)
        except InputError as e:
            errors.append(_upload_refused(request, batch[0][0], e, "bad_input"))
            continue
        except QueueFull as e:  # this file is not taken; those before it are
            full = True
            errors.append(_upload_refused(request, batch[0][0], e, "queue_full"))
            continue
        if job.status != "duplicate":
            store.log("uploaded", job.id, who.name, file=job.file, dossier=job.dossier)
        items.append(job.as_json())
    if not items and full:
        raise ApiError(503, "queue_full", errors[-1]["error"], {"Retry-After": "60"})
    if not items:
        first = errors[0]["error"] if errors else "no file"
        raise ApiError(422, "bad_input", first, message=errors[0].get("message"))
    code = 202 if any(i["status"] == "processing" for i in items) else 201
    return JSONResponse({"items": items, "errors": errors, "dossier": items[0]["dossier"]}, code)


def _upload_refused(request: Request, name: str, e: DigitizeError, code: str) -> dict[str, Any]:
    return {"file": name[:120], "status": "error", "error": str(e), "code": code,
            "message": i18n.failure(code, lang(request), e.message, str(e))}


def _job_or_404(request: Request, doc_id: str) -> dict[str, Any]:
    job = ctx(request).intake.job(doc_id) if ID_RE.match(doc_id) else None
    if job is None or job.status == "draft":
        raise NotFound(doc_id[:40], "no such document")
    data = job.as_json()
    if job.status == "error":
        data["message"] = i18n.failure("bad_input", lang(request), job.message, job.error)
    return data


@router.get("/documents/{doc_id}")
def get_document(doc_id: str, request: Request) -> dict[str, Any]:
    need(request, "read")
    try:
        return ctx(request).review().document(doc_id)
    except NotFound:
        return _job_or_404(request, doc_id)


@router.get("/documents/{doc_id}/pages/{n}", response_class=Response)
def get_page(doc_id: str, n: int, request: Request) -> Response:
    need(request, "read")
    rec = ctx(request).review().record(doc_id)
    if not 1 <= n <= rec.pages:
        raise NotFound(f"{doc_id}:{n}", "no such page")
    data, width, height = page_image(rec.pdf, rec.sha256, n)
    return Response(data, media_type="image/jpeg", headers={
        "Cache-Control": "private, max-age=3600", "X-Page-Width": str(width), "X-Page-Height": str(height)})


@router.get("/documents/{doc_id}/pages/{n}/text")
def get_page_text(doc_id: str, n: int, request: Request) -> dict[str, Any]:
    need(request, "read")
    review = ctx(request).review()
    rec = review.record(doc_id)
    if not 1 <= n <= rec.pages:
        raise NotFound(f"{doc_id}:{n}", "no such page")
    return {"page": n, "text": document_text(review.store, rec)[n - 1]}


@router.get("/documents/{doc_id}/text")
def get_text(doc_id: str, request: Request) -> dict[str, Any]:
    need(request, "read")
    review = ctx(request).review()
    return {"pages": document_text(review.store, review.record(doc_id))}


@router.get("/documents/{doc_id}/pdf", response_class=FileResponse)
def get_pdf(doc_id: str, request: Request) -> Response:  # the signed file as it is, or a marked draft
    who = need(request, "read")
    review = ctx(request).review()
    rec = review.record(doc_id)
    review.store.log("exported", rec.id, who.name, sha256=rec.sha256)
    name = f"{rec.dossier}.{rec.id[:8]}.pdf"
    status, _ = review.store.review.state(rec.id)
    if status == "signed" or rec.signature is not None:  # the signed bytes as they are
        return FileResponse(rec.pdf, media_type="application/pdf", filename=name)
    from digitize.pdfa.watermark import with_draft_mark  # Pillow drawing: only for drafts handed out

    title = rec.metadata.get("original_name") or Path(rec.source).name
    marked = with_draft_mark(Path(rec.pdf).read_bytes(), title=f"{title} ({i18n.t('st_draft', lang(request))})")
    return Response(marked, media_type="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/documents/{doc_id}/history")
def get_history(doc_id: str, request: Request) -> dict[str, Any]:
    need(request, "read")
    review = ctx(request).review()
    return {"items": review.history(doc_id), "revisions": review.store.review.revisions(review.record(doc_id).id)}


@router.get("/documents/{doc_id}/verify")
def verify(doc_id: str, request: Request) -> dict[str, Any]:
    need(request, "verify")
    from digitize.verify.files import verify_file  # pyHanko validation: loaded on the first verification

    review = ctx(request).review()
    rec = review.record(doc_id)
    data = verify_file(Path(rec.pdf), store=review.store).as_json()
    status, _ = review.store.review.state(rec.id)
    # a draft is signed only at the end: no signature is its normal state, not a broken signature
    data["unsigned_draft"] = status in ("draft", "reviewed") and not data["signatures"]
    data["message"] = i18n.t("verdict_unsigned_draft" if data["unsigned_draft"] else f"verdict_{data['verdict']}",
                             lang(request))
    return data


@router.get("/documents/{doc_id}/fields/{name}/check")
def check_field(doc_id: str, name: str, request: Request, value: str = Query("", max_length=2000)) -> dict[str, Any]:
    """What the validators say of a value, as the user types (nothing is changed)."""
    need(request, "read")
    f = ctx(request).review().check(doc_id, name, value)
    return {"value": f.value, "valid": f.valid, "needs_review": f.needs_review, "reason": f.reason,
            "reasons": [r.as_json() for r in f.reasons], "message": i18n.reasons(f, lang(request))}


@router.patch("/documents/{doc_id}/fields")
def patch_fields(doc_id: str, body: FieldChanges, request: Request) -> dict[str, Any]:
    who = need(request, "edit")
    review = ctx(request).review()
    changes = {k: (None if v is None else str(v)) for k, v in body.fields.items()}
    review.set_fields(who, doc_id, body.revision, changes)
    return review.document(doc_id)


def _refused(request: Request, status: int, code: str, e: Exception, **extra) -> JSONResponse:
    """A refusal with what the page needs to show it (the names of the fields, the records)."""
    said = i18n.message(getattr(e, "message", None), lang(request)) or getattr(e, "reason", "")
    message = f"{i18n.error(code, lang(request))} {said}"
    return JSONResponse({"error": str(e), "code": code, "message": message, **extra}, status)


@router.post("/documents/{doc_id}/approve")
def approve(doc_id: str, body: Approval, request: Request) -> Any:
    """409 `{"missing","unconfirmed"}` while required fields are empty or flagged ones unchecked."""
    who = need(request, "approve")
    review = ctx(request).review()
    try:
        review.approve(who, doc_id, body.revision, body.confirmed)
    except ApprovalIncomplete as e:
        return _refused(request, 409, "incomplete", e, missing=e.missing, unconfirmed=e.unconfirmed)
    return review.document(doc_id)


@router.post("/documents/{doc_id}/sign")
def sign(doc_id: str, body: OnRevision, request: Request) -> Any:
    who = need(request, "sign")
    review = ctx(request).review()
    try:
        review.sign(who, doc_id, body.revision)
    except FourEyes as e:
        return _refused(request, 403, "four_eyes", e)
    return review.document(doc_id)


@router.post("/sign")
def sign_batch(body: SignBatch, request: Request) -> Any:
    """Signs exactly the revisions named; 409 and nothing signed when any of them moved on."""
    who = need(request, "sign")
    review = ctx(request).review()
    items = [(i.id, i.revision) for i in body.items]
    try:
        review.check_batch(who, items)
    except BatchMoved as e:
        return _refused(request, 409, "conflict", e, moved=e.moved)
    except FourEyes as e:
        return _refused(request, 403, "four_eyes", e)
    return {"items": review.sign_many(who, items)}


# --- users (admin) -------------------------------------------------------------------------------


@router.get("/users")
def list_users(request: Request) -> dict[str, Any]:
    need(request, "users")
    return {"items": ctx(request).review().store.review.users(), "roles": list(ROLES)}


@router.post("/users", status_code=201)
def create_user(body: NewUser, request: Request) -> dict[str, Any]:
    who = need(request, "users")
    store = ctx(request).review().store
    users.add_user(store, body.username.strip().lower(), body.role, body.password)
    store.log("user_created", None, who.name, name=body.username.strip().lower(), role=body.role)
    return {"user": body.username.strip().lower(), "role": body.role}


@router.post("/users/{name}/disable")
def disable_user(name: str, request: Request) -> dict[str, Any]:
    need(request, "users")
    users.disable_user(ctx(request).review().store, name)  # ends the user's sessions too
    return {"user": name, "disabled": True}
