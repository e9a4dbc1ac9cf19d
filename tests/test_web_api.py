"""The review station's JSON API, driven over HTTP against a real `digitize serve` (uvicorn) with a
temporary store and the demo signer: sessions, CSRF, roles, revisions, bad uploads, path-like ids."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from digitize.store import open_store
from support.station import PASSWORDS, encrypted_pdf, png_bomb, start_station, wait_until_processed

pytestmark = pytest.mark.system
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "types" / "giay_khai_sinh_1.jpg"


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    s = start_station(tmp_path_factory.mktemp("station"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def draft(station):
    """One uploaded scan, processed to a draft by the server's pipeline."""
    with station.client("lan") as staff:
        r = staff.post("/api/documents", files={"file": (SAMPLE.name, SAMPLE.read_bytes(), "image/jpeg")},
                       data={"dossier": "HS-API-1"})
        assert r.status_code == 202, r.text
        [item] = r.json()["items"]
        assert item["status"] == "processing"
        doc = wait_until_processed(staff, item["id"])
    assert doc["status"] == "draft", doc
    return doc


def test_an_upload_is_kept_as_the_original_of_its_draft(station, draft):
    store = open_store(str(station.store))
    [original] = store.originals(draft["id"])
    assert original.sha256 == hashlib.sha256(SAMPLE.read_bytes()).hexdigest() and original.kind == "scan"
    kept = station.store / "originals" / original.sha256[:2] / f"{original.sha256}.{original.ext}"
    assert kept.read_bytes() == SAMPLE.read_bytes()


def _stored(store: Path) -> tuple[int, list[Path]]:
    with sqlite3.connect(store / "catalog.sqlite") as conn:
        docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    files = [p for d in ("objects", "originals", "uploads") for p in (store / d).rglob("*") if p.is_file()]
    return docs, files


def test_no_session_is_401_and_a_wrong_password_is_401(station):
    with station.client() as anon:
        assert anon.get("/api/documents").status_code == 401
        assert anon.patch("/api/documents/" + "0" * 20 + "/fields", json={"revision": 1, "fields": {}}).status_code == 401
        r = anon.post("/api/session", json={"username": "lan", "password": "sai-mat-khau"})
        assert r.status_code == 401 and r.json()["message"].startswith("Sai tên đăng nhập")
        assert "set-cookie" not in r.headers


def test_session_cookie_flags_and_logout(station):
    with station.client() as c:
        r = c.post("/api/session", json={"username": "ha", "password": PASSWORDS["ha"]})
        assert r.status_code == 200 and set(r.json()) == {"user", "role", "csrf"} and r.json()["role"] == "auditor"
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie  # plain http here
        assert c.get("/api/documents").status_code == 200
        assert c.delete("/api/session").status_code == 403  # logging out changes state: CSRF needed
        assert c.delete("/api/session", headers={"X-CSRF-Token": r.json()["csrf"]}).status_code == 200
        assert c.get("/api/documents").status_code == 401


def test_repeated_failures_are_slowed_down(station):
    with station.client() as c:
        codes = [c.post("/api/session", json={"username": "tuan", "password": f"sai-{i}"}) for i in range(5)]
        assert [r.status_code for r in codes[:3]] == [401, 401, 401]
        refused = c.post("/api/session", json={"username": "tuan", "password": PASSWORDS["tuan"]})
        # even the right password waits once the name has failed too often
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


def test_state_changes_without_csrf_are_403(station, draft):
    with station.client("lan") as staff:
        token = staff.headers.pop("X-CSRF-Token")
        r = staff.patch(f"/api/documents/{draft['id']}/fields", json={"revision": 1, "fields": {"x": "y"}})
        assert r.status_code == 403 and r.json()["code"] == "csrf"
        r = staff.post("/api/documents", files={"file": ("a.jpg", SAMPLE.read_bytes(), "image/jpeg")},
                       headers={"X-CSRF-Token": token[:-2] + "xx"})
        assert r.status_code == 403


def test_roles(station, draft):
    with station.client("ha") as auditor, station.client("lan") as staff, station.client("quan") as admin:
        assert auditor.post("/api/documents", files={"file": ("a.jpg", b"x", "image/jpeg")}).status_code == 403
        assert auditor.patch(f"/api/documents/{draft['id']}/fields",
                             json={"revision": 1, "fields": {"a": "b"}}).status_code == 403
        assert staff.post(f"/api/documents/{draft['id']}/sign", json={"revision": 1}).status_code == 403
        assert staff.post("/api/sign", json={"items": [{"id": draft["id"], "revision": 1}]}).status_code == 403
        assert staff.get("/api/users").status_code == 403
        assert admin.patch(f"/api/documents/{draft['id']}/fields",
                           json={"revision": 1, "fields": {"a": "b"}}).status_code == 403
        assert auditor.get(f"/api/documents/{draft['id']}").status_code == 200
        names = {u["name"] for u in admin.get("/api/users").json()["items"]}
        assert names == {"lan", "minh", "ha", "quan", "tuan"}


@pytest.mark.parametrize("path", ["..%2F..%2Fcatalog.sqlite", "%2e%2e%2f%2e%2e%2fcatalog.sqlite",
                                  "..%5C..%5Ccatalog.sqlite", "%2Fetc%2Fpasswd", "abc%25", "0" * 20])
def test_ids_that_are_paths_are_404(station, path):
    with station.client("ha") as c:
        for suffix in ("", "/pdf", "/pages/1", "/history", "/text", "/verify"):
            r = c.get(f"/api/documents/{path}{suffix}")
            assert r.status_code == 404, (path, suffix, r.text)
            assert r.headers["content-type"].startswith("application/json")


def test_bad_uploads_give_their_reason_and_store_nothing(station, tmp_path, corpus):
    text = tmp_path / "ghi-chu.jpg"
    text.write_text("đây không phải ảnh quét\n", encoding="utf-8")
    bomb = png_bomb(tmp_path / "bom.png")
    locked = encrypted_pdf(tmp_path / "khoa.pdf", corpus / "pdfa" / "PDFA-2b_6-1-3-t01-pass-a.pdf")
    before = _stored(station.store)
    with station.client("lan") as staff:
        for path, words in ((text, "not an image or PDF"), (bomb, "decompression bomb"), (locked, "password")):
            r = staff.post("/api/documents", files={"file": (path.name, path.read_bytes(), "application/octet-stream")})
            assert r.status_code == 422, r.text
            body = r.json()
            assert body["error"].startswith(path.name + ": ") and words in body["error"], body
            assert "\n" not in body["error"] and body["message"]
    assert _stored(station.store) == before


def test_draft_fields_revisions_approve_sign_verify(station, draft):
    doc_id = draft["id"]
    assert draft["doc_type"] == "giay_khai_sinh" and draft["revision"] == 1
    f = draft["fields"]["ho_ten"]
    assert set(f) == {"value", "raw", "confidence", "page", "box", "valid", "needs_review", "reason"}
    with station.client("lan") as staff, station.client("minh") as signer, station.client("ha") as auditor:
        page = staff.get(f"/api/documents/{doc_id}/pages/1")
        assert page.status_code == 200 and page.content[:2] == b"\xff\xd8"
        assert "GIẤY KHAI SINH" in staff.get(f"/api/documents/{doc_id}/pages/1/text").json()["text"].upper()
        assert staff.get(f"/api/documents/{doc_id}/pages/9").status_code == 404
        bad = staff.get(f"/api/documents/{doc_id}/fields/so_dinh_danh/check", params={"value": "0923"})
        assert bad.json()["valid"] is False and "12 chữ số" in bad.json()["message"]
        r = staff.patch(f"/api/documents/{doc_id}/fields",
                        json={"revision": 1, "fields": {"ho_ten": "Đinh Thùy Hường", "ghi_chu": "bổ sung"}})
        assert r.status_code == 200 and r.json()["revision"] == 2
        stale = signer.patch(f"/api/documents/{doc_id}/fields", json={"revision": 1, "fields": {"ho_ten": "X Y"}})
        assert stale.status_code == 409
        kept = staff.patch(f"/api/documents/{doc_id}/fields", json={"revision": 2, "fields": {"so_dinh_danh": "0923"}})
        sdd = kept.json()["fields"]["so_dinh_danh"]
        assert (sdd["value"], sdd["valid"], sdd["needs_review"]) == ("0923", False, True) and sdd["reason"]
        restored = staff.patch(f"/api/documents/{doc_id}/fields",
                               json={"revision": 3, "fields": {"so_dinh_danh": f["value"] and draft["fields"]["so_dinh_danh"]["value"]}})
        assert restored.status_code == 200
        assert staff.post(f"/api/documents/{doc_id}/approve", json={"revision": 3}).status_code == 409
        unchecked = restored.json()["approval"]["unconfirmed"]
        refused = staff.post(f"/api/documents/{doc_id}/approve", json={"revision": 4})
        assert refused.status_code == 409 and refused.json()["unconfirmed"] == unchecked
        approved = staff.post(f"/api/documents/{doc_id}/approve", json={"revision": 4, "confirmed": unchecked})
        assert approved.status_code == 200 and approved.json()["status"] == "reviewed"
        signed = signer.post(f"/api/documents/{doc_id}/sign", json={"revision": 5})
        assert signed.status_code == 200 and signed.json()["status"] == "signed", signed.text
        again = signer.post("/api/sign", json={"items": [{"id": doc_id, "revision": 5}]})
        assert again.status_code == 409 and again.json()["moved"][0]["status"] == "signed"
        verdict = auditor.get(f"/api/documents/{doc_id}/verify").json()
        assert verdict["verdict"] == "valid", verdict
        pdf = auditor.get(f"/api/documents/{doc_id}/pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        from digitize.pdfa.reviewed import reviewed_values

        assert reviewed_values(pdf.content)["ho_ten"] == "Đinh Thùy Hường"
        history = staff.get(f"/api/documents/{doc_id}/history").json()["items"]
    actions = [(e["action"], e["user"]) for e in history]
    for expected in (("uploaded", "lan"), ("field_changed", "lan"), ("field_added", "lan"), ("approved", "lan"),
                     *((("field_confirmed", "lan"),) if unchecked else ()),
                     ("signed", "minh"), ("exported", "ha")):
        assert expected in actions, actions
    change = next(e for e in history if e["action"] == "field_changed" and e["field"] == "ho_ten")
    assert (change["old"], change["new"]) == ("Đinh Thùy Hương", "Đinh Thùy Hường") and change["ocr"]
    listed = subprocess.run([sys.executable, "-m", "digitize.cli.app", "review", "ls", "--store",
                             str(station.store), "--json", "--status", "signed"], capture_output=True, text=True)
    assert doc_id in [json.loads(line)["id"] for line in listed.stdout.splitlines()]


def test_listing_filters_and_search(station, draft):
    with station.client("ha") as c:
        data = c.get("/api/documents").json()
        assert data["total"] >= 1 and {"items", "total", "counts"} <= set(data)
        found = c.get("/api/documents", params={"q": "khai sinh"}).json()
        assert draft["id"] in [i["id"] for i in found["items"]]
        assert c.get("/api/documents", params={"q": "không-có-chữ-này"}).json()["total"] == 0
        assert c.get("/api/documents", params={"dossier": "HS-API-1"}).json()["total"] == 1


def test_openapi_lists_the_api(station):
    paths = set(__import__("httpx").get(station.url + "/api/openapi.json").json()["paths"])
    assert {"/api/session", "/api/documents", "/api/documents/{doc_id}", "/api/documents/{doc_id}/fields",
            "/api/documents/{doc_id}/approve", "/api/documents/{doc_id}/sign", "/api/sign",
            "/api/documents/{doc_id}/verify", "/api/documents/{doc_id}/history"} <= paths


def test_passwords_are_never_logged(station, draft):
    # runs after the log-ins above (module order): the server's output and the catalog hold no password
    log = station.log.read_bytes()
    catalog = b"".join(p.read_bytes() for p in station.store.glob("catalog.sqlite*"))
    for password in list(PASSWORDS.values()) + ["sai-mat-khau"]:
        assert password.encode() not in log and password.encode() not in catalog
