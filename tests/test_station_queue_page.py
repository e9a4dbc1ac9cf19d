"""The queue page while an upload is processed, in Debian's chromium against a real server: the upload
shows its pages read of total, the count moves on by itself, and its draft takes its place without
anyone reloading the page."""
from __future__ import annotations

import io
import re
import warnings

import pikepdf
import pytest

from support.browser import chromium
from support.station import PASSWORDS, start_station

pytestmark = [pytest.mark.system, pytest.mark.slow]
TIMEOUT_MS = 300_000  # eight pages through OCR on a busy 2-core machine


def _first_pages(source, count: int) -> bytes:
    with pikepdf.open(source) as src, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the signature widget is not wanted in the copy
        out = pikepdf.new()
        out.pages.extend(src.pages[:count])
        buf = io.BytesIO()
        out.save(buf)
    return buf.getvalue()


def test_the_queue_shows_progress_and_refreshes_itself(tmp_path, corpus):
    pdf = _first_pages(corpus / "real-scans" / "qd222-2025" / "222-ttg.signed.pdf", 8)
    station = start_station(tmp_path)
    try:
        with chromium() as browser:
            page = browser.new_context(locale="vi-VN").new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(station.url + "/login")
            page.fill("#username", "lan")
            page.fill("#password", PASSWORDS["lan"])
            page.click("button[type=submit]")
            page.wait_for_url(station.url + "/queue")
            with station.client("lan") as staff:
                r = staff.post("/api/documents", files={"file": ("qd222-8-trang.pdf", pdf, "application/pdf")})
                assert r.status_code == 202, r.text
                doc_id = r.json()["items"][0]["id"]
            page.goto(station.url + "/queue")
            progress = page.locator(f'tr.job[data-id="{doc_id}"] .job-progress')
            first = progress.inner_text()
            assert re.fullmatch(r"đã đọc \d/(8|…) trang", first), first
            page.wait_for_function(  # the count moves on without a reload
                "([sel, first]) => { const el = document.querySelector(sel); return !el || el.textContent !== first; }",
                arg=[f'tr.job[data-id="{doc_id}"] .job-progress', first], timeout=TIMEOUT_MS)
            # and once it is a draft, the page shows the draft in its place by itself
            page.wait_for_selector(f'tr[data-id="{doc_id}"]:not(.job) a[href="/documents/{doc_id}"]',
                                   timeout=TIMEOUT_MS)
            assert page.locator("tr.job").count() == 0
            assert errors == []
    finally:
        station.stop()
