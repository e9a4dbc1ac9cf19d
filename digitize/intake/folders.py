"""The one folder scanner: how folders become dossiers and files become documents, with one set of
rules for `run`, `batch` and `watch`.

- The scans of a folder are its files with a scan suffix (.jpg .jpeg .png .tif .tiff .pdf), in name
  order. Hidden files (a leading dot) are not scans, nor is a symlink that leads out of the folder.
- A folder with sub-folders is an archive: each visible sub-folder is a dossier named after it, and
  each loose scan beside them a dossier of one document named after the file (`done/` and `failed/`,
  the hot folder's outboxes, are not dossiers).
- A folder without sub-folders is one dossier, named after the folder, of its scans.
- A file given by name is a dossier of one document, named after the file.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from digitize.model import DocumentInput
from digitize.stages.ingest import IMAGE_SUFFIXES

OUTBOXES = ("done", "failed")  # the hot folder moves taken entries here


@dataclass(frozen=True)
class FolderDossier:
    code: str
    files: tuple[str, ...]  # absolute paths, in name order
    folder: Path | None = None  # the dossier's folder (None for a loose scan)

    def documents(self, metadata: dict[str, str] | None = None) -> list[DocumentInput]:
        return [DocumentInput(f, self.code, i, dict(metadata or {})) for i, f in enumerate(self.files, 1)]


def _visible(p: Path) -> bool:
    return not p.name.startswith(".")


def is_scan(p: Path) -> bool:
    return p.suffix.lower() in IMAGE_SUFFIXES and _visible(p) and p.is_file()


def folder_scans(folder: Path) -> tuple[str, ...]:
    """The scans of one folder as absolute paths, in name order."""
    root = folder.resolve()
    out = []
    for p in sorted(folder.iterdir()):
        if is_scan(p):
            real = p.resolve()
            if real.is_relative_to(root):  # a symlink out of the folder is not a scan of it
                out.append(str(real))
    return tuple(out)


def archive_children(folder: Path) -> Iterator[Path]:
    """An archive's entries: visible sub-folders (outboxes aside) and loose scans, in name order."""
    root = folder.resolve()
    for p in sorted(folder.iterdir()):
        if not _visible(p) or p.name in OUTBOXES:
            continue
        if p.is_dir() or (is_scan(p) and p.resolve().is_relative_to(root)):
            yield p


def is_archive(folder: Path) -> bool:
    return any(p.is_dir() for p in archive_children(folder))


def dossiers_in(archive: Path) -> Iterator[FolderDossier]:
    """The dossiers of an archive; a sub-folder without scans comes with no files (the caller says so)."""
    for child in archive_children(archive):
        if child.is_dir():
            yield FolderDossier(child.name, folder_scans(child), child)
        else:
            yield FolderDossier(child.stem, (str(child.resolve()),))


def dossiers_of(path: Path) -> list[FolderDossier]:
    """What one path given to `run` or found by `watch` holds (see the module's rules)."""
    if path.is_dir():
        if is_archive(path):
            return list(dossiers_in(path))
        return [FolderDossier(path.resolve().name, folder_scans(path), path)]
    return [FolderDossier(path.stem, (str(path.resolve()) if path.exists() else str(path),))]


def expand_inputs(inputs: list[str]) -> list[DocumentInput]:
    """The documents of the files and folders given, dossier by dossier."""
    return [doc for raw in inputs for dossier in dossiers_of(Path(raw)) for doc in dossier.documents()]
