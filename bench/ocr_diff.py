"""Where the text layer differs from the truth, page by page, for the pipeline and for plain tesseract: the
edits of each side (rapidfuzz opcodes on the normalised texts), merged into spans and classified.

Classes: `tone` (the same letters but for tone marks or hats), `inserted` (text the truth does not have: a
seal, signature, stamp or noise read as letters), `dropped` (printed text not read), `order` (a dropped span
that the hypothesis has elsewhere: the same words in another place), `misread` (other substitutions).

    python bench/ocr_diff.py TEXTS_DIR [--only p01,p28] [--show 40]

TEXTS_DIR is the folder bench_ocr.py prints at the end (`<set>-<page>.ours.txt` and `.plain.txt`).
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_ocr as bench  # noqa: E402

from digitize.vn.metrics import normalise  # noqa: E402

MERGE_GAP = 3  # edits this close together are one span


def bare(text: str) -> str:
    """Letters without tone marks or hats (đ stays đ: it is a letter, not a mark)."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def spans(hyp: str, ref: str) -> list[tuple[int, int, int, int, int]]:
    """(ref_start, ref_end, hyp_start, hyp_end, edit count) of merged edit runs."""
    merged: list[list[int]] = []
    for op in Levenshtein.editops(hyp, ref):
        cost_pos_ref, cost_pos_hyp = op.dest_pos, op.src_pos
        if merged and cost_pos_ref - merged[-1][1] <= MERGE_GAP and cost_pos_hyp - merged[-1][3] <= MERGE_GAP:
            last = merged[-1]
            last[1] = max(last[1], cost_pos_ref + (op.tag != "delete"))
            last[3] = max(last[3], cost_pos_hyp + (op.tag != "insert"))
            last[4] += 1
        else:
            merged.append([cost_pos_ref, cost_pos_ref + (op.tag != "delete"),
                           cost_pos_hyp, cost_pos_hyp + (op.tag != "insert"), 1])
    return [tuple(m) for m in merged]  # type: ignore[misc]


def classify(ref_part: str, hyp_part: str, hyp: str) -> str:
    if ref_part and hyp_part and bare(ref_part) == bare(hyp_part):
        return "tone"
    if not ref_part.strip():
        return "inserted"
    if not hyp_part.strip():
        return "order" if len(ref_part.strip()) >= 8 and ref_part.strip() in hyp else "dropped"
    if len(hyp_part) > 2 * len(ref_part) + 4:
        return "inserted"
    if len(ref_part) > 2 * len(hyp_part) + 4:
        return "order" if len(ref_part.strip()) >= 8 and ref_part.strip() in hyp else "dropped"
    return "misread"


def report(name: str, hyp: str, ref: str, show: int) -> Counter:
    hyp, ref = normalise(hyp), normalise(ref)
    counts: Counter = Counter()
    rows = []
    for r0, r1, h0, h1, n in spans(hyp, ref):
        kind = classify(ref[r0:r1], hyp[h0:h1], hyp)
        counts[kind] += n
        rows.append((n, kind, ref[max(0, r0 - 12):r0], ref[r0:r1], hyp[h0:h1]))
    total = sum(counts.values())
    print(f"{name}: {total} edits / {len(ref)} chars = {100 * total / max(1, len(ref)):.2f} %  "
          + "  ".join(f"{k} {v}" for k, v in counts.most_common()))
    for n, kind, before, want, got in sorted(rows, key=lambda r: -r[0])[:show]:
        print(f"   {n:4d} {kind:8s} …{before!s:>12s}[{want}] -> [{got}]")
    return counts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("texts")
    ap.add_argument("--only", default="")
    ap.add_argument("--show", type=int, default=25)
    args = ap.parse_args(argv)
    folder = Path(args.texts)
    truths = {f"{p.set}-{p.name}": p.truth for p in bench.real_pages() + bench.dev_pages()}
    for key, truth in truths.items():
        if args.only and not any(s in key for s in args.only.split(",")):
            continue
        for side in ("ours", "plain"):
            text = folder / f"{key}.{side}.txt"
            if text.is_file():
                report(f"{key} {side}", text.read_text(encoding="utf-8"), truth, args.show)
        print()


if __name__ == "__main__":
    main()
