"""Keeping originals on ingest: a store wrapper that stores each document's source file beside its
record (always for electronic inputs — a PDF with a text layer or a signature —, for scans when
asked) and verifies a signed input PDF with digitize.verify, recording the verdict with it.

It is the DocumentWriter the run context hands the pipeline (batch's validity gate may wrap it), so
the pipeline itself needs no knowledge of verification, which sits above it.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from digitize.store.originals import EXTENSIONS, MEDIA_TYPES, Original
from digitize.tools.files import sniff


def pdf_traits(path: Path) -> tuple[bool, bool]:
    """(signed, has a text layer) of a PDF, without changing it."""
    import pikepdf  # lazy: ~0.2 s to import; every command imports this module (cli.common)

    try:
        with pikepdf.open(path) as pdf:
            form = pdf.Root.get("/AcroForm")
            signed = form is not None and any(_signed_fields(form.get("/Fields", [])))
            text = any(bool(page.Resources.get("/Font")) for page in pdf.pages if "/Resources" in page)
            return signed, text
    except pikepdf.PdfError:
        return False, False


def _signed_fields(fields, depth: int = 0):
    for f in fields if depth < 8 else ():
        if f.get("/FT") == "/Sig" and f.get("/V") is not None:
            yield True
        yield from _signed_fields(f.get("/Kids", []), depth + 1)


def quiet_validation_logs() -> None:
    """pyHanko logs each validation problem with a traceback; the verdict names them already."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def signature_summary(path: Path, trust=()) -> dict[str, Any]:
    """digitize.verify's verdict on a signed input, as stored with the original."""
    # lazy: pyHanko is slow to import and every command imports this module
    from digitize.verify.files import verify_file

    quiet_validation_logs()
    verdict = verify_file(path, trust, pdfa=False)
    sigs = [s for s in verdict.signatures if s.kind == "signature"]
    first = sigs[0] if sigs else None
    return {
        "verdict": verdict.verdict.value, "signer": first.signer if first else None,
        "intact": first.intact if first else None, "trusted": first.trusted if first else None,
        "signing_time": first.signing_time if first else None,
        "timestamp": first.timestamp if first else None, "level": first.level if first else None,
        "verified_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "report": verdict.as_json(),
    }


def describe_source(path: Path, sha256: str, keep_scans: bool, trust=()) -> Original | None:
    """The Original to keep for a source file, or None for a scan when scans are not kept."""
    with open(path, "rb") as f:
        kind = sniff(f.read(1024)) or "pdf"
    signed = text = False
    if kind == "pdf":
        signed, text = pdf_traits(path)
    electronic = signed or text
    if not electronic and not keep_scans:
        return None
    return Original(
        sha256=sha256, ext=EXTENSIONS.get(kind, "bin"), media_type=MEDIA_TYPES.get(kind, "application/octet-stream"),
        size=path.stat().st_size, kind="electronic" if electronic else "scan", name=path.name,
        signature=signature_summary(path, trust) if signed else None,
        stored_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


class KeepOriginals:
    """A DocumentWriter keeping each new document's source file as an original object in the store
    it writes to (directly, or through another writer such as batch's validity gate)."""

    def __init__(self, writer, keep_scans: bool = False, trust=()):
        self.writer = writer
        self.keep_scans = keep_scans
        self.trust = tuple(trust)

    def find(self, source_sha256: str, settings_key: str):
        return self.writer.find(source_sha256, settings_key)

    def put(self, record, pdf: bytes, pages, draft: bool = False, username: str | None = None, original=None):
        if original is None:
            original = describe_source(Path(record.source), record.source_sha256, self.keep_scans, self.trust)
        return self.writer.put(record, pdf, pages, draft, username, original=original)
