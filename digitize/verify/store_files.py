"""The store's files against its catalog, for `verify --store`: originals no record or upload job
names (what an upload lost), PDFs no document revision names (harmless: a write that lost a race
or a run killed between object and catalog), and upload jobs nothing is finishing (pending or
running while no station runs on the store, or not moved for `stuck_after_s` while one does).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from digitize.store.lock import station_running

STUCK_AFTER_S = 600


@dataclass
class StoreFiles:
    orphan_originals: list[str] = field(default_factory=list)  # store-relative names
    unreferenced_pdfs: list[str] = field(default_factory=list)
    stuck_jobs: list[dict] = field(default_factory=list)  # id, file, dossier, status, since

    @property
    def ok(self) -> bool:
        """Unreferenced PDFs are reported but harmless; orphans and stuck jobs are not."""
        return not self.orphan_originals and not self.stuck_jobs

    def lines(self) -> list[str]:
        out = [f"orphan original: {name} (no record or upload job names it)" for name in self.orphan_originals]
        out += [f"unreferenced PDF: {name} (no document revision names it)" for name in self.unreferenced_pdfs]
        out += [f"stuck upload job: {j['id']} {j['file']!r} ({j['status']} since {j['since']})"
                for j in self.stuck_jobs]
        return out

    def as_json(self) -> dict:
        return {"orphan_originals": self.orphan_originals, "unreferenced_pdfs": self.unreferenced_pdfs,
                "stuck_jobs": self.stuck_jobs}


def _files(folder: Path, pattern: str):
    return sorted(p for p in folder.glob(pattern) if not p.name.startswith(".")) if folder.is_dir() else []


def check_store_files(store, stuck_after_s: float = STUCK_AFTER_S) -> StoreFiles:
    root = Path(store.root)
    found = StoreFiles()
    kept_by_jobs = store.jobs.kept_files()
    for path in _files(root / "originals", "*/*"):
        name = path.relative_to(root).as_posix()
        if not store.review.knows_original(path.stem) and name not in kept_by_jobs:
            found.orphan_originals.append(name)
    for path in _files(Path(store.objects_dir), "*/*.pdf"):
        if not store.review.knows_pdf(path.stem):
            found.unreferenced_pdfs.append(path.relative_to(Path(store.objects_dir).parent).as_posix())
    if station_running(store):
        before = (datetime.now(timezone.utc) - timedelta(seconds=stuck_after_s)).isoformat(timespec="seconds")
        stuck = store.jobs.stuck(before)
    else:
        stuck = store.jobs.active()  # nothing works on them until a station starts (and resumes them)
    found.stuck_jobs = [{"id": j.id, "file": j.file, "dossier": j.dossier, "status": j.status,
                         "since": j.updated_at} for j in stuck]
    return found
