"""Search made for Vietnamese, on the store: a word is found whatever its case, its tone marks, đ or d
and its Unicode form; filters narrow and pages cut a listing; passages are escaped HTML with only the
matches marked; and a record the CLI writes is found by a word of its page text at once, without
ever being opened in the station."""
from __future__ import annotations

import unicodedata

import pytest

from digitize.store import open_store
from digitize.store.search_text import fitting, marked, snippet, terms
from support import digitize, make_archive, render_text_page
from support.search_docs import put_document

SPELLINGS = ("Đà Nẵng", "đà nẵng", "ĐÀ NẴNG", "da nang", unicodedata.normalize("NFD", "Đà Nẵng"))


@pytest.fixture()
def store(tmp_path):
    s = open_store(tmp_path / "store")
    put_document(s, "decree", dossier="H-0001", pages=["Chính phủ ban hành nghị định",
                                                      "Ủy ban nhân dân thành phố Đà Nẵng thi hành"],
                 fields={"noi_ban_hanh": "Hà Nội"}, doc_type="nghi_dinh", username="lan",
                 created_at="2026-04-22T03:00:00+00:00")
    put_document(s, "letter", dossier="H-0002", pages=["Công văn gửi Sở Tài chính"],
                 fields={"trich_yeu": "Về việc dạy nghề"}, doc_type="cong_van", needs_review=("trich_yeu",),
                 username="minh", created_at="2026-05-02T03:00:00+00:00")
    put_document(s, "day", dossier="H-0002", pages=["ngày 5 tháng 6, đây là ngày làm việc"],
                 doc_type="cong_van", username="minh", created_at="2026-06-10T03:00:00+00:00")
    return s


def _ids(store, q=None, **filters):
    rows, total = store.review.search(q=q, **filters)
    return [store.get(i).source.rsplit("/", 1)[1] for i, _, _ in rows], total


def test_four_spellings_and_the_nfd_form_find_the_same_decree(store):
    for q in SPELLINGS:
        assert _ids(store, q) == (["decree.pdf"], 1), q


def test_d_and_dj_are_one_letter_and_marks_do_not_matter(store):
    assert _ids(store, "DAY NGHE")[0] == ["letter.pdf"]  # "dạy nghề" in a field value
    assert _ids(store, "ha noi")[0] == ["decree.pdf"]
    assert sorted(_ids(store, "ngay")[0]) == ["day.pdf"]  # "ngày" in the text, not "nghị"
    assert _ids(store, "thanh pho da")[0] == ["decree.pdf"]  # the last word as it is being typed
    assert _ids(store, "Huế")[1] == 0


def test_filters_and_paging(store):
    assert _ids(store, needs_review=True)[0] == ["letter.pdf"]
    assert sorted(_ids(store, dossier="H-0002")[0]) == ["day.pdf", "letter.pdf"]
    assert _ids(store, doc_type="nghi_dinh")[0] == ["decree.pdf"]
    assert sorted(_ids(store, user="MINH")[0]) == ["day.pdf", "letter.pdf"]
    from datetime import date

    assert _ids(store, date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))[0] == ["letter.pdf"]
    first, total = store.review.search(offset=0, limit=2)
    second, _ = store.review.search(offset=2, limit=2)
    assert total == 3 and len(first) == 2 and len(second) == 1
    assert not {r[0] for r in first} & {r[0] for r in second}


def test_passages_are_escaped_html_with_only_the_matches_marked():
    q = terms("da nang")
    html = snippet("<script>alert(1)</script> Ủy ban nhân dân thành phố Đà Nẵng & các sở", q)
    assert "<mark>Đà Nẵng</mark>" in html and "&lt;script&gt;" in html and "&amp;" in html
    assert "<script>" not in html
    assert marked("a < b", None) == "a &lt; b"


def test_a_record_written_by_run_and_batch_is_found_by_its_page_text(tmp_path):
    """No station, no viewing: the text is in the index once the command returns."""
    store = tmp_path / "store"
    page = render_text_page(tmp_path / "quyet-dinh.jpg", ["QUYẾT ĐỊNH", "Về việc khen thưởng",
                                                          "Ủy ban nhân dân tỉnh Khánh Hòa"])
    r = digitize("run", str(page), "--store", str(store), "--no-sign", "--json")
    assert r.returncode == 0, r.stderr
    archive = make_archive(tmp_path / "archive", 1, docs=1, tag="BIÊN NHẬN")
    r = digitize("batch", str(archive), "--store", str(store), "--no-sign", "--jobs", "1", "--json")
    assert r.returncode == 0, r.stderr
    s = open_store(store)
    for q, name in (("khanh hoa", "quyet-dinh.jpg"), ("KHEN THƯỞNG", "quyet-dinh.jpg"),
                    ("bien nhan", "trang1.jpg")):
        rows, total = s.review.search(q=q)
        assert total == 1, q
        assert s.get(rows[0][0]).source.endswith(name)
    assert s.review.text(rows[0][0])  # the page text is kept, not read again from the PDF
    assert "text" not in s.pages(rows[0][0])[0]  # and not copied into the page's summary


def test_words_typed_with_marks_are_marked_where_written_with_them():
    text = "Hà Nội, ngày 05 tháng 6 năm 2026 … Nơi nhận: các bộ"
    assert marked(text, terms("Hà Nội")).count("<mark>") == 1  # not "Nơi"
    assert "<mark>Nơi</mark>" in marked(text, terms("ha noi"))  # typed without marks: every spelling
    only_other = "NOI NHAN: cac bo"  # found by the index (marks ignored), marked all the same
    assert "<mark>" in snippet(only_other, fitting(terms("nội"), [only_other]))


@pytest.mark.slow
def test_postgresql_folds_and_filters_as_sqlite_does(tmp_path):
    from support.postgres import new_database, postgres_server

    with postgres_server() as url:
        s = open_store(new_database(url, "search_test"), objects=str(tmp_path / "objects"))
        put_document(s, "decree", dossier="H-0001", pages=["Ủy ban nhân dân thành phố Đà Nẵng thi hành"],
                     doc_type="nghi_dinh", created_at="2026-04-22T03:00:00+00:00")
        put_document(s, "letter", dossier="H-0002", pages=["Công văn về việc dạy nghề"], doc_type="cong_van",
                     created_at="2026-05-02T03:00:00+00:00")
        for q in SPELLINGS:
            assert _ids(s, q) == (["decree.pdf"], 1), q
        assert _ids(s, "day ngh")[0] == ["letter.pdf"]  # the last word as it is being typed
        assert _ids(s, "viec", doc_type="cong_van")[0] == ["letter.pdf"]
        assert _ids(s, "viec", doc_type="nghi_dinh")[1] == 0
