"""Text-layer accuracy of the pipeline's OCR against plain `tesseract IMG - -l vie` on the same pages, in one
run, by page class, with throughput at the same number of workers.

Page sets (the real ones as tests/data/real_split.json divides the documents; transcriptions: bench/real_sets.py):
  real-dev       nd199-2026 (3 pages), qd222-2025 (14 pages), dl_2025_0003 and 0005 (the development set)
  real-reported  dl_2025_0008, kh753-2026 page 1, a decree's signature page (bench/data/reported): other issuers
                 and scanners, nothing tuned on them
  synthetic      samples/degraded (+ a generated held-out set with --heldout N)

Our side is scored twice: the OCR text of the page stage and the text layer of the PDF the pipeline writes, as
`pdftotext -raw` reads it (the order the file was written in).

Both sides read the same image: the page as the pipeline decodes it (a PDF page rasterised at its native
resolution) is written once as PNG for the tesseract CLI. The pipeline side is `process_page` (quality checks,
straightening, OCR) in a process pool of `--jobs` workers; tesseract runs `--jobs` CLI processes at a time.

Throughput is reported twice from the same run: wall time (what a user waits, but noisy on a shared machine) and
process CPU seconds (plain: the CLI processes' own rusage; ours: the workers' CPU per page, their own and any
child's), which other work on the machine changes far less. Ratios are plain / ours: above 1 is faster.

    python bench/bench_ocr.py [--jobs 2] [--sets real-reported,real-dev,synthetic] [--heldout 12]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
from digitize.model import PageRef  # noqa: E402
from digitize.settings import Settings  # noqa: E402
from digitize.vn.metrics import char_errors  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "real-scans"
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


@dataclass(frozen=True)
class BenchPage:
    name: str
    ref: PageRef
    truth: str
    set: str
    hard: bool = False


def real_pages() -> list[BenchPage]:
    """The reported real pages: documents nothing was tuned on."""
    from bench.real_sets import transcribed_pages

    return [BenchPage(name, ref, truth, "real-reported") for name, ref, truth in transcribed_pages("reported")]


def dev_pages() -> list[BenchPage]:
    from bench.real_sets import transcribed_pages

    return [BenchPage(name, ref, truth, "real-dev") for name, ref, truth in transcribed_pages("development")]


def synthetic_pages(folder: Path, set_name: str) -> list[BenchPage]:
    pages = []
    for gt in sorted(folder.glob("*.gt.json")):
        truth = json.loads(gt.read_text(encoding="utf-8"))
        img = folder / truth.get("file", "")
        if not truth.get("text", "").strip() or not img.is_file() or truth.get("page_count", 1) > 1:
            continue  # blank pages carry no text to score; multi-page files are not single pages
        pages.append(BenchPage(img.stem, PageRef(str(img)), truth["text"], set_name, bool(truth.get("hard"))))
    return pages


SEVERE_PHOTO = (dict(blur=1.3, show_through=0.3, yellow=0.4, light=0.25),  # one of these per page, in turn
                dict(blur=1.3, show_through=0.3, low_contrast=0.5, yellow=0.4),
                dict(blur=1.5, show_through=0.35, dark=0.6, light=0.35),
                dict(blur=1.0, show_through=0.5, yellow=0.5))
SENSOR_NOISE, JPEG_QUALITY = 14.0, 30


def severe_photos(folder: Path, count: int, seed: int) -> list[BenchPage]:
    """`count` colour photos of generated pages at their worst: blur, show-through, yellowed, unevenly lit, dark
    or low-contrast paper, then a camera's sensor noise (σ 14, drawn per colour channel: a phone's noise is coloured, unlike the
    generator's grey `noise`) and JPEG q 30 with 4:2:0 chroma; types and resolution drawn from the seed."""
    import random

    from PIL import Image

    from samples.generate import DOC_TYPES, make_page, save_jpeg

    folder.mkdir(parents=True, exist_ok=True)
    r = random.Random(seed)
    for i in range(count):
        doc_type, dpi = r.choice(DOC_TYPES), r.choice([200, 300])
        spec = dict(SEVERE_PHOTO[i % len(SEVERE_PHOTO)], skew=round(r.uniform(-2, 2), 2), seal=True, signature=True)
        img, gt = make_page(doc_type, seed * 1000 + i, dpi, spec)
        rng = np.random.default_rng(seed * 1000 + i)
        arr = np.asarray(img.convert("RGB"), np.float32)
        noisy = (arr + rng.standard_normal(arr.shape, dtype=np.float32) * SENSOR_NOISE).clip(0, 255)
        save_jpeg(Image.fromarray(noisy.astype(np.uint8)), gt, folder / f"severe_{i:03d}_{doc_type}_{dpi}dpi.jpg",
                  quality=JPEG_QUALITY)
    return synthetic_pages(folder, "severe")


def page_class(image: np.ndarray, dpi: float, hard: bool) -> str:
    """bilevel | grey | colour, the resolution class, and `severe` for show-through/low-contrast pages."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    if small.ndim == 3 and float(np.mean(cv2.subtract(small.max(axis=2), small.min(axis=2)) > 40)) > 0.002:
        kind = "colour"
    else:
        hist = np.bincount(grey.ravel(), minlength=256)
        kind = "bilevel" if (hist[0] + hist[255]) / grey.size > 0.98 else "grey"
    return f"{kind}-{'200' if dpi < 250 else '300'}dpi" + ("-severe" if hard else "")


def _decode(page: BenchPage, work: Path) -> tuple[str, str]:
    """The pipeline's own decode of the page, saved as PNG for the CLI; returns (png path, class)."""
    from digitize.stages import ingest

    decoded = ingest.load_page(page.ref, Settings().limits)
    png = work / f"{page.set}-{page.name}.png"
    dpi = decoded.dpi or Settings().assumed_dpi
    from PIL import Image

    Image.fromarray(cv2.cvtColor(decoded.image, cv2.COLOR_BGR2RGB)).save(png, dpi=(dpi, dpi))
    return str(png), page_class(decoded.image, dpi, page.hard)


def _cpu_seconds(who: int) -> float:
    use = resource.getrusage(who)
    return use.ru_utime + use.ru_stime


def _pipeline_text(ref: PageRef, settings: Settings) -> tuple[str, int, float, str]:
    """The page's text, the worker's peak memory so far (KiB), the CPU seconds the page took, and the text
    layer of the PDF written for it (outside the timing: it is not reading)."""
    from digitize.pipeline.pages import process_page

    start = _cpu_seconds(resource.RUSAGE_SELF) + _cpu_seconds(resource.RUSAGE_CHILDREN)
    page = process_page(ref, settings)
    cpu = _cpu_seconds(resource.RUSAGE_SELF) + _cpu_seconds(resource.RUSAGE_CHILDREN) - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return page.ocr.text, rss, cpu, text_layer(page)


def text_layer(page) -> str:
    """`pdftotext -raw` of the one-page PDF/A the pipeline writes for the page."""
    from digitize.model import Document, DocumentInput
    from digitize.pdfa.build import build_pdfa

    pdf = build_pdfa(Document(DocumentInput(page.ref.path, "bench"), "0" * 64, (page,)), "2b")
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          env=ENV).stdout.decode("utf-8", "replace")


def _init(lang: str) -> None:
    from digitize.pipeline.pages import init_worker

    init_worker(lang)


@dataclass(frozen=True)
class Run:
    texts: list[str]
    seconds: float  # wall
    cpu_seconds: float
    peak_worker_mib: float = 0.0
    page_cpu: tuple[float, ...] = ()
    layers: tuple[str, ...] = ()  # the PDF's text layer, page by page


def run_pipeline_timed(pages: list[BenchPage], jobs: int, settings: Settings) -> Run:
    """Texts, wall and CPU seconds, the largest worker's peak memory in MiB."""
    with ProcessPoolExecutor(jobs, initializer=_init, initargs=(settings.ocr_lang,)) as pool:
        list(pool.map(_init, [settings.ocr_lang] * jobs))  # model loads are start-up, not per page
        start = time.monotonic()
        done = list(pool.map(_pipeline_text, [p.ref for p in pages], [settings] * len(pages)))
        wall = time.monotonic() - start
    return Run([d[0] for d in done], wall, sum(d[2] for d in done),
               max((d[1] for d in done), default=0) / 1024, tuple(d[2] for d in done), tuple(d[3] for d in done))


def run_pipeline(pages: list[BenchPage], jobs: int, settings: Settings) -> tuple[list[str], float, float]:
    """Texts, seconds, and the largest worker's peak memory in MiB."""
    run = run_pipeline_timed(pages, jobs, settings)
    return run.texts, run.seconds, run.peak_worker_mib


def run_plain_timed(pngs: list[str], jobs: int) -> Run:
    """Plain tesseract's texts, wall seconds and CPU seconds (its processes' rusage, taken as each is reaped:
    no other child of this process runs meanwhile)."""
    def one(path: str) -> str:
        return subprocess.run(["tesseract", path, "-", "-l", "vie"], capture_output=True, text=True,
                              env=ENV).stdout

    cpu = _cpu_seconds(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with ThreadPoolExecutor(jobs) as ex:
        texts = list(ex.map(one, pngs))
    return Run(texts, time.monotonic() - start, _cpu_seconds(resource.RUSAGE_CHILDREN) - cpu)


def run_plain(pngs: list[str], jobs: int) -> tuple[list[str], float]:
    run = run_plain_timed(pngs, jobs)
    return run.texts, run.seconds


def _pct(acc: list[int]) -> float:
    return round(100 * acc[0] / max(1, acc[1]), 2)


def summarise(pages, classes, ours, plain, layers=()) -> dict:
    """CER by set and class: ours (the OCR text), plain tesseract's, and the PDF's text layer when given; the
    ratio is the text layer's errors (else ours) over plain tesseract's; `worst_vs_plain` the largest per-page
    excess of the text layer (else ours) over plain tesseract, in points."""
    groups: dict[str, dict[str, list[int]]] = {}
    per_page = []
    layers = layers or [None] * len(pages)
    for page, cls, a, b, c in zip(pages, classes, ours, plain, layers):
        ea, n = char_errors(a, page.truth)
        eb, _ = char_errors(b, page.truth)
        ec = char_errors(c, page.truth)[0] if c is not None else ea
        row = {"page": page.name, "set": page.set, "class": cls, "chars": n,
               "cer": round(100 * ea / n, 2), "plain_cer": round(100 * eb / n, 2)}
        if c is not None:
            row["layer_cer"] = round(100 * ec / n, 2)
        per_page.append(row)
        for key in (page.set, f"{page.set}/{cls}", f"{page.set}/{'severe' if page.hard else 'not-severe'}"):
            g = groups.setdefault(key, {"ours": [0, 0], "plain": [0, 0], "layer": [0, 0], "worst": [-100.0]})
            for name, e in (("ours", ea), ("plain", eb), ("layer", ec)):
                g[name][0] += e
                g[name][1] += n
            g["worst"][0] = max(g["worst"][0], round(100 * (ec - eb) / n, 2))
    by_group = {k: {"pages": sum(1 for p in per_page if k in (p["set"], f"{p['set']}/{p['class']}")) or None,
                    "cer": _pct(g["ours"]), "plain_cer": _pct(g["plain"]), "layer_cer": _pct(g["layer"]),
                    "ratio": round(g["layer"][0] / max(1, g["plain"][0]), 3), "worst_vs_plain": g["worst"][0]}
                for k, g in sorted(groups.items())}
    return {"groups": by_group, "pages": per_page}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--sets", default="real-reported,real-dev,synthetic")
    ap.add_argument("--heldout", type=int, default=0, help="also generate N held-out synthetic pages")
    ap.add_argument("--heldout-seed", type=int, default=4242)  # 9091 was looked at while developing
    ap.add_argument("--reallike", type=int, default=0, help="also generate N held-out real-like pages (G4, stamps)")
    ap.add_argument("--severe", type=int, default=0, help="also generate N severe colour photos (seed as held-out)")
    ap.add_argument("--ocr-model", default=None, help="fast|best (default: the pipeline's default)")
    ap.add_argument("--out", default=None, help="write the JSON result here")
    args = ap.parse_args(argv)
    wanted = set(args.sets.split(","))
    work = Path(tempfile.mkdtemp(prefix="digitize-bench-ocr-"))
    pages: list[BenchPage] = []
    if "real-reported" in wanted:
        pages += real_pages()
    if "real-dev" in wanted:
        pages += dev_pages()  # the two notices with handwritten fill-ins are development pages too
    if "synthetic" in wanted:
        pages += synthetic_pages(REPO / "samples" / "degraded", "synthetic")
    if args.heldout:
        folder = work / "heldout"
        subprocess.run([sys.executable, str(REPO / "samples/generate.py"), "--out", str(folder), "--set", "bench",
                        "--count", str(args.heldout), "--seed", str(args.heldout_seed)], check=True)
        pages += synthetic_pages(folder, "heldout")
    if args.reallike:
        folder = work / "reallike"
        subprocess.run([sys.executable, str(REPO / "samples/generate.py"), "--out", str(folder), "--set", "reallike",
                        "--count", str(args.reallike), "--seed", str(args.heldout_seed)], check=True)
        pages += synthetic_pages(folder, "reallike")
    if args.severe:
        pages += severe_photos(work / "severe", args.severe, args.heldout_seed)
    settings = Settings(redo_ocr=True)  # a signed PDF's page is read, as a scan, not taken from its text
    if args.ocr_model and "ocr_model" in Settings.__dataclass_fields__:
        settings = replace(settings, ocr_model=args.ocr_model)
    decoded = [_decode(p, work) for p in pages]
    plain_run = run_plain_timed([png for png, _ in decoded], args.jobs)
    ours_run = run_pipeline_timed(pages, args.jobs, settings)
    plain, ours = plain_run.texts, ours_run.texts
    result = {"jobs": args.jobs, "pages": len(pages),
              **summarise(pages, [c for _, c in decoded], ours, plain, ours_run.layers),
              "seconds": {"pipeline": round(ours_run.seconds, 1), "plain": round(plain_run.seconds, 1)},
              "cpu_seconds": {"pipeline": round(ours_run.cpu_seconds, 1), "plain": round(plain_run.cpu_seconds, 1)},
              "throughput_vs_plain": round(plain_run.seconds / max(1e-9, ours_run.seconds), 3),
              "cpu_throughput_vs_plain": round(plain_run.cpu_seconds / max(1e-9, ours_run.cpu_seconds), 3),
              "peak_worker_mib": round(ours_run.peak_worker_mib)}
    for row, cpu in zip(result["pages"], ours_run.page_cpu):
        row["cpu_s"] = round(cpu, 2)
    for page, text in zip(pages, ours):
        (work / f"{page.set}-{page.name}.ours.txt").write_text(text, encoding="utf-8")
    for page, text in zip(pages, plain):
        (work / f"{page.set}-{page.name}.plain.txt").write_text(text, encoding="utf-8")
    result["work"] = str(work)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


def print_result(result: dict) -> None:
    for name, g in result["groups"].items():
        print(f"{name:40s} CER {g['cer']:6.2f} %  layer {g.get('layer_cer', g['cer']):6.2f} %  plain"
              f" {g['plain_cer']:6.2f} %  ratio {g['ratio']:.2f}  worst {g.get('worst_vs_plain', 0):+.2f}")
    for p in result["pages"]:
        print(f"  {p['set']:14s} {p['page']:34s} {p['class']:22s} {p['cer']:6.2f} %  layer"
              f" {p.get('layer_cer', p['cer']):6.2f} %  plain {p['plain_cer']:6.2f} %"
              f"  {p.get('cpu_s', 0):5.2f} s CPU")
    print(f"throughput vs plain tesseract ({result['jobs']} workers): wall {result['throughput_vs_plain']:.2f}"
          f" {result['seconds']}, CPU {result['cpu_throughput_vs_plain']:.2f} {result['cpu_seconds']};"
          f" peak worker {result['peak_worker_mib']} MiB; texts in {result['work']}")


if __name__ == "__main__":
    print_result(main())
