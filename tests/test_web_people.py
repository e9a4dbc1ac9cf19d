"""At the counter, in Debian's chromium (Playwright) against a real `digitize serve`: a citizen's office
holds a still-valid and an expired record of one CCCD; a staff member opens a new dossier, types the
CCCD, sees the valid record offered and the expired one marked expired, attaches the valid one by
reference and the dossier lists it as reused; the look-up is in the audit log; a dossier's first page
gives the CCCD without typing. An admin takes in packages from the admin page: one linked, the same
again a no-op, a tampered one refused with the reason. Screenshots go to /tmp/digitize-screens/people
(not committed)."""
from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from support import digitize
from support.browser import log_in, screenshot
from support.people import CCCD, EXPIRED, VALID, counter_dossiers
from support.station import PASSWORDS, start_station

pytestmark = [pytest.mark.system, pytest.mark.slow]
SCREENS = Path("/tmp/digitize-screens/people")
DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
NEW = "000.00.31.H26-261208-0011"
ORG = "UBND xã Ninh Hiệp"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """A station folder whose store holds the citizen's two signed records, and the records' ids."""
    root = tmp_path_factory.mktemp("counter")
    today = dt.date.today()
    manifest, dates = counter_dossiers(root / "scans", today)
    both_valid = (today - dt.timedelta(days=60)).isoformat()  # the day both were valid, as the batch keeps them
    b = digitize("batch", str(manifest), "--store", str(root / "store"), "--valid-on", both_valid, "--jobs", "1",
                 "--no-stamp", timeout=600)
    assert b.returncode == 0, b.stderr
    listed = digitize("store", "ls", "--json", "--store", str(root / "store"))
    ids = {r["dossier"]: r["id"] for r in map(json.loads, listed.stdout.splitlines())}
    assert set(ids) == {VALID, EXPIRED}
    return {"root": root, "ids": ids, "dates": dates}


@pytest.fixture(scope="module")
def station(office):
    s = start_station(office["root"])
    yield s
    s.stop()


def _shot(page, name: str) -> None:
    screenshot(page, SCREENS / f"{name}.png")


def _login(ctx, url: str, user: str):
    page = ctx.new_page()
    log_in(page, url, user, PASSWORDS[user])
    return page


def _look_up(page, cccd: str):
    page.fill("#people-id", cccd)
    page.click("#people-form button[type=submit]")
    page.wait_for_selector("#people-records tbody tr")


def test_staff_attach_a_still_valid_record_to_a_new_dossier(office, station, browser):
    ids, dates = office["ids"], office["dates"]
    ctx = browser.new_context(viewport=DESK, locale="vi-VN")
    page = _login(ctx, station.url, "lan")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _shot(page, "00-danh-sach-ho-so-moi")
    page.fill("#new-dossier-code", NEW)
    page.click("#new-dossier-form button[type=submit]")
    page.wait_for_selector("#people")
    assert page.locator("#dossier-code").inner_text() == NEW
    assert page.locator("#dossier-state").inner_text() == "Hồ sơ mới"
    assert page.locator("#people-reason").input_value() == NEW  # the reason is the dossier by default
    _look_up(page, CCCD)
    valid = page.locator(f"#people-records tr[data-id='{ids[VALID]}']")
    expired = page.locator(f"#people-records tr[data-id='{ids[EXPIRED]}']")
    assert valid.get_attribute("data-state") == "valid" and expired.get_attribute("data-state") == "expired"
    shown = {code: tuple("/".join(reversed(d.split("-"))) for d in pair) for code, pair in dates.items()}
    assert shown[VALID][0] in valid.inner_text() and shown[VALID][1] in valid.inner_text()
    assert "Đã ký số" in valid.inner_text()
    assert valid.locator("button.attach").inner_text() == "Đính kèm vào hồ sơ"
    assert expired.locator("button").count() == 0 and "Hết hiệu lực" in expired.inner_text()
    assert page.locator("#people-status").inner_text() == "Tìm thấy 2 giấy tờ, 1 còn hiệu lực."
    _shot(page, "01-tra-cuu-cccd")

    valid.locator("button.attach").click()
    page.wait_for_selector(f"#dossier-reused tr[data-id='{ids[VALID]}']")
    reused = page.locator("#dossier-reused tbody tr")
    assert reused.count() == 1 and "đã có bản số hóa còn hiệu lực" in reused.inner_text()
    assert shown[VALID][1] in reused.inner_text() and "lan" in reused.inner_text()
    _look_up(page, CCCD)  # once attached, it is not offered again
    assert page.locator(f"#people-records tr[data-id='{ids[VALID]}'] .use").inner_text() == "Đã đính kèm"
    _shot(page, "02-da-dinh-kem")
    assert not errors, errors
    ctx.close()

    with station.client("lan") as staff:
        assert [i["id"] for i in staff.get(f"/api/dossiers/{NEW}/reuse").json()["items"]] == [ids[VALID]]
        refused = staff.post(f"/api/dossiers/{NEW}/reuse", json={"document_id": ids[EXPIRED]})
        assert refused.status_code == 422
    with station.client("ha") as auditor:
        items = auditor.get("/api/people/lookups").json()["items"]
    mine = [i for i in items if i["user"] == "lan" and i.get("dossier") == NEW]
    assert len(mine) == 2 and mine[0]["person"] == "cccd:001*******45" and mine[0]["results"] == 2
    assert all(CCCD not in json.dumps(i) for i in items)


def test_the_first_page_gives_the_cccd_and_the_panel_fits_a_phone(office, station, browser):
    ctx = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = _login(ctx, station.url, "lan")
    page.goto(f"{station.url}/dossiers/{VALID}")
    assert page.locator("#people-id").input_value() == CCCD  # read from the dossier's document
    assert page.locator("#people-read").inner_text() == "Đọc từ trang đầu của hồ sơ"
    _look_up(page, page.locator("#people-id").input_value())
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
    assert width <= inner, f"{width}px wide on a {inner}px screen"
    _shot(page, "03-dien-thoai-ho-so")
    ctx.close()


def _tampered(package: Path, out: Path) -> Path:
    """The package ZIP with one byte flipped in its signed PDF."""
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if "/representations/rep1/data/" in info.filename and info.filename.endswith(".pdf"):
                data = data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + data[len(data) // 2 + 1:]
            dst.writestr(info, data)
    return out


def test_an_admin_imports_packages_from_the_admin_page(office, station, browser, tmp_path):
    out = tmp_path / "packages"
    r = digitize("store", "export", str(out), "--format", "eark-aip", "--zip", "--store", str(station.store),
                 "--organisation", ORG)
    assert r.returncode == 0, r.stderr
    zips = {p.stem: p for p in out.glob("*.zip")}
    assert len(zips) == 2, zips
    good, other = sorted(zips.values())
    bad = _tampered(other, tmp_path / "hong.zip")
    ctx = browser.new_context(viewport=DESK, locale="vi-VN")
    page = _login(ctx, station.url, "quan")
    page.click("#nav-users")
    page.wait_for_selector("#import-form")

    def send(path: Path, outcome: str) -> str:
        page.set_input_files("#import-file", str(path))
        page.click("#import-form button[type=submit]")
        page.wait_for_selector(f"#import-result.{outcome}", timeout=120_000)
        return page.locator("#import-result").inner_text()

    text = send(bad, "import-refused")
    assert text.startswith("Gói bị từ chối, không có gì được nhập: Tệp representations/") \
        and "đã bị thay đổi so với mã kiểm tra trong METS" in text, text
    assert "representations/rep1/data/" in text
    _shot(page, "04-goi-bi-tu-choi")
    assert send(good, "import-done") == f"Đã nhập 0 giấy tờ từ {ORG}; 1 giấy tờ đã có, được liên kết."
    page.wait_for_selector("#imports tbody tr:has-text('quan')")
    assert send(good, "import-already") == "Gói này đã được nhập trước đây, không thêm gì."
    _shot(page, "05-nhap-goi")
    ctx.close()
    with station.client("quan") as admin:
        imported = admin.get("/api/imports").json()["items"]
    assert [(i["organisation"], i["documents"], i["linked"]) for i in imported] == [(ORG, 0, 1)]
    with station.client("lan") as staff:
        assert staff.get("/api/imports").status_code == 403
        assert staff.get("/api/documents").json()["total"] == 2  # nothing of the refused package, nothing twice
