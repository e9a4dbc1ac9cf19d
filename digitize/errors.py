"""The error tree and the exit codes that follow from it. No third-party imports: every layer may use it.

Every error the user sees is one line, `error: <where>: <reason>`. The kind of failure decides the exit code:
a bad document fails only that document (the run exits 1 when some failed), a bad command line or setting
exits 2, a missing program 3, a store that cannot be opened, locked or written 4, a signer that cannot sign 5,
a service out of reach 6, a change the record refuses (stale revision, wrong status, approval incomplete) 7,
and a bug 70 (its traceback is kept for `--debug`).
"""
from __future__ import annotations

import enum
import traceback


class ExitCode(enum.IntEnum):
    OK = 0
    SOME_FAILED = 1  # some documents (or files, for verify) failed or were not valid; the rest went on
    USAGE = 2  # bad arguments, options, settings or profiles
    MISSING_DEPENDENCY = 3  # an external program or optional package is not installed
    STORE = 4  # the store cannot be opened, is locked by another run, or refused a write
    SIGNING = 5  # the signer cannot be opened or refused to sign
    UNAVAILABLE = 6  # a service the command needs (a Dask scheduler, a TSA) cannot be reached
    CONFLICT = 7  # the record refuses the change: stale revision, wrong status, approval incomplete
    INTERNAL = 70  # a bug: the traceback is shown with --debug
    INTERRUPTED = 130  # Ctrl-C: what was stored stays stored, the rest is done by the next run

    @classmethod
    def of(cls, failed: bool) -> ExitCode:
        """The exit status of a command over many items: 1 if any failed (the rest went on), else 0."""
        return cls.SOME_FAILED if failed else cls.OK


class DigitizeError(Exception):
    """A problem reported to the user as one line: `error: <where>: <reason>`."""

    exit_code = ExitCode.SOME_FAILED

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason

    def __reduce__(self):  # crosses process boundaries intact (default pickling passes one arg)
        return (type(self), (self.where, self.reason))


class InputError(DigitizeError):
    """One document (file, page) cannot be processed; the rest of the run goes on."""


class UsageError(DigitizeError):
    """The command line, a setting or a profile is wrong."""

    exit_code = ExitCode.USAGE


class MissingDependency(DigitizeError):
    """An external program or optional package is not installed; the reason names the package."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class StoreError(DigitizeError):
    """The store cannot be opened, is held by another run, or refused a write."""

    exit_code = ExitCode.STORE


class ConflictError(DigitizeError):
    """The record refuses the change as it stands: made on a stale revision, not allowed in its status, or
    (approval) fields still unchecked. Nothing is wrong with the store."""

    exit_code = ExitCode.CONFLICT


class SigningError(DigitizeError):
    """The signer cannot be opened, or signing failed."""

    exit_code = ExitCode.SIGNING


class ServiceUnavailable(DigitizeError):
    """A service the command needs (Dask scheduler, time-stamp authority) cannot be reached."""

    exit_code = ExitCode.UNAVAILABLE


class InternalError(DigitizeError):
    """A bug caught at a boundary: the one-line reason for users, the traceback kept for `--debug`."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, where: str, reason: str, trace: str = ""):
        super().__init__(where, reason)
        self.trace = trace

    def __reduce__(self):
        return (type(self), (self.where, self.reason, self.trace))

    @classmethod
    def wrap(cls, where: str, exc: BaseException) -> "InternalError":
        """The one way to turn an unexpected exception into an error line without losing its traceback."""
        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return cls(where, f"internal error: {type(exc).__name__}: {exc}", trace)
