"""The station's words: Vietnamese by default, English on request (`?lang=en`, kept in a cookie).
Warnings and validator reasons come from the pipeline in English; they are shown in plain words."""
from __future__ import annotations

import re

LANGS = ("vi", "en")

TEXT: dict[str, dict[str, str]] = {
    "title": {"vi": "Trạm kiểm tra hồ sơ số hóa", "en": "Digitised records review"},
    "login": {"vi": "Đăng nhập", "en": "Log in"},
    "logout": {"vi": "Đăng xuất", "en": "Log out"},
    "username": {"vi": "Tên đăng nhập", "en": "User name"},
    "password": {"vi": "Mật khẩu", "en": "Password"},
    "queue": {"vi": "Danh sách hồ sơ", "en": "Queue"},
    "upload": {"vi": "Tải bản quét lên", "en": "Upload scans"},
    "dossier": {"vi": "Mã hồ sơ", "en": "Dossier"},
    "profile": {"vi": "Loại giấy tờ", "en": "Document type"},
    "auto": {"vi": "Tự nhận dạng", "en": "Detect"},
    "send": {"vi": "Gửi", "en": "Send"},
    "search": {"vi": "Tìm kiếm", "en": "Search"},
    "search_hint": {"vi": "Tìm trong nội dung và các trường", "en": "Search text and fields"},
    "all": {"vi": "Tất cả", "en": "All"},
    "needs_review": {"vi": "Cần kiểm tra", "en": "Needs review"},
    "document": {"vi": "Giấy tờ", "en": "Document"},
    "source": {"vi": "Tệp gốc", "en": "Source file"},
    "pages": {"vi": "Số trang", "en": "Pages"},
    "status": {"vi": "Trạng thái", "en": "Status"},
    "created": {"vi": "Ngày tạo", "en": "Created"},
    "warnings": {"vi": "Cảnh báo", "en": "Warnings"},
    "no_warnings": {"vi": "Không có cảnh báo", "en": "No warnings"},
    "fields": {"vi": "Các trường thông tin", "en": "Fields"},
    "field": {"vi": "Trường", "en": "Field"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "ocr_read": {"vi": "OCR đọc được", "en": "OCR read"},
    "add_field": {"vi": "Thêm trường", "en": "Add field"},
    "field_name": {"vi": "tên_trường", "en": "field_name"},
    "save": {"vi": "Lưu thay đổi", "en": "Save changes"},
    "approve": {"vi": "Duyệt", "en": "Approve"},
    "sign": {"vi": "Ký số", "en": "Sign"},
    "sign_selected": {"vi": "Ký các hồ sơ đã chọn", "en": "Sign selected"},
    "verify": {"vi": "Kiểm tra chữ ký", "en": "Verify"},
    "download": {"vi": "Tải PDF", "en": "Download PDF"},
    "history": {"vi": "Lịch sử", "en": "History"},
    "when": {"vi": "Thời điểm", "en": "When"},
    "who": {"vi": "Người thực hiện", "en": "Who"},
    "action": {"vi": "Thao tác", "en": "Action"},
    "details": {"vi": "Chi tiết", "en": "Details"},
    "next_hint": {"vi": "Phím N hoặc Enter: trường cần kiểm tra tiếp theo", "en": "N or Enter: next field to check"},
    "empty": {"vi": "Chưa có hồ sơ nào", "en": "No documents yet"},
    "page": {"vi": "Trang", "en": "Page"},
    "ok": {"vi": "Hợp lệ", "en": "Valid"},
    "check_this": {"vi": "Cần kiểm tra", "en": "Check this"},
    "revision": {"vi": "Phiên bản", "en": "Revision"},
    "back": {"vi": "Quay lại danh sách", "en": "Back to the queue"},
    "error_page": {"vi": "Đã có lỗi, vui lòng thử lại hoặc báo quản trị viên.",
                   "en": "Something went wrong; try again or tell the administrator."},
    "not_found_page": {"vi": "Không tìm thấy trang hoặc hồ sơ này.", "en": "No such page or document."},
    "role_staff": {"vi": "Cán bộ tiếp nhận", "en": "Intake staff"},
    "role_signer": {"vi": "Người ký", "en": "Signer"},
    "role_auditor": {"vi": "Kiểm toán", "en": "Auditor"},
    "role_admin": {"vi": "Quản trị", "en": "Administrator"},
    "st_processing": {"vi": "Đang xử lý", "en": "Processing"},
    "st_draft": {"vi": "Bản nháp", "en": "Draft"},
    "st_reviewed": {"vi": "Đã duyệt", "en": "Reviewed"},
    "st_signed": {"vi": "Đã ký", "en": "Signed"},
    "st_unsigned": {"vi": "Chưa ký", "en": "Unsigned"},
    "st_error": {"vi": "Lỗi", "en": "Error"},
    "verdict_valid": {"vi": "Chữ ký hợp lệ", "en": "Signature valid"},
    "verdict_invalid": {"vi": "Chữ ký không hợp lệ", "en": "Signature invalid"},
    "verdict_indeterminate": {"vi": "Chưa xác định được", "en": "Indeterminate"},
    "saved": {"vi": "Đã lưu", "en": "Saved"},
    "uploading": {"vi": "Đang tải lên", "en": "Uploading"},
    "processing_wait": {"vi": "Đang xử lý, vui lòng chờ…", "en": "Processing, please wait…"},
    "open": {"vi": "Mở", "en": "Open"},
    "choose_files": {"vi": "Chọn tệp…", "en": "Choose files…"},
    "no_file": {"vi": "Chưa chọn tệp", "en": "No file chosen"},
    # the dossier, the viewer, the admin page (digitize.web.desk)
    "dossier_page": {"vi": "Hồ sơ", "en": "Dossier"},
    "documents_of": {"vi": "Giấy tờ trong hồ sơ", "en": "Documents in the dossier"},
    "to_check": {"vi": "Còn phải kiểm tra", "en": "Still to check"},
    "nothing_to_check": {"vi": "Không còn gì phải kiểm tra", "en": "Nothing left to check"},
    "todo_review": {"vi": "chờ duyệt", "en": "to review"},
    "todo_sign": {"vi": "chờ ký", "en": "to sign"},
    "flagged_fields": {"vi": "trường cần kiểm tra", "en": "fields to check"},
    "dossier_done": {"vi": "Hồ sơ đã ký đủ", "en": "Every document is signed"},
    "dossier_open": {"vi": "Hồ sơ chưa hoàn tất", "en": "The dossier is not finished"},
    "originals": {"vi": "Bản gốc đã nhận", "en": "Originals received"},
    "original_scan": {"vi": "bản quét", "en": "scan"},
    "original_electronic": {"vi": "bản điện tử", "en": "electronic"},
    "gov_signature": {"vi": "Chữ ký số trên bản gốc", "en": "Signature on the original"},
    "no_gov_signature": {"vi": "Bản gốc không có chữ ký số", "en": "The original carries no signature"},
    "sig_valid": {"vi": "hợp lệ", "en": "valid"},
    "sig_invalid": {"vi": "không hợp lệ", "en": "invalid"},
    "sig_indeterminate": {"vi": "chưa xác định được (chưa tin cậy chứng thư)", "en": "indeterminate (certificate not trusted)"},
    "sig_intact": {"vi": "nội dung còn nguyên vẹn", "en": "content intact"},
    "sig_broken": {"vi": "nội dung đã bị thay đổi", "en": "content changed"},
    "signed_at": {"vi": "ký lúc", "en": "signed at"},
    "verified_at": {"vi": "kiểm tra lúc nhận", "en": "checked on receipt"},
    "code_ok": {"vi": "Mã hồ sơ đúng định dạng quốc gia.", "en": "The dossier code has the national form."},
    "code_format": {"vi": "Mã hồ sơ không theo định dạng quốc gia (mã cơ quan-ngày tiếp nhận YYMMDD-số thứ tự 4 chữ số, ví dụ {example}; Thông tư 01/2018/TT-VPCP). Hồ sơ vẫn được nhận với mã này.",
                    "en": "The dossier code is not of the national form (agency id-receipt date YYMMDD-4-digit sequence, e.g. {example}; Circular 01/2018/TT-VPCP). The dossier is still taken under this code."},
    "code_date": {"vi": "Ngày tiếp nhận trong mã hồ sơ không có thật (phần YYMMDD, ví dụ {example}). Hồ sơ vẫn được nhận với mã này.",
                  "en": "The receipt date inside the dossier code does not exist (the YYMMDD part, e.g. {example}). The dossier is still taken under this code."},
    "join_pages": {"vi": "Ghép các ảnh thành một giấy tờ nhiều trang", "en": "Join the images as pages of one document"},
    "duplicate_of": {"vi": "đã có trong hồ sơ {dossier}, {status} — không tạo bản mới", "en": "already in dossier {dossier}, {status} — nothing new was made"},
    "pages_of": {"vi": "Trang {n}/{total}", "en": "Page {n} of {total}"},
    "zoom_in": {"vi": "Phóng to", "en": "Zoom in"},
    "zoom_out": {"vi": "Thu nhỏ", "en": "Zoom out"},
    "zoom_fit": {"vi": "Vừa khung", "en": "Fit"},
    "prev_page": {"vi": "Trang trước", "en": "Previous page"},
    "next_page": {"vi": "Trang sau", "en": "Next page"},
    "edit_pages": {"vi": "Sắp xếp trang", "en": "Arrange pages"},
    "move_up": {"vi": "Lên", "en": "Up"},
    "move_down": {"vi": "Xuống", "en": "Down"},
    "rotate": {"vi": "Xoay phải", "en": "Turn right"},
    "remove_page": {"vi": "Bỏ trang", "en": "Remove"},
    "restore_page": {"vi": "Giữ lại", "en": "Keep"},
    "save_pages": {"vi": "Lưu thứ tự trang", "en": "Save page order"},
    "change_type": {"vi": "Đổi loại giấy tờ", "en": "Change type"},
    "users_page": {"vi": "Người dùng", "en": "Users"},
    "add_user": {"vi": "Thêm người dùng", "en": "Add user"},
    "role": {"vi": "Vai trò", "en": "Role"},
    "user_state": {"vi": "Tình trạng", "en": "State"},
    "user_active": {"vi": "Đang hoạt động", "en": "Active"},
    "user_disabled": {"vi": "Đã khóa", "en": "Disabled"},
    "disable": {"vi": "Khóa", "en": "Disable"},
    "enable": {"vi": "Mở khóa", "en": "Enable"},
    "reset_password": {"vi": "Đặt lại mật khẩu", "en": "Reset password"},
    "new_password": {"vi": "Mật khẩu mới (ít nhất 8 ký tự)", "en": "New password (8 characters or more)"},
    "set_role": {"vi": "Đổi vai trò", "en": "Change role"},
    "done": {"vi": "Đã thực hiện", "en": "Done"},
    "draft_mark": {"vi": "BẢN NHÁP – CHƯA KÝ", "en": "DRAFT – NOT SIGNED"},
    # search, its filters and paging (digitize.web.search)
    "filters": {"vi": "Bộ lọc", "en": "Filters"},
    "date_from": {"vi": "Từ ngày", "en": "From"},
    "date_to": {"vi": "Đến ngày", "en": "To"},
    "by_user": {"vi": "Người xử lý", "en": "User"},
    "clear_filters": {"vi": "Bỏ lọc", "en": "Clear filters"},
    "results_n": {"vi": "{n} kết quả", "en": "{n} results"},
    "filter_dossier": {"vi": "lọc", "en": "filter"},
    "found_pages": {"vi": "Có từ cần tìm ở trang", "en": "The words are on page"},
    "bad_date": {"vi": "Ngày không hợp lệ: nhập dd/mm/yyyy, ngày kết thúc không trước ngày bắt đầu",
                 "en": "Not a valid date: type dd/mm/yyyy, the end not before the start"},
    "bad_page": {"vi": "Số trang không hợp lệ", "en": "Not a valid page number"},
    "bad_filter": {"vi": "Bộ lọc không hợp lệ", "en": "Not a valid filter"},
    # approval and signing (digitize.review.approval)
    "checked": {"vi": "đã kiểm tra", "en": "checked"},
    "approve_needs": {"vi": "Để duyệt: đánh dấu “đã kiểm tra” hoặc sửa các trường cần kiểm tra, điền các trường bắt buộc.",
                      "en": "To approve: tick “checked” or correct each flagged field, fill the required ones."},
    "required_missing": {"vi": "Thiếu trường bắt buộc", "en": "Required fields missing"},
    "unsaved_saved": {"vi": "Đã lưu các thay đổi trước khi duyệt", "en": "Unsaved changes were saved before approval"},
    "sign_confirm": {"vi": "Ký số {n} hồ sơ sau?", "en": "Sign these {n} records?"},
}

ACTIONS = {
    "stored": ("Tạo hồ sơ", "Stored"), "field_changed": ("Sửa trường", "Field changed"),
    "field_added": ("Thêm trường", "Field added"), "field_removed": ("Xóa trường", "Field removed"),
    "approved": ("Duyệt", "Approved"), "signed": ("Ký số", "Signed"), "exported": ("Xuất", "Exported"),
    "uploaded": ("Tải lên", "Uploaded"), "pages_changed": ("Sắp xếp lại trang", "Pages rearranged"),
    "type_changed": ("Đổi loại giấy tờ", "Document type changed"),
    "field_confirmed": ("Xác nhận đã kiểm tra", "Field confirmed"), "setting_changed": ("Đổi thiết lập", "Setting changed"),
}

WARNINGS = {
    "low_dpi": ("dưới 200 dpi", "under 200 dpi"), "unknown_dpi": ("không rõ độ phân giải", "resolution unknown"),
    "blank": ("trang trắng", "blank page"), "too_dark": ("quá tối", "too dark"),
    "too_light": ("quá sáng", "too light"), "low_contrast": ("độ tương phản thấp", "low contrast"),
    "cut_off": ("có thể bị cắt mép", "may be cut off at an edge"), "skewed": ("bị nghiêng", "skewed"),
    "grayscale": ("ảnh xám, quy định yêu cầu ảnh màu", "greyscale, colour is required"),
    "low_ocr_confidence": ("chữ khó đọc", "hard to read"),
}

# validator and plausibility reasons (English, from the pipeline) -> Vietnamese
REASONS: list[tuple[str, str]] = [
    (r"no 12-digit personal ID number", "không có số định danh cá nhân 12 chữ số"),
    (r"no 9- or 12-digit ID card number", "không có số CMND 9 hoặc 12 chữ số"),
    (r"birth year (\d+) in the ID does not match (\d+)", r"năm sinh \1 trong số định danh không khớp với \2"),
    (r"birth year (\d+) in the future", r"năm sinh \1 ở tương lai"),
    (r"sex digit says (\S+), document says (\S+)", r"chữ số giới tính là \1, giấy tờ ghi \2"),
    (r"unknown province code (\d+)", r"mã tỉnh \1 không tồn tại"),
    (r"tax code check digit wrong", "chữ số kiểm tra của mã số thuế sai"),
    (r"tax code has (\d+) digits, expected 10", r"mã số thuế có \1 chữ số, cần 10"),
    (r"no tax code", "không có mã số thuế"),
    (r"no valid date", "không phải ngày hợp lệ"), (r"date in the future", "ngày ở tương lai"),
    (r"empty value", "giá trị trống"), (r"required field not found", "không tìm thấy trường bắt buộc"),
    (r"before the issue date", "trước ngày ban hành"), (r"low OCR confidence (\d+)", r"OCR đọc không chắc (\1)"),
    (r"does not look like a full name", "không giống họ tên đầy đủ"),
    (r"not one of the listed values", "không thuộc danh sách giá trị"), (r"not a sex: .*", "không phải giới tính"),
    (r"no document number of the form N/SYMBOL", "không có số văn bản dạng số/ký hiệu"),
    (r"no dossier code of the form .*", "không có mã hồ sơ đúng dạng"),
    (r"no procedure code of the form .*", "không có mã thủ tục đúng dạng"),
    (r"no (number|year|amount|area|parcel number|map sheet number)", "thiếu số"),
    (r"corrected (.*)", r"đã tự sửa \1"), (r"'(.+)' is not a usual (\w+) syllable", r"'\1' không phải âm tiết tên thường gặp"),
    (r"(.+?) '(.+)' is not a known unit(.*)", r"\1 '\2' không phải đơn vị hành chính đã biết"),
    (r"(.+?) '(.+)': several known units differ only by diacritics",
     r"\1 '\2': nhiều đơn vị hành chính chỉ khác dấu"),
    (r"read again under seal/signature", "đọc lại phần bị con dấu/chữ ký che"),
    (r"not a phone number", "không phải số điện thoại"), (r"not an e-mail address", "không phải địa chỉ thư điện tử"),
    (r"(\d+) digits is not a Vietnamese phone number", r"\1 chữ số không phải số điện thoại Việt Nam"),
    (r"unusual layout: value read on the line under its label", "bố cục lạ: giá trị nằm ở dòng dưới nhãn"),
    (r"label (.+) is not in the lexicon", r"nhãn \1 chưa có trong danh mục"),
    (r"(.+) is not a Vietnamese word", r"\1 không phải từ tiếng Việt"),
    (r"branch suffix 000", "mã chi nhánh 000"),
    (r"document symbol has no letters", "ký hiệu văn bản không có chữ"),
    (r"receipt date inside the dossier code is impossible", "ngày tiếp nhận trong mã hồ sơ không hợp lệ"),
    (r"no register entry .*", "không có số vào sổ đúng dạng"),
    (r"revision (\d+) is stale \(current: (\d+)\)", r"phiên bản \1 đã cũ (hiện tại: \2), hãy tải lại trang"),
    (r"the document is (\w+)", r"hồ sơ đang ở trạng thái \1"),
    # approval, four eyes, values (digitize.review.approval)
    (r"required fields without a value: (.+)", r"trường bắt buộc chưa có giá trị: \1"),
    (r"flagged fields neither corrected nor confirmed: (.+)",
     r"trường cần kiểm tra chưa được sửa hoặc đánh dấu đã kiểm tra: \1"),
    (r"confirmed field '(.+)' is not a field of the document", r"'\1' không phải trường của giấy tờ này"),
    (r"(.+) approved this record: another person must sign it \(four eyes\)",
     r"\1 đã duyệt hồ sơ này, người khác phải ký (nguyên tắc bốn mắt)"),
    (r"(.+) changed this record \((.+)\): another person must sign it \(four eyes\)",
     r"\1 đã sửa hồ sơ này (\2), người khác phải ký (nguyên tắc bốn mắt)"),
    (r"the value of (\w+) has a control character (U\+[0-9A-F]+) at position (\d+)",
     r"giá trị của trường \1 chứa ký tự điều khiển \2 ở vị trí \3"),
    (r"the value of (\w+) has a (noncharacter|lone surrogate) (U\+[0-9A-F]+) at position (\d+)",
     r"giá trị của trường \1 chứa ký tự không hợp lệ \3 ở vị trí \4"),
    (r"the value of (\w+) has (\d+) characters, over the limit of (\d+)",
     r"giá trị của trường \1 dài \2 ký tự, vượt giới hạn \3"),
    (r"(\d+) fields, over the limit of (\d+) per document", r"\1 trường, vượt giới hạn \2 trường mỗi giấy tờ"),
    (r"(\d+) record\(s\) changed since they were listed, nothing was signed: (.+)",
     r"\1 hồ sơ đã thay đổi từ khi được liệt kê, chưa ký hồ sơ nào: \2"),
    (r"(dossier code|file name) has a (control character|noncharacter|lone surrogate) (U\+[0-9A-F]+) at position (\d+)",
     r"mã hồ sơ hoặc tên tệp chứa ký tự không hợp lệ \3"),
]

ERRORS = {
    "unauthenticated": ("Bạn cần đăng nhập.", "Please log in."),
    "bad_login": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."),
    "throttled": ("Đăng nhập sai quá nhiều lần, hãy thử lại sau.", "Too many failed log-ins; try again later."),
    "csrf": ("Thiếu mã bảo vệ CSRF: hãy tải lại trang.", "Missing CSRF token: reload the page."),
    "forbidden": ("Vai trò của bạn không được phép làm việc này.", "Your role may not do this."),
    "not_found": ("Không tìm thấy hồ sơ.", "No such document."),
    "conflict": ("Hồ sơ đã được người khác thay đổi hoặc không ở trạng thái phù hợp.",
                 "The record changed meanwhile or is not in the right status."),
    "bad_input": ("Tệp hoặc dữ liệu không hợp lệ.", "Invalid file or data."),
    "signing": ("Không ký được.", "Signing failed."),
    "internal": ("Lỗi hệ thống, vui lòng báo quản trị viên.", "Internal error; tell the administrator."),
    "lookup_throttled": ("Tra cứu quá nhiều lần trong một phút, hãy thử lại sau.",
                         "Too many look-ups in a minute; try again later."),
    "refused": ("Gói tin không hợp lệ, không có gì được nhập.", "Package refused; nothing was imported."),
    "incomplete": ("Chưa duyệt được:", "Cannot approve yet:"),
    "four_eyes": ("Không ký được:", "Cannot sign:"),
}

UPLOAD_REASONS: list[tuple[str, str]] = [
    (r"not an image or PDF \(content is text\)", "không phải ảnh hay PDF (nội dung là văn bản)"),
    (r"not an image or PDF.*", "không phải ảnh hay PDF"),
    (r"image is over the pixel limit \(decompression bomb\)", "ảnh vượt giới hạn điểm ảnh (bom giải nén)"),
    (r"page is .* over the limit of .*", "trang vượt giới hạn điểm ảnh"),
    (r".*(password|encrypted).*", "PDF có mật khẩu, không xử lý được"),
    (r"empty file.*", "tệp rỗng"), (r"file is \d+ bytes, over the limit.*", "tệp quá lớn"),
    (r"image is only .* too small to be a scan", "ảnh quá nhỏ, không phải bản quét"),
    (r"unreadable .*", "tệp hỏng, không đọc được"), (r"unknown profile .*", "loại giấy tờ không có"),
]


# names of fields found without a printed label (issuer, number, date, signer...) and common ones
FIELD_NAMES = {
    "co_quan_ban_hanh": "Cơ quan ban hành", "so_van_ban": "Số văn bản", "ngay_ban_hanh": "Ngày ban hành",
    "tieu_de": "Tiêu đề", "nguoi_ky": "Người ký", "ho_ten": "Họ và tên", "ngay_sinh": "Ngày sinh",
    "so_dinh_danh": "Số định danh cá nhân", "noi_cu_tru": "Nơi cư trú", "ma_ho_so": "Mã hồ sơ",
    "ghi_chu": "Ghi chú", "dia_danh": "Địa danh",
    "co_quan_chu_quan": "Cơ quan chủ quản", "noi_ban_hanh": "Nơi ban hành",
}


def field_label(name: str, profile) -> str:
    """The label printed on the paper when the profile knows it, else a plain name."""
    spec = profile.field(name) if profile is not None else None
    if spec is not None and spec.labels:
        return spec.labels[0]
    return FIELD_NAMES.get(name) or name.replace("_", " ").capitalize()


def lang_of(value: str | None) -> str:
    return value if value in LANGS else "vi"


def t(key: str, lang: str) -> str:
    entry = TEXT.get(key)
    return entry.get(lang, entry["vi"]) if entry else key


def _pair(table: dict, key: str, lang: str) -> str:
    vi, en = table.get(key, (key, key))
    return en if lang == "en" else vi


def action(kind: str, lang: str) -> str:
    return _pair(ACTIONS, kind, lang)


def error(code: str, lang: str) -> str:
    return _pair(ERRORS, code, lang)


def warning(text: str, lang: str) -> str:
    """`file[:page]: low_dpi` -> `Trang 1: dưới 200 dpi`."""
    where, _, code = text.rpartition(": ")
    page = where.rsplit(":", 1)[1] if ":" in where and where.rsplit(":", 1)[1].isdigit() else "1"
    return f"{t('page', lang)} {page}: {_pair(WARNINGS, code, lang)}"


def grouped_warning(g, lang: str) -> str:
    """One warning kind with its pages: `ảnh xám, quy định yêu cầu ảnh màu: trang 1–28`."""
    return f"{_pair(WARNINGS, g.code, lang)}: {t('page', lang).lower()} {g.ranges}"


def _translate(text: str, table: list[tuple[str, str]], lang: str) -> str:
    if lang == "en" or not text:
        return text
    parts = []
    for part in text.split("; "):
        if part.startswith("conflict: "):  # a cross-field check wraps the validator's reason
            parts.append("mâu thuẫn: " + _translate(part[len("conflict: "):], table, lang))
            continue
        for pattern, vi in table:
            if re.fullmatch(pattern, part):
                part = re.sub(pattern, vi, part)
                break
        parts.append(part)
    return "; ".join(parts)


def reason(text: str, lang: str) -> str:
    return _translate(text, REASONS, lang)


def upload_reason(text: str, lang: str) -> str:
    return _translate(text, UPLOAD_REASONS + REASONS, lang)
