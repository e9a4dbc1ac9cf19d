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
from digitize.model import Field
from digitize.review.roles import Forbidden
from digitize.vn.text import bad_character, nfc

MAX_VALUE_CHARS = 4000
MAX_FIELDS = 200
EDITS = ("field_changed", "field_added")  # a person's change of a field's value
CONTENT_CHANGES = EDITS + ("field_removed", "type_changed", "pages_changed")


class ApprovalIncomplete(ConflictError):
    """Approval refused: required fields without a value, flagged fields neither edited nor confirmed."""

    def __init__(self, where: str, reason: str, missing: Iterable[str] = (), unconfirmed: Iterable[str] = ()):
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
        raise InputError(doc_id, f"confirmed field {unknown[0]!r} is not a field of the document")
    missing, unconfirmed = approval_gaps(fields, profile, events, confirmed)
    if missing or unconfirmed:
        parts = ([f"required fields without a value: {', '.join(missing)}"] if missing else []) + \
            ([f"flagged fields neither corrected nor confirmed: {', '.join(unconfirmed)}"] if unconfirmed else [])
        raise ApprovalIncomplete(doc_id, "; ".join(parts), missing, unconfirmed)


def four_eyes_reason(signer: str, events: list[dict[str, Any]], revision: int) -> str:
    """Why `signer` may not sign `revision` of the record with these events ("" when they may)."""
    upto = [e for e in events if int(e["data"].get("revision") or 0) <= revision]
    approvals = [e for e in upto if e["kind"] == "approved"]
    if approvals and approvals[-1]["user"] == signer:
        return f"{signer} approved this record: another person must sign it (four eyes)"
    changed = sorted({e["data"].get("field") or e["kind"] for e in upto
                      if e["kind"] in CONTENT_CHANGES and e["user"] == signer})
    if changed:
        return f"{signer} changed this record ({', '.join(changed)}): another person must sign it (four eyes)"
    return ""


def clean_value(name: str, value: str) -> str:
    """The value as kept: NFC; refused (InputError naming the field) when too long or holding a character
    XML cannot hold (it would make the signed file's XMP ill-formed)."""
    problem = bad_character(value)
    if problem:
        raise InputError(name, f"the value of {name} has {problem}")
    value = nfc(value)
    if len(value) > MAX_VALUE_CHARS:
        raise InputError(name, f"the value of {name} has {len(value)} characters, over the limit of "
                               f"{MAX_VALUE_CHARS}")
    return value


def check_field_count(doc_id: str, count: int) -> None:
    if count > MAX_FIELDS:
        raise InputError(doc_id, f"{count} fields, over the limit of {MAX_FIELDS} per document")
