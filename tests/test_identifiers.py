"""Identifier validators of DOMAIN.md §3 on valid and invalid values."""
import pytest

from digitize.vn import identifiers as ids


def test_cccd_valid_with_ocr_spacing_and_cross_checks():
    c = ids.check_cccd("001 2 03 012345", "01/05/2003", "Nam")
    assert c == ids.Checked("001203012345", True)
    assert ids.cccd_century_sex("001303012345") == (2000, "Nữ")
    assert ids.check_cccd("079190000001", "1990-12-31", "Nữ").valid


@pytest.mark.parametrize("text,dob,sex,reason", [
    ("003203012345", None, None, "province"),  # 003 is not a province code
    ("001203012345", "1993-01-01", None, "birth year"),
    ("001303012345", None, "Nam", "sex"),
    ("001 2 03 01234", None, None, "12-digit"),
    ("001999012345", None, None, "future"),  # century digit 9 = 2300s
])
def test_cccd_invalid(text, dob, sex, reason):
    c = ids.check_cccd(text, dob, sex)
    assert not c.valid and reason in str(c.reason)


def test_cmnd():
    assert ids.check_cmnd("123 456 789").value == "123456789"
    assert not ids.check_cmnd("12345").valid


def test_tax_code_check_digit_and_branch():
    assert ids.check_tax_code("0100233488").valid
    assert not ids.check_tax_code("0100233489").valid
    assert ids.check_tax_code("0100233488-001") == ids.Checked("0100233488-001", True)
    assert not ids.check_tax_code("0100233488-000").valid
    assert not ids.check_tax_code("01002334").valid


def test_dossier_and_procedure_codes():
    assert ids.check_dossier_code("Mã hồ sơ: 000.00.31.H26-250616-0007").value == "000.00.31.H26-250616-0007"
    assert not ids.check_dossier_code("000.00.31.H26-251316-0007").valid  # month 13
    assert not ids.check_dossier_code("000.00.31-250616-0007").valid
    assert ids.check_procedure_code("2.000815.000.00.00.H55.02").valid
    assert ids.check_procedure_code("1.004227").value == "1.004227"
    assert not ids.check_procedure_code("4.004227").valid


def test_document_numbers():
    assert ids.check_document_number("Số: 145/QĐ-UBND").value == "145/QĐ-UBND"
    assert ids.check_document_number("Số: 30/2020/NĐ-CP").value == "30/2020/NĐ-CP"
    assert ids.check_document_number("Số: 12 / GPXD").value == "12/GPXD"
    assert ids.check_document_number("7GPXD").value == "7/GPXD"  # OCR lost the slash
    assert not ids.check_document_number("Số: 12/2020").valid


def test_parcel_map_register_area_amount_dates():
    assert ids.check_parcel("a) Thửa đất số: 0455").value == "455"
    assert ids.check_map_sheet("Tờ bản đồ số: 12b").value == "12b"
    assert ids.check_register_entry("CS 05494").value == "CS05494"
    assert not ids.check_register_entry("AB 05494").valid
    assert ids.parse_area("1.234,5 m²").value == "1234.5"
    assert ids.parse_amount("5.000.000.000 đồng").value == "5000000000"
    assert ids.check_date("ngày 16 tháng 6 năm 2025").value == "2025-06-16"
    assert not ids.check_date("31/02/2025").valid
    assert not ids.check_date("01/01/2999", not_after_today=True).valid
