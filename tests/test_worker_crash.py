"""A worker process killed mid-page (as the kernel's OOM killer would) costs nothing: its pages
are retried on a fresh pool and every document is stored once. A coordinator killed mid-run takes
its pool with it. The kills are made by the fault-injecting OCR engine at a chosen page
(support.faults), never by timing."""
from __future__ import annotations

import json
import os
import signal
import time

import psutil
import pytest

from support import PAGE_LINES, assert_store_intact, popen, render_text_page
from support.faults import MARKER, fault_env, read_marker


@pytest.mark.slow
def test_killed_worker_is_replaced_and_nothing_is_lost(tmp_path):
    pages = [render_text_page(tmp_path / f"trang-{i}.jpg", (*PAGE_LINES, f"Trang số {i + 1}"), size=(1654, 2339))
             for i in range(6)]
    store, marker = tmp_path / "store", tmp_path / "worker.fault"
    proc = popen("run", *map(str, pages), "--store", str(store), "--no-sign", "--json", "--jobs", "2",
                 **fault_env(marker, kill_worker_at="Trang số 4"))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    m = read_marker(marker)
    assert m["fault"] == "kill_worker" and m["page_text"] == "Trang số 4"
    assert m["killed"] == m["by"] != proc.pid and m["coordinator"] == proc.pid  # a worker, not the run
    rows = [json.loads(line) for line in out.splitlines()]
    assert sorted(r["source"] for r in rows) == sorted(str(p) for p in pages)
    assert all(r["status"] == "ok" for r in rows)
    assert_store_intact(store, {str(p) for p in pages})


def _living_processes_of_run(marker: str, pids: list[int]) -> list[int]:
    """Processes started by the run that still run (a zombie is dead, it only waits to be reaped):
    the given pids and any other that inherited the run's fault marker variable."""
    alive = []
    for p in psutil.process_iter():
        try:
            if p.pid == os.getpid() or p.status() == psutil.STATUS_ZOMBIE:
                continue
            if p.pid in pids or p.environ().get(MARKER) == marker:
                alive.append(p.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return alive


def _wait_until_none_alive(marker: str, pids: list[int], timeout: float = 60) -> list[int]:
    """Poll for the condition (the kernel kills them asynchronously); a generous bound, not a guess."""
    deadline = time.monotonic() + timeout
    while (alive := _living_processes_of_run(marker, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


@pytest.mark.slow
def test_killing_the_coordinator_leaves_no_orphans(tmp_path):
    pages = [render_text_page(tmp_path / f"p-{i}.jpg", (*PAGE_LINES, f"Bản sao số {i}"), size=(1654, 2339))
             for i in range(4)]
    marker = tmp_path / "coordinator.fault"
    proc = popen("run", *map(str, pages), "--store", str(tmp_path / "store"), "--no-sign", "--jobs", "2",
                 capture=False, **fault_env(marker, kill_coordinator_at="Bản sao số 1"))
    proc.wait(timeout=300)
    assert proc.returncode == -signal.SIGKILL
    m = read_marker(marker)
    assert m["fault"] == "kill_coordinator" and m["killed"] == proc.pid and m["by"] == m["worker"]
    assert m["forkserver"] not in (proc.pid, m["worker"])  # the pool was running when the coordinator died
    # pool processes die with their parent (PR_SET_PDEATHSIG); the kernel does it asynchronously
    alive = _wait_until_none_alive(str(marker), [m["worker"], m["forkserver"]])
    assert not alive, f"orphans left: {alive}"
