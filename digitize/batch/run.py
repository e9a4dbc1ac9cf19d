"""Batches over whole archives: stream the source, keep the dossiers still valid, run them on an
executor (local process pool or a Dask cluster), record per-dossier progress for resume.

Exactly-once comes from two layers: a document is stored atomically and keyed by (source
checksum, settings), so re-running it is a no-op; a finished dossier is recorded in the catalog's
`batch_items`, so a resumed batch skips it without reading its files. Only counters live in the
coordinator: outcomes go to listeners (progress, report files) as they happen.
"""
from __future__ import annotations

import enum
import hashlib
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from digitize.batch.executors import make_executor
from digitize.batch.manifest import DossierEntry, RowProblem, read_source
from digitize.errors import InputError, UsageError
from digitize.messages import Message, msg
from digitize.model import Record
from digitize.pipeline.context import RunContext
from digitize.pipeline.outcome import Outcome
from digitize.settings import Settings
from digitize.store import Store
from digitize.store.lock import StoreLock
from digitize.store.protocol import DocumentWriter


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
    message: Message | None = None  # the reason's code (digitize.messages), for the report in its language


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
        raise UsageError("--qa-sample", f"not a rate: {text!r} (use e.g. 2%)") from None
    if not 0 <= value <= 1:
        raise UsageError("--qa-sample", f"rate {text!r} is outside 0..100%")
    return value


def qa_selected(doc_id: str, rate: float, seed: str = "0") -> bool:
    """Reproducible sample: the same document id and seed are always in or out."""
    if rate <= 0:
        return False
    h = int.from_bytes(hashlib.sha256(f"{seed}:{doc_id}".encode()).digest()[:8], "big")
    return h < rate * 2**64


def not_valid_reason(entry: DossierEntry, valid_on: date) -> Message | None:
    """Why a dossier with manifest dates is not valid on `valid_on` (both ends inclusive), or None; its
    English text (`str`) is what the catalog and the JSON report keep."""
    if entry.issued_on and entry.issued_on > valid_on:
        return msg("batch.why_not_yet_issued", valid_on=valid_on, issued=entry.issued_on)
    if entry.dated and entry.valid_until and entry.valid_until < valid_on:
        return msg("batch.why_expired", valid_on=valid_on, until=entry.valid_until)
    return None


def extracted_expiry(valid_until: str | None, valid_on: date) -> Message | None:
    if not valid_until:
        return None
    try:
        until = date.fromisoformat(valid_until[:10])
    except ValueError:
        return None
    return msg("batch.why_expired_extracted", valid_on=valid_on, until=until) if until < valid_on else None


def batch_key(source: Path, settings: Settings) -> str:
    return hashlib.sha256(f"{source.resolve()}|{settings.key()}".encode()).hexdigest()[:16]


# --- store guard ------------------------------------------------------------------------------


class ValidityGate:
    """Wraps the store for the pipeline: a document whose extracted validity ended before the
    date asked (and whose dossier has no manifest dates) is not stored."""

    def __init__(self, store: DocumentWriter, valid_on: date):
        self.store = store
        self.valid_on = valid_on
        self.expired: dict[str, Message] = {}  # source path -> reason; emptied as outcomes are read

    def find(self, source_sha256: str, settings_key: str) -> Record | None:
        return self.store.find(source_sha256, settings_key)

    def put(self, record: Record, pdf: bytes, pages: list[dict[str, Any]], draft: bool = False,
            username: str | None = None, original=None) -> tuple[Record, bool]:
        if "valid_until" not in record.metadata:  # the manifest said nothing: the fields decide
            reason = extracted_expiry(record.valid_until, self.valid_on)
            if reason:
                self.expired[record.source] = reason
                raise InputError(record.source, reason)
        if original is not None:
            return self.store.put(record, pdf, pages, draft, username, original=original)
        return self.store.put(record, pdf, pages, draft, username)


# --- the batch --------------------------------------------------------------------------------


def run_batch(source: Path, ctx: RunContext, options: BatchOptions, listeners: Sequence[Listener] = ()) -> Totals:
    """Run an archive's still-valid dossiers not yet settled by an earlier run of the same batch
    on the executor `options` ask for; listeners hear of every document and dossier."""
    key = batch_key(source, ctx.settings)
    totals = Totals()
    start = time.monotonic()
    store = ctx.store
    gate = ValidityGate(ctx.documents, options.valid_on)  # guards whatever the run writes to
    tell = _Teller(totals, listeners)
    executor = make_executor(options.cluster)
    with StoreLock(store):
        executed = executor.run(_to_process(source, key, store, options, tell), ctx.writing_to(gate))
        for entry, outcomes in executed:
            _settle(entry, outcomes, key, gate, store, options, tell)
    totals.seconds = time.monotonic() - start
    return totals


@dataclass
class _Teller:
    """Counts events into the totals and passes them on to the listeners."""

    totals: Totals
    listeners: Sequence[Listener]

    def dossier(self, ev: DossierEvent) -> None:
        self.totals.dossiers[ev.status.value] += 1
        for lst in self.listeners:
            lst.dossier(ev)

    def document(self, ev: DocumentEvent) -> None:
        self.totals.documents[ev.status.value] += 1
        if ev.outcome.record is not None and ev.status in (DocStatus.STORED, DocStatus.ALREADY_STORED):
            self.totals.pages += ev.outcome.record.pages
        for lst in self.listeners:
            lst.document(ev)


def _to_process(source: Path, key: str, store: Store, options: BatchOptions, tell: _Teller) -> Iterator[DossierEntry]:
    """The source's dossiers still to run: bad rows, dossiers settled earlier and those not valid
    on the date asked are reported and left out."""
    for item in read_source(source):
        if isinstance(item, RowProblem):
            where = "row" if item.row else "folder"
            tell.dossier(DossierEvent(item.row, item.code, DossierStatus.SKIPPED, f"bad {where}: {item.reason}"))
            continue
        prior = store.batch_item(key, item.code)
        if prior is not None:
            status, reason = prior
            if status == DossierStatus.DONE.value or (status == DossierStatus.FAILED.value
                                                      and not options.retry_failed):
                tell.dossier(DossierEvent(item.row, item.code, DossierStatus(status), reason, earlier=True))
                continue
        not_valid = not_valid_reason(item, options.valid_on)
        if not_valid:
            store.set_batch_item(key, item.code, DossierStatus.SKIPPED.value, str(not_valid))
            tell.dossier(DossierEvent(item.row, item.code, DossierStatus.SKIPPED, str(not_valid), message=not_valid))
            continue
        yield item


def _settle(entry: DossierEntry, outcomes: list[Outcome], key: str, gate: ValidityGate, store: Store,
            options: BatchOptions, tell: _Teller) -> None:
    """Report a finished dossier's documents, then record the dossier's status (after its
    documents are stored, so a kill in between only means re-checking stored documents)."""
    errors: list[tuple[str, Message | None]] = []
    expired: list[Message] = []
    ok = 0
    now = time.time()
    for o in outcomes:
        expiry = gate.expired.pop(o.input.path, None)
        if expiry:
            expired.append(expiry)
            tell.document(DocumentEvent(entry.code, o, DocStatus.SKIPPED, str(expiry), at=now))
        elif o.ok and o.record is not None:
            ok += 1
            qa = qa_selected(o.record.id, options.qa_rate, options.qa_seed)
            status = DocStatus.STORED if o.created else DocStatus.ALREADY_STORED
            tell.document(DocumentEvent(entry.code, o, status, qa=qa, at=now))
        else:
            first = (o.error or "unknown error").splitlines()[0]
            errors.append((first, o.message))
            tell.document(DocumentEvent(entry.code, o, DocStatus.FAILED, first, at=now))
    coded: Message | None = None
    if errors:
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        settled, reason = DossierStatus.FAILED, errors[0][0] + more
        if errors[0][1] is not None:
            coded = msg("batch.why_failed", detail=errors[0][1], more=len(errors) - 1)
    elif not ok and expired:
        settled, reason, coded = DossierStatus.SKIPPED, str(expired[0]), expired[0]
    else:
        settled, reason = DossierStatus.DONE, ""
    store.set_batch_item(key, entry.code, settled.value, reason, ok)
    tell.dossier(DossierEvent(entry.row, entry.code, settled, reason, ok, message=coded))


def reason_kind(reason: str) -> str:
    """A reason without its particulars, for counting (\"expired before …\", \"bad row …\")."""
    for kind in ("bad row", "bad folder", "expired", "not yet issued"):
        if reason.startswith(kind):
            return kind
    return reason.split(":")[0][:60]
