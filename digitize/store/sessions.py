"""The review station's log-in sessions in the catalog (sqlite and PostgreSQL), so a restart keeps
everyone logged in and every server sharing a PostgreSQL catalog sees the same sessions.

Only the SHA-256 of a session's token is stored: a copy of the catalog opens no session. Times are
integer milliseconds since the epoch (BIGINT works the same in both backends). Reading a session
joins its user, so a disabled user or a changed role takes effect on the very next request.
"""
from __future__ import annotations

from dataclasses import dataclass

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS sessions (
        token_sha256 TEXT PRIMARY KEY, username TEXT NOT NULL, created_ms BIGINT NOT NULL,
        seen_ms BIGINT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS sessions_username ON sessions (username)",
]


@dataclass(frozen=True)
class StoredSession:
    username: str
    role: str
    disabled: bool
    created_ms: int
    seen_ms: int


class SessionCatalog:
    """Session rows over a Catalog's connection; each call is its own short transaction."""

    def __init__(self, catalog):
        self.conn = catalog.conn
        self._sql = catalog._sql

    def _write(self, sql: str, args: tuple) -> int:
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(sql), args)
            count = cur.rowcount
            self.conn.commit()
            return count
        except Exception:
            self.conn.rollback()
            raise

    def add(self, token_sha256: str, username: str, now_ms: int) -> None:
        self._write("INSERT INTO sessions (token_sha256, username, created_ms, seen_ms) VALUES (?, ?, ?, ?)",
                    (token_sha256, username, now_ms, now_ms))

    def get(self, token_sha256: str) -> StoredSession | None:
        cur = self.conn.cursor()
        cur.execute(self._sql("SELECT s.username, u.role, u.disabled, s.created_ms, s.seen_ms FROM sessions s "
                              "JOIN users u ON u.username = s.username WHERE s.token_sha256 = ?"), (token_sha256,))
        row = cur.fetchone()
        self.conn.commit()
        if row is None:
            return None
        return StoredSession(row[0], row[1], bool(row[2]), int(row[3]), int(row[4]))

    def touch(self, token_sha256: str, now_ms: int) -> None:
        self._write("UPDATE sessions SET seen_ms = ? WHERE token_sha256 = ?", (now_ms, token_sha256))

    def remove(self, token_sha256: str) -> None:
        self._write("DELETE FROM sessions WHERE token_sha256 = ?", (token_sha256,))

    def remove_user(self, username: str) -> int:
        """Ends every session of the user; returns how many there were."""
        return self._write("DELETE FROM sessions WHERE username = ?", (username,))

    def sweep(self, idle_before_ms: int, created_before_ms: int) -> int:
        """Drops the sessions idle since, or opened before, the given times."""
        return self._write("DELETE FROM sessions WHERE seen_ms < ? OR created_ms < ?",
                           (idle_before_ms, created_before_ms))
