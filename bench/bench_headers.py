"""Header fields of real official documents (issuing body and its parent line, number, place, date, kind,
subject, signer's authority, position and name), scored against values written by hand from the page images
(tests/data/real_official_headers.json), the development and the reported set apart (tests/data/real_split.json).

    python bench/bench_headers.py [--sets development,reported] [--cache DIR] [--errors]

Recall: exact values / values printed. Precision: exact values / values given for fields the truth speaks of
(a value for a field the page does not carry counts against it). Unflagged precision: the same over values not
flagged `needs_review` (a wrong value must be flagged). Handwritten fill-ins: right, or flagged; never wrong and
unflagged. `--cache DIR` keeps each page's OCR result (pickled) so that a second run only extracts.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitize.model import Extraction, PageRef, PageResult  # noqa: E402
from digitize.profiles.loader import load_profiles  # noqa: E402
from digitize.settings import Settings  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus" / "real-scans"
DATA = ROOT / "tests" / "data"
SUBJECT_NAMES = ("trich_yeu", "ve_viec")  # a profile may call the subject line by its own name
ACADEMIC = ("gs.ts.", "pgs.ts.", "pgs.", "gs.", "ts.", "ths.")  # a degree before the signer's name


def documents(which: str) -> list[dict]:
    """The truth of every document of one set ('development' or 'reported'), in the split's order."""
    truth = {d["id"]: d for d in json.loads((DATA / "real_official_headers.json").read_text("utf-8"))["documents"]}
    split = json.loads((DATA / "real_split.json").read_text("utf-8"))
    return [truth[d["id"]] for d in split[which]]


def page_ref(spec: str, page_count: int = 1) -> PageRef:
    path, _, page = spec.partition("#")
    return PageRef(str(REAL / path), int(page), page_count) if page else PageRef(str(REAL / path))


def _read(ref: PageRef) -> PageResult:
    from digitize.pipeline.pages import process_page

    return process_page(ref, Settings(redo_ocr=True))  # a signed PDF's own hidden text is not the scan's


def read_pages(docs: list[dict], jobs: int = 2, cache: Path | None = None) -> dict[str, list[PageResult]]:
    """Every listed page through the pipeline's page stage (real tesseract), in a pool of `jobs`."""
    refs = {d["id"]: [page_ref(p, d.get("page_count", 1)) for p in d["pages"]] for d in docs}
    flat = [r for rs in refs.values() for r in rs]
    got: dict[PageRef, PageResult] = {}
    todo = []
    for r in flat:
        f = _cache_file(cache, r)
        if f is not None and f.is_file():
            got[r] = pickle.loads(f.read_bytes())
        else:
            todo.append(r)
    if todo:
        with ProcessPoolExecutor(max_workers=jobs) as ex:
            for r, res in zip(todo, ex.map(_read, todo)):
                got[r] = res
                f = _cache_file(cache, r)
                if f is not None:
                    f.write_bytes(pickle.dumps(res))
    return {k: [got[r] for r in rs] for k, rs in refs.items()}


def _cache_file(cache: Path | None, ref: PageRef) -> Path | None:
    if cache is None:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    return cache / (hashlib.sha1(f"{ref.path}#{ref.page}".encode()).hexdigest()[:16] + ".pkl")


def norm(v: Any) -> str:
    t = unicodedata.normalize("NFC", " ".join(str(v).split())).casefold().strip(" .;,")
    for title in ACADEMIC:
        if t.startswith(title):
            return t[len(title):].strip()
    return t


def got_field(ex: Extraction, name: str):
    names = SUBJECT_NAMES if name == "trich_yeu" else (name,)
    return next((f for f in ex.fields if f.name in names and f.value is not None), None)


def score(docs: list[dict], extractions: dict[str, Extraction]) -> dict[str, Any]:
    printed = right = given = unflagged = unflagged_right = 0
    hand = hand_ok = 0
    per_field: dict[str, list[int]] = {}
    errors = []
    for doc in docs:
        ex = extractions[doc["id"]]
        for name in [*doc["fields"], *doc.get("absent", [])]:
            want = doc["fields"].get(name)
            f = got_field(ex, name)
            ok = f is not None and want is not None and norm(f.value) == norm(want)
            c = per_field.setdefault(name, [0, 0])
            if want is not None:
                printed += 1
                right += ok
                c[0] += 1
                c[1] += ok
            if f is not None:
                given += 1
                if not f.needs_review:
                    unflagged += 1
                    unflagged_right += ok
            if name in doc.get("handwritten", ()):
                hand += 1
                any_f = next((g for g in ex.fields if g.name == name), None)
                hand_ok += ok or bool(any_f is not None and any_f.needs_review and (f is None or f.needs_review))
            if not ok and (want is not None or f is not None):
                errors.append({"doc": doc["id"], "field": name, "want": want,
                               "got": None if f is None else f.value, "flagged": bool(f and f.needs_review),
                               "reason": f.reason if f is not None else ""})
    return {"documents": len(docs), "printed_values": printed,
            "recall": round(right / printed, 4) if printed else 1.0,
            "precision": round(right / given, 4) if given else 1.0,
            "precision_unflagged": round(unflagged_right / unflagged, 4) if unflagged else 1.0,
            "handwritten_right_or_flagged": f"{hand_ok}/{hand}",
            "per_field": {k: f"{v[1]}/{v[0]}" for k, v in sorted(per_field.items())},
            "errors": errors}


def extract_all(docs: list[dict], pages: dict[str, list[PageResult]]) -> dict[str, Extraction]:
    from digitize.stages.extract.fields import extract

    profiles = load_profiles()
    return {d["id"]: extract(pages[d["id"]], profiles) for d in docs}


def bench_headers(sets: tuple[str, ...] = ("development", "reported"), jobs: int = 2,
                  cache: Path | None = None) -> dict[str, Any]:
    out = {}
    for which in sets:
        docs = documents(which)
        out[which] = score(docs, extract_all(docs, read_pages(docs, jobs, cache)))
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="development,reported")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--cache", default=None)
    ap.add_argument("--errors", action="store_true")
    args = ap.parse_args(argv)
    res = bench_headers(tuple(args.sets.split(",")), args.jobs, Path(args.cache) if args.cache else None)
    for which, r in res.items():
        if args.errors:
            for e in r["errors"]:
                print("  ", json.dumps(e, ensure_ascii=False))
        print(which, json.dumps({k: v for k, v in r.items() if k != "errors"}, ensure_ascii=False))
    return res


if __name__ == "__main__":
    main()
