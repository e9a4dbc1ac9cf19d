"""The review flow on a store: read a record with its status and revision, change fields, approve,
sign. Each change is a new revision made on a named revision (a stale one is refused), and an audit
event with its user. Signing puts the reviewed values into the draft PDF/A and signs that, so the
signature covers what was reviewed.
"""
from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from typing import Any

from digitize.errors import InputError, SigningError
from digitize.model import Field, Record
from digitize.pdfa.reviewed import with_reviewed_fields
from digitize.pipeline.context import Signing
from digitize.profiles.loader import ProfileSet
from digitize.review.roles import require
from digitize.stages.extract.entered import check_value
from digitize.store.protocol import Store
from digitize.store.reviews import RevisionConflict, now

ID_RE = re.compile(r"^[0-9a-f]{20}$")
PREFIX_RE = re.compile(r"^[0-9a-f]{4,20}$")


class NotFound(InputError):
    """No document has this id (ids never reach the filesystem)."""


class WrongState(RevisionConflict):
    """The action does not apply in the document's status (approving a signed record, ...)."""


@dataclass(frozen=True)
class Actor:
    name: str
    role: str


def field_object(f: Field) -> dict[str, Any]:
    d = f.as_dict()
    d.pop("name")
    return d


class Review:
    """The flow over one store (one per thread: catalog connections are not shared)."""

    _sign_lock = threading.Lock()  # one token session: signatures are made one at a time

    def __init__(self, store: Store, profiles: ProfileSet | None = None, signing: Signing | None = None):
        self.store = store
        self.profiles = profiles
        self.signing = signing  # opened once at start

    # --- reads -------------------------------------------------------------------------------

    def record(self, doc_id: str, prefix: bool = False) -> Record:
        """The record with this id; never a path, never a pattern: anything else is NotFound."""
        if not (PREFIX_RE if prefix else ID_RE).match(doc_id or ""):
            raise NotFound(str(doc_id)[:40], "no such document")
        rec = self.store.get(doc_id) if prefix else self.store.review.record(doc_id)
        if rec is None:
            raise NotFound(doc_id, "no such document")
        return rec

    def document(self, doc_id: str, prefix: bool = False) -> dict[str, Any]:
        rec = self.record(doc_id, prefix)
        status, revision = self.store.review.state(rec.id)
        data = rec.as_json()
        data.update(status=status, revision=revision, fields={f.name: field_object(f) for f in rec.fields},
                    needs_review=any(f.needs_review for f in rec.fields), created_at=rec.created_at,
                    page_details=self.store.pages(rec.id), metadata=rec.metadata)
        return data

    def history(self, doc_id: str) -> list[dict[str, Any]]:
        rec = self.record(doc_id)
        return [{"user": e["user"] or "", "at": e["at"], "action": e["kind"], **e["data"]}
                for e in self.store.events(rec.id)]

    def listing(self, status=None, dossier=None, needs_review=None, q=None, page: int = 1,
                per_page: int = 50) -> dict[str, Any]:
        rows, total = self.store.review.search(status, dossier, needs_review, q, (max(1, page) - 1) * per_page,
                                               per_page)
        items = []
        for doc_id, st, rev in rows:
            rec = self.store.review.record(doc_id)
            if rec is None:
                continue
            item = rec.as_json()
            item.update(status=st, revision=rev, needs_review=[f.name for f in rec.fields if f.needs_review],
                        created_at=rec.created_at, metadata=rec.metadata)
            items.append(item)
        return {"items": items, "total": total, "page": max(1, page)}

    # --- changes -----------------------------------------------------------------------------

    def _editable(self, rec: Record, revision: int, *states: str) -> str:
        status, current = self.store.review.state(rec.id)
        if current != revision:
            raise RevisionConflict(rec.id, f"revision {revision} is stale (current: {current})")
        if status not in states:
            raise WrongState(rec.id, f"the document is {status}")
        return status

    def check(self, doc_id: str, name: str, value) -> Field:
        rec = self.record(doc_id)
        return check_value(self._profile(rec.doc_type), name, value, {f.name: f for f in rec.fields})

    def _profile(self, doc_type: str):
        if self.profiles is None or doc_type not in self.profiles:
            return None
        return self.profiles[doc_type]

    def set_fields(self, actor: Actor, doc_id: str, revision: int, changes: dict[str, Any]) -> int:
        """Set, add (a name that is not a field yet) or remove (None) fields; returns the new revision.
        Any change sends a reviewed record back to draft: the approval was for other values."""
        require(actor.role, "edit", actor.name)
        rec = self.record(doc_id)
        self._editable(rec, revision, "draft", "reviewed")
        fields = {f.name: f for f in rec.fields}
        profile = self._profile(rec.doc_type)
        events = []
        for name, value in changes.items():
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,64}", name):
                raise InputError(str(name)[:64], "a field name is lower-case letters, digits and _")
            old = fields.get(name)
            if value is None:
                if old is None:
                    continue
                del fields[name]
                events.append(("field_removed", {"field": name, "old": old.value, "ocr": old.raw}))
                continue
            new = check_value(profile, name, str(value), fields)
            fields[name] = new
            events.append(("field_changed" if old else "field_added",
                           {"field": name, "old": old.value if old else None, "new": new.value,
                            "ocr": old.raw if old else "", "valid": new.valid, "reason": new.reason}))
        if not events:
            return revision
        return self.store.review.change(rec.id, revision, actor.name, status="draft",
                                        fields=list(fields.values()), events=events)

    def approve(self, actor: Actor, doc_id: str, revision: int) -> int:
        require(actor.role, "approve", actor.name)
        rec = self.record(doc_id)
        self._editable(rec, revision, "draft")
        flagged = [f.name for f in rec.fields if f.needs_review]
        return self.store.review.change(rec.id, revision, actor.name, status="reviewed",
                                        events=[("approved", {"flagged": flagged})])

    def sign(self, actor: Actor, doc_id: str, revision: int | None = None) -> int:
        """Sign a reviewed record: the draft PDF/A with the reviewed values in it, then PAdES."""
        require(actor.role, "sign", actor.name)
        if self.signing is None:
            raise SigningError("sign", "no signer was opened for this station")
        rec = self.record(doc_id)
        status, current = self.store.review.state(rec.id)
        revision = current if revision is None else revision
        self._editable(rec, revision, "reviewed")
        from digitize.stages.sign import sign_pdf  # pyHanko: loaded only by those who sign

        reviewers = sorted({r["user"] for r in self.store.review.revisions(rec.id) if r["user"]})
        draft = self.store.object_path(rec.sha256).read_bytes()
        pdf = with_reviewed_fields(draft, [f.as_dict() for f in rec.fields], revision, reviewers, now())
        with self._sign_lock:
            signed, summary = sign_pdf(pdf, self.signing.signer, self.signing.options)
        sha = hashlib.sha256(signed).hexdigest()
        self.store.write_object(sha, signed)  # object first: a lost race leaves only an unreferenced object
        return self.store.review.change(rec.id, revision, actor.name, status="signed", sha256=sha,
                                        signature=summary.as_dict(),
                                        events=[("signed", {"sha256": sha, "draft_sha256": rec.sha256,
                                                            "signer": summary.signer, "level": summary.level})])

    def sign_many(self, actor: Actor, ids: list[str]) -> list[dict[str, Any]]:
        """Sign each approved record; one result per id, the rest go on when one fails."""
        require(actor.role, "sign", actor.name)
        results = []
        for doc_id in ids:
            try:
                results.append({"id": doc_id, "status": "signed", "revision": self.sign(actor, str(doc_id))})
            except (InputError, RevisionConflict, SigningError) as e:
                results.append({"id": str(doc_id)[:40], "status": "error", "error": str(e)})
        return results
