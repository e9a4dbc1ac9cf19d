"""What real government scans show and the other damage does not: the incoming-mail rubber stamp with
handwritten fill-ins, the portal's signature stamp, and bilevel 200 dpi pages (seal and signature then print
black, as the scanner thresholds everything).

Spec keys (see samples/damage.py for the others; all optional):
  black_marks: bool   seal and signature in black ink instead of red and blue
  stamp: bool         the rectangular "ĐẾN" stamp (agency line, time and date filled in by hand), top left
  portal_stamp: bool  the portal's stamp laid over a signed PDF (multi-colour VGP logo and four lines of text)
  bilevel: bool       the scan thresholded to black and white (saved as CCITT G4 TIFF by generate.py)
None of their text is in the ground truth (stamps and handwriting are not printed text).
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from samples.layout import font

STAMP_AGENCY = "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ"


def _hand(draw: ImageDraw.ImageDraw, xy, text: str, size: int, rng: np.random.Generator, fill) -> None:
    """Digits written by hand: italic glyphs, each jittered and sized a little differently."""
    x, y = xy
    for ch in text:
        f = font("I", int(size * rng.uniform(0.85, 1.15)))
        draw.text((x, y + int(rng.integers(-size // 8, size // 8 + 1))), ch, font=f, fill=fill)
        x += int(size * rng.uniform(0.45, 0.6))


def free_spot(lines: list[dict], size: tuple[int, int], dpi: float) -> tuple[int, int] | None:
    """Where a clerk puts the stamp: blank paper in the left part of the page's upper half, clear of every
    printed line (a stamp over print would hide text the ground truth keeps)."""
    mm = dpi / 25.4
    w, h = int(60 * mm), int(21 * mm)
    boxes = [line["box"] for line in lines if line.get("box")]
    for y in range(int(size[1] * 0.1), int(size[1] * 0.55), int(2 * mm)):
        for x in (int(size[0] * 0.05), int(size[0] * 0.1)):
            if not any(b[0] < x + w and x < b[2] and b[1] < y + h and y < b[3] for b in boxes):
                return x + int(mm), y + int(mm)
    return None


def incoming_stamp(img: Image.Image, dpi: float, rng: np.random.Generator, at=None) -> None:
    mm = dpi / 25.4
    w, h = int(58 * mm), int(19 * mm)
    x0, y0 = at or (int(img.width * 0.06), int(img.height * 0.17))
    ink = (20, 20, 20) if img.mode == "RGB" else 20
    d = ImageDraw.Draw(img)
    width = max(2, int(0.35 * mm))
    d.rectangle([x0, y0, x0 + w, y0 + h], outline=ink, width=width)
    d.line([x0, y0 + int(6 * mm), x0 + w, y0 + int(6 * mm)], fill=ink, width=width)
    d.text((x0 + int(2 * mm), y0 + int(1.2 * mm)), STAMP_AGENCY, font=font("B", int(2.8 * mm)), fill=ink)
    d.text((x0 + int(2 * mm), y0 + int(8.5 * mm)), "ĐẾN", font=font("B", int(6 * mm)), fill=ink)
    small = font("R", int(2.8 * mm))
    for row, label in enumerate(("Giờ:", "Ngày:")):
        ly = y0 + int((7.5 + 5.5 * row) * mm)
        d.text((x0 + int(18 * mm), ly), label, font=small, fill=ink)
        d.text((x0 + int(27 * mm), ly + int(0.5 * mm)), "." * 40, font=small, fill=ink)
    _hand(d, (x0 + int(30 * mm), y0 + int(6.5 * mm)), str(int(rng.integers(1, 24))), int(5 * mm), rng, ink)
    date = f"{int(rng.integers(1, 29))}/{int(rng.integers(1, 13))}/{int(rng.integers(2024, 2027))}"
    _hand(d, (x0 + int(29 * mm), y0 + int(12 * mm)), date, int(5 * mm), rng, ink)


def portal_stamp(img: Image.Image, dpi: float, when: str) -> None:
    mm = dpi / 25.4
    d = ImageDraw.Draw(img)
    x0, y0 = int(img.width * 0.22), int(1.5 * mm)
    logo = font("B", int(11 * mm))
    for k, (ch, colour) in enumerate(zip("VGP", ((230, 30, 40), (20, 150, 60), (25, 50, 150)))):
        d.text((x0 + int(k * 8.5 * mm), y0), ch, font=logo, fill=colour)
    d.text((x0, y0 + int(11.5 * mm)), "CHINHPHU.VN", font=font("B", int(2.6 * mm)), fill=(30, 30, 30))
    lines = ("Người ký: " + STAMP_AGENCY, "Email: thongtinchinhphu@chinhphu.vn", "Cơ quan: VĂN PHÒNG CHÍNH PHỦ",
             f"Thời gian ký: {when}")
    small = font("R", int(2.6 * mm))
    for k, line in enumerate(lines):
        d.text((x0 + int(26 * mm), y0 + int(k * 3.4 * mm)), line, font=small, fill=(10, 10, 10))


def bilevel(arr: np.ndarray) -> np.ndarray:
    """What a G4 scanner keeps: black or white, at a fixed threshold (thin strokes and marks as black)."""
    grey = arr if arr.ndim == 2 else arr.min(axis=2)  # coloured ink prints dark, as on a mono scanner
    out = np.where(grey < 170, 0, 255).astype(np.uint8)
    return np.repeat(out[..., None], 3, axis=2) if arr.ndim == 3 else out
