"""What happened to one document, and the one place where a failure becomes that document's error.

A bad input raises an `InputError` (or another `DigitizeError`) naming the file and page; anything else
is a bug or a library failure and becomes an `InternalError` that keeps its traceback for `--debug`.
Either way one document fails and the run goes on.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from digitize.errors import DigitizeError, InternalError
from digitize.messages import Message
from digitize.model import DocumentInput, Record

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    """What happened to one document: a stored record, or an error naming where and why."""

    input: DocumentInput
    record: Record | None = None
    error: str | None = None
    created: bool = False  # False when the same input + settings was already stored
    trace: str = ""  # traceback of an internal error, shown with --debug only
    message: Message | None = None  # the error's code (digitize.messages), for pages in any language

    @property
    def ok(self) -> bool:
        return self.record is not None

    @classmethod
    def failed(cls, doc_input: DocumentInput, error: DigitizeError) -> "Outcome":
        return cls(doc_input, error=str(error), trace=getattr(error, "trace", ""), message=error.message)

    def as_json(self) -> dict[str, Any]:
        if self.record is not None:
            return self.record.as_json()
        return {"source": self.input.path, "dossier": self.input.dossier, "status": "error", "error": self.error}


def contained(where: str, work: Callable[..., T], *args: Any) -> T | DigitizeError:
    """`work(*args)`, or the error it raised as a value (picklable, so workers can send it back)."""
    try:
        return work(*args)
    except DigitizeError as e:
        return e
    except Exception as e:  # a bug or a library failure on one document must not end the run
        return InternalError.wrap(where, e)
