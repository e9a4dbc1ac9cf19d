"""Held-out family: document types, label spellings and layouts that no extraction rule was written on.

Scored only (bench, README figures); never read while writing rules. Types: a change-of-residence
declaration with numbered items two to a line, an appointment slip for results, a power of attorney with
lettered items for two parties, meeting minutes with labels inside running text, a personal record form in
two columns, and an official letter (công văn) with its header, `V/v` subject and signer.
"""
from __future__ import annotations

import datetime as dt

from samples import vocab as V
from samples.docbase import TODAY, header, issuer, person, signer
from samples.layout import Cols, Gap, Line, Para, Rule

DOC_TYPES = ("to_khai_thay_doi_cu_tru", "phieu_hen_tra_ket_qua", "giay_uy_quyen", "bien_ban_hop",
             "so_yeu_ly_lich", "cong_van")
JOBS = ["Giáo viên", "Kỹ sư xây dựng", "Nông dân", "Công nhân", "Kế toán", "Lái xe", "Buôn bán", "Bác sĩ"]
MAIL_HOSTS = ["gmail.com", "yahoo.com.vn", "outlook.com"]


def phone(rng) -> tuple[str, str]:
    """(value, printed): '0912345678', '0912 345 678' or '0912.345.678'."""
    d = rng.choice(["09", "03", "08", "07"]) + f"{rng.randint(0, 99999999):08d}"
    sep = rng.choice([" ", ".", ""])
    return d, f"{d[:4]}{sep}{d[4:7]}{sep}{d[7:]}"


def email(rng, name: str) -> str:
    parts = V.nfc(name).split()
    base = "".join(c for c in _ascii(parts[-1] + parts[0]).lower() if c.isalnum())
    return f"{base}{rng.randint(1, 99)}@{rng.choice(MAIL_HOSTS)}"


def _ascii(s: str) -> str:
    import unicodedata

    s = s.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def _motto(doc) -> None:
    doc.blocks += [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 13, "center"),
                   Line("Độc lập - Tự do - Hạnh phúc", "B", 13.5, "center"), Rule(62), Gap(5)]


def to_khai_thay_doi_cu_tru(doc) -> None:
    rng = doc.rng
    doc.plan(["email", "nghe_nghiep", "so_dien_thoai"], ["so_dinh_danh"])
    p = person(doc, 1960, 2004, bad_id=doc.bad == "so_dinh_danh")
    head = person(doc, 1945, 1985)
    _motto(doc)
    doc.blocks += [Line("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "B", 14.5, "center"), Gap(3)]
    unit = rng.choice(p.province[3])
    doc.blocks.append(doc.f("kinh_gui", "Kính gửi:", f"Công an {unit[0].lower()}{unit[1:]}", align="center"))
    b = doc.blocks
    b.append(doc.f("ho_ten", "1. Họ, chữ đệm và tên:", p.name.upper(), style="B"))
    b.append(doc.multi([("ngay_sinh", "2. Ngày, tháng, năm sinh:", p.birth.isoformat(), V.dmy(p.birth)),
                        ("gioi_tinh", "3. Giới tính:", p.sex, p.sex)]))
    b.append(doc.f("so_dinh_danh", "4. Số định danh cá nhân:", p.cccd))
    tel, tel_printed = phone(rng)
    b.append(doc.multi([("so_dien_thoai", "5. Số điện thoại liên hệ:", tel, tel_printed),
                        ("email", "6. Email:", email(rng, p.name), None)]))
    b.append(doc.f("nghe_nghiep", "7. Nghề nghiệp, nơi làm việc:", rng.choice(JOBS)))
    b.append(doc.f("ho_ten_chu_ho", "8. Họ, chữ đệm và tên chủ hộ:", head.name))
    b.append(doc.multi([("quan_he_chu_ho", "9. Mối quan hệ với chủ hộ:", rng.choice(["Con", "Vợ", "Chồng", "Cháu"]),
                         None),
                        ("so_dinh_danh_chu_ho", "10. Số định danh của chủ hộ:", head.cccd, head.cccd)]))
    b.append(doc.f("noi_thuong_tru", "11. Nơi thường trú:", p.address, para=True, hanging_mm=8))
    content = rng.choice(["Đăng ký thường trú vào hộ gia đình của chủ hộ tại địa chỉ nêu trên",
                          "Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú do thay đổi nơi ở"])
    b.append(doc.f("noi_dung_de_nghi", "12. Nội dung đề nghị:", content, para=True, hanging_mm=8))
    b.append(Para("Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước "
                  "pháp luật về lời khai của mình.", indent_mm=8))
    day = V.date_between(rng, dt.date(2024, 1, 1), TODAY)
    doc.fields["ngay_ban_hanh"] = day.isoformat()
    doc.blocks.append(Cols([], [Line(f"{V.unit_short(unit)}, {V.date_line(day)}", "I", 13, "center")], split=0.45))
    signer(doc, ["NGƯỜI KÊ KHAI"], p.name, None)


def phieu_hen_tra_ket_qua(doc) -> None:
    rng = doc.rng
    doc.plan(["so_dien_thoai", "thoi_gian_tra"], ["ma_ho_so"])
    p = person(doc, 1955, 2004)
    day = V.date_between(rng, dt.date(2024, 1, 1), TODAY)
    back = day + dt.timedelta(days=rng.choice([2, 5, 8, 12]))
    code, proc = rng.choice(V.PROCEDURES)
    unit = rng.choice(p.province[3])
    lines = ["ỦY BAN NHÂN DÂN " + unit.upper(), "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"]
    header(doc, lines, "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", None, V.unit_short(unit), day)
    b = doc.blocks
    b += [Line("PHIẾU HẸN TRẢ KẾT QUẢ", "B", 14.5, "center"), Gap(3)]
    b.append(doc.f("ma_ho_so", "Mã số hồ sơ:", V.dossier_code(rng, day, doc.bad == "ma_ho_so"), style="B"))
    b.append(doc.f("ten_thu_tuc", "Tên thủ tục:", proc, para=True, hanging_mm=8))
    b.append(doc.f("ma_tthc", "Mã TTHC:", code))
    b.append(doc.f("ho_ten", "Người nộp hồ sơ:", p.name))
    tel, tel_printed = phone(rng)
    b.append(doc.multi([("so_dinh_danh", "CCCD số:", p.cccd, p.cccd),
                        ("so_dien_thoai", "ĐT:", tel, tel_printed)]))
    b.append(doc.f("dia_chi", "Địa chỉ liên hệ:", p.address, para=True, hanging_mm=8))
    hh, mm = rng.randint(7, 11), rng.randint(0, 59)
    b.append(doc.f("thoi_gian_nhan", "Thời gian nhận:", f"{day.isoformat()}T{hh:02d}:{mm:02d}",
                   f"{hh} giờ {mm:02d} phút ngày {V.dmy(day)}"))
    back_hour = rng.randint(13, 16)
    b.append(doc.f("thoi_gian_tra", "Thời gian hẹn trả:", f"{back.isoformat()}T{back_hour:02d}:30",
                   f"{back_hour} giờ 30 phút, {V.date_line(back)}"))
    b.append(Para("Khi đến nhận kết quả, ông/bà mang theo phiếu này và giấy tờ tùy thân.", "I", 12, indent_mm=8))
    signer(doc, ["CÁN BỘ TIẾP NHẬN"], V.person(rng)[0],
           [Line("NGƯỜI NỘP", "B", 13, "center"), Gap(24), Line(p.name, "R", 13, "center")])


def giay_uy_quyen(doc) -> None:
    rng = doc.rng
    doc.plan(["noi_cap", "ngay_cap"], ["so_dinh_danh"])
    a = person(doc, 1950, 1995, bad_id=doc.bad == "so_dinh_danh")
    c = person(doc, 1960, 2004)
    _motto(doc)
    doc.blocks += [Line("GIẤY ỦY QUYỀN", "B", 14.5, "center"), Gap(3)]
    b = doc.blocks
    for who, tag in ((a, "BÊN ỦY QUYỀN"), (c, "BÊN ĐƯỢC ỦY QUYỀN")):
        b.append(Line(f"{'I' if who is a else 'II'}. {tag}:", "B", 13))
        b.append(doc.f("ho_ten", "a) Họ và tên:", who.name, indent_mm=6))
        b.append(doc.f("ngay_sinh", "b) Sinh ngày:", who.birth.isoformat(), V.dmy(who.birth), indent_mm=6))
        b.append(doc.f("so_dinh_danh", "c) Số CCCD:", who.cccd, indent_mm=6))
        issued = who.birth.replace(year=max(who.birth.year + 20, 2021)) + dt.timedelta(days=rng.randint(0, 300))
        issued = min(issued, TODAY)
        b.append(doc.multi([("ngay_cap", "Ngày cấp:", issued.isoformat(), V.dmy(issued)),
                            ("noi_cap", "Nơi cấp:", "Bộ Công an", "Bộ Công an")], indent_mm=6))
        b.append(doc.f("noi_cu_tru", "d) Nơi cư trú:", who.address, para=True, indent_mm=6, hanging_mm=12))
    b.append(Line("III. NỘI DUNG ỦY QUYỀN:", "B", 13))
    b.append(Para(f"Bên được ủy quyền thay mặt bên ủy quyền nộp hồ sơ và nhận kết quả thủ tục "
                  f"{rng.choice(V.PROCEDURES)[1].lower()}.", indent_mm=8))
    until = TODAY + dt.timedelta(days=rng.randint(30, 300))
    b.append(doc.f("thoi_han_uy_quyen", "Thời hạn ủy quyền: đến hết", until.isoformat(), V.dmy(until)))
    signer(doc, ["BÊN ỦY QUYỀN"], a.name,
           [Line("BÊN ĐƯỢC ỦY QUYỀN", "B", 13, "center"), Gap(24), Line(c.name, "R", 13, "center")])


def bien_ban_hop(doc) -> None:
    rng = doc.rng
    doc.plan(["thu_ky"], [])
    p = person(doc)
    lines, body, place = issuer(doc, p.province)
    day = V.date_between(rng, dt.date(2024, 1, 1), TODAY)
    header(doc, lines, body, f"{rng.randint(1, 90)}/BB-UBND", place, day)
    b = doc.blocks
    b += [Line("BIÊN BẢN", "B", 14.5, "center"),
          Line("Họp rà soát thủ tục hành chính quý " + rng.choice(["I", "II", "III"]), "B", 13, "center"), Gap(3)]
    doc.fields["trich_yeu"] = b[-2].text
    b.append(doc.f("thoi_gian", "1. Thời gian:", f"{day.isoformat()}T08:00", f"08 giờ 00 phút, {V.date_line(day)}"))
    b.append(doc.f("dia_diem", "2. Địa điểm:", f"Hội trường {body.title().replace('Ủy Ban Nhân Dân', 'Ủy ban nhân dân')}",
                   para=True, hanging_mm=8))
    chair, sec = V.person(rng)[0], V.person(rng)[0]
    b.append(doc.multi([("chu_tri", "3. Chủ trì:", chair, chair), ("thu_ky", "Thư ký:", sec, sec)]))
    b.append(doc.f("thanh_phan", "4. Thành phần tham dự:", "Lãnh đạo Ủy ban nhân dân, công chức Văn phòng - Thống kê, "
                   "công chức Tư pháp - Hộ tịch và đại diện Bộ phận một cửa", para=True, hanging_mm=8))
    b.append(Line("5. Nội dung:", "B", 13))
    b.append(Para("Sau khi nghe báo cáo, các thành viên thống nhất đề nghị: Văn phòng tiếp tục rà soát, cắt giảm "
                  "thành phần hồ sơ và thời gian giải quyết của các thủ tục có tỷ lệ trễ hạn cao.", indent_mm=8))
    b.append(Para("Kết luận: cuộc họp kết thúc lúc 10 giờ 30 phút cùng ngày; biên bản được thông qua.", indent_mm=8))
    signer(doc, ["CHỦ TRÌ"], chair, [Line("THƯ KÝ", "B", 13, "center"), Gap(24), Line(sec, "R", 13, "center")])
    doc.fields["nguoi_ky"] = chair


def so_yeu_ly_lich(doc) -> None:
    rng = doc.rng
    doc.plan(["email", "trinh_do"], ["so_dinh_danh"])
    p = person(doc, 1965, 2003, bad_id=doc.bad == "so_dinh_danh")
    _motto(doc)
    doc.blocks += [Line("SƠ YẾU LÝ LỊCH", "B", 14.5, "center"), Gap(4)]
    tel, tel_printed = phone(rng)
    left = [doc.f("ho_ten", "Họ và tên:", p.name, style="B"),
            doc.f("ngay_sinh", "Sinh ngày:", p.birth.isoformat(), V.dmy(p.birth)),
            doc.f("dan_toc", "Dân tộc:", p.ethnic),
            doc.f("so_dien_thoai", "Di động:", tel, tel_printed)]
    right = [doc.f("gioi_tinh", "Giới tính:", p.sex),
             doc.f("ton_giao", "Tôn giáo:", rng.choice(["Không", "Phật giáo", "Công giáo"])),
             doc.f("trinh_do", "Trình độ văn hóa:", rng.choice(["12/12", "9/12", "Đại học"])),
             doc.f("email", "E-mail:", email(rng, p.name))]
    doc.blocks.append(Cols(left, right, split=0.55))
    b = doc.blocks
    b.append(doc.f("so_dinh_danh", "Số CCCD:", p.cccd))
    b.append(doc.f("que_quan", "Quê quán:", V.address(rng, with_street=False).split(", ", 1)[1], para=True,
                   hanging_mm=8))
    b.append(doc.f("noi_thuong_tru", "Hộ khẩu thường trú:", p.address, para=True, hanging_mm=8))
    b.append(doc.f("nghe_nghiep", "Nghề nghiệp hiện nay:", rng.choice(JOBS)))
    b.append(Line("QUAN HỆ GIA ĐÌNH", "B", 13, "center"))
    father = V.person(rng, "Nam")[0]
    b.append(doc.multi([("ho_ten_cha", "Họ tên cha:", father, father),
                        ("nam_sinh_cha", "Năm sinh:", str(p.birth.year - rng.randint(22, 40)), None)]))
    b.append(Para("Tôi xin cam đoan bản khai sơ yếu lý lịch trên đúng sự thật, nếu có điều gì không đúng "
                  "tôi xin chịu trách nhiệm trước pháp luật.", indent_mm=8))
    day = V.date_between(rng, dt.date(2024, 1, 1), TODAY)
    doc.fields["ngay_ban_hanh"] = day.isoformat()
    doc.blocks.append(Cols([], [Line(f"{p.province[1]}, {V.date_line(day)}", "I", 13, "center")], split=0.45))
    signer(doc, ["NGƯỜI KHAI"], p.name, None)


def cong_van(doc) -> None:
    rng = doc.rng
    doc.plan([], [])
    p = person(doc)
    lines, body, place = issuer(doc, p.province)
    day = V.date_between(rng, dt.date(2024, 6, 1), TODAY)
    so = f"{rng.randint(10, 2999)}/UBND-{rng.choice(['VP', 'TP', 'KT'])}"
    header(doc, lines, body, so, place, day)
    about = rng.choice(["triển khai kế hoạch chuyển đổi số năm 2025", "rà soát hồ sơ tồn đọng quá hạn",
                        "tăng cường tiếp nhận hồ sơ trực tuyến toàn trình"])
    # the subject line sits under the number, in the left column (Decree 30/2020)
    hdr = doc.blocks[-2]
    hdr.left.append(Line(f"V/v {about}", "R", 12, "center", field="trich_yeu"))
    doc.fields["trich_yeu"] = about
    b = doc.blocks
    unit = rng.choice(p.province[3])
    b.append(doc.f("kinh_gui", "Kính gửi:", f"Công an {unit[0].lower()}{unit[1:]}", align="center"))
    b.append(Gap(2))
    b.append(Para(f"Thực hiện chỉ đạo của Ủy ban nhân dân {p.province[0][0].lower()}{p.province[0][1:]} ngày "
                  f"{V.dmy(day - dt.timedelta(days=rng.randint(5, 40)))}, {body.title().replace('Ủy Ban Nhân Dân', 'Ủy ban nhân dân')} "
                  f"đề nghị các đơn vị {about} và báo cáo kết quả trước ngày {V.dmy(day + dt.timedelta(days=20))}.",
                  indent_mm=10))
    b.append(Para("Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ Văn phòng để được hướng dẫn./.",
                  indent_mm=10))
    roles = rng.choice([["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]])
    doc.fields["quyen_han_ky"] = roles[0]
    doc.fields["chuc_vu_nguoi_ky"] = roles[1]
    signer(doc, roles, V.person(rng)[0],
           [Line("Nơi nhận:", "BI", 12), Line("- Như trên;", "R", 11), Line("- Lưu: VT.", "R", 11)])
