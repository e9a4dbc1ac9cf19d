"""Each preprocessing step of the pipeline's page work switched off (or changed) one at a time, per page,
against plain `tesseract IMG - -l vie` on the same decoded image: which step helps which page class.

    python bench/ablate_ocr.py [--sets real-dev,synthetic] [--reallike-dir DIR] [--variants a,b] [--out f.json]

Variants: base (the pipeline as it is), no-deskew, deskew-0.5 (rotate only when |skew| >= 0.5 deg),
nearest (rotate without interpolation), cubic, shear-all (whole-pixel shears for every page class),
rebinarise (linear, then thresholded back to black and white: bilevel pages before shears), no-flatten (no paper
flattening), no-regions (no seal/stamp/table handling), no-filter (no unreadable-line filter); steps of the
per-class plan (stages/ocr/preprocess.py) switched off: no-colour (coloured ink left grey), no-scribbles (black-pen
strokes left), and saturation (coloured ink found by the earlier saturation threshold). One process; a few pages
only.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_ocr as bench  # noqa: E402

from digitize.pipeline.pages import process_page  # noqa: E402
from digitize.settings import Settings  # noqa: E402
from digitize.stages import geometry, ingest  # noqa: E402
from digitize.stages.ocr import page as ocr
from digitize.stages.ocr import preprocess, strokes
from digitize.vn.metrics import char_errors  # noqa: E402


def _rotate_with(flags: int, rebinarise: bool = False, _orig=geometry.apply):
    def apply(image, rotation, skew):
        image = _orig(image, rotation, 0.0)
        if not skew:
            return image
        h, w = image.shape[:2]
        matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), -skew, 1.0)
        out = cv2.warpAffine(image, matrix, (w, h), flags=flags, borderMode=cv2.BORDER_CONSTANT,
                             borderValue=geometry._paper_colour(image))
        return np.where(out < 128, 0, 255).astype(np.uint8) if rebinarise else out
    return apply


def _saturation_ink(image):
    b, g, r = cv2.split(image)
    ink = cv2.compare(cv2.subtract(cv2.max(cv2.max(b, g), r), cv2.min(cv2.min(b, g), r)), 70, cv2.CMP_GT)
    return ink, np.zeros_like(ink)


@contextlib.contextmanager
def variant(name: str):
    saved = []

    def patch(obj, attr, value):
        saved.append((obj, attr, getattr(obj, attr)))
        setattr(obj, attr, value)

    if name == "deskew-0.5":
        patch(geometry, "MIN_CHANGE_DEG", 0.5)
    elif name == "nearest":
        patch(geometry, "apply", _rotate_with(cv2.INTER_NEAREST))
    elif name == "cubic":
        patch(geometry, "apply", _rotate_with(cv2.INTER_CUBIC))
    elif name == "rebinarise":
        patch(geometry, "apply", _rotate_with(cv2.INTER_LINEAR, rebinarise=True))
    elif name == "shear-all":  # every page, not only bilevel ones, rotated by whole-pixel shears
        patch(geometry, "is_bilevel", lambda image: True)
    elif name == "no-flatten":
        patch(preprocess, "flatten_background", lambda grey: grey)
    elif name in ("no-colour", "no-scribbles"):
        step = {"no-colour": "colour_to_paper", "no-scribbles": "erase_scribbles"}[name]
        patch(preprocess, "plan_for", lambda image, dpi, _plan=preprocess.plan_for: replace(_plan(image, dpi),
                                                                                             **{step: False}))
    elif name == "saturation":  # the earlier colour rule: saturation over 70 grey levels is not print
        patch(strokes, "colour_ink", _saturation_ink)
    elif name == "no-regions":
        patch(ocr.page_regions, "detect", lambda image, dpi: ())
    elif name == "no-filter":
        patch(ocr, "drop_unreadable_lines", lambda words: words)
    try:
        yield Settings(redo_ocr=True, deskew=name != "no-deskew")
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="real-dev,synthetic")
    ap.add_argument("--reallike-dir", default=None)
    ap.add_argument("--variants", default="base,no-deskew,deskew-0.5,nearest,no-flatten,no-regions,no-filter,plain")
    ap.add_argument("--only", default="", help="comma-separated page-name substrings")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    wanted = set(args.sets.split(","))
    pages = (bench.real_pages() if "real-reported" in wanted else []) + \
        (bench.dev_pages() if "real-dev" in wanted else []) + \
        (bench.synthetic_pages(bench.REPO / "samples" / "degraded", "synthetic") if "synthetic" in wanted else [])
    if args.reallike_dir:
        pages += bench.synthetic_pages(Path(args.reallike_dir), "reallike")
    if args.only:
        pages = [p for p in pages if any(s in p.name for s in args.only.split(","))]
    work = Path(tempfile.mkdtemp(prefix="digitize-ablate-"))
    rows = []
    for page in pages:
        png, cls = bench._decode(page, work)
        decoded = ingest.load_page(page.ref, Settings().limits)
        est = geometry.estimate(decoded.image, decoded.dpi or 300.0)
        row = {"page": page.name, "set": page.set, "class": cls, "skew": round(est.skew, 2) if est else None}
        for name in args.variants.split(","):
            if name == "plain":
                text = bench.run_plain([png], 1)[0][0]
            else:
                with variant(name) as settings:
                    text = process_page(page.ref, settings).ocr.text
            errors, n = char_errors(text, page.truth)
            row[name] = round(100 * errors / n, 2)
            row["chars"] = n
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    return {"rows": rows}


if __name__ == "__main__":
    main()
