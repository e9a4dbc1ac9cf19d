"""`make bench`: throughput, peak memory and text accuracy of `digitize run` against raw
tesseract and OCRmyPDF on the same degraded pages in one run, with the ratios; then the
field, signing and batch figures from the other bench modules.

Peak memory is sampled from the whole process tree every 50 ms (psutil): total RSS of the tree
and the largest single process (a worker).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from digitize.vn.metrics import char_errors  # noqa: E402

ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


class TreeMemory:
    """Peak RSS of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.peak_total = 0
        self.peak_single = 0  # the largest process other than the root (a worker)
        self.peak_root = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                rss = []
                for p in procs:
                    try:
                        rss.append(p.memory_info().rss)
                    except psutil.Error:
                        rss.append(0)
                self.peak_total = max(self.peak_total, sum(rss))
                self.peak_root = max(self.peak_root, rss[0] if rss else 0)
                self.peak_single = max(self.peak_single, max(rss[1:], default=0))
            except psutil.Error:
                pass
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def timed(cmd: list[str], **kw) -> tuple[float, TreeMemory, subprocess.CompletedProcess]:
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, **kw)
    with TreeMemory(proc.pid) as mem:
        out, err = proc.communicate()
    return time.monotonic() - start, mem, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def pages_with_truth(folder: Path) -> list[tuple[Path, dict]]:
    pages = []
    for gt in sorted(folder.glob("*.gt.json")):
        img = next((p for p in folder.glob(gt.name.replace(".gt.json", ".*")) if not p.name.endswith(".json")), None)
        if img is not None:
            pages.append((img, json.loads(gt.read_text(encoding="utf-8"))))
    return pages


def pdftotext(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-raw"]  # content-stream order: what select-all and copy give
    if page:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True).stdout


def score(texts: list[str], truths: list[dict]) -> dict:
    tot = [0, 0]
    easy = [0, 0]
    hard = [0, 0]
    for text, gt in zip(texts, truths):
        if not gt.get("text", "").strip():
            continue  # blank pages carry no text to score
        e, n = char_errors(text, gt["text"])
        tot[0] += e
        tot[1] += n
        bucket = hard if gt.get("hard") else easy
        bucket[0] += e
        bucket[1] += n
    pct = lambda x: round(100 * x[0] / max(1, x[1]), 2)  # noqa: E731
    return {"cer_all": pct(tot), "cer_not_hard": pct(easy), "cer_hard": pct(hard)}


def bench_raw_tesseract(pages, jobs: int) -> dict:
    def one(path: Path) -> str:
        return subprocess.run(["tesseract", str(path), "-", "-l", "vie"], capture_output=True, text=True, env=ENV).stdout

    me = psutil.Process()
    start = time.monotonic()
    with TreeMemory(me.pid) as mem, ThreadPoolExecutor(jobs) as ex:
        texts = list(ex.map(one, [p for p, _ in pages]))
    wall = time.monotonic() - start
    return {"seconds": round(wall, 1), "pages_per_s": round(len(pages) / wall, 3),
            "peak_worker_mib": round(mem.peak_single / 2**20), **score(texts, [g for _, g in pages])}


def bench_digitize(pages, jobs: int, work: Path) -> dict:
    inputs = work / "inputs"
    inputs.mkdir()
    for p, _ in pages:  # one folder of single-page documents, in page order
        shutil.copy(p, inputs / p.name)
    store = work / "store"
    cmd = [str(REPO / ".venv/bin/digitize"), "run", str(inputs), "--store", str(store), "--no-sign",
           "--json", "--jobs", str(jobs)]
    wall, mem, proc = timed(cmd)
    rows = {Path(json.loads(x)["source"]).name: json.loads(x) for x in proc.stdout.splitlines()}
    texts = [pdftotext(Path(rows[p.name]["pdf"])) if rows.get(p.name, {}).get("status") == "ok" else ""
             for p, _ in pages]
    return {"seconds": round(wall, 1), "pages_per_s": round(len(pages) / wall, 3),
            "peak_total_mib": round(mem.peak_total / 2**20), "peak_worker_mib": round(mem.peak_single / 2**20),
            "peak_coordinator_mib": round(mem.peak_root / 2**20),
            "failed": sum(1 for r in rows.values() if r["status"] != "ok"), **score(texts, [g for _, g in pages])}


def bench_ocrmypdf(pages, jobs: int, work: Path) -> dict:
    exe = shutil.which("ocrmypdf", path=str(REPO / ".venv/bin")) or shutil.which("ocrmypdf")
    if not exe:
        return {"error": "ocrmypdf not installed"}
    import img2pdf

    src = work / "ocrmypdf-in.pdf"
    src.write_bytes(img2pdf.convert([str(p) for p, _ in pages]))
    out = work / "ocrmypdf-out.pdf"
    cmd = [exe, "-l", "vie", "--deskew", "--rotate-pages", "--output-type", "pdfa", "--jobs", str(jobs),
           "--quiet", str(src), str(out)]
    wall, mem, proc = timed(cmd)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:] or proc.returncode}
    texts = [pdftotext(out, i + 1) for i in range(len(pages))]
    return {"seconds": round(wall, 1), "pages_per_s": round(len(pages) / wall, 3),
            "peak_total_mib": round(mem.peak_total / 2**20), **score(texts, [g for _, g in pages])}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--set", default=None, help="folder of pages with .gt.json (default: generate --set bench)")
    ap.add_argument("--skip", default="", help="comma list of sections to skip: ocrmypdf,fields,sign,batch,ocr,headers,"
                                               "web,search,archive,stages,people,corrections")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    work = Path(tempfile.mkdtemp(prefix="digitize-bench-"))
    if args.set:
        folder = Path(args.set)
    else:
        folder = work / "pages"
        subprocess.run([sys.executable, str(REPO / "samples/generate.py"), "--out", str(folder), "--set", "bench",
                        "--count", str(args.pages)], check=True)
    pages = pages_with_truth(folder)[: args.pages]
    print(f"{len(pages)} pages from {folder}, {args.jobs} jobs", flush=True)
    results: dict = {"pages": len(pages), "jobs": args.jobs}
    results["tesseract"] = bench_raw_tesseract(pages, args.jobs)
    print("raw tesseract:", results["tesseract"], flush=True)
    (work / "d").mkdir()
    results["digitize"] = bench_digitize(pages, args.jobs, work / "d")
    print("digitize run --no-sign:", results["digitize"], flush=True)
    if "ocrmypdf" not in skip:
        (work / "o").mkdir()
        results["ocrmypdf"] = bench_ocrmypdf(pages, args.jobs, work / "o")
        print("OCRmyPDF:", results["ocrmypdf"], flush=True)
    d, t, o = results["digitize"], results["tesseract"], results.get("ocrmypdf", {})
    ratios = {"throughput_vs_tesseract": round(d["pages_per_s"] / t["pages_per_s"], 2)}
    if "pages_per_s" in o:
        ratios["throughput_vs_ocrmypdf"] = round(d["pages_per_s"] / o["pages_per_s"], 2)
        ratios["peak_memory_vs_ocrmypdf"] = round(d["peak_total_mib"] / max(1, o["peak_total_mib"]), 2)
    if t.get("cer_hard"):
        ratios["hard_cer_vs_tesseract"] = round(d["cer_hard"] / t["cer_hard"], 2)
    results["ratios"] = ratios
    print("ratios:", ratios, flush=True)
    for section, module, _func in (("fields", "bench_fields", "bench_fields"), ("sign", "bench_sign", "bench_signing"),
                                  ("batch", "bench_batch", "bench_batch"), ("ocr", "bench_ocr", "main"),
                                  ("headers", "bench_headers", "bench_headers"),
                                  ("web", "bench_web", "bench_web"), ("search", "bench_search", "bench_search"),
                                  ("login", "bench_login", "bench_login"),
                                  ("intake", "bench_intake", "bench_intake"),
                                  ("archive", "bench_archive", "bench_archive"),
                                  ("stages", "bench_stages", "bench_stages"),
                                  ("people", "bench_people", "bench_people"),
                                  ("corrections", "bench_corrections", "main")):
        if section in skip or not (REPO / "bench" / f"{module}.py").exists():
            continue
        sys.path.insert(0, str(REPO / "bench"))
        mod = __import__(module)
        try:
            if section == "fields":
                results[section] = mod.bench_fields(REPO / "samples" / "types")
            elif section == "sign":
                pdfs = sorted((work / "d" / "store" / "objects").rglob("*.pdf"))[:10]
                results[section] = mod.bench_signing(pdfs)
            elif section == "archive":
                results[section] = mod.bench_archive((100, 1000))
            elif section == "ocr":  # text layer vs plain tesseract on real scans and synthetic sets, by page class
                results[section] = mod.main(["--jobs", str(args.jobs), "--reallike", "8", "--severe", "8"])
                mod.print_result(results[section])
            elif section == "headers":  # header fields of real official documents, development and reported apart
                results[section] = {k: {n: v for n, v in r.items() if n != "errors"}
                                    for k, r in mod.bench_headers(jobs=args.jobs).items()}
            elif section == "web":
                results[section] = mod.bench_web()
            elif section == "search":  # a page of results on 10,000 generated documents, sqlite and PostgreSQL
                results[section] = mod.bench_search(10_000)
            elif section == "login":  # log-in flood: time and server memory against one failed log-in
                results[section] = mod.bench_login()
            elif section == "intake":  # contended upload and upload memory on the station
                results[section] = mod.bench_intake()
            elif section == "stages":  # page check and sample generation against a reference operation
                results[section] = mod.bench_stages()
            elif section == "people":  # look-up latency at 100,000 records (sqlite, PostgreSQL); import rate
                results[section] = mod.bench_people()
            elif section == "corrections":  # tone and phrase corrections that help and hurt, dev pages
                results[section] = mod.main([])
            else:
                results[section] = mod.bench_batch(pages=48)  # enough pages that pool start-up does not dominate
        except Exception as e:  # one section failing must not hide the others' figures
            results[section] = {"error": f"{type(e).__name__}: {e}"}
        print(f"{section}:", json.dumps(results[section], ensure_ascii=False), flush=True)
    out = REPO / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"written {out / 'latest.json'}")


if __name__ == "__main__":
    main()
