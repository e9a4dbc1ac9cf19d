"""Review-station timings against a real `digitize serve` on 127.0.0.1 (the tests' station helper):
upload of a one-page 300 dpi scan to its reviewable draft (workers warm: one scan goes first), showing
a stored A4 page and its fields (the document page, its image and its JSON), and API reads per second
with 20 concurrent clients (bounded in count and time)."""
from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

WARM = REPO / "samples" / "types" / "cccd_1.jpg"
SCANS_300DPI = [REPO / "samples" / "degraded" / n for n in ("05_skew_neg7_300dpi.jpg", "10_seal_signature_300dpi.jpg",
                                                            "01_rot90_300dpi.jpg")]
CLIENTS = 20
MAX_READS = 2000
MAX_SECONDS = 10.0


def _upload_to_draft(client, path: Path) -> tuple[float, str]:
    from support.station import wait_until_processed

    t = time.perf_counter()
    r = client.post("/api/documents", files={"file": (path.name, path.read_bytes(), "image/jpeg")})
    r.raise_for_status()
    doc_id = r.json()["items"][0]["id"]
    doc = wait_until_processed(client, doc_id, every_s=0.02)
    assert doc["status"] == "draft", doc
    return time.perf_counter() - t, doc_id


def _show(client, doc_id: str) -> float:
    t = time.perf_counter()
    client.get(f"/documents/{doc_id}").raise_for_status()
    client.get(f"/api/documents/{doc_id}/pages/1").raise_for_status()
    client.get(f"/api/documents/{doc_id}").raise_for_status()
    return time.perf_counter() - t


def _reads_per_second(station, doc_ids: list[str]) -> dict:
    import contextlib

    done: list[float] = []
    lock = threading.Lock()
    with contextlib.ExitStack() as stack:
        clients = [stack.enter_context(station.client("ha")) for _ in range(CLIENTS)]  # log-ins not timed
        deadline = time.monotonic() + MAX_SECONDS

        def client_loop(i: int) -> None:
            while time.monotonic() < deadline:
                with lock:
                    if len(done) >= MAX_READS:
                        return
                t = time.perf_counter()
                clients[i].get(f"/api/documents/{doc_ids[i % len(doc_ids)]}").raise_for_status()
                with lock:
                    done.append(time.perf_counter() - t)

        start = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(client_loop, range(CLIENTS)))
        elapsed = time.perf_counter() - start
    return {"clients": CLIENTS, "reads": len(done), "seconds": round(elapsed, 2),
            "reads_per_s": round(len(done) / elapsed, 1),
            "p50_ms": round(1000 * statistics.median(done), 1),
            "p95_ms": round(1000 * sorted(done)[int(0.95 * (len(done) - 1))], 1)}


def _pipeline_reference(tmp: Path) -> list[float]:
    """The same scans through the same pipeline in this process (engine warm, no server): the
    reference the station's upload-to-draft time is compared with, measured in the same minute."""
    from digitize.model import DocumentInput
    from digitize.pipeline.context import RunContext, Signing
    from digitize.pipeline.scheduler import run_documents
    from digitize.profiles.loader import load_profiles
    from digitize.settings import Settings
    from digitize.store import open_store

    ctx = RunContext(Settings(sign=True), open_store(tmp / "reference"), load_profiles(), Signing(None, None, True))
    times = []
    for path in [WARM] + SCANS_300DPI:
        t = time.perf_counter()
        [outcome] = list(run_documents([DocumentInput(str(path), path.stem)], ctx))
        assert outcome.ok, outcome.error
        times.append(time.perf_counter() - t)
    return times[1:]


def bench_web() -> dict:
    from support.station import start_station

    with tempfile.TemporaryDirectory() as tmp:
        reference = _pipeline_reference(Path(tmp))
        station = start_station(Path(tmp))
        try:
            with station.client("lan") as staff:
                warm_s, warm_id = _upload_to_draft(staff, WARM)  # loads the OCR model: not counted
                drafts = [_upload_to_draft(staff, p) for p in SCANS_300DPI]
                cold = [_show(staff, doc_id) for _, doc_id in drafts]  # first view: page image made
                warm = [_show(staff, doc_id) for _, doc_id in drafts for _ in range(3)]
            reads = _reads_per_second(station, [warm_id] + [d for _, d in drafts])
        finally:
            station.stop()
    times = [s for s, _ in drafts]
    return {
        "first_upload_to_draft_s": round(warm_s, 2),
        "upload_to_draft_s": {"median": round(statistics.median(times), 2), "max": round(max(times), 2),
                              "scans": [p.name for p in SCANS_300DPI], "target": 2.5},
        "pipeline_alone_s": {"median": round(statistics.median(reference), 2),
                             "station_vs_pipeline": round(statistics.median(times) / statistics.median(reference), 2)},
        "show_page_and_fields_ms": {"first": round(1000 * statistics.median(cold), 1),
                                    "again": round(1000 * statistics.median(warm), 1), "target": 300},
        "api_reads": reads,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(bench_web(), indent=2))
