"""The intake hot folder: a scanner writes dossiers (sub-folders) or single files into a folder;
once an entry has stopped changing for the settle time it is processed and its originals are moved
to done/ or failed/ (with `<name>.error.txt` beside them).

Restart-safe without a separate journal: an entry stays in the inbox until its documents are
stored, and storing is idempotent (same source checksum + settings = no-op), so an entry
interrupted anywhere is simply taken again and nothing is stored twice. The move is one rename.
Each outcome is also written to the store's event log (`intake`).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from digitize.intake.folders import OUTBOXES, archive_children, expand_inputs
from digitize.model import DocumentInput
from digitize.pipeline.context import RunContext
from digitize.pipeline.scheduler import run_groups
from digitize.store.lock import StoreLock

DONE, FAILED = OUTBOXES


@dataclass(frozen=True)
class IntakeResult:
    name: str
    status: str  # done | failed
    moved_to: str
    ids: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    def line(self) -> str:
        if self.status == DONE:
            return f"done {self.name}: {len(self.ids)} document(s) stored → {self.moved_to}"
        return f"failed {self.name}: {self.errors[0] if self.errors else 'unknown error'} → {self.moved_to}"

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "moved_to": self.moved_to, "ids": list(self.ids),
                "errors": list(self.errors)}


@dataclass(frozen=True)
class _Look:
    files: int
    size: int
    mtime: float


def look(entry: Path) -> _Look:
    """Count, total size and newest change time of an entry (a folder's own mtime included, so a
    file just created in it counts as a change)."""
    st = entry.stat()
    if entry.is_file():
        return _Look(1, st.st_size, st.st_mtime)
    files, size, mtime = 0, 0, st.st_mtime
    for dirpath, _dirs, names in os.walk(entry):
        mtime = max(mtime, os.stat(dirpath).st_mtime)
        for n in names:
            try:
                s = os.stat(os.path.join(dirpath, n))
            except FileNotFoundError:
                continue
            files, size, mtime = files + 1, size + s.st_size, max(mtime, s.st_mtime)
    return _Look(files, size, mtime)


@dataclass
class Watcher:
    folder: Path
    ctx: RunContext
    settle: float = 10.0
    _seen: dict[str, _Look] = field(default_factory=dict)

    def entries(self) -> list[Path]:
        """What a scanner left in the inbox: dossier folders and loose scans (digitize.intake.folders)."""
        return list(archive_children(self.folder))

    def settled(self, entries: list[Path], once: bool) -> list[Path]:
        """Entries unchanged for `settle` seconds; when polling, also unchanged since the last look."""
        now, ready = time.time(), []
        current = {}
        for e in entries:
            try:
                seen = look(e)
            except FileNotFoundError:
                continue
            current[e.name] = seen
            quiet = now - seen.mtime >= self.settle
            if quiet and (once or self._seen.get(e.name) == seen) and seen.files > 0:
                ready.append(e)
        self._seen = current
        return ready

    def run(self, once: bool = False, poll: float = 2.0, report: Callable[[IntakeResult], None] = print) -> int:
        """Watch until interrupted (or one pass with `once`); returns the number of entries taken."""
        taken = 0
        with StoreLock(self.ctx.store):
            while True:
                ready = self.settled(self.entries(), once)
                for result in self.process(ready):
                    taken += 1
                    report(result)
                if once:
                    return taken
                time.sleep(poll)

    def process(self, entries: list[Path]) -> Iterator[IntakeResult]:
        """Process settled entries on one worker pool, yielding one result per entry in order."""
        todo: list[tuple[Path, list[DocumentInput]]] = []
        for e in entries:
            docs = expand_inputs([str(e)])
            if not docs:
                yield self._finish(e, [], [f"{e}: folder has no scans"])
                continue
            todo.append((e, docs))
        if not todo:
            return
        for entry, outcomes in run_groups(todo, self.ctx):
            errors = [(o.error or "").splitlines()[0] for o in outcomes if not o.ok]
            yield self._finish(entry, [o.record.id for o in outcomes if o.ok and o.record is not None], errors)

    def _finish(self, entry: Path, ids: list[str], errors: list[str]) -> IntakeResult:
        status = FAILED if errors else DONE
        dest_dir = self.folder / status
        dest_dir.mkdir(exist_ok=True)
        target = dest_dir / entry.name
        if target.exists():  # a dossier of the same name came before: keep both
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            target = dest_dir / f"{entry.stem}-{stamp}{entry.suffix if entry.is_file() else ''}"
        if errors:
            note = dest_dir / f"{target.name}.error.txt"
            tmp = note.with_name("." + note.name + ".tmp")
            tmp.write_text("\n".join(errors) + "\n", encoding="utf-8")
            os.replace(tmp, note)
        os.replace(entry, target)
        rel = str(target.relative_to(self.folder))
        self.ctx.store.log("intake", None, name=entry.name, status=status, moved_to=rel, ids=ids, errors=errors)
        return IntakeResult(entry.name, status, rel, tuple(ids), tuple(errors))
