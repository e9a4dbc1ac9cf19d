"""The review side of the catalog: document status and revisions, users (argon2 hashes), page text
for search, and the user of every event.

Same portable SQL as the catalog (sqlite and PostgreSQL). A migration adds the new tables and
columns to an existing store; old rows keep working (a document without a status is `signed` when it
has a signature, else `unsigned`). Nothing is overwritten: each change of fields or status is a new
row in `revisions` with who made it and when; `fields` and `documents` hold the current revision.
A change names the revision it was made on and only lands if that is still the current one, so two
people on one record never overwrite each other.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Sequence

from digitize import messages
from digitize.errors import ConflictError
from digitize.model import Field
from digitize.store import jobs, people, search

STATUSES = ("draft", "reviewed", "signed", "unsigned")

REVIEW_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS revisions (
        document_id TEXT NOT NULL, revision INTEGER NOT NULL, status TEXT NOT NULL, sha256 TEXT NOT NULL,
        fields TEXT NOT NULL, username TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (document_id, revision))""",
    """CREATE TABLE IF NOT EXISTS users (
        username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS document_text (
        document_id TEXT NOT NULL, page_no INTEGER NOT NULL, text TEXT NOT NULL,
        PRIMARY KEY (document_id, page_no))""",
    # station rules an office sets for its store (four_eyes ...): the current value; each change is an event
    """CREATE TABLE IF NOT EXISTS station_settings (
        name TEXT PRIMARY KEY, value TEXT NOT NULL, username TEXT NOT NULL, at TEXT NOT NULL)""",
    *jobs.SCHEMA,  # uploads accepted by the station, until (and after) their draft is stored
]
# (table, column, declaration) added to stores made before the review station
REVIEW_COLUMNS = [
    ("documents", "status", "TEXT"),
    ("documents", "revision", "INTEGER NOT NULL DEFAULT 1"),
    ("events", "username", "TEXT"),
    ("fields", "label", "TEXT"),  # the label printed for a field read after one (shown with its tone marks)
]


class RevisionConflict(ConflictError):
    """The change was made on a revision that is no longer the current one."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _columns(cur, table: str) -> set[str]:
    cur.execute(f"SELECT * FROM {table} WHERE 1 = 0")
    return {d[0].lower() for d in cur.description}


def insert_text(cur, sql, doc_id: str, pages: list[str]) -> None:
    """A document's page text (page 1 first) in the caller's transaction."""
    for i, text in enumerate(pages, 1):
        cur.execute(sql("INSERT INTO document_text VALUES (?, ?, ?)"), (doc_id, i, text))


def migrate(conn) -> None:
    """Create the review tables and add the review columns; idempotent."""
    cur = conn.cursor()
    for stmt in REVIEW_SCHEMA:
        cur.execute(stmt)
    for table, column, decl in REVIEW_COLUMNS:
        if column not in _columns(cur, table):
            cur.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
    conn.commit()


def fields_json(fields) -> str:
    return json.dumps([f.as_dict() for f in fields], ensure_ascii=False, default=str)


def fields_from_json(text: str) -> tuple[Field, ...]:
    return tuple(Field.from_dict(d) for d in json.loads(text))


def insert_first_revision(cur, sql, doc_id: str, status: str, sha256: str, fields, username: str) -> None:
    """Called inside the catalog's insert transaction: the document's status and revision 1."""
    cur.execute(sql("UPDATE documents SET status = ?, revision = 1 WHERE id = ?"), (status, doc_id))
    cur.execute(sql("INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?)"),
                (doc_id, 1, status, sha256, fields_json(fields), username, now()))


def _status(stored: str | None, signature: str | None) -> str:
    return stored or ("signed" if signature else "unsigned")


class ReviewCatalog:
    """Review queries and changes over a Catalog's connection."""

    def __init__(self, catalog):
        self.catalog = catalog
        self.conn = catalog.conn
        self._sql = catalog._sql

    # --- documents -------------------------------------------------------------------------

    def record(self, doc_id: str):
        """The record with exactly this id (no prefix matching), or None."""
        rec = self.catalog.get(doc_id, prefix=False)
        self.conn.commit()
        return rec

    def state(self, doc_id: str) -> tuple[str, int] | None:
        """(status, current revision) of a document, or None."""
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT status, signature, revision FROM documents WHERE id = ?"), (doc_id,))
        row = cur.fetchone()
        self.conn.commit()
        return (_status(row[0], row[1]), int(row[2] or 1)) if row else None

    def search(self, status: str | None = None, dossier: str | None = None, needs_review: bool | None = None,
               q: str | None = None, offset: int = 0, limit: int = 50, **filters
               ) -> tuple[list[tuple[str, str, int]], int]:
        """([(id, status, revision)], total): best match first with words in `q` (page text, field
        values, dossier codes, file names; case, marks and đ/d do not matter), otherwise documents
        needing review first, then newest first. `filters`: doc_type, date_from, date_to, user
        (digitize.store.search.Filters)."""
        wanted = search.Filters(q=q, status=status, needs_review=needs_review, dossier=dossier, **filters)
        return search.find(self.conn, self._sql, self.catalog.search_index, wanted, offset, limit)

    def counts(self) -> dict[str, int]:
        cur = self.conn.cursor()
        cur.execute("SELECT COALESCE(status, CASE WHEN signature IS NULL THEN 'unsigned' ELSE 'signed' END), "
                    "COUNT(*) FROM documents GROUP BY 1")
        out = {s: int(n) for s, n in cur.fetchall()}
        cur.execute("SELECT COUNT(DISTINCT document_id) FROM fields WHERE needs_review = 1")
        out["needs_review"] = int(cur.fetchone()[0])
        self.conn.commit()
        return out

    def revisions(self, doc_id: str) -> list[dict[str, Any]]:
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT revision, status, sha256, fields, username, at FROM revisions "
                              "WHERE document_id = ? ORDER BY revision"), (doc_id,))
        rows = [{"revision": r, "status": s, "sha256": sha, "fields": json.loads(f), "user": u, "at": at}
                for r, s, sha, f, u, at in cur.fetchall()]
        self.conn.commit()
        return rows

    def revision_sha256(self, doc_id: str, status: str) -> str | None:
        """The PDF of the latest revision in `status` (the unsigned draft, for signing)."""
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT sha256 FROM revisions WHERE document_id = ? AND status = ? "
                              "ORDER BY revision DESC"), (doc_id, status))
        row = cur.fetchone()
        self.conn.commit()
        return row[0] if row else None

    def change(self, doc_id: str, revision: int, username: str, *, status: str | None = None,
               fields=None, sha256: str | None = None, signature: dict | None = None,
               events: Sequence[tuple[str, dict[str, Any]]] = (), pages: list[dict[str, Any]] | None = None,
               doc_type: str | None = None) -> int:
        """One new revision in one transaction; RevisionConflict when `revision` is not current.
        `pages` (the page rows, in their new order) and `doc_type` change the document itself."""
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql("SELECT status, signature, sha256 FROM documents WHERE id = ? AND revision = ?"),
                        (doc_id, revision))
            row = cur.fetchone()
            if row is None:
                raise RevisionConflict(doc_id, f"revision {revision} is not the current one")
            new_status = status or _status(row[0], row[1])
            new_sha = sha256 or row[2]
            cur.execute(self._sql("UPDATE documents SET revision = ?, status = ?, sha256 = ?"
                                  + (", signature = ?" if signature else "") + " WHERE id = ? AND revision = ?"),
                        (revision + 1, new_status, new_sha) + ((json.dumps(signature),) if signature else ())
                        + (doc_id, revision))
            if cur.rowcount != 1:  # a concurrent change won the race
                raise RevisionConflict(doc_id, f"revision {revision} is not the current one")
            if fields is not None:
                self._replace_fields(cur, doc_id, fields)
                people.reindex(self.catalog, cur, doc_id)  # a corrected ID number names its person
            if pages is not None:
                self._replace_pages(cur, doc_id, pages)
            if doc_type is not None:
                cur.execute(self._sql("UPDATE documents SET doc_type = ? WHERE id = ?"), (doc_type, doc_id))
            if fields is not None or pages is not None or doc_type is not None:
                search.refresh(cur, self._sql, self.catalog.search_index, doc_id)
            current = fields if fields is not None else self.catalog._fields(doc_id)
            cur.execute(self._sql("INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?)"),
                        (doc_id, revision + 1, new_status, new_sha, fields_json(current), username, now()))
            for kind, data in events:
                self.catalog._event(cur, kind, doc_id, {**data, "revision": revision + 1}, username)
            self.conn.commit()
            return revision + 1
        except Exception:
            self.conn.rollback()
            raise

    def _replace_fields(self, cur, doc_id: str, fields) -> None:
        cur.execute(self._sql("DELETE FROM fields WHERE document_id = ?"), (doc_id,))
        for i, f in enumerate(fields):
            cur.execute(
                self._sql("INSERT INTO fields (document_id, ord, name, value, raw, confidence, page, box, valid, "
                          "needs_review, reason, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                (doc_id, i, f.name, json.dumps(f.value, ensure_ascii=False, default=str), f.raw, f.confidence,
                 f.page, json.dumps(list(f.box)) if f.box else None, int(f.valid), int(f.needs_review),
                 messages.encode(f.reasons), f.label))

    def _replace_pages(self, cur, doc_id: str, pages: list[dict[str, Any]]) -> None:
        cur.execute(self._sql("DELETE FROM pages WHERE document_id = ?"), (doc_id,))
        for i, p in enumerate(pages, 1):
            cur.execute(self._sql("INSERT INTO pages VALUES (?, ?, ?, ?)"),
                        (doc_id, i, p.get("source", ""), json.dumps(p, ensure_ascii=False)))
        cur.execute(self._sql("UPDATE documents SET pages = ? WHERE id = ?"), (len(pages), doc_id))

    def knows_original(self, sha256: str) -> bool:
        """Whether this source file is kept as an original of some document."""
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT 1 FROM originals WHERE sha256 = ?"), (sha256,))
        found = cur.fetchone() is not None
        self.conn.commit()
        return found

    def knows_pdf(self, sha256: str) -> bool:
        """Whether a document or one of its revisions (a draft, an earlier signed one) is this PDF."""
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT 1 FROM documents WHERE sha256 = ? UNION ALL "
                              "SELECT 1 FROM revisions WHERE sha256 = ?"), (sha256, sha256))
        found = cur.fetchone() is not None
        self.conn.commit()
        return found

    def by_source(self, source_sha256: str) -> list[str]:
        """Ids of the documents made from this source file (under any settings)."""
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT id FROM documents WHERE source_sha256 = ? ORDER BY created_at"),
                    (source_sha256,))
        rows = [r[0] for r in cur.fetchall()]
        self.conn.commit()
        return rows

    # --- text for search -------------------------------------------------------------------

    def put_text(self, doc_id: str, pages: list[str]) -> None:
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql("DELETE FROM document_text WHERE document_id = ?"), (doc_id,))
            insert_text(cur, self._sql, doc_id, pages)
            search.refresh(cur, self._sql, self.catalog.search_index, doc_id)
            self.conn.commit()
        except Exception:
            self.conn.rollback()
            raise

    def text(self, doc_id: str) -> list[str] | None:
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT text FROM document_text WHERE document_id = ? ORDER BY page_no"), (doc_id,))
        rows = [r[0] for r in cur.fetchall()]
        self.conn.commit()
        return rows or None

    # --- station settings ------------------------------------------------------------------

    def setting(self, name: str) -> str | None:
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT value FROM station_settings WHERE name = ?"), (name,))
        row = cur.fetchone()
        self.conn.commit()
        return row[0] if row else None

    def set_setting(self, name: str, value: str, username: str) -> None:
        """Set a station rule for the store, with an audit event `setting_changed` (who, old, new)."""
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql("SELECT value FROM station_settings WHERE name = ?"), (name,))
            row = cur.fetchone()
            if row is None:
                cur.execute(self._sql("INSERT INTO station_settings VALUES (?, ?, ?, ?)"), (name, value, username, now()))
            else:
                cur.execute(self._sql("UPDATE station_settings SET value = ?, username = ?, at = ? WHERE name = ?"),
                            (value, username, now(), name))
            self.catalog._event(cur, "setting_changed", None,
                                {"name": name, "old": row[0] if row else None, "new": value}, username)
            self.conn.commit()
        except Exception:
            self.conn.rollback()
            raise

    # --- users -----------------------------------------------------------------------------

    def add_user(self, username: str, role: str, password_hash: str) -> bool:
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql("SELECT 1 FROM users WHERE username = ?"), (username,))
            if cur.fetchone():
                self.conn.rollback()
                return False
            cur.execute(self._sql("INSERT INTO users VALUES (?, ?, ?, 0, ?)"), (username, role, password_hash, now()))
            self.catalog._event(cur, "user_added", None, {"name": username, "role": role}, None)
            self.conn.commit()
            return True
        except Exception:
            self.conn.rollback()
            raise

    def user(self, username: str) -> tuple[str, str, bool] | None:
        """(role, password hash, disabled) or None."""
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT role, password_hash, disabled FROM users WHERE username = ?"), (username,))
        row = cur.fetchone()
        self.conn.commit()
        return (row[0], row[1], bool(row[2])) if row else None

    def users(self) -> list[dict[str, Any]]:
        cur = self.conn.cursor()
        cur.execute("SELECT username, role, disabled, created_at FROM users ORDER BY username")
        rows = [{"name": n, "role": r, "disabled": bool(d), "created_at": c} for n, r, d, c in cur.fetchall()]
        self.conn.commit()
        return rows

    def set_user(self, username: str, *, disabled: bool | None = None, password_hash: str | None = None,
                 role: str | None = None) -> bool:
        cur = self.conn.cursor()
        try:
            if role is not None:
                cur.execute(self._sql("UPDATE users SET role = ? WHERE username = ?"), (role, username))
            if disabled is not None:
                cur.execute(self._sql("UPDATE users SET disabled = ? WHERE username = ?"), (int(disabled), username))
            if password_hash is not None:
                cur.execute(self._sql("UPDATE users SET password_hash = ? WHERE username = ?"),
                            (password_hash, username))
            changed = cur.rowcount == 1
            if changed and disabled is not None:
                self.catalog._event(cur, "user_disabled" if disabled else "user_enabled", None, {"name": username},
                                    None)
            self.conn.commit()
            return changed
        except Exception:
            self.conn.rollback()
            raise
