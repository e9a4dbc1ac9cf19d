"""Repairs from the alphabet and list conventions: letters outside the Vietnamese alphabet, item letters,
the roman numeral of a first section heading; never inside a token with a digit."""
from __future__ import annotations

from digitize.model import OcrPage, Word
from digitize.stages.ocr.repair import drop_foreign_letter, repair


def _page(*lines: str) -> OcrPage:
    words = tuple(Word(t, 90.0, (10 * i, 20 * n, 10 * i + 9, 20 * n + 15), n)
                  for n, text in enumerate(lines) for i, t in enumerate(text.split()))
    return OcrPage(words, tuple(lines), 1000, 1000)


def test_foreign_letter_dropped_only_when_a_syllable_is_left():
    assert drop_foreign_letter("NÑăm") == "Năm"
    assert drop_foreign_letter("Năm") == "Năm"
    assert drop_foreign_letter("ÏI.") == "ÏI."  # one letter left is no evidence
    assert drop_foreign_letter("2ñ13") == "2ñ13"  # a digit: an identifier, never touched
    assert drop_foreign_letter("Ẳƒ") == "Ẳƒ"  # no syllable without it
    assert drop_foreign_letter("Wifi") == "Wifi"  # w and f are letters of codes and loan words


def test_item_letter_follows_the_previous_item():
    page = repair(_page("e) Thời hạn sử dụng: Lâu dài", "ø) Nguồn gốc sử dụng: Công nhận", "ø) Ghi chú"))
    assert page.lines == ("e) Thời hạn sử dụng: Lâu dài", "g) Nguồn gốc sử dụng: Công nhận", "h) Ghi chú")
    assert [w.text for w in page.words if w.line == 1][0] == "g)"
    alone = _page("ø) Nguồn gốc")  # no item before it: nothing to follow
    assert repair(alone).lines == alone.lines


def test_first_section_heading_is_roman_before_a_second():
    page = repair(_page("1. Người sử dụng đất", "Ông: Ngô Đình Quân", "II. Thửa đất", "1. Diện tích"))
    assert page.lines == ("I. Người sử dụng đất", "Ông: Ngô Đình Quân", "II. Thửa đất", "1. Diện tích")
    numbered = _page("1. Mục đích", "2. Yêu cầu", "II. Nhiệm vụ")  # an arabic list: left alone
    assert repair(numbered).lines == numbered.lines


def test_superscript_unit_judged_on_the_ink(tmp_path):
    """A raised `²` reads `m²`; a `2` printed on the baseline stays `m2` (both as tesseract reads them)."""
    from digitize.model import PageRef
    from digitize.settings import Settings
    from digitize.stages import ingest
    from digitize.stages.ocr import page as ocr
    from support import render_text_page

    lines = ("c) Diện tích: 189,6 m²", "Diện tích sàn: 375,9 m²", "Phòng chờ: 3 m2 cho mỗi người",
             "Ủy ban nhân dân xã xác nhận những thông tin trên là đúng sự thật.")
    path = render_text_page(tmp_path / "units.png", lines, fmt="PNG")
    text = ocr.recognise(ingest.load_page(PageRef(str(path)), Settings().limits)).text
    assert "189,6 m²" in text and "375,9 m²" in text, text
    assert "3 m2 cho" in text, text


def test_list_dash_read_as_tilde_is_a_dash():
    dash = Word("~", 47.0, (276, 862, 286, 866), 0)  # faint: below the noise confidence
    words = (dash, Word("Mật", 90.0, (296, 850, 350, 880), 0), Word("độ", 90.0, (360, 850, 400, 880), 0),
             Word("~", 47.0, (500, 950, 540, 980), 1), Word("Ghi", 90.0, (550, 950, 600, 980), 1))
    from digitize.stages.ocr import page as ocr

    page = repair(ocr.reading_order(OcrPage(words, (), 1000, 1000)))
    assert page.lines == ("- Mật độ", "Ghi")  # a tall `~` is not a dash: noise, dropped


def test_guess_far_taller_than_its_line_dropped_digits_kept():
    from digitize.stages.ocr.readable import drop_unreadable_lines

    line = [Word("xã", 97.0, (980, 1076, 1019, 1107), 0), Word("Quỳnh", 97.0, (1033, 1075, 1150, 1116), 0),
            Word("Phú", 96.0, (1164, 1075, 1239, 1113), 0)]
    photo = Word("PA", 17.0, (581, 1004, 911, 1153), 0)  # read out of an ID photo beside the line
    tall_number = Word("12", 17.0, (400, 1004, 500, 1153), 0)
    kept = [w.text for w in drop_unreadable_lines(tuple([photo, tall_number] + line))]
    assert kept == ["12", "xã", "Quỳnh", "Phú"]
