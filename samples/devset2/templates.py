"""Second development family: other document types, label spellings and layouts than `samples/devset/`, written
to study the wrong values the rules leave unflagged (cut or over-long values, a value given to the wrong label,
OCR errors, type parses) without looking at the held-out family.

An ID-card renewal form (numbered items, two or three to a line), an appointment slip with times, a letter of
introduction from an official body, a leave application with a date range, a household-business registration
with lettered items, and a two-column health-check form.
"""
from __future__ import annotations

import datetime as dt

from samples import vocab as V
from samples.docbase import TODAY, header, issuer, person, signer
from samples.layout import Cols, Gap, Line, Para, Rule

DOC_TYPES = ("to_khai_can_cuoc", "phieu_hen_tra", "giay_gioi_thieu", "don_nghi_phep", "dang_ky_ho_kinh_doanh",
             "phieu_kham_suc_khoe")
JOBS = ["Giáo viên", "Công nhân", "Nông dân", "Kỹ sư xây dựng", "Lái xe", "Kế toán"]
UNITS = ["Trường Tiểu học Kim Đồng", "Trạm Y tế xã", "Phòng Văn hóa - Xã hội", "Văn phòng HĐND và UBND",
         "Trung tâm Phục vụ hành chính công"]
TRADES = ["Bán lẻ tạp hóa", "Sửa chữa xe máy", "Dịch vụ ăn uống", "May mặc", "Cắt tóc, gội đầu"]


def _phone(rng) -> tuple[str, str]:
    d = rng.choice(["091", "098", "035", "077", "086"]) + f"{rng.randint(0, 9999999):07d}"
    return d, rng.choice([d, f"{d[:4]}.{d[4:7]}.{d[7:]}", f"{d[:3]} {d[3:6]} {d[6:]}"])


def _motto(doc) -> None:
    doc.blocks += [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 13, "center"),
                   Line("Độc lập - Tự do - Hạnh phúc", "B", 13.5, "center"), Rule(60), Gap(4)]


def _dated(doc, place: str, day: dt.date) -> None:
    doc.fields["ngay_ban_hanh"] = day.isoformat()
    doc.blocks.append(Cols([], [Line(f"{place}, {V.date_line(day)}", "I", 13, "center")], split=0.45))


def _lower(unit: str) -> str:
    return unit[0].lower() + unit[1:]


def to_khai_can_cuoc(doc) -> None:
    rng = doc.rng
    doc.plan(["nghe_nghiep", "so_dien_thoai", "que_quan"], ["so_dinh_danh"])
    p = person(doc, 1958, 2006, bad_id=doc.bad == "so_dinh_danh")
    _motto(doc)
    doc.blocks += [Line("TỜ KHAI CĂN CƯỚC", "B", 14.5, "center"), Gap(3)]
    b = doc.blocks
    b.append(doc.f("ho_ten", "1. Họ, chữ đệm và tên khai sinh:", p.name.upper(), style="B"))
    b.append(doc.multi([("ngay_sinh", "2. Ngày, tháng, năm sinh:", p.birth.isoformat(), V.dmy(p.birth)),
                        ("gioi_tinh", "3. Giới tính:", p.sex, None)]))
    b.append(doc.multi([("so_dinh_danh", "4. Số định danh cá nhân:", p.cccd, None),
                        ("dan_toc", "5. Dân tộc:", p.ethnic, None)]))
    b.append(doc.f("que_quan", "6. Quê quán:", V.address(rng, with_street=False), para=True, hanging_mm=5))
    b.append(doc.f("noi_thuong_tru", "7. Nơi thường trú:", p.address, para=True, hanging_mm=5))
    b.append(doc.f("nghe_nghiep", "8. Nghề nghiệp:", rng.choice(JOBS)))
    tel, printed = _phone(rng)
    b.append(doc.f("so_dien_thoai", "9. Số điện thoại liên hệ:", tel, printed))
    b.append(Para("Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp "
                  "luật về lời khai của mình.", indent_mm=8))
    _dated(doc, p.province[1], V.date_between(rng, dt.date(2024, 7, 1), TODAY))
    signer(doc, ["NGƯỜI KHAI"], p.name, None)


def phieu_hen_tra(doc) -> None:
    rng = doc.rng
    doc.plan(["so_dien_thoai", "ma_tthc"], ["ma_ho_so"])
    p = person(doc, 1955, 2004)
    day = V.date_between(rng, dt.date(2024, 3, 1), TODAY)
    back = day + dt.timedelta(days=rng.choice([2, 5, 15]))
    code, proc = rng.choice(V.PROCEDURES)
    unit = rng.choice(p.province[3])
    header(doc, ["ỦY BAN NHÂN DÂN " + unit.upper(), "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"],
           "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", None, V.unit_short(unit), day)
    b = doc.blocks
    b += [Line("PHIẾU HẸN TRẢ KẾT QUẢ", "B", 14.5, "center"), Gap(3)]
    b.append(doc.f("ma_ho_so", "Mã hồ sơ:", V.dossier_code(rng, day, doc.bad == "ma_ho_so"), style="B"))
    b.append(doc.f("ho_ten", "Họ tên người nộp:", p.name))
    tel, printed = _phone(rng)
    b.append(doc.multi([("so_dien_thoai", "Điện thoại:", tel, printed),
                        ("ma_tthc", "Mã TTHC:", code, None)]))
    b.append(doc.f("ten_thu_tuc", "Tên thủ tục hành chính:", proc, para=True, hanging_mm=6))
    hh, mm = rng.choice([(8, 0), (9, 15), (14, 30), (15, 45)])
    b.append(doc.f("thoi_gian_nhan", "Thời gian tiếp nhận:", f"{day.isoformat()}T{hh:02d}:{mm:02d}",
                   f"{hh:02d} giờ {mm:02d} phút, ngày {V.dmy(day)}"))
    b.append(doc.f("ngay_hen_tra", "Thời gian hẹn trả kết quả:", back.isoformat(), f"ngày {V.dmy(back)}"))
    b.append(doc.f("dia_diem", "Địa điểm trả kết quả:", f"Bộ phận Một cửa {_lower(unit)}", para=True,
                   hanging_mm=6))
    b.append(Para("Khi đến nhận kết quả, người nộp mang theo phiếu hẹn này và giấy tờ tùy thân.", indent_mm=8))
    signer(doc, ["CÔNG CHỨC TIẾP NHẬN"], V.person(rng)[0], None)


def giay_gioi_thieu(doc) -> None:
    rng = doc.rng
    doc.plan([], [])
    p = person(doc, 1965, 2000)
    lines, body, place = issuer(doc, p.province)
    day = V.date_between(rng, dt.date(2024, 6, 1), TODAY)
    header(doc, lines, body, f"{rng.randint(3, 250)}/GGT-UBND", place, day)
    b = doc.blocks
    b += [Line("GIẤY GIỚI THIỆU", "B", 14.5, "center"), Gap(3)]
    dest = f"Sở Nội vụ {_lower(p.province[0])}"
    b.append(doc.f("kinh_gui", "Kính gửi:", dest, align="center"))
    b.append(Para(f"{body.title().replace('Ủy Ban Nhân Dân', 'Ủy ban nhân dân')} trân trọng giới thiệu:",
                  indent_mm=8))
    b.append(doc.f("ho_ten", "Ông (bà):", p.name, style="B", indent_mm=8))
    b.append(doc.f("chuc_vu", "Chức vụ:", rng.choice(["Công chức Tư pháp - Hộ tịch", "Phó Chủ tịch UBND",
                                                        "Công chức Văn phòng - Thống kê"]), indent_mm=8))
    task = rng.choice(["Liên hệ công tác về hồ sơ cán bộ", "Nộp báo cáo tổng kết năm 2024",
                       "Tham dự tập huấn nghiệp vụ hộ tịch"])
    b.append(doc.f("ve_viec", "Về việc:", task, para=True, hanging_mm=8, indent_mm=8))
    until = day + dt.timedelta(days=rng.choice([15, 30]))
    b.append(doc.f("thoi_han", "Giấy có giá trị đến:", until.isoformat(), f"ngày {V.dmy(until)}", indent_mm=8))
    b.append(Para("Đề nghị Quý cơ quan tạo điều kiện để đồng chí có tên trên hoàn thành nhiệm vụ.", indent_mm=8))
    doc.fields["chuc_vu_nguoi_ky"] = "CHỦ TỊCH"
    signer(doc, ["CHỦ TỊCH"], V.person(rng)[0], None)


def don_nghi_phep(doc) -> None:
    rng = doc.rng
    doc.plan(["noi_nghi_phep", "so_dien_thoai"], [])
    p = person(doc, 1970, 2000)
    _motto(doc)
    doc.blocks += [Line("ĐƠN XIN NGHỈ PHÉP", "B", 14.5, "center"), Gap(3)]
    unit = rng.choice(UNITS)
    b = doc.blocks
    b.append(doc.f("kinh_gui", "Kính gửi:", f"Thủ trưởng {unit}", align="center"))
    b.append(doc.f("ho_ten", "Tôi tên là:", p.name))
    b.append(doc.multi([("chuc_vu", "Chức vụ:", rng.choice(["Nhân viên", "Chuyên viên", "Giáo viên"]), None),
                        ("don_vi", "Đơn vị:", unit, None)]))
    start = V.date_between(rng, dt.date(2025, 1, 5), TODAY)
    days = rng.randint(2, 12)
    b.append(doc.multi([("tu_ngay", "Nghỉ từ ngày:", start.isoformat(), V.dmy(start)),
                        ("den_ngay", "Đến ngày:", (start + dt.timedelta(days=days)).isoformat(),
                         V.dmy(start + dt.timedelta(days=days)))]))
    b.append(doc.f("ly_do", "Lý do:", rng.choice(["Giải quyết việc gia đình", "Điều trị bệnh",
                                                   "Nghỉ phép năm theo chế độ"])))
    b.append(doc.f("noi_nghi_phep", "Nơi nghỉ phép:", V.address(rng), para=True, hanging_mm=6))
    tel, printed = _phone(rng)
    b.append(doc.f("so_dien_thoai", "Số di động:", tel, printed))
    b.append(Para("Tôi xin hứa sẽ bàn giao công việc đầy đủ trước khi nghỉ. Kính mong Thủ trưởng đơn vị xem xét, "
                  "giải quyết.", indent_mm=8))
    _dated(doc, p.province[1], start - dt.timedelta(days=rng.randint(1, 4)))
    signer(doc, ["NGƯỜI LÀM ĐƠN"], p.name, None)


def dang_ky_ho_kinh_doanh(doc) -> None:
    rng = doc.rng
    doc.plan(["email", "so_dien_thoai"], ["so_dinh_danh", "ma_so_thue"])
    p = person(doc, 1960, 2003, bad_id=doc.bad == "so_dinh_danh")
    _motto(doc)
    doc.blocks += [Line("GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", "B", 14.5, "center"), Gap(3)]
    unit = rng.choice(p.province[3])
    b = doc.blocks
    b.append(doc.f("kinh_gui", "Kính gửi:", f"Phòng Kinh tế {_lower(unit)}", align="center"))
    b.append(doc.f("ho_ten", "a) Họ và tên chủ hộ kinh doanh:", p.name.upper(), style="B"))
    b.append(doc.multi([("ngay_sinh", "b) Sinh ngày:", p.birth.isoformat(), V.dmy(p.birth)),
                        ("gioi_tinh", "c) Giới tính:", p.sex, None)]))
    b.append(doc.f("so_dinh_danh", "d) Số định danh cá nhân:", p.cccd))
    b.append(doc.f("ten_ho_kinh_doanh", "đ) Tên hộ kinh doanh:", f"Hộ kinh doanh {p.name.split()[-1]} "
                   f"{rng.choice(['Phát', 'Thịnh', 'An Khang'])}"))
    b.append(doc.f("dia_chi", "e) Địa chỉ trụ sở:", p.address, para=True, hanging_mm=6))
    tel, printed = _phone(rng)
    b.append(doc.multi([("so_dien_thoai", "g) Điện thoại:", tel, printed),
                        ("ma_so_thue", "h) Mã số thuế:", V.tax_code(rng, doc.bad == "ma_so_thue"), None)]))
    name_ascii = "".join(c for c in V.nfc(p.name.split()[-1]).lower() if c.isascii())
    b.append(doc.f("email", "i) Email:", f"hkd.{name_ascii or 'an'}{rng.randint(10, 99)}@gmail.com"))
    b.append(doc.f("nganh_nghe", "k) Ngành, nghề kinh doanh:", rng.choice(TRADES)))
    b.append(Para("Tôi cam kết chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác của nội dung đề nghị.",
                  indent_mm=8))
    _dated(doc, V.unit_short(unit), V.date_between(rng, dt.date(2024, 1, 1), TODAY))
    signer(doc, ["CHỦ HỘ KINH DOANH"], p.name, None)


def phieu_kham_suc_khoe(doc) -> None:
    rng = doc.rng
    doc.plan(["nghe_nghiep", "so_dien_thoai"], ["so_dinh_danh"])
    p = person(doc, 1960, 2006, bad_id=doc.bad == "so_dinh_danh")
    _motto(doc)
    doc.blocks += [Line("PHIẾU KHÁM SỨC KHỎE", "B", 14.5, "center"), Line("(Dùng cho người từ đủ 18 tuổi)", "I",
                                                                           12, "center"), Gap(4)]
    tel, printed = _phone(rng)
    left = [doc.f("ho_ten", "Họ và tên:", p.name.upper(), style="B"),
            doc.f("nam_sinh", "Năm sinh:", str(p.birth.year)),
            doc.f("so_dinh_danh", "Số CCCD:", p.cccd)]
    right = [doc.f("gioi_tinh", "Giới tính:", p.sex),
             doc.f("nghe_nghiep", "Nghề nghiệp:", rng.choice(JOBS)),
             doc.f("so_dien_thoai", "SĐT:", tel, printed)]
    doc.blocks.append(Cols(left, right, split=0.55))
    b = doc.blocks
    b.append(doc.f("noi_o_hien_nay", "Chỗ ở hiện nay:", p.address, para=True, hanging_mm=6))
    b.append(doc.f("ly_do", "Lý do khám sức khỏe:", rng.choice(["Đi học", "Xin việc làm", "Học lái xe"])))
    b.append(Para("Tiền sử bệnh của đối tượng khám sức khỏe: không có bệnh truyền nhiễm, không mắc bệnh mãn tính.",
                  indent_mm=8))
    _dated(doc, p.province[1], V.date_between(rng, dt.date(2024, 6, 1), TODAY))
    signer(doc, ["NGƯỜI ĐỀ NGHỊ KHÁM"], p.name, None)
