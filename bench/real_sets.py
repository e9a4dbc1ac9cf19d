"""The transcribed pages of the real documents, by set (development or reported, tests/data/real_split.json),
for the text-layer benchmarks: each page's reference, its transcription and a short name."""
from __future__ import annotations

import json
from pathlib import Path

from digitize.model import PageRef

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "real-scans"
DATA = REPO / "bench" / "data"
QD222_PAGES = (1, 2, 3, 6, 10, 11, 12, 13, 18, 23, 24, 25, 27, 28)

# document id -> (page spec under real-scans, pages in the file, transcription)
TRANSCRIBED: dict[str, list[tuple[str, int, Path]]] = {
    "nd199-2026": [(f"nd199-2026/nd199_2026_p{n}.tif", 1, CORPUS / "nd199-2026" / f"nd199_2026_p{n}.gt.txt")
                   for n in (1, 2, 3)],
    "qd222-2025": [(f"qd222-2025/222-ttg.signed.pdf#{n}", 28, DATA / "qd222-2025" / f"qd222_2025_p{n:02d}.gt.txt")
                   for n in QD222_PAGES],
    **{f"dl_2025_{n}": [(f"epu-notices/dl_2025_{n}.jpg", 1, DATA / "epu-notices" / f"dl_2025_{n}.gt.txt")]
       for n in ("0003", "0005")},
    # reported pages: their transcriptions apart, in bench/data/reported
    "dl_2025_0008": [("epu-notices/dl_2025_0008.jpg", 1, DATA / "reported" / "dl_2025_0008.gt.txt")],
    "kh753-2026": [("kh753-2026/kh-753-2026.pdf#1", 4, DATA / "reported" / "kh753_2026_p1.gt.txt")],
    "vbpl-signature-page": [("vbpl-pages/signature-page.jpg", 1, DATA / "reported" / "signature-page.gt.txt")],
}


def set_ids(which: str) -> list[str]:
    split = json.loads((REPO / "tests" / "data" / "real_split.json").read_text("utf-8"))
    return [d["id"] for d in split[which]]


def transcribed_pages(which: str) -> list[tuple[str, PageRef, str]]:
    """(name, page, transcription) of every transcribed page of the set's documents."""
    out = []
    for doc in set_ids(which):
        for spec, count, truth in TRANSCRIBED.get(doc, []):
            if not truth.is_file():
                continue
            path, _, page = spec.partition("#")
            ref = PageRef(str(CORPUS / path), int(page), count) if page else PageRef(str(CORPUS / path))
            out.append((truth.name.replace(".gt.txt", ""), ref, truth.read_text(encoding="utf-8")))
    return out
