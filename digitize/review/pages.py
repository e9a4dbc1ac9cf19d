"""What a reviewer looks at: a stored page as an image sized for the screen, its text layer, and the
text kept in the catalog so search finds words of the page, not only field values."""
from __future__ import annotations

import io
from collections import OrderedDict
from threading import Lock

import pikepdf
from PIL import Image

from digitize.errors import InputError
from digitize.tools import poppler

SCREEN_WIDTH = 1400  # px: a 1366-wide desk screen shows the page at half width, sharp when zoomed
THUMB_WIDTH = 160  # px: the strip of page thumbnails
_cache: OrderedDict[tuple[str, int, int], tuple[bytes, int, int]] = OrderedDict()
_cache_lock = Lock()
_CACHE_SIZE = 256  # screen images and thumbnails of a few long documents


def page_image(pdf_path: str, sha: str, page_no: int, width: int = SCREEN_WIDTH) -> tuple[bytes, int, int]:
    """(JPEG bytes, width, height of the page's full image as shown): the scanned image of one page,
    turned as the page's /Rotate says, scaled down to `width` (SCREEN_WIDTH, or THUMB_WIDTH for the
    strip of thumbnails). Content-addressed objects never change, so results are cached."""
    key = (sha, page_no, width)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    with pikepdf.open(pdf_path) as pdf:
        if not 1 <= page_no <= len(pdf.pages):
            raise InputError(f"page {page_no}", "no such page")
        page = pdf.pages[page_no - 1]
        turn = int(page.obj.get("/Rotate", 0)) % 360
        images = list(page.images.values())
        if not images:
            raise InputError(f"page {page_no}", "page has no image")
        raw = pikepdf.PdfImage(images[0])  # type: ignore[arg-type]  # page.images holds streams
        full_w, full_h = (raw.height, raw.width) if turn % 180 else (raw.width, raw.height)
        if raw.filters == ["/DCTDecode"] and full_w <= width and not turn:
            data = bytes(images[0].read_raw_bytes())  # the scanner's JPEG as it is
        else:
            data = _scaled_jpeg(images[0], raw, width, turn)
    value = (data, full_w, full_h)
    with _cache_lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def _scaled_jpeg(image, raw, width: int, turn: int) -> bytes:
    img: Image.Image
    if raw.filters == ["/DCTDecode"]:
        img = Image.open(io.BytesIO(bytes(image.read_raw_bytes())))
        img.draft("RGB", (width, width * 2))  # decode at 1/2, 1/4...: a fraction of the work
    else:
        img = raw.as_pil_image()
    img = img.convert("RGB")
    if turn:
        img = img.rotate(-turn, expand=True)  # /Rotate turns clockwise; PIL turns counter-clockwise
    if img.width > width:
        img = img.resize((width, round(img.height * width / img.width)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def page_texts(pdf_path: str, pages: int) -> list[str]:
    return [poppler.text_layer(pdf_path, n, 1, 1).text for n in range(1, pages + 1)]


def index_text(store, record) -> list[str]:
    """Keep the record's text in the catalog for search; returns it."""
    texts = page_texts(record.pdf, record.pages)
    store.review.put_text(record.id, texts)
    return texts


def prepare_views(store, record) -> None:
    """What a reviewer opens first, made once a draft is stored: its text for search and its page images."""
    index_text(store, record)
    for n in range(1, record.pages + 1):
        page_image(record.pdf, record.sha256, n)


def document_text(store, record) -> list[str]:
    return store.review.text(record.id) or index_text(store, record)
