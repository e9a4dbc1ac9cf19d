"""Fixtures shared across the suite: where the shared corpus is, the committed samples, and a
small clean Vietnamese page made on the fly for tests that need a document but not damage."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLES = REPO / "samples"
FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"

PAGE_LINES = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY XÁC NHẬN",
    "Họ, chữ đệm, tên: Nguyễn Thị Hồng Nhung",
    "Ngày, tháng, năm sinh: 12/03/1990",
    "Nơi cư trú: thôn Đông Hòa, xã Ninh Hiệp, thành phố Hà Nội",
    "Ủy ban nhân dân xã xác nhận những thông tin trên là đúng sự thật.",
)


def render_text_page(path: Path, lines=PAGE_LINES, dpi: int = 200, fmt: str = "JPEG", size=(1240, 1754)) -> Path:
    """A clean A4-shaped page (at 150 dpi by default the size is ~A4) with the given lines."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", size, (250, 248, 240))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, int(dpi * 13 / 72))
    y = int(dpi * 0.8)
    for line in lines:
        draw.text((int(dpi * 0.8), y), line, font=font, fill=(20, 20, 20))
        y += int(dpi * 13 / 72 * 1.8)
    img.save(path, fmt, dpi=(dpi, dpi), **({"quality": 90} if fmt == "JPEG" else {}))
    return path


# Signing fixtures shared by the signing, token and verification tests: one test PKI (with its OCSP
# responder and time-stamp server on 127.0.0.1) for the whole session.
PDFA_INPUT = CORPUS / "pdfa" / "PDFA-2b_6-1-3-t01-pass-a.pdf"  # a veraPDF PDF/A-2b "pass" file
ORG = "UBND phường Bến Thành"


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    from pki.testpki import start_pki

    p = start_pki(tmp_path_factory.mktemp("pki"))
    yield p
    p.server.shutdown()


@pytest.fixture(scope="session")
def monkeypatch_session():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture(scope="session")
def p12_signer(pki, monkeypatch_session):
    from digitize.signing.signers import SignerSpec, open_signer
    from pki.testpki import P12_PASSWORD

    monkeypatch_session.setenv("DIGITIZE_KEY_PASSWORD", P12_PASSWORD)
    return open_signer(SignerSpec.parse(f"p12:{pki.p12}"), Path("/nonexistent"), prompt=False)


@pytest.fixture(scope="session")
def corpus() -> Path:
    assert CORPUS.is_dir(), f"shared corpus not found at {CORPUS}"
    return CORPUS


@pytest.fixture
def clean_page(tmp_path) -> Path:
    return render_text_page(tmp_path / "trang-1.jpg", size=(1654, 2339))
