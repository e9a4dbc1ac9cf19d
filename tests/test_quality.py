"""Quality stage on rendered pages and on the degradations a scanner really produces:
noise, paper texture, a fold shadow, dark or washed-out exposure, grey scans, cut-off content."""
from __future__ import annotations

import json
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from digitize.model import Page, PageRef, Warning_
from digitize.settings import Settings
from digitize.stages import quality

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
PAPER = (240, 236, 226)  # slightly yellowed sheet, as a colour scanner sees it
WORDS = "Ủy ban nhân dân phường Bến Nghé quận Một thành phố Hồ Chí Minh giấy chứng nhận đăng ký".split()
DPI = 200
S = Settings()


def text_page(seed: int = 0, dpi: int = DPI) -> np.ndarray:
    rnd = random.Random(seed)
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("RGB", (w, h), PAPER)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, int(12 * dpi / 72))
    for i in range(26):
        line = " ".join(rnd.choice(WORDS) for _ in range(11))
        draw.text((int(0.9 * dpi), int((1.0 + i * 0.33) * dpi)), line, font=font, fill=(30, 30, 35))
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def noisy(image: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(image + rng.normal(0, sigma, image.shape), 0, 255).astype(np.uint8)


def textured(image: np.ndarray, seed: int = 1) -> np.ndarray:
    """Paper fibre: blurred noise, a few grey levels deep."""
    rng = np.random.default_rng(seed)
    fibre = cv2.GaussianBlur(rng.normal(0, 40, image.shape[:2]).astype(np.float32), (0, 0), 2.5)
    return np.clip(image + fibre[..., None], 0, 255).astype(np.uint8)


def folded(image: np.ndarray) -> np.ndarray:
    """A vertical fold: a soft shadow 3 cm wide with a darker crease in its middle."""
    w = image.shape[1]
    x = np.arange(w)
    shade = 1 - 0.4 * np.exp(-(((x - w * 0.45) / (w * 0.04)) ** 2))
    out = image * shade[None, :, None]
    out[:, int(w * 0.45) : int(w * 0.45) + 3] *= 0.7
    return out.astype(np.uint8)


@pytest.fixture(scope="module")
def page_img() -> np.ndarray:
    return text_page()


def run(image: np.ndarray, dpi: float | None = DPI):
    return quality.assess(Page(PageRef("page.png"), image, dpi), S)


def test_clean_colour_page_has_no_warnings(page_img):
    q = run(page_img)
    assert q.warnings == ()
    assert not q.blank and not q.cut_off and q.is_colour
    assert 0.02 < q.ink_ratio < 0.2
    assert (q.width_px, q.height_px) == (page_img.shape[1], page_img.shape[0]) and q.dpi == DPI
    assert q.brightness > 200 and q.contrast > 20


def test_noise_texture_and_fold_do_not_hide_or_fake_content(page_img):
    assert run(folded(textured(noisy(page_img, 10)))).warnings == ()
    blank = np.full_like(page_img, PAPER)
    for variant in (blank, noisy(blank, 20), textured(blank), folded(textured(noisy(blank, 12)))):
        q = run(variant)
        assert q.blank and Warning_.BLANK in q.warnings, q
        assert not q.cut_off


def test_a_few_lines_are_not_blank(page_img):
    sparse = np.full_like(page_img, PAPER)
    sparse[400:560] = page_img[400:560]  # two lines of text on an empty sheet
    q = run(sparse)
    assert not q.blank and q.warnings == ()


def test_dark_light_and_flat_scans(page_img):
    dark = (page_img * 0.4).astype(np.uint8)
    assert {Warning_.TOO_DARK, Warning_.LOW_CONTRAST} <= set(run(dark).warnings)
    assert Warning_.GRAYSCALE not in run(dark).warnings  # a dark colour scan is still colour
    washed = np.clip(page_img * 0.3 + 180, 0, 255).astype(np.uint8)
    assert Warning_.TOO_LIGHT in run(washed).warnings
    flat = np.clip(page_img * 0.35 + 125, 0, 255).astype(np.uint8)
    q = run(flat)
    assert Warning_.LOW_CONTRAST in q.warnings and Warning_.TOO_DARK not in q.warnings
    assert run(np.zeros_like(page_img)).warnings[:1] == (Warning_.TOO_DARK,)  # lid open, nothing on it


def test_dpi_warnings(page_img):
    low = cv2.resize(page_img, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    assert Warning_.LOW_DPI in run(low, 100).warnings
    assert Warning_.LOW_DPI not in run(page_img, 199.99).warnings
    q = run(page_img, None)
    assert q.dpi is None and Warning_.UNKNOWN_DPI in q.warnings and Warning_.LOW_DPI not in q.warnings


def test_grayscale_scan_is_flagged(page_img):
    grey = cv2.cvtColor(cv2.cvtColor(page_img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    ok, buf = cv2.imencode(".jpg", grey, [cv2.IMWRITE_JPEG_QUALITY, 85])  # JPEG adds no colour
    q = run(cv2.imdecode(buf, cv2.IMREAD_COLOR))
    assert not q.is_colour and q.warnings == (Warning_.GRAYSCALE,)
    stamped = grey.copy()
    cv2.circle(stamped, (1200, 2000), 150, (40, 40, 200), 8)  # red seal on a grey-looking sheet
    assert run(stamped).is_colour


def test_cut_off_content(page_img):
    h, w = page_img.shape[:2]
    assert run(page_img[: 200 + 66 * 14 + 12]).cut_off  # the last line runs off the bottom
    assert run(page_img[:, : int(w * 0.55)]).cut_off  # right end of every line missing
    bordered = cv2.copyMakeBorder(page_img[30:-30, 30:-30], 30, 30, 30, 30, cv2.BORDER_CONSTANT, value=(12, 12, 12))
    assert not run(bordered).cut_off  # a dark scanner border is not content



def test_grey_single_channel_page(page_img):
    grey = cv2.cvtColor(page_img, cv2.COLOR_BGR2GRAY)
    q = run(grey)
    assert not q.is_colour and q.warnings == (Warning_.GRAYSCALE,)


DEGRADED = Path(__file__).parents[1] / "samples" / "degraded"
GT_FILES = sorted(DEGRADED.glob("*.gt.json"))


def test_degraded_samples_are_committed():
    assert len(GT_FILES) >= 16, f"samples/degraded is missing pages: {DEGRADED}"


@pytest.mark.parametrize("gt_path", GT_FILES, ids=lambda p: p.name.split(".")[0])
def test_committed_degraded_samples(gt_path):
    """The damage recorded in each page's ground truth is what the quality stage reports."""
    from digitize.stages import ingest

    gt = json.loads(gt_path.read_text(encoding="utf-8"))
    page = ingest.load_page(PageRef(str(gt_path.with_name(gt["file"]))), S.limits)
    found = set(quality.assess(page, S).warnings)
    expected = set()
    if gt["doc_type"] == "blank":
        expected.add(Warning_.BLANK)
    if "dark" in gt["damage"]:
        expected.add(Warning_.TOO_DARK)
    if "low_contrast" in gt["damage"]:
        expected.add(Warning_.LOW_CONTRAST)
    serious = {Warning_.BLANK, Warning_.TOO_DARK, Warning_.TOO_LIGHT, Warning_.LOW_CONTRAST, Warning_.CUT_OFF}
    assert expected <= found
    assert not (found & serious) - expected - {Warning_.LOW_CONTRAST if "dark" in gt["damage"] else None}
