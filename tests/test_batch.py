"""`digitize batch` end to end on small generated dossiers with real OCR, PDF/A and signatures:
manifests with good, bad and expired rows, reports, resume, --retry-failed, and kill -9 at
several points followed by a resume that stores every document exactly once."""
from __future__ import annotations

import csv
import hashlib
import json
import signal
from datetime import date
from pathlib import Path

import pytest

from digitize.batch.run import ValidityGate
from digitize.model import Record
from digitize.store import open_store
from support import assert_store_intact, digitize, make_archive, popen, render_text_page, stored
from support.archives import page_number
from support.faults import fault_env, read_marker


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = make_archive(tmp_path_factory.mktemp("batch") / "archive", 4)
    (root / "manifest.csv").write_text(
        "ma_ho_so,ma_tthc,duong_dan,ngay_cap,hieu_luc_den,ghi_chu\n"
        "HS-001,1.004227,hs00,01/01/2020,,bản gốc\n"           # permanent
        "HS-002,1.004227,hs01,2020-01-01,2025-06-29,\n"         # expired the day before
        "HS-003,1.004227,hs02/trang1.jpg;hs02/trang2.jpg,,30/06/2025,\n"  # last valid day
        "HS-004,1.004227,hs03,2025-07-01,,\n"                   # issued the day after
        "HS-005,1.004227,../escape.jpg,,,\n"
        "HS-006,1.004227,khong-co.jpg,,,\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def first_run(archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    proc = digitize("batch", str(archive / "manifest.csv"), "--store", str(out / "store"), "--valid-on", "30/06/2025",
                    "--report", str(out / "report"), "--qa-sample", "50%", "--json", "--jobs", "2", "--sign")
    return out, proc


@pytest.mark.slow
def test_batch_keeps_still_valid_dossiers_and_reports_bad_rows(first_run, archive):
    out, proc = first_run
    assert proc.returncode == 1, proc.stderr  # bad rows need attention
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert sorted((x["dossier"], Path(x["source"]).name) for x in lines) == [
        ("HS-001", "trang1.jpg"), ("HS-001", "trang2.jpg"), ("HS-003", "trang1.jpg"), ("HS-003", "trang2.jpg")]
    assert all(x["status"] == "ok" and x["signature"]["level"] == "B-B" for x in lines)
    assert "row 6 HS-005: bad row: path '../escape.jpg' leads outside" in proc.stderr
    assert "row 7 HS-006: bad row: missing file" in proc.stderr
    assert "row 3 HS-002: expired before 2025-06-30" in proc.stderr
    assert "row 5 HS-004: not yet issued on 2025-06-30" in proc.stderr
    assert_store_intact(out / "store", {str(archive / f"hs0{i}" / f"trang{j}.jpg") for i in (0, 2) for j in (1, 2)})
    rec = json.loads(digitize("store", "ls", "--json", "--store", str(out / "store")).stdout.splitlines()[0])
    assert rec["dossier"] == "HS-001"
    meta = open_store(out / "store").get(rec["id"]).metadata
    assert meta["procedure_code"] == "1.004227" and meta["ghi_chu"] == "bản gốc" and meta["valid_until"] == ""


@pytest.mark.slow
def test_report_files(first_run):
    out, _ = first_run
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    s = report["summary"]
    assert s["dossiers"] == {"done": 2, "skipped": 4}
    assert s["documents"] == {"stored": 4} and s["pages"] == 4 and s["pages_per_second"] > 0
    assert s["reasons"] == {"dossier skipped: expired": 1, "dossier skipped: not yet issued": 1,
                            "dossier skipped: bad row": 2}
    assert len(report["documents"]) == 4 and len(report["dossiers"]) == 6
    qa = [d["id"] for d in report["documents"] if d["qa_sample"]]
    # the sampling rule, computed here on its own: sha256("<seed>:<id>") below rate x 2^64 (seed 0)
    assert qa == [d["id"] for d in report["documents"]
                  if int.from_bytes(hashlib.sha256(f"0:{d['id']}".encode()).digest()[:8], "big") < 0.5 * 2**64]
    # (which of four documents fall in a 50 % sample depends on their ids, which follow the settings key)
    raw = (out / "report.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 4 and {r["dossier"] for r in rows} == {"HS-001", "HS-003"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "<svg" in html
    assert 'href="http' not in html and 'src=' not in html  # self-contained: nothing fetched
    flagged = [d for d in report["documents"] if d["qa_sample"] or d.get("needs_review")]
    assert "Giấy tờ cần kiểm tra" in html and 'lang="vi"' in html  # Vietnamese unless --lang en
    assert html.count('href="file://') >= 2 * len(flagged)
    assert "hồ sơ bỏ qua: chưa ban hành" in html  # the reasons chart in words
    # the rows say why in Vietnamese, dates dd/mm/yyyy; the JSON keeps the pipeline's English reason
    assert "hết hiệu lực trước ngày 30/06/2025" in html and "chưa ban hành vào ngày 30/06/2025" in html
    assert "expired before 2025-06-30" not in html
    assert any(d["reason"].startswith("expired before 2025-06-30") for d in report["dossiers"])


@pytest.mark.slow
def test_every_document_of_a_full_qa_sample_is_listed_for_review(archive, tmp_path):
    """The 50 % sample above may, for four documents, be empty: a sample of 100 % shows the review list."""
    digitize("batch", str(archive / "manifest.csv"), "--store", str(tmp_path / "store"), "--valid-on", "30/06/2025",
             "--report", str(tmp_path / "report"), "--qa-sample", "100%", "--json", "--jobs", "2", "--no-sign",
             "--lang", "en")
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert len(report["documents"]) == 4 and all(d["qa_sample"] for d in report["documents"])
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    review = html[html.index("Documents needing review"):]
    assert review.count("QA sample") == 4 and review.count('href="file://') >= 8


@pytest.mark.slow
def test_rerun_is_a_no_op_and_retry_failed_reruns_failures(first_run, archive, tmp_path):
    out, _ = first_run
    before = stored(out / "store")
    again = digitize("batch", str(archive / "manifest.csv"), "--store", str(out / "store"), "--valid-on",
                     "2025-06-30", "--json", "--jobs", "1", "--sign", "--report", str(tmp_path / "r2"))
    assert stored(out / "store") == before
    assert again.stdout == ""  # done dossiers are not even opened
    assert json.loads((tmp_path / "r2.json").read_text())["summary"]["dossiers"]["done (earlier run)"] == 2

    # a dossier that fails (unreadable scan), then is repaired and retried
    root = make_archive(tmp_path / "a2", 2, docs=1, tag="B")
    (root / "hs01" / "trang1.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    store = tmp_path / "s2"
    args = ["batch", str(root), "--store", str(store), "--no-sign", "--jobs", "1"]
    r1 = digitize(*args)
    assert r1.returncode == 1 and "failed" in r1.stderr and "trang1.jpg" in r1.stderr
    render_text_page(root / "hs01" / "trang1.jpg", size=(900, 500), lines=("GIẤY XÁC NHẬN", "Số: 99/XN"))
    r2 = digitize(*args)
    assert r2.returncode == 1 and len(stored(store)) == 1  # failure remembered, not rerun
    r3 = digitize(*args, "--retry-failed")
    assert r3.returncode == 0, r3.stderr
    assert_store_intact(store, {str(root / f"hs0{i}" / "trang1.jpg") for i in (0, 1)})


def test_expired_by_extracted_fields_is_not_stored(tmp_path):
    """Without manifest dates the document's own validity decides (the gate around the store)."""
    store = open_store(tmp_path / "s")
    gate = ValidityGate(store, date(2025, 6, 30))

    def rec(source: str, valid_until: str | None, meta: dict) -> Record:
        return Record(id=source, dossier="D", source=source, source_sha256=source * 4, settings_key="k",
                      doc_type="cccd", pages=1, pdf="", sha256=hashlib.sha256(source.encode()).hexdigest(),
                      fields=(), warnings=(), signature=None, created_at="2025-01-01T00:00:00+00:00",
                      pipeline_version="t", valid_until=valid_until, metadata=meta)

    from digitize.errors import DigitizeError

    with pytest.raises(DigitizeError, match="from extracted fields"):
        gate.put(rec("a", "2025-06-29", {}), b"%PDF-1.7 a", [])
    assert "a" in gate.expired and store.find("aaaa", "k") is None
    gate.put(rec("b", "2025-06-30", {}), b"%PDF-1.7 b", [])  # last valid day
    gate.put(rec("c", "2020-01-01", {"valid_until": ""}), b"%PDF-1.7 c", [])  # the manifest says permanent
    assert store.find("bbbb", "k") and store.find("cccc", "k")


@pytest.mark.slow
def test_kill_9_at_several_points_then_resume_exactly_once(tmp_path):
    """Kills at chosen points, not after guessed delays (support.faults): each kill is asserted to
    have happened where asked, then resumed runs store every document exactly once."""
    root = make_archive(tmp_path / "arch", 8, docs=2, size=(1240, 900), tag="K")
    store = tmp_path / "store"
    args = ("batch", str(root), "--store", str(store), "--no-sign", "--jobs", "2")
    expected = {str(p) for p in root.glob("hs*/trang*.jpg")}

    def killed_run(name: str, **fault) -> dict:
        marker = tmp_path / f"{name}.fault"
        proc = popen(*args, **fault_env(marker, **fault))
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == -signal.SIGKILL, err
        m = read_marker(marker)
        assert m["killed"] == proc.pid  # the coordinator, no other process
        return m

    # start-up: the coordinator dies while a worker reads the first page, before anything is stored
    m = killed_run("first-page", kill_coordinator_at=f"Số: {page_number(0, 0)}")
    assert m["fault"] == "kill_coordinator" and m["by"] == m["worker"] != m["killed"]
    assert stored(store) == []
    # just after the catalog transaction of the 2nd document, then of 3 more (already stored ones
    # are no-ops, not counted)
    m = killed_run("after-2", kill_coordinator_after_stored=2)
    assert m["fault"] == "kill_coordinator_after_stored" and m["by"] == m["killed"]
    assert len(stored(store)) == 2
    killed_run("after-3-more", kill_coordinator_after_stored=3)
    assert len(stored(store)) == 5
    # a worker dies mid-page in the resumed run: its pages are retried and the run completes
    marker = tmp_path / "worker.fault"
    final = popen(*args, "--json", **fault_env(marker, kill_worker_at=f"Số: {page_number(6, 1)}"))
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    m = read_marker(marker)
    assert m["fault"] == "kill_worker" and m["killed"] == m["by"] != final.pid and m["coordinator"] == final.pid
    assert_store_intact(store, expected)
    assert str(root / "hs06" / "trang2.jpg") in {json.loads(x)["source"] for x in out.splitlines()}
    # the journal has every dossier done: a further run opens nothing
    again = digitize(*args, "--json", "--report", str(tmp_path / "again"))
    assert again.returncode == 0 and again.stdout == "", again.stderr
    summary = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))["summary"]
    assert summary["dossiers"] == {"done (earlier run)": 8}
