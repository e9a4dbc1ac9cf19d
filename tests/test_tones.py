"""Tone marks chosen with the syllable language model: the packaged model, the corrector's rules, and the
corrector on a real bilevel 200 dpi page (real tesseract, its LSTM choices)."""
from __future__ import annotations

import lzma
import unicodedata

import pytest

from bench import build_lm
from digitize.model import OcrPage, PageRef, Word
from digitize.settings import Settings
from digitize.settings import ocr_tones as tones_setting
from digitize.stages import ingest
from digitize.stages.ocr import page as ocr
from digitize.stages.ocr import tones as ocr_tones
from digitize.tools.tesseract import CliEngine
from digitize.vn import lm
from support.paths import CORPUS

QD222 = CORPUS / "real-scans" / "qd222-2025" / "222-ttg.signed.pdf"
LEGAL = CORPUS / "vietnamese-legal-text" / "corpus.txt.xz"


def phrase_logprob(model: lm.SyllableLM, text: str) -> float:
    return sum(model.logprob(c[0], c[1], c[2]) for c in lm.contexts(text.split()))


def test_model_prefers_the_printed_marks():
    model = lm.model()
    assert model is not None and model.size > 2000
    for right, corrupted in [("Căn cứ Luật Tổ chức Chính phủ", "Căn cứ Luật Tô chức Chính phú"),
                             ("Cộng hòa xã hội chủ nghĩa Việt Nam", "Cộng hòa xá hội chủ nghĩa Việt Nam"),
                             ("Kế hoạch hành động quốc gia", "Kê hoạch hành động quôc gia")]:
        assert phrase_logprob(model, right) > phrase_logprob(model, corrupted) + 5


def test_model_file_is_small():
    assert lm.MODEL_PATH.stat().st_size < 2_000_000


def test_builder_is_deterministic(tmp_path):
    with lzma.open(LEGAL, "rt", encoding="utf-8") as f:
        lines = [next(f) for _ in range(3000)]
    outs = []
    for name in ("a.npz", "b.npz"):
        arrays = build_lm.build(list(lm.sentences(lines)), 1, 1, 1)
        build_lm.write_npz(arrays, tmp_path / name)
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    small = lm.SyllableLM(tmp_path / "a.npz")
    assert small.logprob("<s>", "điều", "này") > small.logprob("<s>", "điều", "nảy")


def _choices(token: str, favoured: dict[int, str], listed: dict[int, str] | None = None) -> tuple[str, tuple]:
    """What the engine would say: each character read at 95, at `favoured` positions an alternative the OCR
    likes even better, and at `listed` positions an alternative it likes less."""
    symbols = []
    for i, c in enumerate(token):
        options = ((favoured[i], 99.0), (c, 90.0)) if i in favoured else ((c, 95.0),)
        if listed and i in listed:
            options += ((listed[i], 40.0),)
        symbols.append(options)
    return token, tuple(symbols)


def _correct(tokens: list[str], at: int, favoured: dict[int, str], listed: dict[int, str] | None = None) -> str:
    context = lm.contexts(tokens)[at]
    return ocr_tones.correct_token(lm.model(), tokens[at], context, _choices(tokens[at], favoured, listed))


def test_corrects_marks_and_keeps_case():
    assert _correct(["Luật", "Tô", "chức", "Chính", "phủ"], 1, {}, {1: "ổ"}) == "Tổ"
    assert _correct(["LUẬT", "TÔ", "CHỨC", "CHÍNH", "PHỦ"], 1, {}, {1: "Ổ"}) == "TỔ"
    assert _correct(["Căn", "cứ", "Luật", "tô", "chức"], 3, {}, {1: "ổ"}) == "tổ"


def test_veto_a_mark_the_ocr_did_not_list_is_not_chosen():
    # the model wants `Tổ`, but the OCR gave no alternative for the `ô`: the reading stays
    assert _correct(["Luật", "Tô", "chức", "Chính", "phủ"], 1, {}) == "Tô"
    # `đối với` read right stays, whatever the OCR lists: the context does not favour `đổi`
    assert _correct(["khẩn", "cấp", "đối", "với", "các"], 2, {}, {1: "ổ"}) == "đối"


@pytest.mark.parametrize("tokens,at,favoured", [
    (["Số:", "222/QĐ-TTg", "ngày"], 1, {5: "Ð"}),  # a code
    (["số", "199/2026/NĐ-CP", "ngày"], 1, {}),
    (["năm", "2035", "của"], 1, {0: "3"}),  # digits
    (["Chủ", "tịch", "UBND", "tỉnh"], 2, {0: "Ư"}),  # upper-case abbreviations
    (["TM.", "ỦY", "BAN"], 0, {1: "N"}),
    (["KT.", "BỘ", "TRƯỞNG"], 0, {}),
    (["Luật", "T0", "chức"], 1, {}),  # a token with a digit in it
])
def test_never_touches_codes_digits_abbreviations(tokens, at, favoured):
    assert _correct(tokens, at, favoured) == tokens[at]


def test_never_changes_letters():
    # the OCR would rather read `lô`: a letter change is not a mark change, so only marks are chosen
    out = _correct(["Luật", "tô", "chức", "Chính", "phủ"], 1, {0: "l"})
    assert lm.skeleton(out) == lm.skeleton("tô")


def test_a_mark_the_ocr_ruled_out_is_not_chosen():
    # `bản án sơ [thẩm]` is the commoner phrase, but tesseract listed only ố and ổ for this character
    tokens = ["theo", "bản", "án", "số"]
    context = lm.contexts(tokens, open_ends=True)[3]
    listed = ("số", ((("s", 95.0),), (("ố", 94.0), ("ổ", 0.0))))
    assert ocr_tones.correct_token(lm.model(), "số", context, listed) == "số"


def _page(lines: list[str]) -> tuple[OcrPage, dict]:
    words, choices = [], {}
    for n, line in enumerate(lines):
        for k, token in enumerate(line.split()):
            box = (100 * k, 50 * n, 100 * k + 80, 50 * n + 30)
            words.append(Word(token, 95.0, box, n))
            choices[box] = _choices(token, {}, {1: "ổ"} if token == "Tô" else None)
    return OcrPage(tuple(words), tuple(lines), 2000, 1000), choices


def test_personal_names_are_kept_and_lines_wrap():
    # `Nhung` would be `Nhưng` and `Ngân` `ngắn` to a model of legal text; `Tô` at a line's end goes on below
    page, choices = _page(["xử phạt vi phạm hành chính đối với bà Lương Thu Nhung", "Căn cứ Luật Tô",
                           "chức Chính phủ", "Họ và tên: Vũ Phương Ngân"])
    out = ocr_tones.apply(page, choices)
    assert out.lines == ("xử phạt vi phạm hành chính đối với bà Lương Thu Nhung", "Căn cứ Luật Tổ",
                         "chức Chính phủ", "Họ và tên: Vũ Phương Ngân")
    assert [w.text for w in out.words] == " ".join(out.lines).split()


def test_cli_engine_gives_no_choices():
    engine = CliEngine()
    import numpy as np

    image = np.full((60, 200), 255, dtype=np.uint8)
    tsv, choices = ocr_tones.read(engine, image, 200.0)
    assert choices is None and isinstance(tsv, str)


def test_setting_turns_it_off(monkeypatch):
    for value, on in (("0", False), ("off", False), ("1", True)):
        monkeypatch.setenv("DIGITIZE_OCR_TONES", value)
        assert tones_setting() is on
    monkeypatch.delenv("DIGITIZE_OCR_TONES")
    assert tones_setting() is True


def _words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def test_real_bilevel_page_marks_fixed_and_nothing_else(monkeypatch):
    """Page 1 of Quyết định 222/QĐ-TTg (G4, 200 dpi): tesseract reads `Luật Tô chức Chính phủ`; with the model
    the text layer says `Tổ`. Every word it changes keeps its letters, digits and codes."""
    page = ingest.load_page(PageRef(str(QD222), 1, 28), Settings().limits)
    off = ocr.recognise(page, tones=False)
    on = ocr.recognise(page, tones=True)
    assert "Luật Tô chức Chính phủ" in off.text  # the confusion is there without the model
    assert "Luật Tổ chức Chính phủ" in on.text and "Luật Tô chức" not in on.text
    before, after = _words(off.text), _words(on.text)
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert 3 <= len(changed) <= 40
    for a, b in changed:
        assert lm.skeleton(a) == lm.skeleton(b), (a, b)
        assert not any(ch.isdigit() for ch in a + b) and "-" not in a
        assert a.isupper() == b.isupper()
    assert [w.text for w in on.words] == after  # words and lines say the same


def test_switching_tone_marks_off_changes_the_settings_key(monkeypatch):
    """A store digitised with the model off is redone when it is turned on: the key says what made the text,
    and the CLI reads the environment switch once, into the settings the workers get."""
    from digitize.cli.common import ProcessingOptions
    from digitize.settings import Settings

    assert Settings(ocr_tones=False).key() != Settings().key()
    options = ProcessingOptions(profile="auto", profiles_dir=None, sign=False, signer="demo", pdfa="2b", jobs=1,
                                tsa=None, ltv=False, stamp=True, organisation=None, copy_form="SAO Y",
                                post_correct=False, redo_ocr=False)
    monkeypatch.setenv("DIGITIZE_OCR_TONES", "0")
    assert options.settings().ocr_tones is False
    monkeypatch.delenv("DIGITIZE_OCR_TONES")
    assert options.settings().ocr_tones is True
