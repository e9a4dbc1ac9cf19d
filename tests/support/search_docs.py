"""Documents for search tests and the search benchmark, stored through the Store API as the pipeline
stores them (a real PDF object, one catalog transaction, the page text put as the station puts it),
with the text and fields given instead of read by OCR, so what a search must find is known."""
from __future__ import annotations

import hashlib
import io
import json
import lzma
import random
from datetime import datetime, timedelta, timezone

import pikepdf

from digitize.model import Field, Record
from support.paths import CORPUS

PLACES = CORPUS / "vietnam-admin-units" / "vietnam-provinces_2025.10.1_nested-divisions.json"
LEGAL_TEXT = CORPUS / "vietnamese-legal-text" / "corpus.txt.xz"
DOC_TYPES = ("quyet_dinh", "nghi_dinh", "cong_van", "giay_khai_sinh")


def blank_pdf(pages: int = 1) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def put_document(store, key: str, *, dossier: str, pages: list[str], fields: dict[str, str] | None = None,
                 doc_type: str = "quyet_dinh", needs_review: tuple[str, ...] = (), username: str = "lan",
                 created_at: str | None = None, original_name: str | None = None, pdf: bytes | None = None) -> Record:
    """Store one draft named by `key` (its id and source come from it); returns the stored record."""
    sha = hashlib.sha256(key.encode()).hexdigest()
    pdf = pdf or blank_pdf(len(pages))
    meta = {"original_name": original_name} if original_name else {}
    rec = Record(
        id=sha[:20], dossier=dossier, source=f"/scans/{key}.pdf", source_sha256=sha, settings_key="search-test",
        doc_type=doc_type, pages=len(pages), pdf="", sha256=hashlib.sha256(pdf).hexdigest(),
        fields=tuple(Field(n, v, v, 90.0, 1, None, True, n in needs_review, "check" if n in needs_review else "")
                     for n, v in (fields or {}).items()),
        warnings=(), signature=None, created_at=created_at or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        pipeline_version="test", metadata=meta)
    stored, _ = store.put(rec, pdf, [{"source": rec.source} for _ in pages], draft=True, username=username)
    store.review.put_text(stored.id, pages)
    return stored


def place_names() -> list[str]:
    """Province and ward names as they are written (with their marks), from the national list."""
    names = []
    for province in json.loads(PLACES.read_text(encoding="utf-8")):
        names.append(province["name"])
        names += [w["name"] for w in province.get("wards", [])]
    return names


def legal_lines(limit: int = 60_000) -> list[str]:
    """Lines of real Vietnamese legal text to make page text of."""
    with lzma.open(LEGAL_TEXT, "rt", encoding="utf-8") as f:
        lines = []
        for line in f:
            line = line.strip()
            if len(line) > 30:
                lines.append(line)
                if len(lines) >= limit:
                    break
    return lines


def generate(store, count: int, seed: int = 19) -> None:
    """`count` drafts with 1-4 pages of legal text each, a place name in the text, fields, dossiers of
    1-5 documents, four document types, dates over a year, three users."""
    rng = random.Random(seed)
    lines, places = legal_lines(), place_names()
    pdf = blank_pdf(1)  # one object for all: search never opens it
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    dossier, left = "", 0
    for i in range(count):
        if left == 0:
            dossier, left = f"H{rng.randrange(10**6):06d}-{rng.randrange(10**4):04d}", rng.randint(1, 5)
        left -= 1
        place = rng.choice(places)
        pages = [" ".join(rng.choice(lines) for _ in range(rng.randint(8, 20))) for _ in range(rng.randint(1, 4))]
        pages[0] = f"{place}, ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)} năm 2026\n" + pages[0]
        fields = {"so_ky_hieu": f"{rng.randint(1, 999)}/QĐ-UBND", "trich_yeu": rng.choice(lines)[:200],
                  "noi_ban_hanh": place}
        put_document(store, f"gen-{seed}-{i}", dossier=dossier, pages=pages, fields=fields,
                     doc_type=rng.choice(DOC_TYPES), needs_review=("trich_yeu",) if rng.random() < 0.3 else (),
                     username=rng.choice(("lan", "minh", "ha")), pdf=pdf,
                     created_at=(start + timedelta(minutes=rng.randrange(365 * 24 * 60))).isoformat(timespec="seconds"))
