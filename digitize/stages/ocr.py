"""OCR stage: Page -> OcrPage (words with boxes and confidences, lines, NFC text).

The engine is created once per process and reused; the pipeline's worker initialiser calls
`engine()` so the model is loaded before the first page arrives.
"""
from __future__ import annotations

from digitize.model import OcrPage, Page
from digitize.tools import tesseract

_ENGINES: dict[str, tesseract.OcrEngine] = {}


def engine(lang: str = "vie") -> tesseract.OcrEngine:
    if lang not in _ENGINES:
        _ENGINES[lang] = tesseract.make_engine(lang)
    return _ENGINES[lang]


def recognise(page: Page, lang: str = "vie") -> OcrPage:
    h, w = page.image.shape[:2]
    tsv = engine(lang).tsv(page.image, page.dpi or 300.0)
    return tesseract.parse_tsv(tsv, w, h)
