"""`batch --cluster`: a real dask-scheduler and two dask-workers on 127.0.0.1; one worker is
killed (SIGKILL) while it reads a chosen page (support.faults) and the batch still stores every
document once."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import DIGITIZE, ENV, REPO, assert_store_intact, free_port, make_archive, stored
from support.archives import page_number
from support.faults import fault_env, read_marker

DASK = str(Path(sys.executable).with_name("dask"))


@pytest.fixture
def cluster(tmp_path):
    """Two workers whose OCR engine kills its worker at the first page of dossier hs02."""
    marker = tmp_path / "worker.fault"
    worker_env = {**ENV, **fault_env(marker, kill_worker_at=f"Số: {page_number(2, 0)}")}
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
            stdout=open(logs / f"worker{i}.log", "w"), stderr=subprocess.STDOUT, env=worker_env, cwd=REPO))
    from distributed import Client

    client = Client(address, timeout=30)
    try:
        client.wait_for_workers(2, timeout=60)
        yield address, client, procs[1:], marker
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


@pytest.mark.system
@pytest.mark.slow
def test_worker_killed_mid_batch_loses_nothing(cluster, tmp_path):
    address, client, workers, marker = cluster
    pids = set(client.run(os.getpid).values())
    root = make_archive(tmp_path / "arch", 6, docs=2, size=(1654, 1400), tag="C")
    store = tmp_path / "store"
    batch = subprocess.run(DIGITIZE + ["batch", str(root), "--store", str(store), "--cluster", address,
                                       "--no-sign", "--json"],
                           capture_output=True, text=True, env=ENV, cwd=REPO, timeout=300)
    assert batch.returncode == 0, batch.stderr
    m = read_marker(marker)
    assert m["fault"] == "kill_worker" and m["killed"] == m["by"] and m["killed"] in pids
    assert [p.poll() is not None for p in workers].count(True) == 1  # that worker really is gone
    expected = {str(p) for p in root.glob("hs*/trang*.jpg")}
    assert len(batch.stdout.splitlines()) == len(expected)
    assert_store_intact(store, expected)
    assert sorted({r[2] for r in stored(store)}) == [f"hs{i:02d}" for i in range(6)]
