"""Deterministic generator of synthetic scanned Vietnamese administrative pages with ground truth.

    python samples/generate.py --out DIR --set demo|degraded|types|bench [--seed N] [--count N]

Importable API (for tests that generate on the fly):
    render_document(doc_type, seed, dpi, flaw=None) -> (PIL.Image, ground-truth dict)
    degrade(image, spec, seed, back=None) -> PIL.Image
    make_page(doc_type, seed, dpi, spec, flaw=None) -> (PIL.Image, ground-truth dict)
Same seed -> byte-identical files (fixed encoder settings, no timestamps). See samples/README.md.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import unicodedata
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `samples` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from samples import damage as D  # noqa: E402
from samples import layout as L  # noqa: E402
from samples import realmarks  # noqa: E402
from samples import templates as T  # noqa: E402
from samples.damage import degrade  # noqa: E402,F401  (public API)

DOC_TYPES = T.DOC_TYPES
JPEG_OPTS = dict(quality=75, subsampling=2, optimize=True, progressive=False)  # optimize: Huffman tables, still deterministic
HARD = ("show_through", "low_contrast", "dark")


def render_document(doc_type: str, seed: int, dpi: int = 300, flaw: str | None = None):
    """Render a clean page of `doc_type` ('blank' for an empty sheet). Returns (image, gt)."""
    rng = random.Random(f"{doc_type}:{seed}")
    if doc_type == "blank":
        doc, rendered = None, L.render([], dpi)
    else:
        doc = T.build(doc_type, rng, flaw)
        rendered = L.render(doc.blocks, dpi)
    text = "\n".join(ln["text"] for ln in rendered.lines)
    gt = {
        "doc_type": doc_type,
        "dpi": dpi,
        "rotation": 0,
        "skew": 0.0,
        "damage": [],
        "hard": False,
        "text": unicodedata.normalize("NFC", text),
        "fields": dict(doc.fields) if doc else {},
        "missing": list(doc.missing) if doc else [],
        "invalid": list(doc.invalid) if doc else [],
        "lines": rendered.lines,
        "field_boxes": rendered.fields,
        "signature_box": rendered.marks.get("signature"),
    }
    return rendered.image, gt


def make_page(doc_type: str, seed: int, dpi: int, spec: dict, flaw: str | None = None):
    """Render then damage a page; the ground truth records what was applied."""
    img, gt = render_document(doc_type, seed, dpi, flaw)
    spec = dict(spec, dpi=dpi)
    if gt["signature_box"]:
        spec.setdefault("signature_box", gt["signature_box"])
    else:  # no signer block (ID card, blank page): nothing to sign or seal
        spec.pop("seal", None), spec.pop("signature", None)
    if spec.get("stamp"):
        spec["stamp_at"] = spec.get("stamp_at") or realmarks.free_spot(gt["lines"], img.size, dpi)
        if spec["stamp_at"] is None:  # no blank paper for it on this page
            spec.pop("stamp"), spec.pop("stamp_at")
    body = gt["fields"].get("co_quan_ban_hanh", "ỦY BAN NHÂN DÂN")
    spec.setdefault("seal_text", body)
    back = None
    if spec.get("show_through"):
        back, _ = render_document(DOC_TYPES[(DOC_TYPES.index(doc_type) + 3) % len(DOC_TYPES)]
                                  if doc_type in DOC_TYPES else "quyet_dinh", seed + 7919, dpi)
    out = degrade(img, spec, seed, back)
    gt["rotation"] = int(spec.get("rotation", 0))
    gt["skew"] = round(float(spec.get("skew", 0.0)), 3)
    gt["damage"] = D.applied(spec)
    gt["hard"] = any(spec.get(k) for k in HARD)
    gt["damage_params"] = {k: spec[k] for k in gt["damage"]}
    return out, gt


def _dump(gt: dict, path: Path) -> None:
    path.write_text(json.dumps(gt, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def save_jpeg(img: Image.Image, gt: dict, path: Path, quality: int | None = None) -> None:
    opts = dict(JPEG_OPTS, quality=quality or JPEG_OPTS["quality"])
    img.save(path, "JPEG", dpi=(gt["dpi"], gt["dpi"]), **opts)
    gt = dict(gt, jpeg_quality=opts["quality"])
    _dump(dict(gt, file=path.name), path.with_suffix(".gt.json"))


def save_multi(pages: list, path: Path) -> None:
    """A multi-page TIFF (JPEG-compressed) or image-only PDF; one gt file lists every page."""
    imgs = [p[0] for p in pages]
    dpi = pages[0][1]["dpi"]
    if path.suffix != ".pdf":  # office scanners' multi-page TIFFs are usually greyscale
        imgs = [im.convert("L") for im in imgs]
    if path.suffix == ".pdf":  # no creation/modification date: same input, same bytes
        imgs[0].save(path, "PDF", save_all=True, append_images=imgs[1:], resolution=float(dpi),
                     creationDate=None, modDate=None, producer="samples/generate.py", **JPEG_OPTS)
    else:
        imgs[0].save(path, "TIFF", save_all=True, append_images=imgs[1:], compression="jpeg",
                     quality=JPEG_OPTS["quality"], dpi=(dpi, dpi))
    first = pages[0][1]
    gt = dict(first, file=path.name, page_count=len(pages), pages=[p[1] for p in pages])
    _dump(gt, path.with_name(path.stem + ".gt.json"))


# ---- sets ---------------------------------------------------------------------------------

def build_demo(out: Path, seed: int) -> None:
    """Three dossiers (a folder each, named by the dossier code on the receipt) + manifest.csv."""
    out.mkdir(parents=True, exist_ok=True)
    mild = dict(blur=0.8, yellow=0.3, light=0.15)
    rows = []
    plans = [
        [("giay_tiep_nhan", "jpg", 200, dict(mild, skew=0.8, seal=True, signature=True)),
         ("don_de_nghi", "tif", 200, dict(mild, skew=-1.1, signature=True)),
         ("cccd", "pdf", 200, dict(mild, skew=1.5))],
        [("giay_tiep_nhan", "jpg", 200, dict(mild, skew=-0.6, signature=True)),
         ("xac_nhan_hon_nhan", "jpg", 200, dict(mild, skew=0.5, seal=True, signature=True))],
        [("giay_tiep_nhan", "jpg", 200, dict(mild, skew=1.2, signature=True)),
         ("quyet_dinh", "jpg", 200, dict(mild, skew=-0.9, seal=True, signature=True, fold=0.2)),
         ("gcn_qsdd", "jpg", 200, dict(mild, rotation=180, seal=True, signature=True))],
    ]
    for d, plan in enumerate(plans):
        pages = [make_page(t, seed + 100 * d + i, dpi, spec) for i, (t, _, dpi, spec) in enumerate(plan)]
        receipt = pages[0][1]["fields"]
        code = receipt["ma_ho_so"]
        folder = out / code
        folder.mkdir(exist_ok=True)
        for i, ((doc_type, ext, dpi, _spec), page) in enumerate(zip(plan, pages), 1):
            path = folder / f"{i:02d}_{doc_type}.{ext}"
            if ext == "jpg":
                save_jpeg(page[0], page[1], path)
            elif ext == "tif":  # duplex scan: the form and its blank back side
                back = make_page("blank", seed + 100 * d + 50, dpi, dict(blur=0.8, yellow=0.3, specks=4))
                save_multi([page, back], path)
            else:
                save_multi([page], path)
        result = pages[-1][1]  # the last document is the dossier's result (or its main paper)
        issued = dt.date.fromisoformat(result["fields"].get("ngay_ban_hanh") or receipt["ngay_ban_hanh"])
        valid = ""
        if result["doc_type"] == "xac_nhan_hon_nhan":  # 6 months from issue (DOMAIN.md §4)
            m = issued.month + 6
            valid = dt.date(issued.year + (m - 1) // 12, (m - 1) % 12 + 1, min(issued.day, 28)).isoformat()
        elif result["doc_type"] == "cccd":
            valid = result["fields"].get("co_gia_tri_den", "")
        rows.append([code, receipt["ma_tthc"], code, issued.isoformat(), valid, "auto"])
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["dossier_code", "procedure_code", "path", "issued_on", "valid_until", "profile"])
        w.writerows(rows)


DEGRADED = [  # (name, doc_type, dpi, spec)
    ("rot90", "quyet_dinh", 300, dict(rotation=90, blur=0.8)),
    ("rot180", "giay_khai_sinh", 200, dict(rotation=180, blur=0.8, yellow=0.3)),
    ("rot270", "don_de_nghi", 300, dict(rotation=270, blur=0.8)),
    ("skew_pos7", "giay_tiep_nhan", 200, dict(skew=7.0, blur=0.8)),
    ("skew_neg7", "xac_nhan_hon_nhan", 300, dict(skew=-7.0, blur=0.8)),
    ("skew_noise", "gcn_qsdd", 200, dict(skew=3.4, noise=5)),
    ("skew_blur", "dang_ky_doanh_nghiep", 200, dict(skew=-1.3, blur=1.4, noise=2)),
    ("show_through", "quyet_dinh", 200, dict(show_through=0.35, yellow=0.5, skew=0.6, blur=0.8)),
    ("low_contrast", "giay_phep_xay_dung", 200, dict(low_contrast=0.35, skew=-0.8, blur=0.8)),
    ("seal_signature", "quyet_dinh", 300, dict(seal=True, signature=True, skew=0.9, blur=0.8)),
    ("fold_light", "xac_nhan_hon_nhan", 200, dict(seal=True, signature=True, fold=0.35, light=0.35,
                                                    skew=-2.2, blur=0.8)),
    ("noise_jpeg", "don_de_nghi", 200, dict(noise=12, jpeg=30, skew=1.7)),
    ("yellowed", "giay_khai_sinh", 200, dict(yellow=1.0, light=0.3, fold=0.25, skew=-2.6, blur=0.8)),
    ("rot90_skew", "cccd", 300, dict(rotation=90, skew=-4.0, blur=0.8)),
    ("blur_noise", "giay_tiep_nhan", 200, dict(blur=1.6, noise=5, skew=5.5)),
    ("rot270_seal", "gcn_qsdd", 200, dict(rotation=270, skew=2.1, seal=True, signature=True, blur=0.8)),
    ("near_blank", "blank", 200, dict(yellow=0.4, noise=2, specks=6)),
    ("near_blank_ghost", "blank", 300, dict(show_through=0.12, yellow=0.3, blur=0.8, specks=3)),
    ("too_dark", "dang_ky_doanh_nghiep", 200, dict(dark=0.3, noise=2, skew=0.7)),
]


def build_degraded(out: Path, seed: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for i, (name, doc_type, dpi, spec) in enumerate(DEGRADED, 1):
        img, gt = make_page(doc_type, seed + i, dpi, spec)
        save_jpeg(img, gt, out / f"{i:02d}_{name}_{dpi}dpi.jpg")


TYPE_FLAWS = {"giay_khai_sinh": "missing", "xac_nhan_hon_nhan": "invalid", "gcn_qsdd": "missing",
              "dang_ky_doanh_nghiep": "invalid", "giay_phep_xay_dung": "missing", "quyet_dinh": "invalid",
              "don_de_nghi": "missing", "giay_tiep_nhan": "invalid", "cccd": "invalid"}


def build_types(out: Path, seed: int, per_type: int = 2) -> None:
    """Every type `per_type` times with mild damage; the second instance has a missing field or an
    invalid identifier (TYPE_FLAWS). Stored at JPEG quality 70 to keep the committed set small."""
    out.mkdir(parents=True, exist_ok=True)
    for t, doc_type in enumerate(DOC_TYPES):
        for k in range(per_type):
            flaw = None if k == 0 else TYPE_FLAWS[doc_type] if k == 1 else ("missing", "invalid")[k % 2]
            s = seed + 10 * t + k
            r = random.Random(s)
            spec = dict(blur=0.8, skew=round(r.uniform(-2.5, 2.5), 2), yellow=round(r.uniform(0, 0.5), 2),
                        seal=k != 1, signature=True)
            if k == 1 and t % 3 == 0:
                spec["rotation"] = (90, 180, 270)[t // 3 % 3]
            dpi = 300 if (t, k) == (4, 1) else 200
            img, gt = make_page(doc_type, s, dpi, spec, flaw)
            save_jpeg(img, gt, out / f"{doc_type}_{k + 1}.jpg", quality=70)


def save_g4(img: Image.Image, gt: dict, path: Path) -> None:
    """A bilevel page as real portal scans are: CCITT Group 4 TIFF with its resolution."""
    gt = {**gt, "file": path.name, "compression": "group4"}
    img.convert("L").point(lambda v: 255 if v >= 128 else 0).convert("1").save(
        path, "TIFF", compression="group4", dpi=(gt["dpi"], gt["dpi"]))
    _dump(gt, path.with_suffix(".gt.json"))


def build_reallike(out: Path, seed: int, count: int) -> None:
    """`count` pages like the portal's real scans: 200 dpi, mostly bilevel G4 with black seal and signature,
    the incoming-mail stamp with handwriting on some, the portal's colour stamp on some colour pages. Report
    on a seed nothing was tuned on (bench/bench_ocr.py uses --seed 4242 for this set)."""
    out.mkdir(parents=True, exist_ok=True)
    r = random.Random(seed)
    for i in range(count):
        doc_type = r.choice(["quyet_dinh", "giay_tiep_nhan", "xac_nhan_hon_nhan", "giay_phep_xay_dung"])
        mono = r.random() < 0.75
        spec = dict(seal=True, signature=True, black_marks=mono, bilevel=mono, skew=round(r.uniform(-0.6, 0.6), 2),
                    stamp=r.random() < 0.5, blur=0.6, noise=2)
        # the portal lays its colour stamp over the signed PDF, not into the scan: colour pages only here
        spec["portal_stamp"] = not mono and r.random() < 0.7
        img, gt = make_page(doc_type, seed * 1000 + i, 200, spec)
        name = f"real_{i:03d}_{doc_type}_200dpi"
        save_g4(img, gt, out / f"{name}.tif") if mono else save_jpeg(img, gt, out / f"{name}.jpg")


def build_bench(out: Path, seed: int, count: int) -> None:
    """`count` randomly degraded A4 pages (types, dpi and damage drawn from the seed)."""
    out.mkdir(parents=True, exist_ok=True)
    r = random.Random(seed)
    for i in range(count):
        doc_type = r.choice(DOC_TYPES)
        dpi = r.choice([200, 300])
        spec = dict(noise=r.choice([2, 4, 8]), skew=round(r.uniform(-7, 7), 2),
                    rotation=r.choice([0, 0, 0, 90, 180, 270]))
        for key, value in [("seal", True), ("signature", True), ("yellow", 0.6), ("light", 0.3),
                           ("fold", 0.3), ("blur", 1.2), ("show_through", 0.25), ("low_contrast", 0.5),
                           ("jpeg", 35)]:
            if r.random() < 0.25:
                spec[key] = value
        img, gt = make_page(doc_type, seed * 1000 + i, dpi, spec)
        save_jpeg(img, gt, out / f"bench_{i:03d}_{doc_type}_{dpi}dpi.jpg")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--set", required=True, choices=["demo", "degraded", "types", "bench", "reallike"])
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--count", type=int, default=40, help="pages of the bench set")
    ap.add_argument("--per-type", type=int, default=2, help="instances per type in the types set")
    a = ap.parse_args(argv)
    if a.set == "demo":
        build_demo(a.out, a.seed)
    elif a.set == "degraded":
        build_degraded(a.out, a.seed)
    elif a.set == "types":
        build_types(a.out, a.seed, a.per_type)
    elif a.set == "reallike":
        build_reallike(a.out, a.seed, a.count)
    else:
        build_bench(a.out, a.seed, a.count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
