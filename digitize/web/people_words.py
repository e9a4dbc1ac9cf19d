"""The words of the counter's look-up panel, the new-dossier form and the admin's package import, in
Vietnamese (default) and English. The page hands them to its script as JSON (people.js, import.js)."""
from __future__ import annotations

from typing import Any

WORDS: dict[str, tuple[str, str]] = {
    "new_dossier": ("Hồ sơ mới", "New dossier"),
    "new_dossier_hint": ("Nhập mã hồ sơ để mở hồ sơ mới và tra cứu giấy tờ đã số hóa của công dân.",
                         "Give the dossier code to open a new dossier and look up the citizen's digitised records."),
    "open_dossier": ("Mở hồ sơ", "Open dossier"),
    "new_dossier_empty": ("Hồ sơ mới, chưa có giấy tờ nào.", "A new dossier: no documents yet."),
    "lookup_title": ("Tra cứu giấy tờ đã số hóa của công dân", "Look up the citizen's digitised records"),
    "lookup_hint": ("Giấy tờ còn hiệu lực được dùng lại, công dân không phải nộp lại bản giấy.",
                    "A still-valid record is reused: the citizen need not hand the paper in again."),
    "person_id": ("Số định danh cá nhân (CCCD)", "Personal ID number (CCCD)"),
    "person_id_read": ("Đọc từ trang đầu của hồ sơ", "Read from the dossier's first page"),
    "lookup_reason": ("Lý do tra cứu", "Reason for the look-up"),
    "lookup": ("Tra cứu", "Look up"),
    "lookup_audited": ("Mỗi lần tra cứu được ghi vào nhật ký kiểm toán.", "Every look-up is kept in the audit log."),
    "searching": ("Đang tra cứu…", "Looking up…"),
    "none_found": ("Không có giấy tờ đã số hóa nào của công dân này.", "No digitised records of this person."),
    "found_n": ("Tìm thấy {n} giấy tờ, {valid} còn hiệu lực.", "{n} record(s) found, {valid} still valid."),
    "col_id": ("Mã giấy tờ", "Record"),
    "col_type": ("Loại giấy tờ", "Type"),
    "col_issued": ("Ngày cấp", "Issued on"),
    "col_until": ("Hiệu lực đến", "Valid until"),
    "col_verdict": ("Chữ ký số", "Signature"),
    "col_office": ("Cơ quan", "Office"),
    "col_use": ("Dùng lại", "Reuse"),
    "permanent": ("Không thời hạn", "Permanent"),
    "state_expired": ("Hết hiệu lực", "Expired"),
    "state_not_yet": ("Chưa có hiệu lực", "Not yet valid"),
    "not_signed": ("Chưa ký số, không dùng lại được", "Not signed: cannot be reused"),
    "attach": ("Đính kèm vào hồ sơ", "Attach to the dossier"),
    "attached": ("Đã đính kèm", "Attached"),
    "reused_title": ("Giấy tờ dùng lại", "Reused records"),
    "reused_note": ("đã có bản số hóa còn hiệu lực", "a still-valid digitised copy is held"),
    "reused_by": ("Đính kèm bởi", "Attached by"),
    "reused_at": ("Lúc", "At"),
    "v_signed": ("Đã ký số", "Signed"), "v_valid": ("Chữ ký hợp lệ", "Signature valid"),
    "v_invalid": ("Chữ ký không hợp lệ", "Signature invalid"),
    "v_indeterminate": ("Chưa xác định được", "Indeterminate"), "v_reviewed": ("Đã duyệt, chưa ký", "Reviewed"),
    "v_draft": ("Bản nháp", "Draft"), "v_unsigned": ("Chưa ký", "Unsigned"),
    # the admin's package import
    "import_title": ("Nhập gói hồ sơ của cơ quan khác", "Import another office's package"),
    "import_hint": ("Gói E-ARK (tệp ZIP) do digitize xuất ra. Mọi mã kiểm tra và chữ ký số được kiểm tra trước; "
                    "gói không đạt bị từ chối toàn bộ.",
                    "An E-ARK package (ZIP) as digitize exports it. Every checksum and signature is checked "
                    "first; a package that fails is refused whole."),
    "import_file": ("Tệp gói (.zip)", "Package file (.zip)"),
    "import_send": ("Nhập gói", "Import"),
    "importing": ("Đang kiểm tra và nhập gói…", "Checking and importing…"),
    "import_done": ("Đã nhập {created} giấy tờ từ {org}; {linked} giấy tờ đã có, được liên kết.",
                    "{created} record(s) imported from {org}; {linked} already held, linked."),
    "import_already": ("Gói này đã được nhập trước đây, không thêm gì.", "This package was imported before: nothing added."),
    "import_refused": ("Gói bị từ chối, không có gì được nhập:", "Package refused, nothing imported:"),
    "choose_package": ("Chọn tệp gói…", "Choose a package…"),
    "no_package": ("Chưa chọn tệp", "No file chosen"),
    "more_problems": ("(và {n} lỗi khác)", "(+{n} more)"),
    "mets_says": ("METS ghi", "METS says"),
    "unnamed_org": ("cơ quan không ghi tên", "an unnamed organisation"),
    "imports_done": ("Các gói đã nhập", "Packages imported"),
    "col_package": ("Gói", "Package"), "col_when": ("Thời điểm", "When"), "col_who": ("Người nhập", "By"),
    "col_counts": ("Mới / liên kết", "New / linked"),
    "no_imports": ("Chưa nhập gói nào.", "No packages imported yet."),
}

# why a package was refused (digitize.archive.receive), in plain words; the file name follows
REFUSALS: list[tuple[str, tuple[str, str]]] = [
    ("changed", ("tệp đã bị thay đổi so với mã kiểm tra trong METS", "a file differs from its METS checksum")),
    ("missing", ("thiếu tệp mà METS liệt kê", "a file the METS lists is missing")),
    ("signature not trusted", ("chữ ký số không thuộc nguồn tin cậy", "the signature is not trusted")),
    ("signature broken", ("chữ ký số bị hỏng", "the signature is broken")),
    ("signature missing", ("tệp không có chữ ký số", "the file has no signature")),
    ("signature", ("chữ ký số không hợp lệ", "the signature is not valid")),
    ("not an E-ARK package", ("không phải gói E-ARK", "not an E-ARK package")),
    ("not a ZIP", ("không phải tệp ZIP", "not a ZIP file")),
    ("a package ZIP holds one folder", ("tệp ZIP phải chứa đúng một thư mục gói", "a package ZIP holds one folder")),
    ("METS", ("METS bị sửa hoặc hỏng", "the METS was edited or is damaged")),
]


def words(lang: str) -> dict[str, Any]:
    """Every word in the page's language, and the refusal reasons as [prefix, words] pairs."""
    i = 1 if lang == "en" else 0
    out: dict[str, Any] = {k: v[i] for k, v in WORDS.items()}
    out["refusals"] = [[prefix, pair[i]] for prefix, pair in REFUSALS]
    return out
