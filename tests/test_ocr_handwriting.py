"""Handwritten digits in the printed blanks of an official header (`Số: …/TB-ĐHĐL`, `ngày … tháng …`): read
by the digit recogniser from the page image, or flagged as unsure, never a sure wrong reading. Real tesseract on
real development pages (two notices of the EPU set, their numbers and days written by hand) and generated lines."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitize.model import PageRef
from digitize.settings import Settings
from digitize.stages import geometry, ingest
from digitize.stages.extract.typed import WEAK_WORD
from digitize.stages.ocr import digits, handwriting
from digitize.stages.ocr import page as ocr
from samples.layout import font
from support import CORPUS

EPU = CORPUS / "real-scans" / "epu-notices"
pytestmark = pytest.mark.skipif(digits.model() is None, reason="no digit model")  # shipped with the package


def _read(path):
    page = ingest.load_page(PageRef(str(path)), Settings().limits)
    straight, _ = geometry.straighten(page, Settings())
    return ocr.recognise(straight)


def _after(page, label: str) -> list:
    """The words after the first word of a header line that starts with `label`."""
    for line in sorted({w.line for w in page.words}):
        words = [w for w in page.words if w.line == line]
        at = next((i for i, w in enumerate(words) if w.text.startswith(label)), None)
        if at is not None:
            return words[at + 1:]
    raise AssertionError(f"no line with {label!r}")


def _read_or_flagged(word, want: str) -> None:
    """The handwritten value is read right, or it is flagged (a confidence the extractor flags)."""
    assert word.text == want or word.confidence < WEAK_WORD, (word.text, word.confidence, want)


@pytest.mark.parametrize("name, number, day, month", [
    ("dl_2025_0003", "2095", "27", "8"),
    ("dl_2025_0005", "275", "28", "02"),
])
def test_handwritten_number_and_date_read_or_flagged(name, number, day, month):
    page = _read(EPU / f"{name}.jpg")
    after = _after(page, "Số")
    _read_or_flagged(after[0], number)
    assert after[1].text.startswith("/TB-"), [w.text for w in after]  # the printed code goes on after it
    hand = [r.box for r in page.regions if r.kind == "handwriting"]
    assert after[0].box in hand  # each reading's crop is a region, for the station to show
    date = _after(page, "Nội,")
    if date[0].text == "ngày":
        _read_or_flagged(date[1], day)
        assert date[2].text == "tháng"
        _read_or_flagged(date[3], month)
        # a reading of the recogniser has its crop; clean digits the OCR read itself keep its own word
        assert all(w.box in hand or w.text.isdigit() for w in (date[1], date[3]))
    else:  # `ngày 28tháng02năm` run together by the OCR: what it read there is flagged, not taken as a date
        assert all(w.confidence < WEAK_WORD for w in date if not w.text.startswith(("năm", "20")))


def _line(digits_text: str, colour=(30, 40, 170)) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A 300 dpi header line `Số: <digits>/QĐ-UBND` with the digits in pen (a cursive face, jittered); the
    blank's box."""
    img = Image.new("RGB", (1400, 200), "white")
    d = ImageDraw.Draw(img)
    d.text((40, 60), "Số:", font=font("R", 54), fill=(20, 20, 20))
    rng = np.random.default_rng(5)
    x = 170
    for ch in digits_text:
        d.text((x, 40 + int(rng.integers(-6, 7))), ch, font=font("I", int(80 * rng.uniform(0.9, 1.1))), fill=colour)
        x += 52
    d.text((x + 30, 60), "/QĐ-UBND", font=font("R", 54), fill=(20, 20, 20))
    return np.asarray(img)[:, :, ::-1].copy(), (150, 20, x + 20, 180)


def test_read_blank_reads_pen_digits_and_reports_each():
    image, box = _line("2047")
    reading = handwriting.read_blank(image, box, 60)
    assert len(reading.digits) == 4
    assert reading.text == "2047" or not reading.sure, reading
    assert box[0] <= reading.box[0] < reading.box[2] <= box[2]


def test_an_empty_blank_is_no_reading():
    image = np.full((200, 600, 3), 255, np.uint8)
    reading = handwriting.read_blank(image, (10, 10, 590, 190), 60)
    assert reading.text == "" and not reading.sure


def test_classifier_is_a_probability_per_digit():
    ink = np.zeros((80, 50), np.uint8)
    ink[5:75, 22:28] = 255  # a one
    (digit, p), = digits.classify([ink])
    assert digit == 1 and 0.0 < p <= 1.0
