"""The station speaks Vietnamese: every page warning and the validators' reasons in plain words."""
from __future__ import annotations

import pytest

from digitize.model import Warning_
from digitize.web import i18n


@pytest.mark.parametrize("warning", list(Warning_))
def test_every_page_warning_has_plain_vietnamese_words(warning):
    text = i18n.warning(f"/scans/a.pdf:2: {warning.value}", "vi")
    assert text.startswith("Trang 2: ") and warning.value not in text


@pytest.mark.parametrize("reason, expected", [
    ("no 12-digit personal ID number", "không có số định danh cá nhân 12 chữ số"),
    ("birth year 1990 in the ID does not match 1991", "năm sinh 1990 trong số định danh không khớp với 1991"),
    ("thành phố 'Cần Thơ X' is not a known unit", "thành phố 'Cần Thơ X' không phải đơn vị hành chính đã biết"),
    ("read again under seal/signature; low OCR confidence 41", "đọc lại phần bị con dấu/chữ ký che; OCR đọc không chắc (41)"),
    ("revision 3 is stale (current: 4)", "phiên bản 3 đã cũ (hiện tại: 4), hãy tải lại trang"),
    ("conflict: sex digit says Nam, document says Nữ", "mâu thuẫn: chữ số giới tính là Nam, giấy tờ ghi Nữ"),
    ("'Xyq' is not a Vietnamese word", "'Xyq' không phải từ tiếng Việt"),
])
def test_reasons_in_vietnamese_and_unchanged_in_english(reason, expected):
    assert i18n.reason(reason, "vi") == expected
    assert i18n.reason(reason, "en") == reason


def test_upload_reasons():
    assert i18n.upload_reason("image is over the pixel limit (decompression bomb)", "vi") == \
        "ảnh vượt giới hạn điểm ảnh (bom giải nén)"
    assert i18n.upload_reason("not an image or PDF (content is text)", "vi").startswith("không phải ảnh")
