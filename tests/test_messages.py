"""The message catalog: every code in both languages with the same placeholders, each renders filled, no English
word in Vietnamese, parameters that are messages themselves, storage round trips, dates and times as read in
Vietnam."""
from __future__ import annotations

import pytest

from digitize import messages
from digitize.messages import Message, en, msg, placeholders, render, vi, when
from support.english_words import english_words

CODES = sorted(set(en.MESSAGES) | set(vi.MESSAGES))
SAMPLE = {"confidence": 41, "digits": 9, "year": 2031, "lines": 3, "pages": 12, "size": 9, "limit": 5,
          "width": 4, "height": 3}


def _params(text: str) -> dict:
    return {name: SAMPLE.get(name, f"X{i}") for i, name in enumerate(sorted(placeholders(text)))}


@pytest.mark.parametrize("code", CODES)
def test_every_code_renders_in_both_languages(code):
    assert code in en.MESSAGES and code in vi.MESSAGES, "a code must be in both catalogs"
    assert placeholders(en.MESSAGES[code]) == placeholders(vi.MESSAGES[code]), "the same placeholders"
    params = _params(en.MESSAGES[code])
    for lang in ("en", "vi"):
        text = render(code, params, lang)
        assert "{" not in text and "}" not in text, (lang, text)
        assert all(str(v) in text for v in params.values()), (lang, text)
    assert not english_words(render(code, params, "vi")), vi.MESSAGES[code]


def test_english_words_are_found():
    """The word check itself: it finds English in a sentence and leaves Vietnamese alone."""
    assert english_words("Đăng nhập sai quá nhiều lần, too many failed log-ins") == {"too", "many", "failed", "log-ins"}
    assert not english_words("Sai tên đăng nhập hoặc mật khẩu. Phóng to, in sẵn")


def test_a_parameter_may_be_a_message_in_the_same_language():
    m = msg("reason.unit_unknown", kind="xã", read="Cẩm Lộc Xanh", where=msg("where.province", province="Thanh Hóa"))
    assert str(m) == "xã 'Cẩm Lộc Xanh' is not a known unit of Thanh Hóa"
    assert m.text("vi") == "xã 'Cẩm Lộc Xanh' không phải đơn vị hành chính đã biết của Thanh Hóa"
    conflict = msg("reason.conflict", reason=msg("reason.cccd_sex", id_sex="Nam", sex="Nữ"))
    assert conflict.text("vi") == "mâu thuẫn: chữ số giới tính là Nam, giấy tờ ghi Nữ"


def test_messages_round_trip_through_storage_and_old_sentences_stay_readable():
    items = (msg("reason.low_confidence", confidence=41),
             msg("reason.conflict", reason=msg("reason.cccd_birth_year", year=1990, birth_year="1991")))
    assert messages.decode(messages.encode(items)) == items
    assert messages.decode("") == ()
    old = messages.decode("read again under seal/signature; low OCR confidence 41")
    assert [m.code for m in old] == [messages.LEGACY] * 2 and str(old[1]) == "low OCR confidence 41"
    assert Message.from_json(items[1].as_json()) == items[1] and hash(items[1]) == hash(Message.from_json(
        items[1].as_json()))


def test_unknown_language_is_vietnamese_and_unknown_code_shows_itself():
    assert render("status.draft", {}, "fr") == "Bản nháp"
    assert render("no.such.code", {}, "vi") == "no.such.code"


def test_dates_are_shown_and_typed_day_first():
    assert when.show_date("2026-04-22") == "22/04/2026"
    assert when.show_date("Không thời hạn") == "Không thời hạn"
    assert when.parse_date("22/04/2026") == when.parse_date("22/4/2026") == "2026-04-22"
    assert when.parse_date("2026-04-22") == "2026-04-22"
    assert when.parse_date("31/02/2026") is None and when.parse_date("tháng 4") is None


def test_times_are_shown_in_vietnam_with_the_zone():
    assert when.show_time("2026-04-22T20:05:09+00:00") == "23/04/2026 03:05:09 +07:00"
    assert when.show_time("2026-04-22T20:05:09") == "23/04/2026 03:05:09 +07:00"  # no zone: UTC
    assert when.show_time("2026-04-23T03:05:09+07:00", seconds=False) == "23/04/2026 03:05 +07:00"
    assert when.show_time(None) == "" and when.show_time("soon") == "soon"
