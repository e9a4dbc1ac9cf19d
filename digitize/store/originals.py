"""Originals: every source file kept as an object of its own, byte for byte, linked to the records
derived from it. An input that arrived signed keeps its signature (the evidence) and the verdict
of its verification on ingest.

Tables are added with CREATE TABLE IF NOT EXISTS, so opening an older store migrates it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS originals (
        sha256 TEXT PRIMARY KEY, ext TEXT NOT NULL, media_type TEXT NOT NULL, size INTEGER NOT NULL,
        kind TEXT NOT NULL, name TEXT NOT NULL, signature TEXT, stored_at TEXT NOT NULL)""",
    # document -> the original it was made from ('derivative': the record's PDF/A derives from it)
    """CREATE TABLE IF NOT EXISTS document_originals (
        document_id TEXT NOT NULL, original_sha256 TEXT NOT NULL, relation TEXT NOT NULL,
        PRIMARY KEY (document_id, original_sha256))""",
]

MEDIA_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff"}
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "tiff": "tif"}


@dataclass(frozen=True)
class Original:
    """A source file as it came. `kind`: electronic (a PDF with a text layer or a signature) or
    scan. `signature`: for a signed input, the verification made on ingest (signer, intact,
    trusted, time-stamp, verdict and the full report)."""

    sha256: str
    ext: str  # pdf | jpg | png | tif
    media_type: str
    size: int
    kind: str
    name: str  # the file name it arrived under (never used as a path)
    signature: dict[str, Any] | None = None
    stored_at: str = ""
    relation: str = field(default="derivative", compare=False)

    def as_json(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "ext": self.ext, "media_type": self.media_type, "size": self.size,
                "kind": self.kind, "name": self.name, "signature": self.signature, "stored_at": self.stored_at,
                "relation": self.relation}


_COLUMNS = "o.sha256, o.ext, o.media_type, o.size, o.kind, o.name, o.signature, o.stored_at"


def insert(catalog, cur, doc_id: str, original: Original) -> None:
    """Within the document's own transaction: the original (once) and its link to the document."""
    sql = catalog._sql
    cur.execute(sql("INSERT INTO originals (sha256, ext, media_type, size, kind, name, signature, stored_at) "
                    "SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM originals WHERE sha256 = ?)"),
                (original.sha256, original.ext, original.media_type, original.size, original.kind, original.name,
                 json.dumps(original.signature, ensure_ascii=False) if original.signature else None,
                 original.stored_at, original.sha256))
    cur.execute(sql("INSERT INTO document_originals (document_id, original_sha256, relation) VALUES (?, ?, ?)"),
                (doc_id, original.sha256, original.relation))


def of_document(catalog, doc_id: str) -> list[Original]:
    cur = catalog.conn.cursor()
    cur.execute(catalog._sql(f"SELECT {_COLUMNS}, l.relation FROM document_originals l "
                             "JOIN originals o ON o.sha256 = l.original_sha256 WHERE l.document_id = ? "
                             "ORDER BY o.sha256"), (doc_id,))
    return [_original(row) for row in cur.fetchall()]


def get(catalog, sha: str) -> Original | None:
    cur = catalog.conn.cursor()
    cur.execute(catalog._sql(f"SELECT {_COLUMNS}, 'derivative' FROM originals o WHERE o.sha256 = ?"), (sha,))
    row = cur.fetchone()
    return _original(row) if row else None


def _original(row: tuple) -> Original:
    sha, ext, media, size, kind, name, sig, stored, relation = row
    return Original(sha, ext, media, int(size), kind, name, json.loads(sig) if sig else None, stored, relation)
