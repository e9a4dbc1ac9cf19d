"""The station left running and under abuse, against a real `digitize serve` (uvicorn) and its store:
sessions in the catalog (a restart keeps them, disabling a user ends them at once, idle ones end),
requests refused from their headers before their body is read, log-in throttling per name and
address, the audit of log-ins and log-outs, the security headers, no server path in any answer,
owner-only catalog and keys, HTTPS with --tls-cert/--tls-key and the warning for plain HTTP
beyond this machine."""
from __future__ import annotations

import hashlib
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from digitize.store import open_store
from support.station import PASSWORDS, serve, start_station, wait_until_processed
from support.tls import server_cert

pytestmark = pytest.mark.system
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "types" / "giay_khai_sinh_1.jpg"
COOKIE = "digitize_session"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    s = start_station(tmp_path_factory.mktemp("guard"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def draft(station):
    with station.client("lan") as staff:
        r = staff.post("/api/documents", files={"file": (SAMPLE.name, SAMPLE.read_bytes(), "image/jpeg")},
                       data={"dossier": "HS-GUARD-1"})
        assert r.status_code == 202, r.text
        doc = wait_until_processed(staff, r.json()["items"][0]["id"])
    assert doc["status"] == "draft", doc
    return doc


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digitize.cli.app", *args], capture_output=True, text=True,
                          timeout=120)


def _raw(station, head: str, declared: int, chunk: int = 64 * 1024) -> tuple[bytes, int]:
    """Sends a request's headers (declaring `declared` body bytes) and one chunk of its body, then
    waits for the answer: (answer, bytes of body sent). A server that reads the body before answering
    never answers, and the read times out."""
    where = urlsplit(station.url)
    with socket.create_connection((where.hostname, where.port), timeout=60) as sock:
        sock.sendall((head + f"Host: {where.netloc}\r\nContent-Length: {declared}\r\n\r\n").encode())
        sock.sendall(b"x" * chunk)
        answer = b""
        while b"\r\n\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    return answer, chunk


def _uploads(store: Path) -> list[Path]:
    return [p for p in (store / "uploads").rglob("*") if p.is_file()] if (store / "uploads").exists() else []


def test_anonymous_huge_requests_are_refused_before_their_body(station):
    before = _uploads(station.store)
    answer, sent = _raw(station, "POST /api/documents HTTP/1.1\r\n"
                                 "Content-Type: multipart/form-data; boundary=xyz\r\n", 300 * MB)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert sent < 300 * MB // 100  # answered with 99% of the body never sent
    answer, sent = _raw(station, f"PATCH /api/documents/{'0' * 20}/fields HTTP/1.1\r\n"
                                 "Content-Type: application/json\r\n", 150 * MB)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert _uploads(station.store) == before


def test_oversized_bodies_are_413_from_their_declared_length(station):
    with station.client("lan") as staff:
        cookie, csrf = staff.cookies[COOKIE], staff.headers["X-CSRF-Token"]
        answer, _ = _raw(station, f"PATCH /api/documents/{'0' * 20}/fields HTTP/1.1\r\nCookie: {COOKIE}={cookie}\r\n"
                                  f"X-CSRF-Token: {csrf}\r\nContent-Type: application/json\r\n", 150 * MB)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        answer, _ = _raw(station, f"PATCH /api/documents/{'0' * 20}/fields HTTP/1.1\r\nCookie: {COOKIE}={cookie}\r\n"
                                  "Content-Type: application/json\r\n", 150 * MB)
        assert answer.startswith(b"HTTP/1.1 403"), answer[:200]  # CSRF is checked before the length
        chunked = staff.patch(f"/api/documents/{'0' * 20}/fields", headers={"Content-Type": "application/json"},
                              content=iter([b'{"revision": 1, "fields": {"a": "', b"x" * (2 * MB), b'"}}']))
        assert chunked.status_code == 413 and chunked.json()["message"] == "Dữ liệu gửi lên quá lớn."
        assert staff.get("/api/session").status_code == 200  # the session is unharmed


def test_a_strangers_failures_elsewhere_do_not_lock_the_user_out(station):
    with station.client(address="127.0.0.2") as stranger:
        answers = [stranger.post("/api/session", json={"username": "lan", "password": f"doan-bua-{i}"})
                   for i in range(8)]
    codes = [r.status_code for r in answers]
    assert codes[:3] == [401, 401, 401] and 429 in codes[4:], codes
    throttled = next(r for r in answers if r.status_code == 429)
    assert throttled.json()["message"] == "Đăng nhập sai quá nhiều lần, hãy thử lại sau."
    assert int(throttled.headers["retry-after"]) >= 1
    with station.client("lan") as real:  # from 127.0.0.1: logs in at once (the fixture asserts 200)
        assert real.get("/api/session").json()["user"] == "lan"


def test_one_address_trying_many_names_is_slowed_down(station):
    with station.client(address="127.0.0.3") as sprayer:
        codes = [sprayer.post("/api/session", json={"username": f"khong-co-{i}", "password": "mat-khau-doan"}
                              ).status_code for i in range(16)]
    assert codes[:10] == [401] * 10 and 429 in codes[11:], codes
    with station.client("minh") as real:
        assert real.get("/api/session").status_code == 200


def test_failed_logins_and_logouts_are_audited(station):
    with station.client(address="127.0.0.4") as c:
        assert c.post("/api/session", json={"username": "ha", "password": "sai-mat-khau-1"}).status_code == 401
        assert c.post("/api/session", json={"username": "Mat-Khau-Go-Nham", "password": "x" * 9}).status_code == 401
    with station.client("ha") as auditor:
        assert auditor.delete("/api/session").status_code == 200
    events = open_store(str(station.store)).events()
    failed = [e for e in events if e["kind"] == "login_failed" and e["data"]["address"] == "127.0.0.4"]
    assert {"name": "ha", "reason": "wrong_password", "address": "127.0.0.4"} in [e["data"] for e in failed]
    unknown = next(e["data"] for e in failed if e["data"]["reason"] == "unknown_name")
    assert "name" not in unknown  # a name that is no user's may be a password typed in the wrong box
    assert unknown["name_sha256"] == hashlib.sha256(b"mat-khau-go-nham").hexdigest()[:16]
    assert any(e["kind"] == "logout" and e["user"] == "ha" for e in events)
    catalog = b"".join(p.read_bytes() for p in station.store.glob("catalog.sqlite*"))
    assert b"sai-mat-khau-1" not in catalog and b"mat-khau-go-nham" not in catalog.lower()


def test_disabling_a_user_ends_their_session_at_once(station):
    with station.client("tuan") as staff, station.client("quan") as admin:
        assert staff.get("/api/session").status_code == 200
        assert _cli("users", "disable", "tuan", "--store", str(station.store)).returncode == 0
        assert staff.get("/api/session").status_code == 401
        assert staff.get("/queue", follow_redirects=False).headers["location"] == "/login"
        assert admin.post("/api/users", json={"username": "thu", "role": "staff",
                                              "password": "Thu-matkhau-2025"}).status_code == 201
        with station.client() as thu:
            r = thu.post("/api/session", json={"username": "thu", "password": "Thu-matkhau-2025"})
            thu.headers["X-CSRF-Token"] = r.json()["csrf"]
            assert thu.get("/api/documents").status_code == 200
            assert admin.post("/api/users/thu/disable").status_code == 200
            assert thu.get("/api/documents").status_code == 401


def _assert_guarded(r, path: str) -> None:
    h = r.headers
    csp = h.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
    assert h.get("x-content-type-options") == "nosniff" and h.get("referrer-policy"), path
    assert h.get("cache-control") == "no-store", path


def test_every_page_and_answer_has_the_security_headers(station, draft):
    doc = draft["id"]
    with station.client() as anon:
        for path in ("/", "/login", "/queue", "/api/documents", "/api/openapi.json", "/nowhere"):
            _assert_guarded(anon.get(path, follow_redirects=False), path)
    with station.client("quan") as admin, station.client("lan") as staff:
        for path in ("/queue", "/queue?status=error", "/admin/users", "/api/users", "/api/session"):
            _assert_guarded(admin.get(path), path)
        for path in (f"/documents/{doc}", f"/dossiers/{draft['dossier']}", f"/api/documents/{doc}",
                     f"/api/documents/{doc}/pages/1", f"/api/documents/{doc}/pages/1/thumb",
                     f"/api/documents/{doc}/history", f"/api/documents/{doc}/pdf", f"/documents/{'0' * 20}",
                     f"/api/documents/{'0' * 20}"):
            r = staff.get(path)
            assert r.status_code in (200, 404), (path, r.status_code)
            _assert_guarded(r, path)
        _assert_guarded(staff.patch(f"/api/documents/{doc}/fields", json={"revision": 99, "fields": {}}), "409")
    assert "without TLS" not in station.log.read_text()  # loopback: no warning


def _no_server_path(text: str, store: Path) -> None:
    for needle in (str(store), str(store.resolve()), "uploads/.upload-", "originals/", "objects/"):
        assert needle not in text, (needle, text[:300])


def test_no_server_path_in_answers_or_errors(station, draft):
    with station.client("lan") as staff, station.client("ha") as auditor:
        text = staff.post("/api/documents", files={"file": ("ghi-chu.jpg", "không phải ảnh\n".encode(), "image/jpeg")})
        assert text.status_code == 422 and text.json()["error"].startswith("ghi-chu.jpg: ")
        cut = staff.post("/api/documents", files={"file": ("bi-cat.jpg", SAMPLE.read_bytes()[:6000], "image/jpeg")})
        failed = wait_until_processed(staff, cut.json()["items"][0]["id"]) if cut.status_code == 202 else cut.json()
        answers = [text.text, cut.text, str(failed), staff.get("/api/documents").text,
                   staff.get(f"/api/documents/{draft['id']}").text, staff.get(f"/api/documents/{draft['id']}/history").text,
                   auditor.get(f"/api/documents/{draft['id']}/verify").text, staff.get("/queue").text,
                   staff.get(f"/documents/{draft['id']}").text]
    for answer in answers:
        _no_server_path(answer, station.store)
    assert draft["pdf"] == f"/api/documents/{draft['id']}/pdf" and not draft["source"].startswith("/")


def test_catalog_and_keys_are_owner_only(station, tmp_path):
    assert stat.S_IMODE((station.store / "catalog.sqlite").stat().st_mode) == 0o600
    keys = [p for p in (station.store / "keys").iterdir() if p.is_file()]
    assert keys and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in keys)
    demo = _cli("keys", "demo", "--store", str(tmp_path / "demo-store"))
    assert demo.returncode == 0, demo.stderr
    made = [p for p in (tmp_path / "demo-store" / "keys").iterdir() if p.is_file()]
    assert made and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in made)
    assert stat.S_IMODE((tmp_path / "demo-store" / "keys").stat().st_mode) == 0o700
    old = tmp_path / "old-store"
    open_store(str(old))
    (old / "catalog.sqlite").chmod(0o644)  # as catalogs were made before
    open_store(str(old))
    assert stat.S_IMODE((old / "catalog.sqlite").stat().st_mode) == 0o600


def test_tls_needs_both_files(tmp_path):
    ca, cert, key = server_cert(tmp_path)
    half = _cli("serve", "--store", str(tmp_path / "store"), "--tls-cert", str(cert))
    assert half.returncode == 2 and "--tls-key" in half.stderr and half.stderr.count("\n") <= 2, half.stderr
    missing = _cli("serve", "--store", str(tmp_path / "store"), "--tls-cert", str(cert), "--tls-key",
                   str(tmp_path / "nowhere.key"))
    assert missing.returncode == 2 and "nowhere.key: no such file" in missing.stderr


def test_https_and_a_session_that_survives_a_restart(tmp_path):
    ca, cert, key = server_cert(tmp_path)
    tls = ("--tls-cert", str(cert), "--tls-key", str(key))
    first = start_station(tmp_path, *tls, tls_ca=ca)
    try:
        with first.client("lan") as c:
            assert first.url.startswith("https://")
            token, csrf = c.cookies[COOKIE], c.headers["X-CSRF-Token"]
            r = c.get("/api/session")
            assert r.headers["strict-transport-security"].startswith("max-age=")
    finally:
        first.stop()
    second = serve(first.store, tmp_path / "again.log", *tls, tls_ca=ca)
    try:
        with second.client() as c:
            c.cookies.set(COOKIE, token)
            assert c.get("/api/session").json() == {"user": "lan", "role": "staff", "csrf": csrf}
            assert c.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 200
            assert c.get("/api/session").status_code == 401
    finally:
        second.stop()
    catalog = b"".join(p.read_bytes() for p in first.store.glob("catalog.sqlite*"))
    assert token.encode() not in catalog  # only its hash is kept


def test_plain_http_beyond_loopback_warns_and_idle_sessions_end(tmp_path):
    s = start_station(tmp_path, "--session-idle", "1", host="0.0.0.0")
    try:
        assert "without TLS" in s.log.read_text()
        with s.client("lan") as c:
            time.sleep(3)  # three times the idle lifetime
            assert c.get("/api/session").status_code == 401
            r = c.post("/api/session", json={"username": "lan", "password": PASSWORDS["lan"]})
            assert r.status_code == 200 and "secure" not in r.headers["set-cookie"].lower()
    finally:
        s.stop()


@pytest.mark.slow
def test_pages_work_in_a_browser_under_the_csp(station, draft):
    """Every page's script and styles come from the station's own files: chromium reports no CSP
    violation, the scripts run (messages loaded, page images drawn), and the queue cannot be framed."""
    from support.browser import chromium, wait_for_js

    with chromium() as browser:
        ctx = browser.new_context(locale="vi-VN")
        page = ctx.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(station.url + "/login")
        page.fill("#username", "quan")
        page.fill("#password", PASSWORDS["quan"])
        page.click("button[type=submit]")
        page.wait_for_url(station.url + "/queue")
        assert page.evaluate("typeof window.MSG") == "object"
        page.goto(station.url + "/admin/users")
        page.wait_for_selector("tr[data-name='lan']")
        page.click("#logout")
        page.wait_for_url(station.url + "/login")
        page.fill("#username", "lan")
        page.fill("#password", PASSWORDS["lan"])
        page.click("button[type=submit]")
        page.wait_for_url(station.url + "/queue")
        page.goto(f"{station.url}/documents/{draft['id']}")
        wait_for_js(page, "[...document.querySelectorAll('.page img')].every(i => i.complete && i.naturalWidth > 0)")
        page.click("tr.field[data-name='ho_ten'] th")
        page.wait_for_selector(".page .box:not([hidden])")  # the script places the field's box
        with page.expect_console_message(lambda m: "frame-ancestors" in m.text, timeout=30_000):
            page.set_content(f"<iframe src='{station.url}/queue'></iframe>")  # refused: cannot be framed
        ctx.close()
    assert not [p for p in problems if "frame-ancestors" not in p], problems


def test_behind_a_reverse_proxy_the_forwarded_client_is_throttled(station):
    """A proxy on this machine (the recipe in docs/station.md) forwards the client's address and
    scheme: the throttle and the audit see the client, and the cookie is Secure for HTTPS."""
    stranger = {"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"}
    with station.client() as proxy:
        codes = [proxy.post("/api/session", json={"username": "minh", "password": f"doan-{i}"}, headers=stranger
                            ).status_code for i in range(8)]
        assert codes[:3] == [401, 401, 401] and 429 in codes[4:], codes
        r = proxy.post("/api/session", json={"username": "minh", "password": PASSWORDS["minh"]},
                       headers={"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"})
        assert r.status_code == 200 and "secure" in r.headers["set-cookie"].lower()
        assert r.headers["strict-transport-security"].startswith("max-age=")
    events = open_store(str(station.store)).events()
    assert any(e["kind"] == "login_failed" and e["data"]["address"] == "203.0.113.5" for e in events)
    assert any(e["kind"] == "login" and e["data"].get("address") == "198.51.100.7" for e in events)
