"""Upload jobs: every upload the review station accepted, committed before it is answered, so a
restart (even after kill -9) resumes it instead of losing it.

A job is `pending` (its original kept, waiting for the workers), `running` (pages being read),
`done` (its draft is stored) or `error` (with the reason; nothing of it was stored). A restart
resumes every pending and running job: the pipeline finds a draft already stored under the same
input and settings and makes none twice. Rows stay once done: they name the originals an upload
kept (a joined upload keeps its images too), which `verify --store` checks against the files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from digitize import messages
from digitize.messages import Message

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY, file TEXT NOT NULL, dossier TEXT NOT NULL, original TEXT NOT NULL,
        parts TEXT NOT NULL DEFAULT '[]', profile TEXT NOT NULL DEFAULT '', metadata TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', pages_done INTEGER NOT NULL DEFAULT 0,
        pages_total INTEGER NOT NULL DEFAULT 0, read_order TEXT NOT NULL DEFAULT '[]',
        username TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        error_message TEXT NOT NULL DEFAULT '')""",
    "CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status)",
]
ACTIVE = ("pending", "running")
_COLUMNS = ("id, file, dossier, original, parts, profile, metadata, status, error, pages_done, pages_total, "
            "read_order, username, created_at, updated_at, error_message")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class JobRow:
    """One upload. `original`, `parts`: store-relative names of the kept files (originals/ab/….ext),
    never paths given by a user."""

    id: str
    file: str  # the name the user gave (shown, never used as a path)
    dossier: str
    original: str
    parts: list[str] = field(default_factory=list)
    profile: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    status: str = "pending"
    error: str = ""
    pages_done: int = 0
    pages_total: int = 0
    read_order: list[int] = field(default_factory=list)  # when each page was read, among all uploads' pages
    username: str = ""
    created_at: str = ""
    updated_at: str = ""
    error_message: str = ""  # the error's code and parameters (digitize.messages.encode), for pages in any language


class JobCatalog:
    """Job rows over a Catalog's connection (sqlite or PostgreSQL: the same SQL)."""

    def __init__(self, catalog):
        self.conn = catalog.conn
        self._sql = catalog._sql

    def _write(self, sql: str, args: tuple) -> int:
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(sql), args)
            self.conn.commit()
            return cur.rowcount
        except Exception:
            self.conn.rollback()
            raise

    def _rows(self, where: str, args: tuple = ()) -> list[JobRow]:
        cur = self.conn.cursor()
        cur.execute(self._sql(f"SELECT {_COLUMNS} FROM jobs {where}"), args)
        rows = [_row(r) for r in cur.fetchall()]
        self.conn.commit()
        return rows

    def add(self, job: JobRow) -> bool:
        """Commit a new job (pending); False when this document already has an unfinished job
        (or a finished one whose draft stands: the caller says it is a duplicate)."""
        at = _now()
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql("SELECT status FROM jobs WHERE id = ?"), (job.id,))
            row = cur.fetchone()
            if row is not None and row[0] != "error":
                self.conn.rollback()
                return False
            cur.execute(self._sql("DELETE FROM jobs WHERE id = ?"), (job.id,))  # a failed one, sent again
            cur.execute(self._sql(f"INSERT INTO jobs ({_COLUMNS}) VALUES ({', '.join('?' * 16)})"),
                        (job.id, job.file, job.dossier, job.original, json.dumps(job.parts), job.profile,
                         json.dumps(job.metadata, ensure_ascii=False), "pending", "", 0, 0, "[]", job.username,
                         at, at, ""))
            self.conn.commit()
            return True
        except Exception:
            self.conn.rollback()
            raise

    def get(self, job_id: str) -> JobRow | None:
        rows = self._rows("WHERE id = ?", (job_id,))
        return rows[0] if rows else None

    def active(self) -> list[JobRow]:
        """Pending and running jobs, oldest first (what a restart resumes)."""
        return self._rows("WHERE status IN ('pending', 'running') ORDER BY created_at, id")

    def shown(self, errors: int = 50) -> list[JobRow]:
        """What the queue shows besides documents: every job being processed, and the newest that failed."""
        return (self._rows("WHERE status IN ('pending', 'running') ORDER BY created_at DESC, id")
                + self._rows(f"WHERE status = 'error' ORDER BY updated_at DESC, id LIMIT {int(errors)}"))

    def stuck(self, before: str) -> list[JobRow]:
        """Pending or running jobs not updated since `before` (ISO time): nothing is working on them."""
        return self._rows("WHERE status IN ('pending', 'running') AND updated_at < ? ORDER BY created_at, id",
                          (before,))

    def kept_files(self) -> set[str]:
        """Store-relative names of every original a job keeps (an unfinished job's file is no orphan)."""
        cur = self.conn.cursor()
        cur.execute("SELECT original, parts FROM jobs WHERE status <> 'error'")
        out: set[str] = set()
        for original, parts in cur.fetchall():
            out.add(original)
            out.update(json.loads(parts))
        self.conn.commit()
        return out

    def others_keep(self, job_id: str, original: str) -> bool:
        """Whether another unfinished or finished job still names this original."""
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT 1 FROM jobs WHERE original = ? AND id <> ? AND status <> 'error'"),
                    (original, job_id))
        found = cur.fetchone() is not None
        self.conn.commit()
        return found

    def started(self, job_id: str, pages_total: int) -> None:
        self._write("UPDATE jobs SET status = 'running', pages_total = ?, pages_done = 0, updated_at = ? "
                    "WHERE id = ?", (pages_total, _now(), job_id))

    def progress(self, job_id: str, pages_done: int, read_order: list[int]) -> None:
        self._write("UPDATE jobs SET pages_done = ?, read_order = ?, updated_at = ? WHERE id = ?",
                    (pages_done, json.dumps(read_order), _now(), job_id))

    def count_active(self) -> int:
        cur = self.conn.cursor()
        cur.execute("SELECT COUNT(*) FROM jobs WHERE status IN ('pending', 'running')")
        n = int(cur.fetchone()[0])
        self.conn.commit()
        return n

    def finished(self, job_id: str, error: str = "", message: Message | None = None) -> None:
        status = "error" if error else "done"
        coded = messages.encode([message]) if message is not None else ""
        self._write("UPDATE jobs SET status = ?, error = ?, error_message = ?, updated_at = ? WHERE id = ?",
                    (status, error, coded, _now(), job_id))


def _row(r: tuple) -> JobRow:
    (job_id, file, dossier, original, parts, profile, metadata, status, error, done, total, order, user, created,
     updated, coded) = r
    return JobRow(job_id, file, dossier, original, json.loads(parts), profile, json.loads(metadata), status, error,
                  int(done), int(total), json.loads(order), user, created, updated, coded or "")
