"""A fault-injecting OCR engine: the real tesseract engine (make_engine(prefer="auto")) that, when
the page it just read contains a chosen text, kills its own process (a worker dying mid-page, as
the OOM killer would) or the coordinator, once. Selected in every worker by
DIGITIZE_OCR_ENGINE=support.faults:FaultInjectingEngine (support.cli.ENV puts tests/ on the path).

    DIGITIZE_FAULT_KILL_WORKER_AT=<text>       kill the process that read a page with <text>
    DIGITIZE_FAULT_KILL_COORDINATOR_AT=<text>  kill the coordinator when a page with <text> is read
    DIGITIZE_FAULT_KILL_COORDINATOR_AFTER_STORED=N   kill it after its Nth stored document
                                                     (the store's hook, digitize/store/faults.py)
    DIGITIZE_FAULT_MARKER=<path>               claimed by the one process that fires; the test
                                               reads it (read_marker) to assert where the kill was
"""
from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

from digitize.store.faults import AFTER_STORED, MARKER, kill_once
from digitize.tools.tesseract import DEFAULT_PSM, make_engine

ENGINE = "support.faults:FaultInjectingEngine"
BROKEN_ENGINE = "support.faults:BrokenEngine"
KILL_WORKER_AT = "DIGITIZE_FAULT_KILL_WORKER_AT"
KILL_COORDINATOR_AT = "DIGITIZE_FAULT_KILL_COORDINATOR_AT"


def tsv_text(tsv: str) -> str:
    """The words of tesseract's TSV, in order, joined by spaces."""
    return " ".join(cols[11] for cols in (row.split("\t") for row in tsv.splitlines())
                    if len(cols) >= 12 and cols[0] == "5" and cols[11].strip())


def coordinator_pid() -> int:
    """The process that started this worker (for a pool worker made by the forkserver, the process
    that asked for it, not the forkserver); this process itself when pages are read in-process."""
    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None else os.getpid()


class FaultInjectingEngine:
    def __init__(self, lang: str = "vie", psm: int = DEFAULT_PSM):
        self._inner = make_engine(lang, psm, prefer="auto")
        self.name = f"faulty-{self._inner.name}"

    def tsv(self, image, dpi: float) -> str:
        tsv = self._inner.tsv(image, dpi)
        text = tsv_text(tsv)
        at = os.environ.get(KILL_WORKER_AT)
        if at and at in text:
            kill_once("kill_worker", os.getpid(), page_text=at, coordinator=coordinator_pid())
        at = os.environ.get(KILL_COORDINATOR_AT)
        if at and at in text:
            kill_once("kill_coordinator", coordinator_pid(), page_text=at, worker=os.getpid(),
                      forkserver=os.getppid())
        return tsv


class BrokenEngine:
    """An OCR engine with a bug: every page raises ZeroDivisionError("engine bug")."""

    name = "broken"

    def __init__(self, lang: str = "vie", psm: int = DEFAULT_PSM):
        self.lang = lang

    def tsv(self, image, dpi: float) -> str:
        raise ZeroDivisionError("engine bug")


def fault_env(marker: Path, *, kill_worker_at: str | None = None, kill_coordinator_at: str | None = None,
              kill_coordinator_after_stored: int | None = None) -> dict[str, str]:
    """Environment variables for a run with one fault armed (add them to support.cli.ENV)."""
    env = {"DIGITIZE_OCR_ENGINE": ENGINE, MARKER: str(marker)}
    if kill_worker_at:
        env[KILL_WORKER_AT] = kill_worker_at
    if kill_coordinator_at:
        env[KILL_COORDINATOR_AT] = kill_coordinator_at
    if kill_coordinator_after_stored is not None:
        env[AFTER_STORED] = str(kill_coordinator_after_stored)
    return env


def read_marker(marker: Path) -> dict:
    """What the fault did; fails the test when it never fired."""
    assert marker.is_file(), f"the fault never fired (no {marker})"
    return json.loads(marker.read_text(encoding="utf-8"))
