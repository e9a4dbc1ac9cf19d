"""The review station's page, driven in Debian's chromium (Playwright) against a real server: staff log
in, upload a scan, see its warnings and fields, correct a field, approve; the signer signs; the stored
PDF verifies and carries the corrected value; the history shows the change. Screenshots of the main
pages go to the test's folder and /tmp/digitize-screens (not committed) to be looked at."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from support.browser import log_in, wait_for_js
from support.station import PASSWORDS, start_station

pytestmark = [pytest.mark.system, pytest.mark.slow]
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "types" / "giay_khai_sinh_1.jpg"
SCREENS = Path("/tmp/digitize-screens")
PROCESSING_TIMEOUT_MS = 240_000  # one page through OCR on a busy 2-core machine


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    s = start_station(tmp_path_factory.mktemp("page-station"))
    yield s
    s.stop()


def _shot(page, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    SCREENS.mkdir(exist_ok=True)
    shutil.copy(path, SCREENS / path.name)


def _login(page, url: str, user: str) -> None:
    log_in(page, url, user, PASSWORDS[user])


def test_full_review_flow_in_the_browser(station, browser, tmp_path):
    scan = tmp_path / "giay-khai-sinh-150dpi.jpg"  # declared 150 dpi: the page warns "dưới 200 dpi"
    with Image.open(SAMPLE) as im:
        im.save(scan, "JPEG", quality=95, dpi=(150, 150))
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(station.url + "/")
    page.wait_for_url(station.url + "/login")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    _shot(page, tmp_path, "01-dang-nhap")
    page.fill("#username", "lan")
    page.fill("#password", "sai-mat-khau")
    page.click("button[type=submit]")
    page.wait_for_selector("#login-error:has-text('Sai tên đăng nhập')")
    _login(page, station.url, "lan")

    page.set_input_files("#upload-file", str(scan))
    page.fill("#upload-dossier", "HS-TRANG-1")
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("a.open-draft", timeout=PROCESSING_TIMEOUT_MS)
    page.goto(station.url + "/queue")
    assert "HS-TRANG-1" in page.locator("#queue").inner_text()
    assert "Bản nháp" in page.locator("#queue").inner_text()
    _shot(page, tmp_path, "02-danh-sach")
    page.click("#queue a[href^='/documents/']")
    page.wait_for_selector("#doc")
    doc_id = page.locator("#doc").get_attribute("data-id")
    wait_for_js(page, "[...document.querySelectorAll('.page img')].every(i => i.complete && i.naturalWidth > 0)")
    assert "dưới 200 dpi" in page.locator("#warnings").inner_text()
    original = page.input_value("#f-ho_ten")
    assert original.startswith("Đinh")
    page.click("tr.field[data-name='ho_ten'] th")
    page.wait_for_selector(".page .box:not([hidden])")  # the field's box is highlighted on the page
    _shot(page, tmp_path, "03-ho-so-nhap")

    # the validators answer as you type: a CCCD with the wrong length says why
    sdd = page.input_value("#f-so_dinh_danh")
    page.fill("#f-so_dinh_danh", "0923")
    page.wait_for_selector("tr[data-name='so_dinh_danh'] .why:has-text('12 chữ số')")
    _shot(page, tmp_path, "04-kiem-tra-khi-go")
    # the next field to check is one key away (the failing CCCD is one of them now)
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    for _ in range(page.locator(".field.review").count()):
        if page.evaluate("document.activeElement.id") == "f-so_dinh_danh":
            break
        assert page.evaluate("document.activeElement.closest('.field.review') !== null")
        page.keyboard.press("Enter")  # in a field: on to the next one to check
    assert page.evaluate("document.activeElement.id") == "f-so_dinh_danh"
    page.fill("#f-so_dinh_danh", sdd)
    page.wait_for_selector("tr[data-name='so_dinh_danh'] .why:has-text('Hợp lệ')")

    page.fill("#f-ho_ten", "Đinh Thùy Hường")
    page.click("#save")
    page.wait_for_selector("#doc[data-revision='2']")
    assert "Sửa trường" in page.locator("#history").inner_text()

    # Duyệt waits for every flagged field to be ticked "đã kiểm tra" or corrected
    flagged = page.locator(".field[data-flagged='1']")
    names = [flagged.nth(i).get_attribute("data-name") for i in range(flagged.count())]
    assert len(names) >= 2, names
    assert page.locator("#approve").is_disabled() and page.locator("#approve-needs").is_visible()
    assert page.locator(f"label:has(#confirm-{names[0]})").inner_text().strip() == "đã kiểm tra"
    # a correction typed and not saved: leaving the page asks, Duyệt saves it first
    page.fill(f"#f-{names[0]}", "Phường Bến Thành")
    asked: list[str] = []
    stay = lambda d: (asked.append(d.type), d.dismiss())  # noqa: E731
    page.on("dialog", stay)
    page.click(".doc-head a[href='/queue']")  # the dialog is answered (stay) while the click runs
    page.remove_listener("dialog", stay)
    assert asked == ["beforeunload"] and page.url.endswith(f"/documents/{doc_id}")
    for name in names[1:]:
        assert page.locator("#approve").is_disabled()
        page.check(f"#confirm-{name}")
    assert page.locator("#approve").is_enabled() and page.locator("#approve-needs").is_hidden()
    _shot(page, tmp_path, "04b-da-kiem-tra")
    page.click("#approve")
    page.wait_for_selector("#doc[data-status='reviewed']")
    assert page.locator("#doc").get_attribute("data-revision") == "4"  # saved (3), then approved (4)
    assert page.input_value(f"#f-{names[0]}") == "Phường Bến Thành"
    assert "Xác nhận đã kiểm tra" in page.locator("#history").inner_text()
    assert page.locator("#sign").count() == 0  # staff do not sign
    page.click("#logout")
    page.wait_for_url(station.url + "/login")

    _login(page, station.url, "minh")
    _shot(page, tmp_path, "05-danh-sach-nguoi-ky")
    page.goto(f"{station.url}/documents/{doc_id}")
    page.click("#sign")
    page.wait_for_selector("#doc[data-status='signed']", timeout=120_000)
    wait_for_js(page, "[...document.querySelectorAll('.page img')].every(i => i.complete && i.naturalWidth > 0)")
    page.click("#verify")
    page.wait_for_selector("#verdict:has-text('Chữ ký hợp lệ')", timeout=120_000)
    history = page.locator("#history").inner_text()
    assert "Đinh Thùy Hương → Đinh Thùy Hường" in history and "Ký số" in history and "minh" in history
    _shot(page, tmp_path, "06-ho-so-da-ky")
    page.locator("#history").scroll_into_view_if_needed()
    _shot(page, tmp_path, "07-lich-su")

    page.goto(station.url + "/documents/..%2F..%2Fcatalog.sqlite")
    assert "Không tìm thấy" in page.locator("main").inner_text()
    _shot(page, tmp_path, "08-khong-tim-thay")
    assert not errors, errors
    ctx.close()

    # the stored PDF: `digitize verify` calls it valid, and it carries the corrected value
    show = subprocess.run([sys.executable, "-m", "digitize.cli.app", "review", "show", doc_id, "--store",
                           str(station.store), "--json"], capture_output=True, text=True, timeout=120)
    doc = json.loads(show.stdout)
    assert doc["status"] == "signed" and doc["fields"]["ho_ten"]["value"] == "Đinh Thùy Hường"
    confirmed = [e["field"] for e in doc["history"] if e["action"] == "field_confirmed"]
    assert confirmed == names[1:] and doc["fields"][names[0]]["value"] == "Phường Bến Thành"
    verify = subprocess.run([sys.executable, "-m", "digitize.cli.app", "verify", doc["pdf"], "--store",
                             str(station.store), "--json"], capture_output=True, text=True, timeout=300)
    assert verify.returncode == 0 and json.loads(verify.stdout.splitlines()[0])["verdict"] == "valid"
    from digitize.pdfa.reviewed import reviewed_values

    values = reviewed_values(Path(doc["pdf"]).read_bytes())
    assert values["ho_ten"] == "Đinh Thùy Hường" and values[names[0]] == "Phường Bến Thành"


def _clean_draft(station, folder: Path, n: int) -> dict:
    from support.pages import render_text_page
    from support.station import wait_until_processed

    page = render_text_page(folder / f"xac-nhan-{n}.jpg", size=(1654 + n, 2339))
    with station.client("lan") as staff:
        r = staff.post("/api/documents", files={"file": (page.name, page.read_bytes(), "image/jpeg")},
                       data={"dossier": f"HS-BON-MAT-{n}"})
        assert r.status_code == 202, r.text
        return wait_until_processed(staff, r.json()["items"][0]["id"])


def test_the_signer_who_approved_is_told_why_and_a_batch_asks_first(station, browser, tmp_path):
    mine, theirs = _clean_draft(station, tmp_path, 1), _clean_draft(station, tmp_path, 2)
    with station.client("lan") as staff:
        r = staff.post(f"/api/documents/{theirs['id']}/approve",
                       json={"revision": 1, "confirmed": theirs["approval"]["flagged"]})
        assert r.status_code == 200, r.text
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, station.url, "minh")
    page.goto(f"{station.url}/documents/{mine['id']}")
    for name in mine["approval"]["flagged"]:
        page.check(f"#confirm-{name}")
    page.click("#approve")
    page.wait_for_selector("#doc[data-status='reviewed']")
    page.click("#sign")
    page.wait_for_selector("#toast.bad:has-text('nguyên tắc bốn mắt')")
    assert "minh đã duyệt hồ sơ này" in page.locator("#toast").inner_text()
    assert page.locator("#doc").get_attribute("data-status") == "reviewed"
    _shot(page, tmp_path, "09-bon-mat")

    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    page.goto(station.url + "/queue")
    for doc in (mine, theirs):
        page.check(f".pick[value='{doc['id']}']")
    page.click("#sign-selected")
    page.wait_for_selector("#toast.bad:has-text('nguyên tắc bốn mắt')")  # all or nothing: none signed
    assert asked[0].startswith("Ký số 2 hồ sơ sau?") and "HS-BON-MAT-1" in asked[0] and "HS-BON-MAT-2" in asked[0]
    page.uncheck(f".pick[value='{mine['id']}']")
    page.click("#sign-selected")
    page.wait_for_selector(f".pick[value='{theirs['id']}']", state="detached", timeout=120_000)  # signed: reloaded
    assert asked[1].startswith("Ký số 1 hồ sơ sau?") and "HS-BON-MAT-2" in asked[1] and "HS-BON-MAT-1" not in asked[1]
    with station.client("ha") as auditor:
        states = [auditor.get(f"/api/documents/{d['id']}").json()["status"] for d in (mine, theirs)]
    assert states == ["reviewed", "signed"]
    assert not errors, errors
    ctx.close()
