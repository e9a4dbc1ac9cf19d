"""Derive digitize/data/syllables_vie.txt: the attested Vietnamese syllables used by post-correction.

Source: the word list unpacked from Tesseract's vie.traineddata (tessdata_fast, Apache-2.0), kept in
../shared/corpus/vietnamese-lexicon/tesseract_vie_wordlist.txt. Every entry is lower-cased, given the
canonical tone placement, and kept only if it is a well-formed syllable by digitize.vn.text.is_syllable.
Run: .venv/bin/python bench/derive_syllables.py [WORDLIST]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitize.vn.text import canonical, is_syllable  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "vietnamese-lexicon" / "tesseract_vie_wordlist.txt"


def derive(wordlist: Path) -> list[str]:
    words = {canonical(w.strip().lower()) for w in wordlist.read_text("utf-8").split()}
    return sorted(w for w in words if w and is_syllable(w))


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    out = ROOT / "digitize" / "data" / "syllables_vie.txt"
    syll = derive(src)
    out.write_text("\n".join(syll) + "\n", "utf-8")
    print(f"{len(syll)} syllables -> {out}")
