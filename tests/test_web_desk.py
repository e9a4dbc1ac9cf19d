"""The one-stop desk's day in the station, as user stories in Debian's chromium (Playwright) against a
real `digitize serve`, at 1366x768 and on a 390x844 phone: three images joined into one document and
reordered; several files sent without a code land in one dossier, whose page lists them; a file sent
again is reported as what it is; a 28-page bilevel PDF says its colour warning once; a draft PDF
downloaded carries the draft mark and its file's name as title, a signed one is the signed bytes; the
government's signature of a signed PDF is shown with its verdict; an admin adds and disables a user;
no screen scrolls sideways on the phone. Screenshots go to /tmp/digitize-screens/desk (not committed)."""
from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import httpx
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from digitize.store import open_store
from support import CORPUS
from support.browser import log_in, screenshot, wait_for_js
from support.pages import FONT, render_text_page
from support.station import PASSWORDS, start_station

pytestmark = [pytest.mark.system, pytest.mark.slow]
SCREENS = Path("/tmp/digitize-screens/desk")
PROCESSING_TIMEOUT_MS = 300_000  # a few pages through OCR on a busy 2-core machine
DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
CODE = "000.00.31.H26-250616-0007"
SIGNED_DECREE = CORPUS / "real-scans" / "nd199-2026" / "199-ndcp.signed.pdf"


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    s = start_station(tmp_path_factory.mktemp("desk-station"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk-files")
    pages = [render_text_page(folder / f"trang-{n}.jpg", [f"TRANG SỐ {word}", "Ủy ban nhân dân xã Hòa Bình"])
             for n, word in ((1, "MỘT"), (2, "HAI"), (3, "BA"))]
    return {"pages": pages, "folder": folder}


def _shot(page, name: str) -> None:
    screenshot(page, SCREENS / f"{name}.png")


def _login(ctx, url: str, user: str):
    page = ctx.new_page()
    log_in(page, url, user, PASSWORDS[user])
    return page


def _no_sideways_scroll(page) -> None:
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert width <= inner, f"{page.url}: {width}px wide on a {inner}px screen"


def _upload(page, paths, dossier: str = "", join: bool = False):
    page.set_input_files("#upload-file", [str(p) for p in paths])
    if dossier:
        page.fill("#upload-dossier", dossier)
    if join:
        page.check("#upload-join")
    page.click("#upload-form button[type=submit]")


def _bilevel_pdf(path: Path, pages: int = 28) -> Path:
    """A bilevel (1-bit) PDF of `pages` small typed pages, as an office scanner makes them."""
    font = ImageFont.truetype(FONT, 36)
    images = []
    for n in range(1, pages + 1):
        img = Image.new("1", (1165, 1654), 1)
        ImageDraw.Draw(img).text((150, 200), f"Điều {n}. Phạm vi điều chỉnh", font=font, fill=0)
        buf = io.BytesIO()
        img.save(buf, "PNG", dpi=(200, 200))
        images.append(buf.getvalue())
    import img2pdf

    path.write_bytes(img2pdf.convert(images))
    return path


def _doc_texts(client, doc_id: str) -> list[str]:
    return client.get(f"/api/documents/{doc_id}/text").json()["pages"]


def test_three_images_become_one_document_and_are_reordered(station, browser, files):
    ctx = browser.new_context(viewport=DESK, locale="vi-VN")
    page = _login(ctx, station.url, "lan")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.fill("#upload-dossier", "HS 12")
    page.wait_for_selector("#dossier-check:has-text('không theo định dạng quốc gia')")
    page.fill("#upload-dossier", "000.00.31.H26-251345-0007")
    page.wait_for_selector("#dossier-check:has-text('Ngày tiếp nhận trong mã hồ sơ không có thật')")
    _upload(page, files["pages"], CODE, join=True)
    page.wait_for_selector("#dossier-check:has-text('đúng định dạng quốc gia')")
    _shot(page, "01-tai-len-ghep-trang")
    page.wait_for_selector("a.open-draft", timeout=PROCESSING_TIMEOUT_MS)
    page.click("a.open-draft")
    page.wait_for_selector("#doc")
    assert page.locator("#doc").get_attribute("data-pages") == "3"
    assert page.locator(".thumb").count() == 3
    assert page.locator("#page-no").inner_text() == "Trang 1/3"
    page.click(".thumb[data-page='3']")
    assert page.locator("#page-no").inner_text() == "Trang 3/3"
    page.click("#zoom-in")
    assert page.locator("#zoom-level").inner_text() == "125%"
    _shot(page, "02-ho-so-3-trang")
    doc_id = page.locator("#doc").get_attribute("data-id")
    with station.client("lan") as c:
        before = _doc_texts(c, doc_id)
    assert ["MỘT" in t for t in before] == [True, False, False] and "BA" in before[2]

    # the third page first, turned; the second removed
    page.click("#page-editor summary")
    third = page.locator("#page-order li[data-page='3']")
    third.locator("button.up").click()
    page.locator("#page-order li[data-page='3'] button.up").click()
    page.locator("#page-order li[data-page='3'] button.turn").click()
    page.locator("#page-order li[data-page='2'] button.drop").click()
    _shot(page, "03-sap-xep-trang")
    page.click("#save-pages")
    page.wait_for_selector("#doc[data-revision='2']")
    assert page.locator("#doc").get_attribute("data-pages") == "2"
    assert "Sắp xếp lại trang" in page.locator("#history").inner_text()
    with station.client("lan") as c:
        after = _doc_texts(c, doc_id)
        doc = c.get(f"/api/documents/{doc_id}").json()
    assert "BA" in after[0] and "MỘT" in after[1] and len(after) == 2
    assert doc["page_details"][0]["turned"] == 90
    with pikepdf.open(open_store(str(station.store)).object_path(doc["sha256"])) as pdf:
        assert int(pdf.pages[0].obj.get("/Rotate", 0)) == 90 and len(pdf.pages) == 2
    assert not errors, errors
    ctx.close()


def test_files_without_a_code_go_into_one_dossier_and_a_second_upload_says_where_it_is(station, browser, files):
    ctx = browser.new_context(viewport=DESK, locale="vi-VN")
    page = _login(ctx, station.url, "lan")
    two = [render_text_page(files["folder"] / f"don-{n}.jpg", [f"ĐƠN ĐỀ NGHỊ SỐ {n}"]) for n in (1, 2)]
    _upload(page, two)
    page.locator("a.open-draft").nth(1).wait_for(timeout=PROCESSING_TIMEOUT_MS)  # both drafts made
    with station.client("lan") as c:
        ids = [a.get_attribute("href").rsplit("/", 1)[1] for a in page.locator("a.open-draft").all()]
        dossiers = {c.get(f"/api/documents/{i}").json()["dossier"] for i in ids}
    assert len(dossiers) == 1
    dossier = dossiers.pop()
    page.goto(f"{station.url}/dossiers/{dossier}")
    listed = page.locator("#dossier-documents tbody tr")
    assert listed.count() == 2 and {r.get_attribute("data-id") for r in listed.all()} == set(ids)
    assert "chờ duyệt" in page.locator("#dossier-documents").inner_text()
    assert "không theo định dạng quốc gia" in page.locator("#code-check").inner_text()
    _shot(page, "04-trang-ho-so")

    # the same file again, in another dossier: nothing is made, the answer says where it is
    page.goto(station.url + "/queue")
    _upload(page, two[:1], "HS-KHAC")
    page.wait_for_selector("#upload-results a.duplicate")
    text = page.locator("#upload-results").inner_text()
    assert f"đã có trong hồ sơ {dossier}, bản nháp" in text
    with station.client("lan") as c:
        assert c.get("/api/documents", params={"dossier": "HS-KHAC"}).json()["total"] == 0
    _shot(page, "05-tai-lai-trung")
    ctx.close()


def test_a_bilevel_pdf_of_28_pages_says_its_colour_warning_once(station, browser, tmp_path):
    scan = _bilevel_pdf(tmp_path / "nghi-dinh-28-trang.pdf")
    ctx = browser.new_context(viewport=DESK, locale="vi-VN")
    page = _login(ctx, station.url, "lan")
    _upload(page, [scan], "HS-28-TRANG")
    page.wait_for_selector("a.open-draft", timeout=PROCESSING_TIMEOUT_MS)
    page.goto(station.url + "/queue")
    row = page.locator("#queue tr", has_text="HS-28-TRANG")
    grey = row.locator(".warn[data-code='grayscale']")
    assert grey.count() == 1 and grey.inner_text().endswith("trang 1–28")
    _shot(page, "06-danh-sach-canh-bao-gop")
    row.locator("a[href^='/documents/']").click()
    page.wait_for_selector("#doc")
    grey = page.locator("#warnings .warn[data-code='grayscale']")
    assert grey.count() == 1 and grey.inner_text() == "ảnh xám, quy định yêu cầu ảnh màu: trang 1–28"
    assert page.locator("#warnings").inner_text().count("ảnh xám") == 1
    assert page.locator(".thumb").count() == 28
    page.keyboard.press("PageDown")
    # the viewer says the page number once the scroll has moved: wait for it, bounded
    wait_for_js(page, "document.querySelector('#page-no').textContent === 'Trang 2/28'")
    _shot(page, "07-28-trang")
    doc_id = page.locator("#doc").get_attribute("data-id")
    ctx.close()

    # the draft handed out is marked and titled after its file; the stored draft is not changed
    with station.client("ha") as c:
        pdf = c.get(f"/api/documents/{doc_id}/pdf")
        stored = open_store(str(station.store)).object_path(c.get(f"/api/documents/{doc_id}").json()["sha256"])
    assert pdf.status_code == 200 and pdf.content != stored.read_bytes()
    with pikepdf.open(io.BytesIO(pdf.content)) as marked:
        assert str(marked.docinfo["/Title"]).startswith("nghi-dinh-28-trang.pdf")
    assert _red_share(pdf.content, tmp_path / "draft") > 0.01
    assert _red_share(Path(stored).read_bytes(), tmp_path / "stored") == 0


def _red_share(pdf: bytes, stem: Path) -> float:
    """Share of reddish pixels on page 1 as poppler renders it (the draft mark is red)."""
    src = stem.with_suffix(".pdf")
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(src), str(stem)], check=True)
    [png] = list(stem.parent.glob(stem.name + "*.png"))
    shutil.copy(png, SCREENS / f"pdf-{stem.name}.png")
    with Image.open(png) as im:
        px = list(im.convert("RGB").getdata())
    return sum(r - g > 40 and r - b > 40 for r, g, b in px) / len(px)


def test_a_signed_decree_shows_the_governments_signature_and_its_verdict(station, browser):
    ctx = browser.new_context(viewport=DESK, locale="vi-VN")
    page = _login(ctx, station.url, "lan")
    _upload(page, [SIGNED_DECREE], "HS-NGHI-DINH")
    page.wait_for_selector("a.open-draft", timeout=PROCESSING_TIMEOUT_MS)
    page.click("a.open-draft")
    page.wait_for_selector("#doc")
    sig = page.locator("#originals .signature")
    assert sig.count() == 1
    text = sig.inner_text()
    assert "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ" in text.upper()
    assert sig.get_attribute("data-verdict") in ("valid", "indeterminate", "invalid")
    assert {"valid": "hợp lệ", "indeterminate": "chưa xác định", "invalid": "không hợp lệ"}[
        sig.get_attribute("data-verdict")] in text
    page.locator("#originals").scroll_into_view_if_needed()
    _shot(page, "08-chu-ky-ban-goc")
    ctx.close()


def test_an_admin_adds_and_disables_a_user(station, browser):
    ctx = browser.new_context(viewport=DESK, locale="vi-VN")
    page = _login(ctx, station.url, "quan")
    page.click("#nav-users")
    page.wait_for_selector("#users")
    page.fill("#new-user", "thu")
    page.select_option("#new-role", "staff")
    page.fill("#new-user-password", "Thu-matkhau-2025")
    page.click("#add-user button[type=submit]")
    row = page.locator("tr.user[data-name='thu']")
    row.wait_for()
    assert "Đang hoạt động" in row.inner_text()
    assert httpx.post(station.url + "/api/session",
                      json={"username": "thu", "password": "Thu-matkhau-2025"}).status_code == 200
    _shot(page, "09-nguoi-dung")
    row.locator("button.disable").click()
    page.wait_for_selector("tr.user[data-name='thu'] .state:has-text('Đã khóa')")
    assert httpx.post(station.url + "/api/session",
                      json={"username": "thu", "password": "Thu-matkhau-2025"}).status_code == 401
    page.locator("tr.user[data-name='thu'] button.enable").click()
    page.wait_for_selector("tr.user[data-name='thu'] .state:has-text('Đang hoạt động')")
    row = page.locator("tr.user[data-name='thu']")
    row.locator(".new-password").fill("Thu-moi-2026-xyz")
    row.locator("button.set-password").click()
    page.wait_for_selector("#toast.show")
    assert page.locator("#toast").inner_text() == "Đã thực hiện"
    assert httpx.post(station.url + "/api/session",
                      json={"username": "thu", "password": "Thu-moi-2026-xyz"}).status_code == 200
    ctx.close()


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone-390", "desk-1366"])
def test_every_screen_fits_without_sideways_scroll(station, browser, viewport):
    """Runs after the stories above: the store holds joined, long and signed documents."""
    size = f"{viewport['width']}"
    ctx = browser.new_context(viewport=viewport, locale="vi-VN", is_mobile=viewport is PHONE,
                              has_touch=viewport is PHONE)
    page = ctx.new_page()
    page.goto(station.url + "/login")
    _no_sideways_scroll(page)
    _shot(page, f"{size}-dang-nhap")
    ctx.close()
    ctx = browser.new_context(viewport=viewport, locale="vi-VN", is_mobile=viewport is PHONE,
                              has_touch=viewport is PHONE)
    page = _login(ctx, station.url, "quan")
    with station.client("lan") as c:
        items = c.get("/api/documents").json()["items"]
    screens = {"danh-sach": "/queue", "nguoi-dung": "/admin/users"}
    for item in items:
        if item.get("pages"):
            screens[f"giay-to-{item['pages']}-trang"] = f"/documents/{item['id']}"
            screens[f"ho-so-{item['pages']}"] = f"/dossiers/{item['dossier']}"
    assert any(k.startswith("giay-to") for k in screens)
    for name, path in screens.items():
        page.goto(station.url + path)
        page.wait_for_load_state("networkidle")
        _no_sideways_scroll(page)
        _shot(page, f"{size}-{name}")
    ctx.close()
