"""The review station's intake as an office relies on it, against a real `digitize serve`, a real
store and real tesseract: accepted uploads survive kill -9 and become drafts by themselves after a
restart, partial uploads are swept, `verify --store` names what is out of order, pages of a small
upload are read between those of a long PDF sent before it, and oversized uploads are refused."""
from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import warnings

import pikepdf
import pytest

from support import SAMPLES
from support.station import serve, start_station, wait_until_processed

SCANS = [SAMPLES / "types" / "cccd_1.jpg", SAMPLES / "degraded" / "05_skew_neg7_300dpi.jpg",
         SAMPLES / "degraded" / "10_seal_signature_300dpi.jpg"]


def _upload(client, *paths, **form):
    files = [("file", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
    return client.post("/api/documents", files=files, data=form)


def _verify_store(store) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digitize.cli.app", "verify", "--store", str(store)],
                          capture_output=True, text=True, timeout=600)


def _unfinished(store) -> set[str]:
    from digitize.store import open_store

    return {row.id for row in open_store(store).jobs.active()}


def test_accepted_uploads_survive_kill_9_and_become_drafts_after_restart(tmp_path):
    station = start_station(tmp_path)
    try:
        with station.client("lan") as staff:
            answers = [_upload(staff, p, dossier="H26-KILL") for p in SCANS]
        assert [r.status_code for r in answers] == [202, 202, 202], [r.text for r in answers]
        ids = [r.json()["items"][0]["id"] for r in answers]
        station.proc.kill()  # kill -9 right after the answers
        station.proc.wait(30)
    finally:
        station.stop()
    store = station.store
    # a partial upload a killed server left, and an original nothing names
    (store / "uploads" / ".upload-stale").write_bytes(b"\xff\xd8\xff half a scan")
    stray = hashlib.sha256(b"stray").hexdigest()
    (store / "originals" / stray[:2]).mkdir(parents=True, exist_ok=True)
    (store / "originals" / stray[:2] / f"{stray}.jpg").write_bytes(b"stray")
    unfinished = _unfinished(store)
    assert unfinished, "every upload was a draft before the kill: nothing left to resume"

    report = _verify_store(store)
    assert report.returncode == 1
    assert f"orphan original: originals/{stray[:2]}/{stray}.jpg" in report.stderr
    stuck = {line.split()[4] for line in report.stderr.splitlines() if "stuck upload job:" in line}
    assert stuck == unfinished, report.stderr

    again = serve(store, tmp_path / "server-again.log")
    try:
        assert not (store / "uploads" / ".upload-stale").exists()  # swept at start
        with again.client("lan") as staff:  # nobody sends anything again: each becomes a draft by itself
            docs = [wait_until_processed(staff, doc_id) for doc_id in ids]
            assert [d["status"] for d in docs] == ["draft"] * 3, docs
    finally:
        again.stop()
    from digitize.store import open_store

    kept = open_store(store)
    for doc_id, path in zip(ids, SCANS):
        assert [o.sha256 for o in kept.originals(doc_id)] == [hashlib.sha256(path.read_bytes()).hexdigest()]
        assert kept.jobs.get(doc_id).status == "done"
    report = _verify_store(store)
    assert "stuck upload job" not in report.stderr and "orphan original" in report.stderr


def _pdf_of_pages(source, count: int) -> bytes:
    with pikepdf.open(source) as src, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the signature widget is not wanted in the copy
        out = pikepdf.new()
        out.pages.extend(src.pages[:count])
        buf = io.BytesIO()
        out.save(buf)
    return buf.getvalue()


def _long_pdf(folder, corpus):
    path = folder / "qd222-first-pages.pdf"
    path.write_bytes(_pdf_of_pages(corpus / "real-scans" / "qd222-2025" / "222-ttg.signed.pdf", 8))
    return path


def test_a_one_page_scan_behind_a_long_pdf_is_read_between_its_pages(tmp_path, corpus):
    long_pdf = _long_pdf(tmp_path, corpus)
    station = start_station(tmp_path)
    try:
        with station.client("lan") as staff:
            r = _upload(staff, long_pdf, SCANS[0], dossier="H26-FAIR")  # the long one first, in one upload
            assert r.status_code == 202, r.text
            pdf_id, scan_id = [i["id"] for i in r.json()["items"]]
            listing = staff.get("/api/documents", params={"status": "processing"}).json()["items"]
            shown = {i["id"]: i for i in listing}
            if pdf_id in shown:  # progress per document while it is processed
                assert shown[pdf_id]["progress"]["pages_total"] in (0, 8)
            assert wait_until_processed(staff, scan_id)["status"] == "draft"
            assert wait_until_processed(staff, pdf_id)["status"] == "draft"
    finally:
        station.stop()
    from digitize.store import open_store

    jobs = open_store(station.store).jobs
    pdf_order, scan_order = jobs.get(pdf_id).read_order, jobs.get(scan_id).read_order
    assert len(pdf_order) == 8 and len(scan_order) == 1
    # the scan's page was read while the PDF still had most of its pages to go, not after all of them:
    # at most the pages already on the workers were ahead of it
    assert scan_order[0] < max(pdf_order), (pdf_order, scan_order)
    assert sum(n > scan_order[0] for n in pdf_order) >= 8 - 3, (pdf_order, scan_order)
    assert (jobs.get(pdf_id).pages_done, jobs.get(pdf_id).pages_total) == (8, 8)


@pytest.fixture(scope="module")
def small_station(tmp_path_factory):
    station = start_station(tmp_path_factory.mktemp("limits"), "--max-files", "3", "--max-queue", "1")
    yield station
    station.stop()


def _zeros(total: int, chunk: int = 1 << 20):
    sent = 0
    while sent < total:
        n = min(chunk, total - sent)
        sent += n
        yield b"\0" * n


def _multipart_body(total: int, boundary: str = "digitize-test-boundary"):
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode() + b"\xff\xd8\xff"
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head, tail, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_an_oversized_upload_is_413_naming_its_size_and_nothing_is_kept(small_station):
    size = 201 * 1024 * 1024  # over the default limit of 200 MiB
    head, tail, headers = _multipart_body(size)

    def body():
        yield head
        yield from _zeros(size - len(head) - len(tail))
        yield tail

    with small_station.client("lan") as staff:
        announced = staff.post("/api/documents", content=body(), headers={**headers, "Content-Length": str(size)})
        assert announced.status_code == 413, announced.text
        data = announced.json()
        assert data["code"] == "too_large" and "201 MiB" in data["error"] and "200 MiB" in data["error"]
        assert "201 MiB" in data["message"] and "vượt giới hạn 200 MiB" in data["message"]
        streamed = staff.post("/api/documents", content=body(), headers=headers)  # chunked: no length given
        assert streamed.status_code == 413, streamed.text
        assert "over the limit of 200 MiB" in streamed.json()["error"]
        many = [("file", (f"s{i}.jpg", SCANS[0].read_bytes(), "image/jpeg")) for i in range(4)]
        too_many = staff.post("/api/documents", files=many)
        assert too_many.status_code == 413 and too_many.json()["code"] == "too_many_files", too_many.text
    assert [p.name for p in (small_station.store / "uploads").iterdir()] == []
    assert not (small_station.store / "originals").exists() or not any((small_station.store / "originals").rglob("*.*"))


def test_beyond_the_queue_limit_an_upload_is_503_and_nothing_of_it_is_kept(small_station, tmp_path, corpus):
    long_pdf, scan = _long_pdf(tmp_path, corpus), SCANS[1]
    scan_sha = hashlib.sha256(scan.read_bytes()).hexdigest()
    with small_station.client("lan") as staff:
        both = _upload(staff, long_pdf, scan)  # the station takes one waiting upload (--max-queue 1)
        assert both.status_code == 202, both.text
        [taken], [refused] = both.json()["items"], both.json()["errors"]
        assert refused["file"] == scan.name and refused["code"] == "queue_full"
        assert "đang chờ xử lý" in refused["message"]
        again = _upload(staff, scan)  # the PDF's eight pages are still being read
        assert again.status_code == 503 and again.headers["Retry-After"], again.text
        assert again.json()["code"] == "queue_full" and "Hàng đợi xử lý đang đầy" in again.json()["message"]
        assert not list((small_station.store / "originals").glob(f"*/{scan_sha}.*"))
        assert list((small_station.store / "uploads").glob(".upload-*")) == []
        assert wait_until_processed(staff, taken["id"])["status"] == "draft"
        later = _upload(staff, scan)  # room again
        assert later.status_code == 202, later.text
        assert wait_until_processed(staff, later.json()["items"][0]["id"])["status"] == "draft"
