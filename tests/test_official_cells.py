"""The number and date cells of an official header as the OCR hands them over (the words, their boxes and
confidences, as on the real pages where these were seen): digits filled in by hand are flagged, digits the OCR
could not read give no value, a number is never taken from a fragment of the cell."""
import pytest

from digitize.model import Word
from digitize.stages.extract import header, official
from digitize.stages.extract.lines import Line, Tok, key_tokens

W, H = 1654, 2339


def _line(index: int, words: list[tuple[str, float]], x: int, y: int) -> Line:
    toks = []
    for text, conf in words:
        w = 22 * len(text)
        toks.append(Tok(Word(text, conf, (x, y, x + w, y + 40), index), text, " ".join(key_tokens(text))))
        x += w + 14
    return Line(1, index, tuple(toks), W, H)


def _header(number: list[tuple[str, float]], date: list[tuple[str, float]]) -> list[Line]:
    return [_line(0, [("CHÍNH", 96.0), ("PHỦ", 96.0)], 330, 150),
            _line(1, [("CỘNG", 95.0), ("HÒA", 95.0), ("XÃ", 95.0), ("HỘI", 95.0), ("CHỦ", 95.0), ("NGHĨA", 95.0),
                      ("VIỆT", 95.0), ("NAM", 95.0)], 800, 150),
            _line(2, number, 250, 290), _line(3, date, 900, 290)]


DATE = [("Hà", 95.0), ("Nội,", 95.0), ("ngày", 95.0), ("28", 93.0), ("tháng", 95.0), ("4", 94.0), ("năm", 95.0),
        ("2026", 96.0)]


@pytest.mark.parametrize("cell", [
    [("Số:", 95.0), ("2", 60.0), ("{", 20.0), ("/2026/TT-BCT", 90.0)],  # read as two fields before
    [("Số:", 95.0), ("2#5/TB-ĐHĐL,", 55.0)],  # '2' was given as the number
    [("Số:", 95.0), ("ø02ó../TB-ĐHĐL,", 55.0)],
])
def test_unreadable_handwritten_number_gives_no_value(cell):
    found = official.number(_header(cell, DATE))
    assert found.raw == "" and found.doubts == (header.NUMBER_UNREAD,) and found.box is not None


def test_number_read_with_low_confidence_is_flagged():
    found = official.number(_header([("Số:", 95.0), ("445/NQ-CP", 41.0)], DATE))  # printed: 115 by hand
    assert found.raw == "445/NQ-CP" and header.NUMBER_HANDWRITTEN in found.doubts


def test_printed_number_is_taken_whole_and_not_flagged():
    found = official.number(_header([("Số:", 96.0), ("37/2026/TT-BCA", 95.0)], DATE))
    assert found.raw == "37/2026/TT-BCA" and not found.doubts


def test_number_in_a_blank_before_the_symbol_is_flagged():
    found = official.number(_header([("Số:", 96.0), ("199", 95.0), ("/2026/NĐ-CP", 95.0)], DATE))
    assert found.raw == "199/2026/NĐ-CP" and found.doubts == (header.NUMBER_HANDWRITTEN,)


def test_symbol_with_a_unit_name_keeps_it():
    found = official.number(_header([("Số:", 96.0), ("2510", 95.0), ("/TB-QL", 95.0), ("Đào", 95.0), ("tạo", 95.0)],
                                    DATE))
    assert found.raw == "2510/TB-QL Đào tạo"


def test_date_and_place_of_the_header():
    lines = _header([("Số:", 96.0), ("37/2026/TT-BCA", 95.0)], DATE)
    found = official.issue_date(lines)
    assert found.raw == "ngày 28 tháng 4 năm 2026" and not found.doubts
    assert official.place(lines).raw == "Hà Nội"


def test_unread_day_gives_no_value_and_a_low_confidence_day_is_flagged():
    unread = [("Hà", 95.0), ("Nội,", 95.0), ("ngày.)", 40.0), ("tháng", 95.0), ("&", 30.0), ("năm", 95.0),
              ("2025", 96.0)]
    found = official.issue_date(_header([("Số:", 96.0), ("1/TB", 95.0)], unread))
    assert found.raw == "" and found.doubts == (header.DAY_UNREAD,)
    weak = [(t, 50.0 if t == "28" else c) for t, c in DATE]
    found = official.issue_date(_header([("Số:", 96.0), ("1/TB", 95.0)], weak))
    assert found.raw == "ngày 28 tháng 4 năm 2026" and found.doubts == (header.DAY_HANDWRITTEN,)


def test_digits_read_from_handwriting_are_always_flagged():
    """Digits the OCR stage read from a pen (a `handwriting` region over them) are flagged however sure it was."""
    import cv2
    import numpy as np

    from digitize.messages import msg
    from digitize.model import Geometry, OcrPage, PageQuality, PageRef, PageResult, Region
    from digitize.profiles.loader import load_profiles
    from digitize.stages.extract.fields import extract

    lines = _header([("Số:", 96.0), ("37/2026/TT-BCA", 95.0)], DATE)
    words = tuple(t.word for ln in lines for t in ln.toks)
    day = next(t.word for t in lines[3].toks if t.text == "28")
    ok, jpeg = cv2.imencode(".jpg", np.full((H // 8, W // 8, 3), 255, np.uint8))
    page = PageResult(PageRef("/scans/cell.jpg"), jpeg.tobytes(), 200.0, W, H,
                      PageQuality(200, W, H, 250.0, 40.0, 0.02, False, False, False), Geometry(),
                      OcrPage(words, tuple(ln.text for ln in lines), W, H, (Region("handwriting", day.box),)))
    fields = {f.name: f for f in extract([page], load_profiles()).fields}
    assert fields["ngay_ban_hanh"].value == "2026-04-28" and fields["ngay_ban_hanh"].needs_review
    assert msg("reason.handwritten") in fields["ngay_ban_hanh"].reasons
    assert not fields["so_van_ban"].needs_review  # printed, outside the pen's region
