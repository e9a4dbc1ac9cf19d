"""The visible copy stamp: the one Decree 30/2020 Appendix I asks of a certified electronic copy, top right
of page 1, text only: copy form, organisation name and signing time in ISO 8601 with +07:00, in a
Times-compatible serif 10 pt, black. Drawn by pyHanko as the signature widget's appearance."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from digitize.errors import MissingDependency

logging.getLogger("fontTools").setLevel(logging.ERROR)  # subsetting chatter is not the user's business
VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
STAMP_FONTS = (  # Times-compatible with full Vietnamese (Debian fonts-liberation2; version 1 lacks it)
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
)
STAMP_W, STAMP_H, MARGIN = 230, 40, 18  # points; three 10 pt lines with their leading
TOP_MARGIN = 10  # the stamp sits in the page's top margin, above the national header


def iso_vn(when: dt.datetime) -> str:
    return when.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def stamp_text(copy_form: str, organisation: str, when: dt.datetime) -> str:
    return f"{copy_form}\n{organisation}\n{iso_vn(when)}"


def stamp_box(writer: IncrementalPdfFileWriter) -> tuple[int, int, int, int]:
    page = writer.root["/Pages"]
    while "/Kids" in page:  # first leaf page, following inherited boxes down the tree
        page = page["/Kids"][0].get_object()
    node, box = page, None
    while box is None and node is not None:
        box = node.get("/CropBox") or node.get("/MediaBox")
        node = node.get("/Parent").get_object() if "/Parent" in node else None
    x0, y0, x1, y1 = (float(v) for v in (box or (0, 0, 595, 842)))
    right, top = int(x1) - MARGIN, int(y1) - TOP_MARGIN
    return right - STAMP_W, top - STAMP_H, right, top


def _font_1000(font: Path) -> Path:
    """The font rescaled to 1000 units per em. pyHanko writes glyph widths in font units, which a PDF
    reader takes as thousandths of an em: Liberation's 2048 units would double every advance."""
    tt = TTFont(str(font))
    if tt["head"].unitsPerEm == 1000:
        return font
    key = hashlib.sha256(font.read_bytes()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "digitize-fonts" / f"{font.stem}-{key}-1000.ttf"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        scale_upem(tt, 1000)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tt.save(str(tmp))
        os.replace(tmp, target)  # atomic: parallel signers never read a half-written font
    return target


def stamp_style(font_file: str | None = None) -> TextStampStyle:
    """The stamp's style: `font_file`, else Liberation Serif; the text comes as the `stamp` parameter."""
    font = Path(font_file) if font_file else next((f for f in STAMP_FONTS if f.is_file()), STAMP_FONTS[0])
    if not font.is_file():
        raise MissingDependency(str(font), "stamp font not found (Debian package fonts-liberation2)")
    return TextStampStyle(
        stamp_text="%(stamp)s",
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(str(_font_1000(font)), font_size=10), font_size=10, leading=12,
            text_color=(0, 0, 0),
            box_layout_rule=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MAX, y_align=AxisAlignment.ALIGN_MAX,
                                                margins=Margins(2, 2, 2, 2)),
        ),
        border_width=0,
        background=None,
    )
