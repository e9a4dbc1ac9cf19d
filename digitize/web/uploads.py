"""Receiving an upload: the multipart body streamed to temp files in the store's uploads/ folder,
a chunk at a time (never a whole file in memory), within a size limit and a limit on files per
request. A body announced larger than the limit is refused before a byte of it is read; one that
turns out larger is cut off there and what was written is removed.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from digitize.messages import Message, msg

if TYPE_CHECKING:  # the callbacks' TypedDict exists only for type checkers
    from python_multipart.multipart import MultipartCallbacks

MIB = 1024 * 1024
CHUNK = MIB  # bytes handed to the parser (and written) at a time
MAX_FIELD = 64 * 1024  # a form field that is not a file (dossier code, profile)


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = 200 * MIB  # the whole request body
    max_files: int = 20


class UploadRefused(Exception):
    """`status` 413 (too large, too many files) or 422 (not a multipart form), `reason` one line."""

    def __init__(self, status: int, code: str, reason: Message):
        super().__init__(str(reason))
        self.status, self.code, self.reason, self.message = status, code, str(reason), reason


def size_text(n: int) -> str:
    return f"{n / MIB:.1f} MiB" if n % MIB else f"{n // MIB} MiB"


def too_large(size: int, limits: UploadLimits, at_least: bool = False) -> UploadRefused:
    code = "upload.too_large_at_least" if at_least else "upload.too_large"
    return UploadRefused(413, "too_large", msg(code, size=size_text(size), limit=size_text(limits.max_bytes)))


@dataclass
class Received:
    files: list[tuple[str, Path]] = field(default_factory=list)  # (name the user gave, temp file)
    fields: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        for _, path in self.files:
            path.unlink(missing_ok=True)
        self.files.clear()


class _Parts:
    """The parser's callbacks: file parts go to temp files, other parts to small strings."""

    def __init__(self, staging: Path, limits: UploadLimits, received: Received):
        self.staging, self.limits, self.received = staging, limits, received
        self.header_name, self.header_value = b"", b""
        self.disposition = b""
        self.out: IO[bytes] | None = None  # the open temp file of the current file part
        self.value = bytearray()

    def callbacks(self) -> MultipartCallbacks:
        return {"on_part_begin": self._begin, "on_header_field": self._header_field,
                "on_header_value": self._header_value, "on_header_end": self._header_end,
                "on_headers_finished": self._headers_done, "on_part_data": self._data, "on_part_end": self._end}

    def _begin(self) -> None:
        self.disposition, self.value = b"", bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def _header_end(self) -> None:
        if self.header_name.lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name, self.header_value = b"", b""

    def _headers_done(self) -> None:
        _, params = parse_options_header(self.disposition)
        self.name = params.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in params:
            return
        if len(self.received.files) >= self.limits.max_files:
            raise UploadRefused(413, "too_many_files", msg("upload.too_many_files", limit=self.limits.max_files))
        fd, tmp = tempfile.mkstemp(dir=self.staging, prefix=".upload-")
        self.out = os.fdopen(fd, "wb")
        self.received.files.append((params[b"filename"].decode("utf-8", "replace"), Path(tmp)))

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self.out is not None:
            self.out.write(data[start:end])
            return
        self.value += data[start:end]
        if len(self.value) > MAX_FIELD:
            raise UploadRefused(413, "too_large", msg("upload.field_too_large", field=self.name[:40], limit=MAX_FIELD))

    def _end(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
        elif self.name:
            self.received.fields[self.name] = self.value.decode("utf-8", "replace")

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None


async def receive(request: Request, staging: Path, limits: UploadLimits) -> Received:
    """The files and fields of a multipart upload; UploadRefused (nothing kept) when it is refused."""
    announced = request.headers.get("content-length")
    if announced and announced.isdigit() and int(announced) > limits.max_bytes:
        raise too_large(int(announced), limits)
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRefused(422, "bad_input", msg("upload.not_multipart"))
    staging.mkdir(parents=True, exist_ok=True)
    received = Received()
    parts = _Parts(staging, limits, received)
    parser = MultipartParser(params[b"boundary"], parts.callbacks())
    size, pending = 0, bytearray()
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limits.max_bytes:
                raise too_large(size, limits, at_least=True)
            pending += chunk
            if len(pending) >= CHUNK:  # parsed and written off the event loop, a chunk at a time
                await run_in_threadpool(parser.write, bytes(pending))
                pending.clear()
        await run_in_threadpool(parser.write, bytes(pending))
        parser.finalize()
    except FormParserError:
        parts.close()
        received.discard()
        raise UploadRefused(422, "bad_input", msg("upload.bad_multipart")) from None
    except BaseException:
        parts.close()
        received.discard()
        raise
    return received
