"""One batch or watcher per local store at a time. While the lock is held, temp files left in
objects/ by a killed run are removed; a shared (PostgreSQL) store has no lock file and only temp
files older than an hour are removed, as other coordinators may be writing theirs.

A running review station holds `.station.lock` (shared), so `verify --store` can tell jobs a
station is working on from jobs nobody will finish until one starts again."""
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


STATION_LOCK = ".station.lock"


class StationLock:
    """Held (shared: several stations may serve one PostgreSQL store) while a station runs."""

    def __init__(self, store: Store):
        self.store = store
        self._fd: int | None = None

    def __enter__(self) -> "StationLock":
        self._fd = os.open(self.store.root / STATION_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def station_running(store: Store) -> bool:
    """Whether a review station (on this machine) holds the store's station lock now."""
    path = store.root / STATION_LOCK
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def sweep_uploads(uploads: Path, max_age: float = 0) -> int:
    """Partial uploads (`.upload-*`) a stopped server left: never answered, so nobody waits for them."""
    return _sweep(uploads.glob(".upload-*") if uploads.is_dir() else (), max_age)


def sweep_temp_objects(objects: Path, max_age: float = 0) -> int:
    return _sweep(objects.glob("*/.tmp-*") if objects.is_dir() else (), max_age)


def _sweep(paths, max_age: float) -> int:
    removed = 0
    now = time.time()
    for tmp in paths:
        try:
            if now - tmp.stat().st_mtime >= max_age:
                tmp.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed
