"""Uploads into drafts: a scan sent to the review station is checked at once (type, size, pixels,
pages, encryption: a bad file is refused with its one-line reason and nothing is kept), moved into
the store as an original and committed as a job (digitize.store.jobs) before the upload is
answered; then it is processed in the background by the same pipeline as `digitize run`, as a
draft waiting for review. Until its draft is stored a document is `processing`; a failure found
later (a page that cannot be decoded) makes it `error` with the reason and its original is removed.

The pages of all uploads share one pool of workers, interleaved across documents (run_live): a
one-page scan is not held behind a long PDF sent just before it. A restart resumes every job that
was not finished, and removes upload temp files a killed server left behind.
"""
from __future__ import annotations

import itertools
import logging
import os
import queue
import tempfile
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from digitize import messages
from digitize.archive.originals import KeepOriginals
from digitize.errors import DigitizeError, InputError
from digitize.messages import Message, msg
from digitize.model import DocumentInput
from digitize.pipeline.assemble import record_id
from digitize.pipeline.context import RunContext, RunEvents, Signing
from digitize.pipeline.outcome import Outcome
from digitize.pipeline.scheduler import END, run_live
from digitize.review.joining import join_images
from digitize.review.pages import prepare_views
from digitize.stages import ingest
from digitize.store.jobs import JobRow
from digitize.store.lock import StationLock, station_running, sweep_uploads
from digitize.tools.files import sha256_file, sniff
from digitize.vn.text import bad_character_at

SUFFIX = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "pdf": ".pdf"}
IDLE_POLL_S = 1.0  # how long the idle scheduler waits for an upload before it looks again
log = logging.getLogger("digitize.intake")


class QueueFull(DigitizeError):
    """More uploads are waiting than the station takes at once: the upload is refused, nothing kept."""


def _shown(filename: str | None) -> str:
    return os.path.basename(filename or "upload").strip()[:120] or "upload"


def _checked_names(filename: str | None, dossier: str | None) -> str:
    """The file's name as shown; refused when it or the dossier code holds a NUL or control character."""
    for code, text in (("input.bad_file_name_character", filename or ""), ("input.bad_code_character", dossier or "")):
        found = bad_character_at(text, allowed="")
        if found:
            raise InputError(repr(text)[1:-1][:120], msg(code, char=found[1], position=found[2]))
    return _shown(filename)


def duplicate_of(store, doc_id: str, source_sha256: str) -> dict | None:
    """The document already made of this file (same settings first, else any), as id, dossier, status."""
    ids = [doc_id] if store.review.record(doc_id) is not None else store.review.by_source(source_sha256)
    if not ids:
        return None
    rec = store.review.record(ids[0])
    status, _ = store.review.state(rec.id)
    return {"id": rec.id, "dossier": rec.dossier, "status": status}


@dataclass
class Job:
    id: str
    file: str  # the name the user gave (shown, never used as a path)
    dossier: str
    status: str = "processing"  # processing | draft | error | duplicate
    error: str = ""
    existing: dict | None = None  # a duplicate: the document already made of this file (id, dossier, status)
    pages_done: int = 0
    pages_total: int = 0
    read_order: list[int] = field(default_factory=list)
    message: Message | None = None  # the error's code, rendered by the page in its language

    @classmethod
    def of(cls, row: JobRow) -> "Job":
        status = {"pending": "processing", "running": "processing", "done": "draft"}.get(row.status, row.status)
        coded = [m for m in messages.decode(row.error_message) if m.code != messages.LEGACY]
        return cls(row.id, row.file, row.dossier, status, row.error, None, row.pages_done, row.pages_total,
                   list(row.read_order), coded[0] if coded else None)

    def as_json(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "file": self.file, "dossier": self.dossier, "status": self.status}
        if self.error:
            data["error"] = self.error
        if self.message is not None:
            data["reason"] = self.message.as_json()
        if self.existing:
            data["existing"] = self.existing
        if self.status == "processing":
            data["progress"] = {"pages_done": self.pages_done, "pages_total": self.pages_total}
        return data


class _Progress(RunEvents):
    def __init__(self, intake: "Intake"):
        self.intake = intake

    def document_pages(self, doc: DocumentInput, done: int, total: int) -> None:
        self.intake._progress(doc, done, total)


class Intake:
    """Accepts uploads as committed jobs and turns them into drafts on one scheduler thread (its own
    store), the pages on `workers` processes. `start()` resumes what a previous run left."""

    def __init__(self, open_store, settings, profiles, workers: int = 1, max_pending: int = 200):
        self._open_store = open_store  # () -> Store, one per thread
        self.settings = settings
        self.profiles = profiles
        self.workers = max(1, workers)
        self.max_pending = max_pending
        self._local = threading.local()
        self._feed: queue.Queue = queue.Queue()
        self._running: dict[int, tuple[DocumentInput, str, str]] = {}  # id(input) -> (input, job id, shown)
        self._read: dict[str, list[int]] = {}  # job id -> the order its pages were read in
        self._pending = 0  # accepted, not yet a draft or an error
        self._idle = threading.Condition()
        self._order = itertools.count(1)  # the order pages were read in, across documents
        self._views: queue.Queue = queue.Queue()
        self._lock: StationLock | None = None

    def start(self) -> None:
        """Sweep upload temp files, resume unfinished jobs, start the scheduler."""
        store = self._store()
        alone = not store.shared and not station_running(store)  # no other station may be receiving one
        self._lock = StationLock(store).__enter__()
        swept = sweep_uploads(store.root / "uploads", max_age=0 if alone else 3600)
        if swept:
            log.warning("removed %d partial upload(s) left by a stopped server", swept)
        for row in store.jobs.active():
            self._enqueue(row.id)
        threading.Thread(target=self._work, name="digitize-intake", daemon=True).start()
        threading.Thread(target=self._make_views, name="digitize-views", daemon=True).start()

    def _store(self):
        s = getattr(self._local, "store", None)
        if s is None:
            s = self._local.store = self._open_store()
        return s

    @property
    def jobs(self) -> dict[str, Job]:
        """Uploads being processed and those that failed (the queue shows them besides documents)."""
        return {row.id: Job.of(row) for row in self._store().jobs.shown()}

    def job(self, job_id: str) -> Job | None:
        row = self._store().jobs.get(job_id)
        return Job.of(row) if row is not None else None

    # --- accepting --------------------------------------------------------------------------

    def submit(self, store, filename: str, upload: Path, dossier: str | None, profile: str | None,
               user: str = "") -> Job:
        """Check and keep one received file (a temp file in the store, moved or removed); raises
        InputError (naming the file) when it is refused."""
        shown = _checked_names(filename, dossier)
        self._make_room(store, shown, upload)
        settings = self._settings(shown, profile)
        sha, original = self._keep(store, shown, upload, settings)
        return self._queue_document(store, shown, sha, original, (dossier or Path(shown).stem)[:120], settings,
                                    {"original_name": shown}, profile, user)

    def submit_joined(self, store, files: list[tuple[str, Path]], dossier: str | None,
                      profile: str | None, user: str = "") -> Job:
        """Several images, each checked and kept as it came, joined in the order given as the pages
        of ONE document (a PDF of the images, lossless: img2pdf embeds JPEGs as they are)."""
        names = [_checked_names(name, dossier) for name, _ in files]
        self._make_room(store, names[0], *(path for _, path in files))
        settings = self._settings(names[0], profile)
        images, parts = [], []
        for name, path in files:
            with open(path, "rb") as f:
                if sniff(f.read(1024)) not in ("jpeg", "png", "tiff"):
                    raise InputError(name, "only images can be joined into one document")
            images.append(path.read_bytes())  # images only: each within the upload limit
            parts.append(self._keep(store, name, path, settings)[1])
        joined = _received(store, join_images(images, names, settings.assumed_dpi))
        sha, original = self._keep(store, names[0], joined, settings)
        shown = f"{names[0]} (+{len(names) - 1})"
        meta = {"original_name": names[0], "joined_from": " | ".join(names)}
        return self._queue_document(store, shown, sha, original, (dossier or Path(names[0]).stem)[:120],
                                    settings, meta, profile, user, parts)

    def _make_room(self, store, shown: str, *received: Path) -> None:
        """QueueFull (the received files removed) when as many uploads as the station takes are waiting."""
        if store.jobs.count_active() >= self.max_pending:
            for path in received:
                path.unlink(missing_ok=True)
            raise QueueFull(shown, msg("upload.queue_full", waiting=self.max_pending))

    def _settings(self, shown: str, profile: str | None):
        if profile and self.profiles is not None and profile != "auto" and profile not in self.profiles:
            raise InputError(shown, f"unknown profile {profile!r}")
        return replace(self.settings, profile=profile) if profile and profile != "auto" else self.settings

    def _keep(self, store, shown: str, upload: Path, settings) -> tuple[str, Path]:
        """(sha256, kept path) of a received file that passed the ingest checks (moved in, not copied)."""
        try:
            with open(upload, "rb") as f:
                kind = sniff(f.read(1024))
            try:
                ingest.list_pages(str(upload), settings.limits)  # type, size, pixel and page limits, encryption
            except DigitizeError as e:
                raise InputError(shown, e.message or e.reason) from None
            sha = sha256_file(upload)
            return sha, store.adopt_original(sha, upload, SUFFIX.get(kind or "", ".bin"))
        finally:
            upload.unlink(missing_ok=True)

    def _queue_document(self, store, shown: str, sha: str, original: Path, dossier: str, settings,
                        metadata: dict, profile: str | None, user: str, parts: Sequence[Path] = ()) -> Job:
        doc_id = record_id(sha, settings.key())
        job = Job(doc_id, shown, dossier)
        existing = duplicate_of(store, doc_id, sha)
        if existing is not None:  # nothing is made: say where the file already is
            job.id, job.status, job.existing = existing["id"], "duplicate", existing
            return job
        row = JobRow(doc_id, shown, dossier, _relative(store, original), [_relative(store, p) for p in parts],
                     profile if profile and profile != "auto" else "", metadata, username=user)
        if store.jobs.add(row):  # committed: from here on a restart finishes it
            self._enqueue(doc_id)
        return job

    def _enqueue(self, job_id: str) -> None:
        with self._idle:
            self._pending += 1
        self._feed.put(job_id)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once every accepted upload is a draft or an error (for tools and the benchmark)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    # --- processing (the scheduler thread) --------------------------------------------------

    def _work(self) -> None:
        store = self._store()  # the scheduler thread's own: progress events run on this thread too
        base = RunContext(self.settings, store, self.profiles, Signing(None, None, review=True), jobs=self.workers,
                          events=_Progress(self))
        base = base.writing_to(KeepOriginals(base.documents, keep_scans=True))  # the upload, linked
        while True:
            try:
                for outcome in run_live(lambda busy: self._take(store, base, busy), base, self.workers * 4):
                    self._finished(store, outcome)
                return
            except Exception as e:  # the station keeps taking uploads: what the run held fails, it starts again
                log.error("intake run failed: %s", type(e).__name__)
                for doc, _, shown in list(self._running.values()):
                    self._finished(store, Outcome(doc, error=f"{shown}: internal error: {type(e).__name__}"))

    def _take(self, store, base: RunContext, busy: bool):
        try:
            job_id = self._feed.get(block=not busy, timeout=None if busy else IDLE_POLL_S)
        except queue.Empty:
            return None
        if job_id is None:
            return END
        row = store.jobs.get(job_id)
        if row is None or row.status not in ("pending", "running"):
            self._settle()
            return None
        try:
            settings = self._settings(row.file, row.profile or None)
        except InputError as e:  # resumed under a profile set that no longer has its profile
            store.jobs.finished(row.id, str(e))
            self._settle()
            return None
        doc = DocumentInput(str(store.root / row.original), row.dossier, 1, row.metadata)
        self._running[id(doc)] = (doc, row.id, row.file)
        return doc, replace(base, settings=settings)

    def _progress(self, doc: DocumentInput, done: int, total: int) -> None:
        _, job_id, _ = self._running[id(doc)]
        if done == 0:
            self._read[job_id] = []
            self._store().jobs.started(job_id, total)
        else:
            order = self._read.setdefault(job_id, [])
            order.append(next(self._order))
            self._store().jobs.progress(job_id, done, order)

    def _finished(self, store, outcome: Outcome) -> None:
        doc, job_id, shown = self._running.pop(id(outcome.input))
        self._read.pop(job_id, None)
        if outcome.record is not None:  # outcome.ok
            store.jobs.finished(job_id)
            self._views.put(outcome.record.id)
        else:
            error = (outcome.error or "").splitlines()[0].replace(doc.path, shown)
            store.jobs.finished(job_id, error or f"{shown}: failed", outcome.message)
            original = os.path.relpath(doc.path, store.root)
            if store.review.record(job_id) is None and not store.jobs.others_keep(job_id, original):
                Path(doc.path).unlink(missing_ok=True)  # nothing of a refused scan stays
        self._settle()

    def _settle(self) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def _make_views(self) -> None:
        """Text for search and page images of each new draft, beside the scheduler (not holding it)."""
        store = self._open_store()
        while True:
            doc_id = self._views.get()
            try:
                rec = store.review.record(doc_id)
                if rec is not None:
                    prepare_views(store, rec)
            except Exception as e:  # a view is made again when it is first opened
                log.error("views of %s failed: %s", doc_id, type(e).__name__)


def _relative(store, path: Path) -> str:
    return Path(path).resolve().relative_to(Path(store.root).resolve()).as_posix()


def _received(store, data: bytes) -> Path:
    """Bytes made here (a joined PDF) as a received temp file, like an upload."""
    staging = store.root / "uploads"
    staging.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=staging, prefix=".upload-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(tmp)
