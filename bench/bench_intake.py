"""Review-station intake under load, against a real `digitize serve` (the tests' station helper):

- contended upload: a one-page 300 dpi scan sent 3 s after a 28-page PDF (qd222-2025, real scans),
  its upload-to-draft time as a ratio of the same scan's solo time in the same run (target: within
  2.5x solo + 2 s);
- upload memory: the server's RSS growth while it receives a 300 MB upload (streamed to disk in
  chunks, so bounded by the chunk size, not the file size).
"""
from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

WARM = REPO / "samples" / "types" / "cccd_1.jpg"
SCAN = REPO / "samples" / "degraded" / "05_skew_neg7_300dpi.jpg"
LONG_PDF = REPO.parent / "shared" / "corpus" / "real-scans" / "qd222-2025" / "222-ttg.signed.pdf"
BIG = 300 * 1000 * 1000
MIB = 1024 * 1024


def _send(client, name: str, data: bytes) -> str:
    r = client.post("/api/documents", files={"file": (name, data, "application/octet-stream")})
    r.raise_for_status()
    return r.json()["items"][0]["id"]


def _to_draft(client, name: str, data: bytes) -> float:
    from support.station import wait_until_processed

    t = time.perf_counter()
    doc = wait_until_processed(client, _send(client, name, data), every_s=0.02)
    assert doc["status"] == "draft", doc
    return time.perf_counter() - t


def _contended(client) -> dict:
    """The scan (its bytes made unique: a JPEG ends at its EOI marker) alone, then behind the PDF."""
    from support.station import wait_until_processed

    scan = SCAN.read_bytes()
    solo = _to_draft(client, "solo.jpg", scan + b"solo")
    t0 = time.perf_counter()
    pdf_id = _send(client, LONG_PDF.name, LONG_PDF.read_bytes())
    time.sleep(3.0)  # as an office would: the small one comes while the long one is being read
    contended = _to_draft(client, "behind.jpg", scan + b"behind")
    wait_until_processed(client, pdf_id, deadline_s=900, every_s=0.2)
    pdf_s = time.perf_counter() - t0
    target = 2.5 * solo + 2.0
    return {"scan": SCAN.name, "behind": f"{LONG_PDF.parent.name} (28 pages), sent 3 s before",
            "solo_s": round(solo, 2), "contended_s": round(contended, 2),
            "ratio_to_solo": round(contended / solo, 2), "target_s": round(target, 2),
            "within_target": contended <= target, "long_pdf_to_draft_s": round(pdf_s, 1)}


def _chunks(total: int, head: bytes, tail: bytes):
    yield head
    left = total - len(head) - len(tail)
    block = b"\0" * MIB
    while left > 0:
        n = min(MIB, left)
        left -= n
        yield block[:n]
    yield tail


def _upload_memory(station, client) -> dict:
    """RSS of the server process (its workers apart) sampled while a 300 MB body streams in."""
    import psutil

    server = psutil.Process(station.proc.pid)
    boundary = "bench-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.tif\"\r\n"
            "Content-Type: image/tiff\r\n\r\n").encode() + b"II*\0"
    tail = f"\r\n--{boundary}--\r\n".encode()
    before = server.memory_info().rss
    peak, done = [before], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak.append(server.memory_info().rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    t = time.perf_counter()
    try:
        r = client.post("/api/documents", content=_chunks(BIG, head, tail),
                        headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                 "Content-Length": str(BIG)})
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - t
    return {"upload_mb": BIG // 1000 // 1000, "answer": r.status_code, "seconds": round(seconds, 1),
            "rss_before_mib": round(before / MIB), "rss_growth_mib": round((max(peak) - before) / MIB, 1),
            "chunk_mib": 1, "leftover_temp_files": len(list((station.store / "uploads").glob(".upload-*")))}


def bench_intake() -> dict:
    from support.station import start_station

    with tempfile.TemporaryDirectory() as tmp:
        station = start_station(Path(tmp), "--max-upload", "400")
        try:
            with station.client("lan") as staff:
                _to_draft(staff, WARM.name, WARM.read_bytes())  # loads the OCR model in the workers
                contended = _contended(staff)
                memory = _upload_memory(station, staff)
        finally:
            station.stop()
    return {"contended_upload": contended, "upload_memory": memory}


if __name__ == "__main__":
    import json

    print(json.dumps(bench_intake(), indent=2))
