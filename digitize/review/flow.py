"""The review flow on a store: read a record with its status and revision, change fields, approve,
sign. Each change is a new revision made on a named revision (a stale one is refused), and an audit
event with its user. Approval and signing follow the rules of digitize.review.approval (fields checked,
four eyes, values XML can hold). Signing puts the reviewed values into the draft PDF/A and signs that,
so the signature covers what was reviewed.
"""
from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from digitize.errors import ConflictError, InputError, SigningError
from digitize.messages import msg
from digitize.model import Field, Record
from digitize.pdfa.reviewed import with_reviewed_fields
from digitize.pipeline.context import Signing
from digitize.profiles.loader import ProfileSet
from digitize.review import approval
from digitize.review.approval import FourEyes
from digitize.review.roles import Forbidden, require
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

    def __init__(self, store: Store, profiles: ProfileSet | None = None, signing: Signing | None = None,
                 four_eyes: bool = True):
        self.store = store
        self.profiles = profiles
        self.signing = signing  # opened once at start
        self.four_eyes = four_eyes  # False: this station (`serve --no-four-eyes`) lets one person approve and sign

    # --- reads -------------------------------------------------------------------------------

    def record(self, doc_id: str, prefix: bool = False) -> Record:
        """The record with this id; never a path, never a pattern: anything else is NotFound."""
        if not (PREFIX_RE if prefix else ID_RE).match(doc_id or ""):
            raise NotFound(str(doc_id)[:40], "no such document")
        rec = self.store.get(doc_id) if prefix else self.store.review.record(doc_id)
        if rec is None:
            raise NotFound(doc_id, "no such document")
        return rec

    def _state(self, rec: Record) -> tuple[str, int]:
        """(status, current revision) of a record just read; NotFound if it went in between."""
        state = self.store.review.state(rec.id)
        if state is None:
            raise NotFound(rec.id, "no such document")
        return state

    def document(self, doc_id: str, prefix: bool = False) -> dict[str, Any]:
        rec = self.record(doc_id, prefix)
        status, revision = self._state(rec)
        data = rec.as_json()
        data.update(status=status, revision=revision, fields={f.name: field_object(f) for f in rec.fields},
                    needs_review=any(f.needs_review for f in rec.fields), created_at=rec.created_at,
                    page_details=self.store.pages(rec.id), metadata=rec.metadata,
                    approval=self._approval_state(rec))
        return data

    def _approval_state(self, rec: Record) -> dict[str, list[str]]:
        """What the page needs to enable approval: required fields, flagged ones, those a person edited."""
        profile = self._profile(rec.doc_type)
        events = self.store.events(rec.id)
        missing, unconfirmed = approval.approval_gaps(rec.fields, profile, events, ())
        return {"required": [s.name for s in profile.fields if s.required] if profile is not None else [],
                "missing": missing, "flagged": [f.name for f in rec.fields if f.needs_review],
                "edited": sorted(approval.edited_fields(events) & {f.name for f in rec.fields}),
                "unconfirmed": unconfirmed}

    def four_eyes_on(self) -> bool:
        """The rule holds unless this station or the store's setting turned it off."""
        return self.four_eyes and self.store.review.setting("four_eyes") != "off"

    def history(self, doc_id: str) -> list[dict[str, Any]]:
        rec = self.record(doc_id)
        return [{"user": e["user"] or "", "at": e["at"], "action": e["kind"], **e["data"]}
                for e in self.store.events(rec.id)]

    def listing(self, status=None, dossier=None, needs_review=None, q=None, page: int = 1,
                per_page: int = 50, **filters) -> dict[str, Any]:
        """One page of documents; `filters`: doc_type, date_from, date_to, user (store.search.Filters)."""
        rows, total = self.store.review.search(status, dossier, needs_review, q, (max(1, page) - 1) * per_page,
                                               per_page, **filters)
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
        status, current = self._state(rec)
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
        approval.check_field_count(rec.id, len(changes))
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
            new = check_value(profile, name, approval.clean_value(name, str(value)), fields)
            fields[name] = new
            events.append(("field_changed" if old else "field_added",
                           {"field": name, "old": old.value if old else None, "new": new.value,
                            "ocr": old.raw if old else "", "valid": new.valid, "reason": new.reason}))
        if not events:
            return revision
        approval.check_field_count(rec.id, len(fields))
        return self.store.review.change(rec.id, revision, actor.name, status="draft",
                                        fields=list(fields.values()), events=events)

    def approve(self, actor: Actor, doc_id: str, revision: int, confirmed: Sequence[str] = ()) -> int:
        """Approve a draft: refused (ApprovalIncomplete) while a required field has no value or a flagged
        field was neither corrected by a person nor named in `confirmed`; each confirmation is an event."""
        require(actor.role, "approve", actor.name)
        rec = self.record(doc_id)
        self._editable(rec, revision, "draft")
        named = list(dict.fromkeys(str(n) for n in confirmed))
        approval.check_approval(rec.id, rec.fields, self._profile(rec.doc_type), self.store.events(rec.id),
                                named)
        flagged = [f.name for f in rec.fields if f.needs_review]
        values = {f.name: f.value for f in rec.fields}
        events = [("field_confirmed", {"field": n, "value": values[n]}) for n in named]
        return self.store.review.change(rec.id, revision, actor.name, status="reviewed",
                                        events=events + [("approved", {"flagged": flagged, "confirmed": named})])

    def sign(self, actor: Actor, doc_id: str, revision: int | None = None) -> int:
        """Sign a reviewed record: the draft PDF/A with the reviewed values in it, then PAdES."""
        require(actor.role, "sign", actor.name)
        if self.signing is None or self.signing.signer is None or self.signing.options is None:
            raise SigningError("sign", "no signer was opened for this station")
        signer, options = self.signing.signer, self.signing.options
        if signer is None or options is None:  # drafts-only signing context: nobody here holds the key
            raise SigningError("sign", "no signer was opened for this station")
        rec = self.record(doc_id)
        status, current = self._state(rec)
        revision = current if revision is None else revision
        self._editable(rec, revision, "reviewed")
        self._check_four_eyes(actor, rec.id, revision)
        from digitize.stages.sign import sign_pdf  # pyHanko: loaded only by those who sign

        reviewers = sorted({r["user"] for r in self.store.review.revisions(rec.id) if r["user"]})
        draft = self.store.object_path(rec.sha256).read_bytes()
        pdf = with_reviewed_fields(draft, [f.as_dict() for f in rec.fields], revision, reviewers, now())
        with self._sign_lock:
            signed, summary = sign_pdf(pdf, signer, options)
        sha = hashlib.sha256(signed).hexdigest()
        self.store.write_object(sha, signed)  # object first: a lost race leaves only an unreferenced object
        return self.store.review.change(rec.id, revision, actor.name, status="signed", sha256=sha,
                                        signature=summary.as_dict(),
                                        events=[("signed", {"sha256": sha, "draft_sha256": rec.sha256,
                                                            "signer": summary.signer, "level": summary.level})])

    def _check_four_eyes(self, actor: Actor, doc_id: str, revision: int) -> None:
        if not self.four_eyes_on():
            return
        why = approval.four_eyes_reason(actor.name, self.store.events(doc_id), revision)
        if why:
            raise FourEyes(doc_id, why)

    def check_batch(self, actor: Actor, items: list[tuple[str, int]]) -> None:
        """Before a batch signs anything: every item is still reviewed at the revision named (else
        BatchMoved naming them all) and the signer may sign each (else FourEyes)."""
        require(actor.role, "sign", actor.name)
        moved = []
        for doc_id, revision in items:
            rec = self.record(doc_id)
            status, current = self._state(rec)
            if status != "reviewed" or current != revision:
                moved.append({"id": rec.id, "revision": revision, "current": current, "status": status})
        if moved:
            raise BatchMoved(moved)
        for doc_id, revision in items:
            self._check_four_eyes(actor, doc_id, revision)

    def sign_many(self, actor: Actor, items: Sequence[tuple[str, int | None]]) -> list[dict[str, Any]]:
        """Sign each (id, revision) (None: the current one); one result per item, the rest go on when one fails."""
        require(actor.role, "sign", actor.name)
        results = []
        for doc_id, revision in items:
            try:
                results.append({"id": doc_id, "status": "signed", "revision": self.sign(actor, str(doc_id), revision)})
            except (InputError, ConflictError, SigningError, Forbidden) as e:
                results.append({"id": str(doc_id)[:40], "status": "error", "error": str(e)})
        return results


class BatchMoved(RevisionConflict):
    """Records of a batch that are no longer reviewed at the revision the signer saw: nothing was signed."""

    def __init__(self, moved: list[dict[str, Any]]):
        names = ", ".join(f"{m['id'][:8]} r{m['revision']} → r{m['current']}" for m in moved)
        super().__init__("sign", msg("approval.batch_moved", count=len(moved), records=names))
        self.moved = moved

    def __reduce__(self):
        return (type(self), (self.moved,))
