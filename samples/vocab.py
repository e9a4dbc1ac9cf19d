"""Invented but plausible Vietnamese values for the sample generator: names, places, dates,
identifiers that pass (or, on request, deliberately fail) the rules of DOMAIN.md §3.

All randomness comes from the `random.Random` passed in, so a seed fixes every value.
Place names are real post-2025 units (GSO list); people, numbers and streets are invented.
"""
from __future__ import annotations

import datetime as dt
import random
import unicodedata

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Tạ"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân", "Đình", "Tiến"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Phương", "Kim", "Mai", "Bích", "Thùy", "Hồng"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân",
           "Sơn", "Thắng", "Tuấn", "Việt", "Hoàng", "Đạt", "Hiếu", "Lộc", "Nghĩa", "Trung", "Vượng"]
GIVEN_F = ["Anh", "Chi", "Dung", "Hà", "Hằng", "Hương", "Lan", "Linh", "Loan", "Ngân", "Nhung",
           "Oanh", "Quyên", "Thảo", "Trang", "Tuyết", "Yến", "Hoa", "Huyền", "Giang", "Vy", "Diệp"]
ETHNIC = ["Kinh"] * 8 + ["Tày", "Thái", "Mường", "Khmer", "Nùng", "Hoa"]
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
           "Phan Đình Phùng", "Điện Biên Phủ", "Hùng Vương", "Nguyễn Du", "Bà Triệu", "Lê Duẩn",
           "Trường Chinh", "Võ Thị Sáu", "Nguyễn Văn Cừ", "Hoàng Diệu"]
VILLAGES = ["thôn Đông", "thôn Thượng", "thôn Hạ", "thôn Trung Hòa", "xóm Mới", "ấp 3", "ấp Tân Lập",
            "tổ dân phố 5", "tổ dân phố 12", "bản Nà Phặc", "khu phố 2"]

# (province as written in addresses, place name in date lines, CCCD birth-registration code, units)
PROVINCES = [
    ("Thành phố Hà Nội", "Hà Nội", "001",
     ["Phường Hoàn Kiếm", "Phường Thanh Xuân", "Phường Hà Đông", "Xã Dân Hòa", "Xã Ba Vì", "Xã Đan Phượng"]),
    ("Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "079",
     ["Phường Vũng Tàu", "Phường Dĩ An", "Phường Phú Định", "Xã Vĩnh Lộc", "Phường Thông Tây Hội"]),
    ("Thành phố Đà Nẵng", "Đà Nẵng", "048",
     ["Phường Hải Châu", "Phường An Thắng", "Xã Tiên Phước", "Xã Nam Giang"]),
    ("Thành phố Hải Phòng", "Hải Phòng", "031",
     ["Phường Thủy Nguyên", "Phường Hưng Đạo", "Xã Chấn Hưng", "Xã An Phú", "Xã Tân Kỳ"]),
    ("Tỉnh Quảng Ninh", "Quảng Ninh", "022",
     ["Phường Hà Lầm", "Phường Cẩm Phả", "Xã Ba Chẽ", "Xã Hải Sơn"]),
    ("Tỉnh Thanh Hóa", "Thanh Hóa", "038",
     ["Phường Hạc Thành", "Xã Đông Thành", "Xã Trung Chính", "Xã Cẩm Thủy"]),
    ("Tỉnh Nghệ An", "Nghệ An", "040",
     ["Xã Anh Sơn", "Xã Bạch Ngọc", "Xã Quỳnh Phú", "Xã Xuân Lâm"]),
    ("Thành phố Huế", "Huế", "046",
     ["Phường Thuận An", "Phường Thủy Xuân", "Phường Phong Phú", "Xã Phú Vang"]),
    ("Tỉnh Khánh Hòa", "Khánh Hòa", "056",
     ["Phường Nha Trang", "Phường Ninh Hòa", "Xã Vạn Ninh", "Xã Cam Hiệp"]),
    ("Tỉnh Đắk Lắk", "Đắk Lắk", "066",
     ["Xã Hòa Phú", "Xã Ea Kiết", "Phường Tuy Hòa", "Xã Phú Xuân"]),
    ("Thành phố Cần Thơ", "Cần Thơ", "092",
     ["Phường Ninh Kiều", "Xã Nhơn Ái", "Phường Vị Tân", "Xã Vĩnh Hải"]),
    ("Tỉnh Vĩnh Long", "Vĩnh Long", "086",
     ["Xã Cái Nhum", "Xã Trà Ôn", "Phường Phú Tân", "Xã An Qui"]),
]
VALID_PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 "
    "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 "
    "083 084 086 087 089 091 092 093 094 095 096".split())

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def person(rng: random.Random, sex: str | None = None) -> tuple[str, str]:
    """(full name as printed in mixed case, sex 'Nam'/'Nữ')."""
    sex = sex or rng.choice(["Nam", "Nữ"])
    mid = MIDDLE_M if sex == "Nam" else MIDDLE_F
    giv = GIVEN_M if sex == "Nam" else GIVEN_F
    parts = [rng.choice(FAMILY), rng.choice(mid)]
    if rng.random() < 0.3:
        parts.append(rng.choice(mid if sex == "Nữ" else MIDDLE_M))
    parts.append(rng.choice(giv))
    # avoid "Văn Văn"
    out = [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]
    return " ".join(out), sex


def place(rng: random.Random) -> tuple[str, str, str, list[str]]:
    return rng.choice(PROVINCES)


def unit_short(unit: str) -> str:
    """'Phường Hải Châu' -> 'Hải Châu' (for date lines and issuer names)."""
    return unit.split(" ", 1)[1]


def address(rng: random.Random, prov=None, with_street: bool | None = None) -> str:
    prov = prov or place(rng)
    unit = rng.choice(prov[3])
    lower_unit = unit[0].lower() + unit[1:]
    if with_street is None:
        with_street = lower_unit.startswith("phường")
    head = (f"Số {rng.randint(1, 250)}, đường {rng.choice(STREETS)}" if with_street
            else rng.choice(VILLAGES))
    return f"{head}, {lower_unit}, {prov[0][0].lower() + prov[0][1:]}"


def date_between(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


def date_line(d: dt.date) -> str:
    """'ngày 05 tháng 02 năm 2025': days < 10 and months 1-2 zero-padded (Decree 30/2020)."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def dmy(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def number_words(n: int) -> str:
    """Vietnamese reading of 0..9999 as on birth certificates ('hai nghìn không trăm linh năm')."""
    if n < 10:
        return DIGITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
        if unit == 0:
            return head
        word = {1: "mốt" if tens > 1 else "một", 4: "tư" if tens > 1 else "bốn", 5: "lăm"}.get(unit, DIGITS[unit])
        return f"{head} {word}"
    if n < 1000:
        h, rest = divmod(n, 100)
        if rest == 0:
            return f"{DIGITS[h]} trăm"
        if rest < 10:
            return f"{DIGITS[h]} trăm linh {DIGITS[rest]}"
        return f"{DIGITS[h]} trăm {number_words(rest)}"
    th, rest = divmod(n, 1000)
    if rest == 0:
        return f"{DIGITS[th]} nghìn"
    if rest < 100:
        return f"{DIGITS[th]} nghìn không trăm " + (f"linh {DIGITS[rest]}" if rest < 10 else number_words(rest))
    return f"{DIGITS[th]} nghìn {number_words(rest)}"


MONTHS = ["", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai"]


def date_words(d: dt.date) -> str:
    s = f"ngày {number_words(d.day)}, tháng {MONTHS[d.month]}, năm {number_words(d.year)}"
    return s[0].upper() + s[1:]


def thousands(n: int) -> str:
    """1234567 -> '1.234.567' (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


# ---- identifiers -------------------------------------------------------------------------

def cccd(rng: random.Random, code3: str, birth: dt.date, sex: str, invalid: bool = False) -> str:
    """12-digit personal ID: province code, century+sex digit, birth year mod 100, 6 random digits.
    `invalid` makes the year digits contradict the birth date."""
    century = (birth.year // 100 - 19) * 2 + (1 if sex == "Nữ" else 0)
    yy = birth.year % 100
    if invalid:
        yy = (yy + rng.randint(3, 40)) % 100
    return f"{code3}{century}{yy:02d}{rng.randint(0, 999999):06d}"


def cccd_ok(number: str, birth: dt.date, sex: str) -> bool:
    if len(number) != 12 or not number.isdigit() or number[:3] not in VALID_PROVINCE_CODES:
        return False
    century = (birth.year // 100 - 19) * 2 + (1 if sex == "Nữ" else 0)
    return number[3] == str(century) and number[4:6] == f"{birth.year % 100:02d}"


def mst_check_digit(first9: str) -> str | None:
    w = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    r = 10 - sum(a * int(b) for a, b in zip(w, first9)) % 11
    return str(r) if r < 10 else None


def tax_code(rng: random.Random, invalid: bool = False) -> str:
    while True:
        first9 = rng.choice(["01", "02", "03", "04", "05", "06", "08"]) + f"{rng.randint(0, 9999999):07d}"
        check = mst_check_digit(first9)
        if check is None:
            continue
        if invalid:
            return first9 + str((int(check) + rng.randint(1, 9)) % 10)
        return first9 + check


AGENCY_IDS = ["000.00.00.H30", "000.00.00.H26", "000.00.00.H29", "000.00.00.H42", "000.21.30.H26",
              "000.05.17.H48", "000.00.00.H56"]


def dossier_code(rng: random.Random, received: dt.date, invalid: bool = False) -> str:
    ymd = received.strftime("%y%m%d")
    if invalid:  # a day that does not exist in that month
        ymd = received.strftime("%y%m") + "3" + str(rng.randint(2, 9))
    return f"{rng.choice(AGENCY_IDS)}-{ymd}-{rng.randint(1, 250):04d}"


PROCEDURES = [  # (code, name) — codes have the catalogue form; names are the usual procedure titles
    ("1.001193", "Đăng ký khai sinh"),
    ("1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân"),
    ("1.004227", "Đăng ký thường trú"),
    ("1.001612", "Đăng ký thành lập doanh nghiệp tư nhân"),
    ("1.009972", "Cấp giấy phép xây dựng đối với nhà ở riêng lẻ"),
    ("2.000815", "Đăng ký đất đai, tài sản gắn liền với đất lần đầu"),
    ("2.001035", "Chứng thực bản sao từ bản chính giấy tờ, văn bản"),
]
