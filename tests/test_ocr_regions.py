"""Seals, rubber stamps, the portal's stamp and tables on real government scans (bilevel G4, 200 dpi: no colour
cue) are found as page regions and kept out of the text layer, while the printed text around them stays."""
from __future__ import annotations

import json

import numpy as np
import pytest

from digitize.model import Page, PageRef, Region
from digitize.settings import Settings
from digitize.stages import ingest
from digitize.stages.ocr import page as ocr
from digitize.stages.ocr import regions
from digitize.vn.metrics import normalise
from support import CORPUS, SAMPLES

REAL = CORPUS / "real-scans"
ND199 = REAL / "nd199-2026"
QD222 = REAL / "qd222-2025" / "222-ttg.signed.pdf"


def _page(path, number: int = 1, count: int = 1):
    return ingest.load_page(PageRef(str(path), number, count), Settings().limits)


def _kinds(page) -> list[str]:
    return sorted(r.kind for r in regions.detect(page.image, page.dpi))


@pytest.fixture(scope="module")
def qd222_first():
    return _page(QD222, 1, 28)


def test_regions_on_real_pages(qd222_first):
    assert _kinds(qd222_first) == ["portal_stamp", "seal", "stamp"]
    assert _kinds(_page(ND199 / "nd199_2026_p1.tif")) == ["stamp"]  # the incoming-mail stamp
    assert _kinds(_page(ND199 / "nd199_2026_p2.tif")) == []  # plain text: nothing found
    assert _kinds(_page(ND199 / "nd199_2026_p3.tif")) == ["seal"]
    assert _kinds(_page(QD222, 28, 28)) == ["table"]


def test_seal_found_where_a_synthetic_page_has_one():
    for gt in sorted((SAMPLES / "degraded").glob("*.gt.json")):
        truth = json.loads(gt.read_text(encoding="utf-8"))
        if truth["rotation"]:
            continue  # regions are looked for on the straightened page
        page = _page(gt.with_name(truth["file"]))
        assert ("seal" in _kinds(page)) == ("seal" in truth["damage"]), gt.name


@pytest.fixture(scope="module")
def qd222_first_read(qd222_first):
    return ocr.recognise(qd222_first)


def test_stamps_kept_out_printed_text_kept(qd222_first_read):
    result = qd222_first_read
    text = normalise(result.text)
    assert {r.kind for r in result.regions} == {"portal_stamp", "seal", "signature", "signer_block", "stamp"}
    for stamped in ("Người ký", "Thời gian ký", "Cơ quan: VĂN", "ĐẾN"):  # portal stamp, incoming-mail stamp
        assert stamped not in text
    for printed in ("THỦ TƯỚNG CHÍNH PHỦ", "Số: 222/QĐ-TTg", "Ban hành Kế hoạch hành động quốc gia",
                    "Hà Nội, ngày 23 tháng 01 năm 2025", "Nơi nhận:", "Văn phòng Quốc hội"):
        assert printed in text


def test_official_header_reads_as_its_two_row_table(qd222_first_read):
    """Issuing body, national motto, then the number and the place and date (the order of published texts)."""
    text = normalise(qd222_first_read.text)
    order = ["THỦ TƯỚNG CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Hạnh phúc", "Số: 222/QĐ-TTg",
             "Hà Nội, ngày 23 tháng 01 năm 2025", "Ban hành Kế hoạch"]
    assert [text.index(part) for part in order] == sorted(text.index(part) for part in order)


def test_incoming_mail_stamp_gone_on_reported_page():
    text = normalise(ocr.recognise(_page(ND199 / "nd199_2026_p1.tif")).text)
    assert "THÔNG TIN" not in text and "ĐẾN" not in text
    assert "Số: 199" in text and "NGHỊ ĐỊNH" in text
    assert "Căn cứ Luật Tổ chức Chính" in text and "63/2025/QH15" in text  # the line that touches the stamp


def test_unreadable_lines_dropped_digits_kept():
    from digitize.model import Word
    from digitize.stages.ocr.readable import drop_unreadable_lines

    def line(n, *tokens):
        return [Word(t, c, (0, 0, 1, 1), n) for t, c in tokens]

    words = (line(0, ("rffr", 67.0)) + line(1, ("Ẳ", 30.0), ("Ih", 20.0), ("ƒ", 15.0))  # scribbles
             + line(2, ("ngày", 55.0), ("Ih", 20.0))  # a syllable read at fair confidence: print
             + line(3, ("2213:1.996", 12.0))  # digits: never judged by the dictionary
             + line(4, ("TTg", 50.0)) + line(5, ("HỦ", 21.0)))  # an abbreviation; a lone guess
    kept = {w.line for w in drop_unreadable_lines(tuple(words))}
    assert kept == {2, 3, 4}


def test_reallike_page_regions(tmp_path):
    """The generator's real-like page (bilevel, black seal, the incoming-mail stamp) shows what real scans do."""
    import cv2
    import numpy as np

    from samples.generate import make_page

    img, gt = make_page("giay_phep_xay_dung", 5, 200, dict(seal=True, signature=True, black_marks=True, bilevel=True,
                                                   stamp=True))
    image = cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    assert set(np.unique(image)) <= {0, 255} and "stamp" in gt["damage"]
    assert _kinds(Page(PageRef("x"), image, 200.0)) == ["seal", "stamp"]


def _box_over_text(dpi: int = 200):
    """A generated bilevel page: a paragraph with a stamp-sized ruled box stamped across four of its lines."""
    from PIL import ImageDraw

    from samples.layout import Para, render

    text = ("Điều 1. Đồng ý chủ trương đầu tư dự án xây dựng trụ sở làm việc của cơ quan theo đề nghị của Sở Kế "
            "hoạch và Đầu tư tại Tờ trình số 125/TTr-SKHĐT ngày 12 tháng 3 năm 2025 với các nội dung chủ yếu như sau: "
            "tên dự án, chủ đầu tư, mục tiêu đầu tư và quy mô đầu tư của dự án theo quy định.")
    rendered = render([Para(text, size=14, indent_mm=10)], dpi)
    mm = dpi / 25.4
    first = rendered.lines[0]["box"]
    box = (int(first[0] + 40 * mm), int(first[1] + 3 * mm), int(first[0] + 95 * mm), int(first[1] + 23 * mm))
    ImageDraw.Draw(rendered.image).rectangle(box, outline=(20, 20, 20), width=max(2, int(0.35 * mm)))
    return np.where(np.asarray(rendered.image.convert("L")) < 160, 0, 255).astype(np.uint8), box


def test_masking_a_stamp_keeps_the_lines_of_print_that_cross_it():
    grey, box = _box_over_text()
    x0, y0, x1, y1 = box
    inside_before = np.count_nonzero(grey[y0 + 5:y1 - 5, x0 + 5:x1 - 5] < 128)
    masked = regions.mask_stamps(grey.copy(), (Region("stamp", box),), 200.0)
    inside_after = np.count_nonzero(masked[y0 + 5:y1 - 5, x0 + 5:x1 - 5] < 128)
    assert inside_before > 0 and inside_after >= 0.8 * inside_before  # the print under the box stays


def test_a_stamp_on_blank_paper_is_still_painted_out():
    from PIL import Image

    from samples import realmarks

    img = Image.new("RGB", (1654, 800), "white")
    realmarks.incoming_stamp(img, 200.0, np.random.default_rng(3), at=(100, 100))
    grey = np.asarray(img.convert("L")).copy()
    mm = 200 / 25.4
    box = (100, 100, 100 + int(58 * mm), 100 + int(19 * mm))
    masked = regions.mask_stamps(grey, (Region("stamp", box),), 200.0)
    assert np.count_nonzero(masked[box[1]:box[3], box[0]:box[2]] < 128) == 0


SEALED_TEXT = [
    "Điều 1. Đồng ý chủ trương đầu tư dự án xây dựng trụ sở làm việc của cơ quan theo đề nghị của Sở Kế hoạch và "
    "Đầu tư tại Tờ trình số 125/TTr-SKHĐT ngày 12 tháng 3 năm 2025 với các nội dung chủ yếu như sau:",
    "1. Tên dự án: Xây dựng trụ sở làm việc của cơ quan nhà nước tại địa phương theo quy hoạch đã được phê duyệt.",
    "2. Chủ đầu tư: Ban quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp của tỉnh.",
]


def _seal_over_text(alpha: int, bilevel: bool):
    """A generated 200 dpi page: a round seal (black ink) stamped over the start of an article."""
    from samples.damage import _seal
    from samples.layout import Para, render

    rendered = render([Para(t, size=14, indent_mm=10) for t in SEALED_TEXT], 200)
    mm = 200 / 25.4
    first = rendered.lines[0]["box"]
    _seal(rendered.image, int(first[0] + 20 * mm), int(first[1] + 14 * mm), int(18 * mm),
          "ỦY BAN NHÂN DÂN TỈNH THANH HÓA", np.random.default_rng(3), red=(40, 40, 40, alpha))
    grey = np.asarray(rendered.image.convert("L"))
    if bilevel:
        grey = np.where(grey < 160, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(grey), "\n".join(ln["text"] for ln in rendered.lines)


@pytest.mark.parametrize("alpha, bilevel", [(255, True), (128, False)], ids=["heavy-bilevel", "faint-grey"])
def test_a_seal_over_running_text_keeps_its_lines(tmp_path, alpha, bilevel):
    """Each line of print reads where it read before the seal was handled: not cut into a signer block and
    re-ordered, not split at the seal into two columns, its letters not painted out with a ring's arc. The
    text layer is no worse than plain tesseract's on the same image."""
    import subprocess

    import cv2

    from digitize.vn.metrics import cer

    grey, truth = _seal_over_text(alpha, bilevel)
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), grey)
    plain = subprocess.run(["tesseract", str(path), "-", "-l", "vie", "--dpi", "200"], capture_output=True,
                           text=True, check=True).stdout
    result = ocr.recognise(Page(PageRef(str(path)), cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), 200.0))
    assert "signer_block" not in {r.kind for r in result.regions}
    assert cer(result.text, truth) <= cer(plain, truth) + 0.01, (cer(result.text, truth), cer(plain, truth))
    text = normalise(result.text)
    at = [text.find(p) for p in ("trương đầu tư dự án xây dựng", "Kế hoạch và Đầu tư", "với các nội dung chủ yếu",
                                 "cơ quan nhà nước tại địa phương", "phê duyệt", "Chủ đầu tư")]
    assert all(i >= 0 for i in at) and at == sorted(at), at
