"""The catalog: documents, their fields and pages, dossiers, and an append-only event log.

Plain SQL over a DB-API connection so the same statements serve sqlite (`SqliteCatalog`, the default)
and PostgreSQL (`digitize.store.postgres.PostgresCatalog`, which rewrites the `?` placeholders for its
driver). Each backend says for itself whether it is shared by several coordinators. One document is written
in one transaction; the (source_sha256, settings_key) pair is unique, which makes re-runs and
resumed batches no-ops instead of duplicates.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import digitize.store.originals as _originals
from digitize.errors import StoreError
from digitize.model import Field, Record, SignatureSummary
from digitize.store import imports, people, reviews, search

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS dossiers (
        code TEXT PRIMARY KEY, metadata TEXT NOT NULL DEFAULT '{}', created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS documents (
        id TEXT PRIMARY KEY, dossier TEXT NOT NULL, source TEXT NOT NULL, source_sha256 TEXT NOT NULL,
        settings_key TEXT NOT NULL, doc_type TEXT NOT NULL, pages INTEGER NOT NULL, sha256 TEXT NOT NULL,
        warnings TEXT NOT NULL, signature TEXT, created_at TEXT NOT NULL, pipeline_version TEXT NOT NULL,
        valid_until TEXT, metadata TEXT NOT NULL DEFAULT '{}',
        UNIQUE (source_sha256, settings_key))""",
    "CREATE INDEX IF NOT EXISTS documents_sha256 ON documents (sha256)",
    "CREATE INDEX IF NOT EXISTS documents_dossier ON documents (dossier)",
    """CREATE TABLE IF NOT EXISTS fields (
        document_id TEXT NOT NULL, ord INTEGER NOT NULL, name TEXT NOT NULL, value TEXT, raw TEXT, confidence REAL,
        page INTEGER, box TEXT, valid INTEGER NOT NULL, needs_review INTEGER NOT NULL, reason TEXT,
        PRIMARY KEY (document_id, name))""",
    """CREATE TABLE IF NOT EXISTS pages (
        document_id TEXT NOT NULL, page_no INTEGER NOT NULL, source TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (document_id, page_no))""",
    """CREATE TABLE IF NOT EXISTS events (
        at TEXT NOT NULL, kind TEXT NOT NULL, document_id TEXT, data TEXT NOT NULL DEFAULT '{}')""",
    # batch progress per dossier: resume skips done ones, --retry-failed picks failed ones
    """CREATE TABLE IF NOT EXISTS batch_items (
        batch TEXT NOT NULL, dossier TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
        documents INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL, PRIMARY KEY (batch, dossier))""",
    *_originals.SCHEMA,  # kept source files and their links to documents
    *imports.SCHEMA,  # packages taken in from other offices, and their records' provenance
    # a document's events are read per document (store show, archive export)
    "CREATE INDEX IF NOT EXISTS events_document ON events (document_id)",
]

_DOC_COLUMNS = (
    "id, dossier, source, source_sha256, settings_key, doc_type, pages, sha256, warnings, signature, "
    "created_at, pipeline_version, valid_until, metadata"
)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Catalog:
    """The SQL both backends share; a backend gives the connection and, if needed, its placeholder."""

    shared = False  # other coordinators may write the same catalog at once
    search_index: search.SqliteIndex | search.PostgresIndex = search.SqliteIndex()  # the backend's full-text index (digitize.store.search)

    def __init__(self, conn, object_path: Callable[[str], Path] | None = None):
        self.conn = conn
        self._object_path = object_path  # sha256 -> absolute path, for Record.pdf
        cur = conn.cursor()
        for stmt in SCHEMA:
            cur.execute(stmt)
        conn.commit()
        reviews.migrate(conn)
        search.migrate(conn, self._sql, self.search_index)
        people.migrate(self)  # after reviews: the index reads documents.status

    def _sql(self, sql: str) -> str:
        """The statement in the driver's placeholder style (written with `?`)."""
        return sql

    def _one(self, sql: str, args: tuple) -> tuple | None:
        cur = self.conn.cursor()
        cur.execute(self._sql(sql), args)
        return cur.fetchone()

    # --- reads ------------------------------------------------------------------------------

    def find(self, source_sha256: str, settings_key: str) -> Record | None:
        row = self._one(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE source_sha256 = ? AND settings_key = ?",
            (source_sha256, settings_key),
        )
        return self._record(row) if row else None

    def get(self, doc_id: str, prefix: bool = True) -> Record | None:
        row = self._one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,))
        if row is None and prefix:  # allow a unique prefix, as people copy short ids from `store ls`
            cur = self.conn.cursor()
            cur.execute(self._sql(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id LIKE ?"), (doc_id + "%",))
            rows = cur.fetchall()
            row = rows[0] if len(rows) == 1 else None
        return self._record(row) if row else None

    def get_by_pdf_sha256(self, sha: str) -> Record | None:
        row = self._one(f"SELECT {_DOC_COLUMNS} FROM documents WHERE sha256 = ?", (sha,))
        return self._record(row) if row else None

    def records(self) -> Iterator[Record]:
        cur = self.conn.cursor()
        cur.execute(f"SELECT {_DOC_COLUMNS} FROM documents ORDER BY dossier, created_at, id")
        for row in cur.fetchall():
            yield self._record(row)

    def pages(self, doc_id: str) -> list[dict[str, Any]]:
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT data FROM pages WHERE document_id = ? ORDER BY page_no"), (doc_id,))
        return [json.loads(r[0]) for r in cur.fetchall()]

    def events(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        cur = self.conn.cursor()
        if doc_id:
            cur.execute(self._sql("SELECT at, kind, document_id, data, username FROM events WHERE document_id = ?"),
                        (doc_id,))
        else:
            cur.execute(self._sql("SELECT at, kind, document_id, data, username FROM events"))
        return [{"at": a, "kind": k, "document_id": d, "data": json.loads(x), "user": u}
                for a, k, d, x, u in cur.fetchall()]

    def originals(self, doc_id: str) -> list:
        return _originals.of_document(self, doc_id)

    def original(self, sha: str):
        return _originals.get(self, sha)

    def _fields(self, doc_id: str) -> tuple[Field, ...]:
        cur = self.conn.cursor()
        cur.execute(
            self._sql("SELECT name, value, raw, confidence, page, box, valid, needs_review, reason "
                      "FROM fields WHERE document_id = ? ORDER BY ord"),
            (doc_id,),
        )
        return tuple(
            Field(n, json.loads(v) if v is not None else None, r or "", c or 0.0, p,
                  tuple(json.loads(b)) if b else None, bool(ok), bool(nr), reason or "")
            for n, v, r, c, p, b, ok, nr, reason in cur.fetchall()
        )

    def _record(self, row: tuple) -> Record:
        (doc_id, dossier, source, src_sha, key, doc_type, pages, sha, warnings, sig, created,
         version, valid_until, metadata) = row
        sig_d = json.loads(sig) if sig else None
        return Record(
            id=doc_id, dossier=dossier, source=source, source_sha256=src_sha, settings_key=key,
            doc_type=doc_type, pages=pages, pdf=str(self._object_path(sha)) if self._object_path else "",
            sha256=sha, fields=self._fields(doc_id), warnings=tuple(json.loads(warnings)),
            signature=SignatureSummary(**sig_d) if sig_d else None, created_at=created,
            pipeline_version=version, valid_until=valid_until, metadata=json.loads(metadata),
        )

    # --- writes -----------------------------------------------------------------------------

    def insert(self, rec: Record, pages: list[dict[str, Any]], event: dict[str, Any], draft: bool = False,
               username: str | None = None, original=None) -> bool:
        """One transaction; returns False when the same input + settings is already stored.
        A `draft` waits for review before it is signed; every document starts at revision 1.
        `original` (store.originals.Original): the source file kept as it came, linked to the record."""
        cur = self.conn.cursor()
        try:
            if self._one("SELECT 1 FROM documents WHERE source_sha256 = ? AND settings_key = ?",
                         (rec.source_sha256, rec.settings_key)):
                self.conn.rollback()
                return False
            self.insert_rows(cur, rec, pages, event, draft, username, original)
            self.conn.commit()
            return True
        except Exception:
            self.conn.rollback()
            raise

    def insert_rows(self, cur, rec: Record, pages: list[dict[str, Any]], event: dict[str, Any], draft: bool = False,
                    username: str | None = None, original=None, originals=()) -> None:
        """A document's rows inside the caller's transaction (insert; a package import writes several).
        A page's "text" (its OCR text) is kept for search, not in the page's summary."""
        cur.execute(
            self._sql(f"INSERT INTO documents ({_DOC_COLUMNS}) VALUES ({', '.join('?' * 14)})"),
            (rec.id, rec.dossier, rec.source, rec.source_sha256, rec.settings_key, rec.doc_type,
             rec.pages, rec.sha256, json.dumps(list(rec.warnings), ensure_ascii=False),
             json.dumps(rec.signature.as_dict()) if rec.signature else None, rec.created_at,
             rec.pipeline_version, rec.valid_until, json.dumps(rec.metadata, ensure_ascii=False)),
        )
        for i, f in enumerate(rec.fields):
            cur.execute(
                self._sql("INSERT INTO fields VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                (rec.id, i, f.name, json.dumps(f.value, ensure_ascii=False, default=str), f.raw,
                 f.confidence, f.page, json.dumps(list(f.box)) if f.box else None,
                 int(f.valid), int(f.needs_review), f.reason),
            )
        for i, p in enumerate(pages, 1):
            summary = {k: v for k, v in p.items() if k != "text"}
            cur.execute(self._sql("INSERT INTO pages VALUES (?, ?, ?, ?)"),
                        (rec.id, i, p.get("source", ""), json.dumps(summary, ensure_ascii=False)))
        reviews.insert_text(cur, self._sql, rec.id, [p["text"] for p in pages if "text" in p])
        cur.execute(
            self._sql("INSERT INTO dossiers (code, metadata, created_at) SELECT ?, ?, ? "
                      "WHERE NOT EXISTS (SELECT 1 FROM dossiers WHERE code = ?)"),
            (rec.dossier, json.dumps(rec.metadata, ensure_ascii=False), rec.created_at, rec.dossier),
        )
        for o in ((original,) if original is not None else ()) + tuple(originals):
            _originals.insert(self, cur, rec.id, o)
        status = "draft" if draft else ("signed" if rec.signature else "unsigned")
        reviews.insert_first_revision(cur, self._sql, rec.id, status, rec.sha256, rec.fields, username or "")
        people.index_record(self, cur, rec)
        search.refresh(cur, self._sql, self.search_index, rec.id)
        self._event(cur, "stored", rec.id, {**event, "status": status}, username)

    def batch_item(self, batch: str, dossier: str) -> tuple[str, str] | None:
        """(status, reason) of a dossier in a batch, or None when it was never finished."""
        row = self._one("SELECT status, reason FROM batch_items WHERE batch = ? AND dossier = ?", (batch, dossier))
        self.conn.commit()  # end the read transaction (PostgreSQL) so other writers are not held up
        return (row[0], row[1]) if row else None

    def set_batch_item(self, batch: str, dossier: str, status: str, reason: str = "", documents: int = 0) -> None:
        cur = self.conn.cursor()
        try:
            cur.execute(
                self._sql("INSERT INTO batch_items (batch, dossier, status, reason, documents, updated_at) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (batch, dossier) DO UPDATE SET "
                          "status = excluded.status, reason = excluded.reason, documents = excluded.documents, "
                          "updated_at = excluded.updated_at"),
                (batch, dossier, status, reason, documents, _now()),
            )
            self.conn.commit()
        except Exception:
            self.conn.rollback()
            raise

    def log(self, kind: str, doc_id: str | None, data: dict[str, Any], username: str | None = None) -> None:
        cur = self.conn.cursor()
        self._event(cur, kind, doc_id, data, username)
        self.conn.commit()

    def _event(self, cur, kind: str, doc_id: str | None, data: dict[str, Any], username: str | None = None,
               at: str | None = None) -> None:
        """`at`: when it happened, for events taken in with another office's package (default now)."""
        cur.execute(self._sql("INSERT INTO events (at, kind, document_id, data, username) VALUES (?, ?, ?, ?, ?)"),
                    (at or _now(), kind, doc_id, json.dumps(data, ensure_ascii=False, default=str), username))


class SqliteCatalog(Catalog):
    """`catalog.sqlite` in the store folder: one coordinator at a time (the store lock)."""

    def __init__(self, path: Path, object_path: Callable[[str], Path] | None = None):
        try:
            _create_whole(path)
            conn = sqlite3.connect(path, timeout=60, isolation_level="DEFERRED")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            super().__init__(conn, object_path)
        except sqlite3.DatabaseError as e:
            raise StoreError(str(path), f"cannot open the catalog: {e}") from None


def _create_whole(path: Path) -> None:
    """A new catalog appears with its whole schema or not at all (a run killed while creating it
    leaves no catalog without tables): made under a temporary name, then linked into place, never
    over a catalog another process made meanwhile."""
    if path.exists():
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".catalog-", suffix=".sqlite")
    os.close(fd)
    os.chmod(tmp, 0o644)  # as sqlite would have made it (mkstemp makes 0600)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # kept in the file
            for stmt in SCHEMA:
                conn.execute(stmt)
            conn.commit()
        finally:
            conn.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
