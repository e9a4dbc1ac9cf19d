"""Derive digitize/vn/data/syllable_lm.npz, the syllable n-gram model of `digitize.vn.lm`, from
../shared/corpus/vietnamese-legal-text/corpus.txt.xz (95 consolidated legal documents, see its INDEX.md).

Deterministic: the same corpus gives the same bytes (vocabulary in count-then-alphabetical order, arrays
sorted by key, zip entries with a fixed date). Tokens come from `digitize.vn.lm.sentences`, the same
tokeniser the corrector reads OCR lines with.

    .venv/bin/python bench/build_lm.py [--min-syllable 2] [--min-bigram 2] [--min-trigram 3]
"""
from __future__ import annotations

import argparse
import io
import lzma
import sys
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitize.vn.lm import BOUNDARY, MODEL_PATH, NUMBER, UNKNOWN, sentences  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "vietnamese-legal-text" / "corpus.txt.xz"


def read_runs(path: Path) -> list[list[str]]:
    with lzma.open(path, "rt", encoding="utf-8") as f:
        return list(sentences(f))


def vocabulary(runs: list[list[str]], min_count: int) -> list[str]:
    counts = Counter(t for run in runs for t in run)
    words = sorted((w for w, c in counts.items() if c >= min_count and not w.startswith("<")),
                   key=lambda w: (-counts[w], w))
    return [BOUNDARY, NUMBER, UNKNOWN] + words


def id_stream(runs: list[list[str]], vocab: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token ids with `<s>` around every run, and a mask of the first position of each run."""
    index = {w: i for i, w in enumerate(vocab)}
    unk = index[UNKNOWN]
    ids: list[int] = []
    starts: list[int] = []
    for run in runs:
        starts.append(len(ids))
        ids += [0] + [index.get(t, unk) for t in run] + [0]
    start = np.zeros(len(ids), dtype=bool)
    start[starts] = True
    return np.asarray(ids, dtype=np.int64), start


def discount(counts: np.ndarray) -> float:
    n1, n2 = int(np.sum(counts == 1)), int(np.sum(counts == 2))
    return n1 / (n1 + 2 * n2) if n1 + n2 else 0.5


def context_totals(keys: np.ndarray, counts: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """For each distinct context (key // size): (context key, [total count, distinct followers])."""
    ctx = keys // size
    uniq, first = np.unique(ctx, return_index=True)
    totals = np.add.reduceat(counts, first)
    followers = np.diff(np.append(first, len(ctx)))
    return uniq, np.stack([totals, followers], axis=1)


def build(runs: list[list[str]], min_syllable: int, min_bigram: int, min_trigram: int) -> dict[str, np.ndarray]:
    vocab = vocabulary(runs, min_syllable)
    size = len(vocab)
    ids, start = id_stream(runs, vocab)
    ok2 = ~start[1:]
    bi_all, bi_n = np.unique(ids[:-1][ok2] * size + ids[1:][ok2], return_counts=True)
    ok3 = ~start[1:-1] & ~start[2:]
    tri_all, tri_n = np.unique((ids[:-2][ok3] * size + ids[1:-1][ok3]) * size + ids[2:][ok3], return_counts=True)
    ctx1 = np.zeros((size, 2), dtype=np.int64)
    c1_keys, c1 = context_totals(bi_all, bi_n, size)
    ctx1[c1_keys] = c1
    continuation = np.bincount(bi_all % size, minlength=size)
    c2_keys, c2 = context_totals(tri_all, tri_n, size)
    keep2, keep3 = bi_n >= min_bigram, tri_n >= min_trigram
    kept_ctx = np.isin(c2_keys, np.unique(tri_all[keep3] // size))
    return {
        "vocab": np.array("\n".join(vocab)),
        "discount": np.array([discount(bi_n), discount(tri_n)], dtype=np.float32),
        "continuation": continuation.astype(np.uint32),
        "ctx1": ctx1.astype(np.uint32),
        "bi_keys": bi_all[keep2].astype(np.uint32), "bi_counts": bi_n[keep2].astype(np.uint32),
        "ctx2_keys": c2_keys[kept_ctx].astype(np.uint64), "ctx2": c2[kept_ctx].astype(np.uint32),
        "tri_keys": tri_all[keep3].astype(np.uint64), "tri_counts": tri_n[keep3].astype(np.uint32),
    }


def write_npz(arrays: dict[str, np.ndarray], out: Path) -> None:
    """An .npz numpy.load reads, with fixed zip dates so the bytes depend on the data only."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arrays[name], allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, buf.getvalue())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--min-syllable", type=int, default=2)
    ap.add_argument("--min-bigram", type=int, default=2)
    ap.add_argument("--min-trigram", type=int, default=3)
    args = ap.parse_args(argv)
    runs = read_runs(args.corpus)
    arrays = build(runs, args.min_syllable, args.min_bigram, args.min_trigram)
    write_npz(arrays, args.out)
    print(f"{sum(map(len, runs))} tokens, {len(str(arrays['vocab']).splitlines())} types, "
          f"{len(arrays['bi_keys'])} bigrams, {len(arrays['tri_keys'])} trigrams -> {args.out} "
          f"({args.out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
