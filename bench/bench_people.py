"""The person look-up and package import at scale.

Look-up: 100,000 generated records (25,000 citizens with four records each, some expired) in a sqlite
store and in a real PostgreSQL server (Debian's, started as tests/support/postgres.py starts it). The
documents' rows go in with one bulk INSERT and the person index through `people.index_many` — what is
measured is the look-up, not OCR. Timed: the index query alone (`store.people.records`) and the whole
audited look-up (`review.lookup.find_person`: rate-limit count, query, audit event), p50/p95/p99 over
random citizens. Target: p95 ≤ 50 ms.

Import: a store of distinct small signed PDFs (the store's demo key), exported as E-ARK SIPs, then
imported into a fresh store (every checksum and signature checked); records/s of both, same run."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

CITIZEN_RECORDS = 4  # records per citizen: three still valid, one expired
TYPES = ("don_de_nghi", "giay_khai_sinh", "xac_nhan_cu_tru", "ket_hon")


def _citizen(i: int) -> dict[str, str]:
    """A well-formed CCCD (Hà Nội, born 1950-2005) with the date of birth and sex it implies."""
    year = 1950 + i % 56
    female = i % 2 == 1
    century_sex = ("1" if female else "0") if year < 2000 else ("3" if female else "2")
    cccd = f"001{century_sex}{year % 100:02d}{i:06d}"
    return {"so_dinh_danh": cccd, "ho_ten": f"Nguyễn Văn {i}", "ngay_sinh": f"{1 + i % 28:02d}/03/{year}",
            "gioi_tinh": "Nữ" if female else "Nam"}


def generate(store, documents: int) -> list[str]:
    """`documents` signed records of documents // 4 citizens, in bulk; returns the citizens' CCCDs."""
    from digitize.store.catalog import _DOC_COLUMNS
    from digitize.store.people import index_many

    catalog = store._catalog
    today = dt.date.today()
    signature = json.dumps({"signer": "Bench signer", "level": "B-B", "signing_time": "2026-01-05T09:00:00+07:00",
                            "cert_sha256": "0" * 64})
    docs, index, cccds = [], [], []
    for i in range(documents):
        person = _citizen(i // CITIZEN_RECORDS)
        if i % CITIZEN_RECORDS == 0:
            cccds.append(person["so_dinh_danh"])
        expired = i % CITIZEN_RECORDS == 3
        issued = today - dt.timedelta(days=800 if expired else 100 + i % 300)
        until = today - dt.timedelta(days=30) if expired else today + dt.timedelta(days=365 + i % 1000)
        doc_id = hashlib.sha256(f"people-bench-{i}".encode()).hexdigest()[:20]
        meta = {"issued_on": issued.isoformat(), "valid_until": until.isoformat()}
        docs.append((doc_id, f"000.00.31.H26-260101-{i // CITIZEN_RECORDS:06d}", f"bench/{i}.jpg", doc_id * 3 + "0" * 4,
                     "bench", TYPES[i % len(TYPES)], 1, hashlib.sha256(doc_id.encode()).hexdigest(), "[]", signature,
                     "2026-01-05T02:00:00+00:00", "bench", until.isoformat(), json.dumps(meta), "signed"))
        index.append((doc_id, person, meta, until.isoformat()))
    cur = catalog.conn.cursor()
    cur.executemany(catalog._sql(f"INSERT INTO documents ({_DOC_COLUMNS}, status) VALUES ({', '.join('?' * 15)})"),
                    docs)
    catalog.conn.commit()
    index_many(catalog, index)
    return cccds


def _percentiles(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    pick = lambda q: round(ms[min(len(ms) - 1, int(q * len(ms)))], 2)  # noqa: E731
    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99), "mean_ms": round(statistics.mean(ms), 2)}


def time_lookups(store, cccds: list[str], n: int = 500) -> dict:
    """Latency of the index query and of the whole audited look-up, over n random citizens."""
    from digitize.review.lookup import find_person

    before = os.environ.get("DIGITIZE_LOOKUP_LIMIT")
    os.environ["DIGITIZE_LOOKUP_LIMIT"] = str(10 * n)  # the bench is one user asking many times
    rng = random.Random(7)
    today = dt.date.today().isoformat()
    sample = [rng.choice(cccds) for _ in range(n)]
    query, audited, found = [], [], 0
    for cccd in sample:
        t = time.perf_counter()
        found += len(store.people.records(f"cccd:{cccd}", today))
        query.append(1000 * (time.perf_counter() - t))
    try:
        for cccd in sample:
            t = time.perf_counter()
            find_person(store, cccd, "bench", dossier="000.00.31.H26-261208-0001")
            audited.append(1000 * (time.perf_counter() - t))
    finally:
        os.environ.pop("DIGITIZE_LOOKUP_LIMIT")
        if before is not None:
            os.environ["DIGITIZE_LOOKUP_LIMIT"] = before
    return {"lookups": n, "valid_records_per_citizen": round(found / n, 2), "index_query": _percentiles(query),
            "audited_lookup": _percentiles(audited)}


def bench_lookup_on(url: str, documents: int) -> dict:
    from digitize.store import open_store

    store = open_store(url)
    t = time.perf_counter()
    cccds = generate(store, documents)
    built = time.perf_counter() - t
    return {"documents": documents, "citizens": len(cccds), "build_seconds": round(built, 1),
            **time_lookups(store, cccds)}


def _small_pdf(text: str) -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = text
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def build_signed_store(root: Path, documents: int):
    """A store of `documents` records, each a distinct small PDF signed with the store's demo key."""
    from digitize.model import Field, Record
    from digitize.signing.signers import SignerSpec, open_signer
    from digitize.stages.sign import SignOptions, sign_pdf
    from digitize.store import open_store

    store = open_store(root)
    signer = open_signer(SignerSpec.parse("demo"), Path(store.keys_dir), prompt=False)
    for i in range(documents):
        signed, summary = sign_pdf(_small_pdf(f"Đơn đề nghị {i}"), signer, SignOptions(stamp=False))
        person = _citizen(i)
        rec = Record(id=hashlib.sha256(f"import-bench-{i}".encode()).hexdigest()[:20],
                     dossier=f"000.00.31.H26-260101-{i:04d}", source=f"bench/{i}.pdf",
                     source_sha256=hashlib.sha256(f"src{i}".encode()).hexdigest(), settings_key="bench",
                     doc_type="don_de_nghi", pages=1, pdf="", sha256=hashlib.sha256(signed).hexdigest(),
                     fields=tuple(Field(k, v, v, 95.0, 1) for k, v in person.items()), warnings=(),
                     signature=summary, created_at="2026-01-05T02:00:00+00:00", pipeline_version="bench",
                     valid_until="2030-01-01", metadata={"doc_ordinal": "1", "procedure_code": "1.004227"})
        store.put(rec, signed, [{"source": f"bench/{i}.pdf:1", "dpi": 300}])
    return store


def bench_import(documents: int = 200) -> dict:
    """records/s of `store export --format eark-sip` and of `store import` of what it wrote, same run."""
    from digitize.archive.export import export_packages
    from digitize.archive.receive import import_packages
    from digitize.store import open_store

    with tempfile.TemporaryDirectory(prefix="digitize-bench-import-") as tmp:
        a = build_signed_store(Path(tmp) / "a", documents)
        t = time.perf_counter()
        exported = sum(1 for _ in export_packages(a, Path(tmp) / "sip", "sip", False, organisation="UBND xã Bench"))
        export_s = time.perf_counter() - t
        packages = sorted(p for p in (Path(tmp) / "sip").iterdir() if p.is_dir())
        root = Path(a.keys_dir) / "demo-root.crt.pem"
        b = open_store(Path(tmp) / "b")
        t = time.perf_counter()
        outcomes = [o for _, o in import_packages(b, packages, [root], "bench")]
        import_s = time.perf_counter() - t
        refused = [str(o) for o in outcomes if isinstance(o, Exception)]
        created = sum(o.created for o in outcomes if not isinstance(o, Exception))
    return {"documents": documents, "packages": exported, "export_seconds": round(export_s, 2),
            "import_seconds": round(import_s, 2), "export_records_per_s": round(documents / export_s, 1),
            "import_records_per_s": round(created / import_s, 1), "imported": created, "refused": refused[:3],
            "import_vs_export_rate": round((created / import_s) / (documents / export_s), 3)}


def bench_people(documents: int = 100_000, import_documents: int = 200) -> dict:
    from support.postgres import postgres_server

    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="digitize-bench-people-") as tmp:
        results["sqlite"] = bench_lookup_on(str(Path(tmp) / "store"), documents)
        print("people sqlite:", json.dumps(results["sqlite"]), flush=True)
    os.environ.setdefault("DIGITIZE_OBJECTS", tempfile.mkdtemp(prefix="digitize-bench-objects-"))
    with postgres_server() as url:
        results["postgresql"] = bench_lookup_on(url, documents)
    print("people postgresql:", json.dumps(results["postgresql"]), flush=True)
    results["target_p95_ms"] = 50
    results["import"] = bench_import(import_documents)
    return results


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(json.dumps(bench_people(n), indent=2, ensure_ascii=False))
