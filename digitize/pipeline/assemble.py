"""Document assembly: once a document's pages are read, its fields are extracted and its PDF/A
written (on a worker, pool or Dask); then the coordinator signs it (one signer, one token session)
and stores it atomically."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from digitize.model import Document, DocumentInput, Extraction, PageResult, Record, SignatureSummary
from digitize.pipeline.context import RunContext, Signing
from digitize.pipeline.outcome import Outcome
from digitize.settings import PIPELINE_VERSION, Settings
from digitize.store.protocol import DocumentWriter


@dataclass(frozen=True)
class Assembled:
    """A document's extraction and unsigned PDF/A: the work a worker does once its pages are read."""

    extraction: Extraction | None
    pdf: bytes


def record_id(source_sha256: str, settings_key: str) -> str:
    return hashlib.sha256(f"{source_sha256}:{settings_key}".encode()).hexdigest()[:20]


def assemble(doc_input: DocumentInput, source_sha256: str, pages: tuple[PageResult, ...],
             settings: Settings, profiles=None) -> Assembled:
    # lazy: extraction and PDF/A writing take ~0.5 s to import together, which commands that never
    # assemble (`--help`, `store`, `verify`) should not pay; pool workers get them preloaded
    from digitize.pdfa import build as pdfa
    from digitize.stages.extract import fields as extract

    extraction = None
    if profiles is not None:
        extraction = extract.extract(pages, profiles, settings.profile, settings.post_correct)
    doc = Document(doc_input, source_sha256, pages, extraction)
    meta = {"dossier": doc_input.dossier, "source_sha256": source_sha256, **doc_input.metadata}
    return Assembled(extraction, pdfa.build_pdfa(doc, settings.pdfa, meta))


def _page_summary(p: PageResult) -> dict[str, Any]:
    return {
        "source": str(p.ref), "dpi": p.dpi, "width_px": p.width_px, "height_px": p.height_px,
        "rotation": p.geometry.rotation, "deskew": round(p.geometry.deskew, 2),
        "warnings": [w.value for w in p.quality.warnings], "ocr_confidence": round(p.ocr.mean_confidence, 1),
        "brightness": round(p.quality.brightness, 1), "contrast": round(p.quality.contrast, 1),
        "text": p.ocr.text,  # kept by the store for search, in the document's own transaction
    }


def _sign(pdf: bytes, signing: Signing | None) -> tuple[bytes, SignatureSummary | None]:
    if signing is None or signing.review:
        return pdf, None
    # lazy: pyHanko takes ~0.5 s to import, and unsigned runs (and `--help`) never need it
    from digitize.stages import sign

    assert signing.signer is not None and signing.options is not None, "a signing run opens its signer first"
    return sign.sign_pdf(pdf, signing.signer, signing.options)


def store_document(doc_input: DocumentInput, source_sha256: str, pages: tuple[PageResult, ...],
                   assembled: Assembled, settings: Settings, store: DocumentWriter,
                   signing: Signing | None = None) -> Outcome:
    """Sign (one signer, one token session: here, in the coordinator) and store atomically."""
    pdf, signature = _sign(assembled.pdf, signing)
    extraction = assembled.extraction
    rec = Record(
        id=record_id(source_sha256, settings.key()), dossier=doc_input.dossier, source=doc_input.path,
        source_sha256=source_sha256, settings_key=settings.key(),
        doc_type=extraction.doc_type if extraction else "unclassified", pages=len(pages), pdf="",
        sha256=hashlib.sha256(pdf).hexdigest(), fields=extraction.fields if extraction else (),
        warnings=Document(doc_input, source_sha256, pages).warnings, signature=signature,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), pipeline_version=PIPELINE_VERSION,
        valid_until=extraction.valid_until if extraction else None,
        metadata={**doc_input.metadata, "doc_ordinal": str(doc_input.ordinal)},
    )
    draft = signing is not None and signing.review
    stored, created = store.put(rec, pdf, [_page_summary(p) for p in pages], draft=draft)
    return Outcome(doc_input, stored, None, created)


def finish_document(doc_input: DocumentInput, source_sha256: str, pages: tuple[PageResult, ...],
                    ctx: RunContext, assembled: Assembled | None = None) -> Outcome:
    """Assemble (unless a worker already did), sign and store one document of this run."""
    if assembled is None:
        assembled = assemble(doc_input, source_sha256, pages, ctx.settings, ctx.profiles)
    return store_document(doc_input, source_sha256, pages, assembled, ctx.settings, ctx.documents, ctx.signing)
