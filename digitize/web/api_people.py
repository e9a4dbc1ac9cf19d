"""The person look-up and reuse at the counter, and package import, under /api (digitize.review.lookup,
digitize.archive.receive). Every look-up is audited and rate-limited per user; identifiers appear in
answers to the asker only, masked everywhere else."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from pydantic import BaseModel, Field

from digitize.review.lookup import EVENT, Throttled, find_person, reuse, reuses, this_office
from digitize.web import i18n
from digitize.web.deps import ApiError, ctx, lang, need

router = APIRouter(prefix="/api")
MAX_PACKAGE_BYTES = 2 << 30


class Reuse(BaseModel):
    document_id: str = Field(max_length=64)
    reason: str = Field("", max_length=200)


@router.get("/people/{person}/records")
def person_records(person: str, request: Request, valid_on: str | None = Query(None, max_length=10),
                   type: str | None = Query(None, max_length=64), reason: str = Query("", max_length=200),
                   dossier: str = Query("", max_length=80), all: bool = False) -> dict[str, Any]:
    """The person's records valid on `valid_on` (default today); `all`: also expired ones, marked so."""
    who = need(request, "people")
    store = ctx(request).review().store
    try:
        found = find_person(store, person[:120], who.name, reason, dossier, valid_on, type, include_invalid=all)
    except Throttled as e:
        raise ApiError(429, "lookup_throttled", str(e).splitlines()[0], {"Retry-After": str(Throttled.retry_after)}) from None
    return found.as_json(this_office())


@router.get("/people/lookups")
def lookups(request: Request, limit: int = Query(200, ge=1, le=5000)) -> dict[str, Any]:
    """The look-up audit log (auditors): who looked whom up (masked), when, why."""
    need(request, "audit")
    events = ctx(request).review().store.people.events_of(EVENT, limit)
    return {"items": [{"at": e["at"], "user": e["user"], **(e["data"] or {})} for e in events]}


@router.post("/dossiers/{code}/reuse", status_code=201)
def attach(code: str, body: Reuse, request: Request) -> dict[str, Any]:
    """Attach a still-valid record to the dossier by reference: no new scan, an audit event."""
    who = need(request, "reuse")
    return reuse(ctx(request).review().store, body.document_id, code, who.name, body.reason)


@router.get("/dossiers/{code}/reuse")
def attached(code: str, request: Request) -> dict[str, Any]:
    need(request, "read")
    return {"items": reuses(ctx(request).review().store, code[:80])}


@router.get("/imports")
def imports(request: Request) -> dict[str, Any]:
    """The packages taken in so far (admins): which, from whom, when, by whom, how many records."""
    need(request, "import")
    return {"items": ctx(request).review().store.imports()}


@router.post("/imports", status_code=201)
def import_zip(request: Request, file: UploadFile = File(...)) -> dict[str, Any]:
    """An admin takes in another office's package (a ZIP as `store export --zip` writes it)."""
    who = need(request, "import")
    from digitize.archive.receive import PackageRefused, import_package  # lazy: archive + verification stacks
    from digitize.verify.files import load_trust

    with tempfile.TemporaryDirectory(prefix="digitize-import-") as tmp:
        path = Path(tmp) / "package.zip"  # never the uploaded name: names do not become paths
        with open(path, "wb") as out:
            size = 0
            for chunk in iter(lambda: file.file.read(1 << 20), b""):
                size += len(chunk)
                if size > MAX_PACKAGE_BYTES:
                    raise ApiError(413, "bad_input", "package too large")
                out.write(chunk)
        try:
            result = import_package(ctx(request).review().store, path, load_trust([]), [], who.name)
        except PackageRefused as e:
            why = e.message.params.get("problem") if e.message and e.message.code.startswith("package.refused") \
                else e.message  # the sentence of `refused` already says nothing was imported
            raise ApiError(422, "refused", str(e).split(": ", 1)[-1],
                           message=i18n.failure("refused", lang(request), why)) from None
    return {**result.as_json(), "package": (file.filename or "package.zip")[:120]}
