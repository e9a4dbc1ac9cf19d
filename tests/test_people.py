"""A citizen never hands in the same paper twice: office A digitises a person's dossiers; `store find`
lists what is valid on a day, audited; the station's API gives the same to staff, signers and auditors
and attaches a still-valid record to a new dossier; office B takes in A's packages byte for byte and
refuses a tampered, incomplete or untrusted one whole."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from support import digitize
from support.people import CCCD, EXPIRED, FLAGGED, VALID, person_dossiers
from support.station import start_station

pytestmark = pytest.mark.slow  # whole batches and a server

ORG_A = "UBND xã Ninh Hiệp"
UNTIL = {VALID: ("2025-06-16", "2030-06-16"), EXPIRED: ("2025-03-01", "2026-06-30")}


def _valid_on(day: str) -> set[str]:
    return {code for code, (issued, until) in UNTIL.items() if issued <= day <= until}


@pytest.fixture(scope="module")
def office_a(tmp_path_factory) -> Path:
    """Office A's station folder: its store (root/store) holds the three dossiers, signed."""
    root = tmp_path_factory.mktemp("office-a")
    manifest = person_dossiers(root / "scans")
    b = digitize("batch", str(manifest), "--store", str(root / "store"), "--valid-on", "2026-01-01",
                 "--jobs", "1", "--no-stamp", timeout=600)
    assert b.returncode == 0, b.stderr
    return root


@pytest.fixture(scope="module")
def packages(office_a, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("a-packages")
    for fmt, extra in (("eark-sip", ()), ("eark-aip", ("--zip",))):
        r = digitize("store", "export", str(out / fmt), "--format", fmt, *extra, "--store", str(office_a / "store"),
                     "--organisation", ORG_A)
        assert r.returncode == 0, r.stderr
    return {"sip": out / "eark-sip", "aip": out / "eark-aip"}


def _find(store, *args: str, **env: str) -> list[dict]:
    r = digitize("store", "find", "--store", str(store), "--json", *args, **env)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def _records(store) -> list[dict]:
    r = digitize("store", "ls", "--json", "--store", str(store))
    return [json.loads(line) for line in r.stdout.splitlines()] if r.returncode == 0 else []


def test_find_lists_records_valid_on_the_day(office_a):
    store = office_a / "store"
    today = _find(store, "--person", CCCD, "--reason", "tiếp nhận hồ sơ mới")
    assert {r["dossier"] for r in today} == _valid_on(dt.date.today().isoformat())
    spring = _find(store, "--person", "001 190 012 345", "--valid-on", "2026-03-01", "--dossier", VALID)
    assert {r["dossier"] for r in spring} == {VALID, EXPIRED}
    (valid,) = [r for r in spring if r["dossier"] == VALID]
    assert (valid["issued_on"], valid["valid_until"], valid["doc_type"]) == ("2025-06-16", "2030-06-16", "don_de_nghi")
    assert valid["signature"] == "signed" and valid["office"]
    after = _find(store, "--person", CCCD, "--valid-on", "2026-12-07", "--reason", "kiểm tra")
    assert {r["dossier"] for r in after} == {VALID}  # expired mid-2026
    assert _find(store, "--person", CCCD, "--valid-on", "2031-01-01", "--reason", "kiểm tra") == []
    assert _find(store, "--person", CCCD, "--valid-on", "2026-03-01", "--type", "cccd", "--reason", "x") == []


def test_lookups_are_audited_masked_and_need_a_reason(office_a):
    store = office_a / "store"
    r = digitize("store", "find", "--store", str(store), "--person", CCCD)
    assert r.returncode == 2 and "say why" in r.stderr
    _find(store, "--person", CCCD, "--dossier", "000.00.31.H26-261207-0001", DIGITIZE_USER="lan")
    con = sqlite3.connect(store / "catalog.sqlite")
    rows = con.execute("SELECT username, data FROM events WHERE kind = 'person_lookup'").fetchall()
    mine = [json.loads(d) for u, d in rows if u == "lan"]
    assert mine[-1]["person"] == "cccd:001*******45" and mine[-1]["dossier"] == "000.00.31.H26-261207-0001"
    assert all(CCCD not in d for _, d in rows)  # the number itself is never in the audit log
    listed = digitize("store", "find", "--lookups", "1", "--store", str(store))
    assert listed.returncode == 0 and "lan  cccd:001*******45  000.00.31.H26-261207-0001" in listed.stdout


def test_lookups_are_limited_per_user_per_minute(office_a):
    store, env = office_a / "store", {"DIGITIZE_USER": "limited", "DIGITIZE_LOOKUP_LIMIT": "2"}
    for _ in range(2):
        _find(store, "--person", CCCD, "--reason", "x", **env)
    r = digitize("store", "find", "--store", str(store), "--person", CCCD, "--reason", "x", **env)
    assert r.returncode == 2 and "look-ups in a minute" in r.stderr


def test_identifier_failing_its_check_is_flagged_not_indexed(office_a):
    store = office_a / "store"
    assert _find(store, "--person", "001185012345", "--valid-on", "2026-03-01", "--reason", "x") == []
    flagged = digitize("store", "find", "--flagged", "--json", "--store", str(store))
    rows = [json.loads(line) for line in flagged.stdout.splitlines()]
    dossiers = {rec["id"]: rec["dossier"] for rec in _records(store)}
    assert [(dossiers[r["document_id"]], r["field"]) for r in rows] == [(FLAGGED, "so_dinh_danh")]
    assert "1985" in rows[0]["reason"] and rows[0]["value"] == "cccd:001*******45"


def test_existing_store_gets_the_index_on_open(office_a, tmp_path):
    copy = tmp_path / "old-store"
    shutil.copytree(office_a / "store", copy)
    con = sqlite3.connect(copy / "catalog.sqlite")
    con.executescript("DROP TABLE person_index; DROP TABLE person_flags; DROP TABLE person_index_state;")
    con.close()
    assert {r["dossier"] for r in _find(copy, "--person", CCCD, "--valid-on", "2026-03-01", "--reason", "x")} == \
        {VALID, EXPIRED}


def test_station_api_finds_audits_and_attaches(office_a):
    station = start_station(office_a)  # the same store, served
    try:
        today = dt.date.today().isoformat()
        with station.client("lan") as staff:
            r = staff.get(f"/api/people/{CCCD}/records", params={"reason": "tiếp nhận"})
            assert r.status_code == 200, r.text
            assert {x["dossier"] for x in r.json()["records"]} == _valid_on(today)
            every = staff.get(f"/api/people/{CCCD}/records", params={"reason": "tiếp nhận", "all": "true"}).json()
            states = {x["dossier"]: x["state"] for x in every["records"]}
            assert states[EXPIRED] == ("valid" if EXPIRED in _valid_on(today) else "expired")
            ids = {x["dossier"]: x["id"] for x in every["records"]}
            new = "000.00.31.H26-261207-0009"
            ok = staff.post(f"/api/dossiers/{new}/reuse", json={"document_id": ids[VALID], "reason": "còn hiệu lực"})
            assert ok.status_code == 201 and ok.json()["reused"] is True, ok.text
            if EXPIRED not in _valid_on(today):
                assert staff.post(f"/api/dossiers/{new}/reuse", json={"document_id": ids[EXPIRED]}).status_code == 422
            assert [x["id"] for x in staff.get(f"/api/dossiers/{new}/reuse").json()["items"]] == [ids[VALID]]
            assert staff.get("/api/people/lookups").status_code == 403
        for user in ("minh", "ha"):
            with station.client(user) as c:
                r = c.get(f"/api/people/{CCCD}/records", params={"valid_on": "2026-03-01", "dossier": VALID})
                assert {x["dossier"] for x in r.json()["records"]} == {VALID, EXPIRED}
        with station.client("quan") as admin:
            assert admin.get(f"/api/people/{CCCD}/records", params={"reason": "x"}).status_code == 403
        with station.client() as anonymous:
            assert anonymous.get(f"/api/people/{CCCD}/records", params={"reason": "x"}).status_code == 401
        with station.client("ha") as auditor:
            items = auditor.get("/api/people/lookups").json()["items"]
            assert {"lan", "minh", "ha"} <= {i["user"] for i in items}
            assert all(CCCD not in json.dumps(i) for i in items)
        with station.client("minh") as signer:
            codes = [signer.get(f"/api/people/{CCCD}/records", params={"reason": "x"}).status_code for _ in range(31)]
            assert codes.count(429) >= 1 and codes[0] == 200
        assert CCCD not in station.log.read_text(errors="replace")
    finally:
        station.stop()


def _shas(store: Path) -> dict[str, str]:
    return {r["sha256"]: r["dossier"] for r in _records(store)}


def test_office_b_imports_a_packages_byte_for_byte(office_a, packages, tmp_path):
    b, root = tmp_path / "office-b", office_a / "store" / "keys" / "demo-root.crt.pem"
    sips = sorted(p for p in packages["sip"].iterdir() if p.is_dir())
    first = digitize("store", "import", *map(str, sips), "--trust", str(root), "--store", str(b), "--json")
    assert first.returncode == 0, first.stderr
    assert sum(json.loads(line)["created"] for line in first.stdout.splitlines()) == 3
    a_shas = _shas(office_a / "store")
    assert _shas(b) == a_shas
    for sha in a_shas:  # the signed PDFs, byte for byte
        assert (b / "objects" / sha[:2] / f"{sha}.pdf").read_bytes() == \
            (office_a / "store" / "objects" / sha[:2] / f"{sha}.pdf").read_bytes()
    found = _find(b, "--person", CCCD, "--valid-on", "2026-03-01", "--reason", "hồ sơ liên thông")
    assert {r["dossier"] for r in found} == {VALID, EXPIRED}
    assert {r["office"] for r in found} == {ORG_A} and {r["signature"] for r in found} == {"valid"}
    verify = digitize("verify", "--store", str(b), "--json", timeout=600)
    assert verify.returncode == 0, verify.stdout[-2000:]
    verdicts = [json.loads(line) for line in verify.stdout.splitlines()]
    assert {v["store"]["record"] for v in verdicts} == {r["id"] for r in _records(b)}  # every imported record
    for v in verdicts:  # the signer certificate is kept with the imported record, and it is the file's
        recorded = json.loads(digitize("store", "show", v["store"]["record"], "--store", str(b)).stdout)
        cert = recorded["signature"]["cert_sha256"]
        assert len(cert) == 64 and cert in {s["cert_sha256"] for s in v["signatures"]}
    again = digitize("store", "import", *map(str, sips), "--trust", str(root), "--store", str(b), "--json")
    assert again.returncode == 0 and all(json.loads(x)["already_imported"] for x in again.stdout.splitlines())
    zips = sorted(packages["aip"].glob("*.zip"))  # other packages of the same records: linked
    linked = digitize("store", "import", *map(str, zips), "--trust", str(root), "--store", str(b), "--json")
    assert linked.returncode == 0, linked.stderr
    assert [(json.loads(x)["created"], json.loads(x)["linked"]) for x in linked.stdout.splitlines()] == [(0, 1)] * 3
    assert len(_records(b)) == 3
    show = json.loads(digitize("store", "show", found[0]["id"], "--store", str(b)).stdout)
    kinds = [e["kind"] for e in show["events"]]
    assert "import_linked" in kinds and "captured" in kinds and "stored" in kinds  # A's audit trail came along
    assert show["originals"] and all(o["sha256"] for o in show["originals"])


def _refused(package: Path, store: Path, *extra: str) -> str:
    r = digitize("store", "import", str(package), "--store", str(store), *extra)
    assert r.returncode == 1, r.stdout + r.stderr
    assert _records(store) == [] and not list((store / "objects").rglob("*.pdf"))  # nothing landed
    assert not (store / "imports").exists()
    return r.stderr


def test_bad_packages_are_refused_whole(office_a, packages, tmp_path):
    root = str(office_a / "store" / "keys" / "demo-root.crt.pem")
    source = packages["sip"] / VALID
    flipped = shutil.copytree(source, tmp_path / "flipped" / VALID)
    pdf = next((flipped / "representations" / "rep1" / "data").glob("*.pdf"))
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    assert "changed: representations/rep1/data/" in _refused(flipped, tmp_path / "b1", "--trust", root)
    missing = shutil.copytree(source, tmp_path / "missing" / VALID)
    next((missing / "representations" / "rep0-original" / "data").iterdir()).unlink()
    assert "missing: representations/rep0-original/data/" in _refused(missing, tmp_path / "b2", "--trust", root)
    assert "not trusted" in _refused(source, tmp_path / "b3")  # A's key, without --trust
    garbage = tmp_path / "khong-phai-goi.zip"
    garbage.write_bytes(b"PK\x03\x04 not really a zip")
    r = digitize("store", "import", str(garbage), str(source), "--trust", root, "--store", str(tmp_path / "b4"))
    assert r.returncode == 1 and f"{garbage}: refused, nothing imported: not a ZIP package" in r.stderr
    assert [x["dossier"] for x in _records(tmp_path / "b4")] == [VALID]  # the next package still went in


def test_bulk_index_writes_what_the_record_index_writes(office_a, tmp_path):
    from digitize.store import open_store
    from digitize.store.people import index_many

    copy = shutil.copytree(office_a / "store", tmp_path / "store")
    con = sqlite3.connect(copy / "catalog.sqlite")
    rows = "SELECT person, kind, document_id, field, issued_on, valid_until FROM person_index ORDER BY 1, 3, 4"
    before = con.execute(rows).fetchall(), con.execute("SELECT * FROM person_flags ORDER BY 1, 2").fetchall()
    con.executescript("DELETE FROM person_index; DELETE FROM person_flags;")
    con.commit()
    store = open_store(copy)
    docs = [(r.id, {f.name: f.value for f in r.fields}, r.metadata, r.valid_until) for r in store.records()]
    assert index_many(store._catalog, docs, chunk=1) == len(before[0]) > 0
    after = con.execute(rows).fetchall(), con.execute("SELECT * FROM person_flags ORDER BY 1, 2").fetchall()
    assert after == before and before[1]  # the flagged number is flagged again, not indexed


def test_import_and_find_on_postgres(office_a, packages, tmp_path, monkeypatch):
    from digitize.review.lookup import find_person, reuse, reuses
    from digitize.store import open_store
    from support.postgres import postgres_server

    root = str(office_a / "store" / "keys" / "demo-root.crt.pem")
    env = {"DIGITIZE_OBJECTS": str(tmp_path / "shared")}
    with postgres_server() as url:
        zips = sorted(packages["aip"].glob("*.zip"))
        r = digitize("store", "import", *map(str, zips), "--trust", root, "--store", url, "--json", **env)
        assert r.returncode == 0, r.stderr
        spring = _find(url, "--person", CCCD, "--valid-on", "2026-03-01", "--reason", "x", **env)
        winter = _find(url, "--person", CCCD, "--valid-on", "2026-12-07", "--reason", "x", **env)
        assert {x["dossier"] for x in spring} == {VALID, EXPIRED} and {x["dossier"] for x in winter} == {VALID}
        monkeypatch.setenv("DIGITIZE_OBJECTS", env["DIGITIZE_OBJECTS"])  # the station's calls, in-process
        store = open_store(url)
        found = find_person(store, CCCD, "lan", dossier="000.00.31.H26-261208-0012", include_invalid=True)
        valid = next(r for r in found.records if r.dossier == VALID and r.state == "valid")
        for _ in range(2):  # attaching twice keeps one reference
            reuse(store, valid.id, "000.00.31.H26-261208-0012", "lan")
        assert [r["id"] for r in reuses(store, "000.00.31.H26-261208-0012")] == [valid.id]
        logged = store.people.events_of("person_lookup", 1)
        assert logged[0]["user"] == "lan" and logged[0]["data"]["person"] == "cccd:001*******45"
