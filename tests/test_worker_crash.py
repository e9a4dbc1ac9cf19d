"""A worker process killed mid-run (as the kernel's OOM killer would) costs nothing: its pages
are retried on a fresh pool and every document is stored once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil

from support import PAGE_LINES, render_text_page


def _workers(root: psutil.Process) -> list[psutil.Process]:
    """Pool workers are children of the forkserver, itself a child of the CLI process."""
    return [p for p in root.children(recursive=True) if p.parent() and p.parent().pid != root.pid]


def test_killed_worker_is_replaced_and_nothing_is_lost(tmp_path):
    pages = [render_text_page(tmp_path / f"trang-{i}.jpg", (*PAGE_LINES, f"Trang số {i + 1}"), size=(1654, 2339))
             for i in range(8)]
    store = tmp_path / "store"
    proc = subprocess.Popen(
        [sys.executable, "-m", "digitize.cli.app", "run", *map(str, pages), "--store", str(store), "--no-sign",
         "--json", "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    root = psutil.Process(proc.pid)
    killed = None
    deadline = time.monotonic() + 60
    while killed is None and time.monotonic() < deadline and proc.poll() is None:
        workers = _workers(root)
        if len(workers) >= 2 and any(w.cpu_times().user > 0.5 for w in workers):  # busy reading a page
            killed = max(workers, key=lambda w: w.cpu_times().user)
            os.kill(killed.pid, signal.SIGKILL)
        time.sleep(0.05)
    out, err = proc.communicate(timeout=300)
    assert killed is not None, "no worker was caught mid-page"
    assert proc.returncode == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert sorted(r["source"] for r in rows) == sorted(str(p) for p in pages)
    assert all(r["status"] == "ok" for r in rows)
    objects = [p for p in (store / "objects").rglob("*") if p.is_file()]
    assert len(objects) == len({r["sha256"] for r in rows})


def test_killing_the_coordinator_leaves_no_orphans(tmp_path):
    pages = [render_text_page(tmp_path / f"p-{i}.jpg", (*PAGE_LINES, f"Bản sao số {i}"), size=(1654, 2339))
             for i in range(6)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "digitize.cli.app", "run", *map(str, pages), "--store", str(tmp_path / "store"),
         "--no-sign", "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    root = psutil.Process(proc.pid)
    deadline = time.monotonic() + 60
    pool: list[psutil.Process] = []
    while len(pool) < 3 and time.monotonic() < deadline:  # the forkserver and two workers
        pool = root.children(recursive=True)
        time.sleep(0.05)
    assert len(pool) >= 3, "the pool never started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    gone, alive = psutil.wait_procs(pool, timeout=10)
    assert not alive, f"orphans left: {[p.pid for p in alive]}"
