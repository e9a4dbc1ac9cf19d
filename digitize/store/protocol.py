"""What the rest of the project may ask of a store. `open_store` returns one; callers never reach
behind it (no `.catalog`, no SQL), so the sqlite and PostgreSQL catalogs are interchangeable and a
test or another backend can stand in for either.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from digitize.model import Record

if TYPE_CHECKING:
    from digitize.store.people import PeopleCatalog
    from digitize.store.reviews import ReviewCatalog
    from digitize.store.sessions import SessionCatalog


class DocumentWriter(Protocol):
    """What the pipeline needs to store documents: a `Store`, or a guard around one (batch's validity gate)."""

    def find(self, source_sha256: str, settings_key: str) -> Record | None:
        """The document stored for this input under these settings, if any."""
        ...

    def put(self, record: Record, pdf: bytes, pages: list[dict[str, Any]], draft: bool = False,
            username: str | None = None, original=None) -> tuple[Record, bool]:
        """Store atomically; returns (stored record, created). Same input + settings: a no-op.
        A `draft` is an unsigned PDF/A waiting for review (digitize.review). `original`
        (store.originals.Original): also keep the source file, linked to the record."""
        ...


@runtime_checkable
class Store(DocumentWriter, Protocol):
    """Content-addressed signed PDFs plus a catalog of documents, pages, batch progress and events."""

    root: Path  # the folder holding objects/ and keys/ (and, for sqlite, the catalog)

    @property
    def shared(self) -> bool:
        """True when other coordinators may write the same catalog at once (PostgreSQL)."""
        ...

    @property
    def keys_dir(self) -> Path: ...

    @property
    def objects_dir(self) -> Path: ...

    def object_path(self, sha256: str) -> Path: ...


    # --- documents (find and put: see DocumentWriter) -------------------------------------------

    def get(self, doc_id: str) -> Record | None:
        """A document by id, or by a unique prefix of it."""
        ...

    def get_by_pdf_sha256(self, sha256: str) -> Record | None: ...

    def records(self) -> Iterator[Record]: ...

    def pages(self, doc_id: str) -> list[dict[str, Any]]: ...

    # --- audit log and batch progress -------------------------------------------------------

    def events(self, doc_id: str | None = None) -> list[dict[str, Any]]: ...

    def log(self, kind: str, doc_id: str | None = None, username: str | None = None, **data: Any) -> None: ...

    # --- review (digitize.store.reviews) -----------------------------------------------------

    @property
    def review(self) -> ReviewCatalog:
        """Document status and revisions, users, page text for search."""
        ...

    @property
    def sessions(self) -> SessionCatalog:
        """The review station's log-in sessions, tokens hashed."""
        ...

    @property
    def people(self) -> PeopleCatalog:
        """The person index: a person's records valid on a date."""
        ...

    def imported(self, import_id: str) -> bool:
        """Whether the package with this id (SHA-256 of its root METS.xml) was taken in already."""
        ...

    def import_package(self, result, docs: list, files: list, username: str):
        """Another office's package whole: files, then records and provenance in one transaction."""
        ...

    def originals(self, doc_id: str) -> list:
        """The source files kept for a document (store.originals.Original), with their ingest verification."""
        ...

    def write_object(self, sha: str, data: bytes) -> Path:
        """Write a PDF object content-addressed under objects/ (atomically)."""
        ...

    def write_original(self, sha256: str, data: bytes, suffix: str) -> Path:
        """Keep a received scan byte for byte, content-addressed under originals/."""
        ...

    def adopt_original(self, sha256: str, received: Path, suffix: str) -> Path:
        """Move a file received into this store (a temp file under it) in as an original."""
        ...

    @property
    def jobs(self) -> Any:
        """The review station's upload jobs (digitize.store.jobs)."""
        ...

    def batch_item(self, batch: str, dossier: str) -> tuple[str, str] | None:
        """(status, reason) of a dossier in a batch, or None when it was never finished."""
        ...

    def set_batch_item(self, batch: str, dossier: str, status: str, reason: str = "", documents: int = 0) -> None: ...
