"""The mark on a draft handed out by the station: "BẢN NHÁP – CHƯA KÝ" across every page, so a draft
printed or forwarded is never taken for the signed record. Drawn as a translucent image (a soft
mask over red), which needs no font in the PDF and shows every tone mark; the stored draft is not
changed, only the copy downloaded. Signed records are never marked (it would break the signature)."""
from __future__ import annotations

import io
import zlib
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont

DRAFT_MARK = "BẢN NHÁP – CHƯA KÝ"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")  # fonts-dejavu-core (Makefile)
COLOUR = (200, 30, 30)
OPACITY = 0.35


def _mark_alpha(text: str) -> Image.Image:
    """The text as an 8-bit alpha image, turned 30 degrees."""
    font = ImageFont.truetype(str(FONT), 160) if FONT.exists() else ImageFont.load_default(160)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (int(right - left) + 80, int(bottom - top) + 80), 0)
    ImageDraw.Draw(img).text((40 - left, 40 - top), text, fill=int(255 * OPACITY), font=font)
    return img.rotate(30, expand=True, resample=Image.Resampling.BICUBIC)


def _mark_xobject(pdf: pikepdf.Pdf, alpha: Image.Image) -> pikepdf.Stream:
    w, h = alpha.size
    def image(data: bytes, space: str, **extra) -> pikepdf.Stream:
        return pdf.make_stream(zlib.compress(data), pikepdf.Dictionary(
            Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=w, Height=h,
            ColorSpace=pikepdf.Name(space), BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode, **extra))

    return image(bytes(COLOUR) * (w * h), "/DeviceRGB", SMask=image(alpha.tobytes(), "/DeviceGray"))


def with_draft_mark(pdf: bytes, text: str = DRAFT_MARK, title: str | None = None) -> bytes:
    """A copy of `pdf` with the mark over every page (and `title` as its title, when given)."""
    alpha = _mark_alpha(text)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        mark = _mark_xobject(doc, alpha)
        aspect = alpha.height / alpha.width
        for page in doc.pages:
            x0, y0, x1, y1 = [float(v) for v in page.mediabox]
            w = (x1 - x0) * 0.85
            h = w * aspect
            name = page.add_resource(mark, pikepdf.Name.XObject, prefix="Draft")
            cm = f"{w:.2f} 0 0 {h:.2f} {x0 + (x1 - x0 - w) / 2:.2f} {y0 + (y1 - y0 - h) / 2:.2f} cm"
            page.contents_add(doc.make_stream(b"q\n"), prepend=True)  # the page's own state ends before the mark
            page.contents_add(doc.make_stream(f"Q\nq {cm} {name} Do Q\n".encode("ascii")), prepend=False)
        if title:
            _set_title(doc, title)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def _set_title(doc: pikepdf.Pdf, title: str) -> None:
    with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
    doc.docinfo["/Title"] = title
