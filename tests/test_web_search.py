"""Search in the station against a real `digitize serve`: the API's words, filters and paging; the
queue's filters, passages and pages; and, in Debian's chromium at 1366x768 and on a 390x844 phone, the
one-stop officer's story: a real signed decree uploaded through the station is found by a place name
in four spellings, its words marked in the results and boxed on its page, and no screen scrolls
sideways or breaks a word in the middle. Screenshots go to /tmp/digitize-screens/search (not committed)."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from digitize.store import open_store
from support import CORPUS
from support.browser import log_in, screenshot
from support.search_docs import put_document
from support.station import PASSWORDS, start_station

pytestmark = [pytest.mark.system, pytest.mark.slow]
SCREENS = Path("/tmp/digitize-screens/search")
PROCESSING_TIMEOUT_MS = 400_000  # three bilevel pages through OCR on a busy 2-core machine
DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
DECREE = CORPUS / "real-scans" / "nd199-2026" / "199-ndcp.signed.pdf"
# the place the decree is issued in ("Hà Nội, ngày … tháng … năm 2026"), as people type it
SPELLINGS = ("Hà Nội", "hà nội", "HÀ NỘI", "ha noi")
RECEIPTS = 30  # generated receipts: more than one page of the queue


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-station")
    store = open_store(root / "store")
    for n in range(RECEIPTS):
        put_document(store, f"bien-nhan-{n}", dossier=f"BN-{n % 3}", pages=[f"Giấy biên nhận hồ sơ số {n}, Huế"],
                     fields={"so_bien_nhan": f"{n}/BN"}, doc_type="giay_bien_nhan",
                     needs_review=("so_bien_nhan",) if n % 5 == 0 else (), username="lan" if n % 2 else "minh",
                     created_at=f"2026-03-{1 + n % 28:02d}T03:00:00+00:00")
    put_document(store, "tricky", dossier="HS-<b>", pages=["<script>alert(1)</script> Đà Nẵng & Quảng Nam"],
                 doc_type="cong_van", created_at="2026-04-22T03:00:00+00:00")
    del store
    s = start_station(root)
    yield s
    s.stop()


def test_the_api_finds_filters_and_pages(station):
    with station.client("ha") as c:
        first = c.get("/api/search", params={"q": "bien nhan", "per_page": 12}).json()
        second = c.get("/api/search", params={"q": "BIÊN NHẬN", "per_page": 12, "page": 3}).json()
        assert (first["total"], first["pages"], len(first["items"])) == (RECEIPTS, 3, 12)
        assert (second["page"], len(second["items"])) == (3, RECEIPTS - 24)
        hits = first["items"][0]["hits"]  # the file name bien-nhan-N.pdf matches too
        assert any(h["where"] == "page" and "<mark>biên nhận</mark>" in h["snippet"] for h in hits), hits
        narrowed = c.get("/api/search", params={"q": "hue", "needs_review": "1", "user": "minh",
                                                "dossier": "BN-0", "date_from": "01/03/2026",
                                                "date_to": "28/03/2026"}).json()
        expected = {n for n in range(RECEIPTS) if n % 5 == 0 and n % 2 == 0 and n % 3 == 0}
        assert {i["fields"]["so_bien_nhan"] for i in narrowed["items"]} == {f"{n}/BN" for n in expected}
        assert c.get("/api/search", params={"doc_type": "cong_van"}).json()["total"] == 1
        assert c.get("/api/search", params={"date_from": "23/04/2026"}).json()["total"] == 0
        tricky = c.get("/api/search", params={"q": "da nang"}).json()["items"][0]["hits"]
        assert any("&lt;script&gt;" in h["snippet"] and "<mark>Đà Nẵng</mark>" in h["snippet"] for h in tricky)
        assert not any("<script>" in h["snippet"] for h in tricky)
        bad = c.get("/api/search", params={"date_from": "31/02/2026"})
        assert bad.status_code == 422 and bad.json()["code"] == "bad_input"
        doc_id = first["items"][0]["id"]
        blank = c.get(f"/api/documents/{doc_id}/pages/1/hits", params={"q": "hue"}).json()
        assert blank["boxes"] == [] and blank["width"] == 1000  # a page without a text layer has no boxes
        assert c.get(f"/api/documents/{doc_id}/pages/2/hits", params={"q": "hue"}).status_code == 404
        assert c.get("/api/documents/..%2F..%2Fcatalog.sqlite/pages/1/hits").status_code == 404
    assert httpx.get(station.url + "/api/search", params={"q": "hue"}).status_code == 401
    assert httpx.get(f"{station.url}/api/documents/{doc_id}/pages/1/hits").status_code == 401


def test_the_queue_pages_and_keeps_its_filters(station):
    with station.client("lan") as c:
        page = c.get("/queue", params={"q": "bien nhan", "needs_review": "1"}).text
        assert 'id="result-count"' in page and "6 kết quả" in page
        assert 'value="bien nhan"' in page and 'id="filter-review" value="1" checked' in page
        assert "/queue?needs_review=1" in page  # "Cần kiểm tra" is a filter
        full = c.get("/queue", params={"q": "hue"}).text
        assert "Trang 1/2" in full and 'rel="next" href="/queue?q=hue&amp;page=2"' in full
        last = c.get("/queue", params={"q": "hue", "page": "2"}).text
        assert "Trang 2/2" in last and 'rel="prev"' in last and 'rel="next"' not in last
        wrong = c.get("/queue", params={"date_from": "32/13/2026"})
        assert wrong.status_code == 200 and "Ngày không hợp lệ" in wrong.text


def _shot(page, name: str) -> None:
    screenshot(page, SCREENS / f"{name}.png")


def _login(ctx, url: str, user: str):
    page = ctx.new_page()
    log_in(page, url, user, PASSWORDS[user])
    return page


# syllables (runs of letters and digits) that a line break cuts in two; codes and file names may break anywhere
BROKEN_WORDS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(".code, .file, script, style, [hidden], option") || !el.offsetParent) continue;
    for (const m of node.textContent.matchAll(/[\\p{L}\\p{M}\\p{N}]+/gu)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) out.push(m[0]);
    }
  }
  return out;
}"""


def _fits(page) -> None:
    # against the screen's own width: a phone browser widens its layout viewport to content that overflows
    screen = page.viewport_size["width"]
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert max(width, inner) <= screen, f"{page.url}: {max(width, inner)}px wide on a {screen}px screen"
    assert page.evaluate(BROKEN_WORDS) == [], page.url


def _search(page, words: str) -> None:
    page.fill("#search-q", words)
    page.click("#search-go")
    page.wait_for_selector("#result-count")


def test_a_real_decree_is_found_in_four_spellings_and_its_words_marked(station, browser):
    ctx = browser.new_context(viewport=DESK, locale="vi-VN")
    page = _login(ctx, station.url, "lan")
    page.set_input_files("#upload-file", [str(DECREE)])
    page.fill("#upload-dossier", "HS-NGHI-DINH-199")
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("a.open-draft", timeout=PROCESSING_TIMEOUT_MS)
    decree = page.locator("a.open-draft").get_attribute("href").rsplit("/", 1)[1]
    for n, words in enumerate(SPELLINGS):
        _search(page, words)
        row = page.locator(f"#queue tr[data-id='{decree}']")
        assert row.count() == 1, words
        marks = [m.lower() for m in row.locator("p.hit mark").all_inner_texts()]
        assert "hà nội" in marks, (words, marks)
        if n == 0:
            _shot(page, "1366-tim-kiem")
    row.locator("a.doc-link").click()
    page.wait_for_selector("#doc[data-q='ha noi']")
    page.wait_for_selector(".page:not([hidden]) .hit")
    assert page.locator("#found").inner_text().startswith("← Tìm kiếm: ha noi")
    boxes = page.locator(".page:not([hidden]) .hit")
    assert boxes.count() >= 2  # "Hà" and "Nội", each boxed on the page image
    image = page.locator(".page:not([hidden]) img").bounding_box()
    for box in (boxes.nth(i).bounding_box() for i in range(boxes.count())):
        assert image["x"] <= box["x"] and box["x"] + box["width"] <= image["x"] + image["width"] + 1
        assert 0 < box["width"] < image["width"] / 3
    _shot(page, "1366-giay-to-tu-tim-thay")
    ctx.close()


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone-390", "desk-1366"])
def test_search_screens_fit_without_sideways_scroll_or_broken_words(station, browser, viewport):
    """After the story above: the store holds the decree and the generated receipts."""
    size = str(viewport["width"])
    phone = viewport is PHONE
    ctx = browser.new_context(viewport=viewport, locale="vi-VN", is_mobile=phone, has_touch=phone)
    page = _login(ctx, station.url, "minh")
    _fits(page)
    _shot(page, f"{size}-danh-sach")
    page.click("#filters summary")
    page.fill("#filter-from", "01/01/2026")
    _search(page, "ha noi")
    _fits(page)
    _shot(page, f"{size}-ket-qua")
    decree = page.locator("#queue tr", has=page.locator("p.hit")).first
    decree.locator("a.doc-link").click()
    page.wait_for_selector(".page:not([hidden]) .hit")
    _fits(page)
    _shot(page, f"{size}-giay-to")
    page.click("#doc-dossier")
    page.wait_for_selector("#dossier-documents")
    _fits(page)
    _shot(page, f"{size}-ho-so")
    page.goto(station.url + "/queue?q=hue&needs_review=1&page=1")
    _fits(page)
    _shot(page, f"{size}-loc-can-kiem-tra")
    ctx.close()
