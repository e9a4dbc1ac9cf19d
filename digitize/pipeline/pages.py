"""Page work, run in worker processes: decode -> quality -> geometry -> OCR -> JPEG. A PageRef goes in,
a PageResult small enough to send back comes out. Each worker loads the OCR engine once."""
from __future__ import annotations

import cv2

from digitize.errors import DigitizeError, InputError
from digitize.model import Geometry, OcrPage, PageRef, PageResult
from digitize.pipeline.outcome import contained
from digitize.settings import Settings
from digitize.stages import geometry, ingest, quality
from digitize.stages.ocr import page as ocr
from digitize.tools import poppler

_WORKER_PROFILES = None  # the profile set, sent once to each worker by its initialiser


def init_worker(lang: str, profiles=None, model: str = "fast") -> None:
    global _WORKER_PROFILES
    # Not a top-level import: importing lifeline ties the importing process to its parent, which only
    # workers may do (a forkserver has it preloaded; a plain fork context gets it here).
    import digitize.pipeline.lifeline  # noqa: F401

    _WORKER_PROFILES = profiles
    ocr.engine(lang, model)  # load the model before the first page arrives


def worker_profiles():
    return _WORKER_PROFILES


def process_page(ref: PageRef, settings: Settings) -> PageResult:
    page = ingest.load_page(ref, settings.limits)
    q = quality.assess(page, settings)
    h, w = page.image.shape[:2]
    if q.blank:  # nothing to read; OCR would only turn specks and show-through into text
        geo, words = Geometry(), OcrPage((), (), w, h)
    elif page.has_text_layer and not settings.redo_ocr:
        # already searchable: keep its text and geometry, as OCR would only add errors
        geo, words = Geometry(), poppler.text_layer(ref.path, ref.page, w, h)
    else:
        page, geo = geometry.straighten(page, settings) if settings.deskew or settings.orient else (page, Geometry())
        words = ocr.recognise(page, settings.ocr_lang, settings.ocr_model, settings.ocr_tones)
    jpeg = page.encoded
    if jpeg is None:
        ok, buf = cv2.imencode(".jpg", page.image, [cv2.IMWRITE_JPEG_QUALITY, settings.jpeg_quality])
        if not ok:
            raise InputError(str(ref), "could not encode page image")
        jpeg = buf.tobytes()
    h, w = page.image.shape[:2]
    return PageResult(ref, jpeg, page.dpi or settings.assumed_dpi, w, h, q, geo, words)


def read_page(ref: PageRef, settings: Settings) -> PageResult | DigitizeError:
    """A page, or its error as a value (one bad page fails its document, not the batch)."""
    return contained(str(ref), process_page, ref, settings)
