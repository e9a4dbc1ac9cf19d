"""Batch benchmark: pages/s with --jobs 1 and 2 (speed-up), coordinator and worker peak memory
at 100 and 1,000 documents, and the same batch on a local two-worker Dask cluster.

Documents are generated on the fly: readable A4-ish pages at 200 dpi for throughput, tiny
one-line pages (unsigned) for the memory runs, so 1,000 documents finish in about a minute.
Each batch runs in a fresh process that reports its own peak RSS (the coordinator) and that of
its largest descendant (a worker process, sampled from /proc VmHWM).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"

_RUNNER = r"""
import json, os, resource, sys, threading, time
from digitize.cli.app import app
peak = [0]

def descendants(root):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [root]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c); todo.append(c)
    return out

def sample():  # VmHWM = a process's own peak RSS; workers are grandchildren (forkserver)
    while True:
        for pid in descendants(os.getpid()):
            try:
                for line in open(f"/proc/{pid}/status"):
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
            except OSError:
                pass
        time.sleep(0.5)

threading.Thread(target=sample, daemon=True).start()
t = time.monotonic()
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child_kb = max(peak[0], resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": time.monotonic() - t, "coordinator_mb": self_kb / 1024, "worker_mb": child_kb / 1024}),
      file=sys.stderr)
"""


def make_docs(root: Path, n: int, size=(1654, 2339), lines: int = 12) -> Path:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 36 if size[0] > 800 else 14)
    for i in range(n):
        d = root / f"hs{i // 2:05d}"
        d.mkdir(parents=True, exist_ok=True)
        img = Image.new("RGB", size, (250, 248, 240))
        draw = ImageDraw.Draw(img)
        for k in range(lines):
            draw.text((60, 60 + k * 48), f"Hồ sơ {i:05d} dòng {k}: Ủy ban nhân dân xã xác nhận", font=font, fill=(20, 20, 20))
        img.save(d / f"{i:05d}.jpg", "JPEG", quality=85, dpi=(200, 200))
    return root


def run_batch(source: Path, store: Path, *extra: str) -> dict:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run([sys.executable, "-c", _RUNNER, "batch", str(source), "--store", str(store), "--no-sign",
                           *extra], capture_output=True, text=True, env=env, cwd=REPO)
    stats = json.loads(proc.stderr.strip().splitlines()[-1])
    stats["documents"] = sum(1 for _ in source.rglob("*.jpg"))
    return stats


def bench_batch(pages: int = 16, small: tuple[int, int] = (100, 1000), dask: bool = True, work: Path | None = None) -> dict:
    work = Path(work or tempfile.mkdtemp(prefix="bench-batch-"))
    result: dict = {"cores": os.cpu_count()}
    a4 = make_docs(work / "a4", pages)
    for jobs in (1, 2):
        s = run_batch(a4, work / f"store-j{jobs}", "--jobs", str(jobs))
        result[f"jobs{jobs}_pages_per_s"] = round(pages / s["seconds"], 3)
    result["speedup_1_to_2"] = round(result["jobs2_pages_per_s"] / result["jobs1_pages_per_s"], 2)
    for n in small:
        tiny = make_docs(work / f"tiny{n}", n, size=(400, 160), lines=2)
        s = run_batch(tiny, work / f"store-tiny{n}", "--jobs", "2")
        result[f"docs{n}"] = {"seconds": round(s["seconds"], 1), "coordinator_peak_mb": round(s["coordinator_mb"], 1),
                              "worker_peak_mb": round(s["worker_mb"], 1)}
    if len(small) == 2:
        a, b = (result[f"docs{n}"]["coordinator_peak_mb"] for n in small)
        result["coordinator_growth"] = round(b / a - 1, 3)
    if dask:
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            t = time.monotonic()
            s = run_batch(a4, work / "store-dask", "--cluster", cluster.scheduler_address)
            result["dask2_pages_per_s"] = round(pages / s["seconds"], 3)
            result["dask2_wall_s"] = round(time.monotonic() - t, 1)
    return result


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=16)
    ap.add_argument("--small", type=int, nargs="*", default=[100, 1000])
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    print(json.dumps(bench_batch(args.pages, tuple(args.small), not args.no_dask), indent=2))
