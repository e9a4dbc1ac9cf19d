"""A fold's crease across the signer block: the line it crosses is read (it was lost as a grey band)."""
from __future__ import annotations

from digitize.model import PageRef
from digitize.settings import Settings
from digitize.stages import geometry, ingest
from digitize.stages.ocr import page as ocr
from digitize.stages.ocr import preprocess
from digitize.vn.metrics import normalise
from support import SAMPLES


def test_line_under_a_fold_crease_is_read():
    settings = Settings()
    page = ingest.load_page(PageRef(str(SAMPLES / "degraded" / "11_fold_light_200dpi.jpg")), settings.limits)
    page, _ = geometry.straighten(page, settings)
    assert preprocess.plan_for(page.image, page.dpi).flatten
    text = normalise(ocr.recognise(page).text)
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH Phan Bích Thanh Linh" in text, text
    assert "Nơi nhận: - Người yêu cầu; - Lưu: VT" in text  # the left block beside it, before it
