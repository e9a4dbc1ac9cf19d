"""Plausibility checks by field domain: names, administrative units, agency and administrative phrases."""
import pytest

from digitize.model import Word
from digitize.profiles.loader import FieldSpec
from digitize.stages.extract.fields import _field
from digitize.stages.extract.lines import Tok
from digitize.vn import admin_units as au
from digitize.vn.plausibility import check_address, check_issuer, check_name, fix_phrases, name_lexicon, review


def test_admin_units_after_the_2025_reform():
    provs = au.provinces()
    assert len(provs) == 34
    assert len(au.all_communes()) == 3321
    assert {c.kind for c in au.all_communes()} == {"xã", "phường", "đặc khu"}
    assert au.find_province("Thanh Hoá").unit.name == "Thanh Hóa"  # either tone placement
    assert au.find_province("Hà Nội").unit.kind == "thành phố"


def test_unit_lookup_exact_fixed_ambiguous_unknown():
    th = au.find_province("Thanh Hóa")
    assert au.lookup("Cẩm Thủy", th.communes, "xã") == (au.Match.EXACT, "Cẩm Thủy")
    assert au.lookup("Cấm Thuỷ", th.communes, "xã") == (au.Match.FIXED, "Cẩm Thủy")
    hp = au.find_province("Hải Phòng")  # 'Cẩm Giang' and 'Cẩm Giàng' are both communes there
    assert au.lookup("Cấm Giang", hp.communes, "xã")[0] is au.Match.AMBIGUOUS
    assert au.lookup("Cẩm Giàng", hp.communes, "xã")[0] is au.Match.EXACT
    assert au.lookup("Không Có", th.communes, "xã") == (au.Match.UNKNOWN, None)


@pytest.mark.parametrize("read, want, fixed", [
    ("xóm Mới, xã Cấm Thủy, tỉnh Thanh Hóa", "xóm Mới, xã Cẩm Thủy, tỉnh Thanh Hóa", True),
    ("tố dân phố 5, xã Nhơn Ái, thành phố Cần Thơ", "tổ dân phố 5, xã Nhơn Ái, thành phố Cần Thơ", True),
    ("xã Đan Phượng, thành phố Hà Nội", "xã Đan Phượng, thành phố Hà Nội", False),  # 'Phượng' is no 'phường'
    ("số 12 đường Lê Lợi, phường Cẩm Phả, tỉnh Quang Ninh", "số 12 đường Lê Lợi, phường Cẩm Phả, tỉnh Quảng Ninh", True),
])
def test_address_units_corrected_by_diacritics_only(read, want, fixed):
    r = review("address", read)
    assert r.value == want and bool(r.corrections) == fixed and not r.doubts, r


def test_address_doubts():
    r = check_address("thôn 2, xã Cẩm Lộc Xanh, tỉnh Thanh Hóa")  # no such commune
    assert r.doubts and "Thanh Hóa" in str(r.doubts[0]) and r.value.endswith("tỉnh Thanh Hóa")
    r = check_address("xã Cấm Giang, thành phố Hải Phòng")
    assert "several known units" in str(r.doubts[0]) and "Cấm Giang" in r.value  # not guessed
    r = check_address("thôn 3, xã Cẩm Vũ, huyện Cẩm Giàng, tỉnh Hải Dương")  # before the reform: not checked
    assert r.value.startswith("thôn 3") and not r.doubts and not r.corrections


def test_digits_never_touched():
    r = review("address", "số 1O8, tố dân phố 3, xã Cấm Thủy, tỉnh Thanh Hóa")
    assert r.value.startswith("số 1O8, tổ dân phố 3") and "Cẩm Thủy" in r.value


def test_issuer_agency_word_and_unit():
    assert check_issuer("SƠ TÀI CHÍNH").value == "SỞ TÀI CHÍNH"
    assert review("issuer", "SƠ KE HOẠCH VÀ ĐẦU TƯ").value == "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"
    assert review("issuer", "BỌ PHẬN MỘT CƯA").value == "BỘ PHẬN MỘT CỬA"
    assert review("issuer", "ỦY BAN NHÂN DÂN XÃ CẤM THỦY").value == "ỦY BAN NHÂN DÂN XÃ CẨM THỦY"
    r = review("issuer", "ỦY BAN NHÂN DÂN PHƯỜNG KHÔNG CÓ THẬT")
    assert r.doubts and r.value.endswith("KHÔNG CÓ THẬT")
    assert check_issuer("SỞ").value == "SỞ"  # one word: nothing to go by


def test_phrases_multiword_only_and_case_kept():
    assert fix_phrases("CÔNG TY CỐ PHẦN DU LỊCH").value == "CÔNG TY CỔ PHẦN DU LỊCH"
    assert fix_phrases("Bố sung hồ sơ xin việc làm.").value == "Bổ sung hồ sơ xin việc làm."
    assert fix_phrases("Đất trông lúa").value == "Đất trồng lúa"
    assert fix_phrases("bố mẹ").value == "bố mẹ"  # not a known phrase
    assert fix_phrases("bố, sung").value == "bố, sung"  # a comma ends a phrase


def test_a_phrase_correction_is_vetoed_when_the_reading_is_the_likelier_phrase():
    # `cấp đối` folds like the phrase `cấp đổi`, but `khẩn cấp đối với` read right is a valid, far likelier run
    kept = fix_phrases("trong trường hợp khẩn cấp đối với người lao động")
    assert kept.value == "trong trường hợp khẩn cấp đối với người lao động" and not kept.corrections
    # the same phrase is still corrected where the context wants it, and where the reading is no word at all
    assert fix_phrases("thủ tục cấp đôi giấy phép lái xe").value == "thủ tục cấp đổi giấy phép lái xe"
    assert fix_phrases("thủ tục câp đổi giấy phép").value == "thủ tục cấp đổi giấy phép"


@pytest.mark.parametrize("read, want", [
    ("Phạm Thu Chỉ", "Phạm Thu Chi"),  # given name: Chi, not Chí (a middle name) or Chỉ
    ("Lý Thùy Hãng", "Lý Thùy Hằng"),
    ("Phạm Thủ Hương", "Phạm Thu Hương"),  # middle position: Thu before Thư
    ("Phạm Xuân Tháng", "Phạm Xuân Thắng"),
    ("Nguyễn Chí Thanh", "Nguyễn Chí Thanh"),  # known forms are left alone
    ("Trần Thị Thư", "Trần Thị Thư"),
])
def test_name_syllables_corrected_when_one_form_dominates(read, want):
    r = check_name(read)
    assert r.value == want and not r.doubts, r
    assert bool(r.corrections) == (read != want)


def test_name_doubts_when_unknown_or_ambiguous():
    r = check_name("Hệ Thanh Oanh")  # not a family name; 'Hồ' differs by more than a diacritic
    assert r.value == "Hệ Thanh Oanh" and "family-name" in str(r.doubts[0])
    r = check_name("Nguyễn Văn Ảnh")  # 'Anh' and 'Ánh' are both common given names
    assert r.value == "Nguyễn Văn Ảnh" and "given-name" in str(r.doubts[0])


def test_name_lexicon_is_compact_and_well_formed():
    from digitize.vn.text import is_syllable

    lex = name_lexicon()
    forms = [f for d in lex.values() for f in d]
    assert 250 <= len(forms) <= 600
    assert all(is_syllable(f) for f in forms), [f for f in forms if not is_syllable(f)]
    assert all(set(r) <= {"F", "M", "G"} for d in lex.values() for r in d.values())


def _toks(text):
    return [Tok(Word(w, 90.0, (i * 100, 0, i * 100 + 90, 40), 0), w, w.lower())
            for i, w in enumerate(text.split())]


def test_field_keeps_raw_and_flags_doubts():
    spec = FieldSpec(name="noi_cu_tru", labels=("Nơi cư trú",), type="address")
    f = _field(spec, "xóm Mới, xã Cấm Thủy, tỉnh Thanh Hóa", _toks("xóm Mới, xã Cấm Thủy, tỉnh Thanh Hóa"), 1)
    assert f.value == "xóm Mới, xã Cẩm Thủy, tỉnh Thanh Hóa" and f.raw == "xóm Mới, xã Cấm Thủy, tỉnh Thanh Hóa"
    assert not f.needs_review and "corrected" in f.reason
    name = FieldSpec(name="ho_ten", labels=("Họ và tên",), type="name")
    f = _field(name, "Hệ Thanh Oanh", _toks("Hệ Thanh Oanh"), 1)
    assert f.valid and f.needs_review and "family-name" in f.reason
    ident = FieldSpec(name="so_dinh_danh", labels=("Số định danh",), type="cccd")
    f = _field(ident, "038190012345", _toks("038190012345"), 1)
    assert "corrected" not in f.reason


def test_signer_line_without_stray_marks():
    from digitize.stages.extract.locate import name_like, trim

    assert [t.text for t in trim(_toks("' `› 'Tạ Thị Hương"))] == ["Tạ", "Thị", "Hương"]
    assert name_like(trim(_toks(": Hoàng Thu Giang")))
    assert name_like(_toks("vũ Tiến Phúc"))  # capital lost, still a family name
    assert not name_like(_toks("xê Kim Vy"))  # not a family name: left for the second look
    assert not name_like(_toks("xã PHÓ CHỦ TỊCH"))  # a title, not a name
