"""`digitize store import PACKAGE…`: take in another office's E-ARK SIP/AIP packages (folders or ZIPs, as
`store export --format eark-sip|eark-aip` writes them).

A package is checked whole before anything is written — every checksum its METS files list, METS against
PREMIS, every signed PDF verified (built-in trust store plus `--trust`) — and refused whole with the
reason when any check fails. Then its signed PDFs and originals are kept byte for byte (content-addressed,
as the store keeps its own), its metadata files (METS, PREMIS, hoso.xml, audit log) under
`imports/<id>/`, and its records with their fields, validity and audit trail land in one catalog
transaction with their provenance. The same package again is a no-op; a record already held (the same
signed PDF) is linked, not duplicated.
"""
from __future__ import annotations

import csv
import hashlib
import io
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from digitize.archive.check import PackageCheck, PackageReader, check_open, open_package
from digitize.archive.descriptive import NS as HS
from digitize.archive.export import AUDIT_LOG
from digitize.archive.mets import METS
from digitize.errors import InputError
from digitize.messages import Message, msg
from digitize.model import Field, Record, SignatureSummary
from digitize.store.imports import ImportedDocument, ImportResult
from digitize.store.originals import MEDIA_TYPES, Original

HOSO = "metadata/descriptive/hoso.xml"
KEPT = ("METS.xml", HOSO, "metadata/preservation/PREMIS.xml", AUDIT_LOG)
_EXT_KIND = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "tif": "tiff", "tiff": "tiff", "pdf": "pdf"}


class PackageRefused(InputError):
    """A package failed a check: nothing of it was stored."""


def _refusal(problem: Message | str, more: int = 0) -> Message:
    """`refused, nothing imported: <the first problem>` (and how many more there were)."""
    return msg("package.refused_more", problem=problem, more=more) if more else msg("package.refused", problem=problem)


@dataclass
class _Package:
    pkg: PackageReader
    path: Path
    import_id: str
    organisation: str

    def read(self, rel: str) -> bytes:
        with self.pkg.open(rel) as f:
            return f.read()


def import_packages(store, paths: list[Path], trust_files: list[Path], username: str):
    """Yields (package path, ImportResult | PackageRefused) for each package, in order."""
    from digitize.verify.files import load_trust  # lazy: pyHanko validation loads only for an import

    roots = load_trust(trust_files)
    for path in paths:
        try:
            yield path, import_package(store, Path(path), roots, trust_files, username)
        except PackageRefused as e:
            yield path, e


def import_package(store, path: Path, roots, trust_files: list[Path], username: str) -> ImportResult:
    if not path.exists():
        raise PackageRefused(str(path), msg("package.no_such"))
    from digitize.signing.signers import demo_root
    from digitize.verify.files import load_trust

    # roots earlier imports were verified under count too (the station's import has no --trust)
    roots = list(roots) + load_trust(sorted((Path(store.keys_dir) / "trusted").glob("*.pem")))
    own = demo_root(Path(store.keys_dir))  # a package this office signed with its own demo key
    if own is not None:
        roots.append(own)
    try:
        pkg = open_package(path)
    except PackageRefused:
        raise
    except InputError as e:  # not a ZIP, or not one package folder: refused like any other failed check
        raise PackageRefused(str(path), _refusal(e.message or e.reason, 0)) from None
    try:
        return _import(store, pkg, path, roots, trust_files, username)
    finally:
        pkg.close()


def _import(store, pkg, path: Path, roots, trust_files, username: str) -> ImportResult:
    files = pkg.files()
    if "METS.xml" not in files:
        raise PackageRefused(str(path), msg("package.not_eark"))
    with pkg.open("METS.xml") as f:
        import_id = hashlib.sha256(f.read()).hexdigest()
    p = _Package(pkg, path, import_id, "")
    if store.imported(import_id):
        return ImportResult(import_id, pkg.name, "", already=True)
    report = check_open(pkg, PackageCheck(str(path)), roots)
    _refuse_if_bad(path, report)
    p.organisation = _organisation(p)
    docs, to_write = _documents(store, p, report)
    for rel in KEPT:
        if rel in files:
            data = p.read(rel)
            to_write.append((store.root / "imports" / import_id / rel, data, hashlib.sha256(data).hexdigest()))
    for cert in trust_files:  # `verify --store` trusts what the import was verified under
        data = Path(cert).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        to_write.append((Path(store.keys_dir) / "trusted" / f"{sha}.pem", data, sha))
    result = ImportResult(import_id, pkg.name, p.organisation)
    return store.import_package(result, docs, to_write, username)


def _refuse_if_bad(path: Path, report: PackageCheck) -> None:
    problems = list(report.problems)
    for s in report.signatures:
        if s["file"].startswith("representations/rep1/") and s["verdict"] != "valid":
            code = "package.signature_untrusted" if s["intact"] and not s["trusted"] else "package.signature_not_valid"
            problems.append(msg(code, file=s["file"], signer=s["signer"]))
    if problems:
        raise PackageRefused(str(path), _refusal(problems[0], len(problems) - 1))


def _organisation(p: _Package) -> str:
    root = ET.fromstring(p.read("METS.xml"))
    for agent in root.iter(f"{{{METS}}}agent"):
        if agent.get("OTHERROLE") == "SUBMITTER":
            return (agent.findtext(f"{{{METS}}}name") or "").strip()
    return ""


def _text(el: ET.Element, tag: str) -> str:
    return (el.findtext(f"{{{HS}}}{tag}") or "").strip()


def _documents(store, p: _Package, report: PackageCheck) -> tuple[list[ImportedDocument], list]:
    """The package's records from hoso.xml, with the files to write and the audit trail per record."""
    try:
        root = ET.fromstring(p.read(HOSO))
    except (KeyError, ET.ParseError) as e:
        raise PackageRefused(str(p.path), _refusal(msg("package.hoso_unreadable", file=HOSO,
                                                                                 detail=str(e)), 0)) from None
    code = _text(root, "maHoSo")
    procedure = _text(root, "maThuTuc")
    trail = _audit_trail(p)
    signers: dict[str, dict] = {}
    for s in report.signatures:  # the signer's signature, not a later document timestamp
        if s.get("kind") != "document_timestamp":
            signers.setdefault(s["file"], s)
    docs, writes = [], []
    for el in root.iter(f"{{{HS}}}taiLieu"):
        files = {t.get("vaiTro"): (t.text or "").strip() for t in el.iter(f"{{{HS}}}tepTin")}
        shas = {(t.text or "").strip(): t.get("sha256", "") for t in el.iter(f"{{{HS}}}tepTin")}
        pdf_rel = files.get("banSoHoa")
        if not pdf_rel or pdf_rel not in shas:
            raise PackageRefused(str(p.path), _refusal(msg("package.no_signed_pdf",
                                                                                     document=el.get("id")), 0))
        pdf_sha = shas[pdf_rel]
        writes.append((store.object_path(pdf_sha), p.read(pdf_rel), pdf_sha))
        originals = []
        for t in el.iter(f"{{{HS}}}tepTin"):
            if t.get("vaiTro") == "banGoc":
                o = _original(p, t, el)
                originals.append(o)
                writes.append((store.original_path(o.sha256, f".{o.ext}"), p.read((t.text or "").strip()), o.sha256))
        sig = signers.get(pdf_rel, {})
        rec = _record(el, p, code, procedure, pdf_rel, pdf_sha, originals, trail, sig.get("cert_sha256") or "")
        docs.append(ImportedDocument(rec, sig.get("verdict", "unsigned"), sig.get("signer", ""), originals,
                                     trail.get(el.get("id", ""), [])))
    if not docs:
        raise PackageRefused(str(p.path), _refusal(msg("package.no_documents"), 0))
    return docs, writes


def _original(p: _Package, t: ET.Element, doc: ET.Element) -> Original:
    rel = (t.text or "").strip()
    ext = rel.rsplit(".", 1)[-1].lower()
    media = MEDIA_TYPES.get(_EXT_KIND.get(ext, ""), "application/octet-stream")
    electronic = _text(doc, "mucDoTinCay") == "gốc điện tử"
    sig_el = doc.find(f"{{{HS}}}chuKyBanGoc")
    signature = None if sig_el is None else {
        "signer": (sig_el.text or "").strip(), "verdict": sig_el.get("ketQua", ""),
        "intact": sig_el.get("toanVen") == "true", "trusted": sig_el.get("tinCay") == "true",
        "signing_time": sig_el.get("thoiGian", ""), "verified_by": p.organisation}
    return Original(t.get("sha256", ""), ext, media, len(p.read(rel)), "electronic" if electronic else "scan",
                    rel.rsplit("/", 1)[-1], signature, datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _record(el: ET.Element, p: _Package, code: str, procedure: str, pdf_rel: str, pdf_sha: str,
            originals: list[Original], trail: dict, cert_sha256: str) -> Record:
    """cert_sha256: of the signer certificate in the signed PDF, as verified on import (hoso.xml has none)."""
    fields = tuple(Field(f.get("ten", ""), (f.text or "").strip() or None, (f.text or "").strip(),
                         float(f.get("doTinCay") or 0), needs_review=f.get("canKiemTra") == "true")
                   for f in el.iter(f"{{{HS}}}truong"))
    sig_el = el.find(f"{{{HS}}}chuKySo")
    signature = None if sig_el is None else SignatureSummary((sig_el.text or "").strip(), sig_el.get("muc", ""),
                                                             sig_el.get("thoiGian", ""), cert_sha256)
    doc_id = el.get("id") or _text(el, "maDinhDanh")
    events = trail.get(doc_id, [])
    created = next((at for at, kind, _ in events if kind == "stored"), "") or (signature.signing_time if signature
                                                                              else "")
    until, issued = _text(el, "hieuLucDen"), _text(el, "ngayVanBan")
    metadata = {"doc_ordinal": _text(el, "soThuTu"), "procedure_code": procedure, "valid_until": until,
                "imported_from": p.organisation, "package": p.pkg.name}
    if issued:
        metadata["issued_on"] = issued[:10]
    source_sha = originals[0].sha256 if originals else pdf_sha
    return Record(id=doc_id, dossier=code, source=f"{p.pkg.name}/{pdf_rel}", source_sha256=source_sha,
                  settings_key=f"imported:{pdf_sha[:16]}", doc_type=_text(el, "tenLoai") or "unclassified",
                  pages=int(_text(el, "soTrang") or 1), pdf="", sha256=pdf_sha, fields=fields, warnings=(),
                  signature=signature, created_at=created or datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  pipeline_version=f"imported from {p.organisation or 'another office'}",
                  valid_until=until or None, metadata=metadata)


def _audit_trail(p: _Package) -> dict[str, list[tuple[str, str, dict]]]:
    """record id -> [(at, kind, data)] from the package's audit log; package-wide rows go to every record."""
    try:
        text = p.read(AUDIT_LOG).decode("utf-8-sig")
    except KeyError:
        return {}
    per_record: dict[str, list] = {}
    shared = []
    for row in csv.DictReader(io.StringIO(text)):
        data = {"event_id": row.get("id", ""), "premis_event_type": row.get("premis_event_type", ""),
                "outcome": row.get("outcome", ""), "agents": row.get("agents", ""), "detail": row.get("detail", ""),
                "files": row.get("files", ""), "their_origin": row.get("origin", "")}
        item = (_utc(row.get("time") or ""), row.get("event") or "event", data)
        if row.get("document"):
            per_record.setdefault(row["document"], []).append(item)
        else:
            shared.append(item)
    for items in per_record.values():
        items.extend(shared)
    return per_record


def _utc(iso: str) -> str:
    """Their time (+07:00 as the archive writes it) as the catalog keeps times: UTC."""
    try:
        return datetime.fromisoformat(iso).astimezone(timezone.utc).isoformat(timespec="seconds")
    except ValueError:
        return iso
