"""The person index: which stored records name which person, and from when to when each is valid.

Every identifier field of a record (digitize.vn.persons) is one row: the person key, the record and
the record's validity — issued on and valid until from the manifest when it stated them, else from
the extracted fields (the profile's validity rule; an issue-date field). NULL valid_until means
permanent or no end known. A number that fails its check is not indexed as that person: it goes to
`person_flags` with the reason. Rows are written in the record's own transaction; a store made before
the index gets it on open (backfill, once, marked in `person_index_state`).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from digitize.vn.persons import PersonKey, person_keys

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS person_index (
        person TEXT NOT NULL, kind TEXT NOT NULL, document_id TEXT NOT NULL, field TEXT NOT NULL,
        issued_on TEXT, valid_until TEXT, PRIMARY KEY (person, document_id, field))""",
    # the look-up: one person, records valid on a date
    "CREATE INDEX IF NOT EXISTS person_index_validity ON person_index (person, valid_until, issued_on)",
    "CREATE INDEX IF NOT EXISTS person_index_document ON person_index (document_id)",
    """CREATE TABLE IF NOT EXISTS person_flags (
        document_id TEXT NOT NULL, field TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
        reason TEXT NOT NULL, PRIMARY KEY (document_id, field))""",
    "CREATE TABLE IF NOT EXISTS person_index_state (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # rate limit and audit of look-ups count a user's recent events of one kind
    "CREATE INDEX IF NOT EXISTS events_kind_at ON events (kind, at)",
]
INDEX_VERSION = "1"
ISSUE_FIELDS = ("ngay_cap", "ngay_ban_hanh", "ngay_dang_ky_lan_dau", "ngay_ky")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class PersonRecord:
    """One record of a person as the look-up shows it."""

    id: str
    dossier: str
    doc_type: str
    issued_on: str | None
    valid_until: str | None  # None: permanent / no end known
    status: str  # signed | reviewed | draft | unsigned
    signer: str
    verdict: str  # the signature verdict: signed here, or verified on import
    office: str  # "" = this office; else the organisation it was imported from
    field: str  # the identifier field that names the person
    state: str = "valid"  # valid | expired | not_yet (on the date asked)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "dossier": self.dossier, "doc_type": self.doc_type, "issued_on": self.issued_on,
                "valid_until": self.valid_until, "permanent": self.valid_until is None, "status": self.status,
                "signer": self.signer, "signature": self.verdict, "office": self.office, "field": self.field,
                "state": self.state}


def validity(metadata: dict[str, Any], valid_until: str | None, values: dict[str, Any]) -> tuple[str | None, str | None]:
    """(issued on, valid until) of a record: the manifest's dates when it gave them (an empty
    valid_until there means permanent), else the extracted ones."""
    issued = str(metadata.get("issued_on") or "") or next(
        (str(values[n])[:10] for n in ISSUE_FIELDS if _ISO.match(str(values.get(n) or "")[:10])), "")
    until = str(metadata.get("valid_until") or "") if "valid_until" in metadata else (valid_until or "")
    return (issued[:10] if _ISO.match(issued[:10]) else None), (until[:10] if _ISO.match(until[:10]) else None)


def index_document(catalog, cur, doc_id: str, values: dict[str, Any], metadata: dict[str, Any],
                   valid_until: str | None) -> list[PersonKey]:
    """(Re)write a document's rows inside the caller's transaction; returns the keys that failed their check."""
    sql = catalog._sql
    cur.execute(sql("DELETE FROM person_index WHERE document_id = ?"), (doc_id,))
    cur.execute(sql("DELETE FROM person_flags WHERE document_id = ?"), (doc_id,))
    issued, until = validity(metadata, valid_until, values)
    flagged, seen = [], set()
    for k in person_keys(values):
        if not k.valid:
            flagged.append(k)
            cur.execute(sql("INSERT INTO person_flags (document_id, field, kind, value, reason) VALUES (?, ?, ?, ?, ?)"),
                        (doc_id, k.field, k.kind, k.value, k.reason))
        elif (k.key, k.field) not in seen:
            seen.add((k.key, k.field))
            cur.execute(sql("INSERT INTO person_index (person, kind, document_id, field, issued_on, valid_until) "
                            "VALUES (?, ?, ?, ?, ?, ?)"), (k.key, k.kind, doc_id, k.field, issued, until))
    return flagged


def index_many(catalog, documents: Iterable[tuple[str, dict[str, Any], dict[str, Any], str | None]],
               chunk: int = 5000) -> int:
    """Index many documents at once, in one transaction, rows written in chunks (a large backfill, the
    bench's generated set). Each item: (document id, field values, metadata, valid until) of a document
    not indexed yet. Returns the rows written; numbers that fail their check go to person_flags."""
    sql, cur = catalog._sql, catalog.conn.cursor()
    put = sql("INSERT INTO person_index (person, kind, document_id, field, issued_on, valid_until) "
              "VALUES (?, ?, ?, ?, ?, ?)")
    flag = sql("INSERT INTO person_flags (document_id, field, kind, value, reason) VALUES (?, ?, ?, ?, ?)")
    rows: list[tuple] = []
    flags: list[tuple] = []
    written = 0
    try:
        for doc_id, values, metadata, valid_until in documents:
            issued, until = validity(metadata, valid_until, values)
            seen = set()
            for k in person_keys(values):
                if not k.valid:
                    flags.append((doc_id, k.field, k.kind, k.value, k.reason))
                elif (k.key, k.field) not in seen:
                    seen.add((k.key, k.field))
                    rows.append((k.key, k.kind, doc_id, k.field, issued, until))
            if len(rows) >= chunk:
                cur.executemany(put, rows)
                written += len(rows)
                rows = []
        if rows:
            cur.executemany(put, rows)
            written += len(rows)
        if flags:
            cur.executemany(flag, flags)
        catalog.conn.commit()
    except Exception:
        catalog.conn.rollback()
        raise
    return written


def index_record(catalog, cur, rec) -> list[PersonKey]:
    return index_document(catalog, cur, rec.id, {f.name: f.value for f in rec.fields}, rec.metadata, rec.valid_until)


def reindex(catalog, cur, doc_id: str) -> None:
    """After a review changed a document's fields: its rows from the current fields."""
    cur.execute(catalog._sql("SELECT metadata, valid_until FROM documents WHERE id = ?"), (doc_id,))
    row = cur.fetchone()
    if row is None:
        return
    cur.execute(catalog._sql("SELECT name, value FROM fields WHERE document_id = ?"), (doc_id,))
    values = {n: json.loads(v) if v is not None else None for n, v in cur.fetchall()}
    index_document(catalog, cur, doc_id, values, json.loads(row[0] or "{}"), row[1])


def migrate(catalog) -> None:
    """Create the tables; index every stored document once (stores made before the index)."""
    conn, sql = catalog.conn, catalog._sql
    cur = conn.cursor()
    for stmt in SCHEMA:
        cur.execute(stmt)
    cur.execute(sql("SELECT value FROM person_index_state WHERE name = ?"), ("version",))
    row = cur.fetchone()
    if row and row[0] == INDEX_VERSION:
        conn.commit()
        return
    try:
        cur.execute("SELECT id FROM documents")
        for (doc_id,) in cur.fetchall():
            reindex(catalog, cur, doc_id)
        cur.execute(sql("DELETE FROM person_index_state WHERE name = ?"), ("version",))
        cur.execute(sql("INSERT INTO person_index_state (name, value) VALUES (?, ?)"), ("version", INDEX_VERSION))
        conn.commit()
    except Exception:
        conn.rollback()
        raise


def _state(issued: str | None, until: str | None, on: str) -> str:
    if issued and issued > on:
        return "not_yet"
    if until and until < on:
        return "expired"
    return "valid"


_LOOKUP = (
    "SELECT d.id, d.dossier, d.doc_type, p.issued_on, p.valid_until, d.status, d.signature, p.field, "
    "i.organisation, i.verdict FROM person_index p JOIN documents d ON d.id = p.document_id "
    "LEFT JOIN imported_documents i ON i.document_id = d.id AND i.origin = 1 WHERE p.person = ?"
)


class PeopleCatalog:
    """Look-ups over a Catalog's connection (sqlite or PostgreSQL)."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.conn = catalog.conn
        self._sql = catalog._sql

    def records(self, person: str, on: str, doc_type: str | None = None,
                include_invalid: bool = False) -> list[PersonRecord]:
        """The person's records valid on `on` (ISO date), newest first; with `include_invalid`
        also those expired or not yet issued then (their `state` says which)."""
        sql, args = _LOOKUP, [person]
        if not include_invalid:
            sql += " AND (p.issued_on IS NULL OR p.issued_on <= ?) AND (p.valid_until IS NULL OR p.valid_until >= ?)"
            args += [on, on]
        if doc_type:
            sql += " AND d.doc_type = ?"
            args.append(doc_type)
        cur = self.conn.cursor()
        cur.execute(self._sql(sql + " ORDER BY p.issued_on DESC, d.id"), tuple(args))
        rows = cur.fetchall()
        self.conn.commit()
        out, seen = [], set()
        for doc_id, dossier, dtype, issued, until, status, sig, field, org, verdict in rows:
            if doc_id in seen:  # one record naming the person in two fields
                continue
            seen.add(doc_id)
            signature = json.loads(sig) if sig else {}
            status = status or ("signed" if signature else "unsigned")
            out.append(PersonRecord(doc_id, dossier, dtype, issued, until, status, signature.get("signer", ""),
                                    verdict or status, org or "", field, _state(issued, until, on)))
        return out

    def flagged(self) -> list[dict[str, Any]]:
        """Identifier fields that failed their check (not indexed as anyone)."""
        cur = self.conn.cursor()
        cur.execute("SELECT document_id, field, kind, value, reason FROM person_flags ORDER BY document_id, field")
        rows = [{"document_id": d, "field": f, "kind": k, "value": v, "reason": r} for d, f, k, v, r in cur.fetchall()]
        self.conn.commit()
        return rows

    def events_of(self, kind: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The events of one kind (look-ups, reuses), oldest first; the last `limit` when given."""
        cur = self.conn.cursor()
        sql = "SELECT at, kind, document_id, data, username FROM events WHERE kind = ? ORDER BY at DESC"
        cur.execute(self._sql(sql + (f" LIMIT {int(limit)}" if limit else "")), (kind,))
        rows = [{"at": a, "kind": k, "document_id": d, "data": json.loads(x), "user": u}
                for a, k, d, x, u in cur.fetchall()]
        self.conn.commit()
        return rows[::-1]

    def recent_events(self, kind: str, username: str, since: str) -> int:
        """How many events of `kind` the user caused since the ISO time (the look-up rate limit)."""
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT COUNT(*) FROM events WHERE kind = ? AND at >= ? AND username = ?"),
                    (kind, since, username))
        n = int(cur.fetchone()[0])
        self.conn.commit()
        return n
