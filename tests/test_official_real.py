"""Official-document header and foot on the real development documents (tests/data/real_split.json) of
../shared/corpus/real-scans, against values written by hand from the page images
(tests/data/real_official_headers.json). The reported documents are not read here: they are only measured
(bench/bench_headers.py). The pages are read once per session through the pipeline's page stage (real
tesseract)."""
import json

import pytest

from bench.bench_headers import REAL, documents, extract_all, got_field, norm, read_pages
from support import REPO

DEV = documents("development")
BY_ID = {d["id"]: d for d in DEV}
# what the page stage reads well enough today; the rest waits for the OCR (handwritten digits, seals)
EXACT = {
    "nd199-2026": ("co_quan_ban_hanh", "so_van_ban", "noi_ban_hanh", "ngay_ban_hanh", "loai_van_ban", "trich_yeu",
                   "nguoi_ky"),
    "qd222-2025": ("co_quan_ban_hanh", "so_van_ban", "noi_ban_hanh", "ngay_ban_hanh", "loai_van_ban", "trich_yeu"),
    "nd335-2025": ("co_quan_ban_hanh", "so_van_ban", "noi_ban_hanh", "ngay_ban_hanh", "loai_van_ban", "trich_yeu",
                   "quyen_han_ky", "nguoi_ky"),
    "dl_2025_0003": ("co_quan_chu_quan", "co_quan_ban_hanh", "noi_ban_hanh", "loai_van_ban", "trich_yeu",
                     "quyen_han_ky", "chuc_vu_nguoi_ky", "nguoi_ky"),
    "dl_2025_0005": ("co_quan_chu_quan", "co_quan_ban_hanh", "noi_ban_hanh", "loai_van_ban", "trich_yeu",
                     "quyen_han_ky", "chuc_vu_nguoi_ky", "nguoi_ky"),
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def real_documents():
    assert REAL.is_dir(), f"the real scans are expected in {REAL}"
    return extract_all(DEV, read_pages(DEV, jobs=2))


def test_split_puts_each_document_in_one_set():
    split = json.loads((REPO / "tests" / "data" / "real_split.json").read_text("utf-8"))
    dev = [d["id"] for d in split["development"]]
    rep = [d["id"] for d in split["reported"]]
    assert not set(dev) & set(rep) and len(set(dev + rep)) == len(dev + rep)
    truth = json.loads((REPO / "tests" / "data" / "real_official_headers.json").read_text("utf-8"))["documents"]
    assert sorted(d["id"] for d in truth) == sorted(dev + rep)
    assert len({d["fields"].get("co_quan_ban_hanh") for d in documents("reported")} - {None}) >= 2


@pytest.mark.parametrize("doc_id", sorted(EXACT))
def test_header_values_are_exact(real_documents, doc_id):
    ex, want = real_documents[doc_id], BY_ID[doc_id]["fields"]
    wrong = {n: (getattr(got_field(ex, n), "value", None), want[n]) for n in EXACT[doc_id]
             if norm(getattr(got_field(ex, n), "value", "")) != norm(want[n])}
    assert not wrong, wrong


def test_no_wrong_header_value_goes_unflagged(real_documents):
    for doc in DEV:
        ex = real_documents[doc["id"]]
        for name in [*doc["fields"], *doc.get("absent", [])]:
            f = got_field(ex, name)
            want = doc["fields"].get(name)
            if f is not None and (want is None or norm(f.value) != norm(want)):
                assert f.needs_review, f"{doc['id']}: {name} = {f.value!r} (printed {want!r}) is not flagged"


HAND_REASONS = {"reason.handwritten", "reason.number_in_blank", "reason.number_unread", "reason.number_blank",
                "reason.day_handwritten", "reason.day_unread", "reason.day_blank"}


def test_handwritten_digits_are_read_or_flagged_never_guessed(real_documents):
    for doc in DEV:
        for name in doc.get("handwritten", ()):
            f = next((g for g in real_documents[doc["id"]].fields if g.name == name), None)
            assert f is not None, f"{doc['id']}: {name}: the filled-in blank is not even reported"
            hand = {m.code for m in f.reasons} & HAND_REASONS  # flagged as written by hand, whatever was read
            assert f.needs_review and hand or norm(f.value) == norm(doc["fields"][name]), \
                f"{doc['id']}: {name} = {f.value!r} ({f.reason!r})"
            if f.value is None:
                assert f.box is not None and f.page == 1  # the station shows where to look


def test_signer_comes_from_the_signing_page_not_the_last(real_documents):
    f = got_field(real_documents["nd335-2025"], "nguoi_ky")  # page 22 of 29; the appendix forms follow
    assert f.value == "Phạm Thị Thanh Trà" and f.page == BY_ID["nd335-2025"]["signer_page"]


def test_subject_runs_over_all_its_lines(real_documents):
    f = got_field(real_documents["dl_2025_0003"], "trich_yeu")
    assert f.value.endswith("cho 07 chương trình đào tạo") and not f.needs_review


def test_parent_body_is_apart_from_the_issuing_body(real_documents):
    ex = real_documents["dl_2025_0005"]
    assert got_field(ex, "co_quan_chu_quan").value == "BỘ CÔNG THƯƠNG"
    assert got_field(ex, "co_quan_ban_hanh").value == "TRƯỜNG ĐẠI HỌC ĐIỆN LỰC"
    assert got_field(real_documents["nd199-2026"], "co_quan_chu_quan") is None  # CHÍNH PHỦ has none


def test_portal_stamp_stays_out_of_the_header(real_documents):
    for doc in DEV:
        if not doc["id"].startswith("strip-"):
            continue
        ex = real_documents[doc["id"]]
        got = got_field(ex, "co_quan_ban_hanh")
        assert norm(getattr(got, "value", None) or "") == norm(doc["fields"].get("co_quan_ban_hanh") or ""), doc["id"]
        for f in ex.fields:
            assert "thông tin điện tử" not in str(f.value).casefold() or f.needs_review, (doc["id"], f)


def test_date_comes_from_the_header_not_from_the_legal_bases(real_documents):
    ex = real_documents["qd222-2025"]
    assert got_field(ex, "ngay_ban_hanh").value == "2025-01-23"  # the first 'Căn cứ' line says 19 tháng 6 năm 2015


def test_a_decree_is_not_classified_as_a_decision(real_documents):
    ex = real_documents["nd199-2026"]
    assert ex.doc_type != "quyet_dinh"
    assert got_field(ex, "loai_van_ban").value == "NGHỊ ĐỊNH"
    assert ex.doc_type == "generic" or ex.score - ex.runner_up_score >= 0.2


def test_number_in_a_printed_blank_is_flagged(real_documents):
    f = got_field(real_documents["nd199-2026"], "so_van_ban")  # 'Số: 199 /2026/NĐ-CP': the number fills a blank
    assert f.value == "199/2026/NĐ-CP" and f.needs_review and "blank" in f.reason


def test_recipients_are_read(real_documents):
    f = got_field(real_documents["qd222-2025"], "noi_nhan")
    assert f is not None and "Văn phòng Tổng Bí thư" in f.value.split("; ")


def test_title_is_the_subject_not_the_kind_nor_the_authority(real_documents):
    for doc_id in ("nd199-2026", "qd222-2025", "nd335-2025"):
        f = got_field(real_documents[doc_id], "tieu_de")
        assert norm(f.value) == norm(BY_ID[doc_id]["fields"]["trich_yeu"]), (doc_id, f.value)


def test_incoming_mail_stamp_stays_out_of_the_header(real_documents):
    for doc_id in ("nd199-2026", "nd335-2025"):  # the ĐẾN stamp beside the title, a handwritten date in it
        for f in real_documents[doc_id].fields:
            if f.page == 1 and f.value is not None:
                words = str(f.value).split()
                assert "ĐẾN" not in words and "Giờ:" not in words and "Kính chuyển" not in str(f.value), (doc_id, f)
