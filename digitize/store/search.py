"""Search in the catalog: a full-text index made for Vietnamese over page text, field values, dossier
codes and file names, kept in the same transaction as every write, plus the filters and paging of
the queue.

sqlite: FTS5 with the `unicode61 remove_diacritics 2` tokenizer, ranked by bm25. PostgreSQL:
`unaccent` + a GIN full-text index ('simple' configuration), ranked by ts_rank. Both index the text
as `search_text.indexable` gives it (NFC, đ as d) and take the query's words from
`search_text.terms`, so they find the same documents. An index made by an older version is rebuilt
when the catalog opens (INDEX_VERSION).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from digitize.store import search_text
from digitize.store.search_text import Terms

INDEX_VERSION = "1"
# weights of the indexed columns: a dossier code or a file name that matches says more than one
# word of a 28-page text
WEIGHTS = {"code": 10.0, "name": 5.0, "fields": 3.0, "body": 1.0}
STATUS_SQL = "COALESCE(d.status, CASE WHEN d.signature IS NULL THEN 'unsigned' ELSE 'signed' END)"
REVIEW_SQL = "EXISTS (SELECT 1 FROM fields f WHERE f.document_id = d.id AND f.needs_review = 1)"


@dataclass(frozen=True)
class Filters:
    """What the queue and the API narrow a listing by; None: any."""

    q: str | None = None
    status: str | None = None
    needs_review: bool | None = None
    dossier: str | None = None
    doc_type: str | None = None
    date_from: date | None = None  # stored on or after this day (Asia/Ho_Chi_Minh)
    date_to: date | None = None  # stored on or before this day
    user: str | None = None  # who uploaded or changed it (any revision)

    def conditions(self) -> tuple[list[str], list]:
        where, args = [], []
        for sql, value in ((f"{STATUS_SQL} = ?", self.status), ("d.dossier = ?", self.dossier),
                           ("d.doc_type = ?", self.doc_type)):
            if value:
                where.append(sql)
                args.append(search_text.nfc(value))
        if self.needs_review is not None:
            where.append(REVIEW_SQL if self.needs_review else f"NOT {REVIEW_SQL}")
        if self.date_from:
            where.append("d.created_at >= ?")
            args.append(search_text.day_start_utc(self.date_from))
        if self.date_to:
            where.append("d.created_at < ?")
            args.append(search_text.day_start_utc(self.date_to, after=True))
        if self.user:
            where.append("EXISTS (SELECT 1 FROM revisions r WHERE r.document_id = d.id AND r.username = ?)")
            args.append(self.user.strip().lower())
        return where, args


class SqliteIndex:
    """FTS5 rows keyed by a stable integer (search_docs.n) per document."""

    schema = [
        "CREATE TABLE IF NOT EXISTS search_docs (n INTEGER PRIMARY KEY, document_id TEXT NOT NULL UNIQUE)",
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(code, name, fields, body, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    ]

    def write(self, cur, sql, doc_id: str, parts: dict[str, str]) -> None:
        cur.execute("INSERT INTO search_docs (document_id) VALUES (?) ON CONFLICT (document_id) DO NOTHING",
                    (doc_id,))
        cur.execute("SELECT n FROM search_docs WHERE document_id = ?", (doc_id,))
        n = cur.fetchone()[0]
        cur.execute("DELETE FROM search_fts WHERE rowid = ?", (n,))
        cur.execute("INSERT INTO search_fts (rowid, code, name, fields, body) VALUES (?, ?, ?, ?, ?)",
                    (n, *(search_text.indexable(parts[c]) for c in WEIGHTS)))

    def clear(self, cur) -> None:
        cur.execute("DELETE FROM search_fts")
        cur.execute("DELETE FROM search_docs")

    def matching(self, query: Terms) -> tuple[str, list]:
        """A sub-select of (document_id, rank), best first when ordered by rank."""
        weights = ", ".join(str(w) for w in WEIGHTS.values())
        return (f"SELECT s.document_id AS document_id, bm25(search_fts, {weights}) AS rank FROM search_fts "
                "JOIN search_docs s ON s.n = search_fts.rowid WHERE search_fts MATCH ?", [query.fts5()])


class PostgresIndex:
    """One tsvector per document: the columns weighted A-D, made with unaccent and the 'simple' parser."""

    schema = [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "CREATE TABLE IF NOT EXISTS search_docs (document_id TEXT PRIMARY KEY, tsv tsvector NOT NULL)",
        "CREATE INDEX IF NOT EXISTS search_docs_tsv ON search_docs USING GIN (tsv)",
    ]

    def write(self, cur, sql, doc_id: str, parts: dict[str, str]) -> None:
        vector = " || ".join(f"setweight(to_tsvector('simple', lower(unaccent(%s))), '{w}')" for w in "ABCD")
        cur.execute(f"INSERT INTO search_docs (document_id, tsv) VALUES (%s, {vector}) "
                    "ON CONFLICT (document_id) DO UPDATE SET tsv = excluded.tsv",
                    (doc_id, *(search_text.index_words(parts[c]) for c in WEIGHTS)))

    def clear(self, cur) -> None:
        cur.execute("DELETE FROM search_docs")

    def matching(self, query: Terms) -> tuple[str, list]:
        weights = "{" + ", ".join(str(w / 10) for w in reversed(WEIGHTS.values())) + "}"  # D, C, B, A
        return (f"SELECT s.document_id AS document_id, -ts_rank('{weights}', s.tsv, q.query) AS rank "
                "FROM search_docs s, to_tsquery('simple', lower(unaccent(?))) q(query) WHERE s.tsv @@ q.query",
                [query.tsquery()])


def _value_text(value: str | None) -> str:
    if value is None:
        return ""
    v = json.loads(value)
    return v if isinstance(v, str) else ("" if v is None else str(v))


def document_parts(cur, sql, doc_id: str) -> dict[str, str] | None:
    """What is indexed of a document, read in the writer's transaction (its own writes included)."""
    cur.execute(sql("SELECT dossier, source, metadata FROM documents WHERE id = ?"), (doc_id,))
    row = cur.fetchone()
    if row is None:
        return None
    dossier, source, metadata = row
    original = json.loads(metadata or "{}").get("original_name") or ""
    cur.execute(sql("SELECT value FROM fields WHERE document_id = ? ORDER BY ord"), (doc_id,))
    values = [_value_text(v) for (v,) in cur.fetchall()]
    cur.execute(sql("SELECT text FROM document_text WHERE document_id = ? ORDER BY page_no"), (doc_id,))
    body = "\n".join(t for (t,) in cur.fetchall())
    name = source.replace("\\", "/").rsplit("/", 1)[-1]
    return {"code": dossier, "name": f"{name} {original}".strip(), "fields": "\n".join(values), "body": body}


def refresh(cur, sql, index, doc_id: str) -> None:
    """Index the document as it is now in this transaction (called by every write that changes it)."""
    parts = document_parts(cur, sql, doc_id)
    if parts is not None:
        index.write(cur, sql, doc_id, parts)


def migrate(conn, sql, index) -> None:
    """Create the index; fill it from the catalog when it is new or made by another version."""
    cur = conn.cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for stmt in index.schema:
        cur.execute(stmt)
    conn.commit()
    cur.execute(sql("SELECT value FROM search_meta WHERE key = ?"), ("index_version",))
    row = cur.fetchone()
    if row and row[0] == INDEX_VERSION:
        conn.commit()
        return
    try:
        index.clear(cur)
        cur.execute("SELECT id FROM documents")
        for (doc_id,) in cur.fetchall():
            refresh(cur, sql, index, doc_id)
        cur.execute(sql("DELETE FROM search_meta WHERE key = ?"), ("index_version",))
        cur.execute(sql("INSERT INTO search_meta (key, value) VALUES (?, ?)"), ("index_version", INDEX_VERSION))
        conn.commit()
    except Exception:
        conn.rollback()
        raise


def find(conn, sql, index, filters: Filters, offset: int = 0, limit: int = 50
         ) -> tuple[list[tuple[str, str, int]], int]:
    """([(id, status, revision)], total). With words: best match first (then newest); without:
    documents to review first, then newest first."""
    where, args = filters.conditions()
    query = search_text.terms(filters.q)
    source, order = "documents d", ""
    if query is not None:
        matching, match_args = index.matching(query)
        source = f"documents d JOIN ({matching}) m ON m.document_id = d.id"
        args = match_args + args
        order = "m.rank, "
    cond = (" WHERE " + " AND ".join(where)) if where else ""
    cur = conn.cursor()
    if not order:
        order = (f"CASE {STATUS_SQL} WHEN 'draft' THEN 0 WHEN 'reviewed' THEN 1 ELSE 2 END, "
                 f"CASE WHEN {REVIEW_SQL} THEN 0 ELSE 1 END, ")
    # the total comes with the page (one pass over the matches, not two); a page past the end has no
    # row to carry it, and is counted on its own
    cur.execute(sql(f"SELECT d.id, {STATUS_SQL}, d.revision, COUNT(*) OVER () FROM {source}{cond} "
                    f"ORDER BY {order}d.created_at DESC, d.id LIMIT ? OFFSET ?"), tuple(args) + (limit, offset))
    found = cur.fetchall()
    rows = [(i, s, int(r or 1)) for i, s, r, _ in found]
    if found:
        total = int(found[0][3])
    elif offset:
        cur.execute(sql(f"SELECT COUNT(*) FROM {source}{cond}"), tuple(args))
        total = int(cur.fetchone()[0])
    else:
        total = 0
    conn.commit()
    return rows, total
