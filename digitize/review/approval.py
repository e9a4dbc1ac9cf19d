"""The rules that make an approval and a signature mean something, shared by the station and the CLI.

Approve: every required field of the profile has a value, and every field flagged for review was either
changed by a person since the OCR read it or is confirmed by name (each confirmation an audit event).
Sign (four eyes): the signer is not the person who approved the record nor anyone who changed its fields
up to the revision being signed; an office of one turns the rule off (`serve --no-four-eyes`, or the
store's `four_eyes` setting), which the audit log records.
Values: what a person types is NFC, bounded in length and count, and holds no character XML cannot hold.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from digitize.errors import ConflictError, InputError
from digitize.messages import Message, msg
from digitize.model import Field
from digitize.review.roles import Forbidden
from digitize.vn.text import bad_character_at, nfc

MAX_VALUE_CHARS = 4000
MAX_FIELDS = 200
EDITS = ("field_changed", "field_added")  # a person's change of a field's value
CONTENT_CHANGES = EDITS + ("field_removed", "type_changed", "pages_changed")


class ApprovalIncomplete(ConflictError):
    """Approval refused: required fields without a value, flagged fields neither edited nor confirmed."""

    def __init__(self, where: str, reason: str | Message, missing: Iterable[str] = (), unconfirmed: Iterable[str] = ()):
        super().__init__(where, reason)
        self.missing, self.unconfirmed = list(missing), list(unconfirmed)

    def __reduce__(self):
        return (type(self), (self.where, self.reason, self.missing, self.unconfirmed))


class FourEyes(Forbidden):
    """The signer approved or changed the record being signed."""


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def edited_fields(events: list[dict[str, Any]]) -> set[str]:
    """Fields whose value a person set (an edit after the OCR's reading, or a field a person added)."""
    return {e["data"].get("field") for e in events if e["kind"] in EDITS and e["user"]}


def approval_gaps(fields: tuple[Field, ...], profile, events: list[dict[str, Any]],
                  confirmed: Iterable[str]) -> tuple[list[str], list[str]]:
    """(missing required fields, flagged fields neither edited nor confirmed), in field order."""
    values = {f.name: f.value for f in fields}
    required = [s.name for s in profile.fields if s.required] if profile is not None else []
    missing = [name for name in required if _empty(values.get(name))]
    done = edited_fields(events) | set(confirmed)
    unconfirmed = [f.name for f in fields if f.needs_review and f.name not in done and f.name not in missing]
    return missing, unconfirmed


def check_approval(doc_id: str, fields: tuple[Field, ...], profile, events: list[dict[str, Any]],
                   confirmed: list[str]) -> None:
    names = {f.name for f in fields}
    unknown = [n for n in confirmed if n not in names]
    if unknown:
        raise InputError(doc_id, msg("approval.unknown_field", field=unknown[0]))
    missing, unconfirmed = approval_gaps(fields, profile, events, confirmed)
    if missing or unconfirmed:
        gaps = msg("approval.gaps", missing=", ".join(missing) or "—", unconfirmed=", ".join(unconfirmed) or "—")
        raise ApprovalIncomplete(doc_id, gaps, missing, unconfirmed)


def four_eyes_reason(signer: str, events: list[dict[str, Any]], revision: int) -> Message | None:
    """Why `signer` may not sign `revision` of the record with these events (None when they may)."""
    upto = [e for e in events if int(e["data"].get("revision") or 0) <= revision]
    approvals = [e for e in upto if e["kind"] == "approved"]
    if approvals and approvals[-1]["user"] == signer:
        return msg("approval.four_eyes_approved", user=signer)
    changed = sorted({e["data"].get("field") or e["kind"] for e in upto
                      if e["kind"] in CONTENT_CHANGES and e["user"] == signer})
    if changed:
        return msg("approval.four_eyes_changed", user=signer, fields=", ".join(changed))
    return None


def clean_value(name: str, value: str) -> str:
    """The value as kept: NFC; refused (InputError naming the field) when too long or holding a character
    XML cannot hold (it would make the signed file's XMP ill-formed)."""
    found = bad_character_at(value)
    if found:
        kind, char, position = found
        raise InputError(name, msg("value." + kind, field=name, char=char, position=position))
    value = nfc(value)
    if len(value) > MAX_VALUE_CHARS:
        raise InputError(name, msg("value.too_long", field=name, length=len(value), limit=MAX_VALUE_CHARS))
    return value


def check_field_count(doc_id: str, count: int) -> None:
    if count > MAX_FIELDS:
        raise InputError(doc_id, msg("value.too_many_fields", count=count, limit=MAX_FIELDS))
