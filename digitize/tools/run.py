"""The one way the wrappers run an external program: the program found on PATH (or one line naming its Debian
package), a timeout that becomes an InputError naming the file being worked on, and the program's version
read and checked the first time it is used."""
from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from functools import lru_cache

from digitize.errors import InputError, MissingDependency
from digitize.tools import require


def one_thread() -> None:
    """Tesseract's OpenMP threads make it several times slower on small machines; pages run in parallel
    processes instead. Called before libtesseract loads or the CLI starts (the CLI inherits the environment)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def run(program: str, package: str, args: Sequence[str], *, label: str,
        timeout: float) -> subprocess.CompletedProcess[str]:
    """`program args…` with its output captured as text. The exit status is the caller's to judge; a timeout is
    an InputError about `label` (the file), a program that cannot start a MissingDependency."""
    exe = require(program, package)
    try:
        return subprocess.run([exe, *args], capture_output=True, timeout=timeout, check=False, text=True,
                              errors="replace")
    except subprocess.TimeoutExpired:
        raise InputError(label, f"{program} took longer than {timeout:g} s") from None
    except OSError as e:
        raise MissingDependency(program, f"{program} cannot be started ({e.strerror or type(e).__name__})") from None


@lru_cache(maxsize=None)
def version(program: str, package: str, minimum: tuple[int, ...], args: tuple[str, ...] = ("--version",),
            pattern: str = r"(\d+(?:\.\d+)+)") -> str:
    """The program's version, checked against `minimum` once per process (at first use, not at import)."""
    proc = run(program, package, args, label=program, timeout=60)
    out = proc.stdout + proc.stderr
    found = re.search(pattern, out)
    if not found:
        raise MissingDependency(program, f"cannot tell the version of {program} from {out.strip()[:80]!r}")
    parts = tuple(int(p) for p in re.findall(r"\d+", found.group(1)))
    if parts < minimum:
        raise MissingDependency(program, f"{program} {found.group(1)} is too old: {'.'.join(map(str, minimum))} "
                                f"or later is needed (Debian package {package})")
    return found.group(1)
