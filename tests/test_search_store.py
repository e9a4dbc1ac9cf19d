"""Search at the store, as the station and the API ask it: Vietnamese words found whatever their case, marks,
normal form or đ/d, ranked, with marked passages, narrowed by the queue's filters; the same on sqlite (FTS5,
unicode61 remove_diacritics 2) and on a real PostgreSQL server (unaccent + GIN)."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from digitize.model import Field
from digitize.store import open_store
from digitize.store.search_text import hits, terms
from support.postgres import new_database, postgres_server
from support.search_docs import put_document

DECREE = ["NGHỊ ĐỊNH về thành lập thành phố Đà Nẵng trực thuộc trung ương",
          "Điều 1. Thành phố Đà Nẵng có diện tích tự nhiên; Ủy ban nhân dân thành phố Đà Nẵng chịu trách nhiệm"]
SPELLINGS = ("Đà Nẵng", "đà nẵng", "ĐÀ NẴNG", unicodedata.normalize("NFD", "Đà Nẵng"), "da nang")


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as url:
        yield url


def _fill(store) -> dict[str, str]:
    ids = {
        "decree": put_document(store, "decree", dossier="G01.123.456.000-251001-0001", pages=DECREE,
                               fields={"so_van_ban": "12/2026/NĐ-CP"}, doc_type="nghi_dinh", username="lan").id,
        "letter": put_document(store, "letter", dossier="G01.123.456.000-251001-0002",
                               pages=["Công văn gửi Sở Tài chính tỉnh Quảng Nam về việc Đà Lạt"],
                               doc_type="cong_van", needs_review=("so_van_ban",), username="minh",
                               fields={"so_van_ban": "7/UBND"}).id,
        "birth": put_document(store, "birth", dossier="HS-KS-1", pages=["Giấy khai sinh"], doc_type="giay_khai_sinh",
                              fields={"ho_ten": "Nguyễn Văn Đạt", "noi_sinh": "Bệnh viện Đà Nẵng"},
                              created_at="2026-01-15T03:00:00+00:00").id,
    }
    return ids


def _found(store, **kw) -> list[str]:
    rows, total = store.review.search(**kw)
    assert total == len(rows) or total > kw.get("limit", 50)
    return [doc_id for doc_id, _status, _rev in rows]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = open_store(tmp_path / "store")
    else:
        url = new_database(request.getfixturevalue("postgres"), f"search_{abs(hash(str(tmp_path))) % 10**9}")
        s = open_store(url, objects=str(tmp_path / "objects"))
    return s


def test_every_spelling_of_a_place_finds_the_decree(store):
    ids = _fill(store)
    for spelling in SPELLINGS:
        found = _found(store, q=spelling)
        assert sorted(found) == sorted([ids["decree"], ids["birth"]]), spelling  # Đà Lạt is not Đà Nẵng


def test_a_dossier_code_outranks_a_word_of_the_text(store):
    ids = _fill(store)
    put_document(store, "mentions", dossier="X-1", pages=["hồ sơ HS-KS-1 được nhắc lại ở đây"])
    assert _found(store, q="HS-KS-1")[0] == ids["birth"]


def test_d_with_stroke_and_plain_d_are_the_same_letter(store):
    ids = _fill(store)
    assert _found(store, q="nguyen van dat") == [ids["birth"]]
    assert _found(store, q="NGUYỄN VĂN ĐẠT") == [ids["birth"]]


def test_filters_narrow_the_listing(store):
    ids = _fill(store)
    assert _found(store, doc_type="cong_van") == [ids["letter"]]
    assert _found(store, needs_review=True) == [ids["letter"]]
    assert _found(store, user="minh") == [ids["letter"]]
    assert _found(store, dossier="HS-KS-1") == [ids["birth"]]
    assert _found(store, q="da nang", date_to=date(2026, 1, 31)) == [ids["birth"]]
    assert _found(store, q="quyết định chưa có") == []


def test_paging_gives_the_total_and_each_document_once(store):
    ids = _fill(store)
    first, total = store.review.search(limit=2, offset=0)
    second, total2 = store.review.search(limit=2, offset=2)
    assert total == total2 == 3
    assert sorted(r[0] for r in first + second) == sorted(ids.values())


def test_a_new_field_value_is_searchable_in_the_same_write(store):
    ids = _fill(store)
    assert _found(store, q="Hội An") == []
    status, revision = store.review.state(ids["letter"])
    added = Field("noi_nhan", "Ủy ban nhân dân thành phố Hội An", "", 100.0, 1, None, True, False, "")
    store.review.change(ids["letter"], revision, "lan", fields=[*store.get(ids["letter"]).fields, added])
    assert _found(store, q="hoi an") == [ids["letter"]]


def test_passages_mark_the_words_as_written():
    query = terms("da nang")
    found = hits(query, {"noi_sinh": "Bệnh viện Đà Nẵng"}, DECREE, dossier="G01", files="dn.pdf")
    assert found[0] == {"where": "field", "field": "noi_sinh", "snippet": "Bệnh viện <mark>Đà Nẵng</mark>"}
    pages = [h for h in found if h["where"] == "page"]
    assert pages and all("<mark>Đà Nẵng</mark>" in h["snippet"] for h in pages)
    assert "<script>" not in hits(terms("x"), {"a": "<script>x</script>"}, [])[0]["snippet"]  # escaped
