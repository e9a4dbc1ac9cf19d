"""E-ARK export at scale: time and peak memory of `store export --format eark-sip` for 100 and 1,000
documents, against the plain export (PDFs + records.jsonl) of the same store in the same run.

The records are built cheaply through the store API: one small signed PDF (the government-signed
decree of the corpus) stored as the PDF/A and as the original of every record, ten documents per
dossier — what is measured is the export, not OCR. Each export runs in its own process so its peak
memory (ru_maxrss) is its own. Also measured: one dossier holding every document (one METS and
one PREMIS of 1,000 entries), the worst case for memory."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SIGNED = REPO.parent / "shared" / "corpus" / "real-scans" / "nd199-2026" / "199-ndcp.signed.pdf"

_EXPORT = """
import json, resource, sys, time
from pathlib import Path
from digitize.store import open_store
t = time.perf_counter()
store = open_store(sys.argv[1])
if sys.argv[3] == "plain":
    import shutil
    out = Path(sys.argv[2]); out.mkdir(parents=True)
    for rec in store.records():
        shutil.copyfile(rec.pdf, out / (rec.id + ".pdf"))
    n = 0
else:
    from digitize.archive.export import export_packages
    n = sum(1 for _ in export_packages(store, Path(sys.argv[2]), sys.argv[3], sys.argv[4] == "zip",
                                       organisation="UBND xã Bench"))
print(json.dumps({"seconds": time.perf_counter() - t, "packages": n,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build_store(root: Path, documents: int, per_dossier: int = 10, pdf: Path = SIGNED):
    """A store of `documents` records (dossiers of `per_dossier`), all pointing at one PDF."""
    from digitize.model import Field, Record, SignatureSummary
    from digitize.store import open_store
    from digitize.store.originals import Original

    store = open_store(root)
    sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    size = pdf.stat().st_size
    data = pdf.read_bytes()
    for i in range(documents):
        dossier = f"000.00.00.H42-250101-{i // per_dossier:04d}"
        rec = Record(
            id=hashlib.sha256(f"bench{i}".encode()).hexdigest()[:20], dossier=dossier, source=str(pdf),
            source_sha256=sha, settings_key=f"bench-{i}", doc_type="quyet_dinh", pages=3, pdf="", sha256=sha,
            fields=(Field("so_van_ban", f"{i}/2026/NĐ-CP", f"{i}/2026/NĐ-CP", 95.0, 1),
                    Field("ngay_ban_hanh", "2026-06-05", "ngày 05 tháng 6 năm 2026", 91.0, 1)),
            warnings=(), signature=SignatureSummary("Bench signer", "B-B", "2026-06-10T14:15:42+07:00", "0" * 64),
            created_at="2026-12-01T01:00:00+00:00", pipeline_version="bench",
            metadata={"doc_ordinal": str(i % per_dossier + 1), "procedure_code": "1.004227"},
        )
        original = Original(sha, "pdf", "application/pdf", size, "electronic", pdf.name, None, rec.created_at)
        store.put(rec, data, [{"source": f"{pdf}:{p}", "dpi": 300} for p in (1, 2, 3)], original=original)
    return store


def export_once(store_root: Path, out: Path, package_format: str, as_zip: bool = False) -> dict:
    r = subprocess.run([sys.executable, "-c", _EXPORT, str(store_root), str(out), package_format,
                        "zip" if as_zip else "dir"], capture_output=True, text=True, cwd=REPO, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def bench_archive(counts=(100, 1000)) -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="digitize-bench-archive-") as tmp:
        for n in counts:
            root = Path(tmp) / f"store{n}"
            t = time.perf_counter()
            build_store(root, n)
            built = time.perf_counter() - t
            plain = export_once(root, Path(tmp) / f"plain{n}", "plain")
            sip = export_once(root, Path(tmp) / f"sip{n}", "sip")
            aip_zip = export_once(root, Path(tmp) / f"zip{n}", "aip", as_zip=True)
            results[str(n)] = {
                "build_seconds": round(built, 1), "plain_seconds": round(plain["seconds"], 2),
                "sip_seconds": round(sip["seconds"], 2), "zip_seconds": round(aip_zip["seconds"], 2),
                "documents_per_s": round(n / sip["seconds"], 1), "packages": sip["packages"],
                "sip_vs_plain_time": round(sip["seconds"] / max(1e-6, plain["seconds"]), 2),
                "peak_mib": {"plain": round(plain["peak_mib"]), "sip": round(sip["peak_mib"]),
                             "zip": round(aip_zip["peak_mib"])},
            }
        # the worst case for memory: every document in one dossier (one METS, one PREMIS)
        one = {}
        for n in counts:
            root = Path(tmp) / f"one{n}"
            build_store(root, n, per_dossier=n)
            one[str(n)] = export_once(root, Path(tmp) / f"one-sip{n}", "sip")
        results["one_dossier"] = {n: {"sip_seconds": round(r["seconds"], 2), "peak_mib": round(r["peak_mib"])}
                                  for n, r in one.items()}
    if len(counts) == 2:
        a, b = (results[str(n)]["peak_mib"]["sip"] for n in counts)
        c, d = (results["one_dossier"][str(n)]["peak_mib"] for n in counts)
        results["peak_ratio"] = {"dossiers_of_10": round(b / a, 2), "one_dossier": round(d / c, 2)}
    return results


if __name__ == "__main__":
    print(json.dumps(bench_archive(), indent=2))
