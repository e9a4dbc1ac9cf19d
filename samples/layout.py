"""A tiny page-layout engine: blocks (lines, wrapped paragraphs, two columns, rules, frames)
rendered with PIL onto an A4 canvas at a given dpi. It returns the exact text of every
rendered line with its box, in reading order, which is the ground truth of the page.

Reading order: top to bottom; inside a two-column block the whole left column comes first,
then the right column (the way a layout-aware OCR reads blocks).
"""
from __future__ import annotations

import functools
import os
import unicodedata
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

A4_MM = (210.0, 297.0)
INK = (28, 28, 32)
FONT_DIRS = ["/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu"]  # v1 of Liberation lacks Vietnamese
FONT_FILES = {  # style -> (Liberation Serif, DejaVu Serif fallback)
    "R": ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    "B": ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    "I": ("LiberationSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"),
    "BI": ("LiberationSerif-BoldItalic.ttf", "DejaVuSerif-BoldItalic.ttf"),
}


@functools.lru_cache(maxsize=None)
def font(style: str, size_px: int) -> ImageFont.FreeTypeFont:
    for name, folder in zip(FONT_FILES[style], FONT_DIRS):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            # basic layout: identical glyph placement whether or not libraqm is installed
            return ImageFont.truetype(path, size_px, layout_engine=ImageFont.Layout.BASIC)
    raise FileNotFoundError(f"no serif font with Vietnamese glyphs found in {FONT_DIRS}")


@dataclass
class Line:
    text: str
    style: str = "R"
    size: float = 13.0  # points
    align: str = "left"  # left | center | right
    indent_mm: float = 0.0
    field: str | None = None  # ground-truth field shown on this line (for its box)


@dataclass
class Para(Line):
    """Wrapped at word boundaries to the available width; `indent_mm` applies to line one."""
    hanging_mm: float = 0.0  # indent of continuation lines


@dataclass
class Rule:
    width_mm: float
    thick: float = 0.3  # mm
    gap_mm: float = 1.0


@dataclass
class Gap:
    mm: float
    mark: str | None = None  # e.g. "signature": the box of this gap is recorded


@dataclass
class Cols:
    left: list
    right: list
    split: float = 0.42  # share of the width given to the left column
    gutter_mm: float = 3.0


@dataclass
class Photo:
    width_mm: float
    height_mm: float


@dataclass
class Frame:
    """A bordered, tinted box of fixed size (e.g. an ID card) with blocks inside."""
    width_mm: float
    height_mm: float
    blocks: list
    fill: tuple[int, int, int] = (236, 242, 236)
    pad_mm: float = 3.0
    align: str = "center"


@dataclass
class Rendered:
    image: Image.Image
    lines: list[dict] = field(default_factory=list)  # {"text", "box"} in reading order
    fields: dict[str, list[int]] = field(default_factory=dict)  # field -> box
    marks: dict[str, list[int]] = field(default_factory=dict)  # e.g. signature area


class _Ctx:
    def __init__(self, img: Image.Image, dpi: int):
        self.img = img
        self.draw = ImageDraw.Draw(img)
        self.dpi = dpi
        self.out = Rendered(img)

    def px(self, mm: float) -> int:
        return int(round(mm * self.dpi / 25.4))

    def pt(self, pt: float) -> int:
        return max(6, int(round(pt * self.dpi / 72.0)))


def render(blocks: list, dpi: int, margins_mm=(20.0, 15.0, 30.0, 15.0)) -> Rendered:
    """Render blocks on a white A4 page. margins = top, right, left, bottom (Decree 30 style)."""
    w, h = (int(round(v * dpi / 25.4)) for v in A4_MM)
    ctx = _Ctx(Image.new("RGB", (w, h), (255, 255, 255)), dpi)
    top, right, left, bottom = margins_mm
    y = _blocks(ctx, blocks, ctx.px(left), w - ctx.px(right), ctx.px(top))
    if y > h - ctx.px(bottom) // 2:
        raise ValueError(f"layout overflows the page by {y - h} px")
    return ctx.out


def _blocks(ctx: _Ctx, blocks: list, x0: int, x1: int, y: int) -> int:
    for b in blocks:
        y = _block(ctx, b, x0, x1, y)
    return y


def _block(ctx: _Ctx, b, x0: int, x1: int, y: int) -> int:
    if isinstance(b, Gap):
        if b.mark:
            ctx.out.marks[b.mark] = [x0, y, x1, y + ctx.px(b.mm)]
        return y + ctx.px(b.mm)
    if isinstance(b, Rule):
        cx = (x0 + x1) // 2
        half = ctx.px(b.width_mm) // 2
        yy = y + ctx.px(b.gap_mm) // 2
        ctx.draw.line([(cx - half, yy), (cx + half, yy)], fill=INK, width=max(1, ctx.px(b.thick)))
        return y + ctx.px(b.gap_mm) + ctx.px(b.thick)
    if isinstance(b, Cols):
        split = x0 + int((x1 - x0) * b.split)
        g = ctx.px(b.gutter_mm) // 2
        yl = _blocks(ctx, b.left, x0, split - g, y)
        yr = _blocks(ctx, b.right, split + g, x1, y)
        return max(yl, yr)
    if isinstance(b, Photo):  # a grey portrait placeholder: head and shoulders
        pw, ph = ctx.px(b.width_mm), ctx.px(b.height_mm)
        photo = Image.new("RGB", (pw, ph), (188, 196, 204))
        d = ImageDraw.Draw(photo)
        cx, r = pw // 2, pw // 4
        d.ellipse([cx - r, ph // 6, cx + r, ph // 6 + int(2.4 * r)], fill=(120, 128, 140))
        d.ellipse([cx - 2 * r, ph * 2 // 3, cx + 2 * r, ph * 3 // 2], fill=(120, 128, 140))
        d.rectangle([0, 0, pw - 1, ph - 1], outline=(120, 120, 130), width=2)
        ctx.img.paste(photo, (x0 + (x1 - x0 - pw) // 2, y))
        return y + ph + ctx.px(2)
    if isinstance(b, Frame):
        fw, fh = ctx.px(b.width_mm), ctx.px(b.height_mm)
        fx0 = x0 + (x1 - x0 - fw) // 2 if b.align == "center" else x0
        ctx.draw.rounded_rectangle([fx0, y, fx0 + fw, y + fh], radius=ctx.px(3.5), fill=b.fill,
                                   outline=(150, 160, 150), width=max(1, ctx.px(0.3)))
        pad = ctx.px(b.pad_mm)
        _blocks(ctx, b.blocks, fx0 + pad, fx0 + fw - pad, y + pad)
        return y + fh + ctx.px(2)
    if isinstance(b, Para):
        return _para(ctx, b, x0, x1, y)
    if isinstance(b, Line):
        return _line(ctx, b, b.text, x0 + ctx.px(b.indent_mm), x1, y)
    raise TypeError(f"unknown block {b!r}")


def _line(ctx: _Ctx, b: Line, text: str, x0: int, x1: int, y: int) -> int:
    text = unicodedata.normalize("NFC", text)
    size = ctx.pt(b.size)
    f = font(b.style, size)
    while f.getlength(text) > x1 - x0 and size > 8:  # shrink a too-long heading to its column
        size -= 1
        f = font(b.style, size)
    width = int(f.getlength(text))
    x = {"left": x0, "center": x0 + (x1 - x0 - width) // 2, "right": x1 - width}[b.align]
    ascent, descent = f.getmetrics()
    if text:
        ctx.draw.text((x, y), text, font=f, fill=INK)
        box = [x, y, x + width, y + ascent + descent]
        # a gap of several spaces reads as one space: the ground truth keeps one
        ctx.out.lines.append({"text": " ".join(text.split()), "box": box})
        for name in (b.field.split(",") if b.field else ()):  # one line may show several fields
            old = ctx.out.fields.get(name)
            ctx.out.fields[name] = box if old is None else [
                min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3])]
    return y + int(round(size * 1.32))


def _para(ctx: _Ctx, b: Para, x0: int, x1: int, y: int) -> int:
    f = font(b.style, ctx.pt(b.size))
    words = unicodedata.normalize("NFC", b.text).split()
    first, rest = x0 + ctx.px(b.indent_mm), x0 + ctx.px(b.hanging_mm)
    lines: list[str] = []
    cur = ""
    for word in words:
        cand = f"{cur} {word}" if cur else word
        limit = x1 - (first if not lines else rest)
        if cur and f.getlength(cand) > limit:
            lines.append(cur)
            cur = word
        else:
            cur = cand
    if cur:
        lines.append(cur)
    for i, text in enumerate(lines):
        y = _line(ctx, b, text, first if i == 0 else rest, x1, y)
    return y + ctx.pt(b.size) // 5
