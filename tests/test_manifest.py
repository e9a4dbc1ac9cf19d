"""Manifests good and bad, the still-valid rule on boundary dates, and the QA sample (no OCR here)."""
from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from digitize.batch.manifest import DossierEntry, RowProblem, parse_date, read_manifest, read_source
from digitize.batch.run import extracted_expiry, not_valid_reason, parse_rate, qa_selected
from digitize.errors import DigitizeError


def _scan(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xd8\xff\xe0 not decoded by the manifest reader")
    return path


@pytest.fixture
def archive(tmp_path) -> Path:
    for name in ("hs1/a.jpg", "hs1/b.jpg", "hs2/trang1.jpg", "loose.jpg"):
        _scan(tmp_path / "archive" / name)
    _scan(tmp_path / "outside.jpg")
    os.symlink(tmp_path / "outside.jpg", tmp_path / "archive" / "link.jpg")
    return tmp_path / "archive"


def test_vietnamese_headers_paths_dates_and_metadata(archive):
    (archive / "m.csv").write_text(
        "Mã hồ sơ,ma_tthc,duong_dan,ngay_cap,hieu_luc_den,Ghi chú\n"
        "HS-001,1.004227,hs1,05/01/2020,,giấy gốc\n"
        'HS-002,1.004227,"hs2/trang1.jpg;loose.jpg",2021-02-03,31/12/2030,\n', encoding="utf-8-sig")
    items = list(read_manifest(archive / "m.csv"))
    assert all(isinstance(i, DossierEntry) for i in items), items
    one, two = items
    assert (one.row, one.code, one.procedure_code) == (2, "HS-001", "1.004227")
    assert [Path(f).name for f in one.files] == ["a.jpg", "b.jpg"]
    assert one.issued_on == date(2020, 1, 5) and one.valid_until is None and one.dated  # empty = permanent
    assert one.metadata == {"Ghi chú": "giấy gốc"}
    assert one.document_metadata()["valid_until"] == ""
    assert [Path(f).name for f in two.files] == ["trang1.jpg", "loose.jpg"]
    assert two.valid_until == date(2030, 12, 31)


def test_bad_rows_are_reported_by_row_number_and_the_rest_runs(archive):
    (archive / "m.csv").write_text(
        "dossier_code,path,issued_on,valid_until\n"
        "A,hs1,,\n"
        "B,missing.jpg,,\n"            # row 3: missing file
        "C,hs2,2020-13-01,\n"          # row 4: impossible date
        "A,hs2,,\n"                    # row 5: duplicate code
        "D,../outside.jpg,,\n"         # row 6: escapes the root
        "E,link.jpg,,\n"               # row 7: symlink out of the root
        "F,hs2,31-31,\n"               # row 8: unparseable
        ",hs2,,\n"                     # row 9: no code
        "G,loose.jpg,2022-01-01,2021-01-01\n"  # row 10: ends before it starts
        "\n"
        "H,loose.jpg,,\n", encoding="utf-8")
    items = list(read_manifest(archive / "m.csv"))
    good = [i.code for i in items if isinstance(i, DossierEntry)]
    bad = {i.row: i.reason for i in items if isinstance(i, RowProblem)}
    assert good == ["A", "H"]
    assert sorted(bad) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "missing file" in bad[3] and "impossible date" in bad[4] and "duplicate" in bad[5]
    assert "outside the archive root" in bad[6] and "outside the archive root" in bad[7]
    assert "unparseable date" in bad[8] and "empty dossier_code" in bad[9] and "before issued_on" in bad[10]
    assert all(i.dated for i in items if isinstance(i, DossierEntry))  # a valid_until column: the manifest decides


def test_xlsx_manifest_with_date_cells(archive):
    wb = Workbook()
    ws = wb.active
    ws.append(["ma_ho_so", "duong_dan", "ngay_cap", "hieu_luc_den", "can_bo"])
    ws.append(["HS-9", "hs1/a.jpg;hs1/b.jpg", datetime(2023, 4, 5), "05/04/2028", "Trần Văn Bình"])
    ws.append(["HS-10", "nowhere", None, None, None])
    wb.save(archive / "m.xlsx")
    items = list(read_source(archive / "m.xlsx"))
    assert isinstance(items[0], DossierEntry) and items[0].issued_on == date(2023, 4, 5)
    assert items[0].valid_until == date(2028, 4, 5) and items[0].metadata == {"can_bo": "Trần Văn Bình"}
    assert isinstance(items[1], RowProblem) and items[1].row == 3


def test_manifest_without_required_column_or_dates(archive):
    (archive / "m.csv").write_text("ma_ho_so,ghi_chu\nA,x\n", encoding="utf-8")
    with pytest.raises(DigitizeError, match="no path column"):
        read_manifest(archive / "m.csv")
    (archive / "n.csv").write_text("ma_ho_so,duong_dan\nA,hs1\n", encoding="utf-8")
    (entry,) = read_manifest(archive / "n.csv")
    assert not entry.dated and "valid_until" not in entry.document_metadata()  # fields decide validity


def test_folder_of_dossier_folders(archive):
    codes = [(i.code, len(i.files)) for i in read_source(archive) if isinstance(i, DossierEntry)]
    # link.jpg leads out of the archive: refused here as in a manifest row (one rule for every folder)
    assert codes == [("hs1", 2), ("hs2", 1), ("loose", 1)]


def test_still_valid_boundaries():
    day = date(2025, 6, 30)
    def e(issued, until, dated=True):
        return DossierEntry(2, "X", ("a",), issued_on=issued, valid_until=until, dated=dated)

    assert not_valid_reason(e(None, day), day) is None  # valid through its last day
    assert "expired" in str(not_valid_reason(e(None, day - timedelta(days=1)), day))
    assert not_valid_reason(e(day, None), day) is None  # valid from its first day, permanent
    assert "not yet issued" in str(not_valid_reason(e(day + timedelta(days=1), None), day))
    assert not_valid_reason(e(None, None), day) is None
    assert extracted_expiry("2025-06-30", day) is None
    assert "from extracted fields" in str(extracted_expiry("2025-06-29", day))
    assert extracted_expiry(None, day) is None


def test_dates_and_rates():
    assert parse_date("2024-02-29") == date(2024, 2, 29) and parse_date("1/2/2024") == date(2024, 2, 1)
    with pytest.raises(ValueError):
        parse_date("29/02/2023")
    assert parse_rate("2%") == pytest.approx(0.02) and parse_rate("0.5") == 0.5
    with pytest.raises(DigitizeError):
        parse_rate("200%")


def test_qa_sample_is_reproducible_and_near_its_rate():
    ids = [f"doc-{i}" for i in range(20000)]
    picked = [i for i in ids if qa_selected(i, 0.02, "s1")]
    assert picked == [i for i in ids if qa_selected(i, 0.02, "s1")]
    assert 0.015 < len(picked) / len(ids) < 0.025
    assert picked != [i for i in ids if qa_selected(i, 0.02, "s2")]


def test_dossier_codes_with_control_characters_are_bad_rows_named_by_file_and_row(archive, tmp_path):
    from support import digitize

    manifest = archive / "m.csv"
    manifest.write_text("dossier_code,path\nHS\x00-1,hs1\nHS\x07-2,hs2\nHS-3,loose.jpg\n", encoding="utf-8")
    items = list(read_manifest(manifest))
    assert [(i.row, i.code) for i in items if isinstance(i, RowProblem)] == [(2, "HS\\x00-1"), (3, "HS\\x07-2")]
    assert "control character U+0000" in items[0].reason and isinstance(items[2], DossierEntry)
    bad_only = archive / "bad.csv"
    bad_only.write_text("dossier_code,path\nHS\x00-1,hs1\n", encoding="utf-8")
    run = digitize("batch", str(bad_only), "--store", str(tmp_path / "store"))
    assert run.returncode == 1, run.stderr
    [line] = [x for x in run.stderr.splitlines() if "bad row" in x]
    assert "bad.csv: row 2" in line and "control character U+0000" in line and "\x00" not in run.stderr
