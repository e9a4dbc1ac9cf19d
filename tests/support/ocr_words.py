"""OCR words laid out as tesseract reports them, for extraction tests that need a layout but not an image."""
from __future__ import annotations

from types import SimpleNamespace

from digitize.model import OcrPage, Word

W, H = 1654, 2339  # A4 at 200 dpi
CHAR, SPACE, LINE = 18, 14, 70  # px per character, between words, between lines


def ocr_page(rows, marks=None):
    """Rows of (text, x, confidence) from the top of the page; a text with two spaces inside opens a wide gap
    there; `marks` maps a word to the reading the OCR gave before the tone corrector chose other marks."""
    marks = marks or {}
    words, lines = [], []
    for li, (text, x, conf) in enumerate(rows):
        y = 200 + li * LINE
        for chunk in text.split("  "):
            for w in chunk.split():
                words.append(Word(w, conf, (x, y, x + CHAR * len(w), y + 40), li, marks.get(w, "")))
                x += CHAR * len(w) + SPACE
            x += 6 * SPACE
        lines.append(text)
    return SimpleNamespace(ocr=OcrPage(tuple(words), tuple(lines), W, H))
