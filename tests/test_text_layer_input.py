"""A PDF that is already searchable keeps its text layer (no second OCR) unless --redo-ocr;
a scanned PDF page that is one JPEG goes through byte for byte."""
from __future__ import annotations

import json
import subprocess

import pikepdf
import pytest

from support import digitize, invoke, render_text_page

pytestmark = pytest.mark.slow  # three whole runs


def _run(*args: str) -> dict:
    proc = digitize("run", *args, "--no-sign", "--json", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _page_detail(store, doc_id: str) -> dict:
    shown = invoke("store", "show", doc_id, "--store", str(store))
    assert shown.exit_code == 0, shown.stderr
    return json.loads(shown.stdout)["page_details"][0]


def _text(pdf: str) -> str:
    return subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True, check=True).stdout


def test_searchable_pdf_keeps_its_text_unless_redo_ocr(tmp_path):
    scan = render_text_page(tmp_path / "giay-xac-nhan.jpg", size=(1654, 2339))
    first = _run(str(scan), "--store", str(tmp_path / "a"))
    searchable = first["pdf"]  # our own PDF/A: one JPEG per page plus an invisible text layer

    kept = _run(searchable, "--store", str(tmp_path / "b"))
    detail = _page_detail(tmp_path / "b", kept["id"])
    assert detail["ocr_confidence"] == 100.0  # words taken from the text layer, not recognised again
    assert " ".join(_text(kept["pdf"]).split()) == " ".join(_text(searchable).split())
    with pikepdf.open(searchable) as src, pikepdf.open(kept["pdf"]) as out:
        raw_in = next(iter(src.pages[0].get_images().values())).read_raw_bytes()
        raw_out = next(iter(out.pages[0].get_images().values())).read_raw_bytes()
    assert raw_in == raw_out  # the scan's JPEG went through untouched

    redone = _run(searchable, "--store", str(tmp_path / "c"), "--redo-ocr")
    assert _page_detail(tmp_path / "c", redone["id"])["ocr_confidence"] < 100.0
    assert "Nguyễn Thị Hồng Nhung" in _text(redone["pdf"])
