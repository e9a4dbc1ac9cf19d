"""Fault injection for the crash tests, off unless its environment variables are set.

A test stops a run at an exact point, not after a guessed delay: the process that reaches the
point claims the marker file DIGITIZE_FAULT_MARKER (created exclusively, so the fault fires once
across processes and runs), writes there what it did, and sends SIGKILL. The store write path has
one such point: DIGITIZE_FAULT_KILL_COORDINATOR_AFTER_STORED=N kills the storing process (the
coordinator) right after the catalog transaction of the Nth document it stored. Points inside OCR
are set by the tests' own engine (tests/support/faults.py) through `kill_once`.
"""
from __future__ import annotations

import json
import os
import signal

from digitize.settings import fault_kill_after_stored, fault_marker

# the variables, for the tests that set them (read through digitize.settings)
MARKER = "DIGITIZE_FAULT_MARKER"
AFTER_STORED = "DIGITIZE_FAULT_KILL_COORDINATOR_AFTER_STORED"

_stored_here = 0  # documents this process created in the store


def kill_once(fault: str, victim: int, **details) -> bool:
    """SIGKILL `victim` unless the marker is already claimed; False when it was (or no marker set)."""
    marker = fault_marker()
    if not marker:
        return False
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"fault": fault, "killed": victim, "by": os.getpid(), **details}, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.kill(victim, signal.SIGKILL)
    return True


def after_stored() -> None:
    """Called by the store after each new document's catalog transaction."""
    global _stored_here
    limit = fault_kill_after_stored()
    if limit is None:
        return
    _stored_here += 1
    if _stored_here == limit:
        kill_once("kill_coordinator_after_stored", os.getpid(), stored=_stored_here)
