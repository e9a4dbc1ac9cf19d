"""`batch --cluster`: a real dask-scheduler and two dask-workers on 127.0.0.1; one worker is
killed (SIGKILL) while it works on a dossier and the batch still stores every document once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import free_port, DIGITIZE, ENV, REPO, assert_store_intact, make_archive, stored

DASK = str(Path(sys.executable).with_name("dask"))


@pytest.fixture
def cluster(tmp_path):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=open(logs / "scheduler.log", "w"), stderr=subprocess.STDOUT, env=ENV, cwd=REPO)]
    for i in range(2):
        procs.append(subprocess.Popen(
            [DASK, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
             "--local-directory", str(tmp_path / f"w{i}")],
            stdout=open(logs / f"worker{i}.log", "w"), stderr=subprocess.STDOUT, env=ENV, cwd=REPO))
    from distributed import Client

    client = Client(address, timeout=30)
    try:
        client.wait_for_workers(2, timeout=60)
        yield address, client, procs[1:]
    finally:
        client.close()
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()


def test_worker_killed_mid_batch_loses_nothing(cluster, tmp_path):
    address, client, workers = cluster
    root = make_archive(tmp_path / "arch", 6, docs=2, size=(1654, 1400), tag="C")
    store = tmp_path / "store"
    batch = subprocess.Popen(DIGITIZE + ["batch", str(root), "--store", str(store), "--cluster", address,
                                         "--no-sign", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=REPO)
    pids = client.run(os.getpid)  # worker address -> process id
    victim = None
    deadline = time.monotonic() + 60
    while victim is None and time.monotonic() < deadline and batch.poll() is None:
        for addr, keys in client.processing().items():
            if any(str(k).startswith("dossier-") for k in keys):
                victim = pids[addr]
                break
        time.sleep(0.05)
    assert victim is not None, "no dossier task was seen running: " + (batch.communicate()[1] if batch.poll() is not None else "")
    time.sleep(0.3)  # well inside the task
    os.kill(victim, signal.SIGKILL)
    out, err = batch.communicate(timeout=180)
    assert batch.returncode == 0, err
    assert any(p.poll() is not None for p in workers)  # one worker really is gone
    expected = {str(p) for p in root.glob("hs*/trang*.jpg")}
    assert len(out.splitlines()) == len(expected)
    assert_store_intact(store, expected)
    assert sorted({r[2] for r in stored(store)}) == [f"hs{i:02d}" for i in range(6)]
