"""The station speaks Vietnamese: every page warning and the validators' reasons rendered from their codes."""
from __future__ import annotations

import pytest

from digitize.messages import msg
from digitize.model import Field, Warning_
from digitize.web import i18n


@pytest.mark.parametrize("warning", list(Warning_))
def test_every_page_warning_has_plain_vietnamese_words(warning):
    text = i18n.warning(f"/scans/a.pdf:2: {warning.value}", "vi")
    assert text.startswith("Trang 2: ") and warning.value not in text


@pytest.mark.parametrize("reasons, expected", [
    ((msg("reason.cccd_missing"),), "không có số định danh cá nhân 12 chữ số"),
    ((msg("reason.reread"), msg("reason.low_confidence", confidence=41)),
     "đọc lại phần bị con dấu/chữ ký che; OCR đọc không chắc (41)"),
    ((msg("reason.conflict", reason=msg("reason.cccd_sex", id_sex="Nam", sex="Nữ")),),
     "mâu thuẫn: chữ số giới tính là Nam, giấy tờ ghi Nữ"),
    ((msg("reason.not_vietnamese", word="Xyq"),), "'Xyq' không phải từ tiếng Việt"),
])
def test_reasons_of_a_field_and_of_its_json_in_both_languages(reasons, expected):
    f = Field("so_dinh_danh", None, "", 0.0, valid=False, needs_review=True, reasons=reasons)
    assert i18n.reasons(f, "vi") == i18n.reasons(f.as_dict(), "vi") == expected
    assert i18n.reasons(f, "en") == f.reason == f.as_dict()["reason"]
    assert Field.from_dict(f.as_dict()) == f


def test_errors_in_vietnamese_carry_no_english_detail():
    assert i18n.failure("bad_login", "vi", None, "wrong user name or password") == "Sai tên đăng nhập hoặc mật khẩu."
    assert i18n.failure("throttled", "vi", None, "too many failed log-ins").endswith("hãy thử lại sau.")
    assert i18n.failure("bad_input", "vi", msg("input.encrypted_pdf")).endswith("PDF có mật khẩu, không xử lý được")
    assert i18n.failure("bad_login", "en", None, "wrong user name or password").endswith("wrong user name or password")


def test_every_profile_field_has_a_label_with_its_tone_marks():
    from digitize.profiles.loader import load_profiles

    profiles = load_profiles()
    for profile in profiles:
        for spec in profile.fields:
            label = i18n.field_label(spec.name, profile)
            assert label != spec.name.replace("_", " ").capitalize(), (profile.id, spec.name, label)
    assert i18n.field_label("ve_viec", None) == "Về việc" and i18n.field_label("ho_ten_2", None) == "Họ và tên (2)"
    assert i18n.field_label("v_v", None, "V/v:") == "V/v"  # the label the paper printed
