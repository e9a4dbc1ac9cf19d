"""Development family: the document types the open-world extraction rules were written and tuned on.

Different types, label spellings and layouts from the held-out family (`samples/heldout/`): a temporary-residence
declaration with dash items, a dossier receipt, an application for confirmation, an official notice with its
subject under the title, a hand-over record with two parties, and a two-column contact sheet with a tax code.
"""
from __future__ import annotations

import datetime as dt

from samples import vocab as V
from samples.docbase import TODAY, header, issuer, person, signer
from samples.layout import Cols, Gap, Line, Para, Rule

DOC_TYPES = ("to_khai_tam_tru", "giay_bien_nhan", "don_xin_xac_nhan", "thong_bao", "bien_ban_ban_giao",
             "phieu_thong_tin")
JOBS = ["Nhân viên văn phòng", "Thợ may", "Sinh viên", "Kinh doanh tự do", "Điều dưỡng", "Hưu trí"]


def phone(rng) -> tuple[str, str]:
    d = rng.choice(["09", "03", "08"]) + f"{rng.randint(0, 99999999):08d}"
    return d, rng.choice([d, f"{d[:3]} {d[3:6]} {d[6:]}", f"{d[:4]}-{d[4:7]}-{d[7:]}"])


def email(rng, name: str) -> str:
    import unicodedata

    s = name.replace("Đ", "D").replace("đ", "d")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn").lower().split()
    return f"{s[-1]}.{s[0]}{rng.randint(80, 99)}@{rng.choice(['gmail.com', 'hotmail.com'])}"


def _motto(doc) -> None:
    doc.blocks += [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 13, "center"),
                   Line("Độc lập - Tự do - Hạnh phúc", "B", 13.5, "center"), Rule(62), Gap(5)]


def _place_date(doc, place: str, day: dt.date) -> None:
    doc.fields["ngay_ban_hanh"] = day.isoformat()
    doc.blocks.append(Cols([], [Line(f"{place}, {V.date_line(day)}", "I", 13, "center")], split=0.45))


def to_khai_tam_tru(doc) -> None:
    rng = doc.rng
    doc.plan(["email", "so_dien_thoai", "quan_he_chu_ho"], ["so_dinh_danh"])
    p = person(doc, 1960, 2004, bad_id=doc.bad == "so_dinh_danh")
    head = person(doc, 1940, 1985)
    _motto(doc)
    doc.blocks += [Line("TỜ KHAI ĐĂNG KÝ TẠM TRÚ", "B", 14.5, "center"), Gap(3)]
    unit = rng.choice(p.province[3])
    b = doc.blocks
    b.append(doc.f("kinh_gui", "Kính gửi:", f"Công an {unit[0].lower()}{unit[1:]}", align="center"))
    b.append(doc.f("ho_ten", "- Họ và tên:", p.name, style="B"))
    b.append(doc.multi([("ngay_sinh", "- Ngày sinh:", p.birth.isoformat(), V.dmy(p.birth)),
                        ("gioi_tinh", "Giới tính:", p.sex, None), ("dan_toc", "Dân tộc:", p.ethnic, None)]))
    b.append(doc.f("so_dinh_danh", "- CMND/CCCD số:", p.cccd))
    issued = min(TODAY, dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 1200)))
    place_issue = rng.choice(["Cục Cảnh sát QLHC về TTXH", "Bộ Công an"])
    b.append(doc.multi([("ngay_cap", "Ngày cấp:", issued.isoformat(), V.dmy(issued)),
                        ("noi_cap", "Nơi cấp:", place_issue, None)], indent_mm=3))
    tel, printed = phone(rng)
    b.append(doc.multi([("so_dien_thoai", "- Điện thoại:", tel, printed),
                        ("email", "Thư điện tử:", email(rng, p.name), None)]))
    b.append(doc.f("noi_thuong_tru", "- Địa chỉ thường trú:", V.address(rng), para=True, hanging_mm=6))
    b.append(doc.f("noi_tam_tru", "- Nơi đề nghị tạm trú:", p.address, para=True, hanging_mm=6))
    b.append(doc.f("ho_ten_chu_ho", "- Tên chủ hộ:", head.name))
    b.append(doc.f("quan_he_chu_ho", "- Quan hệ với chủ hộ:", rng.choice(["Người thuê nhà", "Em", "Con dâu"])))
    b.append(doc.f("so_dinh_danh_chu_ho", "- Số CCCD của chủ hộ:", head.cccd))
    b.append(Para("Tôi cam đoan những lời khai trên là đúng sự thật.", indent_mm=8))
    _place_date(doc, V.unit_short(unit), V.date_between(rng, dt.date(2024, 1, 1), TODAY))
    signer(doc, ["NGƯỜI KHAI"], p.name, None)


def giay_bien_nhan(doc) -> None:
    rng = doc.rng
    doc.plan(["so_dien_thoai", "ma_tthc", "ngay_hen_tra"], ["ma_ho_so"])
    p = person(doc, 1955, 2004)
    day = V.date_between(rng, dt.date(2024, 1, 1), TODAY)
    back = day + dt.timedelta(days=rng.choice([3, 7, 10]))
    code, proc = rng.choice(V.PROCEDURES)
    unit = rng.choice(p.province[3])
    header(doc, ["ỦY BAN NHÂN DÂN " + unit.upper(), "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"],
           "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", f"{rng.randint(1, 999):03d}/BN", V.unit_short(unit), day)
    b = doc.blocks
    b += [Line("GIẤY BIÊN NHẬN HỒ SƠ", "B", 14.5, "center"), Gap(3)]
    b.append(doc.f("ma_ho_so", "Số hồ sơ:", V.dossier_code(rng, day, doc.bad == "ma_ho_so")))
    b.append(doc.f("ten_thu_tuc", "Thủ tục:", proc, para=True, hanging_mm=8))
    b.append(doc.f("ma_tthc", "Mã thủ tục:", code))
    b.append(doc.f("ho_ten", "Người nộp:", p.name))
    tel, printed = phone(rng)
    b.append(doc.f("so_dien_thoai", "Số điện thoại:", tel, printed))
    b.append(doc.f("dia_chi", "Địa chỉ:", p.address, para=True, hanging_mm=8))
    b.append(doc.multi([("ngay_nhan", "Ngày nhận:", day.isoformat(), V.dmy(day)),
                        ("ngay_hen_tra", "Ngày hẹn trả:", back.isoformat(), V.dmy(back))]))
    b.append(Line("Hồ sơ gồm:"))
    b.append(Line("- Đơn đề nghị (bản chính);", indent_mm=5))
    b.append(Line("- Bản sao giấy tờ tùy thân.", indent_mm=5))
    signer(doc, ["NGƯỜI NHẬN HỒ SƠ"], V.person(rng)[0], None)


def don_xin_xac_nhan(doc) -> None:
    rng = doc.rng
    doc.plan(["ly_do", "noi_thuong_tru"], ["so_dinh_danh"])
    p = person(doc, 1955, 2004, bad_id=doc.bad == "so_dinh_danh")
    _motto(doc)
    doc.blocks += [Line("ĐƠN XIN XÁC NHẬN", "B", 14.5, "center"), Gap(3)]
    unit = rng.choice(p.province[3])
    b = doc.blocks
    b.append(doc.f("kinh_gui", "Kính gửi:", f"Ủy ban nhân dân {unit[0].lower()}{unit[1:]}", align="center"))
    b.append(doc.f("ho_ten", "Tôi tên là:", p.name, style="B"))
    b.append(doc.multi([("ngay_sinh", "Ngày sinh:", p.birth.isoformat(), V.dmy(p.birth)),
                        ("gioi_tinh", "Giới tính:", p.sex, None)]))
    b.append(doc.f("so_dinh_danh", "Số CCCD:", p.cccd))
    b.append(doc.f("noi_thuong_tru", "Thường trú tại:", p.address, para=True, hanging_mm=8))
    b.append(Para("Nay tôi làm đơn này kính đề nghị: Ủy ban nhân dân xác nhận cho tôi về việc hiện đang cư trú "
                  "tại địa phương, không vi phạm pháp luật.", indent_mm=8))
    b.append(doc.f("ly_do", "Lý do xin xác nhận:", rng.choice(["Bổ sung hồ sơ xin việc", "Hoàn thiện hồ sơ vay vốn"]),
                   para=True, hanging_mm=8))
    b.append(Para("Tôi xin chân thành cảm ơn.", indent_mm=8))
    _place_date(doc, V.unit_short(unit), V.date_between(rng, dt.date(2024, 1, 1), TODAY))
    signer(doc, ["NGƯỜI LÀM ĐƠN"], p.name, None)


def thong_bao(doc) -> None:
    rng = doc.rng
    doc.plan([], [])
    p = person(doc)
    lines, body, place = issuer(doc, p.province)
    day = V.date_between(rng, dt.date(2024, 6, 1), TODAY)
    header(doc, lines, body, f"{rng.randint(5, 400)}/TB-UBND", place, day)
    about = rng.choice(["Lịch tiếp công dân tháng 7 năm 2025", "Kết quả rà soát hộ nghèo năm 2025",
                        "Tạm dừng tiếp nhận hồ sơ trực tiếp để nâng cấp hệ thống"])
    b = doc.blocks
    b += [Line("THÔNG BÁO", "B", 14.5, "center"), Line(about, "B", 13, "center", field="trich_yeu"), Rule(40), Gap(3)]
    doc.fields["trich_yeu"] = about
    b.append(Para(f"Căn cứ Kế hoạch số {rng.randint(10, 90)}/KH-UBND ngày {V.date_line(day - dt.timedelta(days=30))} "
                  f"của Ủy ban nhân dân {p.province[0][0].lower()}{p.province[0][1:]};", "I", 13, indent_mm=10))
    b.append(Para(f"{body.title().replace('Ủy Ban Nhân Dân', 'Ủy ban nhân dân')} thông báo đến các tổ chức, cá nhân "
                  "biết và thực hiện. Thông tin chi tiết liên hệ Văn phòng, số điện thoại 0236 3822 111.",
                  indent_mm=10))
    roles = rng.choice([["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], ["Q. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], ["CHỦ TỊCH"]])
    if len(roles) == 2:
        doc.fields["quyen_han_ky"] = roles[0]
    doc.fields["chuc_vu_nguoi_ky"] = roles[-1]
    signer(doc, roles, V.person(rng)[0],
           [Line("Nơi nhận:", "BI", 12), Line("- Các tổ chức, cá nhân;", "R", 11), Line("- Lưu: VT.", "R", 11)])


def bien_ban_ban_giao(doc) -> None:
    rng = doc.rng
    doc.plan(["chuc_vu_2"], [])
    p = person(doc)
    _motto(doc)
    day = V.date_between(rng, dt.date(2024, 1, 1), TODAY)
    doc.blocks += [Line("BIÊN BẢN BÀN GIAO HỒ SƠ", "B", 14.5, "center"), Gap(3)]
    b = doc.blocks
    b.append(Para(f"Hôm nay, {V.date_line(day)}, tại trụ sở Ủy ban nhân dân {p.province[3][0].lower()}, chúng tôi gồm:",
                  indent_mm=8))
    giver, taker = V.person(rng)[0], V.person(rng)[0]
    b.append(Line("Bên giao:", "B", 13))
    b.append(doc.multi([("ho_ten", "Ông/Bà:", giver, giver),
                        ("chuc_vu", "Chức vụ:", "Công chức Văn phòng", None)], indent_mm=6))
    b.append(Line("Bên nhận:", "B", 13))
    b.append(doc.multi([("ho_ten", "Ông/Bà:", taker, taker),
                        ("chuc_vu", "Chức vụ:", "Lưu trữ viên", None)], indent_mm=6))
    n = rng.randint(12, 240)
    b.append(doc.f("so_luong", "Số lượng hồ sơ bàn giao:", str(n), f"{n} hồ sơ"))
    b.append(Para("Hai bên đã kiểm tra, đối chiếu và thống nhất ký biên bản; biên bản lập thành 02 bản có giá trị "
                  "như nhau.", indent_mm=8))
    doc.fields["ngay_ban_hanh"] = day.isoformat()
    signer(doc, ["BÊN NHẬN"], taker, [Line("BÊN GIAO", "B", 13, "center"), Gap(24), Line(giver, "R", 13, "center")])


def phieu_thong_tin(doc) -> None:
    rng = doc.rng
    doc.plan(["email", "ma_so_thue"], ["ma_so_thue"])
    p = person(doc, 1960, 2004)
    _motto(doc)
    doc.blocks += [Line("PHIẾU THÔNG TIN NGƯỜI NỘP THUẾ", "B", 14.5, "center"), Gap(4)]
    tel, printed = phone(rng)
    left = [doc.f("ho_ten", "Họ tên:", p.name, style="B"),
            doc.f("ngay_sinh", "Ngày sinh:", p.birth.isoformat(), V.dmy(p.birth)),
            doc.f("ma_so_thue", "Mã số thuế:", V.tax_code(rng, doc.bad == "ma_so_thue"))]
    right = [doc.f("nghe_nghiep", "Nghề nghiệp:", rng.choice(JOBS)),
             doc.f("so_dien_thoai", "Điện thoại:", tel, printed),
             doc.f("email", "Email:", email(rng, p.name))]
    doc.blocks.append(Cols(left, right, split=0.52))
    b = doc.blocks
    b.append(doc.f("so_dinh_danh", "Số định danh:", p.cccd))
    b.append(doc.f("dia_chi", "Địa chỉ liên hệ:", p.address, para=True, hanging_mm=8))
    b.append(Para("Người khai cam kết thông tin trên là chính xác.", indent_mm=8))
    _place_date(doc, p.province[1], V.date_between(rng, dt.date(2024, 1, 1), TODAY))
    signer(doc, ["NGƯỜI KHAI"], p.name, None)
