"""Document -> PDF/A bytes: the page images as scanned, an invisible OCR text layer, XMP metadata.

Each page is one JPEG drawn over the whole MediaBox (page size = image size at its dpi), passed
through as DCTDecode without re-encoding. On top, every OCR word is shown in text render mode 3
(invisible) with the glyph-less font, stretched with Tz to the width of its box. A word is
followed by a space stretched to the start of the next word on the line, so text extraction gives
single spaces between words and line breaks between lines (as tesseract's pdf renderer does).
"""
from __future__ import annotations

import io
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pikepdf
from PIL import Image

from digitize.errors import DigitizeError, InputError, UsageError
from digitize.model import Document, PageResult, Word
from digitize.pdfa.font import GLYPH_WIDTH, add_glyphless_font, encode_text
from digitize.pdfa.xmp import DocMeta, build_xmp, info_dict, pdf_date
from digitize.settings import PIPELINE_VERSION

PARTS = {"1b": (1, "B", "1.4"), "2b": (2, "B", "1.7"), "3b": (3, "B", "1.7")}
FIELDS_NAME = "fields.json"
_DESCENT_SHARE = 0.2  # of the line height below the baseline, as in the font (-200/1000)


def srgb_profile() -> bytes:
    return (Path(__file__).parents[1] / "assets" / "sRGB.icc").read_bytes()


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _jpeg_colour_space(page: PageResult, where: str) -> tuple[pikepdf.Name, int, int]:
    try:
        with Image.open(io.BytesIO(page.jpeg)) as im:
            if im.format != "JPEG":
                raise InputError(where, f"page image is {im.format}, expected JPEG")
            mode, size = im.mode, im.size
    except DigitizeError:
        raise
    except Exception as e:  # PIL raises many types for broken data
        raise InputError(where, f"page image is not a readable JPEG ({e.__class__.__name__})") from None
    spaces = {"RGB": pikepdf.Name.DeviceRGB, "L": pikepdf.Name.DeviceGray}
    if mode not in spaces:
        # CMYK would need a CMYK OutputIntent; the pipeline always produces RGB or grey pages.
        raise InputError(where, f"JPEG colour mode {mode} is not supported (RGB or greyscale only)")
    return spaces[mode], size[0], size[1]


def _line_groups(words: tuple[Word, ...]) -> list[list[Word]]:
    """The words by text line, in reading order; a line that spans several printed rows (a table cell read
    as one line) is written row by row, each row left to right, so that a reader of the text layer gets the
    cell's text in order and each row its own baseline."""
    lines: dict[int, list[Word]] = {}
    for w in words:
        if w.text.strip():
            lines.setdefault(w.line, []).append(w)
    return [row for _, ws in sorted(lines.items()) for row in _rows(ws)]


def _rows(words: list[Word]) -> list[list[Word]]:
    heights = sorted(w.box[3] - w.box[1] for w in words)
    h = heights[len(heights) // 2]
    centres = sorted(((w.box[1] + w.box[3]) / 2, i) for i, w in enumerate(words))
    if centres[-1][0] - centres[0][0] < h:
        return [sorted(words, key=lambda w: w.box[0])]  # one printed row, whatever its words' heights
    rows: list[list[Word]] = []
    for cy, i in centres:  # rows of a cell lie a line's pitch apart; a row's own centres within 0.7 of a height
        if rows and abs(cy - sum((w.box[1] + w.box[3]) / 2 for w in rows[-1]) / len(rows[-1])) < 0.7 * h:
            rows[-1].append(words[i])
        else:
            rows.append([words[i]])
    return [sorted(r, key=lambda w: w.box[0]) for r in rows]


def _text_layer(page: PageResult, scale: float, page_h: float) -> bytes:
    """Content stream operators for the invisible words. `scale` converts pixels to points."""
    ops = ["BT", "3 Tr"]
    for line in _line_groups(page.ocr.words):
        top = min(w.box[1] for w in line)
        bottom = max(w.box[3] for w in line)
        size = max((bottom - top) * scale, 1.0)
        baseline = page_h - bottom * scale + size * _DESCENT_SHARE
        ops.append(f"/F1 {_num(size)} Tf")
        for i, w in enumerate(line):
            last = i == len(line) - 1
            text = w.text.strip() if last else w.text.strip() + " "
            x0 = w.box[0] * scale
            right = w.box[2] if last else max(line[i + 1].box[0], w.box[2])
            width = max((right - w.box[0]) * scale, 0.1)
            natural = len(text) * size * GLYPH_WIDTH / 1000.0
            ops.append(f"{_num(100.0 * width / natural)} Tz")
            ops.append(f"1 0 0 1 {_num(x0)} {_num(baseline)} Tm")
            ops.append(f"<{encode_text(text).hex().upper()}> Tj")
    ops.append("ET")
    return ("\n".join(ops) + "\n").encode("ascii")


def _add_page(pdf: pikepdf.Pdf, page: PageResult, font: pikepdf.Object, where: str) -> None:
    colour_space, w_px, h_px = _jpeg_colour_space(page, where)
    if page.dpi <= 0:
        raise InputError(where, f"page resolution {page.dpi} dpi is not positive")
    scale = 72.0 / page.dpi
    page_w, page_h = w_px * scale, h_px * scale
    image = pdf.make_stream(
        page.jpeg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=w_px, Height=h_px,
        ColorSpace=colour_space, BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode,
    )
    # OCR boxes are in pixels of the OCR image, which may differ from the JPEG only by scaling.
    ocr_scale = scale * (w_px / page.ocr.width_px) if page.ocr.width_px else scale
    content = (
        f"q {_num(page_w)} 0 0 {_num(page_h)} 0 0 cm /Im0 Do Q\n".encode("ascii")
        + _text_layer(page, ocr_scale, page_h)
    )
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, float(_num(page_w)), float(_num(page_h))],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image),
                                     Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream(content),
    )))


def _doc_meta(doc: Document, metadata: dict[str, str], created: datetime) -> DocMeta:
    doc_type = metadata.get("doc_type") or (doc.extraction.doc_type if doc.extraction else "") or "unknown"
    dossier = metadata.get("dossier_code") or doc.input.dossier
    source = metadata.get("original_name") or os.path.basename(doc.input.path)  # an upload's own name, not its hash
    custom = {
        "dossierCode": dossier,
        "documentType": doc_type,
        "procedureCode": metadata.get("procedure_code", ""),
        "sourceFile": os.path.basename(doc.input.path),
        "sourceSha256": metadata.get("source_sha256") or doc.source_sha256,
        "pipelineVersion": PIPELINE_VERSION,
    }
    return DocMeta(
        title=metadata.get("title") or f"{doc_type} — {dossier} — {source}",
        creator=metadata.get("creator") or "digitize",
        description=metadata.get("description") or f"Digitised copy of {source}",
        created=created,
        custom=tuple((k, v) for k, v in custom.items() if v),
    )


def _attach_fields(pdf: pikepdf.Pdf, doc: Document, created: datetime) -> None:
    fields = [f.as_dict() for f in doc.extraction.fields] if doc.extraction else []
    payload = {
        "doc_type": doc.extraction.doc_type if doc.extraction else None,
        "valid_until": doc.extraction.valid_until if doc.extraction else None,
        "fields": fields,
    }
    data = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode("utf-8")
    embedded = pdf.make_stream(
        data, Type=pikepdf.Name.EmbeddedFile, Subtype=pikepdf.Name("/application/json"),
        Params=pikepdf.Dictionary(ModDate=pikepdf.String(pdf_date(created)), Size=len(data)),
    )
    spec = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String(FIELDS_NAME), UF=pikepdf.String(FIELDS_NAME),
        Desc=pikepdf.String("Fields extracted from the document"),
        AFRelationship=pikepdf.Name.Data, EF=pikepdf.Dictionary(F=embedded, UF=embedded),
    ))
    pdf.Root.Names = pikepdf.Dictionary(
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String(FIELDS_NAME), spec])))
    pdf.Root.AF = pikepdf.Array([spec])


def build_pdfa(doc: Document, part: str = "2b", metadata: dict[str, str] | None = None,
               created: datetime | None = None) -> bytes:
    """One PDF/A-1b, -2b or -3b file for the document; same inputs + `created` = same bytes."""
    where = doc.input.path
    if part not in PARTS:
        raise UsageError(where, f"unknown PDF/A part {part!r} (use 1b, 2b or 3b)")
    if not doc.pages:
        raise InputError(where, "document has no pages")
    number, conformance, version = PARTS[part]
    created = created or datetime.now(timezone.utc).replace(microsecond=0)
    meta = _doc_meta(doc, {**doc.input.metadata, **(metadata or {})}, created)

    pdf = pikepdf.new()
    font = add_glyphless_font(pdf)
    for page in doc.pages:
        _add_page(pdf, page, font, str(page.ref))

    for key, value in info_dict(meta).items():
        pdf.docinfo[key] = pikepdf.String(value)
    pdf.Root.Metadata = pdf.make_stream(build_xmp(meta, number, conformance),
                                        Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    icc = pdf.make_stream(srgb_profile(), N=3)
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
        Info=pikepdf.String("sRGB IEC61966-2.1"), DestOutputProfile=icc,
    )])
    if part == "3b":
        _attach_fields(pdf, doc, created)

    out = io.BytesIO()
    # Classic xref table, no object streams: PDF/A-1 (PDF 1.4) has neither. The ID is derived from
    # the content, which keeps the output deterministic.
    pdf.save(out, force_version=version, object_stream_mode=pikepdf.ObjectStreamMode.disable,
             compress_streams=True, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()
