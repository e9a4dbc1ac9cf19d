"""`digitize verify --package DIR|ZIP`: recompute every checksum, check METS against the files (and
against PREMIS, which records the same fixity, so an edited METS entry shows), verify every
signature, and say what changed: a file changed, missing or added, a METS entry edited."""
from __future__ import annotations

import hashlib
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from digitize.archive.mets import METS, XLINK
from digitize.archive.originals import quiet_validation_logs
from digitize.archive.premis import PREMIS
from digitize.errors import InputError
from digitize.messages import Message, msg

CHUNK = 1 << 20


class _Folder:
    def __init__(self, root: Path):
        self.root = root
        self.name = root.name

    def files(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}

    def open(self, rel: str):
        return open(self.root / rel, "rb")

    def local(self, rel: str) -> Path:
        return self.root / rel

    def close(self) -> None:
        pass


class _Zip:
    def __init__(self, path: Path):
        try:
            self.zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as e:
            raise InputError(str(path), msg("package.not_zip", detail=str(e))) from None
        names = [n for n in self.zip.namelist() if not n.endswith("/")]
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) != 1 or not all("/" in n for n in names):
            raise InputError(str(path), msg("package.one_folder"))
        self.name = tops.pop()
        self._names = {n[len(self.name) + 1:]: n for n in names}
        self._tmp = tempfile.TemporaryDirectory(prefix="digitize-package-")

    def files(self) -> set[str]:
        return set(self._names)

    def close(self) -> None:
        self.zip.close()
        self._tmp.cleanup()

    def open(self, rel: str):
        return self.zip.open(self._names[rel])

    def local(self, rel: str) -> Path:
        """A file on disk, for the signature verifier (one file at a time, removed after)."""
        target = Path(self._tmp.name) / "file.pdf"
        with self.open(rel) as src, open(target, "wb") as dst:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                dst.write(chunk)
        return target


@dataclass
class PackageCheck:
    package: str
    files_checked: int = 0
    problems: list[Message] = field(default_factory=list)  # str(): the English line of the CLI and JSON
    signatures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"package": self.package, "verdict": "valid" if self.ok else "invalid",
                "files_checked": self.files_checked, "problems": [str(p) for p in self.problems],
                "signatures": self.signatures}


def _digest(pkg, rel: str) -> tuple[int, str]:
    h, size = hashlib.sha256(), 0
    with pkg.open(rel) as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def _entries(pkg, mets_rel: str) -> list[tuple[str, int, str]]:
    """(package path, SIZE, CHECKSUM) of every file and metadata reference a METS document lists."""
    base = PurePosixPath(mets_rel).parent
    with pkg.open(mets_rel) as f:
        root = ET.parse(f).getroot()
    out = []
    for el in root.iter():
        if el.tag == f"{{{METS}}}file":
            loc = el.find(f"{{{METS}}}FLocat")
            href = loc.get(f"{{{XLINK}}}href", "") if loc is not None else ""
        elif el.tag == f"{{{METS}}}mdRef":
            href = el.get(f"{{{XLINK}}}href", "")
        else:
            continue
        path = (base / href).as_posix() if str(base) != "." else href
        out.append((_normal(path), int(el.get("SIZE", "-1")), el.get("CHECKSUM", "").lower()))
    return out


def _normal(path: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            parts = parts[:-1]
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _premis_fixity(pkg, files: set[str]) -> dict[str, str]:
    rel = "metadata/preservation/PREMIS.xml"
    if rel not in files:
        return {}
    with pkg.open(rel) as f:
        root = ET.parse(f).getroot()
    out = {}
    for obj in root.iter(f"{{{PREMIS}}}object"):
        ident = obj.findtext(f"{{{PREMIS}}}objectIdentifier/{{{PREMIS}}}objectIdentifierValue")
        digest = obj.findtext(f".//{{{PREMIS}}}fixity/{{{PREMIS}}}messageDigest")
        if ident and digest:
            out[ident] = digest.lower()
    return out

PackageReader = _Folder | _Zip  # what open_package gives


def open_package(path: Path) -> PackageReader:
    """A package folder or ZIP to read files from (`files()`, `open(rel)`); close it after."""
    return _Folder(path) if path.is_dir() else _Zip(path)


def verify_package(path: Path, trust=()) -> PackageCheck:
    path = Path(path)
    if not path.exists():
        raise InputError(str(path), msg("package.no_such"))
    pkg = open_package(path)
    try:
        return check_open(pkg, PackageCheck(str(path)), trust)
    finally:
        pkg.close()


def check_open(pkg, report: PackageCheck, trust) -> PackageCheck:
    """Every check of `verify --package` on an open package; problems go into `report`."""
    files = pkg.files()
    if "METS.xml" not in files:
        report.problems.append(msg("package.missing", file="METS.xml"))
        return report
    try:
        listed = _listed(pkg, files, report)
    except ET.ParseError as e:
        report.problems.append(msg("package.mets_unreadable", detail=str(e)))
        return report
    report.problems += [msg("package.added", file=p) for p in sorted(files - set(listed) - {"METS.xml"})]
    premis = _premis_fixity(pkg, files)
    for rel, (_size, sha) in sorted(listed.items()):
        if rel in premis and premis[rel] != sha:
            report.problems.append(msg("package.mets_edited", file=rel))
    report.problems += [msg("package.mets_removed", file=rel) for rel in sorted(set(premis) - set(listed))]
    _check_signatures(pkg, files, listed, report, trust)
    return report


def _listed(pkg, files: set[str], report: PackageCheck) -> dict[str, tuple[int, str]]:
    """Every file the root and representation METS list, checked against its bytes."""
    listed: dict[str, tuple[int, str]] = {}
    todo = ["METS.xml"]
    while todo:
        mets_rel = todo.pop(0)
        for rel, size, sha in _entries(pkg, mets_rel):
            listed[rel] = (size, sha)
            if rel not in files:
                report.problems.append(msg("package.missing", file=rel))
                continue
            real_size, real_sha = _digest(pkg, rel)
            report.files_checked += 1
            if real_sha != sha or real_size != size:
                report.problems.append(msg("package.changed", file=rel, real=real_sha[:12], listed=sha[:12]))
            elif rel.startswith("representations/") and rel.endswith("/METS.xml"):
                todo.append(rel)
    return listed


def _check_signatures(pkg, files: set[str], listed: dict, report: PackageCheck, trust) -> None:
    # lazy: pyHanko is slow to import and every command imports this module
    from digitize.verify.files import verify_file

    quiet_validation_logs()
    for rel in sorted(r for r in listed if r.lower().endswith(".pdf") and r in files):
        with pkg.open(rel) as f:
            if b"/ByteRange" not in f.read() and "/rep1/" not in rel:
                continue  # an unsigned original: nothing to verify
        verdict = verify_file(pkg.local(rel), trust, pdfa=False)
        for s in verdict.signatures:
            report.signatures.append({"file": rel, **{k: s.as_json()[k] for k in (
                "signer", "intact", "trusted", "covers_whole_file", "modified_after_signing", "signing_time",
                "verdict", "cert_sha256", "kind")}})
            if not s.intact or s.modified_after_signing:
                report.problems.append(msg("package.signature_broken", file=rel, signer=s.signer,
                                           detail="; ".join(s.reasons) or "not intact"))
        if not verdict.signatures:
            report.problems.append(msg("package.signature_missing", file=rel))
