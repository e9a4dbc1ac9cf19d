"""Geometry stage on real rendered pages: skew recovered within 0.3°, every turned page upright,
blank and straight pages left untouched (same object, JPEG bytes kept)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from digitize.model import Geometry, Page, PageRef
from digitize.settings import Settings
from digitize.stages import geometry
from digitize.tools import tesseract_osd

REPO = Path(__file__).parents[1]
DEGRADED = REPO / "samples" / "degraded"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
PAPER = (243, 240, 232)
WORDS = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam Độc lập Tự do Hạnh phúc giấy khai sinh họ và tên ngày tháng "
    "năm sinh nơi cư trú quốc tịch dân tộc Ủy ban nhân dân phường quận Hà Nội căn cước công dân số "
    "định danh cá nhân chứng thực bản sao đúng với bản chính người yêu cầu đăng ký hộ tịch quyết định"
).split()


def render_page(seed: int, dpi: int, lines: int = 24, size_pt: float = 12.0) -> np.ndarray:
    """An A4 page of Vietnamese text lines (BGR), a heading centred above ragged left-aligned lines."""
    rnd = random.Random(seed)
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("RGB", (w, h), PAPER)
    draw = ImageDraw.Draw(img)
    body = ImageFont.truetype(FONT, int(size_pt * dpi / 72))
    draw.text((w // 2, int(0.8 * dpi)), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=body, fill=(20, 20, 20), anchor="mt")
    y = int(1.3 * dpi)
    margin = int(0.9 * dpi)
    for _ in range(lines):
        words: list[str] = []
        limit = w - 2 * margin - rnd.randint(0, dpi)
        while draw.textlength(" ".join(words + [WORDS[0]]), font=body) < limit:
            words.append(rnd.choice(WORDS))
        draw.text((margin, y), " ".join(words), font=body, fill=(25, 25, 30))
        y += int(size_pt * dpi / 72 * 1.7)
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


def turn(image: np.ndarray, skew: float, rotation: int) -> np.ndarray:
    """Simulate a scan: skew counter-clockwise by `skew`°, then turn clockwise by `rotation`°."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    out = cv2.warpAffine(image, m, (w, h), borderValue=PAPER)
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(out, codes[rotation]) if rotation else out


@pytest.fixture(scope="module")
def pages() -> dict[int, np.ndarray]:
    return {300: render_page(1, 300, size_pt=11), 200: render_page(2, 200, size_pt=12)}


CASES = [  # (dpi, skew applied counter-clockwise, clockwise turn of the scan)
    (300, -7.0, 0), (300, -4.4, 90), (300, -1.3, 180), (300, -0.35, 270), (300, 0.2, 0), (300, 2.7, 180),
    (300, 5.2, 90), (300, 7.0, 270), (200, -6.1, 180), (200, -2.2, 270), (200, -0.6, 90), (200, 0.8, 0),
    (200, 3.4, 90), (200, 6.6, 180), (200, 1.9, 270), (200, -3.8, 0),
]


@pytest.mark.parametrize("dpi,skew,rotation", CASES)
def test_generated_pages_are_straightened(pages, dpi, skew, rotation):
    scan = turn(pages[dpi], skew, rotation)
    page = Page(PageRef(f"gen-{dpi}-{skew}-{rotation}.png"), scan, float(dpi))
    out, geo = geometry.straighten(page, Settings())
    assert geo.rotation == (360 - rotation) % 360
    assert abs(geo.deskew - skew) <= 0.3, geo
    assert out is not page and out.encoded is None
    assert out.image.shape == pages[dpi].shape  # upright A4 again, resolution kept
    assert out.image.ndim == 3 and out.image.dtype == np.uint8
    # The straightened page matches the original rendering far better than the scan did.
    before = _ink_overlap(pages[dpi], cv2.resize(scan, pages[dpi].shape[1::-1]))
    after = _ink_overlap(pages[dpi], out.image)
    assert after > 0.6 and after > before


def _ink_overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Share of a's ink (dilated a little) found again in b: 1.0 for a perfect alignment."""
    ink_a = cv2.dilate((cv2.cvtColor(a, cv2.COLOR_BGR2GRAY) < 128).astype(np.uint8), np.ones((5, 5), np.uint8))
    ink_b = cv2.cvtColor(b, cv2.COLOR_BGR2GRAY) < 128
    return float(np.count_nonzero(ink_a.astype(bool) & ink_b)) / max(1, np.count_nonzero(ink_b))


def test_straight_jpeg_page_keeps_its_bytes(pages):
    ok, buf = cv2.imencode(".jpg", pages[200], [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    data = buf.tobytes()
    page = Page(PageRef("straight.jpg"), cv2.imdecode(buf, cv2.IMREAD_COLOR), 200.0, encoded=data)
    out, geo = geometry.straighten(page, Settings())
    assert out is page and out.encoded is data
    assert geo.rotation == 0 and geo.deskew == 0.0


def test_tiny_skew_is_not_worth_a_reencode(pages):
    page = Page(PageRef("tiny.png"), turn(pages[200], 0.04, 0), 200.0, encoded=b"jpeg")
    out, geo = geometry.straighten(page, Settings())
    assert out is page and geo.deskew == 0.0


def test_blank_page_is_left_alone():
    rng = np.random.default_rng(3)
    blank = np.clip(rng.normal(236, 6, (2339, 1654, 3)), 0, 255).astype(np.uint8)
    page = Page(PageRef("blank.png"), blank, 200.0)
    out, geo = geometry.straighten(page, Settings())
    assert out is page and geo == Geometry()


def test_settings_switch_stages_off(pages):
    scan = turn(pages[200], 3.0, 180)
    page = Page(PageRef("off.png"), scan, 200.0)
    out, geo = geometry.straighten(page, Settings(orient=False))
    assert geo.rotation == 0 and abs(geo.deskew - 3.0) <= 0.3
    out, geo = geometry.straighten(page, Settings(deskew=False, orient=False))
    assert out is page and geo == Geometry()


def test_osd_wrapper_reads_upside_down_text(pages):
    crop = cv2.cvtColor(pages[300][300:1500, 200:2200], cv2.COLOR_BGR2GRAY)
    osd = tesseract_osd.orientation(cv2.rotate(crop, cv2.ROTATE_180))
    assert osd is not None and osd.rotate == 180 and osd.confidence > 1.0
    assert tesseract_osd.orientation(np.full((400, 400), 255, np.uint8)) is None  # no text: no answer


CORPUS = REPO.parent / "shared" / "corpus" / "ocr-scans" / "ocrmypdf"


@pytest.fixture(scope="module")
def cardinal():
    from digitize.stages import ingest

    return [ingest.load_page(PageRef(str(CORPUS / "cardinal.pdf"), n, 4), Settings().limits) for n in range(1, 5)]


def test_real_scan_turned_four_ways(cardinal):
    """cardinal.pdf: one real 300 dpi scan burned in at 0, 90 cw, 180 and 90 ccw (no /Rotate)."""
    upright = cardinal[0]
    out, geo = geometry.straighten(upright, Settings())
    assert out is upright and geo.rotation == 0
    size = (425, 550)  # compare at ~50 dpi: the pages differ in resolution, not in content
    reference = cv2.resize(cv2.cvtColor(upright.image, cv2.COLOR_BGR2GRAY), size, interpolation=cv2.INTER_AREA)
    for page, want in zip(cardinal[1:], (270, 180, 90)):
        out, geo = geometry.straighten(page, Settings())
        assert geo.rotation == want and abs(geo.deskew) < 0.3
        grey = cv2.resize(cv2.cvtColor(out.image, cv2.COLOR_BGR2GRAY), size, interpolation=cv2.INTER_AREA)
        assert np.corrcoef(grey.ravel(), reference.ravel())[0, 1] > 0.95


@pytest.mark.parametrize("name,skew", [("skew.pdf", -1.87), ("rotated_skew.pdf", 2.8), ("linn.png", 0.0)])
def test_real_skewed_scans(name, skew):
    """Angles measured from the image placement matrices in the PDFs (see corpus INDEX.md)."""
    from digitize.stages import ingest

    page = ingest.load_page(PageRef(str(CORPUS / name)), Settings().limits)
    out, geo = geometry.straighten(page, Settings())
    assert geo.rotation == 0 and abs(geo.deskew - skew) <= 0.3, geo
    assert (out is page) == (skew == 0.0)


def _degraded_pages() -> list[Path]:
    return sorted(DEGRADED.glob("*.gt.json")) if DEGRADED.is_dir() else []


@pytest.mark.parametrize("gt_path", _degraded_pages(), ids=lambda p: p.name.split(".")[0])
def test_committed_degraded_samples(gt_path):
    """samples/degraded: skew positive = counter-clockwise, then turned clockwise by `rotation`."""
    from digitize.stages import ingest, quality

    gt = json.loads(gt_path.read_text(encoding="utf-8"))
    page = ingest.load_page(PageRef(str(gt_path.with_name(gt["file"]))), Settings().limits)
    q = quality.assess(page, Settings())
    out, geo = geometry.straighten(page, Settings())
    if gt["doc_type"] == "blank":
        assert q.blank and out is page and geo == Geometry()
        return
    assert not q.blank
    assert geo.rotation == (360 - gt["rotation"]) % 360
    assert abs(geo.deskew - gt["skew"]) <= 0.3, geo


def test_grey_single_channel_page(pages):
    grey = cv2.cvtColor(turn(pages[200], -2.5, 90), cv2.COLOR_BGR2GRAY)
    out, geo = geometry.straighten(Page(PageRef("grey.png"), grey, 200.0), Settings())
    assert geo.rotation == 270 and abs(geo.deskew + 2.5) <= 0.3
    assert out.image.shape == pages[200].shape[:2]


def test_bilevel_page_stays_bilevel_when_straightened(pages):
    """A black-and-white scan with a small skew is straightened by whole-pixel shears: no grey pixels reach OCR
    (interpolation greys the thin strokes of tone marks), and the ink is neither thinned nor thickened."""
    grey = cv2.cvtColor(turn(pages[200], 0.3, 0), cv2.COLOR_BGR2GRAY)
    bilevel = np.where(grey < 128, 0, 255).astype(np.uint8)
    page = Page(PageRef("g4.tif"), cv2.cvtColor(bilevel, cv2.COLOR_GRAY2BGR), 200.0)
    out, geo = geometry.straighten(page, Settings())
    assert abs(geo.deskew - 0.3) <= 0.15, geo
    assert set(np.unique(out.image)) <= {0, 255}
    ink_before, ink_after = np.count_nonzero(bilevel == 0), np.count_nonzero(out.image[:, :, 0] == 0)
    assert abs(ink_after - ink_before) <= 0.03 * ink_before


def test_grey_page_is_still_interpolated(pages):
    """Only bilevel pages are thresholded: a grey scan keeps its anti-aliased edges after deskew."""
    page = Page(PageRef("grey.jpg"), turn(pages[200], 2.0, 0), 200.0)
    out, _ = geometry.straighten(page, Settings())
    assert len(np.unique(out.image)) > 16


def _with_margin_marks(image: np.ndarray, dpi: int, kind: str) -> np.ndarray:
    """The page with marks down its left margin: long pen bars, or a note written top to bottom."""
    img = Image.fromarray(image[:, :, ::-1].copy())
    draw = ImageDraw.Draw(img)
    x0, h = int(0.25 * dpi), image.shape[0]
    if kind == "bars":
        for k in range(3):
            x = x0 + k * dpi // 12
            draw.line([(x, int(1.5 * dpi)), (x, h - int(1.5 * dpi))], fill=(20, 20, 20), width=max(2, dpi // 75))
        return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)
    font = ImageFont.truetype(FONT, int(10 * dpi / 72))
    note = "Văn bản này được ký số bởi Văn phòng Chính phủ ngày 12 tháng 3 năm 2026 lúc 10 giờ"
    strip = Image.new("RGB", (int(draw.textlength(note, font=font)) + 20, int(0.25 * dpi)), PAPER)
    ImageDraw.Draw(strip).text((10, 5), note, font=font, fill=(20, 20, 20))
    strip = strip.rotate(90, expand=True)
    for x in (x0, x0 + int(0.3 * dpi)):
        img.paste(strip, (x, int(1.2 * dpi)))
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR)


@pytest.mark.parametrize("kind", ["bars", "note"])
@pytest.mark.parametrize("dpi,lines", [(200, 4), (300, 8), (200, 2)])
def test_marks_down_the_left_margin_do_not_turn_the_page(dpi, lines, kind):
    """A page with few text lines (a signature page) and marks down its left margin stays upright; turned by
    90 or 270 it is turned back. Long bars once outweighed the text lines and turned it by 90 or 270."""
    marked = _with_margin_marks(render_page(3, dpi, lines=lines), dpi, kind)
    for rotation in (0, 90, 270):
        page = Page(PageRef(f"margin-{kind}-{rotation}.png"), turn(marked, 0.0, rotation), float(dpi))
        _, geo = geometry.straighten(page, Settings())
        assert geo.rotation == (360 - rotation) % 360, (rotation, geo)
        assert abs(geo.deskew) <= 0.3, geo


def test_margin_bars_on_a_real_signature_page():
    """nd199 p3 (a development page: seal, signature, signer block) with bars drawn down its left margin."""
    from digitize.stages import ingest

    path = REPO.parent / "shared" / "corpus" / "real-scans" / "nd199-2026" / "nd199_2026_p3.tif"
    page = ingest.load_page(PageRef(str(path)), Settings().limits)
    image = page.image if page.image.ndim == 3 else cv2.cvtColor(page.image, cv2.COLOR_GRAY2BGR)
    dpi = int(page.dpi or 200)
    plain = geometry.estimate(image, dpi)
    marked = _with_margin_marks(image, dpi, "bars")
    for rotation in (0, 90, 270):
        est = geometry.estimate(turn(marked, 0.0, rotation), dpi)
        assert est is not None and est.rotation == (360 - rotation) % 360, (rotation, est)
        if rotation == 0:
            assert abs(est.skew - plain.skew) <= 0.05  # the bars do not pull the skew either


def test_text_only_in_the_top_margin_still_decides():
    """A heading and one line, both in the page's outer band: the margins are kept when they hold the text."""
    page_image = render_page(3, 200, lines=1)
    for rotation in (0, 90, 180):
        est = geometry.estimate(turn(page_image, 0.0, rotation), 200)
        assert est is not None and est.rotation == (360 - rotation) % 360, (rotation, est)
