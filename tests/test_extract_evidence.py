"""Every value right or flagged, on the OCR of the merged pipeline: the causes found on the third development
family (`samples/devset3`), each checked on real OCR output of a generated page or on OCR words laid out as
tesseract gives them."""
from pathlib import Path

import pytest

from digitize.model import PageRef
from digitize.pipeline.pages import process_page
from digitize.profiles.loader import load_profiles
from digitize.settings import Settings
from digitize.stages.extract.fields import extract, extract_fields
from digitize.stages.extract.lines import build_lines
from digitize.vn.values import shape_type
from samples.openworld import FAMILIES, SEEDS, build, templates
from support.ocr_words import ocr_page


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


def _fields(rows, profiles, marks=None):
    return {f.name: f for f in extract_fields(build_lines([ocr_page(rows, marks)]), profiles["generic"])}


# --- marks chosen by the tone corrector's language model -------------------------------------------
def test_names_places_and_closed_lists_keep_the_ocrs_own_marks(profiles):
    got = _fields([("Họ và tên: NGUYỄN THỊ HẠ", 300, 95.0), ("Giới tính: Năm", 300, 95.0),
                   ("Địa chỉ: thôn Đông, xã Tấn Lập, tỉnh Đắk Lắk", 300, 95.0)], profiles,
                  marks={"HẠ": "HÀ", "Năm": "Nam", "Tấn": "Tân"})
    assert got["ho_ten"].value == "Nguyễn Thị Hà"
    assert got["gioi_tinh"].value == "Nam" and not got["gioi_tinh"].needs_review  # confirmed by the list
    assert "Tân Lập" in got["dia_chi"].value
    # without the mark the same words are read as given
    plain = _fields([("Họ và tên: NGUYỄN THỊ HẠ", 300, 95.0)], profiles)
    assert plain["ho_ten"].value == "Nguyễn Thị Hạ"


def test_free_text_with_a_changed_known_syllable_is_flagged_a_fixed_non_word_is_not(profiles):
    got = _fields([("Lý do: Nộp báo cáo tổng kết năm 2024", 300, 95.0)], profiles, marks={"tổng": "tống"})
    assert got["ly_do"].value == "Nộp báo cáo tổng kết năm 2024"
    assert got["ly_do"].needs_review and "language model" in got["ly_do"].reason
    fixed = _fields([("Lý do: Tuổi già", 300, 95.0)], profiles, marks={"Tuổi": "Tuối"})["ly_do"]
    assert fixed.value == "Tuổi già" and not fixed.needs_review  # 'Tuối' is no syllable: the model fixed it


@pytest.fixture(scope="module")
def devset2_page(tmp_path_factory):
    """A development page where the OCR's tone corrector, without its veto, turned the sex value 'Nam' into
    'Năm'."""
    out = tmp_path_factory.mktemp("devset2")
    path = build("devset2", out, 5)[4]
    return process_page(PageRef(str(path)), Settings())


def test_the_ocr_keeps_its_own_reading_of_a_word_whose_marks_it_changed(devset2_page, profiles):
    # the tone corrector's veto (a mark only to one the OCR listed) no longer turns this `Nam` into `Năm`; where
    # a corrector changes a word, the OCR's own reading is kept beside it
    changed = [w for w in devset2_page.ocr.words if w.marks_from]
    assert all(w.marks_from != w.text for w in changed)
    got = {f.name: f for f in extract([devset2_page], profiles).fields}
    assert got["gioi_tinh"].value == "Nam" and not got["gioi_tinh"].needs_review


# --- header and foot --------------------------------------------------------------------------------
def _header(body_lines):
    rows = [(t, 250, 95.0) for t in body_lines]
    rows += [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 900, 95.0), ("Độc lập - Tự do - Hạnh phúc", 980, 95.0),
             ("Số: 298/TB-TCS", 300, 95.0), ("Thanh Hóa, ngày 31 tháng 01 năm 2025", 950, 95.0),
             ("THÔNG BÁO", 720, 95.0)]
    return rows


def test_an_issuing_body_keeps_its_own_number_and_loses_a_parent_line_naming_a_province(profiles):
    got = _fields(_header(["THUẾ TỈNH THANH HÓA", "THUẾ CƠ SỞ 3"]), profiles)
    assert got["co_quan_ban_hanh"].value == "THUẾ CƠ SỞ 3"
    two_line_name = _fields(_header(["ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ"]), profiles)
    assert two_line_name["co_quan_ban_hanh"].value == "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ"


def test_a_stray_mark_beside_the_issuing_body_is_not_part_of_its_name(profiles):
    got = _fields(_header(["ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", "'TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"]), profiles)
    assert got["co_quan_ban_hanh"].value == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"


def test_a_subject_under_the_number_is_read_over_its_lines_and_flagged_when_cut(profiles):
    rows = _header(["ỦY BAN NHÂN DÂN", "XÃ TÂN PHÚ"])
    rows[5:5] = [("V/v triển khai kế hoạch chuyển đổi", 260, 95.0), ("số toàn diện trong công tác", 270, 95.0),
                 ("cải cách hành chính năm 2025", 270, 95.0)]
    got = _fields(rows, profiles)["trich_yeu"]
    assert got.value == "triển khai kế hoạch chuyển đổi số toàn diện trong công tác cải cách hành chính năm 2025"
    assert not got.needs_review
    rows[5:8] = [("V/v triển khai thực hiện Kế hoạch số", 260, 95.0)]
    cut = _fields(rows, profiles)["trich_yeu"]
    assert cut.needs_review and "may go on" in cut.reason


def test_a_misread_upper_case_word_in_the_signers_authority_is_flagged(profiles):
    foot = [("KT. GLIÁM ĐỐC", 1000, 95.0), ("PHÓ GIÁM ĐỐC", 1010, 95.0)]
    got = _fields(_header(["SỞ Y TẾ TỈNH NGHỆ AN", "TRUNG TÂM Y TẾ"]) + foot, profiles)
    assert got["quyen_han_ky"].needs_review and "GLIÁM" in got["quyen_han_ky"].reason
    right = _fields(_header(["SỞ Y TẾ TỈNH NGHỆ AN", "TRUNG TÂM Y TẾ"]) + [("KT. GIÁM ĐỐC", 1000, 95.0),
                                                                          ("PHÓ GIÁM ĐỐC", 1010, 95.0)], profiles)
    assert right["quyen_han_ky"].value == "KT. GIÁM ĐỐC" and not right["quyen_han_ky"].needs_review


# --- labels and values --------------------------------------------------------------------------------
def test_a_label_glued_to_its_value_at_the_colon_is_read_apart(profiles):
    got = _fields([("Năm sinh:2005  Nam/Nữ:Nam  Dân tộc: Hoa", 300, 95.0), ("Thời gian: 08:30", 300, 95.0)],
                  profiles)
    assert got["nam_sinh"].value == "2005" and got["gioi_tinh"].value == "Nam" and got["dan_toc"].value == "Hoa"
    assert "08:30" in got["thoi_gian"].raw  # a time keeps its colon


def test_an_address_that_stops_before_its_province_is_flagged(profiles):
    got = _fields([("Nơi ở hiện nay: Số 12, đường Trần Hưng", 300, 95.0), ("Quê quán: xã Hải Sơn, tỉnh Quảng Ninh",
                                                                        300, 95.0)], profiles)
    assert got["noi_o_hien_nay"].needs_review and "not its province" in got["noi_o_hien_nay"].reason
    assert not got["que_quan"].needs_review
    assert not _fields([("Quê quán: Hà Nội", 300, 95.0)], profiles)["que_quan"].needs_review


def test_an_amount_in_dong_is_a_number_whatever_its_label(profiles):
    assert shape_type("8.500.000 đồng/tháng") == shape_type("7.010.000 đồng") == "amount"
    assert shape_type("0912.345.678") == "phone"
    got = _fields([("Giá thuê: 8.500.000 đồng/tháng", 300, 95.0)], profiles)
    assert got["gia_thue"].value == "8500000" and not got["gia_thue"].needs_review


# --- the third development family ---------------------------------------------------------------------
def test_third_development_family_is_its_own_and_reproducible(tmp_path):
    assert "devset3" in FAMILIES and len(set(SEEDS.values())) == len(SEEDS)
    own = set(templates("devset3").DOC_TYPES)
    for other in ("devset", "devset2", "heldout"):
        assert not own & set(templates(other).DOC_TYPES)
    a = build("devset3", tmp_path / "a", 6)
    b = build("devset3", tmp_path / "b", 6)
    assert sorted(p.name.split("_", 2)[2] for p in a) == sorted(t + ".jpg" for t in own)
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b))
    gt = Path(str(a[2]).replace(".jpg", ".gt.json")).read_text("utf-8")
    assert '"so_dinh_danh_2"' in gt and '"noi_cap_2"' in gt  # two parties: the second named _2
