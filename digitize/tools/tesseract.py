"""The one wrapper around tesseract: an in-process engine (tesserocr, built against Debian's
libtesseract) when available, the CLI through pytesseract otherwise. Both produce tesseract's
TSV, parsed here into OcrPage, so the two paths give the same structure.

Tesseract's own OpenMP threading makes it several times slower on small machines; we
parallelise pages across processes instead, so the engine factory limits it to one thread
(tools.run.one_thread) before the library loads.
"""
from __future__ import annotations

import importlib
import os
import unicodedata
from typing import Any, Protocol

import numpy as np
from PIL import Image

from digitize.errors import MissingDependency, UsageError
from digitize.model import OcrPage, Word
from digitize.settings import OCR_MODELS, ocr_engine, tessdata_best
from digitize.tools import run as tools_run

TESSERACT_MINIMUM = (4, 1)

# Page segmentation: 4 (one column of text of varying sizes) keeps the numbers of numbered lists
# that mode 3 drops as separate blocks (bench CER 3.0 % -> 2.2 % for ~5 % more time); side-by-side
# blocks it joins into one line are split again by the OCR stage's reading order.
DEFAULT_PSM = 4
TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")


class OcrEngine(Protocol):
    name: str

    def tsv(self, image: np.ndarray, dpi: float) -> str: ...


# Per word (keyed by its box, as in the TSV): its text and, per character, the LSTM's alternatives with
# tesseract's choice confidence (0..100). Engines that cannot tell (the CLI) simply lack the method.
SymbolChoices = tuple[tuple[str, float], ...]
WordChoices = dict[tuple[int, int, int, int], tuple[str, tuple[SymbolChoices, ...]]]


class ChoiceEngine(OcrEngine, Protocol):
    def word_choices(self, image: np.ndarray, dpi: float,
                     boxes: list[tuple[int, int, int, int]]) -> WordChoices: ...


# A word read again on its own is cut out with this much paper around it (shares of its height): enough for its
# marks and edges, too little to take in a neighbour's letters.
WORD_PAD = (0.1, 0.2)
SINGLE_LINE_PSM = 7


def tessdata_dir() -> str:
    env = os.environ.get("TESSDATA_PREFIX")
    if env:
        return env
    for d in TESSDATA_DIRS:
        if os.path.isdir(d):
            return d
    raise MissingDependency("tesseract", "language data not found (Debian package tesseract-ocr-vie)")


def _to_pil(image: np.ndarray) -> Image.Image:
    if image.ndim == 2:
        return Image.fromarray(image)
    return Image.fromarray(image[:, :, ::-1])  # BGR -> RGB


_APIS: dict[tuple[str, str], Any] = {}  # (tessdata folder, language) -> the process's one loaded model


class TesserocrEngine:
    """Model loaded once per process; ~0.1 s/page cheaper than starting the CLI. Engines of the same model
    with other page segmentation modes (the signer block's) share it: each sets its mode per page, and a
    second copy of the model would cost a worker 12 MiB."""

    name = "tesserocr"

    def __init__(self, lang: str = "vie", psm: int = DEFAULT_PSM, model: str = "fast"):
        import tesserocr

        path = model_dir(model, lang)
        if (path, lang) not in _APIS:
            _APIS[path, lang] = tesserocr.PyTessBaseAPI(path=path, lang=lang, psm=psm)
        self._api = _APIS[path, lang]
        self._psm = psm

    def tsv(self, image: np.ndarray, dpi: float) -> str:
        try:
            return self._recognise(image, dpi)
        finally:
            self._api.Clear()  # drop tesseract's copies of the page until the next one

    def word_choices(self, image: np.ndarray, dpi: float,
                     boxes: list[tuple[int, int, int, int]]) -> WordChoices:
        """Per-character alternatives of a few words of the page, each cut out and read again on its own as a
        line (mode 7) in choice mode: the cost of the choices for these words only, not for the whole page.
        Keyed by the given boxes; what the crop reads is its own reading (it may differ from the page's in
        marks, or in more); a box the crop reads nothing in is left out. Choice mode 1 gives the same lists
        as mode 2 (checked word for word on two real pages) for a third of its cost."""
        out: WordChoices = {}
        self._api.SetVariable("lstm_choice_mode", "1")
        self._api.SetPageSegMode(SINGLE_LINE_PSM)
        try:
            for box in boxes:
                crop, origin = _word_crop(image, box)
                self._api.SetImage(_to_pil(crop))
                self._api.SetSourceResolution(int(round(dpi)))
                self._api.Recognize()
                found = _overlapping(_word_choices(self._api), box, origin)
                if found is not None:
                    out[box] = found
        finally:
            self._api.Clear()
            self._api.SetVariable("lstm_choice_mode", "0")  # every read sets its own page segmentation mode
        return out

    def _recognise(self, image: np.ndarray, dpi: float) -> str:
        """The page's TSV, the page kept for an iterator (the caller clears it)."""
        self._api.SetPageSegMode(self._psm)
        self._api.SetImage(_to_pil(image))
        self._api.SetSourceResolution(int(round(dpi)))
        self._api.Recognize()
        return self._api.GetTSVText(0)


def _word_choices(api) -> WordChoices:
    from tesserocr import RIL, iterate_level  # optional package: only the engine that has it gets here

    out: WordChoices = {}
    symbols: list[SymbolChoices] = []
    key, text = None, ""
    for it in iterate_level(api.GetIterator(), RIL.SYMBOL):
        if it.IsAtBeginningOf(RIL.WORD):
            if key is not None:
                out[key] = (text, tuple(symbols))
            key = it.BoundingBox(RIL.WORD)
            text = unicodedata.normalize("NFC", it.GetUTF8Text(RIL.WORD) or "")
            symbols = []
        symbols.append(tuple((unicodedata.normalize("NFC", c.GetUTF8Text() or ""), float(c.Confidence()))
                             for c in it.GetChoiceIterator() or ()))  # None: no list for this symbol
    if key is not None:
        out[key] = (text, tuple(symbols))
    return out


def _word_crop(image: np.ndarray, box: tuple[int, int, int, int]) -> tuple[np.ndarray, tuple[int, int]]:
    x0, y0, x1, y1 = box
    pad_x, pad_y = (max(2, int(share * (y1 - y0))) for share in WORD_PAD)
    left, top = max(0, x0 - pad_x), max(0, y0 - pad_y)
    return image[top:y1 + pad_y, left:x1 + pad_x], (left, top)


def _overlapping(found: WordChoices, box: tuple[int, int, int, int], origin: tuple[int, int]):
    """The word of a crop's reading that covers most of `box` (crop coordinates shifted by `origin`)."""
    best, best_area = None, 0
    for (a, b, c, d), reading in found.items():
        area = (max(0, min(c + origin[0], box[2]) - max(a + origin[0], box[0]))
                * max(0, min(d + origin[1], box[3]) - max(b + origin[1], box[1])))
        if area > best_area:
            best, best_area = reading, area
    return best


class CliEngine:
    name = "tesseract-cli"

    def __init__(self, lang: str = "vie", psm: int = DEFAULT_PSM, model: str = "fast"):
        version()
        self.lang = lang
        self.psm = psm
        self.tessdata = model_dir(model, lang)

    def tsv(self, image: np.ndarray, dpi: float) -> str:
        import pytesseract

        return pytesseract.image_to_data(
            _to_pil(image), lang=self.lang, config=f"--tessdata-dir {self.tessdata} --psm {self.psm} --dpi {int(round(dpi))}"
        )


def model_dir(model: str, lang: str) -> str:
    """The tessdata folder of an OCR model: `fast` is Debian's packaged data, `best` tessdata_best."""
    if model not in OCR_MODELS:
        raise UsageError("--ocr-model", f"unknown OCR model {model!r} (fast or best)")
    if model == "fast":
        return tessdata_dir()
    folder = tessdata_best()
    if not (folder / f"{lang}.traineddata").is_file():
        raise MissingDependency("tessdata_best", f"{folder}/{lang}.traineddata is missing (make setup installs it)")
    return str(folder)


def make_engine(lang: str = "vie", psm: int = DEFAULT_PSM, prefer: str | None = None,
                model: str = "fast") -> OcrEngine:
    """The only factory of OCR engines. `prefer` (or env DIGITIZE_OCR_ENGINE) is `tesserocr`, `cli`, or
    `module:Class` (an engine class of the caller's, e.g. a test's fault-injecting engine, built as
    Class(lang=..., psm=...)); the default is in-process when tesserocr loads, else the CLI."""
    prefer = prefer or ocr_engine()
    tools_run.one_thread()
    if ":" in prefer:
        module, _, cls = prefer.partition(":")
        try:
            engine_class = getattr(importlib.import_module(module), cls)
        except (ImportError, AttributeError) as e:
            raise UsageError("DIGITIZE_OCR_ENGINE", f"cannot load OCR engine {prefer!r}: {e}") from None
        return engine_class(lang=lang, psm=psm)
    if prefer not in ("auto", "tesserocr", "cli"):
        raise UsageError("DIGITIZE_OCR_ENGINE", f"unknown OCR engine {prefer!r} (auto, tesserocr, cli or module:Class)")
    if prefer in ("auto", "tesserocr"):
        try:
            return TesserocrEngine(lang, psm, model)
        except ImportError:
            if prefer == "tesserocr":
                raise MissingDependency("tesserocr", "tesserocr is not installed (make setup builds it)") from None
    return CliEngine(lang, psm, model)


def parse_tsv(tsv: str, width: int, height: int) -> OcrPage:
    """Tesseract TSV (header line first, or not for tesserocr) -> words grouped in lines, NFC."""
    words: list[Word] = []
    lines: list[str] = []
    line_words: list[str] = []
    current: tuple[str, str, str, str] | None = None
    for row in tsv.splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue  # header or a page/block/paragraph/line row
        # underscores and bars are rules, form blanks and table borders read as text, never printed words
        text = unicodedata.normalize("NFC", cols[11]).strip().strip("_|")
        if not text:
            continue
        key = (cols[1], cols[2], cols[3], cols[4])
        if key != current:
            if line_words:
                lines.append(" ".join(line_words))
            line_words = []
            current = key
        x, y, w, h = (int(c) for c in cols[6:10])
        words.append(Word(text, max(0.0, float(cols[10])), (x, y, x + w, y + h), len(lines)))
        line_words.append(text)
    if line_words:
        lines.append(" ".join(line_words))
    return OcrPage(tuple(words), tuple(lines), width, height)


def version() -> str:
    """The tesseract CLI's version, checked once: the LSTM engine and per-character choices need 4.1."""
    return tools_run.version("tesseract", "tesseract-ocr", TESSERACT_MINIMUM, pattern=r"tesseract v?(\d+\.\d+(?:\.\d+)?)")
