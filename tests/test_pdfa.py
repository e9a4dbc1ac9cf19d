"""PDF/A stage: synthetic pages drawn with PIL (words and boxes known exactly) -> 1b, 2b, 3b files,
checked with qpdf, pdftotext, PDFBox Preflight and the project's own PDF/A checks."""
from __future__ import annotations

import io
import json
import re
import subprocess
import unicodedata
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from digitize.errors import DigitizeError
from digitize.model import (
    Document,
    DocumentInput,
    Extraction,
    Field,
    Geometry,
    OcrPage,
    PageQuality,
    PageRef,
    PageResult,
    Word,
)
from digitize.pdfa.build import build_pdfa
from digitize.pdfa.checks.conformance import check_pdfa
from digitize.pdfa.checks.xmp import parse_xmp
from digitize.pdfa.xmp import DIGITIZE_NS
from digitize.tools.preflight import preflight
from digitize.tools.qpdf import qpdf_check

FONT = next(p for p in ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
                        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf") if Path(p).exists())
DPI = 200
LINES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY KHAI SINH",
    "Họ, chữ đệm, tên: Nguyễn Thị Thùy Dương",
    "Ngày sinh: 05/03/2019 Nơi sinh: Bệnh viện Phụ sản Hà Nội",
    "Quốc tịch: Việt Nam Dân tộc: Kinh",
)
CREATED = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
FIELDS = (Field("ho_ten", "Nguyễn Thị Thùy Dương", "Nguyễn Thị Thùy Dương", 93.4, 1, (10, 20, 300, 60)),
          Field("ngay_sinh", "2019-03-05", "05/03/2019", 88.0, 1, (10, 70, 200, 100), valid=True))


def _page(n: int, mode: str) -> PageResult:
    """An A5-landscape-ish page with LINES drawn at DPI; word boxes are the drawn text boxes."""
    w, h = int(8.27 * DPI), int(4.2 * DPI)
    im = Image.new(mode, (w, h), "white")
    draw, font = ImageDraw.Draw(im), ImageFont.truetype(FONT, int(DPI * 0.16))
    words, y = [], int(DPI * 0.4)
    for li, line in enumerate(LINES):
        x = int(DPI * 0.6)
        for text in line.split(" "):
            text = unicodedata.normalize("NFC", text)
            box = draw.textbbox((x, y), text, font=font)
            draw.text((x, y), text, font=font, fill=(20, 20, 90) if mode == "RGB" else 30)
            words.append(Word(text, 95.0, box, li))
            x = box[2] + int(font.getlength(" "))
        y += int(DPI * 0.32)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80, dpi=(DPI, DPI))
    ref = PageRef("/scans/HS-001/giay-khai-sinh.tif", n, 2)
    quality = PageQuality(DPI, w, h, 230.0, 40.0, 0.05, False, False, mode == "RGB")
    return PageResult(ref, buf.getvalue(), DPI, w, h, quality, Geometry(),
                      OcrPage(tuple(words), LINES, w, h))


@pytest.fixture(scope="module")
def doc() -> Document:
    # Page 1 colour (DeviceRGB), page 2 greyscale (DeviceGray): both kinds of scan the pipeline makes.
    return Document(
        DocumentInput("/scans/HS-001/giay-khai-sinh.tif", "HS-001", 1, {"procedure_code": "1.001193"}),
        "ab" * 32, (_page(1, "RGB"), _page(2, "L")), Extraction("giay_khai_sinh", 0.91, FIELDS))


@pytest.fixture(scope="module")
def files(doc, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdfa")
    paths = {}
    for part in ("1b", "2b", "3b"):
        paths[part] = out / f"doc-{part}.pdf"
        paths[part].write_bytes(build_pdfa(doc, part, {"dossier_code": "000.00.16.H26-240506-0001"},
                                           created=CREATED))
    return paths


@pytest.fixture(scope="module")
def preflight_results(files):
    return {part: preflight(files[part]) for part in ("1b", "2b")}  # one JVM start each


PARTS = ("1b", "2b", "3b")


@pytest.mark.parametrize("part", PARTS)
def test_qpdf_check_is_clean(files, part):
    assert qpdf_check(files[part]) == (True, ())


@pytest.mark.parametrize("part", PARTS)
def test_header_version_and_binary_comment(files, part):
    data = files[part].read_bytes()
    version = "1.4" if part == "1b" else "1.7"
    assert re.match(rb"%PDF-" + version.encode() + rb"\n%[\x80-\xff]{4}", data), data[:16]
    assert b"/Type /XRef" not in data and b"/ObjStm" not in data  # PDF 1.4-compatible structure


@pytest.mark.parametrize("part", PARTS)
def test_pdftotext_gives_the_words_in_reading_order(files, part):
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(files[part]), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == 2
    for page in pages:
        lines = [unicodedata.normalize("NFC", ln) for ln in page.splitlines() if ln.strip()]
        assert lines == [unicodedata.normalize("NFC", ln) for ln in LINES]


def test_words_sit_on_their_boxes(doc, files):
    """pdftotext's word boxes (points) match the drawn boxes (pixels * 72 / dpi)."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(files["2b"]), "-"],
                         capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', xml)
    words = doc.pages[0].ocr.words
    assert [t for *_, t in found] == [w.text for w in words]
    k = 72.0 / DPI
    for (x0, y0, y1, _), w in zip(found, words):
        assert abs(float(x0) - w.box[0] * k) < 0.5
        line_top = min(v.box[1] for v in words if v.line == w.line) * k
        line_bottom = max(v.box[3] for v in words if v.line == w.line) * k
        assert abs(float(y0) - line_top) < 1.0 and abs(float(y1) - line_bottom) < 1.0


@pytest.mark.parametrize("part", PARTS)
def test_page_images_are_the_input_jpeg_bytes(doc, files, part):
    with pikepdf.open(files[part]) as pdf:
        assert len(pdf.pages) == 2
        for page, src in zip(pdf.pages, doc.pages):
            images = list(page.Resources.XObject.values())
            assert len(images) == 1
            img = images[0]
            assert img.read_raw_bytes() == src.jpeg  # no re-encode
            assert img.Filter == pikepdf.Name.DCTDecode
            assert not bool(img.get("/Interpolate", False))
            assert (img.Width, img.Height) == (src.width_px, src.height_px)
            box = [float(v) for v in page.MediaBox]
            assert box[2] == pytest.approx(src.width_px * 72 / DPI, abs=0.01)
            assert box[3] == pytest.approx(src.height_px * 72 / DPI, abs=0.01)
        assert pdf.pages[0].Resources.XObject.Im0.ColorSpace == pikepdf.Name.DeviceRGB
        assert pdf.pages[1].Resources.XObject.Im0.ColorSpace == pikepdf.Name.DeviceGray


@pytest.mark.parametrize("part", PARTS)
def test_xmp_output_intent_and_fonts(doc, files, part):
    with pikepdf.open(files[part]) as pdf:
        xmp, problems = parse_xmp(pdf.Root.Metadata.read_bytes())
        assert problems == []
        assert (xmp.part, xmp.conformance) == (part[0], "B")
        assert DIGITIZE_NS in xmp.described  # extension schema for our namespace
        raw = pdf.Root.Metadata.read_bytes().decode("utf-8")
        assert f"<digitize:sourceSha256>{'ab' * 32}</digitize:sourceSha256>" in raw
        assert "<digitize:procedureCode>1.001193</digitize:procedureCode>" in raw
        assert "<digitize:dossierCode>000.00.16.H26-240506-0001</digitize:dossierCode>" in raw
        assert "<digitize:documentType>giay_khai_sinh</digitize:documentType>" in raw
        assert xmp.producer == str(pdf.docinfo.Producer) == "digitize"
        assert xmp.create_date == "2024-05-06T07:08:09+00:00"
        assert str(pdf.docinfo.CreationDate) == "D:20240506070809+00'00'"
        assert "/Filter" not in pdf.Root.Metadata
        assert len(pdf.trailer.ID) == 2 and not pdf.is_encrypted

        (oi,) = list(pdf.Root.OutputIntents)
        assert oi.S == pikepdf.Name.GTS_PDFA1
        icc = oi.DestOutputProfile.read_bytes()
        assert icc[36:40] == b"acsp" and icc[16:20] == b"RGB " and int(oi.DestOutputProfile.N) == 3

        for page in pdf.pages:
            for font in page.Resources.Font.values():
                assert font.Subtype == pikepdf.Name.Type0 and font.Encoding == pikepdf.Name("/Identity-H")
                cid = font.DescendantFonts[0]
                program = cid.FontDescriptor.FontFile2
                assert len(program.read_bytes()) == int(program.Length1) > 0
                assert "/ToUnicode" in font


def test_preflight_1b_has_no_error(preflight_results):
    result = preflight_results["1b"]
    assert result.errors == () and result.ok, result.errors


def test_preflight_2b_only_reports_rules_that_differ_from_pdf_a1(preflight_results):
    # Preflight validates PDF/A-1b only. Allowed for a PDF/A-2b file:
    #   7.11.2 "part must be 1": the XMP pdfaid:part of a PDF/A-2 file is 2.
    # Nothing else: the file has no cross-reference streams (Preflight 1.x syntax codes) and no
    # CIDSet is needed (the font is not a subset), so those PDF/A-1 vs -2 differences cannot occur.
    allowed = {"7.11.2"}
    result = preflight_results["2b"]
    assert result.codes <= allowed, result.errors
    assert result.codes == {"7.11.2"}  # Preflight does read our XMP claim


@pytest.mark.parametrize("part", PARTS)
def test_own_checks_accept_own_output(files, part):
    report = check_pdfa(files[part])
    assert report.claimed == part.upper()
    assert report.ok, report.problems
    assert check_pdfa(files[part], level=part).ok


def test_3b_embeds_fields_json_as_data(files):
    with pikepdf.open(files["3b"]) as pdf:
        (spec,) = list(pdf.Root.AF)
        assert spec.AFRelationship == pikepdf.Name.Data
        assert str(spec.UF) == str(spec.F) == "fields.json"
        names = pdf.Root.Names.EmbeddedFiles.Names
        assert str(names[0]) == "fields.json" and names[1].objgen == spec.objgen
        stream = spec.EF.F
        assert stream.Subtype == pikepdf.Name("/application/json")
        assert str(stream.Params.ModDate) == "D:20240506070809+00'00'"
        payload = json.loads(stream.read_bytes().decode("utf-8"))
        assert payload["doc_type"] == "giay_khai_sinh"
        assert payload["fields"] == [json.loads(json.dumps(f.as_dict())) for f in FIELDS]
    with pikepdf.open(files["2b"]) as pdf:
        assert "/AF" not in pdf.Root and "/Names" not in pdf.Root


def test_output_is_deterministic(doc, files):
    again = build_pdfa(doc, "2b", {"dossier_code": "000.00.16.H26-240506-0001"}, created=CREATED)
    assert again == files["2b"].read_bytes()
    later = build_pdfa(doc, "2b", {"dossier_code": "000.00.16.H26-240506-0001"},
                       created=datetime(2024, 5, 7, tzinfo=timezone.utc))
    assert later != again


def test_own_checks_catch_damage_to_own_output(files):
    data = files["2b"].read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.pages[0].Resources.XObject.Im0.Interpolate = True
        del pdf.Root.OutputIntents
        buf = io.BytesIO()
        pdf.save(buf)
    problems = check_pdfa(buf.getvalue()).problems
    assert any(p.startswith("6.2.8:") for p in problems)
    assert any(p.startswith("6.2.4.3: DeviceRGB") for p in problems)
    assert any(p.startswith("6.2.4.3: DeviceGray") for p in problems)


def test_own_checks_follow_incremental_updates(files):
    """A later revision (as a signature adds) is what gets checked; a clean update stays conforming."""
    from pyhanko.pdf_utils.generic import DictionaryObject, NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    data = files["2b"].read_bytes()
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    w.root[NameObject("/Lang")] = TextStringObject("vi-VN")
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    updated = out.getvalue()
    assert updated.startswith(data) and len(updated) > len(data)
    assert check_pdfa(updated).ok, check_pdfa(updated).problems

    w = IncrementalPdfFileWriter(io.BytesIO(data))
    w.root[NameObject("/OpenAction")] = w.add_object(DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}))
    w.update_root()
    out = io.BytesIO()
    w.write(out)
    report = check_pdfa(out.getvalue())
    assert not report.ok and any(p.startswith("6.5.1:") for p in report.problems)


def test_bad_input_is_a_one_line_error(doc):
    broken = doc.pages[0].__class__(**{**doc.pages[0].__dict__, "jpeg": b"\x89PNG not a jpeg"})
    bad = Document(doc.input, doc.source_sha256, (broken,), doc.extraction)
    with pytest.raises(DigitizeError) as e:
        build_pdfa(bad, "2b", created=CREATED)
    assert e.value.where == str(broken.ref) and "JPEG" in e.value.reason
    with pytest.raises(DigitizeError, match="unknown PDF/A part"):
        build_pdfa(doc, "4b")
    with pytest.raises(DigitizeError, match="no pages"):
        build_pdfa(Document(doc.input, doc.source_sha256, ()), "2b")


def test_validator_wrappers_report_problems_clearly(files, tmp_path, monkeypatch):
    from digitize.tools import preflight as pf

    ok, messages = qpdf_check(files["2b"].read_bytes()[:-3000])  # truncated: xref and trailer gone
    assert not ok and any("<bytes>" in m for m in messages)  # messages name the input, not a temp path
    with pytest.raises(DigitizeError, match="no such file"):
        qpdf_check(tmp_path / "missing.pdf")

    garbage = preflight(b"not a pdf")
    assert not garbage.ok and "1.1" in garbage.codes  # Preflight's header syntax error

    pf.classpath.cache_clear()
    monkeypatch.setattr(pf, "JAVA_DIR", str(tmp_path))
    try:
        with pytest.raises(DigitizeError, match="missing jars .*preflight.jar"):
            preflight(files["1b"])
    finally:
        pf.classpath.cache_clear()


def test_a_line_over_two_printed_rows_is_written_row_by_row():
    """A table cell the OCR gives as one text line over two printed rows: the text layer keeps its rows in order
    (pdftotext -raw reads the order the file was written in), not its words sorted left to right."""
    page = _page(1, "L")
    words = tuple(Word(w.text, w.confidence, w.box, 3 if w.line == 4 else w.line) for w in page.ocr.words)
    cell = replace(page, ocr=OcrPage(words, page.ocr.lines, page.ocr.width_px, page.ocr.height_px))
    pdf = build_pdfa(Document(DocumentInput("/scans/cell.tif", "HS-001"), "0" * 64, (cell,)), "2b", created=CREATED)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    lines = [unicodedata.normalize("NFC", ln) for ln in text.splitlines() if ln.strip()]
    assert lines[3:5] == [unicodedata.normalize("NFC", ln) for ln in LINES[3:5]]
