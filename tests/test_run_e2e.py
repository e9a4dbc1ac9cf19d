"""End to end on the committed degraded samples: `digitize run` with real tesseract, then the
stored PDFs are read back the way a user would (pdftotext, qpdf, Preflight, pikepdf)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from digitize.pdfa.checks.conformance import check_pdfa
from digitize.tools.preflight import preflight
from digitize.tools.qpdf import qpdf_check
from digitize.vn.metrics import char_errors
from support import SAMPLES

pytestmark = pytest.mark.slow  # whole runs over the degraded samples

DEGRADED = SAMPLES / "degraded"
# Measured on samples/degraded (19 pages, 2 blank) when this test was written, text read with
# `pdftotext -raw`: 1.7 % over all text pages, 0.35 % on the hard ones (show-through, low
# contrast, too dark) where plain tesseract has 7.4 %. The thresholds leave room for tesseract
# version drift only.
MAX_CER_ALL = 0.025
MAX_CER_HARD_VS_TESSERACT = 0.5
# Rules where PDF/A-2 differs from PDF/A-1, the only Preflight (a PDF/A-1b validator) errors
# allowed on PDF/A-2b output: 7.11.2 is the XMP part number (2, where PDF/A-1 wants 1).
ALLOWED_ON_2B = {"7.11.2": "pdfaid:part is 2"}


def _run(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digitize.cli.app", *args], capture_output=True, text=True,
                          timeout=timeout)


def _truth(page: Path) -> dict:
    return json.loads(page.with_suffix(".gt.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def degraded_run(tmp_path_factory):
    store = tmp_path_factory.mktemp("e2e") / "store"
    pages = sorted(DEGRADED.glob("*.jpg"))
    assert len(pages) >= 16
    proc = _run("run", *map(str, pages), "--store", str(store), "--no-sign", "--json", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    rows = {Path(r["source"]).name: r for r in map(json.loads, proc.stdout.splitlines())}
    return store, pages, rows, proc


def _pdftotext(pdf: str) -> str:
    # -raw: the text in content-stream order, which is what a viewer's select-all and copy give
    return subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True, check=True).stdout


def test_json_contract_and_clean_stdout(degraded_run):
    _, pages, rows, proc = degraded_run
    assert set(rows) == {p.name for p in pages}  # every stdout line is one JSON object
    for r in rows.values():
        assert r["status"] == "ok"
        assert {"id", "dossier", "source", "doc_type", "pages", "pdf", "sha256", "fields", "warnings"} <= set(r)
        assert Path(r["pdf"]).is_absolute() and Path(r["pdf"]).is_file()
    assert "pages" in proc.stderr  # rich progress went to stderr, not stdout


def test_text_layer_character_error_rate(degraded_run):
    _, pages, rows, _ = degraded_run
    ours = [0, 0]
    hard_ours = [0, 0]
    hard_raw = [0, 0]
    for page in pages:
        gt = _truth(page)
        if not gt["text"].strip():
            continue
        e, n = char_errors(_pdftotext(rows[page.name]["pdf"]), gt["text"])
        ours[0] += e
        ours[1] += n
        if gt.get("hard"):
            hard_ours[0] += e
            hard_ours[1] += n
            raw = subprocess.run(["tesseract", str(page), "-", "-l", "vie"], capture_output=True, text=True).stdout
            hard_raw[0] += char_errors(raw, gt["text"])[0]
            hard_raw[1] += n
    cer = ours[0] / ours[1]
    hard, hard_tesseract = hard_ours[0] / hard_ours[1], hard_raw[0] / hard_raw[1]
    print(f"CER all {cer:.4f}; hard {hard:.4f} vs plain tesseract {hard_tesseract:.4f}")
    assert cer <= MAX_CER_ALL
    assert hard <= MAX_CER_HARD_VS_TESSERACT * hard_tesseract


def test_turned_pages_come_out_upright(degraded_run):
    store, pages, rows, _ = degraded_run
    from digitize.store import open_store

    s = open_store(store)
    for page in pages:
        gt = _truth(page)
        detail = s.pages(rows[page.name]["id"])[0]
        if gt["text"].strip():
            assert detail["rotation"] == (360 - gt["rotation"]) % 360, page.name
            assert abs(detail["deskew"] - gt["skew"]) <= 0.3, page.name


def test_warnings_for_blank_and_dark_pages(degraded_run):
    _, pages, rows, _ = degraded_run
    blank = [r for name, r in rows.items() if "blank" in name]
    assert blank and all(any(w.endswith("blank") for w in r["warnings"]) for r in blank)
    dark = [r for name, r in rows.items() if "too_dark" in name]
    assert dark and all(any(w.endswith("too_dark") for w in r["warnings"]) for r in dark)


def test_stored_pdf_is_pdfa_2b(degraded_run):
    _, _, rows, _ = degraded_run
    pdf_path = rows["08_show_through_200dpi.jpg"]["pdf"]
    ok, messages = qpdf_check(pdf_path)
    assert ok, messages
    with pikepdf.open(pdf_path) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                desc = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor
                assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    report = check_pdfa(pdf_path)
    assert report.ok, report.problems
    result = preflight(pdf_path)
    assert {code for code, _ in result.errors} <= set(ALLOWED_ON_2B), result.errors


def test_pdfa_1b_passes_preflight_and_same_input_twice_stores_once(tmp_path):
    page = str(DEGRADED / "10_seal_signature_300dpi.jpg")
    store = str(tmp_path / "store")
    first = _run("run", page, "--store", store, "--no-sign", "--json", "--pdfa", "1b", "--jobs", "1")
    assert first.returncode == 0, first.stderr
    again = _run("run", page, "--store", store, "--no-sign", "--json", "--pdfa", "1b", "--jobs", "1")
    a, b = json.loads(first.stdout), json.loads(again.stdout)
    assert a["id"] == b["id"] and a["sha256"] == b["sha256"]
    listed = _run("store", "ls", "--store", store, "--json").stdout.splitlines()
    assert len(listed) == 1
    result = preflight(a["pdf"])
    assert result.ok and not result.errors, result.errors
