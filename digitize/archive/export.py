"""`store export --format eark-sip|eark-aip`: one E-ARK information package per dossier (hồ sơ).

Package tree (names by mã hồ sơ and document ordinal, as the archive rules expect):

    <mã hồ sơ>/METS.xml
    <mã hồ sơ>/metadata/descriptive/hoso.xml          Circular 05/2025 fields (schemas/digitize-hoso-1.0.xsd)
    <mã hồ sơ>/metadata/preservation/PREMIS.xml
    <mã hồ sơ>/representations/rep0-original/METS.xml  originals as they came (when kept)
    <mã hồ sơ>/representations/rep0-original/data/<mã hồ sơ>.<NN>.<ext>
    <mã hồ sơ>/representations/rep1/METS.xml           signed PDF/A copies
    <mã hồ sơ>/representations/rep1/data/<mã hồ sơ>.<NN>.pdf
    <mã hồ sơ>/documentation/audit-log.csv
    <mã hồ sơ>/schemas/digitize-hoso-1.0.xsd

Objects are copied in chunks with their SHA-256 recomputed (the fixity check), so memory stays flat
however many documents a dossier holds; a package appears only when complete.
"""
from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from digitize.archive import descriptive
from digitize.archive.collect import REP_ORIGINAL, REP_PDFA, DossierContent, collect, export_entries
from digitize.archive.mets import Entry, RootParts, representation_mets, root_mets, to_vn
from digitize.archive.premis import premis_parts
from digitize.archive.sink import PackageSink, Written
from digitize.errors import UsageError

FORMATS = ("sip", "aip")
AUDIT_LOG = "documentation/audit-log.csv"
AUDIT_COLUMNS = ("id", "time", "event", "premis_event_type", "document", "outcome", "agents", "files", "detail",
                 "origin")


def export_packages(store, out: Path, package_format: str = "sip", as_zip: bool = False,
                    dossier: str | None = None, organisation: str = "") -> Iterator[Path]:
    """Write one package per dossier (only `dossier` when given); yields each package's path."""
    if package_format not in FORMATS:
        raise UsageError("--format", f"unknown package format {package_format!r}")
    found = False
    records = (r for r in store.records() if dossier is None or r.dossier == dossier)
    for code, group in itertools.groupby(records, key=lambda r: r.dossier):
        found = True
        yield export_dossier(store, code, list(group), out, package_format, as_zip, organisation)
    if dossier is not None and not found:
        raise UsageError(dossier, "no such dossier in the store")


def export_dossier(store, code: str, records: list, out: Path, package_format: str, as_zip: bool,
                   organisation: str) -> Path:
    content = collect(store, code, records, organisation)
    sink = PackageSink(out, content.name, as_zip)
    try:
        written = {f.path: sink.add_file(f.path, f.source, f.sha256) for f in content.files}
        content.log.extend(export_entries(content, package_format))
        _write_metadata(sink, content, written, package_format, organisation)
        path = sink.close()
    except BaseException:
        sink.abort()
        raise
    store.log("exported", None, dossier=code, package=content.name, format=f"eark-{package_format}",
              zip=as_zip, files=len(content.files), events=[e.id for e in content.log if e.origin == "export"])
    return path


def _entry(w: Written, media_type: str, created: str, base: str = "", fmt: str = "", pronom: str = "") -> Entry:
    return Entry(w.path[len(base):] if base else w.path, w.size, w.sha256, media_type, created, fmt, pronom)


def _write_metadata(sink: PackageSink, content: DossierContent, written: dict[str, Written],
                    package_format: str, organisation: str) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    reps = []
    for rep, label in ((REP_ORIGINAL, "originals as received"), (REP_PDFA, "signed PDF/A copies")):
        files = [f for f in content.files if f.rep == rep]
        if not files:
            continue
        base = f"representations/{rep}/"
        data = [_entry(written[f.path], f.media_type, f.created, base, f.format_name, f.pronom) for f in files]
        w = sink.add_parts(f"{base}METS.xml", representation_mets(rep, label, data, package_format, now))
        reps.append((rep, _entry(w, "text/xml", now)))
    desc = sink.add_parts("metadata/descriptive/hoso.xml", descriptive.descriptive_parts(content))
    premis = sink.add_parts("metadata/preservation/PREMIS.xml",
                            premis_parts(content, {p: w.size for p, w in written.items()}))
    log = sink.add_parts(AUDIT_LOG, audit_log_csv(content))
    schema = sink.add_bytes(f"schemas/{descriptive.SCHEMA_FILE}", descriptive.schema_bytes())
    parts = RootParts(_entry(desc, "text/xml", now), _entry(premis, "text/xml", now), [_entry(log, "text/csv", now)],
                      [_entry(schema, "text/xml", now)], reps)
    label = f"Hồ sơ {content.code}"
    sink.add_bytes("METS.xml", root_mets(content.name, label, content.code, parts, package_format, now, organisation))


def audit_log_csv(content: DossierContent) -> Iterator[bytes]:
    """The dossier's audit log, one row per event (the same events, ids and times as PREMIS.xml);
    UTF-8 with BOM so spreadsheet programs show Vietnamese."""
    names = {a.id: a.name for a in content.agents.values()}

    def row(values) -> bytes:
        buf = io.StringIO()
        csv.writer(buf).writerow(values)
        return buf.getvalue().encode("utf-8")

    yield "\ufeff".encode("utf-8") + row(AUDIT_COLUMNS)
    for e in content.log:
        yield row((e.id, to_vn(e.at), e.kind, e.premis_type, e.record_id or "", e.outcome,
                   "; ".join(f"{names.get(a, a)} ({role})" for a, role in e.agents), " ".join(e.files),
                   e.detail, e.origin))
