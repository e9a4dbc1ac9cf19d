"""Packages taken in from other offices: which package, from which organisation, when and by whom,
and for every record it brought whether it came with it (`origin` 1) or was already held and only
linked (0). A package is written in one transaction, so it lands whole or not at all; its id (the
SHA-256 of its root METS.xml) makes a second import of it a no-op.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from digitize.errors import InputError
from digitize.model import Record

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS imports (
        id TEXT PRIMARY KEY, package TEXT NOT NULL, organisation TEXT NOT NULL, imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL, documents INTEGER NOT NULL, linked INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS imported_documents (
        document_id TEXT NOT NULL, import_id TEXT NOT NULL, origin INTEGER NOT NULL, organisation TEXT NOT NULL,
        verdict TEXT NOT NULL, signer TEXT NOT NULL, PRIMARY KEY (document_id, import_id))""",
]


@dataclass
class ImportedDocument:
    """One record of a package, ready to store: the record, its originals and its audit trail."""

    record: Record
    verdict: str  # of its signature, verified on import
    signer: str
    originals: list = field(default_factory=list)  # store.originals.Original
    events: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (at, kind, data)


@dataclass
class ImportResult:
    id: str
    package: str
    organisation: str
    created: int = 0
    linked: int = 0
    already: bool = False  # the same package was imported before: nothing done

    def as_json(self) -> dict[str, Any]:
        return {"import": self.id, "package": self.package, "organisation": self.organisation,
                "created": self.created, "linked": self.linked, "already_imported": self.already}


def known(catalog, import_id: str) -> bool:
    cur = catalog.conn.cursor()
    cur.execute(catalog._sql("SELECT 1 FROM imports WHERE id = ?"), (import_id,))
    row = cur.fetchone()
    catalog.conn.commit()
    return row is not None


def insert_package(catalog, result: ImportResult, docs: list[ImportedDocument], username: str) -> ImportResult:
    """All of a package's records, events and provenance in one transaction."""
    sql = catalog._sql
    cur = catalog.conn.cursor()
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        cur.execute(sql("SELECT 1 FROM imports WHERE id = ?"), (result.id,))
        if cur.fetchone():  # imported meanwhile by someone else
            catalog.conn.rollback()
            result.already = True
            return result
        provenance = {"import": result.id, "package": result.package, "organisation": result.organisation}
        for doc in docs:
            rec = doc.record
            cur.execute(sql("SELECT id FROM documents WHERE sha256 = ?"), (rec.sha256,))
            held = cur.fetchone()
            if held:  # the same signed PDF is already here: link, do not duplicate
                _link(cur, sql, held[0], result, 0, doc)
                catalog._event(cur, "import_linked", held[0], {**provenance, "their_id": rec.id}, username)
                result.linked += 1
                continue
            cur.execute(sql("SELECT 1 FROM documents WHERE id = ?"), (rec.id,))
            if cur.fetchone():
                raise InputError(result.package, f"refused, nothing imported: record id {rec.id} is already "
                                                 "used here by another document")
            pages = [{"source": rec.source, "page": n} for n in range(1, rec.pages + 1)]
            catalog.insert_rows(cur, rec, pages, {**provenance, "sha256": rec.sha256}, username=username,
                                originals=doc.originals)
            for at, kind, data in doc.events:
                catalog._event(cur, kind, rec.id, {**data, "origin": "imported", "import": result.id}, None, at)
            _link(cur, sql, rec.id, result, 1, doc)
            result.created += 1
        cur.execute(sql("INSERT INTO imports (id, package, organisation, imported_at, imported_by, documents, linked) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)"),
                    (result.id, result.package, result.organisation, now, username, result.created, result.linked))
        catalog._event(cur, "imported", None, {**provenance, "created": result.created, "linked": result.linked},
                       username)
        catalog.conn.commit()
        return result
    except Exception:
        catalog.conn.rollback()
        raise


def _link(cur, sql, doc_id: str, result: ImportResult, origin: int, doc: ImportedDocument) -> None:
    cur.execute(sql("INSERT INTO imported_documents (document_id, import_id, origin, organisation, verdict, signer) "
                    "VALUES (?, ?, ?, ?, ?, ?)"), (doc_id, result.id, origin, result.organisation, doc.verdict,
                                                    doc.signer))


def listing(catalog) -> list[dict[str, Any]]:
    cur = catalog.conn.cursor()
    cur.execute("SELECT id, package, organisation, imported_at, imported_by, documents, linked FROM imports "
                "ORDER BY imported_at, id")
    cols = ("id", "package", "organisation", "imported_at", "imported_by", "documents", "linked")
    rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    catalog.conn.commit()
    return rows
