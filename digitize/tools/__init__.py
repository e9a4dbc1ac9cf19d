"""One wrapper module per external program: it owns the command line, the version check and the
translation of failures into DigitizeError. Nothing else in the project runs these programs."""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from typing import TypeVar

from digitize.errors import InputError, MissingDependency


def require(program: str, debian_package: str) -> str:
    """The program's path, or one line saying which Debian package provides it."""
    exe = shutil.which(program)
    if not exe:
        raise MissingDependency(program, f"{program} is not installed (Debian package {debian_package})")
    return exe


T = TypeVar("T")


def on_file(pdf: str | os.PathLike | bytes, run: Callable[[str, str], T]) -> T:
    """Call run(path, label) on a file path, or on PDF bytes written to a temporary file."""
    if isinstance(pdf, bytes):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(pdf)
            tmp.flush()
            return run(tmp.name, "<bytes>")
    path = os.fspath(pdf)
    if not os.path.isfile(path):
        raise InputError(path, "no such file")
    return run(path, path)
