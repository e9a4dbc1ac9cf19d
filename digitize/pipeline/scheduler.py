"""Scheduling over a pool of worker processes, and crash retry.

Pages are the unit of parallel work: a worker turns a PageRef into a PageResult (`pages.py`); once a
document's pages are all read, a worker also assembles it (fields, PDF/A: `assemble.py`). The
coordinator admits documents into a bounded window (memory stays flat however many come), signs and
alone writes the store, and yields one Outcome per document in input order. A worker that dies is
replaced and the pages it may have held are retried once.

`run_live` is the same run fed while it runs (the review station's uploads): pages of all admitted
documents are sent to the workers round-robin by document, only as many at a time as there are
workers, plus one spare worker for a document with nothing in flight; each outcome is yielded as soon
as its document is done, so a one-page scan is not held behind a long PDF that came first.
"""
from __future__ import annotations

import enum
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TypeVar

from digitize.errors import DigitizeError, InputError
from digitize.model import DocumentInput, PageRef, PageResult
from digitize.pipeline.admission import admit
from digitize.pipeline.assemble import Assembled, assemble, finish_document
from digitize.pipeline.context import RunContext
from digitize.pipeline.outcome import Outcome, contained
from digitize.pipeline.pages import init_worker, read_page, worker_profiles
from digitize.settings import Settings

G = TypeVar("G")
ASSEMBLY_MODULES = ("digitize.stages.extract.fields", "digitize.pdfa.build")  # imported by assemble() when used


class _End(enum.Enum):
    END = "end"


END = _End.END  # what a live feed returns once it is closed
Feed = Callable[[bool], tuple[DocumentInput, RunContext] | None | _End]  # see run_live
POLL_S = 0.2  # how often a live run looks for new documents while its workers are busy


def run_documents(inputs: Iterable[DocumentInput], ctx: RunContext) -> Iterator[Outcome]:
    """Process documents, yielding one Outcome per document in input order. Pages run on
    `ctx.jobs` worker processes (in this process when 1)."""
    it = ((doc_input, ctx) for doc_input in inputs)
    return _Run(lambda busy: next(it, END), ctx).outcomes()


def run_live(take: Feed, ctx: RunContext,
             documents: int = 8) -> Iterator[Outcome]:
    """Process documents as `take(busy)` hands them over, each with its own run context (its
    profile; the pool and events are `ctx`'s), or None (none now) or END (closed); it may block while
    not `busy`. Each outcome is yielded as soon as its document is done. At most `documents` are
    admitted at once; their pages share the workers round-robin."""
    return _Run(take, ctx, fair=True, documents=documents).outcomes()


def run_groups(groups: Iterable[tuple[G, Sequence[DocumentInput]]], ctx: RunContext) -> Iterator[tuple[G, list[Outcome]]]:
    """The documents of consecutive groups (dossiers, hot-folder entries) in one run, yielding each
    group with its outcomes, in order, as soon as its last document is done."""
    started: deque[tuple[G, int]] = deque()

    def inputs() -> Iterator[DocumentInput]:
        for group, docs in groups:
            started.append((group, len(docs)))
            yield from docs

    current: list[Outcome] = []
    outcomes = run_documents(inputs(), ctx)
    while True:
        outcome = next(outcomes, None)
        if outcome is not None:
            current.append(outcome)
        while started and len(current) >= started[0][1]:
            group, n = started.popleft()
            yield group, current[:n]
            current = current[n:]
        if outcome is None:
            return


def assemble_in_worker(doc_input: DocumentInput, sha: str, pages: tuple[PageResult, ...],
                       settings: Settings) -> Assembled | DigitizeError:
    return contained(doc_input.path, assemble, doc_input, sha, pages, settings, worker_profiles())


@dataclass(eq=False)  # compared by identity: two documents may hold equal data
class _Pending:
    input: DocumentInput
    ctx: RunContext  # the document's own (its profile); the run's pool and events serve all
    sha: str
    refs: list[PageRef]
    results: dict[int, PageResult] = field(default_factory=dict)
    error: DigitizeError | None = None
    answered: Outcome | None = None  # stored already, or refused before any page work
    assembly: Future | None = None  # extraction + PDF/A running on a worker


class _Run:
    def __init__(self, take: Feed, ctx: RunContext,
                 fair: bool = False, documents: int = 0):
        self.ctx = ctx
        self.take = take
        self.fair, self.documents = fair, documents
        self.exhausted = False
        self.window = max(2, ctx.jobs * 3)
        # fair: no deeper pool queue than the workers, so a newcomer's page is next, not behind many;
        # and one worker more than that, kept for a document with nothing in flight (a newcomer)
        self.workers = ctx.jobs + 1 if fair else ctx.jobs
        self.queue: list[_Pending] = []  # admitted documents, in input order
        self.todo: list[tuple[_Pending, PageRef]] = []  # pages not yet sent to a worker
        self.inflight: dict[Future, tuple[_Pending, PageRef]] = {}
        self.retried: set[PageRef] = set()
        self.pool = _new_pool(ctx, self.workers) if ctx.jobs > 1 else None
        if self.pool is not None and fair:  # every worker started (model loaded) before the first upload:
            for _ in range(self.workers):  # a pool starts its processes only as work comes otherwise
                self.pool.submit(int)

    def outcomes(self) -> Iterator[Outcome]:
        try:
            while True:
                yield from self._admit_more()
                if self.pool is None:
                    self._read_inline()
                else:
                    self._read_pooled()
                yield from self._done()
                if self.exhausted and not self.queue and not self.todo and not self.inflight:
                    return
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)

    def _done(self) -> Iterator[Outcome]:
        """Finished documents: in input order, or (fair) each as soon as it is done."""
        if not self.fair:
            while self.queue and self._finished(self.queue[0]):
                yield self._finish(self.queue.pop(0))
            return
        for p in [p for p in self.queue if self._finished(p)]:
            self.queue.remove(p)
            yield self._finish(p)

    def _live_pool(self) -> ProcessPoolExecutor:
        if self.pool is None:  # the pooled path runs only with ctx.jobs > 1
            raise RuntimeError("no worker pool: this run reads its pages in process")
        return self.pool

    def _has_room(self) -> bool:
        if self.fair:
            return len(self.queue) < self.documents
        return len(self.todo) < self.window

    def _admit_more(self) -> list[Outcome]:
        """Admit documents while the window has room; those answered at once (already stored,
        unreadable) are returned to yield now when nothing is ahead of them, else queued in order."""
        now: list[Outcome] = []
        while not self.exhausted and self._has_room():
            item = self.take(bool(self.queue or self.todo or self.inflight))
            if item is END:
                self.exhausted = True
                break
            if item is None:  # a live feed with nothing new
                break
            doc_input, doc_ctx = item
            admitted = admit(doc_input, doc_ctx.settings, doc_ctx.documents)
            if isinstance(admitted, Outcome):
                if self.queue and not self.fair:
                    self.queue.append(_Pending(admitted.input, doc_ctx, "", [], answered=admitted))
                else:
                    now.append(admitted)
                continue
            pending = _Pending(admitted.input, doc_ctx, admitted.sha256, list(admitted.refs))
            self.queue.append(pending)
            self.todo.extend((pending, r) for r in pending.refs)
            self.ctx.events.pages_known(len(pending.refs))
            self.ctx.events.document_pages(pending.input, 0, len(pending.refs))
        if self.fair:
            self.todo = _round_robin(self.todo)
        return now

    def _complete(self, p: _Pending, result: PageResult | DigitizeError) -> None:
        if isinstance(result, DigitizeError):
            p.error = p.error or result
        else:
            p.results[result.ref.page] = result
        self.ctx.events.page(result.ref if isinstance(result, PageResult) else p.refs[0])
        self.ctx.events.document_pages(p.input, len(p.results), len(p.refs))

    def _read_inline(self) -> None:
        """Without a pool: read pages here until one document is complete (or failed)."""
        while self.todo:
            p, ref = self.todo.pop(0)
            if p.error:
                continue
            self._complete(p, read_page(ref, p.ctx.settings))
            if self.fair or p.error or len(p.results) >= len(p.refs):
                break  # fair: one page, then newcomers are admitted

    def _send_pages(self) -> None:
        if not self.fair:
            while self.todo and len(self.inflight) < self.window:
                p, ref = self.todo.pop(0)
                if not p.error:
                    self.inflight[self._live_pool().submit(read_page, ref, p.ctx.settings)] = (p, ref)
            return
        busy = len(self.inflight) + sum(1 for p in self.queue if p.assembly and not p.assembly.done())
        started = {id(p) for p, _ in self.inflight.values()}
        i = 0
        while i < len(self.todo) and busy < self.workers:
            p, ref = self.todo[i]
            if p.error:
                self.todo.pop(i)
            elif busy < self.ctx.jobs or id(p) not in started:  # the spare worker: only for a newcomer
                self.todo.pop(i)
                self.inflight[self._live_pool().submit(read_page, ref, p.ctx.settings)] = (p, ref)
                started.add(id(p))
                busy += 1
            else:
                i += 1

    def _read_pooled(self) -> None:
        self._send_pages()
        waiting = list(self.inflight) + [p.assembly for p in self.queue if p.assembly and not p.assembly.done()]
        crashed: list[tuple[_Pending, PageRef]] = []
        if waiting:
            done, _ = wait(waiting, timeout=POLL_S if self.fair else None, return_when=FIRST_COMPLETED)
            for fut in done:
                if fut not in self.inflight:
                    continue  # an assembly: picked up in input order by _finish
                p, ref = self.inflight.pop(fut)
                try:
                    self._complete(p, fut.result())
                except BrokenProcessPool:
                    crashed.append((p, ref))
        # outside the wait: an assembly the dead pool fails a moment later is caught on the next turn
        broken = [p for p in self.queue if p.assembly and p.assembly.done() and _lost(p.assembly)]
        if crashed or broken:
            self._recover(crashed)
        self._submit_assemblies()

    def _recover(self, crashed: list[tuple[_Pending, PageRef]]) -> None:
        """A worker died (killed, out of memory) and which page did it is unknown: every page in
        flight is retried once on a fresh pool; a page that was in flight at two crashes fails its
        document only. Assemblies lost with the pool run again on the new one."""
        self._live_pool().shutdown(cancel_futures=True)
        self.pool = _new_pool(self.ctx, self.workers)
        crashed = crashed + list(self.inflight.values())
        self.inflight.clear()
        for p, ref in reversed(crashed):
            if ref in self.retried:
                self._complete(p, InputError(str(ref), "page crashed the worker process twice"))
            else:
                self.retried.add(ref)
                self.todo.insert(0, (p, ref))
        for p in self.queue:
            if p.assembly and _lost(p.assembly):
                p.assembly = None

    def _submit_assemblies(self) -> None:
        """A document whose pages are all read is assembled (extraction, PDF/A) on a worker."""
        for p in self.queue:
            if p.assembly is None and p.answered is None and not p.error and p.refs \
                    and len(p.results) == len(p.refs):
                pages = tuple(p.results[r.page] for r in p.refs)
                p.assembly = self._live_pool().submit(assemble_in_worker, p.input, p.sha, pages, p.ctx.settings)

    def _finished(self, p: _Pending) -> bool:
        if p.answered is not None:
            return True
        if p.error:
            return not any(pp is p for pp, _ in self.inflight.values())
        if self.pool is not None:  # an assembly lost with a dead pool is not finished: it runs again
            return p.assembly is not None and p.assembly.done() and not _lost(p.assembly)
        return len(p.results) == len(p.refs)

    def _finish(self, p: _Pending) -> Outcome:
        if p.answered is not None:
            return p.answered
        if p.error:
            return Outcome.failed(p.input, p.error)
        pages = tuple(p.results[r.page] for r in p.refs)

        def sign_and_store() -> Outcome:
            assembled = p.assembly.result() if p.assembly is not None else None
            if isinstance(assembled, DigitizeError):
                raise assembled
            return finish_document(p.input, p.sha, pages, p.ctx, assembled)

        result = contained(p.input.path, sign_and_store)
        return Outcome.failed(p.input, result) if isinstance(result, DigitizeError) else result


def _round_robin(todo: list[tuple[_Pending, PageRef]]) -> list[tuple[_Pending, PageRef]]:
    """The pages to read, one of each document in turn (each document's own pages in order)."""
    by_doc: dict[int, deque[tuple[_Pending, PageRef]]] = {}
    for item in todo:
        by_doc.setdefault(id(item[0]), deque()).append(item)
    out: list[tuple[_Pending, PageRef]] = []
    # the document with the fewest pages sent so far goes first: a newcomer is not behind a long one
    queues = sorted(by_doc.values(), key=lambda q: len(q[0][0].refs) - len(q))
    while queues:
        out.extend(q.popleft() for q in queues)
        queues = [q for q in queues if q]
    return out


def _lost(fut: Future) -> bool:
    """A future a dead pool will not complete: still pending, cancelled by its shutdown, or failed
    with BrokenProcessPool (set by the pool's manager thread, possibly after the crash was seen)."""
    return not fut.done() or fut.cancelled() or isinstance(fut.exception(), BrokenProcessPool)


def _new_pool(ctx: RunContext, workers: int) -> ProcessPoolExecutor:
    mp = multiprocessing.get_context("forkserver")
    # the forkserver dies with us (lifeline) and imports the stages once for every worker it forks
    mp.set_forkserver_preload(["__main__", "digitize.pipeline.lifeline", "digitize.pipeline.scheduler",
                               *ASSEMBLY_MODULES])
    return ProcessPoolExecutor(workers, mp_context=mp, initializer=init_worker,
                               initargs=(ctx.settings.ocr_lang, ctx.profiles, ctx.settings.ocr_model))
