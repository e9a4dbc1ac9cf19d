"""The store every backend gives: content-addressed signed PDFs on a (shared) path plus a catalog.

Writing is atomic per document: the object first (temp file, fsync, rename), then one catalog
transaction. An object without a catalog row is harmless (it is simply unreferenced); a row
never points at a missing or half-written object.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from digitize.errors import StoreError
from digitize.model import Record
from digitize.store import faults, imports
from digitize.store.catalog import Catalog
from digitize.store.imports import ImportedDocument, ImportResult
from digitize.store.people import PeopleCatalog
from digitize.store.reviews import ReviewCatalog


class CatalogStore:
    """The `Store` every backend gives: objects in `root/objects`, records in a catalog made for
    this store by `make_catalog(object_path)` (sqlite or PostgreSQL)."""

    def __init__(self, root: Path, make_catalog: Callable[[Callable[[str], Path]], Catalog]):
        self.root = root
        self._catalog = make_catalog(self.object_path)

    @property
    def shared(self) -> bool:
        return self._catalog.shared

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
        return self._catalog.find(source_sha256, settings_key)

    def get(self, doc_id: str) -> Record | None:
        return self._catalog.get(doc_id)

    def get_by_pdf_sha256(self, sha: str) -> Record | None:
        return self._catalog.get_by_pdf_sha256(sha)

    def records(self) -> Iterator[Record]:
        return self._catalog.records()

    def pages(self, doc_id: str) -> list[dict[str, Any]]:
        return self._catalog.pages(doc_id)

    def events(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        return self._catalog.events(doc_id)

    def log(self, kind: str, doc_id: str | None = None, username: str | None = None, **data: Any) -> None:
        self._catalog.log(kind, doc_id, data, username)

    @property
    def review(self) -> ReviewCatalog:
        """Status, revisions, users and text search (digitize.store.reviews)."""
        return ReviewCatalog(self._catalog)

    @property
    def people(self) -> PeopleCatalog:
        """The person index: a person's records valid on a date (digitize.store.people)."""
        return PeopleCatalog(self._catalog)

    def imported(self, import_id: str) -> bool:
        return imports.known(self._catalog, import_id)

    def imports(self) -> list[dict[str, Any]]:
        return imports.listing(self._catalog)

    def import_package(self, result: ImportResult, docs: list[ImportedDocument],
                       files: list[tuple[Path, bytes | Path, str]], username: str) -> ImportResult:
        """Another office's package: its files (target, bytes or a checked file, sha256) first, then
        every record in one catalog transaction (digitize.store.imports)."""
        for target, data, sha in files:
            self._write_atomic(target, data, sha)
        return imports.insert_package(self._catalog, result, docs, username)

    def original_path(self, sha: str, suffix: str) -> Path:
        return (self.root / "originals" / sha[:2] / f"{sha}{suffix}").resolve()

    def originals(self, doc_id: str) -> list:
        """The source files kept for a document (store.originals.Original), with their ingest verification."""
        return self._catalog.originals(doc_id)

    def write_original(self, sha: str, data: bytes, suffix: str) -> Path:
        """A scan received by upload, kept byte for byte (content-addressed like the objects)."""
        return self._write_atomic(self.original_path(sha, suffix), data)

    def batch_item(self, batch: str, dossier: str) -> tuple[str, str] | None:
        return self._catalog.batch_item(batch, dossier)

    def set_batch_item(self, batch: str, dossier: str, status: str, reason: str = "", documents: int = 0) -> None:
        self._catalog.set_batch_item(batch, dossier, status, reason, documents)

    def write_object(self, sha: str, data: bytes) -> Path:
        return self._write_atomic(self.object_path(sha), data)

    def _write_atomic(self, target: Path, data: bytes | Path, sha: str | None = None) -> Path:
        """`data`: the bytes, or a file copied in chunks and checked against `sha` (a kept source file)."""
        size = data.stat().st_size if isinstance(data, Path) else len(data)
        if target.exists() and target.stat().st_size == size:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
        try:
            with os.fdopen(fd, "wb") as f:
                if isinstance(data, Path):
                    _copy_checked(data, f, sha or "")
                else:
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

    def put(self, record: Record, pdf: bytes, pages: list[dict[str, Any]], draft: bool = False,
            username: str | None = None, original=None) -> tuple[Record, bool]:
        """Store a document; returns (stored record, created). Same input + settings: no-op.
        A `draft` (unsigned PDF/A) waits for review before it is signed. `original`
        (store.originals.Original): keep the source file too, copied from record.source."""
        if original is not None:
            self._write_atomic(self.original_path(original.sha256, f".{original.ext}"), Path(record.source),
                               original.sha256)
        self.write_object(record.sha256, pdf)
        created = self._catalog.insert(record, pages, {"source": record.source, "sha256": record.sha256},
                                       draft, username, original)
        if created:
            faults.after_stored()  # no-op unless a crash test arms it (digitize/store/faults.py)
        stored = self._catalog.find(record.source_sha256, record.settings_key)
        assert stored is not None
        return stored, created


def _copy_checked(src: Path, out, sha: str) -> None:
    """Copy in chunks; a source that changed since it was hashed is refused, not stored."""
    h = hashlib.sha256()
    with open(src, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            out.write(chunk)
    if h.hexdigest() != sha:
        raise StoreError(str(src), "file changed while it was being stored")
