"""Uploads into drafts: a scan sent to the review station is checked at once (type, size, pixels,
pages, encryption: a bad file is refused with its one-line reason and nothing is kept), kept as an
original in the store, and processed in the background by the same pipeline as `digitize run`
(run_documents), as a draft waiting for review. Until its draft is stored a document is
`processing`; a failure found later (a page that cannot be decoded) makes it `error` with the reason
and its original is removed again.
"""
from __future__ import annotations

import os
import queue
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from digitize.archive.originals import KeepOriginals
from digitize.errors import DigitizeError, InputError
from digitize.model import DocumentInput
from digitize.pipeline.assemble import record_id
from digitize.pipeline.context import RunContext, Signing
from digitize.pipeline.scheduler import run_documents
from digitize.review.joining import join_images
from digitize.review.pages import prepare_views
from digitize.stages import ingest
from digitize.tools.files import sha256_file, sniff
from digitize.vn.text import bad_character

SUFFIX = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "pdf": ".pdf"}


def _shown(filename: str | None) -> str:
    return os.path.basename(filename or "upload").strip()[:120] or "upload"


def _checked_names(filename: str | None, dossier: str | None) -> str:
    """The file's name as shown; refused when it or the dossier code holds a NUL or control character."""
    for what, text in (("file name", filename or ""), ("dossier code", dossier or "")):
        problem = bad_character(text, allowed="")
        if problem:
            raise InputError(repr(text)[1:-1][:120], f"{what} has {problem}")
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

    def as_json(self) -> dict:
        data = {"id": self.id, "file": self.file, "dossier": self.dossier, "status": self.status}
        if self.error:
            data["error"] = self.error
        if self.existing:
            data["existing"] = self.existing
        return data


class Intake:
    """Accepts uploads and turns them into drafts on one background thread (its own store)."""

    def __init__(self, open_store, settings, profiles):
        self._open_store = open_store  # () -> Store, one per thread
        self.settings = settings
        self.profiles = profiles
        self.jobs: dict[str, Job] = {}
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="digitize-intake", daemon=True)
        self._thread.start()

    def submit(self, store, filename: str, data: bytes, dossier: str | None, profile: str | None) -> Job:
        """Check and keep one upload; raises InputError (naming the file) when it is refused."""
        shown = _checked_names(filename, dossier)
        settings = self._settings(shown, profile)
        sha, original = self._keep(store, shown, data, settings)
        return self._queue_document(store, shown, sha, original, (dossier or Path(shown).stem)[:120], settings,
                                    {"original_name": shown})

    def submit_joined(self, store, files: list[tuple[str, bytes]], dossier: str | None,
                      profile: str | None) -> Job:
        """Several images, each checked and kept as it came, joined in the order given as the pages
        of ONE document (a PDF of the images, lossless: img2pdf embeds JPEGs as they are)."""
        names = [_checked_names(name, dossier) for name, _ in files]
        settings = self._settings(names[0], profile)
        for name, data in files:
            kind = sniff(data[:1024])
            if kind not in ("jpeg", "png", "tiff"):
                raise InputError(name, "only images can be joined into one document")
            self._keep(store, name, data, settings)
        joined = join_images([data for _, data in files], names, settings.assumed_dpi)
        sha, original = self._keep(store, names[0], joined, settings)
        shown = f"{names[0]} (+{len(names) - 1})"
        meta = {"original_name": names[0], "joined_from": " | ".join(names)}
        return self._queue_document(store, shown, sha, original, (dossier or Path(names[0]).stem)[:120],
                                    settings, meta)

    def _settings(self, shown: str, profile: str | None):
        if profile and self.profiles is not None and profile != "auto" and profile not in self.profiles:
            raise InputError(shown, f"unknown profile {profile!r}")
        return replace(self.settings, profile=profile) if profile and profile != "auto" else self.settings

    def _keep(self, store, shown: str, data: bytes, settings) -> tuple[str, Path]:
        """(sha256, kept path) of an upload that passed the ingest checks."""
        staging = store.root / "uploads"
        staging.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=staging, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            kind = sniff(data[:1024])
            try:
                ingest.list_pages(tmp, settings.limits)  # type, size, pixel and page limits, encryption
            except DigitizeError as e:
                raise InputError(shown, e.reason) from None
            sha = sha256_file(tmp)
            return sha, store.write_original(sha, data, SUFFIX.get(kind or "", ".bin"))
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _queue_document(self, store, shown: str, sha: str, original: Path, dossier: str, settings,
                        metadata: dict) -> Job:
        doc_id = record_id(sha, settings.key())
        job = Job(doc_id, shown, dossier)
        existing = duplicate_of(store, doc_id, sha)
        if existing is not None:  # nothing is made: say where the file already is
            job.id, job.status, job.existing = existing["id"], "duplicate", existing
            return job
        self.jobs[doc_id] = job
        doc = DocumentInput(str(original), job.dossier, 1, metadata)
        self._queue.put((job, doc, settings))
        return job

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once every accepted upload is a draft or an error (for tools and the benchmark)."""
        done = threading.Event()
        self._queue.put((None, done, None))
        return done.wait(timeout)

    def _work(self) -> None:
        store = self._open_store()
        while True:
            job, doc, settings = self._queue.get()
            if job is None:
                doc.set()
                continue
            try:
                ctx = RunContext(settings, store, self.profiles, Signing(None, None, review=True), jobs=1)
                ctx = ctx.writing_to(KeepOriginals(ctx.documents, keep_scans=True))  # the upload, linked
                for outcome in run_documents([doc], ctx):
                    if outcome.ok:
                        prepare_views(store, outcome.record)
                        job.status = "draft"
                    else:
                        job.status, job.error = "error", (outcome.error or "").splitlines()[0]
                        if store.review.record(job.id) is None:
                            Path(doc.path).unlink(missing_ok=True)  # nothing of a refused scan stays
            except Exception as e:  # the station keeps taking uploads
                job.status, job.error = "error", f"{job.file}: internal error: {type(e).__name__}"
