"""Corrections that help and corrections that hurt, counted on the real development pages against their
transcriptions: the tone-mark corrector of the text layer (`stages/ocr/tones.py`) with and without its veto
(a mark changes only to one the OCR listed for that character), and the phrase corrector of field values
(`vn/plausibility.fix_phrases`, with its veto) applied to every OCR line.

A changed word is matched to the transcription by aligning both token streams with their marks folded away
(so the alignment does not depend on the correction): it helps when the transcription has the new spelling,
hurts when it had the old one, and is neutral otherwise. Each page is read once; both corrector variants are
applied to the same reading.

    python bench/bench_corrections.py [--json out.json]
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
from bench import bench_ocr  # noqa: E402
from digitize.settings import Settings  # noqa: E402
from digitize.stages import geometry, ingest  # noqa: E402
from digitize.stages.ocr import page as ocr  # noqa: E402
from digitize.stages.ocr import tones  # noqa: E402
from digitize.vn import plausibility  # noqa: E402
from digitize.vn.plausibility import fix_phrases  # noqa: E402
from digitize.vn.text import fold  # noqa: E402


def dev_pages() -> list[bench_ocr.BenchPage]:
    """The development pages with a transcription (tests/data/real_split.json): nd199 (3), the qd222 pages of
    bench/data, two EPU notices; the reported set is never counted here."""
    return bench_ocr.dev_pages()


def _core(token: str) -> str:
    return token.strip(".,;:()\"'“”!?")


def judge(changes: list[tuple[int, str, str]], tokens: list[str], truth: str) -> tuple[int, int, int]:
    """(helped, hurt, neutral) of changes (position in `tokens`, old, new) against the transcription."""
    want = [_core(t) for t in truth.split()]
    got = [_core(t) for t in tokens]
    matcher = difflib.SequenceMatcher(None, [fold(t) for t in got], [fold(t) for t in want], autojunk=False)
    aligned: dict[int, str] = {}
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            aligned.update({a0 + k: want[b0 + k] for k in range(a1 - a0)})
    helped = hurt = 0
    for at, old, new in changes:
        truth_word = aligned.get(at)
        helped += truth_word == _core(new)
        hurt += truth_word == _core(old)
    return helped, hurt, len(changes) - helped - hurt


def _tone_variants(page) -> dict[str, object]:
    """The page's OCR before tone correction, corrected with and without the veto."""
    captured = {}
    original = tones.apply

    def capture(page_text, choices):
        captured["page"], captured["choices"] = page_text, choices
        return page_text

    tones.apply = capture
    try:
        straight, _ = geometry.straighten(page, Settings())
        ocr.recognise(straight)
    finally:
        tones.apply = original
    out = {}
    for name, strict in (("without veto", False), ("with veto", True)):
        tones.REQUIRE_LISTED = strict
        out[name] = original(captured["page"], captured["choices"])
    tones.REQUIRE_LISTED = True
    return out


def _phrase_changes(lines: tuple[str, ...], truth: str, veto: bool) -> tuple[int, int, int]:
    """(helped, hurt, neutral) of `fix_phrases` on each line, with its veto or with the veto never firing."""
    saved = plausibility._read_is_likelier
    if not veto:
        plausibility._read_is_likelier = lambda *_: False
    try:
        tokens, changes = [], []
        for line in lines:
            fixed, read = fix_phrases(line).value.split(), line.split()
            if len(fixed) == len(read):
                changes += [(len(tokens) + k, a, b) for k, (a, b) in enumerate(zip(read, fixed)) if a != b]
            tokens += fixed if len(fixed) == len(read) else read
    finally:
        plausibility._read_is_likelier = saved
    return judge(changes, tokens, truth)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    totals: dict[str, list[int]] = {}
    for bp in dev_pages():
        page = ingest.load_page(bp.ref, Settings().limits)
        for name, result in _tone_variants(page).items():
            tokens = [w.text for w in result.words]
            changes = [(i, w.marks_from, w.text) for i, w in enumerate(result.words) if w.marks_from]
            acc = totals.setdefault(f"tones {name}", [0, 0, 0])
            for k, v in enumerate(judge(changes, tokens, bp.truth)):
                acc[k] += v
        for name, veto in (("without veto", False), ("with veto", True)):
            acc = totals.setdefault(f"phrases on OCR lines {name}", [0, 0, 0])
            for k, v in enumerate(_phrase_changes(result.lines, bp.truth, veto)):
                acc[k] += v
        print(bp.name, {k: tuple(v) for k, v in totals.items()}, flush=True)
    result = {k: {"helped": v[0], "hurt": v[1], "neutral": v[2]} for k, v in totals.items()}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
