"""`--ocr-model fast|best` (DIGITIZE_OCR_MODEL): the best model is the checksummed tessdata_best `vie` that
make setup installs; an unknown model is a usage error, a missing one says how to get it."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from digitize.errors import MissingDependency, UsageError
from digitize.model import Page, PageRef
from digitize.settings import ocr_model, tessdata_best
from digitize.stages.ocr import page as ocr
from digitize.tools import tesseract
from digitize.vn.metrics import normalise
from support import REPO, render_text_page

VIE_BEST_SHA256 = "112f6fd1d04ab4cb0208cad9cada8de214ae33a1e4db3750ffcda69262aef0a8"


def test_best_model_installed_with_its_checksum():
    data = (tessdata_best() / "vie.traineddata").read_bytes()
    assert hashlib.sha256(data).hexdigest() == VIE_BEST_SHA256
    assert VIE_BEST_SHA256 in (REPO / "Makefile").read_text()  # what setup checks is what we test


def test_model_choice(monkeypatch, tmp_path):
    monkeypatch.delenv("DIGITIZE_OCR_MODEL", raising=False)
    assert ocr_model() == "fast" and ocr_model("best") == "best"
    monkeypatch.setenv("DIGITIZE_OCR_MODEL", "best")
    assert ocr_model() == "best" and ocr_model("fast") == "fast"
    with pytest.raises(UsageError):
        tesseract.model_dir("huge", "vie")
    monkeypatch.setenv("DIGITIZE_TESSDATA_BEST", str(tmp_path))
    with pytest.raises(MissingDependency, match="make setup"):
        tesseract.model_dir("best", "vie")


@pytest.mark.parametrize("prefer", ["tesserocr", "cli"])
def test_best_model_reads_vietnamese(tmp_path, prefer):
    import cv2

    path = render_text_page(tmp_path / "p.png", fmt="PNG")
    page = Page(PageRef(str(path)), cv2.imread(str(path)), 200.0)
    ocr._ENGINES[("vie", "best")] = tesseract.make_engine("vie", prefer=prefer, model="best")
    try:
        text = normalise(ocr.recognise(page, "vie", "best").text)
    finally:
        ocr._ENGINES.pop(("vie", "best"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nguyễn Thị Hồng Nhung" in text


def test_unknown_model_is_a_usage_error(tmp_path):
    path = render_text_page(tmp_path / "p.png", fmt="PNG")
    proc = subprocess.run([sys.executable, "-m", "digitize.cli.app", "run", str(path), "--no-sign", "--store",
                           str(tmp_path / "store"), "--ocr-model", "huge"], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "--ocr-model" in proc.stderr
