"""The shared label lexicon: the spellings forms print for the same thing, each under one canonical field name
(the names the profiles use) with the type its values have. A label not listed keeps its own name (snake_case).

Matching is on folded keys ('Số điện thoại:' -> 'so dien thoai'), exact or nearly so (OCR noise).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from digitize.stages.extract.lines import key_tokens

# canonical name -> (type, spellings). Types are those of digitize/profiles (plus phone, email).
LEXICON: dict[str, tuple[str, tuple[str, ...]]] = {
    "ho_ten": ("name", ("Họ và tên", "Họ, chữ đệm, tên", "Họ, chữ đệm và tên", "Họ tên", "Tôi tên là",
                        "Tên tôi là", "Ông/Bà", "Ông / Bà", "Ông (bà)", "Bà (ông)", "Ông", "Bà", "Người nộp hồ sơ", "Người nộp",
                        "Họ, chữ đệm, tên người yêu cầu", "Người yêu cầu", "Người đề nghị", "Người khai",
                        "Họ và tên người khai", "Họ và tên người đề nghị", "Tên người nộp")),
    "ngay_sinh": ("date", ("Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Ngày sinh", "Sinh ngày")),
    "nam_sinh": ("year", ("Năm sinh", "Sinh năm")),
    "gioi_tinh": ("sex", ("Giới tính", "Nam/Nữ", "Nam, nữ", "Nam hay nữ", "Phái")),
    "dan_toc": ("ethnicity", ("Dân tộc",)),
    "ton_giao": ("text", ("Tôn giáo",)),
    "quoc_tich": ("text", ("Quốc tịch",)),
    "so_dinh_danh": ("id_number", ("Số định danh cá nhân", "Số định danh", "Số CCCD", "CCCD số", "CCCD",
                                   "Số căn cước công dân", "Căn cước công dân số", "Số căn cước", "Căn cước số",
                                   "CMND/CCCD số", "Số CMND/CCCD", "CCCD/CMND số", "Số CMND", "CMND số",
                                   "Số giấy tờ tùy thân", "Số CC/CCCD")),
    "ngay_cap": ("date", ("Ngày cấp", "Cấp ngày")),
    "noi_cap": ("text", ("Nơi cấp", "Cấp tại", "Nơi cấp CCCD")),
    "so_dien_thoai": ("phone", ("Số điện thoại", "Điện thoại", "Số điện thoại liên hệ", "Điện thoại liên hệ",
                                "ĐT", "SĐT", "ĐT liên hệ", "Di động", "Số di động", "Điện thoại di động", "Tel")),
    "email": ("email", ("Email", "E-mail", "Thư điện tử", "Địa chỉ thư điện tử", "Địa chỉ email", "Hộp thư")),
    "nghe_nghiep": ("text", ("Nghề nghiệp", "Nghề nghiệp, nơi làm việc", "Nghề nghiệp hiện nay", "Công việc",
                             "Nghề nghiệp hiện tại")),
    "noi_thuong_tru": ("address", ("Nơi thường trú", "Địa chỉ thường trú", "Hộ khẩu thường trú", "Thường trú",
                                   "Thường trú tại", "Nơi đăng ký thường trú", "Nơi đăng ký hộ khẩu thường trú")),
    "noi_tam_tru": ("address", ("Nơi tạm trú", "Địa chỉ tạm trú", "Nơi đề nghị tạm trú", "Tạm trú tại",
                                "Nơi đăng ký tạm trú")),
    "noi_o_hien_nay": ("address", ("Nơi ở hiện nay", "Chỗ ở hiện nay", "Nơi ở hiện tại")),
    "noi_cu_tru": ("address", ("Nơi cư trú", "Cư trú tại", "Địa chỉ cư trú")),
    "dia_chi": ("address", ("Địa chỉ", "Địa chỉ liên hệ", "Địa chỉ liên lạc", "Địa chỉ trụ sở chính", "Trụ sở")),
    "que_quan": ("address", ("Quê quán", "Nguyên quán")),
    "noi_sinh": ("text", ("Nơi sinh",)),
    "ho_ten_chu_ho": ("name", ("Họ, chữ đệm và tên chủ hộ", "Họ, chữ đệm, tên chủ hộ", "Họ và tên chủ hộ",
                               "Họ tên chủ hộ", "Tên chủ hộ", "Chủ hộ")),
    "quan_he_chu_ho": ("text", ("Quan hệ với chủ hộ", "Mối quan hệ với chủ hộ", "Quan hệ với chủ hộ là")),
    "so_dinh_danh_chu_ho": ("id_number", ("Số định danh cá nhân của chủ hộ", "Số định danh của chủ hộ",
                                          "Số CCCD của chủ hộ", "Số định danh chủ hộ")),
    "ho_ten_cha": ("name", ("Họ tên cha", "Họ và tên cha", "Họ, chữ đệm, tên người cha", "Họ tên bố")),
    "ho_ten_me": ("name", ("Họ tên mẹ", "Họ và tên mẹ", "Họ, chữ đệm, tên người mẹ")),
    "ma_ho_so": ("dossier_code", ("Mã hồ sơ", "Mã số hồ sơ", "Số hồ sơ", "Số biên nhận", "Mã biên nhận")),
    "ma_tthc": ("procedure_code", ("Mã thủ tục hành chính", "Mã TTHC", "Mã thủ tục", "Mã số thủ tục")),
    "ten_thu_tuc": ("text", ("Tên thủ tục", "Thủ tục", "Tên thủ tục hành chính", "Thủ tục hành chính",
                             "Nội dung yêu cầu giải quyết", "Lĩnh vực")),
    "thoi_gian_nhan": ("date", ("Thời gian nhận hồ sơ", "Thời gian nhận", "Ngày nhận", "Ngày nhận hồ sơ",
                                "Ngày tiếp nhận", "Thời gian tiếp nhận")),
    "ngay_hen_tra": ("date", ("Ngày hẹn trả", "Ngày hẹn trả kết quả", "Thời gian trả kết quả", "Thời gian hẹn trả",
                              "Thời gian hẹn trả kết quả", "Ngày trả kết quả", "Hẹn trả kết quả", "Hẹn trả")),
    "thoi_gian": ("date", ("Thời gian", "Vào lúc")),
    "dia_diem": ("text", ("Địa điểm", "Tại")),
    "chu_tri": ("name", ("Chủ trì", "Chủ tọa", "Người chủ trì")),
    "thu_ky": ("name", ("Thư ký", "Người ghi biên bản", "Thư ký cuộc họp")),
    "thanh_phan": ("text", ("Thành phần", "Thành phần tham dự", "Thành phần tham gia", "Thành phần dự họp")),
    "chuc_vu": ("text", ("Chức vụ",)),
    "don_vi": ("text", ("Đơn vị", "Đơn vị công tác", "Cơ quan công tác", "Nơi công tác")),
    "ten_ho_kinh_doanh": ("text", ("Tên hộ kinh doanh",)),
    "nganh_nghe": ("text", ("Ngành, nghề kinh doanh", "Ngành nghề kinh doanh", "Ngành nghề")),
    "kinh_gui": ("issuer", ("Kính gửi",)),  # an authority: checked as issuing bodies are
    "ly_do": ("text", ("Lý do", "Lý do xin xác nhận", "Lý do đề nghị")),
    "noi_dung_de_nghi": ("text", ("Nội dung đề nghị", "Nội dung yêu cầu", "Nội dung xin xác nhận")),
    "ma_so_thue": ("tax_code", ("Mã số thuế", "MST", "Mã số doanh nghiệp", "Mã số thuế cá nhân")),
    "trinh_do": ("text", ("Trình độ văn hóa", "Trình độ học vấn", "Trình độ", "Trình độ chuyên môn")),
    "so_luong": ("number", ("Số lượng", "Số lượng hồ sơ", "Số lượng hồ sơ bàn giao")),
    "thoi_han": ("date", ("Thời hạn", "Thời hạn ủy quyền", "Có giá trị đến", "Hiệu lực đến")),
}


@dataclass(frozen=True)
class Entry:
    name: str
    type: str
    key: str  # the matched spelling, folded


@functools.lru_cache(maxsize=1)
def _keys() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for name, (typ, spellings) in LEXICON.items():
        for s in spellings:
            out.setdefault(" ".join(key_tokens(s)), (name, typ))
    return out


MAX_QUALIFIER = 3  # words a form may add after a known label ('Họ, chữ đệm và tên khai sinh')


@functools.lru_cache(maxsize=4096)  # the same labels recur on every page of a kind
def lookup(label: str, qualified: bool = False) -> Entry | None:
    """The canonical entry of a printed label, tolerant of OCR noise in labels of 8+ letters. `qualified`:
    also a known spelling of two or more words followed by at most MAX_QUALIFIER words that narrow it
    ('Địa chỉ trụ sở', 'Lý do khám sức khỏe'); the longest such spelling wins."""
    key = " ".join(key_tokens(label))
    if not key:
        return None
    keys = _keys()
    if key in keys:
        return Entry(*keys[key], key)
    if len(key) >= 8:
        best = process.extractOne(key, keys.keys(), scorer=fuzz.ratio, score_cutoff=90)
        if best:
            return Entry(*keys[best[0]], best[0])
    if qualified:
        words = key.split()
        for n in range(len(words) - 1, max(1, len(words) - MAX_QUALIFIER - 1), -1):
            head = " ".join(words[:n])
            if head in keys:
                return Entry(*keys[head], head)
    return None


def type_of(name: str) -> str | None:
    base = name.rsplit("_", 1)[0] if name[-1:].isdigit() else name
    e = LEXICON.get(base)
    return e[0] if e else None


@functools.lru_cache(maxsize=1)
def spellings_by_length() -> tuple[tuple[str, ...], ...]:
    """Every spelling's key tokens, longest first (for finding where a label begins inside a line)."""
    return tuple(sorted({tuple(k.split()) for k in _keys()}, key=len, reverse=True))
