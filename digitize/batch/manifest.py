"""Batch sources: a manifest (CSV or XLSX, one row per dossier) or a folder of dossier folders.

Rows are read one at a time (csv reader / openpyxl read-only mode) so a manifest of tens of
thousands of dossiers never sits in memory. A bad row becomes a RowProblem naming its row number
and the reason; the rest of the manifest still runs. Paths are relative to the manifest's folder
(the archive root) and may not escape it, symlinks included.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from digitize.errors import DigitizeError, UsageError
from digitize.intake.folders import archive_children, dossiers_in, folder_scans
from digitize.model import DocumentInput
from digitize.stages.ingest import IMAGE_SUFFIXES
from digitize.vn.text import bad_character

# canonical column -> accepted header spellings (compared after folding, see _norm_header)
ALIASES = {
    "dossier_code": ("dossier_code", "ma_ho_so", "so_ho_so", "dossier"),
    "procedure_code": ("procedure_code", "ma_tthc", "ma_thu_tuc"),
    "path": ("path", "duong_dan", "files", "tep"),
    "issued_on": ("issued_on", "ngay_cap", "ngay_ban_hanh"),
    "valid_until": ("valid_until", "hieu_luc_den", "ngay_het_han"),
    "profile": ("profile", "loai_giay_to", "doc_type"),
}
_BY_ALIAS = {alias: canon for canon, names in ALIASES.items() for alias in names}


@dataclass(frozen=True)
class DossierEntry:
    """One dossier to process. `dated` is True when the manifest states validity (a `valid_until`
    column, where empty means permanent); otherwise validity comes from extracted fields."""

    row: int  # manifest row number (header = 1); 0 for a folder source
    code: str
    files: tuple[str, ...]  # absolute paths, one document each, in order
    procedure_code: str = ""
    issued_on: date | None = None
    valid_until: date | None = None
    dated: bool = False
    profile: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    def document_metadata(self) -> dict[str, str]:
        meta = dict(self.metadata)
        if self.procedure_code:
            meta["procedure_code"] = self.procedure_code
        if self.issued_on:
            meta["issued_on"] = self.issued_on.isoformat()
        if self.dated:
            meta["valid_until"] = self.valid_until.isoformat() if self.valid_until else ""
        return meta

    def documents(self) -> list[DocumentInput]:
        """One document per file, numbered in order (the ordinal names the exported file)."""
        meta = self.document_metadata()
        return [DocumentInput(f, self.code, i, meta) for i, f in enumerate(self.files, 1)]


@dataclass(frozen=True)
class RowProblem:
    row: int
    code: str
    reason: str


Item = DossierEntry | RowProblem


def parse_date(text: object) -> date | None:
    """ISO (2024-03-31) or Vietnamese dd/mm/yyyy (31/03/2024, also with - or .); XLSX date cells."""
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    s = str(text).strip()
    if not s:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", s)
        if not m:
            raise ValueError(f"unparseable date {s!r} (use YYYY-MM-DD or dd/mm/yyyy)")
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"impossible date {s!r}") from None


def _norm_header(text: object) -> str:
    s = unicodedata.normalize("NFD", str(text or "").strip().lower()).replace("đ", "d")
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(path: Path) -> Iterator[list[object]]:
    """Raw rows of a CSV (UTF-8 with or without BOM; , ; or tab) or XLSX (first sheet)."""
    head = path.open("rb").read(4)
    if head.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook  # lazy: 0.15 s to import, needed for XLSX manifests only

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many types for a damaged workbook
            raise UsageError(str(path), f"unreadable XLSX: {e}") from None
        try:
            for row in wb.worksheets[0].iter_rows(values_only=True):
                yield list(row)
        finally:
            wb.close()
        return
    with path.open(encoding="utf-8-sig", newline="") as f:
        sample = f.read(8192)
        f.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        yield from csv.reader(f, dialect)


def count_dossiers(source: Path) -> int | None:
    """Rows (or dossier folders) in a source, for the progress bar; None when unknown."""
    try:
        if source.is_dir():
            return sum(1 for _ in archive_children(source))
        return max(0, sum(1 for r in _rows(source) if any(_cell(c) for c in r)) - 1)
    except (OSError, UnicodeDecodeError, DigitizeError):
        return None


def read_source(source: Path) -> Iterator[Item]:
    """A manifest file or a folder of dossier folders, one item at a time."""
    if source.is_dir():
        return read_folder(source)
    if not source.is_file():
        raise UsageError(str(source), "no such manifest file or folder")
    return read_manifest(source)


def read_manifest(path: Path) -> Iterator[Item]:
    root = path.resolve().parent
    try:
        rows = _rows(path)
        header = next(rows, None)
    except UnicodeDecodeError:
        raise UsageError(str(path), "not UTF-8 text (save the manifest as CSV UTF-8 or XLSX)") from None
    if header is None:
        raise UsageError(str(path), "empty manifest")
    names = [_norm_header(h) for h in header]
    canon = [_BY_ALIAS.get(n, n) for n in names]
    for need in ("dossier_code", "path"):
        if need not in canon:
            raise UsageError(str(path), f"no {need} column (aliases: {', '.join(ALIASES[need])})")
    dated = "valid_until" in canon
    seen: set[str] = set()
    return _manifest_items(rows, header, canon, root, dated, seen)


def _manifest_items(rows, header, canon, root: Path, dated: bool, seen: set[str]) -> Iterator[Item]:
    for row_no, raw in enumerate(rows, start=2):
        cells = [_cell(c) if not isinstance(c, (date, datetime)) else c for c in raw]
        if not any(_cell(c) for c in cells):
            continue  # blank line
        values: dict[str, object] = {}
        metadata: dict[str, str] = {}
        for i, col in enumerate(canon):
            value = cells[i] if i < len(cells) else ""
            if col in ALIASES:
                values[col] = value
            elif col and _cell(value):
                metadata[str(header[i]).strip()] = _cell(value)
        code = _cell(values.get("dossier_code"))
        try:
            if not code:
                raise ValueError("empty dossier_code")
            problem = bad_character(code, allowed="")
            if problem:
                code = repr(code)[1:-1]  # reported as escapes, never as the raw characters
                raise ValueError(f"dossier_code has {problem}")
            if code in seen:
                raise ValueError(f"duplicate dossier code {code}")
            issued = parse_date(values.get("issued_on"))
            until = parse_date(values.get("valid_until"))
            if issued and until and until < issued:
                raise ValueError(f"valid_until {until} is before issued_on {issued}")
            files = resolve_paths(_cell(values.get("path")), root)
        except ValueError as e:
            yield RowProblem(row_no, code, str(e))
            continue
        seen.add(code)
        yield DossierEntry(row_no, code, files, _cell(values.get("procedure_code")), issued, until, dated,
                           _cell(values.get("profile")) or None, metadata)


def resolve_paths(spec: str, root: Path) -> tuple[str, ...]:
    """`a.jpg;b.pdf` or a folder, relative to the archive root, inside it."""
    if not spec:
        raise ValueError("empty path")
    files: list[str] = []
    for part in (p.strip() for p in spec.split(";")):
        if not part:
            continue
        target = (root / part).resolve()
        if not target.is_relative_to(root):
            raise ValueError(f"path {part!r} leads outside the archive root {root}")
        if target.is_dir():
            found = folder_scans(target)
            if not found:
                raise ValueError(f"folder {part!r} has no scans ({', '.join(sorted(IMAGE_SUFFIXES))})")
            files += found
        elif target.is_file():
            files.append(str(target))
        else:
            raise ValueError(f"missing file {part!r}")
    if not files:
        raise ValueError("empty path")
    return tuple(files)


def read_folder(folder: Path) -> Iterator[Item]:
    """An archive folder (digitize.intake.folders): each sub-folder a dossier, each loose scan a dossier."""
    for dossier in dossiers_in(folder):
        problem = bad_character(dossier.code, allowed="")
        if problem:
            yield RowProblem(0, repr(dossier.code)[1:-1], f"{repr(str(dossier.folder))[1:-1]}: name has {problem}")
        elif not dossier.files:
            yield RowProblem(0, dossier.code, f"{dossier.folder}: folder has no scans")
        else:
            yield DossierEntry(0, dossier.code, dossier.files)
