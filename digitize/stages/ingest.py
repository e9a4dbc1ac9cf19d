"""Ingest stage: paths -> documents of pages.

`list_pages` is cheap and validates a file (type sniffed from its bytes, never its name; size,
page-count and pixel limits checked before anything is decoded), so a bad file fails before
work is scheduled. `load_page` decodes one page in a worker process.

A JPEG page keeps its original bytes so an unchanged page goes into the PDF without a lossy
re-encode; a scanned PDF page that is one JPEG image is taken as that JPEG directly, and one that is one
1-bit image (CCITT G4) is decoded pixel for pixel, with what annotations draw over it.
"""
from __future__ import annotations

import os
import warnings
from decimal import Decimal
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from digitize.errors import InputError
from digitize.model import Page, PageRef
from digitize.settings import Limits
from digitize.tools import poppler
from digitize.tools.files import sniff

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf"}


def _file_kind(path: str, limits: Limits) -> str:
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(1024)
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}") from None
    if size == 0:
        raise InputError(path, "empty file (0 bytes)")
    if size > limits.max_file_bytes:
        raise InputError(path, f"file is {size} bytes, over the limit of {limits.max_file_bytes}")
    kind = sniff(head)
    if kind is None:
        looks = "text" if _is_text(head) else "unknown data"
        raise InputError(path, f"not an image or PDF (content is {looks})")
    return kind


def _is_text(head: bytes) -> bool:
    try:
        sample = head.decode("utf-8", errors="strict" if len(head) < 1024 else "ignore")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\t\r\n" for ch in sample)


def _check_pixels(where: str, width: int, height: int, limits: Limits) -> None:
    if width * height > limits.max_pixels_per_page:
        raise InputError(
            where, f"page is {width}x{height} px, over the limit of {limits.max_pixels_per_page} pixels"
        )
    if min(width, height) < limits.min_side_px:
        raise InputError(where, f"image is only {width}x{height} px, too small to be a scan")


def list_pages(path: str, limits: Limits) -> list[PageRef]:
    kind = _file_kind(path, limits)
    if kind == "pdf":
        return _pdf_pages(path, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                n = getattr(img, "n_frames", 1)
                if n > limits.max_pages_per_file:
                    raise InputError(path, f"{n} pages, over the limit of {limits.max_pages_per_file}")
                refs = []
                for i in range(n):
                    img.seek(i)
                    ref = PageRef(path, i + 1, n)
                    _check_pixels(str(ref), img.size[0], img.size[1], limits)
                    refs.append(ref)
                return refs
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(path, "image is over the pixel limit (decompression bomb)") from None
    except (UnidentifiedImageError, OSError, EOFError, SyntaxError, ValueError) as e:
        raise InputError(path, f"unreadable {kind}: {e}") from None


def load_page(ref: PageRef, limits: Limits) -> Page:
    if sniff(_read_head(ref.path)) == "pdf":
        return _load_pdf_page(ref, limits)
    Image.MAX_IMAGE_PIXELS = limits.max_pixels_per_page
    try:
        with Image.open(ref.path) as img:  # the header: format, frames, resolution
            img.seek(ref.page - 1)
            fmt, dpi, orientation = img.format, _dpi(img.info.get("dpi")), _exif_orientation(img)
            if ref.page_count > 1 or fmt not in ("JPEG", "PNG"):
                img.load()
                rgb = img.convert("RGB") if img.mode not in ("RGB", "L") else img
                arr = np.asarray(rgb)
                code = cv2.COLOR_RGB2BGR if arr.ndim == 3 else cv2.COLOR_GRAY2BGR
                return Page(ref, cv2.cvtColor(arr, code), dpi, None)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(str(ref), "image is over the pixel limit (decompression bomb)") from None
    except (OSError, EOFError, SyntaxError, ValueError) as e:
        raise InputError(str(ref), f"truncated or corrupt image: {e}") from None
    # JPEG and PNG: OpenCV decodes straight to BGR in one buffer (PIL would need three copies)
    data = Path(ref.path).read_bytes()
    if fmt == "JPEG" and b"\xff\xd9" not in data[-1024:]:
        raise InputError(str(ref), "truncated or corrupt image: JPEG data ends before its end marker")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if image is None:
        raise InputError(str(ref), f"truncated or corrupt image: {fmt} data cannot be decoded")
    keep = fmt == "JPEG" and orientation in (None, 1) and _jpeg_channels(data) in (1, 3)
    return Page(ref, image, dpi, data if keep else None)


def _jpeg_channels(data: bytes) -> int | None:
    """Components in the JPEG frame header (1 grey, 3 colour, 4 CMYK), without decoding."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return data[i + 9]
        i += 2 + length
    return None


def _read_head(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read(1024)


def _dpi(value) -> float | None:
    if not value:
        return None
    try:
        x = float(value[0])
    except (TypeError, ValueError, IndexError):
        return None
    return x if x > 1 else None  # many writers store 1 or 0 to mean "unknown"


def _exif_orientation(img: Image.Image) -> int | None:
    try:
        return img.getexif().get(0x0112)
    except Exception:  # a broken EXIF block says nothing about orientation
        return None


# --- scanned PDFs -------------------------------------------------------------------------


def _open_pdf(path: str):
    import pikepdf  # lazy: ~0.2 s to import; commands that read no PDF start without it

    try:
        return pikepdf.open(path)
    except pikepdf.PasswordError:
        raise InputError(path, "PDF is password-protected") from None
    except pikepdf.PdfError as e:
        raise InputError(path, f"corrupt PDF: {str(e).splitlines()[0][:160]}") from None


def _page_images(page) -> list:
    import pikepdf  # lazy, as in _open_pdf

    try:
        xobjects = page.Resources.get("/XObject", {})
    except AttributeError:
        return []
    return [x for x in xobjects.values() if isinstance(x, pikepdf.Stream) and x.get("/Subtype") == "/Image"]


def _has_text(page) -> bool:
    try:
        fonts = page.Resources.get("/Font")
    except AttributeError:
        return False
    return bool(fonts)


def _native_dpi(page) -> float | None:
    images = _page_images(page)
    if not images:
        return None
    largest = max(images, key=lambda x: int(x.Width) * int(x.Height))
    box = [float(v) for v in page.mediabox]
    width_pt = abs(box[2] - box[0]) or 612.0
    return round(int(largest.Width) / (width_pt / 72.0), 1)


def _pdf_pages(path: str, limits: Limits) -> list[PageRef]:
    with _open_pdf(path) as pdf:
        n = len(pdf.pages)
        if n == 0:
            raise InputError(path, "PDF has no pages")
        if n > limits.max_pages_per_file:
            raise InputError(path, f"{n} pages, over the limit of {limits.max_pages_per_file}")
        refs = []
        for i, page in enumerate(pdf.pages):
            ref = PageRef(path, i + 1, n)
            box = [float(v) for v in page.mediabox]
            dpi = _native_dpi(page) or 200.0
            w, h = abs(box[2] - box[0]) * dpi / 72, abs(box[3] - box[1]) * dpi / 72
            _check_pixels(str(ref), int(w), int(h), limits)
            refs.append(ref)
        return refs


def _load_pdf_page(ref: PageRef, limits: Limits) -> Page:
    with _open_pdf(ref.path) as pdf:
        page = pdf.pages[ref.page - 1]
        has_text = _has_text(page)
        dpi = _native_dpi(page)
        images = _page_images(page)
        rotate = int(page.obj.get("/Rotate", 0)) % 360
        scan = _drawn_image(page, images) if rotate == 0 else None
        bilevel = _bilevel_scan(ref, page, scan) if scan is not None else None
        if bilevel is not None:
            return Page(ref, bilevel, dpi, None, has_text)
        if len(images) == 1 and images[0].get("/Filter") == "/DCTDecode" and rotate == 0:
            # One JPEG filling the page: that JPEG is the scan, take it as it is.
            raw = images[0].read_raw_bytes()
            arr = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
            if arr is not None and images[0].get("/ColorSpace") in ("/DeviceRGB", "/DeviceGray"):
                return Page(ref, arr, dpi, raw, has_text)
    return Page(ref, poppler.rasterise(ref, dpi or 300), float(dpi or 300), None, has_text)


def _drawn_image(page, images: list):
    """The image a scanned page is, when its content does nothing but draw that one image over the
    whole page (`W 0 0 H X Y cm /Im0 Do`); None otherwise."""
    import pikepdf  # lazy, as in _open_pdf

    if len(images) != 1:
        return None
    try:
        ops = [(str(ins.operator), [float(v) for v in ins.operands if isinstance(v, (int, float, Decimal))])
               for ins in pikepdf.parse_content_stream(page)]
    except pikepdf.PdfError:
        return None
    names = [op for op, _ in ops]
    if set(names) - {"q", "Q", "cm", "Do"} or names.count("Do") != 1 or names.count("cm") != 1:
        return None
    a, b, c, d, e, f = next(v for op, v in ops if op == "cm")
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    fills = b == c == 0 and abs(a - (x1 - x0)) < 1 and abs(d - (y1 - y0)) < 1 and abs(e - x0) < 1 and abs(f - y0) < 1
    return images[0] if fills else None


def _bilevel_scan(ref: PageRef, page, image) -> np.ndarray | None:
    """A 1-bit scan (CCITT G4, JBIG2) decoded pixel for pixel: rendering it at a dpi a hair off its
    own (200.1 for a 602 pt page) would smear it into grey and blur thin tone marks."""
    import pikepdf  # lazy, as in _open_pdf

    if int(image.get("/BitsPerComponent", 0)) != 1 or image.get("/ImageMask"):
        return None
    try:
        grey = np.asarray(pikepdf.PdfImage(image).as_pil_image().convert("L"))
    except (pikepdf.PdfError, NotImplementedError, ValueError, OSError):
        return None  # a filter pikepdf cannot decode: poppler renders the page instead
    return _with_annotations(ref, page, cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))


def _with_annotations(ref: PageRef, page, scan: np.ndarray) -> np.ndarray:
    """What a viewer shows over the scan (the portal's signature stamp is a widget's appearance),
    copied from poppler's rendering of the page at the scan's own size."""
    hidden = 2  # annotation flag bit: not shown
    rects = [[float(v) for v in a.Rect] for a in page.obj.get("/Annots", [])
             if "/AP" in a and "/Rect" in a and not int(a.get("/F", 0)) & hidden]
    if not rects:
        return scan
    h, w = scan.shape[:2]
    drawn = poppler.rasterise(ref, size=(w, h))
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    sx, sy = w / (x1 - x0), h / (y1 - y0)
    for left, bottom, right, top in rects:
        cols = slice(max(0, int((min(left, right) - x0) * sx)), min(w, int((max(left, right) - x0) * sx) + 1))
        rows = slice(max(0, int((y1 - max(top, bottom)) * sy)), min(h, int((y1 - min(top, bottom)) * sy) + 1))
        scan[rows, cols] = drawn[rows, cols]
    return scan
