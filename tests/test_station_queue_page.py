"""The queue page, in Debian's chromium against a real server: an upload being processed shows its
pages read of total, the count moves on by itself, and its draft takes its place without anyone
reloading the page; a file over the upload limit is refused with the sizes, in Vietnamese."""
from __future__ import annotations

import io
import re
import warnings

import pikepdf
import pytest

from support.browser import log_in
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


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    s = start_station(tmp_path_factory.mktemp("queue-page"))
    yield s
    s.stop()


def _logged_in(browser, station):
    page = browser.new_context(locale="vi-VN").new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, station.url, "lan", PASSWORDS["lan"])
    return page, errors


def test_the_queue_shows_progress_and_refreshes_itself(station, browser, corpus):
    pdf = _first_pages(corpus / "real-scans" / "qd222-2025" / "222-ttg.signed.pdf", 8)
    page, errors = _logged_in(browser, station)
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
    page.wait_for_selector(f'tr[data-id="{doc_id}"]:not(.job) a[href="/documents/{doc_id}"]', timeout=TIMEOUT_MS)
    assert page.locator("tr.job").count() == 0
    assert errors == []


def test_a_file_over_the_limit_is_refused_on_the_page_with_its_size(station, browser, tmp_path):
    big = tmp_path / "ban-quet-lon.jpg"
    with open(big, "wb") as f:  # 201 MiB (sparse: zeros after a JPEG signature)
        f.write(b"\xff\xd8\xff")
        f.truncate(201 * 1024 * 1024)
    page, errors = _logged_in(browser, station)
    page.set_input_files("#upload-file", str(big))
    page.click("#upload-form button[type=submit]")
    refused = page.wait_for_selector("#upload-results .upload-error", timeout=60_000).inner_text()
    assert refused.startswith("Dữ liệu gửi lên quá lớn. Tệp tải lên") and "vượt giới hạn 200 MiB" in refused, refused
    assert re.search(r"201\.\d MiB", refused), refused  # the request's size: the file and the form around it
    assert list((station.store / "uploads").glob(".upload-*")) == []
    assert errors == []
