"""What the dossier page needs for the look-up at the counter: the records attached to the dossier by
reference, the person's ID read from the dossier's first document (to look up without typing), the
document types' titles and the panel's words. The look-up itself and the attaching go through
digitize.web.api_people from the page's script (static/people.js)."""
from __future__ import annotations

from typing import Any

from fastapi import Request

from digitize.review.lookup import reuses, this_office
from digitize.review.roles import allowed
from digitize.vn.persons import person_keys
from digitize.web.deps import ctx, current


def vn_date(iso: str | None) -> str:
    """2030-06-16 -> 16/06/2030, as Vietnamese papers write dates ("" for none)."""
    return "/".join(reversed(iso.split("-"))) if iso and len(iso) == 10 else (iso or "")


def first_person_id(store, documents: list[dict[str, Any]]) -> str:
    """The CCCD (or old CMND) printed on the dossier's first document, if its check passed."""
    for doc in documents[:1]:
        rec = store.get(doc["id"])
        if rec is None:
            return ""
        keys = [k for k in person_keys({f.name: f.value for f in rec.fields}) if k.valid]
        for kind in ("cccd", "cmnd"):
            for k in keys:
                if k.kind == kind:
                    return k.value
    return ""


def counter_values(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """Template values of the look-up panel and the reused records of the dossier `data` (review.dossiers.summary)."""
    store = ctx(request).review().store
    s = current(request)
    profiles = ctx(request).station.profiles
    types = {p.id: p.title for p in profiles} if profiles is not None else {}
    reused = reuses(store, data["code"])
    office = this_office()
    for r in reused:
        r.update(title=types.get(r["doc_type"], r["doc_type"]), office=r["office"] or office,
                 issued_shown=vn_date(r["issued_on"]), until_shown=vn_date(r["valid_until"]))
    can_look_up = bool(s and allowed(s.role, "people"))
    return {"reused": reused, "types": types,
            "can_look_up": can_look_up, "can_reuse": bool(s and allowed(s.role, "reuse")),
            "person_id": first_person_id(store, data["documents"]) if can_look_up else ""}
