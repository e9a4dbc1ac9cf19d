"""Official-document header and foot on real government scans (../shared/corpus/real-scans), against values
written by hand from the page images (tests/data/real_official_headers.json). The pages are read once per
session through the pipeline's page stage (real tesseract)."""
import json
from concurrent.futures import ProcessPoolExecutor

import pytest

from digitize.model import PageRef
from digitize.pipeline.pages import process_page
from digitize.profiles.loader import load_profiles
from digitize.settings import Settings
from digitize.stages.extract.fields import extract
from support import CORPUS, REPO

REAL = CORPUS / "real-scans"
EXPECTED = json.loads((REPO / "tests" / "data" / "real_official_headers.json").read_text("utf-8"))["documents"]
TARGET = ("co_quan_ban_hanh", "so_van_ban", "ngay_ban_hanh", "trich_yeu", "nguoi_ky")
SUBJECT_NAMES = ("trich_yeu", "ve_viec")  # a profile may call the subject line by its own name

pytestmark = pytest.mark.slow


def _ref(spec: str) -> PageRef:
    path, _, page = spec.partition("#")
    if page:
        return PageRef(str(REAL / path), int(page), 28)
    return PageRef(str(REAL / path))


@pytest.fixture(scope="session")
def real_documents():
    assert REAL.is_dir(), f"the real scans are expected in {REAL}"
    refs = [[_ref(p) for p in doc["pages"]] for doc in EXPECTED]
    flat = [r for rs in refs for r in rs]
    with ProcessPoolExecutor(max_workers=2) as ex:
        pages = list(ex.map(process_page, flat, [Settings()] * len(flat)))
    profiles = load_profiles()
    out, k = {}, 0
    for doc, rs in zip(EXPECTED, refs):
        out[doc["id"]] = extract(pages[k : k + len(rs)], profiles)
        k += len(rs)
    return out


def _norm(v) -> str:
    return " ".join(str(v).split()).casefold().strip(" .;")


def _got(ex, name):
    names = SUBJECT_NAMES if name == "trich_yeu" else (name,)
    return next((f for f in ex.fields if f.name in names and f.value is not None), None)


def test_header_values_of_real_documents(real_documents):
    right = total = 0
    for doc in EXPECTED:
        ex = real_documents[doc["id"]]
        for name in TARGET:
            total += 1
            f = _got(ex, name)
            right += bool(f and _norm(f.value) == _norm(doc["fields"][name]))
    assert right / total >= 0.9, f"{right}/{total} header values right"


def test_no_wrong_header_value_goes_unflagged(real_documents):
    for doc in EXPECTED:
        ex = real_documents[doc["id"]]
        for name, want in doc["fields"].items():
            f = _got(ex, name)
            if f is not None and _norm(f.value) != _norm(want):
                assert f.needs_review, f"{doc['id']}: {name} = {f.value!r} (printed {want!r}) is not flagged"


def test_date_comes_from_the_header_not_from_the_legal_bases(real_documents):
    ex = real_documents["qd222-2025"]
    assert _got(ex, "ngay_ban_hanh").value == "2025-01-23"  # the first 'Căn cứ' line says 19 tháng 6 năm 2015


def test_a_decree_is_not_classified_as_a_decision(real_documents):
    ex = real_documents["nd199-2026"]
    assert ex.doc_type != "quyet_dinh"
    assert _got(ex, "loai_van_ban").value == "NGHỊ ĐỊNH"
    assert ex.doc_type == "generic" or ex.score - ex.runner_up_score >= 0.2


def test_number_in_a_printed_blank_is_flagged(real_documents):
    f = _got(real_documents["nd199-2026"], "so_van_ban")  # 'Số: 199 /2026/NĐ-CP': the number fills a blank
    assert f.value == "199/2026/NĐ-CP" and f.needs_review and "blank" in f.reason


def test_recipients_are_read(real_documents):
    f = _got(real_documents["qd222-2025"], "noi_nhan")
    assert f is not None and "Văn phòng Tổng Bí thư" in f.value.split("; ")
