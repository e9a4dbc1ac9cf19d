"""Changes to a draft beyond its fields, each a new revision with its audit event: its pages
reordered, turned or removed (the draft PDF/A rebuilt from its own pages: each page keeps its image and
text layer, a turned page gets the PDF's /Rotate, fields follow their page and boxes turn with it) and
its document type changed (the fields checked again under the new type's rules)."""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, replace

import pikepdf

from digitize.errors import InputError
from digitize.model import Field
from digitize.review.pages import index_text
from digitize.review.roles import require
from digitize.stages.extract.entered import check_value

TURNS = (0, 90, 180, 270)


@dataclass(frozen=True)
class PageEdit:
    page: int  # the page's number in the current revision
    rotate: int = 0  # degrees clockwise, added to the page's turn


def _turn_box(box, width: int, height: int, degrees: int):
    """A box in the pixels of a width x height page, after the page is turned `degrees` clockwise."""
    x0, y0, x1, y1 = box
    for _ in range(degrees // 90):
        x0, y0, x1, y1 = height - y1, x0, height - y0, x1
        width, height = height, width
    return (x0, y0, x1, y1)


def _check_edits(edits: list[PageEdit], pages: int) -> None:
    if not edits:
        raise InputError("pages", "a document keeps at least one page")
    seen = [e.page for e in edits]
    if len(set(seen)) != len(seen) or not all(1 <= n <= pages for n in seen):
        raise InputError("pages", f"each page 1-{pages} may be named once")
    if any(e.rotate % 360 not in TURNS for e in edits):
        raise InputError("pages", "pages turn by 90, 180 or 270 degrees")


def rebuild_pdf(pdf: bytes, edits: list[PageEdit]) -> bytes:
    """The PDF with its pages in the edited order, turned, the others left out."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        old = list(doc.pages)
        for e in edits:
            doc.pages.append(old[e.page - 1])  # a page appended from the same file is a copy of it
        del doc.pages[:len(old)]
        for page, e in zip(doc.pages, edits):
            turn = (int(page.obj.get("/Rotate", 0)) + e.rotate) % 360
            if turn:
                page.obj.Rotate = turn
            elif "/Rotate" in page.obj:
                del page.obj["/Rotate"]
        out = io.BytesIO()
        doc.save(out, deterministic_id=True)
        return out.getvalue()


def moved_pages(rows: list[dict], edits: list[PageEdit]) -> list[dict]:
    out = []
    for e in edits:
        row = dict(rows[e.page - 1]) if e.page <= len(rows) else {}
        if e.rotate % 180:
            row["width_px"], row["height_px"] = row.get("height_px"), row.get("width_px")
        row["turned"] = (int(row.get("turned", 0)) + e.rotate) % 360
        out.append(row)
    return out


def moved_fields(fields, rows: list[dict], edits: list[PageEdit]) -> list[Field]:
    """Fields on their page's new number; boxes turned with it; a removed page's fields lose the box."""
    where = {e.page: (n, e.rotate % 360) for n, e in enumerate(edits, 1)}
    out = []
    for f in fields:
        if f.page is None:
            out.append(f)
        elif f.page not in where:
            out.append(replace(f, page=None, box=None))
        else:
            n, turn = where[f.page]
            row = rows[f.page - 1] if f.page <= len(rows) else {}
            box = f.box
            if box and turn:
                box = _turn_box(box, int(row.get("width_px") or 0), int(row.get("height_px") or 0), turn)
            out.append(replace(f, page=n, box=box))
    return out


def edit_pages(review, actor, doc_id: str, revision: int, edits: list[PageEdit]) -> int:
    """Reorder, turn and remove pages of a draft (or reviewed: it goes back to draft); a new revision."""
    require(actor.role, "edit", actor.name)
    rec = review.record(doc_id)
    review._editable(rec, revision, "draft", "reviewed")
    _check_edits(edits, rec.pages)
    rows = review.store.pages(rec.id)
    pdf = rebuild_pdf(review.store.object_path(rec.sha256).read_bytes(), edits)
    sha = hashlib.sha256(pdf).hexdigest()
    review.store.write_object(sha, pdf)  # object first: a lost race leaves only an unreferenced object
    event = {"order": [e.page for e in edits], "turned": {str(n): e.rotate % 360 for n, e in enumerate(edits, 1)
                                                         if e.rotate % 360},
             "removed": sorted(set(range(1, rec.pages + 1)) - {e.page for e in edits}),
             "sha256": sha, "old_sha256": rec.sha256}
    new = review.store.review.change(rec.id, revision, actor.name, status="draft", sha256=sha,
                                     fields=moved_fields(rec.fields, rows, edits), pages=moved_pages(rows, edits),
                                     events=[("pages_changed", event)])
    index_text(review.store, review.record(rec.id))  # search finds the words on their new pages
    return new


def change_type(review, actor, doc_id: str, revision: int, doc_type: str) -> int:
    """Another document type for a draft: its fields checked again under that type's rules."""
    require(actor.role, "edit", actor.name)
    rec = review.record(doc_id)
    review._editable(rec, revision, "draft", "reviewed")
    profile = review._profile(doc_type)
    if profile is None:
        raise InputError(str(doc_type)[:64], "unknown document type")
    if doc_type == rec.doc_type:
        return revision
    current = {f.name: f for f in rec.fields}
    fields: dict[str, Field] = {}
    for f in rec.fields:
        checked = check_value(profile, f.name, f.value, {**current, **fields})
        fields[f.name] = replace(checked, raw=f.raw, confidence=f.confidence, box=f.box, page=f.page)
    return review.store.review.change(rec.id, revision, actor.name, status="draft", fields=list(fields.values()),
                                      doc_type=doc_type,
                                      events=[("type_changed", {"old": rec.doc_type, "new": doc_type})])
