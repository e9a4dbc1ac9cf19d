"""The results store: content-addressed signed PDFs plus a catalog (sqlite in the store folder, or
PostgreSQL with objects on a shared path), behind the `Store` protocol; the store lock.

Writing is atomic per document: the object first, then one catalog transaction; nothing stored is
ever overwritten. `open_store` is the one way in.
"""
from __future__ import annotations

import os
from pathlib import Path

from digitize.errors import StoreError
from digitize.settings import DEFAULT_STORE, objects_location, store_location
from digitize.store.catalog import SqliteCatalog
from digitize.store.catalog_store import CatalogStore
from digitize.store.postgres import open_postgres_catalog
from digitize.store.protocol import Store

__all__ = ["DEFAULT_STORE", "Store", "open_store", "store_root"]


def _is_url(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def store_root(location: str | os.PathLike | None = None, objects: str | None = None) -> Path:
    """The folder the store keeps its files in (objects, originals, keys), without opening it."""
    location = store_location(location)
    return Path(objects_location(objects) if _is_url(location) else location).absolute()


def open_store(location: str | os.PathLike | None = None, objects: str | None = None) -> Store:
    """`location`: a folder (sqlite catalog inside), or a postgresql:// URL with `objects` (or
    env DIGITIZE_OBJECTS) naming the shared folder for objects and keys."""
    location = store_location(location)
    if _is_url(location):
        root = _folder(objects_location(objects))
        return CatalogStore(root, lambda object_path: open_postgres_catalog(location, object_path))
    root = _folder(location)
    return CatalogStore(root, lambda object_path: SqliteCatalog(root / "catalog.sqlite", object_path))


def _folder(location: str) -> Path:
    root = Path(location).resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(str(root), f"cannot create the store folder: {e.strerror or e}") from None
    return root
