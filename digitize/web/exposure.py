"""No server path leaves the station: every JSON answer under /api passes through `Scrubber` (from
digitize.web.guard) before it is sent. The catalog and the pipeline speak in absolute paths (a
record's source scan, its PDF object, a file named in an error); a user needs names and ids only.

- `source`, `file`, `path` holding an absolute path become the file's name (`giay_khai_sinh_1.jpg`);
- `pdf` of a document becomes the API address it is downloaded from;
- anything else that mentions the store's folder (an error message) has each such path replaced by
  the file's name, so `<store>/originals/70/7024….jpg: truncated image` reads `7024….jpg: truncated image`.
"""
from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any

PATH_KEYS = ("source", "file", "path")


class Scrubber:
    def __init__(self, roots: list[str]):
        roots = sorted({r.rstrip("/") for r in roots if r and r != "/"}, key=len, reverse=True)
        self._roots = [r.encode() for r in roots]
        self._in_text = re.compile("(?:" + "|".join(re.escape(r) for r in roots) + r")(/[^\s\"',;:)]*)?") \
            if roots else None

    def body(self, data: bytes) -> bytes:
        """The JSON answer without server paths (unchanged bytes when it has none)."""
        if b'":"/' not in data and b'": "/' not in data and not any(r in data for r in self._roots):
            return data
        try:
            value = json.loads(data)
        except ValueError:
            return data
        return json.dumps(self.value(value), ensure_ascii=False, separators=(",", ":")).encode()

    def value(self, value: Any, key: str = "", owner: dict | None = None) -> Any:
        if isinstance(value, dict):
            return {k: self.value(v, k, value) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, key, owner) for v in value]
        if not isinstance(value, str):
            return value
        if key == "pdf" and value.startswith("/") and owner is not None and isinstance(owner.get("id"), str):
            return f"/api/documents/{owner['id']}/pdf"
        if key in PATH_KEYS + ("pdf",) and value.startswith("/"):
            return PurePosixPath(value).name
        if self._in_text is not None:
            return self._in_text.sub(lambda m: PurePosixPath(m.group(0)).name, value)
        return value
