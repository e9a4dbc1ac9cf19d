"""Third development family: document types, label spellings and layouts that neither `samples/devset/` nor
`samples/devset2/` has, written (seed 6868) to study the wrong values left unflagged by the OCR of the merged
pipeline (two-row header, tone marks chosen by a syllable model, signer block read again, cells read apart),
without looking at the held-out family.

A death-registration declaration (requester and deceased, times of day), a hospital transfer form with an
insurance card number, a house lease with two parties and `cấp ngày … tại …` on one line, a tax notice from an
official body with its subject under the title, a recruitment application under Roman-numbered sections, and a
two-column vehicle-registration sheet with a plate number.
"""
from __future__ import annotations

import datetime as dt

from samples import vocab as V
from samples.docbase import TODAY, header, person, signer
from samples.layout import Cols, Gap, Line, Para, Rule

DOC_TYPES = ("to_khai_khai_tu", "giay_chuyen_tuyen", "hop_dong_thue_nha", "thong_bao_nop_thue",
             "phieu_du_tuyen", "to_khai_dang_ky_xe")
CAUSES = ["Bệnh tim mạch", "Tuổi già", "Tai nạn giao thông", "Suy hô hấp", "Bệnh hiểm nghèo"]
RELATIONS = ["Con đẻ", "Vợ", "Chồng", "Cháu nội", "Anh ruột"]
DIAGNOSES = ["Viêm phổi cấp", "Gãy xương cẳng tay trái", "Sốt xuất huyết", "Tăng huyết áp", "Đau ruột thừa"]
HOSPITALS = ["Bệnh viện Đa khoa tỉnh", "Bệnh viện Chợ Rẫy", "Bệnh viện Bạch Mai", "Bệnh viện Nhi Trung ương"]
MAJORS = ["Kế toán doanh nghiệp", "Công nghệ thông tin", "Luật kinh tế", "Quản lý đất đai", "Sư phạm Toán"]
POSTS = ["Chuyên viên pháp chế", "Kế toán viên", "Văn thư", "Công chức địa chính - xây dựng"]
BRANDS = ["Honda", "Yamaha", "Toyota", "VinFast", "Suzuki"]
COLOURS = ["Đỏ", "Đen", "Trắng", "Xanh", "Bạc"]


def _phone(rng) -> tuple[str, str]:
    d = rng.choice(["097", "032", "088", "094", "070"]) + f"{rng.randint(0, 9999999):07d}"
    return d, rng.choice([d, f"{d[:4]} {d[4:7]} {d[7:]}", f"{d[:3]}.{d[3:6]}.{d[6:]}"])


def _motto(doc) -> None:
    doc.blocks += [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 13, "center"),
                   Line("Độc lập - Tự do - Hạnh phúc", "B", 13.5, "center"), Rule(58), Gap(5)]


def _signed_on(doc, place: str, day: dt.date) -> None:
    doc.fields["ngay_ban_hanh"] = day.isoformat()
    doc.blocks.append(Cols([], [Line(f"{place}, {V.date_line(day)}", "I", 13, "center")], split=0.5))


def _ascii(word: str) -> str:
    import unicodedata

    word = word.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def _money(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def to_khai_khai_tu(doc) -> None:
    rng = doc.rng
    doc.plan(["quan_he", "nguyen_nhan"], ["so_dinh_danh"])
    req = person(doc, 1960, 2000, bad_id=doc.bad == "so_dinh_danh")
    dead = person(doc, 1925, 1960)
    _motto(doc)
    doc.blocks += [Line("TỜ KHAI ĐĂNG KÝ KHAI TỬ", "B", 14.5, "center"), Gap(3)]
    unit = rng.choice(req.province[3])
    b = doc.blocks
    b.append(doc.f("kinh_gui", "Kính gửi:", f"Ủy ban nhân dân {unit[0].lower() + unit[1:]}", align="center"))
    b.append(doc.f("ho_ten", "Họ, chữ đệm, tên người yêu cầu:", req.name))
    b.append(doc.f("noi_cu_tru", "Nơi cư trú:", req.address, para=True, hanging_mm=6))
    b.append(doc.f("so_dinh_danh", "Giấy tờ tùy thân số:", req.cccd))
    b.append(doc.f("quan_he", "Quan hệ với người đã chết:", rng.choice(RELATIONS)))
    b.append(Para("Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:", indent_mm=8))
    b.append(doc.f("ho_ten", "Họ, chữ đệm, tên:", dead.name.upper(), style="B"))
    b.append(doc.multi([("ngay_sinh", "Ngày, tháng, năm sinh:", dead.birth.isoformat(), V.dmy(dead.birth)),
                        ("gioi_tinh", "Giới tính:", dead.sex, None)]))
    died = V.date_between(rng, dt.date(2025, 1, 1), TODAY - dt.timedelta(days=10))
    hh, mm = rng.randint(0, 23), rng.choice([0, 10, 25, 40, 55])
    b.append(doc.f("ngay_chet", "Đã chết vào lúc:", f"{died.isoformat()}T{hh:02d}:{mm:02d}", f"{hh:02d} giờ {mm:02d} phút, ngày {V.dmy(died)}"))
    b.append(doc.f("noi_chet", "Nơi chết:", dead.address, para=True, hanging_mm=6))
    b.append(doc.f("nguyen_nhan", "Nguyên nhân chết:", rng.choice(CAUSES)))
    b.append(Para("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật "
                  "về cam đoan của mình.", indent_mm=8))
    _signed_on(doc, V.unit_short(unit), died + dt.timedelta(days=rng.randint(2, 9)))
    signer(doc, ["NGƯỜI YÊU CẦU"], req.name, None)


def giay_chuyen_tuyen(doc) -> None:
    rng = doc.rng
    doc.plan(["chan_doan", "so_dien_thoai"], [])
    p = person(doc, 1940, 2015)
    day = V.date_between(rng, dt.date(2024, 9, 1), TODAY)
    header(doc, [f"SỞ Y TẾ {p.province[0].upper()}", "TRUNG TÂM Y TẾ KHU VỰC"], "TRUNG TÂM Y TẾ KHU VỰC",
           f"{rng.randint(12, 980)}/GCT", p.province[1], day)
    b = doc.blocks
    b += [Line("GIẤY CHUYỂN TUYẾN KHÁM BỆNH, CHỮA BỆNH", "B", 14.5, "center"), Gap(3)]
    b.append(doc.f("kinh_gui", "Kính gửi:", rng.choice(HOSPITALS), align="center"))
    b.append(doc.f("ho_ten", "Họ và tên người bệnh:", p.name.upper(), style="B"))
    b.append(doc.multi([("nam_sinh", "Năm sinh:", str(p.birth.year), None),
                        ("gioi_tinh", "Nam/Nữ:", p.sex, None),
                        ("dan_toc", "Dân tộc:", p.ethnic, None)]))
    b.append(doc.f("dia_chi", "Địa chỉ:", p.address, para=True, hanging_mm=6))
    card = rng.choice(["GD", "HT", "DN", "TE"]) + str(rng.randint(1, 5)) + f"{rng.randint(0, 10**10 - 1):010d}"
    b.append(doc.f("so_the_bhyt", "Số thẻ bảo hiểm y tế:", card))
    b.append(doc.f("chan_doan", "Chẩn đoán:", rng.choice(DIAGNOSES)))
    tel, printed = _phone(rng)
    b.append(doc.f("so_dien_thoai", "Điện thoại người nhà:", tel, printed))
    b.append(doc.f("ly_do", "Lý do chuyển tuyến:", rng.choice(["Vượt quá khả năng chuyên môn",
                                                            "Theo yêu cầu của người bệnh"])))
    doc.fields.update(quyen_han_ky="KT. GIÁM ĐỐC", chuc_vu_nguoi_ky="PHÓ GIÁM ĐỐC")
    signer(doc, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], V.person(rng)[0], None)


def _party(doc, role: str, p, day_issued: dt.date, place_issued: str) -> list:
    tel, printed = _phone(doc.rng)
    return [Line(role, "B", 13),
            doc.f("ho_ten", "Ông/Bà:", p.name, style="B"),
            doc.multi([("nam_sinh", "Sinh năm:", str(p.birth.year), None),
                       ("so_dinh_danh", "CCCD số:", p.cccd, None)]),
            doc.multi([("ngay_cap", "Cấp ngày:", day_issued.isoformat(), V.dmy(day_issued)),
                       ("noi_cap", "Tại:", place_issued, None)]),
            doc.f("noi_thuong_tru", "Thường trú tại:", p.address, para=True, hanging_mm=6),
            doc.f("so_dien_thoai", "ĐT:", tel, printed)]


def hop_dong_thue_nha(doc) -> None:
    rng = doc.rng
    doc.plan([], ["so_dinh_danh"])
    a = person(doc, 1955, 1990, bad_id=doc.bad == "so_dinh_danh")
    c = person(doc, 1975, 2003)
    _motto(doc)
    doc.blocks += [Line("HỢP ĐỒNG THUÊ NHÀ Ở", "B", 14.5, "center"), Gap(3)]
    day = V.date_between(rng, dt.date(2024, 8, 1), TODAY)
    b = doc.blocks
    b.append(Para(f"Hôm nay, ngày {V.dmy(day)}, chúng tôi gồm có:", indent_mm=8))
    police = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"
    b += _party(doc, "BÊN CHO THUÊ (BÊN A):", a, V.date_between(rng, dt.date(2021, 1, 1), dt.date(2024, 6, 1)),
                police)
    b += _party(doc, "BÊN THUÊ (BÊN B):", c, V.date_between(rng, dt.date(2021, 1, 1), dt.date(2024, 6, 1)), police)
    rent = rng.choice([3, 4, 5, 6, 8]) * 1_000_000 + rng.choice([0, 500_000])
    b.append(doc.f("dia_chi_nha", "Địa chỉ nhà cho thuê:", V.address(rng), para=True, hanging_mm=6))
    b.append(doc.f("gia_thue", "Giá thuê:", str(rent), f"{_money(rent)} đồng/tháng"))
    b.append(doc.f("thoi_han_thue", "Thời hạn thuê:", f"{rng.choice([6, 12, 24])} tháng"))
    b.append(Para("Hai bên cam kết thực hiện đúng các điều khoản đã thỏa thuận trong hợp đồng này.", indent_mm=8))
    doc.blocks.append(Gap(3))  # the date is in the opening sentence, not after a label: not a form value
    doc.blocks.append(Cols([Line("BÊN A", "B", 13, "center")], [Line("BÊN B", "B", 13, "center")], split=0.5))


def thong_bao_nop_thue(doc) -> None:
    rng = doc.rng
    doc.plan(["han_nop"], ["ma_so_thue"])
    p = person(doc, 1960, 2000)
    day = V.date_between(rng, dt.date(2024, 10, 1), TODAY)
    lines = ["THUẾ " + p.province[0].upper(), "THUẾ CƠ SỞ 3"]
    header(doc, lines, "THUẾ CƠ SỞ 3", f"{rng.randint(100, 9999)}/TB-TCS", p.province[1], day)
    b = doc.blocks
    b += [Line("THÔNG BÁO", "B", 14.5, "center"), Line("Nộp lệ phí trước bạ nhà, đất", "B", 13, "center"),
          Rule(30), Gap(3)]
    doc.fields["trich_yeu"] = "Nộp lệ phí trước bạ nhà, đất"
    b.append(doc.f("ten_nguoi_nop_thue", "Tên người nộp thuế:", p.name.upper(), style="B"))
    b.append(doc.f("ma_so_thue", "Mã số thuế:", V.tax_code(rng, doc.bad == "ma_so_thue")))
    b.append(doc.f("dia_chi", "Địa chỉ nhận thông báo:", p.address, para=True, hanging_mm=6))
    amount = rng.randint(20, 900) * 10_000
    b.append(doc.f("so_tien", "Số tiền phải nộp:", str(amount), f"{_money(amount)} đồng"))
    due = day + dt.timedelta(days=30)
    b.append(doc.f("han_nop", "Hạn nộp tiền:", due.isoformat(), f"chậm nhất ngày {V.dmy(due)}"))
    b.append(Para("Quá thời hạn nêu trên mà người nộp thuế chưa nộp thì phải nộp tiền chậm nộp theo quy định.",
                  indent_mm=8))
    doc.fields["chuc_vu_nguoi_ky"] = "TRƯỞNG THUẾ CƠ SỞ"
    signer(doc, ["TRƯỞNG THUẾ CƠ SỞ"], V.person(rng)[0], None)


def phieu_du_tuyen(doc) -> None:
    rng = doc.rng
    doc.plan(["email", "chuyen_nganh"], ["so_dinh_danh"])
    p = person(doc, 1985, 2003, bad_id=doc.bad == "so_dinh_danh")
    _motto(doc)
    doc.blocks += [Line("PHIẾU ĐĂNG KÝ DỰ TUYỂN", "B", 14.5, "center"), Gap(2)]
    b = doc.blocks
    b.append(doc.f("vi_tri_du_tuyen", "Vị trí dự tuyển:", rng.choice(POSTS)))
    b.append(Line("I. THÔNG TIN CÁ NHÂN", "B", 13))
    b.append(doc.f("ho_ten", "Họ và tên:", p.name.upper(), style="B"))
    b.append(doc.multi([("ngay_sinh", "Ngày sinh:", p.birth.isoformat(), V.dmy(p.birth)),
                        ("gioi_tinh", "Nam, nữ:", p.sex, None)]))
    b.append(doc.f("so_dinh_danh", "Số CCCD:", p.cccd))
    b.append(doc.f("que_quan", "Quê quán:", V.address(rng, with_street=False), para=True, hanging_mm=6))
    tel, printed = _phone(rng)
    b.append(doc.f("so_dien_thoai", "Điện thoại di động để báo tin:", tel, printed))
    last = _ascii(p.name.split()[-1]).lower()
    b.append(doc.f("email", "Email:", f"{last}{rng.randint(1990, 2005)}@gmail.com"))
    b.append(Line("II. THÔNG TIN VỀ ĐÀO TẠO", "B", 13))
    b.append(doc.f("trinh_do", "Trình độ chuyên môn:", rng.choice(["Đại học", "Thạc sĩ", "Cao đẳng"])))
    b.append(doc.f("chuyen_nganh", "Chuyên ngành đào tạo:", rng.choice(MAJORS)))
    b.append(Para("Tôi xin cam đoan lời khai trên là đúng sự thật; nếu sai, tôi xin chịu xử lý theo quy định.",
                  indent_mm=8))
    _signed_on(doc, p.province[1], V.date_between(rng, dt.date(2025, 2, 1), TODAY))
    signer(doc, ["NGƯỜI VIẾT PHIẾU"], p.name, None)


def to_khai_dang_ky_xe(doc) -> None:
    rng = doc.rng
    doc.plan(["so_dien_thoai", "mau_son"], ["so_dinh_danh"])
    p = person(doc, 1960, 2005, bad_id=doc.bad == "so_dinh_danh")
    _motto(doc)
    doc.blocks += [Line("GIẤY KHAI ĐĂNG KÝ XE", "B", 14.5, "center"), Gap(3)]
    tel, printed = _phone(rng)
    plate = f"{rng.randint(11, 99)}{rng.choice('ABCDEFGHK')}{rng.randint(1, 9)}-{rng.randint(10000, 99999)}"
    plate_printed = f"{plate[:-2]}.{plate[-2:]}"
    left = [doc.f("ho_ten", "Tên chủ xe:", p.name.upper(), style="B"),
            doc.f("nam_sinh", "Năm sinh:", str(p.birth.year)),
            doc.f("so_dinh_danh", "Số CCCD:", p.cccd),
            doc.f("so_dien_thoai", "Số ĐT:", tel, printed)]
    right = [doc.f("nhan_hieu", "Nhãn hiệu:", rng.choice(BRANDS)),
             doc.f("mau_son", "Màu sơn:", rng.choice(COLOURS)),
             doc.f("bien_so", "Biển số:", plate_printed),
             doc.f("nam_san_xuat", "Năm sản xuất:", str(rng.randint(2012, 2025)))]
    doc.blocks.append(Cols(left, right, split=0.55))
    b = doc.blocks
    b.append(doc.f("dia_chi", "Địa chỉ:", p.address, para=True, hanging_mm=6))
    b.append(Para("Tôi xin cam đoan về nội dung khai trên là đúng và hoàn toàn chịu trách nhiệm trước pháp luật.",
                  indent_mm=8))
    _signed_on(doc, p.province[1], V.date_between(rng, dt.date(2025, 1, 1), TODAY))
    signer(doc, ["CHỦ XE"], p.name, None)
