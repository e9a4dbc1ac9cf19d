"""The `digitize` CLI as users run it: in-process (typer's CliRunner on digitize.cli.app:app, fast,
for commands that start no pool) and as a subprocess (`python -m digitize.cli.app`, for runs with
worker processes, kills and exit codes)."""
from __future__ import annotations

import os
import subprocess
import sys

from support.paths import REPO, TESTS

DIGITIZE = [sys.executable, "-m", "digitize.cli.app"]
# tests/ on the path so that subprocesses (and their workers) can load support.faults' engine
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1", "COLUMNS": "200",
       "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}


def digitize(*args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
    """Run the CLI in a subprocess; `env` adds variables to the test environment."""
    return subprocess.run(DIGITIZE + list(args), capture_output=True, text=True, timeout=timeout,
                          env={**ENV, **env}, cwd=REPO)


def popen(*args: str, capture: bool = True, **env: str) -> subprocess.Popen:
    """Start the CLI; without `capture` its output is discarded, so that processes it leaves behind
    cannot keep the test waiting on a pipe."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    return subprocess.Popen(DIGITIZE + list(args), stdout=out, stderr=out, text=True, env={**ENV, **env}, cwd=REPO)


def invoke(*args: str, **env: str):
    """Run the CLI in this process; returns typer's Result (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from digitize.cli.app import app

    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **env}, catch_exceptions=False)
