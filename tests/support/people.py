"""Office A's dossiers for the person look-up and import stories: one citizen (CCCD 001190012345),
one record valid to 2030, one that expired mid-2026 (manifest dates), and one whose printed ID
contradicts the date of birth (flagged, not indexed as anyone)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from support.archives import write_manifest
from support.pages import render_text_page

CCCD = "001190012345"
VALID = "000.00.31.H26-250616-0007"  # valid 2025-06-16 .. 2030-06-16
EXPIRED = "000.00.31.H26-250301-0002"  # valid 2025-03-01 .. 2026-06-30
FLAGGED = "000.00.31.H26-250402-0003"  # its ID says born 1985, the page says 1990


def _page(path: Path, cccd: str, purpose: str) -> None:
    render_text_page(path, lines=(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ĐƠN ĐỀ NGHỊ",
        "Kính gửi: Ủy ban nhân dân xã Ninh Hiệp", "Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Hồng Nhung",
        "Ngày, tháng, năm sinh: 12/03/1990", "Giới tính: Nữ", f"Số định danh cá nhân: {cccd}",
        "Nơi cư trú: thôn Đông Hòa, xã Ninh Hiệp, thành phố Hà Nội", f"Đề nghị: {purpose}", "Người yêu cầu"))


def person_dossiers(root: Path) -> Path:
    """The three dossiers and their manifest (issued on, valid until); returns the manifest."""
    rows = []
    for code, cccd, purpose, issued, until in (
            (VALID, CCCD, "cấp bản sao trích lục khai sinh", "2025-06-16", "2030-06-16"),
            (EXPIRED, CCCD, "xác nhận tình trạng hôn nhân", "2025-03-01", "2026-06-30"),
            (FLAGGED, "001185012345", "cấp giấy xác nhận cư trú", "2025-04-02", "2030-04-02")):
        (root / code).mkdir(parents=True, exist_ok=True)
        _page(root / code / "01.jpg", cccd, purpose)
        rows.append((code, "1.004227", code, issued, until, ""))
    return write_manifest(root / "manifest.csv", rows)


def counter_dossiers(root: Path, today: dt.date) -> tuple[Path, dict[str, tuple[str, str]]]:
    """Two dossiers of the one citizen for the counter's story, dated from `today`: one still valid,
    one that expired a month ago. Returns the manifest and {code: (issued on, valid until)}."""
    dates = {VALID: (today - dt.timedelta(days=200), today + dt.timedelta(days=4 * 365)),
             EXPIRED: (today - dt.timedelta(days=730), today - dt.timedelta(days=30))}
    rows, out = [], {}
    for code, purpose in ((VALID, "cấp bản sao trích lục khai sinh"), (EXPIRED, "xác nhận tình trạng hôn nhân")):
        issued, until = (d.isoformat() for d in dates[code])
        (root / code).mkdir(parents=True, exist_ok=True)
        _page(root / code / "01.jpg", CCCD, purpose)
        rows.append((code, "1.004227", code, issued, until, ""))
        out[code] = (issued, until)
    return write_manifest(root / "manifest.csv", rows), out
