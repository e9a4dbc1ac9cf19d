"""Where a page's CPU goes: each stage of `process_page` timed (process CPU seconds, self time: a stage's own
time without the stages it calls), in one process, on a few pages of each set.

The stages are wrapped here, in the bench process only; the pipeline's code is not changed for it. Engines
are loaded before the first timed page. Recognition is split from the rest of the OCR stage by timing the
engine's own calls (`engine.*`), the signer block's second read apart.

    python bench/bench_page_cost.py [--sets real-reported,real-dev,synthetic] [--limit 4] [--reps 1]
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
from bench import bench_ocr  # noqa: E402
from digitize.settings import Settings  # noqa: E402

_STACK: list[list] = []  # [stage, start, time spent in callees]
TOTALS: dict[str, float] = defaultdict(float)


def _timed(stage: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        _STACK.append([stage, time.process_time(), 0.0])
        try:
            return fn(*args, **kwargs)
        finally:
            name, start, inner = _STACK.pop()
            spent = time.process_time() - start
            TOTALS[name] += spent - inner
            if _STACK:
                _STACK[-1][2] += spent
    return wrapper


def instrument() -> None:
    """Wrap each stage where the pipeline looks it up (module attributes)."""
    from digitize.pipeline import pages
    from digitize.stages import geometry
    from digitize.stages.ocr import page as ocr
    from digitize.stages.ocr import preprocess, regions, signer_block, strokes
    from digitize.stages.ocr import tones as ocr_tones
    from digitize.tools import tesseract

    targets = [
        (pages.ingest, "load_page", "decode"), (pages.quality, "assess", "quality"),
        (pages.geometry, "straighten", "geometry"), (pages.ocr, "recognise", "ocr (rest)"),
        (regions, "detect", "regions.detect"), (preprocess, "plan_for", "preprocess.plan"),
        (preprocess, "prepare", "preprocess.prepare"), (strokes, "colour_ink", "strokes.colour_ink"),
        (strokes, "scribbles", "strokes.scribbles"), (strokes, "coloured_marks", "strokes.coloured_marks"),
        (preprocess, "flatten_background", "preprocess.flatten"), (regions, "mask_stamps", "regions.mask_stamps"),
        (regions, "table_cells", "regions.table_cells"), (tesseract, "parse_tsv", "parse_tsv"),
        (signer_block, "reread", "signer_block (rest)"), (ocr, "keep_printed", "filters"),
        (ocr, "drop_unreadable_lines", "filters"), (ocr, "reading_order", "reading_order"),
        (ocr_tones, "apply", "tones.apply"), (ocr_tones, "read", "ocr_tones.read (rest)"),
        (pages.cv2, "imencode", "jpeg"), (geometry, "estimate", "geometry.estimate"),
        (geometry, "apply", "geometry.apply"), (geometry, "worth_deskewing", "geometry.worth_deskewing"),
    ]
    for module, attr, stage in targets:
        setattr(module, attr, _timed(stage, getattr(module, attr)))
    for cls in (tesseract.TesserocrEngine, tesseract.CliEngine):
        for attr in ("tsv", "word_choices"):
            if hasattr(cls, attr):
                setattr(cls, attr, _timed(f"engine.{attr}", getattr(cls, attr)))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="real-reported,real-dev,synthetic")
    ap.add_argument("--limit", type=int, default=4, help="pages per set")
    ap.add_argument("--reps", type=int, default=1)
    args = ap.parse_args(argv)
    wanted = args.sets.split(",")
    pages = []
    if "real-reported" in wanted:
        pages += bench_ocr.real_pages()[:args.limit]
    if "real-dev" in wanted:
        pages += bench_ocr.dev_pages()[:args.limit]
    if "synthetic" in wanted:
        pages += bench_ocr.synthetic_pages(REPO / "samples" / "degraded", "synthetic")[:args.limit]
    from digitize.pipeline.pages import init_worker, process_page
    from digitize.stages.ocr import page as ocr
    from digitize.stages.ocr import signer_block

    init_worker("vie")
    block = ocr.engine("vie", "fast", signer_block.BLOCK_PSM)  # loaded on first use in the pipeline: not page cost
    instrument()
    block.tsv = _timed("engine.tsv (signer block)", block.tsv)
    settings = Settings(redo_ocr=True)
    per_set: dict[str, dict[str, float]] = {}
    for page in pages:
        for _ in range(args.reps):
            TOTALS.clear()
            start = time.process_time()
            process_page(page.ref, settings)
            total = time.process_time() - start
            row = per_set.setdefault(page.set, defaultdict(float))
            row["pages"] += 1
            row["total"] += total
            for k, v in TOTALS.items():
                row[k] += v
    out = {}
    for name, row in per_set.items():
        n = row.pop("pages")
        out[name] = {"pages": int(n), "cpu_s_per_page": {k: round(v / n, 3) for k, v in
                                                         sorted(row.items(), key=lambda kv: -kv[1])}}
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, ensure_ascii=False))
