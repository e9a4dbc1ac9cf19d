"""The one wrapper around the qpdf command line: structural checks of PDF files."""
from __future__ import annotations

import os
import re
import subprocess
from functools import lru_cache

from digitize.errors import InputError, MissingDependency
from digitize.tools import on_file, require

# Lines qpdf always prints; they say nothing about the file.
_BOILERPLATE = (
    "checking ", "PDF Version:", "File is not encrypted", "File is not linearized",
    "No syntax or stream encoding errors found", "errors that qpdf cannot detect",
    "R = ", "P = ", "User password", "Supplied password", "extract for",
)
_TIMEOUT_S = 120


def _qpdf() -> str:
    return require("qpdf", "qpdf")


@lru_cache(maxsize=1)
def qpdf_version() -> str:
    out = subprocess.run([_qpdf(), "--version"], capture_output=True, text=True, timeout=30).stdout
    m = re.search(r"qpdf version (\S+)", out)
    if not m:
        raise MissingDependency("qpdf", f"unexpected --version output: {out[:80]!r}")
    return m.group(1)


def qpdf_check(pdf: str | os.PathLike | bytes) -> tuple[bool, tuple[str, ...]]:
    """`qpdf --check`: (True, ()) when qpdf finds no syntax, xref or stream errors and no warnings;
    otherwise False and qpdf's messages (the file name removed, one message per line)."""
    return on_file(pdf, _check)


def _check(path: str, label: str) -> tuple[bool, tuple[str, ...]]:
    try:
        proc = subprocess.run([_qpdf(), "--check", "--", path], capture_output=True, text=True,
                              errors="replace", timeout=_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise InputError(label, f"qpdf --check took longer than {_TIMEOUT_S} s") from None
    lines = (proc.stdout + "\n" + proc.stderr).replace(path, label).splitlines()
    messages = tuple(ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith(_BOILERPLATE))
    # Exit status: 0 clean, 2 errors, 3 warnings only.
    return proc.returncode == 0 and not messages, messages
