"""Where a package is written: a folder or a ZIP file, file by file in chunks (a package of a thousand
PDFs never sits in memory), each file's size and SHA-256 computed as it is written."""
from __future__ import annotations

import hashlib
import os
import shutil
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from digitize.errors import StoreError

CHUNK = 1 << 20


@dataclass(frozen=True)
class Written:
    path: str  # package-relative, '/'-separated
    size: int
    sha256: str


class PackageSink:
    """Files of one package under `root_name/`; `close()` makes it appear (rename / ZIP finished)."""

    def __init__(self, out: Path, root_name: str, as_zip: bool):
        self.as_zip = as_zip
        self.root_name = root_name
        out.mkdir(parents=True, exist_ok=True)
        self.final = out / (f"{root_name}.zip" if as_zip else root_name)
        if self.final.exists():
            raise StoreError(str(self.final), "already exists; export into an empty folder")
        self._tmp = out / f".tmp-{root_name}{'.zip' if as_zip else ''}"
        if as_zip:
            self._zip = zipfile.ZipFile(self._tmp, "w", allowZip64=True)
        else:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp.mkdir()

    def _open(self, rel: str):
        if self.as_zip:
            info = zipfile.ZipInfo(f"{self.root_name}/{rel}", date_time=time.localtime()[:6])
            # PDFs and images are compressed already; XML and CSV are worth deflating
            info.compress_type = zipfile.ZIP_DEFLATED if rel.endswith((".xml", ".csv", ".xsd")) else zipfile.ZIP_STORED
            return self._zip.open(info, "w", force_zip64=True)
        target = self._tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        return open(target, "wb")

    def add_file(self, rel: str, source: Path, expect_sha256: str | None = None) -> Written:
        """Copy a stored object in; a copy whose SHA-256 is not the recorded one fails the package."""
        h, size = hashlib.sha256(), 0
        with open(source, "rb") as src, self._open(rel) as dst:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                h.update(chunk)
                size += len(chunk)
                dst.write(chunk)
        if expect_sha256 and h.hexdigest() != expect_sha256:
            raise StoreError(str(source), f"fixity check failed: sha256 {h.hexdigest()} is not the recorded {expect_sha256}")
        return Written(rel, size, h.hexdigest())

    def add_bytes(self, rel: str, data: bytes) -> Written:
        return self.add_parts(rel, (data,))

    def add_parts(self, rel: str, parts: Iterable[bytes]) -> Written:
        """A file written piece by piece as its generator makes it (large METS, PREMIS, metadata)."""
        h, size = hashlib.sha256(), 0
        with self._open(rel) as dst:
            for part in parts:
                h.update(part)
                size += len(part)
                dst.write(part)
        return Written(rel, size, h.hexdigest())

    def close(self) -> Path:
        if self.as_zip:
            self._zip.close()
        os.replace(self._tmp, self.final)
        return self.final

    def abort(self) -> None:
        if self.as_zip:
            self._zip.close()
            self._tmp.unlink(missing_ok=True)
        else:
            shutil.rmtree(self._tmp, ignore_errors=True)
