"""The results store: content-addressed signed PDFs on a (shared) path plus a catalog.

Writing is atomic per document: the object first (temp file, fsync, rename), then one catalog
transaction. An object without a catalog row is harmless (it is simply unreferenced); a row
never points at a missing or half-written object.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from digitize.model import Record
from digitize.store import faults
from digitize.store.catalog import Catalog

DEFAULT_STORE = "./digitize-store"


class Store:
    def __init__(self, root: Path, catalog: Catalog):
        self.root = root
        self.catalog = catalog

    @property
    def keys_dir(self) -> Path:
        return self.root / "keys"

    @property
    def objects_dir(self) -> Path:
        return self.root / "objects"

    def object_path(self, sha: str) -> Path:
        return (self.objects_dir / sha[:2] / f"{sha}.pdf").resolve()

    # reads delegate to the catalog
    def find(self, source_sha256: str, settings_key: str) -> Record | None:
        return self.catalog.find(source_sha256, settings_key)

    def get(self, doc_id: str) -> Record | None:
        return self.catalog.get(doc_id)

    def get_by_pdf_sha256(self, sha: str) -> Record | None:
        return self.catalog.get_by_pdf_sha256(sha)

    def records(self):
        return self.catalog.records()

    def pages(self, doc_id: str) -> list[dict[str, Any]]:
        return self.catalog.pages(doc_id)

    def log(self, kind: str, doc_id: str | None = None, **data: Any) -> None:
        self.catalog.log(kind, doc_id, data)

    def write_object(self, sha: str, data: bytes) -> Path:
        target = self.object_path(sha)
        if target.exists() and target.stat().st_size == len(data):
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pdf")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
            dir_fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def put(self, record: Record, pdf: bytes, pages: list[dict[str, Any]]) -> tuple[Record, bool]:
        """Store a document; returns (stored record, created). Same input + settings: no-op."""
        self.write_object(record.sha256, pdf)
        created = self.catalog.insert(record, pages, {"source": record.source, "sha256": record.sha256})
        if created:
            faults.after_stored()  # no-op unless a crash test arms it (digitize/store/faults.py)
        stored = self.catalog.find(record.source_sha256, record.settings_key)
        assert stored is not None
        return stored, created


def _sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=60, isolation_level="DEFERRED")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def open_store(location: str | os.PathLike | None = None, objects: str | None = None) -> Store:
    """`location`: a folder (sqlite catalog inside), or a postgresql:// URL with `objects` (or
    env DIGITIZE_OBJECTS) naming the shared folder for objects and keys."""
    location = str(location or os.environ.get("DIGITIZE_STORE") or DEFAULT_STORE)
    if location.startswith(("postgresql://", "postgres://")):
        from digitize.store.postgres import open_postgres_catalog

        root = Path(objects or os.environ.get("DIGITIZE_OBJECTS") or DEFAULT_STORE).resolve()
        root.mkdir(parents=True, exist_ok=True)
        store = Store(root, None)  # type: ignore[arg-type]
        store.catalog = open_postgres_catalog(location, store.object_path)
        return store
    root = Path(location).resolve()
    root.mkdir(parents=True, exist_ok=True)
    store = Store(root, None)  # type: ignore[arg-type]
    store.catalog = Catalog(_sqlite(root / "catalog.sqlite"), "?", store.object_path)
    return store
