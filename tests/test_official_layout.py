"""The official header and foot rules on a generated three-page plan read by the real page stage: parent body
apart from the issuing body, a number and a day left blank for the hand (flagged, no value guessed), the place,
a subject over two lines, the signer block on page 2 with an appendix (and its headings) after it."""
import pytest
from PIL import Image, ImageDraw, ImageFont

from digitize.model import PageRef
from digitize.pipeline.pages import process_page
from digitize.profiles.loader import load_profiles
from digitize.settings import Settings
from digitize.stages.extract.fields import extract

REGULAR = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"
W, H = 1654, 2339
LEFT_CX, RIGHT_CX = 430, 1130  # centres of the header's two columns

PAGE1 = [  # (centre x or None for the left margin, y, text, bold)
    (LEFT_CX, 150, "UBND TỈNH THANH HÓA", False), (LEFT_CX, 200, "SỞ TÀI CHÍNH", True),
    (LEFT_CX, 290, "Số:          /KH-STC", False),
    (RIGHT_CX, 150, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True), (RIGHT_CX, 200, "Độc lập - Tự do - Hạnh phúc", True),
    (RIGHT_CX, 290, "Thanh Hóa, ngày        tháng 4 năm 2026", False),
    (W // 2, 420, "KẾ HOẠCH", True), (W // 2, 475, "Kiểm tra việc quản lý và sử dụng tài sản công", True),
    (W // 2, 525, "tại các đơn vị sự nghiệp công lập năm 2026", True),
    (None, 640, "Căn cứ Luật Quản lý, sử dụng tài sản công ngày 21 tháng 6 năm 2017;", False),
    (None, 700, "Sở Tài chính ban hành Kế hoạch kiểm tra như sau:", False),
    (W // 2, 800, "Chương I", True), (W // 2, 850, "MỤC ĐÍCH, YÊU CẦU", True),
    (None, 930, "1. Đánh giá việc chấp hành quy định về quản lý tài sản công.", False),
]
PAGE2 = [
    (None, 200, "2. Các đơn vị chuẩn bị hồ sơ, tài liệu theo yêu cầu của đoàn kiểm tra.", False),
    (None, 330, "Nơi nhận:", True), (None, 380, "- Các đơn vị sự nghiệp công lập;", False),
    (None, 430, "- Lưu: VT, QLCS.", False),
    (RIGHT_CX, 330, "KT. GIÁM ĐỐC", True), (RIGHT_CX, 380, "PHÓ GIÁM ĐỐC", True),
    (RIGHT_CX, 600, "Lê Văn Bình", True),
]
PAGE3 = [
    (W // 2, 200, "Phụ lục I", True), (W // 2, 250, "MẪU BIÊN BẢN KIỂM TRA", True),
    (None, 350, "Tên đơn vị được kiểm tra:", False), (None, 410, "Thời gian kiểm tra:", False),
    (W // 2, 520, "Chương II", True), (RIGHT_CX, 640, "Trần Thị Hoa", False),
]


def _render(path, rows):
    img = Image.new("RGB", (W, H), "white")
    draw = ImageDraw.Draw(img)
    fonts = {False: ImageFont.truetype(REGULAR, 38), True: ImageFont.truetype(BOLD, 38)}
    for cx, y, text, bold in rows:
        font = fonts[bold]
        x = 200 if cx is None else cx - int(draw.textlength(text, font=font)) // 2
        draw.text((x, y), text, font=font, fill="black")
    img.save(path, dpi=(200, 200))
    return PageRef(str(path))


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plan")
    refs = [_render(tmp / f"p{i}.png", rows) for i, rows in enumerate((PAGE1, PAGE2, PAGE3), start=1)]
    ex = extract([process_page(r, Settings()) for r in refs], load_profiles())
    return {f.name: f for f in ex.fields}


def test_parent_body_and_issuing_body_apart(plan):
    assert plan["co_quan_chu_quan"].value == "UBND TỈNH THANH HÓA"
    assert plan["co_quan_ban_hanh"].value == "SỞ TÀI CHÍNH"


def test_blank_number_and_day_are_flagged_not_guessed(plan):
    number, day = plan["so_van_ban"], plan["ngay_ban_hanh"]
    assert number.value is None and number.needs_review and "by hand" in number.reason and number.page == 1
    assert day.value is None and day.needs_review and "by hand" in day.reason
    assert plan["noi_ban_hanh"].value == "Thanh Hóa"


def test_subject_over_two_lines_and_title(plan):
    want = "Kiểm tra việc quản lý và sử dụng tài sản công tại các đơn vị sự nghiệp công lập năm 2026"
    assert plan["trich_yeu"].value == want
    assert plan["tieu_de"].value == want and plan["loai_van_ban"].value == "KẾ HOẠCH"


def test_signer_block_from_its_page_not_the_appendix(plan):
    assert plan["nguoi_ky"].value == "Lê Văn Bình" and plan["nguoi_ky"].page == 2
    assert plan["quyen_han_ky"].value == "KT. GIÁM ĐỐC"
    assert plan["chuc_vu_nguoi_ky"].value == "PHÓ GIÁM ĐỐC"
