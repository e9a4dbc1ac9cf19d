"""Dossiers as the desk sees them: the code checked against the national format (Circular
01/2018/TT-VPCP Art. 19, DOMAIN.md §3), one dossier for several files sent without a code, and a
dossier's summary: its documents, the state of each, what remains to check, its originals and their
signatures."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from digitize.review.warnings import grouped
from digitize.vn.text import nfc

# agency id (mã định danh cơ quan) - receipt date YYMMDD - daily sequence
CODE_RE = re.compile(r"^(\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(\d{2})(\d{2})(\d{2})-(\d{4})$")
EXAMPLE = "000.00.31.H26-250616-0007"
VN = timezone(timedelta(hours=7))


@dataclass(frozen=True)
class CodeCheck:
    code: str  # the code as it will be kept (NFC, trimmed)
    national: bool  # of the national form with a real receipt date
    problem: str = ""  # "" | format | date (a message code of digitize.web.i18n)


def check_code(text: str) -> CodeCheck:
    code = nfc(text or "").strip()
    m = CODE_RE.match(code)
    if not m:
        return CodeCheck(code, False, "format")
    try:
        datetime(2000 + int(m.group(2)), int(m.group(3)), int(m.group(4)))
    except ValueError:
        return CodeCheck(code, False, "date")
    return CodeCheck(code, True)


def code_for_upload(given: str | None, filenames: list[str]) -> str | None:
    """The dossier all files of one upload go into: the code given, else (several files) one made
    for them (the first file's name and the time), else None (one file: its own name, as before)."""
    if given and given.strip():
        return check_code(given).code[:120]
    if len(filenames) < 2:
        return None
    stem = Path(filenames[0] or "upload").stem[:60] or "upload"
    return f"{stem}-{datetime.now(VN).strftime('%y%m%d-%H%M%S')}"


def _remaining(doc: dict[str, Any]) -> list[str]:
    """Message codes of what is still to do on one document."""
    todo = []
    if doc["status"] == "draft":
        todo.append("todo_review")
    if doc["status"] in ("draft", "reviewed"):
        todo.append("todo_sign")
    return todo


def summary(review, code: str, profiles=None) -> dict[str, Any]:
    """A dossier's documents (with state, flagged fields, grouped warnings, originals) and its state."""
    store = review.store
    rows, total = store.review.search(dossier=code, offset=0, limit=500)
    documents = []
    for doc_id, status, revision in rows:
        rec = store.review.record(doc_id)
        if rec is None:
            continue
        profile = profiles[rec.doc_type] if profiles is not None and rec.doc_type in profiles else None
        doc = {"id": rec.id, "status": status, "revision": revision, "doc_type": rec.doc_type,
               "title": profile.title if profile else rec.doc_type, "pages": rec.pages,
               "file": rec.metadata.get("original_name") or Path(rec.source).name,
               "flagged": [f.name for f in rec.fields if f.needs_review],
               "warnings": grouped(store.pages(rec.id), rec.warnings), "created_at": rec.created_at,
               "originals": [o.as_json() for o in store.originals(rec.id)], "profile": profile}
        doc["todo"] = _remaining(doc)
        documents.append(doc)
    states = {d["status"] for d in documents}
    state = "empty" if not documents else ("done" if states <= {"signed", "unsigned"} else "open")
    return {"code": code, "check": check_code(code), "documents": documents, "total": total, "state": state,
            "flagged": sum(len(d["flagged"]) for d in documents),
            "to_review": sum(d["status"] == "draft" for d in documents),
            "to_sign": sum(d["status"] in ("draft", "reviewed") for d in documents)}
