"""The Dask executor (`batch --cluster tcp://HOST:PORT`, the `cluster` extra).

Work is scheduled per dossier: a worker reads every page of a dossier's new documents (decode,
quality, geometry, OCR) and assembles each (extraction, PDF/A), as the local pool's workers do; the
coordinator admits documents the same way as the pool, signs and stays the only writer of the
catalog. Inputs and the store live on a shared path. A worker dying mid-task loses nothing: the
scheduler runs the task again elsewhere, and storing is idempotent.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from digitize.batch.executors import Executed
from digitize.batch.manifest import DossierEntry
from digitize.errors import DigitizeError, InputError, MissingDependency, ServiceUnavailable
from digitize.model import DocumentInput, PageResult
from digitize.pipeline.admission import Admitted, admit
from digitize.pipeline.assemble import Assembled, assemble, finish_document
from digitize.pipeline.context import RunContext
from digitize.pipeline.outcome import Outcome, contained
from digitize.pipeline.pages import process_page
from digitize.settings import Settings, dask_timeout
from digitize.stages import ingest

try:  # the optional `cluster` extra; without it, asking for a cluster says which extra to install
    from distributed import Client, as_completed
except ModuleNotFoundError:  # pragma: no cover - exercised only without the extra
    Client = as_completed = None  # type: ignore[misc,assignment]

Read = tuple[tuple[PageResult, ...], Assembled]  # a document's pages and its assembly


def read_document(doc: DocumentInput, sha: str, settings: Settings, profiles=None) -> Read:
    pages = tuple(process_page(r, settings) for r in ingest.list_pages(doc.path, settings.limits))
    return pages, assemble(doc, sha, pages, settings, profiles)


def dossier_pages(docs: list[tuple[DocumentInput, str]], settings: Settings,
                  profiles=None) -> list[Read | DigitizeError]:
    """Runs on a worker; a bad file gets its error, the dossier's other files go on."""
    return [contained(doc.path, read_document, doc, sha, settings, profiles) for doc, sha in docs]


@dataclass
class _Job:
    entry: DossierEntry
    ctx: RunContext
    size: int  # documents in the dossier
    answered: dict[int, Outcome]  # answered without a worker (already stored, unreadable)
    todo: list[tuple[int, Admitted]]  # sent to a worker, with their place in the dossier


def _prepare(entry: DossierEntry, ctx: RunContext) -> _Job:
    ctx = ctx.with_profile(entry.profile)
    docs = entry.documents()
    job = _Job(entry, ctx, len(docs), {}, [])
    for i, d in enumerate(docs):
        admitted = admit(d, ctx.settings, ctx.documents, list_pages=False)  # pages are listed on the worker
        if isinstance(admitted, Outcome):
            job.answered[i] = admitted
        else:
            job.todo.append((i, admitted))
    return job


def _store(ctx: RunContext, admitted: Admitted, result: Read | DigitizeError) -> Outcome:
    doc = admitted.input
    if isinstance(result, DigitizeError):
        return Outcome.failed(doc, result)
    pages, assembled = result
    ctx.events.pages_known(len(pages))
    for p in pages:
        ctx.events.page(p.ref)
    stored = contained(doc.path, finish_document, doc, admitted.sha256, pages, ctx, assembled)
    return Outcome.failed(doc, stored) if isinstance(stored, DigitizeError) else stored


def _finish(job: _Job, results: list[Read | DigitizeError] | None, failure: str = "") -> list[Outcome]:
    """The dossier's outcomes in file order; `results` is None when the whole task failed."""
    outcomes = dict(job.answered)
    for n, (i, admitted) in enumerate(job.todo):
        result = InputError(admitted.input.path, failure) if results is None else results[n]
        outcomes[i] = _store(job.ctx, admitted, result)
    return [outcomes[i] for i in range(job.size)]


def connect(address: str, timeout: float | None = None):
    timeout = dask_timeout() if timeout is None else timeout
    if Client is None:
        raise MissingDependency(address, "Dask support needs the cluster extra (pip install 'digitize[cluster]')")
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as e:
        raise ServiceUnavailable(address, f"cannot reach the Dask scheduler: {e}") from None


class DaskExecutor:
    def __init__(self, address: str, window: int | None = None):
        self.address = address
        self.window = window

    def run(self, entries: Iterator[DossierEntry], ctx: RunContext) -> Executed:
        """Dossiers as Dask tasks with a bounded number in flight; yields (entry, outcomes) as they finish."""
        client = connect(self.address)
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            window = self.window or max(4, 3 * workers)
            pending: dict = {}
            flow = as_completed()
            it = iter(entries)
            while True:
                # keep the cluster busy; dossiers needing no worker are answered at once
                while len(pending) < window:
                    entry = next(it, None)
                    if entry is None:
                        break
                    job = _prepare(entry, ctx)
                    if not job.todo:
                        yield entry, _finish(job, [])
                        continue
                    fut = client.submit(dossier_pages, [(a.input, a.sha256) for _, a in job.todo], job.ctx.settings,
                                        ctx.profiles, key=f"dossier-{uuid.uuid4().hex}", pure=False, retries=1)
                    pending[fut] = job
                    flow.add(fut)
                if not pending:
                    break
                fut = next(flow)
                job = pending.pop(fut)
                try:
                    results, failure = fut.result(), ""
                except Exception as e:  # e.g. KilledWorker after repeated worker deaths on this dossier
                    results, failure = None, f"cluster task failed: {type(e).__name__}: {e}"
                fut.release()
                yield job.entry, _finish(job, results, failure)
        finally:
            client.close()
