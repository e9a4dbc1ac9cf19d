"""What a file is, by its first bytes, and its digest: light enough for every command to import."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sniff(head: bytes) -> str | None:
    """The input format from a file's first kilobyte, or None when it is none we read."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
