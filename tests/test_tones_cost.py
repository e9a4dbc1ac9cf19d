"""What the tone-mark corrector asks the OCR for: per-character alternatives only for the words the model could
change, each read again on its own (real tesseract on a real bilevel 200 dpi page)."""
from __future__ import annotations

from digitize.model import OcrPage, PageRef, Word
from digitize.settings import Settings
from digitize.stages import ingest
from digitize.stages.ocr import page as ocr
from digitize.stages.ocr import tones as ocr_tones
from digitize.tools import tesseract
from digitize.vn import lm
from support.paths import CORPUS

QD222 = CORPUS / "real-scans" / "qd222-2025" / "222-ttg.signed.pdf"


def _page(lines: list[str]) -> OcrPage:
    words = [Word(token, 95.0, (100 * k, 50 * n, 100 * k + 80, 50 * n + 30), n)
             for n, line in enumerate(lines) for k, token in enumerate(line.split())]
    return OcrPage(tuple(words), tuple(lines), 2000, 1000)


def test_a_page_read_right_asks_for_no_alternatives():
    asked: list[list] = []

    def reader(boxes):
        asked.append(boxes)
        return {}

    page = _page(["Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;",
                  "Theo đề nghị của Bộ trưởng Bộ Nội vụ,"])
    assert ocr_tones.apply(page, reader) == page
    assert asked == []


def test_the_doubtful_word_is_the_one_read_again():
    asked: list[list] = []

    def reader(boxes):
        asked.append(boxes)
        return {}

    page = _page(["Căn cứ Luật Tô chức Chính phủ ngày 18 tháng 02 năm 2025;"])
    ocr_tones.apply(page, reader)
    assert [[page.words[k].text for k in range(len(page.words)) if page.words[k].box in boxes]
            for boxes in asked] == [["Tô"]]


def test_worth_a_look_is_the_model_alone_beating_the_margin():
    model = lm.model()
    tokens = ["Căn", "cứ", "Luật", "Tô", "chức", "Chính", "phủ"]
    contexts = lm.contexts(tokens, open_ends=True)
    assert [ocr_tones.worth_a_look(model, t, c) for t, c in zip(tokens, contexts)] == [
        False, False, False, True, False, False, False]
    assert not ocr_tones.worth_a_look(model, "222/QĐ-TTg", contexts[3])  # codes are never candidates


def test_real_page_reads_few_words_again_and_still_fixes_the_marks(monkeypatch):
    """Page 1 of Quyết định 222/QĐ-TTg: `Luật Tô chức` is fixed from the alternatives of the word read again on
    its own; only a few of the page's words are read twice, and every word changed is one of them."""
    page = ingest.load_page(PageRef(str(QD222), 1, 28), Settings().limits)
    engine = ocr.engine()
    asked: list[tuple[int, int, int, int]] = []
    original = tesseract.TesserocrEngine.word_choices

    def recording(self, image, dpi, boxes):
        asked.extend(boxes)
        return original(self, image, dpi, boxes)

    monkeypatch.setattr(tesseract.TesserocrEngine, "word_choices", recording)
    assert isinstance(engine, tesseract.TesserocrEngine)
    on = ocr.recognise(page, tones=True)
    off = ocr.recognise(page, tones=False)
    assert "Luật Tổ chức Chính phủ" in on.text and "Luật Tô chức Chính phủ" in off.text
    assert 0 < len(asked) <= 0.1 * len(off.words)
    changed = [a.box for a, b in zip(off.words, on.words) if a.text != b.text]
    assert changed and set(changed) <= set(asked)
