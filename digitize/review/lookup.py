"""Looking a person up is personal-data processing: who asked, for whom (masked), when and why is
an audit event (`person_lookup`), and each user may ask only so often per minute. The CLI
(`store find`) and the station (`GET /api/people/{id}/records`) both come through here.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

from digitize.errors import UsageError
from digitize.settings import organisation
from digitize.store.people import validity
from digitize.vn.persons import mask, parse_person

DEFAULT_LIMIT = 30  # look-ups per user per minute [env DIGITIZE_LOOKUP_LIMIT]
EVENT = "person_lookup"


class Throttled(UsageError):
    """The user made too many look-ups in the last minute."""

    retry_after = 60


@dataclass
class LookUp:
    person: str  # masked key, as the audit log shows it
    valid_on: str
    records: list = field(default_factory=list)  # store.people.PersonRecord

    def as_json(self, office: str) -> dict[str, Any]:
        return {"person": self.person, "valid_on": self.valid_on,
                "records": [{**r.as_json(), "office": r.office or office} for r in self.records]}


def per_minute() -> int:
    try:
        return max(1, int(os.environ.get("DIGITIZE_LOOKUP_LIMIT") or DEFAULT_LIMIT))
    except ValueError:
        raise UsageError("DIGITIZE_LOOKUP_LIMIT", "not a whole number") from None


def parse_day(text: str | None) -> str:
    if not text:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError("--valid-on", f"not a date (YYYY-MM-DD): {text[:40]!r}") from None


def find_person(store, query: str, user: str, reason: str = "", dossier: str = "", valid_on: str | None = None,
                doc_type: str | None = None, include_invalid: bool = False) -> LookUp:
    """The person's records valid on the day (default today); audited and rate-limited per user."""
    why = (reason or "").strip()[:200]
    dossier = (dossier or "").strip()[:80]
    if not why and not dossier:
        raise UsageError("look-up", "say why: a dossier code (--dossier) or a reason (--reason)")
    day = parse_day(valid_on)
    key = parse_person(query)
    since = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)).isoformat(timespec="seconds")
    if store.people.recent_events(EVENT, user, since) >= per_minute():
        raise Throttled(user, f"more than {per_minute()} look-ups in a minute; wait and try again")
    masked = mask(key.key) if key.value else f"{key.kind}:?"
    if not key.valid:
        store.log(EVENT, None, user, person=masked, reason=why, dossier=dossier, valid_on=day, refused=key.reason)
        raise UsageError(masked, f"not a valid identifier: {key.reason}")
    found = store.people.records(key.key, day, doc_type or None, include_invalid)
    store.log(EVENT, None, user, person=masked, reason=why, dossier=dossier, valid_on=day, type=doc_type or "",
              results=len(found), documents=[r.id for r in found])
    return LookUp(masked, day, found)


def this_office() -> str:
    return organisation(None)


def reuse(store, doc_id: str, dossier: str, user: str, reason: str = "") -> dict[str, Any]:
    """Attach a still-valid record to a new dossier by reference ("đã có bản số hóa còn hiệu lực"):
    no new scan; the reuse is an audit event on the record."""
    rec = store.get(doc_id)
    if rec is None or rec.id != doc_id:
        raise UsageError(doc_id[:40], "no such document")
    dossier = dossier.strip()[:80]
    if not dossier:
        raise UsageError("dossier", "name the dossier the record is attached to")
    if rec.signature is None:  # only a signed digitised copy stands in for the paper
        raise UsageError(doc_id, "not signed: only a signed record can be reused")
    today = dt.date.today().isoformat()
    issued, until = validity(rec.metadata, rec.valid_until, {f.name: f.value for f in rec.fields})
    if (until and until < today) or (issued and issued > today):
        raise UsageError(doc_id, f"not valid today (valid until {until})" if until and until < today
                         else f"not yet issued (issued on {issued})")
    answer = {"id": rec.id, "dossier": dossier, "doc_type": rec.doc_type, "valid_until": until, "reused": True}
    if any(r["id"] == rec.id for r in reuses(store, dossier)):
        return {**answer, "already": True}  # attached before: one reference is enough
    store.log("record_reused", rec.id, user, dossier=dossier, reason=reason.strip()[:200],
              note="đã có bản số hóa còn hiệu lực", valid_until=until or "")
    return {**answer, "already": False}


def reuses(store, dossier: str) -> list[dict[str, Any]]:
    """Records attached to a dossier by reference, first attached first, with what the dossier page shows."""
    out: dict[str, dict[str, Any]] = {}
    for e in store.people.events_of("record_reused"):
        if (e["data"] or {}).get("dossier") != dossier or e["document_id"] in out:
            continue
        rec = store.get(e["document_id"])
        issued, until = validity(rec.metadata, rec.valid_until, {f.name: f.value for f in rec.fields}) if rec else \
            (None, None)
        out[e["document_id"]] = {"id": e["document_id"], "at": e["at"], "user": e["user"],
                                 "doc_type": rec.doc_type if rec else "", "issued_on": issued, "valid_until": until,
                                 "office": (rec.metadata.get("imported_from") or "") if rec else ""}
    return list(out.values())
