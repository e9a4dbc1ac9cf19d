"""Assertions on a store through its Python API (open_store), as the CLI reads it, not through SQL."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pikepdf

from digitize.store import open_store


def stored(location) -> list[tuple[str, str, str]]:
    """(source, pdf sha256, dossier) of every stored document, by source; [] when no store exists yet."""
    if isinstance(location, Path) and not (location / "catalog.sqlite").exists():
        return []
    store = open_store(location)
    return sorted((r.source, r.sha256, r.dossier) for r in store.records())


def assert_store_intact(location: Path, expected_sources: set[str]) -> None:
    """Every expected source stored exactly once, each object present, whole and a PDF, no temp files."""
    store = open_store(location)
    records = list(store.records())
    sources = [r.source for r in records]
    assert len(sources) == len(set(sources)), "a document was stored twice"
    assert set(sources) == expected_sources
    for rec in records:
        pdf = store.object_path(rec.sha256)
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == rec.sha256
        with pikepdf.open(pdf) as doc:
            assert len(doc.pages) == rec.pages
    assert not list(store.objects_dir.glob("*/.tmp-*")), "temp files left in objects/"

