"""A Vietnamese officer's day in the station reads Vietnamese only (Playwright on Debian's chromium): a wrong
log-in says so and nothing else; the queue, a decree's fields with their reasons, the history and the signature
check of a draft carry no English word from the kept list and no label stripped of the tone marks the page prints;
a date typed dd/mm/yyyy comes back the same; times are shown in Asia/Ho_Chi_Minh with +07:00."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from digitize.vn.text import fold
from support import CORPUS
from support.browser import chromium
from support.english_words import english_words
from support.station import PASSWORDS, start_station

pytestmark = [pytest.mark.system, pytest.mark.slow]
DECREE = CORPUS / "real-scans" / "nd199-2026" / "199-ndcp.signed.pdf"  # 3 pages, signed by the government
SCREENS = Path("/tmp/digitize-screens")
PROCESSING_TIMEOUT_MS = 300_000


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    s = start_station(tmp_path_factory.mktemp("words-station"))
    yield s
    s.stop()


def _shot(page, folder: Path, name: str) -> None:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    SCREENS.mkdir(exist_ok=True)
    shutil.copy(path, SCREENS / path.name)


def _english(text: str, allowed: str = "") -> set[str]:
    """English words of `text`, less those of names the page shows as they are (file names)."""
    return english_words(text) - english_words(allowed)


def _stripped_labels(labels: list[str], page_text: str) -> list[str]:
    """Labels written without tone marks although the document (or the label lexicon) writes them with: 'Ve viec'
    for 'Về việc', 'Noi nhan' for 'Nơi nhận'."""
    from digitize.stages.extract.lexicon import LEXICON

    known = {fold(s): s for _, spellings in LEXICON.values() for s in spellings}
    return [label for label in labels if label.isascii() and (
        not _printed_as(label, page_text).isascii() or not known.get(fold(label), label).isascii())]


def _printed_as(label: str, printed: str) -> str:
    """The words of the page whose folded form is the label's."""
    words, key = printed.split(), fold(label).split()
    for i in range(len(words) - len(key) + 1):
        if [fold(w).strip(":,.") for w in words[i:i + len(key)]] == key:
            return " ".join(words[i:i + len(key)])
    return ""


def test_a_vietnamese_day_reads_vietnamese(station, tmp_path):
    with chromium() as browser:
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # a wrong password says only that (no 'PDF có mật khẩu', no English reason)
        page.goto(station.url + "/login")
        page.fill("#username", "lan")
        page.fill("#password", "sai-mat-khau")
        page.click("button[type=submit]")
        page.wait_for_selector("#login-error:has-text('Sai tên đăng nhập')")
        assert page.inner_text("#login-error").strip() == "Sai tên đăng nhập hoặc mật khẩu."

        page.fill("#password", PASSWORDS["lan"])
        page.click("button[type=submit]")
        page.wait_for_url(station.url + "/queue")
        page.set_input_files("#upload-file", str(DECREE))
        page.fill("#upload-dossier", "HS-NGHI-DINH-199")
        page.click("#upload-form button[type=submit]")
        page.wait_for_selector("a.open-draft", timeout=PROCESSING_TIMEOUT_MS)
        page.goto(station.url + "/queue")
        queue = page.inner_text("main")
        assert "HS-NGHI-DINH-199" in queue and not _english(queue, DECREE.name), _english(queue, DECREE.name)
        assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d \+07:00", queue), queue  # created, in Vietnam's time
        _shot(page, tmp_path, "tu-01-danh-sach")

        page.click("#queue a[href^='/documents/']")
        page.wait_for_selector("#doc")
        doc_id = page.get_attribute("#doc", "data-id")
        labels = [t.strip() for t in page.locator(".fields-table th label").all_inner_texts()]
        reasons = page.locator(".fields-table .why .warn").all_inner_texts()
        assert labels and reasons, (labels, reasons)
        shown = "\n".join(labels + reasons + page.locator("#warnings").all_inner_texts()
                          + page.locator("#originals").all_inner_texts())
        assert not _english(shown), (_english(shown), shown)
        # the government's signature on the original, and why it is not yet valid offline, in Vietnamese
        assert page.locator("#originals .finding").count() >= 1
        text = page.evaluate(f"fetch('/api/documents/{doc_id}/text').then(r => r.json())")
        assert not _stripped_labels(labels, "\n".join(text["pages"])), labels
        assert not any(re.fullmatch(r"[a-z0-9_]+", label) for label in labels), labels  # no internal names
        _shot(page, tmp_path, "tu-02-ho-so")

        # the signature check of a draft: not signed yet, said plainly and not as a failure
        page.click("#verify")
        page.wait_for_selector("#verdict:has-text('chưa được ký')", timeout=120_000)
        assert "không hợp lệ" not in page.inner_text("#verdict")
        assert "v-unsigned" in page.get_attribute("#verdict", "class")

        # a date typed the Vietnamese way is kept (ISO inside) and shown back the same way
        page.fill("#new-name", "ngay_cap")
        page.fill("#new-value", "22/04/2026")
        page.click("#save")
        page.wait_for_selector("#doc[data-revision='2']")
        assert page.input_value("#f-ngay_cap") == "22/04/2026"
        history = page.inner_text("#history")
        assert "Ngày cấp" in history and "ngay_cap" not in history, history  # the label, not the name
        assert "22/04/2026" in history and "2026-04-22" not in history
        times = re.findall(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d (\S+)", history)
        assert times and set(times) == {"+07:00"}, history
        assert not _english(history, DECREE.name), _english(history, DECREE.name)
        page.locator("#history").scroll_into_view_if_needed()
        _shot(page, tmp_path, "tu-03-lich-su")
        assert not errors, errors
        ctx.close()
    with station.client("lan") as api:
        stored = api.get(f"/api/documents/{doc_id}").json()["fields"]["ngay_cap"]
    assert stored["value"] == "2026-04-22"  # stored ISO
