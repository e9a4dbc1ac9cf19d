"""Vietnamese text helpers: NFC and Đ look-alikes, tone placement, folding, dates, names, post-correction."""
import unicodedata

import pytest

from digitize.vn import text as vn


def test_nfc_and_d_lookalikes():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Ðức")
    assert vn.nfc(decomposed) == "Nguyễn Đức"
    assert vn.fold("ĐỒNG Tháp, Ð") == "dong thap, d"


@pytest.mark.parametrize("old,new", [("hòa", "hoà"), ("thủy", "thuỷ"), ("Ủy", "Uỷ"), ("khỏe", "khoẻ")])
def test_both_tone_styles_share_one_match_key(old, new):
    assert old != new  # they differ after NFC ...
    assert vn.match_key(old) == vn.match_key(new)  # ... but match
    assert vn.canonical("Ủy ban nhân dân xã Hoà Phú") == "Ủy ban nhân dân xã Hòa Phú"


@pytest.mark.parametrize("word", ["người", "giường", "quả", "khuya", "nghiêng", "Đồng", "chữ", "tót", "quốc", "gì"])
def test_valid_syllables(word):
    assert vn.is_syllable(word)


@pytest.mark.parametrize("word", ["ce", "ngi", "tòt", "xac", "cüa", "ghà", "UBND"])
def test_invalid_syllables(word):
    assert not vn.is_syllable(word)


@pytest.mark.parametrize("text,iso", [
    ("Hà Nội, ngày 16 tháng 6 năm 2025", "2025-06-16"),
    ("Ngày 05 tháng 02 năm 2025", "2025-02-05"),
    ("16/6/2025", "2025-06-16"),
    ("16-06-2025", "2025-06-16"),
    ("16.06.2025", "2025-06-16"),
    ("ngày mười sáu tháng sáu năm hai nghìn không trăm hai mươi lăm", "2025-06-16"),
    ("ngày hai mươi mốt tháng giêng năm hai nghìn linh năm", "2005-01-21"),
    ("ngày mười lăm tháng mười hai năm một nghìn chín trăm chín mươi chín", "1999-12-15"),
])
def test_dates_in_every_printed_form(text, iso):
    assert vn.parse_date(text) == iso


@pytest.mark.parametrize("text", ["31/02/2024", "ngày 30 tháng 2 năm 2023", "không có ngày", "2024"])
def test_impossible_or_absent_dates(text):
    assert vn.parse_date(text) is None


def test_names_in_title_case_and_family_name_repair():
    assert vn.title_name("NGUYỄN  văn AN") == "Nguyễn Văn An"
    assert vn.fix_family_name("Định Phương Anh") == "Đinh Phương Anh"
    assert vn.fix_family_name("Văn Cao") == "Văn Cao"


def test_post_correction_repairs_only_on_strong_evidence():
    assert vn.post_correct("cũa") == "của"  # a known OCR confusion
    assert vn.correct_word("xac") == "xác"  # one attested repair only
    assert vn.correct_word("cüa") == "cüa"  # của / cửa / cưa / cua: ambiguous, left alone
    assert vn.post_correct("Họ, chữ đệm, tên:") == "Họ, chữ đệm, tên:"  # valid text unchanged


def test_post_correction_never_touches_digits_identifiers_or_acronyms():
    text = "Số: 145/QĐ-UBND mã 000.00.31.H26-250616-0007 CCCD 0O12O3 UBND GPXD x1a"
    assert vn.post_correct(text) == text
