"""Archives to feed `run` and `batch`: folders of dossier folders of rendered pages, and manifests."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from support.pages import render_text_page

MANIFEST_COLUMNS = ("ma_ho_so", "ma_tthc", "duong_dan", "ngay_cap", "hieu_luc_den", "ghi_chu")


def page_number(dossier: int, doc: int) -> str:
    """The document number printed on page `doc` of dossier `dossier` of make_archive: unique per page,
    so a test can name a page by its content (see support.faults)."""
    return f"{dossier:02d}{doc}/XN-UBND"


def make_archive(root: Path, dossiers: int, docs: int = 2, size=(900, 500), tag: str = "") -> Path:
    """Small clean pages (fast OCR): `dossiers` folders hs00.. of `docs` JPEGs trang1.jpg.. each; every
    page differs so every document has its own checksum."""
    for i in range(dossiers):
        d = root / f"hs{i:02d}"
        d.mkdir(parents=True, exist_ok=True)
        for j in range(docs):
            render_text_page(d / f"trang{j + 1}.jpg", size=size, lines=(
                f"GIẤY XÁC NHẬN {tag}", f"Số: {page_number(i, j)}", "Họ, chữ đệm, tên: Nguyễn Văn An"))
    return root


def write_manifest(path: Path, rows: Iterable[Iterable[str]]) -> Path:
    """A manifest CSV with the standard columns; each row gives the columns in MANIFEST_COLUMNS order."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path
