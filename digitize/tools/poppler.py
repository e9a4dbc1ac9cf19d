"""The one wrapper around poppler: pdftotext gives the words of an existing text layer with their
boxes, so a PDF that is already searchable is not OCRed again (unless --redo-ocr); pdftoppm (through
pdf2image) rasterises a scanned PDF page that is not simply one JPEG."""
from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET

import cv2
import numpy as np
from pdf2image import convert_from_path
from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

from digitize.errors import InputError
from digitize.model import OcrPage, PageRef, Word
from digitize.tools import require
from digitize.tools import run as tools_run

TIMEOUT_S = 120  # a page's text layer; a slower PDF is refused, naming the page
PDFTOTEXT_MINIMUM = (0, 86)  # -bbox-layout


def rasterise(ref: PageRef, dpi: float = 300, size: tuple[int, int] | None = None) -> np.ndarray:
    """One PDF page as a BGR image at `dpi`, or scaled to `size` (width, height) in pixels."""
    require("pdftoppm", "poppler-utils")
    try:
        # pdf2image's hints say int and tuple; it passes both on to pdftoppm as text
        images = convert_from_path(ref.path, dpi=dpi, first_page=ref.page, last_page=ref.page,  # type: ignore[arg-type]
                                   size=size)  # type: ignore[arg-type]
    except (PDFPageCountError, PDFSyntaxError) as e:
        raise InputError(str(ref), f"cannot rasterise PDF page: {str(e).splitlines()[0][:160]}") from None
    if not images:
        raise InputError(str(ref), "cannot rasterise PDF page")
    return cv2.cvtColor(np.asarray(images[0].convert("RGB")), cv2.COLOR_RGB2BGR)


def text_layer(path: str, page: int, width_px: int, height_px: int) -> OcrPage:
    """Words of one page scaled from PDF points to the page image's pixels."""
    label = f"{path}:{page}"
    tools_run.version("pdftotext", "poppler-utils", PDFTOTEXT_MINIMUM, ("-v",))
    proc = tools_run.run("pdftotext", "poppler-utils", ["-bbox-layout", "-f", str(page), "-l", str(page), path, "-"],
                         label=label, timeout=TIMEOUT_S)
    if proc.returncode != 0:
        raise InputError(label, f"cannot read text layer: {proc.stderr[:160]}")
    root = ET.fromstring(proc.stdout.replace('xmlns="http://www.w3.org/1999/xhtml"', ""))
    pg = root.find(".//page")
    if pg is None:
        return OcrPage((), (), width_px, height_px)
    sx = width_px / float(pg.get("width", 1))
    sy = height_px / float(pg.get("height", 1))
    words: list[Word] = []
    lines: list[str] = []
    for line in pg.iter("line"):
        texts = []
        for w in line.iter("word"):
            text = unicodedata.normalize("NFC", (w.text or "").strip())
            if not text:
                continue
            x0, y0, x1, y1 = (float(w.get(k) or 0) for k in ("xMin", "yMin", "xMax", "yMax"))
            box = (int(x0 * sx), int(y0 * sy), int(x1 * sx), int(y1 * sy))
            words.append(Word(text, 100.0, box, len(lines)))
            texts.append(text)
        if texts:
            lines.append(" ".join(texts))
    return OcrPage(tuple(words), tuple(lines), width_px, height_px)
