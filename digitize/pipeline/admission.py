"""Admission of a document, the same for the local pool and the Dask executor: its checksum, then
either the answer that needs no page work (already stored under these settings, or unreadable) or
the input with its pages, ready to be read."""
from __future__ import annotations

from dataclasses import dataclass

from digitize.errors import DigitizeError, InputError
from digitize.model import DocumentInput, PageRef
from digitize.pipeline.outcome import Outcome
from digitize.settings import Settings
from digitize.stages import ingest
from digitize.store.protocol import DocumentWriter
from digitize.tools.files import sha256_file


@dataclass(frozen=True)
class Admitted:
    input: DocumentInput
    sha256: str
    refs: tuple[PageRef, ...]  # empty when pages are listed later (on a Dask worker)


def admit(doc_input: DocumentInput, settings: Settings, store: DocumentWriter,
          list_pages: bool = True) -> Admitted | Outcome:
    try:
        sha = sha256_file(doc_input.path)
        existing = store.find(sha, settings.key())
        if existing is not None:
            return Outcome(doc_input, existing, None, False)
        refs = tuple(ingest.list_pages(doc_input.path, settings.limits)) if list_pages else ()
    except DigitizeError as e:
        return Outcome.failed(doc_input, e)
    except OSError as e:
        return Outcome.failed(doc_input, InputError(doc_input.path, str(e.strerror or e)))
    return Admitted(doc_input, sha, refs)
