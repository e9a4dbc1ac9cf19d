"""Wires the stages for documents and isolates failures per document.

Pages are the unit of parallel work: each worker process loads the OCR engine once and turns a
PageRef into a PageResult (decode -> quality -> geometry -> OCR -> JPEG), which is small enough
to send back. The coordinating process assembles documents (extraction, PDF/A, signature) and
is the only writer of the store.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import cv2

from digitize.errors import DigitizeError
from digitize.model import (
    Document, DocumentInput, Extraction, Geometry, OcrPage, PageRef, PageResult, Record, SignatureSummary,
)
from digitize.settings import PIPELINE_VERSION, Settings
from digitize.stages import geometry, ingest, ocr, quality
from digitize.tools import poppler


@dataclass(frozen=True)
class Outcome:
    """What happened to one document: a stored record, or an error naming where and why."""

    input: DocumentInput
    record: Record | None = None
    error: str | None = None
    created: bool = False  # False when the same input + settings was already stored

    @property
    def ok(self) -> bool:
        return self.record is not None

    def as_json(self) -> dict[str, Any]:
        if self.record is not None:
            return self.record.as_json()
        return {"source": self.input.path, "dossier": self.input.dossier, "status": "error", "error": self.error}


@dataclass
class Signing:
    """A ready signer (opened once per run) and its options (digitize.stages.sign.SignOptions).
    `review`: store each document as an unsigned draft; it is signed once reviewed (digitize.review)."""

    signer: Any
    options: Any
    review: bool = False


# --- worker side ----------------------------------------------------------------------------


def init_worker(lang: str, profiles=None) -> None:
    global _WORKER_PROFILES
    import digitize.pipeline.lifeline  # noqa: F401  (forked with it already; a plain fork context gets it here)
    _WORKER_PROFILES = profiles
    ocr.engine(lang)  # load the model before the first page arrives


def process_page(ref: PageRef, settings: Settings) -> PageResult:
    page = ingest.load_page(ref, settings.limits)
    q = quality.assess(page, settings)
    h, w = page.image.shape[:2]
    if q.blank:  # nothing to read; OCR would only turn specks and show-through into text
        geo, words = Geometry(), OcrPage((), (), w, h)
    elif page.has_text_layer and not settings.redo_ocr:
        # already searchable: keep its text and geometry, as OCR would only add errors
        geo, words = Geometry(), poppler.text_layer(ref.path, ref.page, w, h)
    else:
        page, geo = geometry.straighten(page, settings) if settings.deskew or settings.orient else (page, Geometry())
        words = ocr.recognise(page, settings.ocr_lang)
    jpeg = page.encoded
    if jpeg is None:
        ok, buf = cv2.imencode(".jpg", page.image, [cv2.IMWRITE_JPEG_QUALITY, settings.jpeg_quality])
        if not ok:
            raise DigitizeError(str(ref), "could not encode page image")
        jpeg = buf.tobytes()
    h, w = page.image.shape[:2]
    return PageResult(ref, jpeg, page.dpi or settings.assumed_dpi, w, h, q, geo, words)


def _page_or_error(ref: PageRef, settings: Settings) -> PageResult | DigitizeError:
    try:
        return process_page(ref, settings)
    except DigitizeError as e:
        return e
    except Exception as e:  # a bug or a library failure on this page must not end the batch
        return DigitizeError(str(ref), f"internal error: {type(e).__name__}: {e}\n{traceback.format_exc()}")


# --- coordinator side -----------------------------------------------------------------------


def record_id(source_sha256: str, settings_key: str) -> str:
    return hashlib.sha256(f"{source_sha256}:{settings_key}".encode()).hexdigest()[:20]


def _extract(pages: tuple[PageResult, ...], settings: Settings, profiles) -> Extraction:
    from digitize.stages.extract import fields as extract

    return extract.extract(pages, profiles, settings.profile, settings.post_correct)


def _page_summary(p: PageResult) -> dict[str, Any]:
    return {
        "source": str(p.ref), "dpi": p.dpi, "width_px": p.width_px, "height_px": p.height_px,
        "rotation": p.geometry.rotation, "deskew": round(p.geometry.deskew, 2),
        "warnings": [w.value for w in p.quality.warnings], "ocr_confidence": round(p.ocr.mean_confidence, 1),
        "brightness": round(p.quality.brightness, 1), "contrast": round(p.quality.contrast, 1),
    }


@dataclass(frozen=True)
class Assembled:
    """A document's extraction and unsigned PDF/A: the work a worker does once its pages are read."""

    extraction: Extraction | None
    pdf: bytes


def assemble(doc_input: DocumentInput, source_sha256: str, pages: tuple[PageResult, ...],
             settings: Settings, profiles=None) -> Assembled:
    from digitize.pdfa import build as pdfa

    extraction = _extract(pages, settings, profiles) if profiles is not None else None
    doc = Document(doc_input, source_sha256, pages, extraction)
    meta = {"dossier": doc_input.dossier, "source_sha256": source_sha256, **doc_input.metadata}
    return Assembled(extraction, pdfa.build_pdfa(doc, settings.pdfa, meta))


def store_document(doc_input: DocumentInput, source_sha256: str, pages: tuple[PageResult, ...],
                   assembled: Assembled, settings: Settings, store, signing: Signing | None = None) -> Outcome:
    """Sign (one signer, one token session: here, in the coordinator) and store atomically."""
    pdf, extraction = assembled.pdf, assembled.extraction
    signature: SignatureSummary | None = None
    if signing is not None and not signing.review:
        from digitize.stages import sign

        pdf, signature = sign.sign_pdf(pdf, signing.signer, signing.options)
    fields = extraction.fields if extraction else ()
    rec = Record(
        id=record_id(source_sha256, settings.key()), dossier=doc_input.dossier, source=doc_input.path,
        source_sha256=source_sha256, settings_key=settings.key(),
        doc_type=extraction.doc_type if extraction else "unclassified", pages=len(pages), pdf="",
        sha256=hashlib.sha256(pdf).hexdigest(), fields=fields,
        warnings=Document(doc_input, source_sha256, pages).warnings, signature=signature,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), pipeline_version=PIPELINE_VERSION,
        valid_until=extraction.valid_until if extraction else None,
        metadata={**doc_input.metadata, "doc_ordinal": str(doc_input.ordinal)},
    )
    draft = signing is not None and signing.review
    stored, created = store.put(rec, pdf, [_page_summary(p) for p in pages], draft=draft)
    return Outcome(doc_input, stored, None, created)


def finish_document(doc_input: DocumentInput, source_sha256: str, pages: tuple[PageResult, ...],
                    settings: Settings, store, profiles=None, signing: Signing | None = None) -> Outcome:
    assembled = assemble(doc_input, source_sha256, pages, settings, profiles)
    return store_document(doc_input, source_sha256, pages, assembled, settings, store, signing)


_WORKER_PROFILES = None  # the profile set, sent once to each worker by its initialiser


def _assemble_in_worker(doc_input: DocumentInput, sha: str, pages: tuple[PageResult, ...],
                        settings: Settings) -> Assembled | DigitizeError:
    try:
        return assemble(doc_input, sha, pages, settings, _WORKER_PROFILES)
    except DigitizeError as e:
        return e
    except Exception as e:  # isolate: one document's failure never ends the run
        return DigitizeError(doc_input.path, f"internal error: {type(e).__name__}: {e}\n{traceback.format_exc()}")


@dataclass
class _Pending:
    input: DocumentInput
    sha: str
    refs: list[PageRef]
    results: dict[int, PageResult] = field(default_factory=dict)
    error: str | None = None
    answered: Outcome | None = None  # stored already, or refused before any page work
    assembly: Future | None = None  # extraction + PDF/A running on a worker


def run_documents(
    inputs: Iterable[DocumentInput], settings: Settings, store, jobs: int = 1, profiles=None,
    signing: Signing | None = None, on_page: Callable[[PageRef], None] | None = None,
    on_pages_known: Callable[[int], None] | None = None,
) -> Iterator[Outcome]:
    """Process documents, yielding one Outcome per document in input order. Pages run on `jobs`
    worker processes with a bounded window so memory stays flat however many documents come."""
    key = settings.key()
    pool = _new_pool(jobs, settings, profiles) if jobs > 1 else None
    retried: set[PageRef] = set()
    window = max(2, jobs * 3)
    queue: list[_Pending] = []
    inflight: dict[Future, tuple[_Pending, PageRef]] = {}
    todo: list[tuple[_Pending, PageRef]] = []
    it = iter(inputs)
    exhausted = False

    def admit() -> Outcome | None:
        """Validate the next input; an already-stored or bad one is answered at once."""
        nonlocal exhausted
        try:
            doc_input = next(it)
        except StopIteration:
            exhausted = True
            return None
        try:
            sha = ingest.sha256_file(doc_input.path)
            existing = store.find(sha, key)
            if existing is not None:
                return Outcome(doc_input, existing, None, False)
            refs = ingest.list_pages(doc_input.path, settings.limits)
        except DigitizeError as e:
            return Outcome(doc_input, error=str(e))
        except OSError as e:
            return Outcome(doc_input, error=f"{doc_input.path}: {e.strerror or e}")
        pending = _Pending(doc_input, sha, refs)
        queue.append(pending)
        todo.extend((pending, r) for r in refs)
        if on_pages_known:
            on_pages_known(len(refs))
        return None

    def complete(p: _Pending, result: PageResult | DigitizeError) -> None:
        if isinstance(result, DigitizeError):
            p.error = p.error or str(result)
        else:
            p.results[result.ref.page] = result
        if on_page:
            on_page(result.ref if isinstance(result, PageResult) else p.refs[0])

    try:
        while True:
            # keep enough pages scheduled, admitting documents as the window frees up
            while not exhausted and len(todo) < window:
                answered = admit()
                if answered is not None:
                    if not queue:
                        yield answered
                    else:  # keep input order
                        queue.append(_Pending(answered.input, "", [], answered=answered))
            if pool is None:
                while todo:
                    p, ref = todo.pop(0)
                    if p.error:
                        continue
                    complete(p, _page_or_error(ref, settings))
                    if len(p.results) + (1 if p.error else 0) >= len(p.refs) or p.error:
                        break
            else:
                while todo and len(inflight) < window:
                    p, ref = todo.pop(0)
                    if p.error:
                        continue
                    inflight[pool.submit(_page_or_error, ref, settings)] = (p, ref)
                waiting = list(inflight) + [p.assembly for p in queue if p.assembly and not p.assembly.done()]
                if waiting:
                    done, _ = wait(waiting, return_when=FIRST_COMPLETED)
                    crashed: list[tuple[_Pending, PageRef]] = []
                    for fut in done:
                        if fut not in inflight:
                            continue  # an assembly: picked up in input order below
                        p, ref = inflight.pop(fut)
                        try:
                            complete(p, fut.result())
                        except BrokenProcessPool:
                            crashed.append((p, ref))
                    broken_assembly = [p for p in queue if p.assembly and p.assembly.done()
                                       and isinstance(p.assembly.exception(), BrokenProcessPool)]
                    if crashed or broken_assembly:
                        # A worker died (killed, out of memory) and which page did it is unknown:
                        # every page in flight is retried once on a fresh pool; a page that was in
                        # flight at two crashes fails its document only.
                        pool.shutdown(cancel_futures=True)
                        pool = _new_pool(jobs, settings, profiles)
                        crashed += list(inflight.values())
                        inflight.clear()
                        for p2, r2 in reversed(crashed):
                            if r2 in retried:
                                complete(p2, DigitizeError(str(r2), "page crashed the worker process twice"))
                            else:
                                retried.add(r2)
                                todo.insert(0, (p2, r2))
                        for p3 in queue:  # assemblies lost with the pool run again on the new one
                            if p3.assembly and (not p3.assembly.done() or p3 in broken_assembly):
                                p3.assembly = None
                # a document whose pages are all read is assembled (extraction, PDF/A) on a worker
                for p in queue:
                    if p.assembly is None and p.answered is None and not p.error and p.refs \
                            and len(p.results) == len(p.refs):
                        pages = tuple(p.results[r.page] for r in p.refs)
                        p.assembly = pool.submit(_assemble_in_worker, p.input, p.sha, pages, settings)
            # yield finished documents in input order
            while queue and _finished(queue[0], inflight, pool is not None):
                p = queue.pop(0)
                yield _finish(p, settings, store, profiles, signing)
            if exhausted and not queue and not todo and not inflight:
                break
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _new_pool(jobs: int, settings: Settings, profiles=None) -> ProcessPoolExecutor:
    ctx = multiprocessing.get_context("forkserver")
    # the forkserver dies with us (lifeline) and imports the stages once for every worker it forks
    ctx.set_forkserver_preload(["__main__", "digitize.pipeline.lifeline", "digitize.pipeline.scheduler"])
    return ProcessPoolExecutor(jobs, mp_context=ctx, initializer=init_worker,
                               initargs=(settings.ocr_lang, profiles))


def _finished(p: _Pending, inflight: dict, pooled: bool) -> bool:
    if p.answered is not None:
        return True
    if p.error:
        return not any(pp is p for pp, _ in inflight.values())
    if pooled:
        return p.assembly is not None and p.assembly.done()
    return len(p.results) == len(p.refs)


def _finish(p: _Pending, settings: Settings, store, profiles, signing) -> Outcome:
    if p.answered is not None:
        return p.answered
    if p.error:
        return Outcome(p.input, error=p.error)
    pages = tuple(p.results[r.page] for r in p.refs)
    try:
        if p.assembly is None:
            return finish_document(p.input, p.sha, pages, settings, store, profiles, signing)
        assembled = p.assembly.result()
        if isinstance(assembled, DigitizeError):
            raise assembled
        return store_document(p.input, p.sha, pages, assembled, settings, store, signing)
    except DigitizeError as e:
        return Outcome(p.input, error=str(e))
    except Exception as e:  # isolate: one document's failure never ends the run
        return Outcome(p.input, error=f"{p.input.path}: internal error: {type(e).__name__}: {e}\n"
                                      f"{traceback.format_exc()}")
