"""The Dask executor (`batch --cluster tcp://HOST:PORT`, the `cluster` extra).

Work is scheduled per dossier: a worker turns a dossier's files into PageResults (decode,
quality, geometry, OCR), the coordinator finishes each document (extraction, PDF/A, signature) and
stays the only writer of the catalog. Inputs and the store live on a shared path. A worker dying
mid-task loses nothing: the scheduler runs the task again elsewhere, and storing is idempotent.
"""
from __future__ import annotations

import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from digitize.batch.run import Executed, documents_of
from digitize.batch.manifest import DossierEntry
from digitize.errors import DigitizeError
from digitize.model import DocumentInput, PageResult
from digitize.pipeline.scheduler import Assembled, Outcome, Signing, assemble, process_page, store_document
from digitize.settings import Settings
from digitize.stages import ingest

# path, pages, assembled document (extraction + PDF/A), error
PageSet = tuple[str, tuple[PageResult, ...] | None, Assembled | None, str | None]


def dossier_pages(docs: list[tuple[DocumentInput, str]], settings: Settings, profiles=None) -> list[PageSet]:
    """Runs on a worker: reads every page of every file and assembles each document, as the local
    pool's workers do; the coordinator only signs and stores. A bad file gets its one-line error."""
    out: list[PageSet] = []
    for doc, sha in docs:
        try:
            pages = tuple(process_page(r, settings) for r in ingest.list_pages(doc.path, settings.limits))
            out.append((doc.path, pages, assemble(doc, sha, pages, settings, profiles), None))
        except DigitizeError as e:
            out.append((doc.path, None, None, str(e)))
        except Exception as e:  # one bad file fails its document, not the dossier's other files
            out.append((doc.path, None, None,
                        f"{doc.path}: internal error: {type(e).__name__}: {e}\n{traceback.format_exc()}"))
    return out


@dataclass
class _Job:
    entry: DossierEntry
    settings: Settings
    docs: list[DocumentInput]
    outcomes: dict[int, Outcome]  # answered without a worker (already stored, unreadable)
    todo: list[int]  # indexes of docs sent to a worker
    shas: dict[int, str]


def _prepare(entry: DossierEntry, settings: Settings, store) -> _Job:
    s = replace(settings, profile=entry.profile or settings.profile)
    docs = documents_of(entry)
    job = _Job(entry, s, docs, {}, [], {})
    key = s.key()
    for i, d in enumerate(docs):
        try:
            sha = ingest.sha256_file(d.path)
        except OSError as e:
            job.outcomes[i] = Outcome(d, error=f"{d.path}: {e.strerror or e}")
            continue
        existing = store.find(sha, key)
        if existing is not None:
            job.outcomes[i] = Outcome(d, existing, None, False)
        else:
            job.shas[i] = sha
            job.todo.append(i)
    return job


def _finish(job: _Job, results: list[PageSet] | None, failure: str | None, store,
            signing: Signing | None, on_page, on_pages_known) -> list[Outcome]:
    for n, i in enumerate(job.todo):
        d = job.docs[i]
        if results is None:
            job.outcomes[i] = Outcome(d, error=f"{d.path}: {failure}")
            continue
        _path, pages, assembled, error = results[n]
        if error or pages is None or assembled is None:
            job.outcomes[i] = Outcome(d, error=error or f"{d.path}: no pages")
            continue
        if on_pages_known:
            on_pages_known(len(pages))
        if on_page:
            for p in pages:
                on_page(p.ref)
        try:
            job.outcomes[i] = store_document(d, job.shas[i], pages, assembled, job.settings, store, signing)
        except DigitizeError as e:
            job.outcomes[i] = Outcome(d, error=str(e))
        except Exception as e:  # isolate, as the local pipeline does
            job.outcomes[i] = Outcome(d, error=f"{d.path}: internal error: {type(e).__name__}: {e}")
    return [job.outcomes[i] for i in range(len(job.docs))]


def connect(address: str, timeout: float = 30):
    try:
        from distributed import Client
    except ModuleNotFoundError:
        raise DigitizeError(address, "Dask support needs the cluster extra (pip install 'digitize[cluster]')") from None
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as e:
        raise DigitizeError(address, f"cannot reach the Dask scheduler: {e}") from None


def run_cluster(address: str, entries: Iterator[DossierEntry], settings: Settings, store, profiles=None,
                signing: Signing | None = None, on_page: Callable | None = None,
                on_pages_known: Callable[[int], None] | None = None, window: int | None = None) -> Executed:
    """Dossiers as Dask tasks with a bounded number in flight; yields (entry, outcomes) as they finish."""
    from distributed import as_completed

    client = connect(address)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        window = window or max(4, 3 * workers)
        pending: dict = {}
        flow = as_completed()
        it = iter(entries)
        while True:
            # keep the cluster busy; dossiers needing no worker are answered at once
            while len(pending) < window:
                entry = next(it, None)
                if entry is None:
                    break
                job = _prepare(entry, settings, store)
                if not job.todo:
                    yield entry, _finish(job, [], None, store, signing, on_page, on_pages_known)
                    continue
                fut = client.submit(dossier_pages, [(job.docs[i], job.shas[i]) for i in job.todo], job.settings,
                                    profiles, key=f"dossier-{uuid.uuid4().hex}", pure=False, retries=1)
                pending[fut] = job
                flow.add(fut)
            if not pending:
                break
            fut = next(flow)
            job = pending.pop(fut)
            try:
                results, failure = fut.result(), None
            except Exception as e:  # e.g. KilledWorker after repeated worker deaths on this dossier
                results, failure = None, f"cluster task failed: {type(e).__name__}: {e}"
            fut.release()
            yield job.entry, _finish(job, results, failure, store, signing, on_page, on_pages_known)
    finally:
        client.close()
