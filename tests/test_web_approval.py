"""Approval and signing as an office runs them, over HTTP against a real `digitize serve` with a real store
and the demo signer: approval is refused until required fields have values and every flagged field was
corrected or confirmed; the signer is a second person (four eyes) unless the station is an office of one;
a batch signs exactly the revisions the signer saw; values XML cannot hold are refused with a Vietnamese line."""
from __future__ import annotations

import subprocess
import sys

import pytest

from digitize.errors import ExitCode
from digitize.store import open_store
from support.pages import render_text_page
from support.station import add_user, start_station, wait_until_processed

pytestmark = pytest.mark.system


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    s = start_station(tmp_path_factory.mktemp("approval"))
    add_user(s.store, "thu", "signer")
    yield s
    s.stop()


def _draft(station, folder, n: int) -> dict:
    """A one-page draft made by the server's pipeline (each a page of its own size, so its own document)."""
    page = render_text_page(folder / f"giay-{n}.jpg", size=(1654 + n, 2339))
    with station.client("lan") as staff:
        r = staff.post("/api/documents", files={"file": (page.name, page.read_bytes(), "image/jpeg")},
                       data={"dossier": f"HS-DUYET-{n}"})
        assert r.status_code == 202, r.text
        doc = wait_until_processed(staff, r.json()["items"][0]["id"])
    assert doc["status"] == "draft", doc
    return doc


@pytest.fixture(scope="module")
def editable(station, tmp_path_factory):
    return _draft(station, tmp_path_factory.mktemp("editable"), 6)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digitize.cli.app", *args], capture_output=True, text=True,
                          timeout=300)


def test_approve_is_refused_until_required_fields_have_values_and_flagged_ones_are_checked(station, tmp_path):
    doc = _draft(station, tmp_path, 1)
    doc_id, flagged = doc["id"], doc["approval"]["flagged"]
    assert flagged and doc["approval"]["unconfirmed"] == flagged
    with station.client("lan") as staff:
        r = staff.post(f"/api/documents/{doc_id}/approve", json={"revision": 1})
        assert r.status_code == 409, r.text
        body = r.json()
        assert (body["missing"], body["unconfirmed"]) == ([], flagged)
        assert body["message"].startswith("Chưa duyệt được:") and flagged[0] in body["message"]
        # an ID card: its number, sex and expiry are required and this page has none of them
        typed = staff.post(f"/api/documents/{doc_id}/type", json={"revision": 1, "doc_type": "cccd"}).json()
        r = staff.post(f"/api/documents/{doc_id}/approve", json={"revision": 2, "confirmed": flagged})
        assert r.status_code == 409 and {"so_dinh_danh", "gioi_tinh", "co_gia_tri_den"} <= set(r.json()["missing"])
        assert "trường bắt buộc chưa có giá trị" in r.json()["message"]
        filled = staff.patch(f"/api/documents/{doc_id}/fields", json={"revision": typed["revision"], "fields": {
            "so_dinh_danh": "001190012345", "gioi_tinh": "Nữ", "co_gia_tri_den": "12/03/2035"}}).json()
        left = filled["approval"]["unconfirmed"]
        assert filled["approval"]["missing"] == [] and "so_dinh_danh" not in left
        r = staff.post(f"/api/documents/{doc_id}/approve", json={"revision": filled["revision"]})
        assert r.status_code == 409 and r.json()["unconfirmed"] == left and left
        ok = staff.post(f"/api/documents/{doc_id}/approve",
                        json={"revision": filled["revision"], "confirmed": left})
        assert ok.status_code == 200 and ok.json()["status"] == "reviewed", ok.text
        history = staff.get(f"/api/documents/{doc_id}/history").json()["items"]
    assert [e["field"] for e in history if e["action"] == "field_confirmed" and e["user"] == "lan"] == left


def test_cli_approve_needs_confirm_and_a_refusal_is_not_a_store_error(station, tmp_path):
    doc = _draft(station, tmp_path, 2)
    store = str(station.store)
    flagged = doc["approval"]["flagged"]
    shown = _cli("review", "show", doc["id"], "--store", store)
    assert f"to approve: correct or --confirm {', '.join(flagged)}" in shown.stdout, shown.stdout
    refused = _cli("review", "approve", doc["id"], "--store", store, "--user", "lan")
    assert refused.returncode == ExitCode.CONFLICT, refused.stderr
    assert flagged[0] in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    confirm = [a for name in flagged for a in ("--confirm", name)]
    ok = _cli("review", "approve", doc["id"], *confirm, "--store", store, "--user", "lan")
    assert ok.returncode == 0, ok.stderr
    again = _cli("review", "approve", doc["id"], *confirm, "--store", store, "--user", "lan")
    assert again.returncode == ExitCode.CONFLICT and "reviewed" in again.stderr
    events = [(e["kind"], e["user"]) for e in open_store(store).events(doc["id"])]
    assert ("field_confirmed", "lan") in events and ("approved", "lan") in events


def test_the_signer_must_be_a_second_person(station, tmp_path):
    doc = _draft(station, tmp_path, 3)
    doc_id = doc["id"]
    with station.client("minh") as minh, station.client("thu") as thu:
        approved = minh.post(f"/api/documents/{doc_id}/approve", json={"revision": 1, "confirmed": doc["approval"]["flagged"]})
        assert approved.status_code == 200, approved.text
        r = minh.post(f"/api/documents/{doc_id}/sign", json={"revision": 2})
        assert r.status_code == 403 and r.json()["code"] == "four_eyes", r.text
        assert r.json()["message"] == ("Không ký được: minh đã duyệt hồ sơ này, người khác phải ký "
                                       "(nguyên tắc bốn mắt)")
        assert minh.get(f"/api/documents/{doc_id}").json()["status"] == "reviewed"
        signed = thu.post(f"/api/documents/{doc_id}/sign", json={"revision": 2})
        assert signed.status_code == 200 and signed.json()["status"] == "signed", signed.text
    late = _cli("review", "approve", doc_id, "--store", str(station.store), "--user", "lan")
    assert late.returncode == ExitCode.CONFLICT and "signed" in late.stderr  # not "store cannot be opened"


def test_a_batch_signs_exactly_the_revisions_seen_or_nothing(station, tmp_path):
    docs = [_draft(station, tmp_path, n) for n in (4, 5)]
    with station.client("lan") as staff, station.client("minh") as signer:
        seen = []
        for d in docs:
            r = staff.post(f"/api/documents/{d['id']}/approve",
                           json={"revision": 1, "confirmed": d["approval"]["flagged"]})
            seen.append({"id": d["id"], "revision": r.json()["revision"]})
        # the second record changes after the signer listed it: corrected and approved again
        moved = staff.patch(f"/api/documents/{docs[1]['id']}/fields",
                            json={"revision": seen[1]["revision"], "fields": {"ghi_chu": "bổ sung"}}).json()
        again = staff.post(f"/api/documents/{docs[1]['id']}/approve",  # confirmations are asked again
                           json={"revision": moved["revision"], "confirmed": docs[1]["approval"]["flagged"]})
        assert again.status_code == 200, again.text
        r = signer.post("/api/sign", json={"items": seen})
        assert r.status_code == 409, r.text
        assert [m["id"] for m in r.json()["moved"]] == [docs[1]["id"]] and "chưa ký hồ sơ nào" in r.json()["message"]
        assert [signer.get(f"/api/documents/{d['id']}").json()["status"] for d in docs] == ["reviewed", "reviewed"]
        assert signer.post("/api/sign", json={"ids": [d["id"] for d in docs]}).status_code == 422  # no revision
        now = [{"id": d["id"], "revision": signer.get(f"/api/documents/{d['id']}").json()["revision"]} for d in docs]
        r = signer.post("/api/sign", json={"items": now})
        assert r.status_code == 200 and [i["status"] for i in r.json()["items"]] == ["signed", "signed"], r.text
        assert [i["revision"] for i in r.json()["items"]] == [i["revision"] + 1 for i in now]


@pytest.mark.parametrize("value, words", [("Nguyễn\ufffe", "U+FFFE"), ("a\x00b", "ký tự điều khiển U+0000"),
                                          ("x" * 4001, "dài 4001 ký tự, vượt giới hạn 4000")])
def test_values_xml_cannot_hold_or_too_long_are_422_in_one_vietnamese_line(station, editable, value, words):
    doc = editable
    with station.client("lan") as staff:
        before = staff.get(f"/api/documents/{doc['id']}").json()["revision"]
        r = staff.patch(f"/api/documents/{doc['id']}/fields", json={"revision": before, "fields": {"ghi_chu": value}})
        assert r.status_code == 422, r.text
        assert words in r.json()["message"] and "ghi_chu" in r.json()["message"] and "\n" not in r.json()["message"]
        assert staff.get(f"/api/documents/{doc['id']}").json()["revision"] == before


def test_too_many_fields_and_bad_dossier_codes_are_refused(station, tmp_path):
    doc = _draft(station, tmp_path, 7)
    with station.client("lan") as staff:
        many = {f"truong_{i}": "x" for i in range(201)}
        r = staff.patch(f"/api/documents/{doc['id']}/fields", json={"revision": 1, "fields": many})
        assert r.status_code == 422 and "vượt giới hạn 200 trường" in r.json()["message"], r.text
        nfd = staff.patch(f"/api/documents/{doc['id']}/fields",
                          json={"revision": 1, "fields": {"ghi_chu": "đã đối chie\u0302\u0301u"}}).json()
        assert nfd["fields"]["ghi_chu"]["value"] == "đã đối chiếu"  # kept NFC
        page = render_text_page(tmp_path / "nul.jpg", size=(1662, 2339))
        r = staff.post("/api/documents", files={"file": (page.name, page.read_bytes(), "image/jpeg")},
                       data={"dossier": "HS\x00-1"})
        assert r.status_code == 422 and "U+0000" in r.json()["message"], r.text
        assert staff.get("/api/documents", params={"q": "HS"}).json()["total"] >= 1


def test_an_office_of_one_signs_its_own_approvals_and_the_audit_log_says_so(tmp_path):
    station = start_station(tmp_path, "--no-four-eyes")
    try:
        doc = _draft(station, tmp_path, 9)
        with station.client("minh") as minh:
            minh.post(f"/api/documents/{doc['id']}/approve", json={"revision": 1, "confirmed": doc["approval"]["flagged"]})
            r = minh.post(f"/api/documents/{doc['id']}/sign", json={"revision": 2})
            assert r.status_code == 200 and r.json()["status"] == "signed", r.text
    finally:
        station.stop()
    events = open_store(str(station.store)).events()
    off = [e for e in events if e["kind"] == "four_eyes_off"]
    assert len(off) == 1 and off[0]["data"] == {"scope": "serve"} and off[0]["user"]
