"""One template per document type: the printed labels of the real forms (DOMAIN.md §4) filled
with invented values. A template returns layout blocks plus the ground-truth fields.

Field values are normalised: dates ISO, identifiers without spaces, names and free text as printed.
`flaw="missing"` leaves one field's label without a value; `flaw="invalid"` prints an identifier
that breaks its rule (CCCD year digits, tax-code check digit, dossier-code date).
"""
from __future__ import annotations

import datetime as dt
import random
import unicodedata

from samples import vocab as V
from samples.docbase import TODAY, Doc, header, issuer, nationality_line, noi_nhan, person, signer, title
from samples.layout import Cols, Frame, Gap, Line, Para, Photo, Rule

DOC_TYPES = ("giay_khai_sinh", "xac_nhan_hon_nhan", "gcn_qsdd", "dang_ky_doanh_nghiep",
             "giay_phep_xay_dung", "quyet_dinh", "don_de_nghi", "giay_tiep_nhan", "cccd")
# ---- document types -----------------------------------------------------------------------

def giay_khai_sinh(doc: Doc) -> None:
    rng = doc.rng
    doc.plan(["que_quan", "noi_sinh", "ho_ten_cha"], ["so_dinh_danh"])
    child = person(doc, 2016, 2024, bad_id=doc.bad == "so_dinh_danh")
    issued = child.birth + dt.timedelta(days=rng.randint(5, 55))
    lines, body, place = issuer(doc, child.province)
    header(doc, lines, body, f"{rng.randint(1, 480)}", place, issued)
    doc.blocks.append(Line(f"Quyển số: {rng.randint(1, 3):02d}/{issued.year}", "R", 12, "left"))
    title(doc, "GIẤY KHAI SINH")
    mother, _ = V.person(rng, "Nữ")
    father = V.person(rng, "Nam")[0]
    father = child.name.split()[0] + " " + father.split(" ", 1)[1]  # the child bears the father's family name
    b = doc.blocks
    b.append(doc.f("ho_ten", "Họ, chữ đệm, tên:", child.name.upper(), style="B"))
    b.append(doc.f("ngay_sinh", "Ngày, tháng, năm sinh:", child.birth.isoformat(), V.dmy(child.birth)))
    b.append(Para(f"ghi bằng chữ: {V.date_words(child.birth)}", "I", 12.5, indent_mm=8, hanging_mm=8))
    b.append(nationality_line(doc, child))
    commune = child.province[3][0]
    b.append(doc.f("noi_sinh", "Nơi sinh:", f"Trạm Y tế {commune[0].lower()}{commune[1:]}, "
                   f"{child.province[0][0].lower()}{child.province[0][1:]}", para=True, hanging_mm=10))
    b.append(doc.f("que_quan", "Quê quán:", V.address(rng, with_street=False).split(", ", 1)[1], para=True))
    b.append(doc.f("so_dinh_danh", "Số định danh cá nhân:", child.cccd))
    b.append(Gap(2))
    b.append(doc.f("ho_ten_me", "Họ, chữ đệm, tên người mẹ:", mother.upper(), style="B"))
    b.append(Line(f"Năm sinh: {child.birth.year - rng.randint(20, 38)}     Dân tộc: {child.ethnic}     "
                  "Quốc tịch: Việt Nam"))
    b.append(doc.f("noi_cu_tru", "Nơi cư trú:", child.address, para=True, hanging_mm=10))
    b.append(doc.f("ho_ten_cha", "Họ, chữ đệm, tên người cha:", father.upper(), style="B"))
    b.append(Line(f"Năm sinh: {child.birth.year - rng.randint(22, 42)}     Dân tộc: {child.ethnic}     "
                  "Quốc tịch: Việt Nam"))
    b.append(Para(f"Nơi cư trú: {child.address}", hanging_mm=10))
    b.append(Para(f"Nơi đăng ký khai sinh: Ủy ban nhân dân {lines[1].title().replace('Xã', 'xã').replace('Phường', 'phường')}, "
                  f"{child.province[0][0].lower()}{child.province[0][1:]}", hanging_mm=10))
    signer(doc, ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], V.person(rng)[0],
           [Line("NGƯỜI THỰC HIỆN", "B", 12, "center"), Gap(20), Line(V.person(rng)[0], "R", 12, "center")])


def xac_nhan_hon_nhan(doc: Doc) -> None:
    rng = doc.rng
    doc.plan(["noi_cu_tru", "muc_dich", "ngay_sinh"], ["so_dinh_danh"])
    p = person(doc, 1960, 2004, bad_id=doc.bad == "so_dinh_danh")
    issued = V.date_between(rng, dt.date(2023, 1, 1), TODAY)
    lines, body, place = issuer(doc, p.province)
    header(doc, lines, body, f"{rng.randint(1, 300)}/XNTTHN", place, issued)
    title(doc, "GIẤY XÁC NHẬN", "TÌNH TRẠNG HÔN NHÂN")
    b = doc.blocks
    b.append(Para(f"{body.title().replace('Ủy Ban Nhân Dân', 'Ủy ban nhân dân')} xác nhận:", indent_mm=10))
    b.append(doc.f("ho_ten", "Họ, chữ đệm, tên:", p.name, style="B"))
    b.append(doc.f("ngay_sinh", "Ngày, tháng, năm sinh:", p.birth.isoformat(), V.dmy(p.birth)))
    b.append(nationality_line(doc, p))
    b.append(doc.f("so_dinh_danh", "Giấy tờ tùy thân: Căn cước công dân số", p.cccd))
    b.append(doc.f("noi_cu_tru", "Nơi cư trú:", p.address, para=True, hanging_mm=10))
    since = V.date_between(rng, dt.date(2012, 1, 1), dt.date(2021, 12, 28))
    b.append(Para(f"Trong thời gian cư trú tại địa phương từ ngày {V.dmy(since)} đến ngày {V.dmy(issued)}.",
                  indent_mm=10))
    status = rng.choice(["Chưa đăng ký kết hôn với ai.", "Đã đăng ký kết hôn, nhưng đã ly hôn theo Bản án "
                         f"số {rng.randint(10, 300)}/{since.year}/HNGĐ-ST.", "Hiện tại không đăng ký kết hôn với ai."])
    b.append(doc.f("tinh_trang_hon_nhan", "Tình trạng hôn nhân:", status, para=True, hanging_mm=10))
    purpose = rng.choice(["Làm thủ tục đăng ký kết hôn.", "Bổ sung hồ sơ vay vốn tại ngân hàng.",
                          "Làm thủ tục mua bán nhà ở.", "Bổ sung hồ sơ xin việc làm."])
    b.append(doc.f("muc_dich", "Giấy này được cấp để:", purpose, para=True, hanging_mm=10))
    b.append(Para("Giấy này có giá trị sử dụng trong thời hạn 6 tháng, kể từ ngày cấp.", "I", indent_mm=10))
    signer(doc, ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], V.person(rng)[0], noi_nhan("Người yêu cầu"))


def gcn_qsdd(doc: Doc) -> None:
    rng = doc.rng
    doc.plan(["thoi_han_su_dung", "so_vao_so", "dien_tich"], ["so_dinh_danh"])
    p = person(doc, 1950, 1995, bad_id=doc.bad == "so_dinh_danh")
    issued = V.date_between(rng, dt.date(2018, 1, 1), TODAY)
    lines, body, place = issuer(doc, p.province, "VĂN PHÒNG ĐĂNG KÝ ĐẤT ĐAI")
    header(doc, lines, body, None, place, issued)
    title(doc, "GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT")
    b = doc.blocks
    b.append(Line("I. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất", "B"))
    honor = "Ông" if p.sex == "Nam" else "Bà"
    b.append(doc.f("ho_ten", f"{honor}:", p.name, style="B"))
    b.append(Line(f"Năm sinh: {p.birth.year}"))
    b.append(doc.f("so_dinh_danh", "Số định danh cá nhân:", p.cccd))
    b.append(doc.f("noi_cu_tru", "Địa chỉ thường trú:", p.address, para=True, hanging_mm=10))
    b.append(Line("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", "B"))
    thua, to = str(rng.randint(12, 980)), str(rng.randint(1, 64))
    b.append(doc.multi([("thua_dat_so", "a) Thửa đất số:", thua, thua), ("to_ban_do_so", "Tờ bản đồ số:", to, to)]))
    b.append(doc.f("dia_chi", "b) Địa chỉ:", V.address(rng, p.province), para=True, hanging_mm=10))
    area = rng.randint(450, 4800) / 10
    b.append(doc.f("dien_tich", "c) Diện tích:", f"{area:.1f}", f"{area:.1f}".replace(".", ",") + " m²"))
    b.append(Line("d) Hình thức sử dụng: Sử dụng riêng"))
    use = rng.choice(["Đất ở tại nông thôn", "Đất ở tại đô thị", "Đất trồng cây lâu năm", "Đất trồng lúa"])
    b.append(doc.f("muc_dich_su_dung", "đ) Mục đích sử dụng:", use))
    if use.startswith("Đất ở"):
        term, printed = "Lâu dài", "Lâu dài"
    else:
        end = dt.date(issued.year + 50, issued.month, min(issued.day, 28))
        term, printed = end.isoformat(), f"Đến ngày {V.dmy(end)}"
    b.append(doc.f("thoi_han_su_dung", "e) Thời hạn sử dụng:", term, printed))
    b.append(Para("g) Nguồn gốc sử dụng: Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
                  hanging_mm=10))
    so = f"{rng.choice(['CS', 'CH', 'CT'])} {rng.randint(1000, 99999):05d}"
    signer(doc, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], V.person(rng)[0],
           [Gap(30), doc.f("so_vao_so", "Số vào sổ cấp GCN:", so.replace(" ", ""), so, size=12)])


COMPANIES = ["THƯƠNG MẠI DỊCH VỤ HOÀNG LONG", "XÂY DỰNG MINH PHÁT", "NÔNG SẢN SÔNG HỒNG",
             "CÔNG NGHỆ SAO VIỆT", "VẬN TẢI BẮC NAM", "THỰC PHẨM AN KHANG", "DU LỊCH BIỂN XANH",
             "IN ẤN PHÚ THỊNH", "CƠ KHÍ ĐỨC THÀNH", "GIÁO DỤC TRÍ ĐỨC"]
CAPITAL = {500_000_000: "Năm trăm triệu đồng", 1_000_000_000: "Một tỷ đồng", 1_500_000_000:
           "Một tỷ năm trăm triệu đồng", 2_000_000_000: "Hai tỷ đồng", 5_000_000_000: "Năm tỷ đồng",
           10_000_000_000: "Mười tỷ đồng"}


def _ascii(s: str) -> str:
    s = s.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def dang_ky_doanh_nghiep(doc: Doc) -> None:
    rng = doc.rng
    doc.plan(["von_dieu_le", "dia_chi_tru_so", "ngay_dang_ky_lan_dau"], ["ma_so_doanh_nghiep", "so_dinh_danh"])
    p = person(doc, 1965, 1998, bad_id=doc.bad == "so_dinh_danh")
    first = V.date_between(rng, dt.date(2012, 1, 1), dt.date(2023, 12, 28))
    issued = V.date_between(rng, first, TODAY)
    lines, body, place = issuer(doc, p.province, rng.choice(["SỞ TÀI CHÍNH", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"]))
    header(doc, lines, body, None, place, issued)
    kind, short = rng.choice([("CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN", "TNHH"), ("CÔNG TY CỔ PHẦN", "CỔ PHẦN")])
    title(doc, "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", kind)
    b = doc.blocks
    b.append(doc.f("ma_so_doanh_nghiep", "Mã số doanh nghiệp:", V.tax_code(rng, doc.bad == "ma_so_doanh_nghiep"),
                   style="B", align="center"))
    b.append(doc.f("ngay_dang_ky_lan_dau", "Đăng ký lần đầu:", first.isoformat(), V.date_line(first), align="center"))
    b.append(Line(f"Đăng ký thay đổi lần thứ: {rng.randint(1, 4)}, {V.date_line(issued)}", align="center"))
    b.append(Gap(2))
    name = f"CÔNG TY {short} {rng.choice(COMPANIES)}"
    b.append(Line("1. Tên công ty", "B"))
    b.append(doc.f("ten_doanh_nghiep", "Tên công ty viết bằng tiếng Việt:", name, para=True, hanging_mm=10))
    b.append(Para(f"Tên công ty viết tắt: {_ascii(name.split(' ', 2)[2]).upper()} CO., LTD", hanging_mm=10))
    b.append(Line("2. Địa chỉ trụ sở chính", "B"))
    b.append(doc.f("dia_chi_tru_so", "", V.address(rng, p.province, with_street=True), para=True))
    b.append(Line(f"Điện thoại: 0{rng.randint(20, 29)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"))
    cap = rng.choice(sorted(CAPITAL))
    b.append(Line("3. Vốn điều lệ", "B"))
    b.append(doc.f("von_dieu_le", "Vốn điều lệ:", str(cap), f"{V.thousands(cap)} đồng"))
    b.append(Line(f"Bằng chữ: {CAPITAL[cap]}", "I"))
    b.append(Line("4. Người đại diện theo pháp luật của công ty", "B"))
    b.append(Line(f"Chức danh: {rng.choice(['Giám đốc', 'Tổng giám đốc', 'Chủ tịch công ty'])}"))
    b.append(doc.multi([("nguoi_dai_dien", "Họ và tên:", p.name.upper(), p.name.upper())]
                       + [("gioi_tinh", "Giới tính:", p.sex, p.sex)]))
    b.append(Line(f"Sinh ngày: {V.dmy(p.birth)}     Dân tộc: {p.ethnic}     Quốc tịch: Việt Nam"))
    b.append(doc.f("so_dinh_danh", "Số định danh cá nhân:", p.cccd))
    b.append(Para(f"Địa chỉ liên lạc: {p.address}", hanging_mm=10))
    signer(doc, ["TRƯỞNG PHÒNG"], V.person(rng)[0])


def giay_phep_xay_dung(doc: Doc) -> None:
    rng = doc.rng
    doc.plan(["so_tang", "vi_tri_xay_dung", "dien_tich"], ["so_dinh_danh"])
    p = person(doc, 1955, 1998, bad_id=doc.bad == "so_dinh_danh")
    issued = V.date_between(rng, dt.date(2023, 6, 1), TODAY)
    lines, body, place = issuer(doc, p.province)
    header(doc, lines, body, f"{rng.randint(1, 200)}/GPXD", place, issued)
    title(doc, "GIẤY PHÉP XÂY DỰNG", "(Sử dụng cho nhà ở riêng lẻ)")
    b = doc.blocks
    honor = "Ông" if p.sex == "Nam" else "Bà"
    b.append(doc.f("cap_cho", f"1. Cấp cho: {honor}", p.name, style="B"))
    b.append(doc.f("so_dinh_danh", "Số định danh cá nhân:", p.cccd))
    b.append(doc.f("dia_chi", "Địa chỉ:", p.address, para=True, hanging_mm=10))
    b.append(Line("2. Được phép xây dựng công trình: Nhà ở riêng lẻ"))
    thua, to = str(rng.randint(12, 980)), str(rng.randint(1, 64))
    site = V.address(rng, p.province)
    b.append(doc.multi([("thua_dat_so", "- Lô đất: thửa đất số", thua, thua),
                        ("to_ban_do_so", "tờ bản đồ số", to, to)], sep=", ", indent_mm=5))
    b.append(doc.f("vi_tri_xay_dung", "- Vị trí xây dựng:", site, para=True, indent_mm=5, hanging_mm=10))
    floors = rng.randint(1, 5)
    area = rng.randint(450, 1600) / 10
    b.append(Line(f"- Cốt nền xây dựng công trình: +0,{rng.randint(20, 75)} m", indent_mm=5))
    b.append(Line(f"- Mật độ xây dựng: {rng.randint(60, 95)}%", indent_mm=5))
    b.append(doc.f("dien_tich", "- Diện tích xây dựng tầng 1:", f"{area:.1f}",
                   f"{area:.1f}".replace(".", ",") + " m²", indent_mm=5))
    b.append(Line(f"- Tổng diện tích sàn: {area * floors:.1f} m²".replace(".", ","), indent_mm=5))
    b.append(Line(f"- Chiều cao công trình: {3.6 * floors + 1.2:.1f} m".replace(".", ","), indent_mm=5))
    b.append(doc.f("so_tang", "- Số tầng:", str(floors), f"{floors} tầng", indent_mm=5))
    b.append(Para(f"3. Giấy tờ về quyền sử dụng đất: Giấy chứng nhận số vào sổ CS {rng.randint(1000, 99999):05d}.",
                  hanging_mm=10))
    b.append(Para("4. Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng kể từ ngày cấp; quá "
                  "thời hạn trên thì phải đề nghị gia hạn giấy phép xây dựng.", hanging_mm=10))
    signer(doc, ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], V.person(rng)[0], noi_nhan("Chủ đầu tư"))


def quyet_dinh(doc: Doc) -> None:
    rng = doc.rng
    doc.plan(["noi_cu_tru", "ho_ten"], ["so_dinh_danh"])
    p = person(doc, 1950, 2000, bad_id=doc.bad == "so_dinh_danh")
    issued = V.date_between(rng, dt.date(2024, 1, 1), TODAY)
    lines, body, place = issuer(doc, p.province)
    header(doc, lines, body, f"{rng.randint(1, 999)}/QĐ-UBND", place, issued)
    honor = "ông" if p.sex == "Nam" else "bà"
    about = rng.choice([f"hỗ trợ kinh phí sửa chữa nhà ở cho hộ gia đình {honor} {p.name}",
                        f"công nhận hộ gia đình {honor} {p.name} thoát nghèo năm {issued.year}",
                        f"giao đất ở có thu tiền sử dụng đất cho {honor} {p.name}",
                        f"xử phạt vi phạm hành chính đối với {honor} {p.name}"])
    doc.fields["ve_viec"] = about
    b = doc.blocks
    b.append(Line("QUYẾT ĐỊNH", "B", 14.5, "center"))
    b.append(Para(f"Về việc {about}", "B", 13, "center", field="ve_viec"))
    b.append(Line(f"CHỦ TỊCH {body}", "B", 13, "center"))
    b.append(Gap(3))
    for basis in ["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
                  rng.choice(["Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
                              "Căn cứ Luật Xử lý vi phạm hành chính ngày 20 tháng 6 năm 2012;",
                              "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;"]),
                  f"Xét đề nghị của công chức Văn phòng - Thống kê tại Tờ trình số {rng.randint(5, 150)}/TTr-VP "
                  f"ngày {V.dmy(issued - dt.timedelta(days=rng.randint(2, 20)))}."]:
        b.append(Para(basis, "I", 13, indent_mm=10))
    b.append(Line("QUYẾT ĐỊNH:", "B", 13.5, "center"))
    b.append(Para(f"Điều 1. {about[0].upper()}{about[1:]}, cụ thể như sau:", indent_mm=10))
    b.append(doc.f("ho_ten", "- Họ, chữ đệm, tên:", p.name, indent_mm=10))
    b.append(doc.f("ngay_sinh", "- Ngày, tháng, năm sinh:", p.birth.isoformat(), V.dmy(p.birth), indent_mm=10))
    b.append(doc.f("so_dinh_danh", "- Số định danh cá nhân:", p.cccd, indent_mm=10))
    b.append(doc.f("noi_cu_tru", "- Nơi cư trú:", p.address, para=True, indent_mm=10, hanging_mm=14))
    b.append(Para("Điều 2. Quyết định này có hiệu lực kể từ ngày ký.", indent_mm=10))
    b.append(Para(f"Điều 3. Chánh Văn phòng, công chức chuyên môn và {honor} {p.name} chịu trách nhiệm "
                  "thi hành Quyết định này./.", indent_mm=10))
    signer(doc, ["CHỦ TỊCH"], V.person(rng)[0], noi_nhan("Như Điều 3"))


def don_de_nghi(doc: Doc) -> None:
    rng = doc.rng
    doc.plan(["so_dinh_danh", "noi_cu_tru", "ngay_sinh"], ["so_dinh_danh"])
    p = person(doc, 1955, 2004, bad_id=doc.bad == "so_dinh_danh")
    day = V.date_between(rng, dt.date(2024, 1, 1), TODAY)
    unit = rng.choice(p.province[3])
    doc.blocks += [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 13, "center"),
                   Line("Độc lập - Tự do - Hạnh phúc", "B", 13.5, "center"), Rule(62), Gap(6)]
    form, purpose = rng.choice([("TỜ KHAI", "Cấp Giấy xác nhận tình trạng hôn nhân"),
                                ("ĐƠN ĐỀ NGHỊ", "Cấp bản sao trích lục khai sinh"),
                                ("TỜ KHAI", "Đăng ký thường trú"),
                                ("ĐƠN ĐỀ NGHỊ", "Chứng thực bản sao từ bản chính")])
    title(doc, form, purpose.upper())
    b = doc.blocks
    b.append(Line(f"Kính gửi: Ủy ban nhân dân {unit[0].lower()}{unit[1:]}", "R", 13, "center"))
    b.append(Gap(3))
    b.append(doc.f("ho_ten", "Họ, chữ đệm, tên người yêu cầu:", p.name, style="B"))
    b.append(doc.f("ngay_sinh", "Ngày, tháng, năm sinh:", p.birth.isoformat(), V.dmy(p.birth)))
    b.append(nationality_line(doc, p))
    b.append(doc.f("so_dinh_danh", "Số định danh cá nhân:", p.cccd))
    b.append(doc.f("noi_cu_tru", "Nơi cư trú:", p.address, para=True, hanging_mm=10))
    b.append(Line(f"Số điện thoại liên hệ: 09{rng.randint(0, 99999999):08d}"))
    b.append(doc.f("muc_dich", "Đề nghị:", purpose, para=True, hanging_mm=10))
    b.append(Para(rng.choice(["Lý do: bổ sung hồ sơ theo yêu cầu của cơ quan có thẩm quyền.",
                              "Lý do: chuyển đến nơi ở mới hợp pháp.", "Lý do: bản chính bị thất lạc."]),
                  indent_mm=10))
    b.append(Para("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật "
                  "về cam đoan của mình.", indent_mm=10))
    doc.fields["ngay_ban_hanh"] = day.isoformat()
    doc.blocks.append(Cols([], [Line(f"{V.unit_short(unit)}, {V.date_line(day)}", "I", 13, "center",
                                     field="ngay_ban_hanh")], split=0.45))
    signer(doc, ["NGƯỜI YÊU CẦU"], p.name, None)
    doc.blocks[-1].right.insert(1, Line("(Ký, ghi rõ họ, chữ đệm, tên)", "I", 12, "center"))


def giay_tiep_nhan(doc: Doc) -> None:
    rng = doc.rng
    doc.plan(["ngay_hen_tra", "ma_tthc", "dia_chi"], ["ma_ho_so", "so_dinh_danh"])
    p = person(doc, 1955, 2004, bad_id=doc.bad == "so_dinh_danh")
    day = V.date_between(rng, dt.date(2024, 1, 1), TODAY)
    back = day + dt.timedelta(days=rng.choice([3, 5, 7, 10, 15]))
    code, proc = rng.choice(V.PROCEDURES)
    unit = rng.choice(p.province[3])
    lines = ["ỦY BAN NHÂN DÂN " + unit.upper(), "BỘ PHẬN MỘT CỬA"]
    header(doc, lines, "BỘ PHẬN MỘT CỬA", f"{rng.randint(1, 9999):04d}/TNHS", V.unit_short(unit), day)
    title(doc, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    b = doc.blocks
    b.append(doc.f("ma_ho_so", "Mã hồ sơ:", V.dossier_code(rng, day, doc.bad == "ma_ho_so"), style="B", align="center"))
    b.append(Line("(Liên: Lưu tại Bộ phận tiếp nhận và trả kết quả)", "I", 12, "center"))
    b.append(Gap(2))
    b.append(Para(f"Bộ phận tiếp nhận và trả kết quả Ủy ban nhân dân {unit[0].lower()}{unit[1:]} tiếp nhận hồ sơ của:",
                  indent_mm=10))
    b.append(doc.f("ho_ten", "Ông/Bà:", p.name, style="B"))
    b.append(doc.f("so_dinh_danh", "Số định danh cá nhân:", p.cccd))
    b.append(doc.f("dia_chi", "Địa chỉ:", p.address, para=True, hanging_mm=10))
    b.append(Para(f"Nội dung yêu cầu giải quyết: {proc}", hanging_mm=10))
    b.append(doc.f("ma_tthc", "Mã thủ tục hành chính:", code))
    b.append(Line("1. Thành phần hồ sơ nộp gồm:"))
    for item in rng.sample(["Tờ khai theo mẫu (bản chính)", "Bản sao Căn cước công dân",
                            "Giấy tờ chứng minh nơi cư trú (bản sao)", "Giấy ủy quyền (nếu có)"], 2):
        b.append(Line(f"- {item};", indent_mm=5))
    b.append(Line("2. Số lượng hồ sơ: 01 (bộ)"))
    b.append(Line(f"3. Thời gian nhận hồ sơ: {rng.randint(7, 11):02d} giờ {rng.randint(0, 59):02d} phút, "
                  f"ngày {V.dmy(day)}"))
    back_hour = rng.randint(13, 16)
    b.append(doc.f("ngay_hen_tra", "4. Thời gian trả kết quả:", f"{back.isoformat()}T{back_hour:02d}:00",
                   f"{back_hour:02d} giờ 00 phút, ngày {V.dmy(back)}"))
    b.append(Line("5. Nhận kết quả tại: Bộ phận một cửa"))
    officer = V.person(rng)[0]
    signer(doc, ["NGƯỜI TIẾP NHẬN HỒ SƠ"], officer,
           [Line("NGƯỜI NỘP HỒ SƠ", "B", 13, "center"), Gap(24), Line(p.name, "R", 13, "center")])


def cccd(doc: Doc) -> None:
    rng = doc.rng
    doc.plan(["que_quan", "co_gia_tri_den"], ["so_dinh_danh"])
    p = person(doc, 1967, 2009, bad_id=doc.bad == "so_dinh_danh")
    issued = V.date_between(rng, max(p.birth + dt.timedelta(days=14 * 366), dt.date(2021, 1, 1)), TODAY)
    age = issued.year - p.birth.year
    milestone = next((m for m in (25, 40, 60) if m > age + 1), None)
    expiry = dt.date(p.birth.year + milestone, p.birth.month, min(p.birth.day, 28)) if milestone else None
    home = V.address(rng, with_street=False).split(", ", 1)[1]
    f = doc.f
    fields = [f("so_dinh_danh", "Số / No.:", p.cccd, size=12, style="B"),
              Line("Họ và tên / Full name:", "R", 10.5),
              f("ho_ten", "", p.name.upper(), size=12.5, style="B"),
              f("ngay_sinh", "Ngày sinh / Date of birth:", p.birth.isoformat(), V.dmy(p.birth), size=10.5),
              doc.multi([("gioi_tinh", "Giới tính / Sex:", p.sex, p.sex),
                         ("quoc_tich", "Quốc tịch / Nationality:", "Việt Nam", "Việt Nam")], sep="   ", size=10.5),
              Line("Quê quán / Place of origin:", "R", 10.5),
              f("que_quan", "", home, para=True, size=10.5),
              Line("Nơi thường trú / Place of residence:", "R", 10.5),
              f("noi_cu_tru", "", p.address, para=True, size=10.5)]
    for blk in fields:  # values on their own line carry no label: drop the leading space
        blk.text = blk.text.strip()
    exp_value = expiry.isoformat() if expiry else "Không thời hạn"
    card = Frame(140, 92, [
        Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B", 10.5, "center"),
        Line("Độc lập - Tự do - Hạnh phúc", "B", 10.5, "center"),
        Line("SOCIALIST REPUBLIC OF VIET NAM", "R", 8.5, "center"),
        Line("Independence - Freedom - Happiness", "R", 8.5, "center"),
        Line("CĂN CƯỚC CÔNG DÂN", "B", 13, "center"),
        Line("Citizen Identity Card", "I", 9, "center"),
        Cols([Gap(2), Photo(28, 36)], fields, split=0.27, gutter_mm=2),
        f("co_gia_tri_den", "Có giá trị đến / Date of expiry:", exp_value,
          V.dmy(expiry) if expiry else "Không thời hạn", size=9.5),
    ], pad_mm=3.5)
    doc.blocks += [Gap(8), card]


TEMPLATES = {name: globals()[name] for name in DOC_TYPES}


def build(doc_type: str, rng: random.Random, flaw: str | None = None) -> Doc:
    if doc_type not in TEMPLATES:
        raise ValueError(f"unknown document type {doc_type!r}; known: {', '.join(DOC_TYPES)}")
    doc = Doc(rng, flaw)
    TEMPLATES[doc_type](doc)
    return doc
