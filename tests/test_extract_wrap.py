"""Form values over two lines and values with a time, on generated pages read by the real page stage: a value
goes on onto the next line when that line has no label and starts under the value (its own column); a line
that starts back at the labels' column is something else; a date printed with its time keeps the time."""
import pytest
from PIL import Image, ImageDraw, ImageFont

from digitize.model import PageRef
from digitize.pipeline.pages import process_page
from digitize.profiles.loader import load_profiles
from digitize.settings import Settings
from digitize.stages.extract.fields import extract

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
LEFT = 200  # px: where the labels start


def _page(path, rows):
    """rows: (label, value, continuation) — the continuation, if any, printed on the next line under the value
    (or at the labels' column when it is given as ('<', text))."""
    img = Image.new("RGB", (1654, 2339), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 40)
    y = 200
    for label, value, cont in rows:
        draw.text((LEFT, y), label, font=font, fill="black")
        x = LEFT + int(draw.textlength(label + " ", font=font))
        draw.text((x, y), value, font=font, fill="black")
        y += 62
        if cont:
            at, text = (LEFT, cont[1]) if isinstance(cont, tuple) else (x, cont)
            draw.text((at, y), text, font=font, fill="black")
            y += 62
    img.save(path, dpi=(200, 200))
    return extract([process_page(PageRef(str(path)), Settings())], load_profiles())


@pytest.fixture(scope="module")
def form(tmp_path_factory):
    path = tmp_path_factory.mktemp("wrap") / "phieu.png"
    return _page(path, [
        ("Họ và tên:", "Lê Văn An", None),
        ("Địa chỉ liên hệ:", "số 12 đường Lê Lợi, phường Điện Biên, thành phố Thanh", "Hóa, tỉnh Thanh Hóa"),
        ("Nơi làm việc:", "Công ty Cổ phần Xây dựng số 5", ("<", "Người nộp mang theo giấy tờ tùy thân.")),
        ("Thời gian nhận hồ sơ:", "12 giờ 10 phút, ngày 06/06/2023", None),
        ("Thời gian hẹn trả:", "8h30 ngày 12/06/2023", None),
        ("Ngày cấp:", "06/06/2023", None),
    ])


def _value(ex, start):
    return next(f for f in ex.fields if f.value is not None and str(f.raw).startswith(start))


def test_a_value_goes_on_under_its_own_column(form):
    f = _value(form, "số 12")
    assert f.value == "số 12 đường Lê Lợi, phường Điện Biên, thành phố Thanh Hóa, tỉnh Thanh Hóa"


def test_a_line_back_at_the_labels_column_is_not_the_value(form):
    f = _value(form, "Công ty")
    assert f.value == "Công ty Cổ phần Xây dựng số 5"


def test_a_date_keeps_its_time(form):
    got = {f.name: f.value for f in form.fields}
    assert "2023-06-06T12:10" in got.values()
    assert "2023-06-12T08:30" in got.values()
    assert got["ngay_cap"] == "2023-06-06"  # no time printed, none added
