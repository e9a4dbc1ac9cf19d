"""The one wrapper around the qpdf command line: structural checks of PDF files."""
from __future__ import annotations

import os

from digitize.tools import on_file
from digitize.tools import run as tools_run

# Lines qpdf always prints; they say nothing about the file.
_BOILERPLATE = (
    "checking ", "PDF Version:", "File is not encrypted", "File is not linearized",
    "No syntax or stream encoding errors found", "errors that qpdf cannot detect",
    "R = ", "P = ", "User password", "Supplied password", "extract for",
)
_TIMEOUT_S = 120


QPDF_MINIMUM = (10, 0)  # --check's messages as parsed here


def qpdf_version() -> str:
    return tools_run.version("qpdf", "qpdf", QPDF_MINIMUM, pattern=r"qpdf version (\S+)")


def qpdf_check(pdf: str | os.PathLike | bytes) -> tuple[bool, tuple[str, ...]]:
    """`qpdf --check`: (True, ()) when qpdf finds no syntax, xref or stream errors and no warnings;
    otherwise False and qpdf's messages (the file name removed, one message per line)."""
    return on_file(pdf, _check)


def _check(path: str, label: str) -> tuple[bool, tuple[str, ...]]:
    qpdf_version()
    proc = tools_run.run("qpdf", "qpdf", ["--check", "--", path], label=label, timeout=_TIMEOUT_S)
    lines = (proc.stdout + "\n" + proc.stderr).replace(path, label).splitlines()
    messages = tuple(ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith(_BOILERPLATE))
    # Exit status: 0 clean, 2 errors, 3 warnings only.
    return proc.returncode == 0 and not messages, messages
