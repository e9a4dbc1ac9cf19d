"""Pages rendered on the fly: a clean Vietnamese page for tests that need a document but not damage."""
from __future__ import annotations

from pathlib import Path

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"

PAGE_LINES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY XÁC NHẬN",
    "Họ, chữ đệm, tên: Nguyễn Thị Hồng Nhung",
    "Ngày, tháng, năm sinh: 12/03/1990",
    "Nơi cư trú: thôn Đông Hòa, xã Ninh Hiệp, thành phố Hà Nội",
    "Ủy ban nhân dân xã xác nhận những thông tin trên là đúng sự thật.",
)


def render_text_page(path: Path, lines=PAGE_LINES, dpi: int = 200, fmt: str = "JPEG", size=(1240, 1754)) -> Path:
    """A clean page with the given lines (1654x2339 px is A4 at 200 dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, int(dpi * 13 / 72))
    y = int(dpi * 0.8)
    for line in lines:
        draw.text((int(dpi * 0.8), y), line, font=font, fill=(20, 20, 20))
        y += int(dpi * 13 / 72 * 1.8)
    img.save(path, fmt, dpi=(dpi, dpi), **({"quality": 90} if fmt == "JPEG" else {}))
    return path
