"""The text layer of real government scans (bilevel G4, 200 dpi; seal and signature as black as the print):
the signer block under a seal is read and placed after the Nơi nhận list, the seal's and signature's ink is
not, a ruled table reads cell by cell, and a small skew is removed by whole-pixel shears. Real tesseract on
the real pages."""
from __future__ import annotations

import numpy as np
import pytest

from digitize.model import PageRef
from digitize.settings import Settings
from digitize.stages import geometry, ingest
from digitize.stages.ocr import page as ocr
from digitize.vn.metrics import cer, normalise
from support import CORPUS, REPO

REAL = CORPUS / "real-scans"
ND199_P3 = REAL / "nd199-2026" / "nd199_2026_p3.tif"
QD222 = REAL / "qd222-2025" / "222-ttg.signed.pdf"


def _page(path, number: int = 1, count: int = 1):
    return ingest.load_page(PageRef(str(path), number, count), Settings().limits)


def _read(page):
    straight, _ = geometry.straighten(page, Settings())
    return ocr.recognise(straight)


def _before(text: str, *parts: str) -> None:
    """Each part is in the text, in this order."""
    at = [text.find(p) for p in parts]
    assert all(i >= 0 for i in at), [p for p, i in zip(parts, at) if i < 0]
    assert at == sorted(at), list(zip(parts, at))


@pytest.fixture(scope="module")
def nd199_signed():
    return _read(_page(ND199_P3))


@pytest.fixture(scope="module")
def qd222_first():
    return _read(_page(QD222, 1, 28))


def test_signer_block_under_a_black_seal_is_read(nd199_signed):
    text = normalise(nd199_signed.text)
    # the title above the seal and the name under the signature, after the Nơi nhận list beside them
    _before(text, "Nơi nhận:", "Lưu: VT, KGVX", "TM. CHÍNH PHỦ", "THỦ TƯỚNG", "Nguyễn Văn Thắng")
    kinds = {r.kind for r in nd199_signed.regions}
    assert {"seal", "signature", "signer_block"} <= kinds


def test_seal_and_signature_ink_is_not_text(nd199_signed, qd222_first):
    for page in (nd199_signed, qd222_first):
        text = normalise(page.text)
        # the seal's ring text (CHÍNH PHỦ NƯỚC CỘNG HÒA… / THỦ TƯỚNG…) is upper case; the pages' own
        # `nước` (Chủ tịch nước) is not, and only page 1 has the motto
        assert "NƯỚC" not in text
        assert text.count("CỘNG HÒA") == (page is qd222_first)
        seal = next(r for r in page.regions if r.kind == "seal")
        signature = next(r for r in page.regions if r.kind == "signature")
        assert signature.box[0] < seal.box[2] and signature.box[2] > seal.box[2]  # it runs out of the seal
        inside = [w for w in page.words if ocr.page_regions.inside(w.box, seal)]
        assert all(w.confidence >= ocr.SEAL_KEEP_CONFIDENCE for w in inside), [w.text for w in inside]


def test_foot_in_reading_order(qd222_first):
    """(The header's order is tested in test_ocr_regions.py.)"""
    text = normalise(qd222_first.text)
    # the Nơi nhận list, to its last line, before the signer block beside it
    _before(text, "Nơi nhận:", "Văn phòng Quốc hội", "Cơ quan trung ương của các đoàn thể", "Công báo;",
            "VT, NN")
    foot = text[text.find("VT, NN"):]
    assert "THỦ TƯỚNG" in foot and "Hà" in foot  # the signer's title and name, after the list


def test_table_read_cell_by_cell():
    page = _read(_page(QD222, 18, 28))
    lines = [normalise(line) for line in page.lines]
    # a cell's wrapped lines are one line of the text layer, the next cell after it
    task = next(i for i, line in enumerate(lines) if "quản lý vòng đời của các loại hóa chất" in line)
    assert "Xây dựng và triển khai" in lines[task] or "dựng và triển khai" in lines[task]
    assert "thực hiện kinh tế tuần hoàn" in lines[task]
    assert any(line == "Bộ Tài nguyên và Môi trường" for line in lines)  # a cell alone, no neighbour's words
    truth = normalise((REPO / "bench" / "data" / "qd222-2025" / "qd222_2025_p18.gt.txt").read_text("utf-8"))
    assert cer(page.text, truth) < 0.05  # row by row across the cells it was 0.6


def test_small_skew_of_a_bilevel_scan_removed_by_shears():
    """A text page and a table page of the portal's G4 scans, each skewed by a fraction of a degree, are
    straightened without interpolation: no grey is made and the ink stays the same."""
    for page in (_page(QD222, 3, 28), _page(QD222, 28, 28)):
        assert set(np.unique(page.image)) <= {0, 255}  # decoded pixel for pixel
        straight, geo = geometry.straighten(page, Settings())
        assert 0.1 <= abs(geo.deskew) < 0.3, geo
        assert set(np.unique(straight.image)) <= {0, 255}
        before, after = np.count_nonzero(page.image == 0), np.count_nonzero(straight.image == 0)
        assert abs(after - before) <= 0.01 * before


ND335 = REAL / "nd335-2025" / "335-cp.signed.pdf"


def test_lines_under_a_faint_seal_over_body_text_are_kept():
    """nd335 p21: a faint round seal stamped over the start of items 2 and 3 of an article; every line beside
    and under it is still in the text layer, in its place."""
    text = normalise(_read(_page(ND335, 21, 29)).text)
    _before(text, "tháng hoặc", "hướng dẫn việc đảm bảo kinh phí xây", "triển khai thực hiện quy định",
            "kiểm tra việc tổ chức thực hiện Nghị định này", "kết quả xếp loại chất lượng")


def test_incoming_stamp_with_a_broken_top_is_a_region_not_text():
    """nd335 p1: the ĐẾN stamp (its top only the thin frame of the agency line) with a handwritten date, the
    decree's title printed close beside it: the stamp is a region, out of the text; the title stays."""
    page = _read(_page(ND335, 1, 29))
    text = normalise(page.text)
    assert "stamp" in {r.kind for r in page.regions}
    assert "ĐẾN" not in text and "Ngày" not in text and "THÔNG TIN ĐIỆN TỬ" not in text
    _before(text, "Số: 335/2025/NĐ-CP", "ngày 21 tháng 12 năm 2025", "NGHỊ ĐỊNH",
            "Quy định về đánh giá, xếp loại chất lượng đối với", "cơ quan hành chính nhà nước và công chức")
