"""The glyph-less font of the invisible OCR text layer.

Same idea as tesseract's pdf renderer and OCRmyPDF: a Type0 font (Identity-H) over a CIDFontType2
whose TrueType program has a single blank glyph, 500/1000 em wide. Character code = CID = the
Unicode code point (BMP only, two bytes), every CID maps to glyph 1 (never .notdef, which PDF/A-2
forbids), and ToUnicode maps each code back to itself so that search and copy give the OCR text.
The font is not a subset (no tag prefix), so PDF/A-1 does not ask for a CIDSet.
"""
from __future__ import annotations

import io
from functools import lru_cache

import pikepdf
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

FONT_NAME = "GlyphLessFont"
UNITS_PER_EM = 1000
GLYPH_WIDTH = 500  # in 1/1000 em: text width at size s is len(text) * s / 2 before Tz scaling
ASCENT, DESCENT = 800, -200
REPLACEMENT = "\ufffd"
# 1 Jan 2000 in seconds since 1904 (TrueType epoch): fixed so the font bytes never change.
_FIXED_FONT_TIME = 3029529600


@lru_cache(maxsize=1)
def glyphless_font_program() -> bytes:
    """A minimal, valid TrueType font: .notdef and one glyph, both without outline."""
    fb = FontBuilder(UNITS_PER_EM, isTTF=True)
    order = [".notdef", "blank"]
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({0x20: "blank"})
    empty = TTGlyphPen(None).glyph()
    fb.setupGlyf({name: empty for name in order})
    fb.setupHorizontalMetrics({name: (GLYPH_WIDTH, 0) for name in order})
    fb.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    fb.setupNameTable({"familyName": FONT_NAME, "styleName": "Regular", "psName": FONT_NAME})
    fb.setupOS2(sTypoAscender=ASCENT, sTypoDescender=DESCENT, usWinAscent=ASCENT,
                usWinDescent=-DESCENT, sTypoLineGap=0)
    fb.setupPost()
    fb.setupHead(created=_FIXED_FONT_TIME, modified=_FIXED_FONT_TIME)
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()


def _to_unicode_cmap() -> bytes:
    # One bfrange per high byte (ranges may only vary in the last byte); surrogates are no characters.
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256) if not 0xD8 <= hi <= 0xDF]
    body = []
    for i in range(0, len(ranges), 100):  # at most 100 entries per block
        chunk = ranges[i:i + 100]
        body.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(body)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def add_glyphless_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """Add the font objects to `pdf` once and return the (indirect) Type0 font dictionary."""
    program = glyphless_font_program()
    font_file = pdf.make_stream(program)
    font_file.Length1 = len(program)
    descriptor = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/" + FONT_NAME),
        Flags=5,  # fixed pitch + symbolic: the glyphs stand for no standard character set
        FontBBox=[0, DESCENT, GLYPH_WIDTH, ASCENT],
        ItalicAngle=0, Ascent=ASCENT, Descent=DESCENT, CapHeight=ASCENT, StemV=80,
        FontFile2=font_file,
    ))
    cid_to_gid = pdf.make_stream(b"\x00\x01" * 65536)  # every CID -> glyph 1
    descendant = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/" + FONT_NAME),
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"),
                                         Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=descriptor,
        DW=GLYPH_WIDTH,
        W=pikepdf.Array([0, pikepdf.Array([GLYPH_WIDTH])]),
        CIDToGIDMap=cid_to_gid,
    ))
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type0,
        BaseFont=pikepdf.Name("/" + FONT_NAME),
        Encoding=pikepdf.Name("/Identity-H"),
        DescendantFonts=pikepdf.Array([descendant]),
        ToUnicode=pdf.make_stream(_to_unicode_cmap()),
    ))


def encode_text(text: str) -> bytes:
    """Two-byte codes for the glyph-less font. Characters outside the BMP (never Vietnamese) and
    surrogates become U+FFFD rather than breaking the two-byte encoding."""
    out = bytearray()
    for ch in text:
        cp = ord(ch)
        if cp > 0xFFFF or 0xD800 <= cp <= 0xDFFF:
            cp = ord(REPLACEMENT)
        out += cp.to_bytes(2, "big")
    return bytes(out)
