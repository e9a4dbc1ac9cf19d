"""One batch or watcher per local store at a time. While the lock is held, temp files left in
objects/ by a killed run are removed; a shared (PostgreSQL) store has no lock file and only temp
files older than an hour are removed, as other coordinators may be writing theirs."""
from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from digitize.errors import StoreError
from digitize.store.protocol import Store


class StoreLock:
    def __init__(self, store: Store):
        self.store = store
        self._fd: int | None = None

    def __enter__(self) -> "StoreLock":
        if not self.store.shared:
            self._fd = os.open(self.store.root / ".batch.lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(self._fd)
                self._fd = None
                raise StoreError(str(self.store.root), "another batch or watcher is using this store") from None
        sweep_temp_objects(self.store.objects_dir, max_age=3600 if self.store.shared else 0)
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock


def sweep_temp_objects(objects: Path, max_age: float = 0) -> int:
    removed = 0
    if not objects.is_dir():
        return 0
    now = time.time()
    for tmp in objects.glob("*/.tmp-*"):
        try:
            if now - tmp.stat().st_mtime >= max_age:
                tmp.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed
