"""The tone-mark corrector's ablation, in one run: the pipeline's text layer with the syllable model
(Settings.ocr_tones) and without it, and plain `tesseract IMG - -l vie`, on the same pages.

Reported per set: CER of each; CER with every combining mark removed from both sides (so the difference
between the two is the share of mark-only errors; đ stays a letter); words the corrector changed per page;
pipeline seconds and peak worker memory with and without it (ratios); the model's load time and memory.

Sets as in bench_ocr.py: real-dev (the development pages the corrector's margin was set on), real-reported and
the held-out synthetic pages (`--heldout N`, seed 4242), which are for reporting only.

    python bench/bench_tones.py [--sets real-dev] [--heldout 8] [--jobs 2] [--reps 1]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench import bench_ocr  # noqa: E402
from digitize.settings import Settings  # noqa: E402
from digitize.vn.metrics import char_errors  # noqa: E402

# resident memory (statm's second field, pages) before and after the model loads, in a fresh process
LOAD_PROBE = ("import os, time; from digitize.vn import lm; rss = lambda: int(open('/proc/self/statm').read()"
              ".split()[1]) * os.sysconf('SC_PAGE_SIZE'); a = rss(); t = time.perf_counter(); "
              "lm.model().logprob('<s>', '<s>', 'của'); print(time.perf_counter() - t, (rss() - a) / 2**20)")


def strip_marks(text: str) -> str:
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text)
                                                 if not unicodedata.combining(c)))


def pages_of(sets: set[str], heldout: int, seed: int, work: Path) -> list[bench_ocr.BenchPage]:
    pages: list[bench_ocr.BenchPage] = []
    if "real-reported" in sets:
        pages += bench_ocr.real_pages()
    if "real-dev" in sets:
        pages += bench_ocr.dev_pages()
    if heldout:
        folder = work / "heldout"
        subprocess.run([sys.executable, str(REPO / "samples/generate.py"), "--out", str(folder), "--set", "bench",
                        "--count", str(heldout), "--seed", str(seed)], check=True)
        pages += bench_ocr.synthetic_pages(folder, "heldout")
    return pages


def timed_runs(pages, jobs: int, settings: Settings, reps: int) -> dict[str, tuple[list[str], float, float]]:
    """Texts, the fastest of `reps` runs' seconds and peak worker MiB, with the corrector on and off
    (alternating, so a change in the machine's load hits both)."""
    best: dict[str, tuple[list[str], float, float]] = {}
    for _ in range(reps):
        for name, flag in (("off", False), ("on", True)):
            texts, seconds, mib = bench_ocr.run_pipeline(pages, jobs, replace(settings, ocr_tones=flag))
            if name not in best or seconds < best[name][1]:
                best[name] = (texts, seconds, max(mib, best.get(name, ([], 0, 0))[2]))
    return best


def changed_words(a: str, b: str) -> int:
    wa, wb = a.split(), b.split()
    return sum(x != y for x, y in zip(wa, wb)) + abs(len(wa) - len(wb))


def _cer(text: str, truth: str) -> float:
    errors, length = char_errors(text, truth)
    return round(100 * errors / max(1, length), 2)


def summarise(pages, texts: dict[str, list[str]]) -> dict:
    sets: dict[str, dict] = {}
    for k, page in enumerate(pages):
        g = sets.setdefault(page.set, {"pages": 0, "chars": 0, "changes": 0, **{f"{n}{s}": 0 for n in texts
                                                                                for s in ("", "_nomarks")}})
        g["pages"] += 1
        for name, outs in texts.items():
            e, n = char_errors(outs[k], page.truth)
            g[name] += e
            g[f"{name}_nomarks"] += char_errors(strip_marks(outs[k]), strip_marks(page.truth))[0]
        g["chars"] += n
        g["changes"] += changed_words(texts["off"][k], texts["on"][k])
    out = {"per_page": [{"page": p.name, "set": p.set, **{n: _cer(outs[k], p.truth) for n, outs in texts.items()}}
                        for k, p in enumerate(pages)]}
    for name, g in sets.items():
        pct = {k: round(100 * v / g["chars"], 2) for k, v in g.items() if k not in ("pages", "chars", "changes")}
        out[name] = {"pages": g["pages"], "chars": g["chars"], "cer": pct,
                     "mark_only_errors": {n: g[n] - g[f"{n}_nomarks"] for n in texts},
                     "changes_per_page": round(g["changes"] / g["pages"], 1)}
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sets", default="real-dev")
    ap.add_argument("--heldout", type=int, default=0)
    ap.add_argument("--heldout-seed", type=int, default=4242)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="digitize-bench-tones-"))
    pages = pages_of(set(args.sets.split(",")), args.heldout, args.heldout_seed, work)
    decoded = [bench_ocr._decode(p, work) for p in pages]
    plain, _ = bench_ocr.run_plain([png for png, _ in decoded], args.jobs)
    runs = timed_runs(pages, args.jobs, Settings(redo_ocr=True), args.reps)
    probe = subprocess.run([sys.executable, "-c", LOAD_PROBE], capture_output=True, text=True, check=True,
                           cwd=REPO).stdout.split()
    result = {"jobs": args.jobs, "pages": len(pages),
              "sets": summarise(pages, {"plain": plain, "off": runs["off"][0], "on": runs["on"][0]}),
              "seconds": {"off": round(runs["off"][1], 1), "on": round(runs["on"][1], 1)},
              "time_ratio_on_vs_off": round(runs["on"][1] / max(1e-9, runs["off"][1]), 3),
              "peak_worker_mib": {"off": round(runs["off"][2]), "on": round(runs["on"][2])},
              "model_load": {"seconds": round(float(probe[0]), 3), "mib": round(float(probe[1]), 1)}}
    for k, page in enumerate(pages):
        for name in ("off", "on"):
            (work / f"{page.set}-{page.name}.{name}.txt").write_text(runs[name][0][k], encoding="utf-8")
    result["work"] = str(work)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
