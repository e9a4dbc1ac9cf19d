"""Generator families for open-world field extraction: document types no profile was written for.

Four families share this machinery and nothing else:
- `samples/heldout/` — the held-out family: its own document types, label spellings and layouts, fixed seeds.
  It was written before the extraction rules and is only ever scored, never read while writing rules.
- `samples/devset/` — the development family the rules were written against.
- `samples/devset2/` — a second development family (other types, spellings, layouts), for studying the wrong
  values left unflagged without ever looking at the held-out family.
- `samples/devset3/` — a third development family, for the same study on the OCR of the merged pipeline.

    python samples/openworld.py --family heldout|devset|devset2|devset3 --out DIR [--count N] [--seed N]

Ground truth (`<name>.gt.json`) as for the other sets, plus `family`, and `labels` (field -> the label printed
for it). `fields` holds every value printed after a label on the page, under a canonical name: dates ISO,
identifiers and phone numbers without spaces, names and free text as printed. A label printed twice (two
parties) names its second value `<name>_2`.
"""
from __future__ import annotations

import argparse
import importlib
import random
import re
import sys
import unicodedata
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `samples` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from samples import layout as L  # noqa: E402
from samples.damage import degrade  # noqa: E402
from samples.docbase import Doc  # noqa: E402

FAMILIES = ("heldout", "devset", "devset2", "devset3")
SEEDS = {"heldout": 8101, "devset": 4242, "devset2": 5353, "devset3": 6868}  # fixed: the sets are the same on every machine


def bare_label(label: str) -> str:
    """'3. Số điện thoại:' -> 'Số điện thoại' (the label without its item number and colon)."""
    return re.sub(r"^\s*(\d{1,2}[.)]|[a-zđ][.)]|[-–•+])\s*", "", label).strip(" :")


class Form(Doc):
    """A Doc that also records the printed label of every field, and numbers repeated names."""

    def __init__(self, rng: random.Random, flaw: str | None = None):
        super().__init__(rng, flaw)
        self.labels: dict[str, str] = {}

    def plan(self, droppable: list[str], invalidable: list[str]) -> None:
        if self.flaw == "invalid" and not invalidable or self.flaw == "missing" and not droppable:
            self.flaw = None  # this type has nothing to break that way
        super().plan(droppable, invalidable)

    def unique(self, name: str) -> str:
        k, out = 2, name
        while out in self.fields or out in self.missing:
            out, k = f"{name}_{k}", k + 1
        return out

    def f(self, name, label, value, printed=None, para=False, **kw):
        name = self.unique(name)
        self.labels[name] = bare_label(label)
        return super().f(name, label, value, printed, para, **kw)

    def multi(self, parts, sep="     ", **kw):
        parts = [(self.unique(n), lab, v, str(v) if p is None else p) for n, lab, v, p in parts]
        for n, lab, _, _ in parts:
            self.labels[n] = bare_label(lab)
        return super().multi(parts, sep, **kw)


def templates(family: str):
    return importlib.import_module(f"samples.{family}.templates")


def render(family: str, doc_type: str, seed: int, dpi: int = 200, flaw: str | None = None):
    mod = templates(family)
    rng = random.Random(f"{family}:{doc_type}:{seed}")
    doc = Form(rng, flaw)
    getattr(mod, doc_type)(doc)
    rendered = L.render(doc.blocks, dpi)
    text = "\n".join(ln["text"] for ln in rendered.lines)
    gt = {"family": family, "doc_type": doc_type, "dpi": dpi, "rotation": 0, "skew": 0.0, "damage": [],
          "hard": False, "text": unicodedata.normalize("NFC", text), "fields": dict(doc.fields),
          "labels": dict(doc.labels), "missing": list(doc.missing), "invalid": list(doc.invalid),
          "lines": rendered.lines, "field_boxes": rendered.fields, "signature_box": rendered.marks.get("signature")}
    return rendered.image, gt


def build(family: str, out: Path, count: int, seed: int | None = None) -> list[Path]:
    """`count` mildly damaged pages cycling through the family's document types (deterministic)."""
    from samples.generate import save_jpeg

    seed = SEEDS[family] if seed is None else seed
    out.mkdir(parents=True, exist_ok=True)
    types = templates(family).DOC_TYPES
    r = random.Random(seed)
    paths = []
    for i in range(count):
        doc_type = types[i % len(types)]
        flaw = r.choice([None, None, None, "missing", "invalid"])
        dpi = r.choice([200, 200, 300])
        img, gt = render(family, doc_type, seed * 1000 + i, dpi, flaw)
        spec = dict(dpi=dpi, blur=0.7, skew=round(r.uniform(-2.0, 2.0), 2), yellow=round(r.uniform(0, 0.4), 2))
        if gt["signature_box"]:
            spec.update(seal=r.random() < 0.6, signature=True, signature_box=gt["signature_box"],
                        seal_text=gt["fields"].get("co_quan_ban_hanh", "ỦY BAN NHÂN DÂN"))
        img = degrade(img, spec, seed + i)
        gt["skew"] = spec["skew"]
        path = out / f"{family}_{i:03d}_{doc_type}.jpg"
        save_jpeg(img, gt, path, quality=80)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", required=True, choices=FAMILIES)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--count", type=int, default=24)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args(argv)
    build(a.family, a.out, a.count, a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
