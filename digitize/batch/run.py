"""Batches over whole archives: stream the source, keep the dossiers still valid, run them on an
executor (local process pool or a Dask cluster), record per-dossier progress for resume.

Exactly-once comes from two layers: a document is stored atomically and keyed by (source
checksum, settings), so re-running it is a no-op; a finished dossier is recorded in the catalog's
`batch_items`, so a resumed batch skips it without reading its files. Only counters live in the
coordinator: outcomes go to listeners (progress, report files) as they happen.
"""
from __future__ import annotations

import enum
import fcntl
import hashlib
import itertools
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Protocol

from digitize.batch.manifest import DossierEntry, RowProblem, read_source
from digitize.errors import DigitizeError
from digitize.model import DocumentInput
from digitize.pipeline.scheduler import Outcome, Signing, run_documents
from digitize.settings import Settings


class DossierStatus(str, enum.Enum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


class DocStatus(str, enum.Enum):
    STORED = "stored"
    ALREADY_STORED = "already stored"
    FAILED = "failed"
    SKIPPED = "skipped"  # not valid on the date asked (from extracted fields)


@dataclass(frozen=True)
class BatchOptions:
    valid_on: date
    jobs: int = 1
    retry_failed: bool = False
    qa_rate: float = 0.0  # share of stored documents marked for manual QA review
    qa_seed: str = "0"
    cluster: str | None = None  # tcp://HOST:PORT of a Dask scheduler


@dataclass(frozen=True)
class DocumentEvent:
    dossier: str
    outcome: Outcome
    status: DocStatus
    reason: str = ""
    qa: bool = False
    at: float = 0.0  # time.time()


@dataclass(frozen=True)
class DossierEvent:
    row: int
    code: str
    status: DossierStatus
    reason: str = ""
    documents: int = 0
    earlier: bool = False  # settled by a previous run of the same batch


class Listener(Protocol):
    def document(self, ev: DocumentEvent) -> None: ...

    def dossier(self, ev: DossierEvent) -> None: ...


@dataclass
class Totals:
    dossiers: Counter = field(default_factory=Counter)
    documents: Counter = field(default_factory=Counter)
    pages: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return self.dossiers[DossierStatus.FAILED.value]


# --- pure rules -------------------------------------------------------------------------------


def parse_rate(text: str | None) -> float:
    """'2%' or '0.02' -> 0.02."""
    if not text:
        return 0.0
    s = text.strip()
    try:
        value = float(s[:-1]) / 100 if s.endswith("%") else float(s)
    except ValueError:
        raise DigitizeError("--qa-sample", f"not a rate: {text!r} (use e.g. 2%)") from None
    if not 0 <= value <= 1:
        raise DigitizeError("--qa-sample", f"rate {text!r} is outside 0..100%")
    return value


def qa_selected(doc_id: str, rate: float, seed: str = "0") -> bool:
    """Reproducible sample: the same document id and seed are always in or out."""
    if rate <= 0:
        return False
    h = int.from_bytes(hashlib.sha256(f"{seed}:{doc_id}".encode()).digest()[:8], "big")
    return h < rate * 2**64


def not_valid_reason(entry: DossierEntry, valid_on: date) -> str | None:
    """Why a dossier with manifest dates is not valid on `valid_on` (both ends inclusive), or None."""
    if entry.issued_on and entry.issued_on > valid_on:
        return f"not yet issued on {valid_on} (issued {entry.issued_on})"
    if entry.dated and entry.valid_until and entry.valid_until < valid_on:
        return f"expired before {valid_on} (valid until {entry.valid_until})"
    return None


def extracted_expiry(valid_until: str | None, valid_on: date) -> str | None:
    if not valid_until:
        return None
    try:
        until = date.fromisoformat(valid_until[:10])
    except ValueError:
        return None
    return f"expired before {valid_on} (valid until {until}, from extracted fields)" if until < valid_on else None


def batch_key(source: Path, settings: Settings) -> str:
    return hashlib.sha256(f"{source.resolve()}|{settings.key()}".encode()).hexdigest()[:16]


# --- store guards -----------------------------------------------------------------------------


class ValidityGate:
    """Wraps the store for the pipeline: a document whose extracted validity ended before the
    date asked (and whose dossier has no manifest dates) is not stored."""

    def __init__(self, store, valid_on: date):
        self.store = store
        self.valid_on = valid_on
        self.expired: dict[str, str] = {}  # source path -> reason; emptied as outcomes are read

    def find(self, source_sha256: str, settings_key: str):
        return self.store.find(source_sha256, settings_key)

    def put(self, record, pdf: bytes, pages, **options):
        if "valid_until" not in record.metadata:  # the manifest said nothing: the fields decide
            reason = extracted_expiry(record.valid_until, self.valid_on)
            if reason:
                self.expired[record.source] = reason
                raise DigitizeError(record.source, reason)
        return self.store.put(record, pdf, pages, **options)

    def __getattr__(self, name: str):
        return getattr(self.store, name)


class StoreLock:
    """One batch or watcher per local store at a time; while held, temp files left in objects/ by
    a killed run are removed (a PostgreSQL store is shared: only temp files older than an hour)."""

    def __init__(self, store):
        self.store = store
        self._fd: int | None = None

    def __enter__(self) -> "StoreLock":
        shared = self.store.catalog.ph != "?"
        if not shared:
            self._fd = os.open(self.store.root / ".batch.lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(self._fd)
                self._fd = None
                raise DigitizeError(str(self.store.root), "another batch or watcher is using this store") from None
        sweep_temp_objects(self.store.objects_dir, max_age=3600 if shared else 0)
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock


def sweep_temp_objects(objects: Path, max_age: float = 0) -> int:
    removed = 0
    if not objects.is_dir():
        return 0
    now = time.time()
    for tmp in objects.glob("*/.tmp-*"):
        try:
            if now - tmp.stat().st_mtime >= max_age:
                tmp.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


# --- executors --------------------------------------------------------------------------------

Executed = Iterator[tuple[DossierEntry, list[Outcome]]]


def documents_of(entry: DossierEntry) -> list[DocumentInput]:
    meta = entry.document_metadata()
    return [DocumentInput(f, entry.code, i, meta) for i, f in enumerate(entry.files, 1)]


def run_local(entries: Iterator[DossierEntry], settings: Settings, store, jobs: int, profiles=None,
              signing: Signing | None = None, on_page=None, on_pages_known=None) -> Executed:
    """Dossiers on the local process pool, pages in parallel; consecutive dossiers with the same
    profile share one pool (a profile change restarts it, so sort mixed manifests by profile)."""
    for profile, group in itertools.groupby(entries, key=lambda e: e.profile or settings.profile):
        started: deque[DossierEntry] = deque()

        def inputs(group=group, started=started) -> Iterator[DocumentInput]:
            for entry in group:
                started.append(entry)
                yield from documents_of(entry)

        current: list[Outcome] = []
        for outcome in run_documents(inputs(), replace(settings, profile=profile), store, jobs, profiles,
                                     signing, on_page=on_page, on_pages_known=on_pages_known):
            current.append(outcome)
            if len(current) == len(started[0].files):
                yield started.popleft(), current
                current = []


# --- the batch --------------------------------------------------------------------------------


def run_batch(source: Path, settings: Settings, store, options: BatchOptions, profiles=None,
              signing: Signing | None = None, listeners: Sequence[Listener] = (),
              on_page: Callable | None = None, on_pages_known: Callable[[int], None] | None = None) -> Totals:
    key = batch_key(source, settings)
    totals = Totals()
    start = time.monotonic()
    gate = ValidityGate(store, options.valid_on)
    catalog = store.catalog

    def tell_dossier(ev: DossierEvent) -> None:
        totals.dossiers[ev.status.value] += 1
        for lst in listeners:
            lst.dossier(ev)

    def tell_document(ev: DocumentEvent) -> None:
        totals.documents[ev.status.value] += 1
        if ev.outcome.record is not None and ev.status in (DocStatus.STORED, DocStatus.ALREADY_STORED):
            totals.pages += ev.outcome.record.pages
        for lst in listeners:
            lst.document(ev)

    def to_process() -> Iterator[DossierEntry]:
        for item in read_source(source):
            if isinstance(item, RowProblem):
                where = "row" if item.row else "folder"
                tell_dossier(DossierEvent(item.row, item.code, DossierStatus.SKIPPED, f"bad {where}: {item.reason}"))
                continue
            prior = catalog.batch_item(key, item.code)
            if prior is not None:
                status, reason = prior
                if status == DossierStatus.DONE.value or (status == DossierStatus.FAILED.value
                                                          and not options.retry_failed):
                    tell_dossier(DossierEvent(item.row, item.code, DossierStatus(status), reason, earlier=True))
                    continue
            reason = not_valid_reason(item, options.valid_on)
            if reason:
                catalog.set_batch_item(key, item.code, DossierStatus.SKIPPED.value, reason)
                tell_dossier(DossierEvent(item.row, item.code, DossierStatus.SKIPPED, reason))
                continue
            yield item

    with StoreLock(store):
        if options.cluster:
            from digitize.batch.dask_executor import run_cluster

            executed = run_cluster(options.cluster, to_process(), settings, gate, profiles, signing,
                                   on_page=on_page, on_pages_known=on_pages_known)
        else:
            executed = run_local(to_process(), settings, gate, options.jobs, profiles, signing,
                                 on_page=on_page, on_pages_known=on_pages_known)
        for entry, outcomes in executed:
            _settle(entry, outcomes, key, gate, catalog, options, tell_document, tell_dossier)
    totals.seconds = time.monotonic() - start
    return totals


def _settle(entry: DossierEntry, outcomes: list[Outcome], key: str, gate: ValidityGate, catalog,
            options: BatchOptions, tell_document, tell_dossier) -> None:
    """Report a finished dossier's documents, then record the dossier's status (after its
    documents are stored, so a kill in between only means re-checking stored documents)."""
    errors, expired, ok = [], [], 0
    now = time.time()
    for o in outcomes:
        expiry = gate.expired.pop(o.input.path, None)
        if expiry:
            expired.append(expiry)
            tell_document(DocumentEvent(entry.code, o, DocStatus.SKIPPED, expiry, at=now))
        elif o.ok:
            ok += 1
            qa = qa_selected(o.record.id, options.qa_rate, options.qa_seed)
            status = DocStatus.STORED if o.created else DocStatus.ALREADY_STORED
            tell_document(DocumentEvent(entry.code, o, status, qa=qa, at=now))
        else:
            first = (o.error or "unknown error").splitlines()[0]
            errors.append(first)
            tell_document(DocumentEvent(entry.code, o, DocStatus.FAILED, first, at=now))
    if errors:
        status, reason = DossierStatus.FAILED, errors[0] + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else "")
    elif not ok and expired:
        status, reason = DossierStatus.SKIPPED, expired[0]
    else:
        status, reason = DossierStatus.DONE, ""
    catalog.set_batch_item(key, entry.code, status.value, reason, ok)
    tell_dossier(DossierEvent(entry.row, entry.code, status, reason, ok))


def reason_kind(reason: str) -> str:
    """A reason without its particulars, for counting (\"expired before …\", \"bad row …\")."""
    for kind in ("bad row", "bad folder", "expired", "not yet issued"):
        if reason.startswith(kind):
            return kind
    return reason.split(":")[0][:60]
