"""PostgreSQL catalog (the `postgres` extra, psycopg 3): the same SQL as sqlite with `%s`
placeholders, so several coordinators (or a web front-end) can share one catalog while objects stay
content-addressed on a shared path."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from digitize.errors import MissingDependency, StoreError
from digitize.store.catalog import Catalog
from digitize.store.search import PostgresIndex

_SCHEMA_LOCK = 0x6469_6769  # advisory lock id: concurrent coordinators create the schema one at a time


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class PostgresCatalog(Catalog):
    shared = True  # several coordinators and front-ends write it at once
    search_index = PostgresIndex()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")


def open_postgres_catalog(url: str, object_path: Callable[[str], Path]) -> PostgresCatalog:
    try:
        import psycopg  # lazy: an optional extra, needed only for postgresql:// stores
    except ModuleNotFoundError:
        raise MissingDependency(redact(url), "PostgreSQL support needs the postgres extra (pip install 'digitize[postgres]')") from None
    try:
        conn = psycopg.connect(url, connect_timeout=15)
    except psycopg.Error as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise StoreError(redact(url), f"cannot connect to PostgreSQL: {reason.replace(url, redact(url))}") from None
    conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
    try:
        catalog = PostgresCatalog(conn, object_path)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))
        conn.commit()
    return catalog
