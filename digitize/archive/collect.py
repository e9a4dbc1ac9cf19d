"""What goes into one dossier's package: its files with their hand-over names, and its audit log —
the catalog's events for its documents plus the processing history each record carries (capture,
quality check, OCR, PDF/A, signature, validation of a signed original). PREMIS events are made
one for one from this log, so the log in documentation/ and PREMIS.xml always agree."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from digitize.settings import PIPELINE_VERSION

REP_PDFA = "rep1"
REP_ORIGINAL = "rep0-original"

# PRONOM ids of what the store holds (PDF/A part from the record's settings, originals by type)
PRONOM = {"pdfa-1b": ("PDF/A-1b", "fmt/354"), "pdfa-2b": ("PDF/A-2b", "fmt/477"), "pdfa-3b": ("PDF/A-3b", "fmt/480"),
          "image/tiff": ("TIFF", "fmt/353"), "image/jpeg": ("JPEG File Interchange Format", "fmt/43"),
          "image/png": ("Portable Network Graphics", "fmt/11"), "application/pdf": ("Portable Document Format", "fmt/276")}

# catalog event kinds -> PREMIS event types (id.loc.gov/vocabulary/preservation/eventType)
_KIND_TO_PREMIS = {"stored": "ingestion", "signed": "digital signature generation", "approved": "validation",
                   "field_confirmed": "validation",  # a person checked a flagged value as it is
                   "exported": "information package creation", "fixity": "fixity check"}


def safe_name(text: str) -> str:
    """A dossier code as a file name: ids never become paths (no separators, no dot-dot)."""
    name = re.sub(r"[^0-9A-Za-z._-]+", "_", text).strip("._") or "hoso"
    return name[:120]


@dataclass(frozen=True)
class PackageFile:
    rep: str  # REP_PDFA or REP_ORIGINAL
    name: str  # file name in the representation's data/
    source: Path  # the stored object
    sha256: str
    media_type: str
    format_name: str
    pronom: str
    created: str
    record_id: str
    derived_from: str | None = None  # the original's package path, for a derivative

    @property
    def path(self) -> str:
        return f"representations/{self.rep}/data/{self.name}"


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: str
    kind: str  # the catalog's event kind, or the processing step
    premis_type: str
    record_id: str | None
    outcome: str
    detail: str
    agents: tuple[tuple[str, str], ...] = ()  # (agent id, role)
    origin: str = "record"  # record (processing history) | catalog (the store's event log) | export
    files: tuple[str, ...] = ()  # package paths the event concerns


@dataclass
class Agent:
    id: str
    name: str
    type: str  # software | organization | person
    version: str = ""


@dataclass
class DossierContent:
    code: str
    name: str  # package root folder and OBJID
    records: list
    metadata: dict[str, Any]
    files: list[PackageFile] = field(default_factory=list)
    log: list[AuditEntry] = field(default_factory=list)
    agents: dict[str, Agent] = field(default_factory=dict)
    originals: dict[str, list] = field(default_factory=dict)  # record id -> [Original]
    organisation_id: str = ""  # the submitting organisation's agent

    def agent(self, kind: str, name: str, version: str = "") -> str:
        agent_id = "agent-" + _digest(kind, name, version)[:12]
        self.agents.setdefault(agent_id, Agent(agent_id, name, kind, version))
        return agent_id


def _digest(*parts: Any) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def collect(store, code: str, records: list, organisation: str) -> DossierContent:
    content = DossierContent(code, safe_name(code), records, _dossier_metadata(records))
    org = content.organisation_id = content.agent("organization", organisation)
    taken: set[str] = set()
    for rec in records:
        rec_files = _files_of(store, content, rec, taken)
        content.files.extend(rec_files)
        content.log.extend(_history(content, rec, org, store.pages(rec.id), rec_files))
        content.log.extend(_catalog_events(content, store, rec, org, rec_files))
    content.log.sort(key=lambda e: (e.at, e.record_id or "", e.id))
    return content


def _files_of(store, content: DossierContent, rec, taken: set[str]) -> list[PackageFile]:
    """A record's files: its originals (rep0-original) and its signed PDF/A (rep1), named by
    mã hồ sơ and document ordinal."""
    originals = store.originals(rec.id)
    content.originals[rec.id] = originals
    base = _file_base(content.name, rec, taken)
    files = []
    for i, o in enumerate(originals):
        name = f"{base}.{o.ext}" if i == 0 else f"{base}.{i + 1}.{o.ext}"
        fmt, pronom = PRONOM.get(o.media_type, ("", ""))
        if o.media_type == "application/pdf" and o.signature:
            fmt = "Portable Document Format (signed)"
        source = store.original_path(o.sha256, f".{o.ext}")
        files.append(PackageFile(REP_ORIGINAL, name, source, o.sha256, o.media_type, fmt, pronom,
                                 o.stored_at or rec.created_at, rec.id))
    fmt, pronom = PRONOM.get("pdfa-" + _pdfa_part(rec), PRONOM["pdfa-2b"])
    files.append(PackageFile(REP_PDFA, f"{base}.pdf", Path(rec.pdf), rec.sha256, "application/pdf", fmt, pronom,
                             rec.created_at, rec.id, files[0].path if files else None))
    return files


def _pdfa_part(rec) -> str:
    """The PDF/A part and level the stored file claims in its XMP (e.g. 2b)."""
    import pikepdf  # lazy: ~0.2 s to import; only an export reads the stored PDFs

    try:
        with pikepdf.open(rec.pdf) as pdf:
            meta = pdf.open_metadata()
            part, level = meta.get("pdfaid:part", "2"), meta.get("pdfaid:conformance", "B")
    except (pikepdf.PdfError, OSError):
        return "2b"
    return f"{part}{level}".lower()


def _file_base(name: str, rec, taken: set[str]) -> str:
    """<mã hồ sơ>.<document ordinal, two digits> as the archive rules name digitised files."""
    ordinal = str(rec.metadata.get("doc_ordinal", ""))
    base = f"{name}.{int(ordinal):02d}" if ordinal.isdigit() else f"{name}.{rec.id[:8]}"
    if base in taken:  # the same document stored under other settings too
        base = f"{base}.{rec.id[:8]}"
    taken.add(base)
    return base


def _dossier_metadata(records: list) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for rec in records:
        for k, v in rec.metadata.items():
            meta.setdefault(k, v)
    return meta


def _entry(content: DossierContent, rec, step: str, premis: str, at: str, outcome: str, detail: str,
           agents: tuple[tuple[str, str], ...], files: tuple[str, ...] = ()) -> AuditEntry:
    return AuditEntry("evt-" + _digest(rec.id, step, at)[:16], at, step, premis, rec.id, outcome, detail, agents,
                      "record", files)


def _history(content: DossierContent, rec, org: str, pages_detail: list[dict],
             rec_files: list[PackageFile]) -> list[AuditEntry]:
    """The processing steps a record carries: capture, quality check, OCR, PDF/A, signature."""
    pdfa_file = next(f.path for f in rec_files if f.rep == REP_PDFA)
    originals = tuple(f.path for f in rec_files if f.rep == REP_ORIGINAL)
    software = content.agent("software", "digitize", rec.pipeline_version)
    tesseract = content.agent("software", "tesseract", "model vie")
    pages = rec.pages
    dpis = sorted({round(p.get("dpi") or 0) for p in pages_detail})
    at = rec.created_at
    out = [_entry(content, rec, "captured", "capture", at, "success",
                  f"{pages} page(s) scanned at {', '.join(f'{d} dpi' for d in dpis) or 'unknown dpi'}",
                  ((org, "executing program"),), originals),
           _entry(content, rec, "quality_checked", "validation", at, "warning" if rec.warnings else "success",
                  "; ".join(rec.warnings) or "no warnings", ((software, "executing program"),), originals),
           _entry(content, rec, "ocr", "metadata extraction", at, "success",
                  f"OCR of {pages} page(s): tesseract, model vie; fields of profile {rec.doc_type}",
                  ((tesseract, "executing program"), (software, "executing program")), (pdfa_file,)),
           _entry(content, rec, "pdfa_created", "normalization", at, "success",
                  f"PDF/A with invisible text layer made from {', '.join(originals) or rec.source}",
                  ((software, "executing program"),), (pdfa_file,))]
    if rec.signature:
        signer = content.agent("organization", rec.signature.signer)
        out.append(_entry(content, rec, "signed", "digital signature generation", rec.signature.signing_time,
                          "success", f"PAdES {rec.signature.level} by {rec.signature.signer}",
                          ((signer, "authorizer"), (software, "executing program")), (pdfa_file,)))
    for o in content.originals.get(rec.id, ()):
        if o.signature:
            s = o.signature
            signer = content.agent("organization", s.get("signer") or "unknown signer")
            detail = (f"signed by {s.get('signer')}: intact {s.get('intact')}, trusted {s.get('trusted')}, "
                      f"signing time {s.get('signing_time')}, time-stamp {(s.get('timestamp') or {}).get('time')}")
            out.append(_entry(content, rec, "source_signature_verified", "digital signature validation",
                              s.get("verified_at") or at, s.get("verdict") or "unknown", detail,
                              ((software, "validator"), (signer, "signer")), originals))
    return out


def _catalog_events(content: DossierContent, store, rec, org: str, rec_files: list[PackageFile]) -> list[AuditEntry]:
    out = []
    for ev in store.events(rec.id):
        data = ev.get("data") or {}
        user = ev.get("user") or data.get("user") or data.get("by")  # reviews record who acted
        agents = ((content.agent("person", str(user)), "implementer"),) if user else ((org, "implementer"),)
        kind = ev["kind"]
        premis = _KIND_TO_PREMIS.get(kind) or ("metadata modification" if re.search("review|revision|field|correct", kind)
                                               else kind.replace("_", " "))
        raw = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        out.append(AuditEntry("evt-" + _digest(ev["at"], kind, rec.id, raw)[:16], ev["at"], kind, premis, rec.id,
                              "success", raw, agents, "catalog",
                              tuple(f.path for f in rec_files)))
    return out


def export_entries(content: DossierContent, package_format: str, at: str | None = None) -> list[AuditEntry]:
    """The fixity check and package creation of this export (also written to the store's log)."""
    at = at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    software = content.agent("software", "digitize", PIPELINE_VERSION)
    org = content.organisation_id
    files = tuple(f.path for f in content.files)
    return [AuditEntry("evt-" + _digest(content.code, "fixity", at)[:16], at, "fixity_checked", "fixity check", None,
                       "success", f"SHA-256 of {len(files)} file(s) recomputed and equal to the store's",
                       ((software, "executing program"),), "export", files),
            AuditEntry("evt-" + _digest(content.code, "exported", at)[:16], at, "exported",
                       "information package creation", None, "success",
                       f"E-ARK {package_format.upper()} {content.name} for the archive",
                       ((software, "executing program"), (org, "submitter")), "export", files)]
