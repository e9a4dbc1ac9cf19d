"""One wrapper module per external program: it owns the command line, the version check and the
translation of failures into DigitizeError. Nothing else in the project runs these programs."""
from __future__ import annotations

import shutil

from digitize.model import DigitizeError


def require(program: str, debian_package: str) -> str:
    """The program's path, or one line saying which Debian package provides it."""
    exe = shutil.which(program)
    if not exe:
        raise DigitizeError(program, f"{program} is not installed (Debian package {debian_package})")
    return exe
