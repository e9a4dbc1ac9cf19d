"""Poor colour photos: a generated official page, low in contrast, blurred, with show-through, and a camera's
colour noise (σ 14 per channel). Grey print and paper then carry as much chroma as faint coloured ink; the
colour-ink step painted them out as a seal's ink would be, and the header, the motto and most of the text went.
The text layer must not be worse than plain tesseract's on the same image by more than a point. Real tesseract."""
from __future__ import annotations

import subprocess

import cv2
import numpy as np
import pytest

from digitize.model import Page, PageRef
from digitize.settings import Settings
from digitize.stages import geometry
from digitize.stages.ocr import page as ocr
from digitize.stages.ocr import strokes
from digitize.vn.metrics import cer
from samples.generate import make_page

SPEC = dict(blur=1.3, show_through=0.3, low_contrast=0.5, yellow=0.4, seal=True, signature=True)


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    img, gt = make_page("quyet_dinh", 77, 200, SPEC)
    rgb = np.asarray(img.convert("RGB"), np.float32)
    noisy = (rgb + np.random.default_rng(1).standard_normal(rgb.shape, dtype=np.float32) * 14).clip(0, 255)
    bgr = np.ascontiguousarray(noisy.astype(np.uint8)[:, :, ::-1])
    path = tmp_path_factory.mktemp("photo") / "page.png"
    cv2.imwrite(str(path), bgr)
    return bgr, path, gt["text"]


def test_colour_noise_is_not_coloured_ink(photo):
    bgr, _, _ = photo
    ink, _ = strokes.colour_ink(bgr)
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    dark = grey < np.percentile(grey, 5)  # the print (and the seal and signature, a small part of it)
    # painted-out paper is harmless; painted-out print is lost text
    assert np.count_nonzero(ink[dark]) / np.count_nonzero(dark) < 0.25


def test_noisy_low_contrast_photo_not_worse_than_plain_tesseract(photo):
    bgr, path, truth = photo
    plain = subprocess.run(["tesseract", str(path), "-", "-l", "vie", "--dpi", "200"], capture_output=True,
                           text=True, check=True).stdout
    straight, _ = geometry.straighten(Page(PageRef(str(path)), bgr, 200.0), Settings())
    ours = ocr.recognise(straight).text
    assert cer(ours, truth) <= cer(plain, truth) + 0.01, (cer(ours, truth), cer(plain, truth))
    assert "Độc lập - Tự do - Hạnh phúc" in ours  # the motto stays
