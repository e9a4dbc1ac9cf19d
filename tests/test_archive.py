"""Hand-over to the archive: originals kept on ingest, E-ARK packages checked by eark-validator
(offline), PREMIS against the audit log, and `verify --package` against tampering."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from support import CORPUS, REPO, digitize, render_text_page
from support.eark import SIP_CONTRADICTION, validate

SIGNED = CORPUS / "real-scans" / "nd199-2026" / "199-ndcp.signed.pdf"
DEMO = REPO / "samples" / "demo"
GOV_SIGNER = "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ"
METS = "{http://www.loc.gov/METS/}"
PREMIS = "{http://www.loc.gov/premis/v3}"
XLINK = "{http://www.w3.org/1999/xlink}"


def _errors(package: Path) -> list[str]:
    return [e for e in validate(package) if not e.startswith(f"schematron_results {SIP_CONTRADICTION}")]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """The demo dossiers through `batch` (signed, scans kept by default) and the government-signed
    decree through `run`, in one store."""
    root = tmp_path_factory.mktemp("archive") / "store"
    for day in ("2025-03-01", "2025-04-01"):  # the demo dossiers are not all valid on one day
        b = digitize("batch", str(DEMO / "manifest.csv"), "--store", str(root), "--valid-on", day,
                     "--jobs", "2", "--no-stamp", timeout=600)
        assert b.returncode == 0, b.stderr
    r = digitize("run", str(SIGNED), "--store", str(root), "--jobs", "1", "--json", timeout=300)
    assert r.returncode == 0, r.stderr
    return root


def _records(store: Path) -> list[dict]:
    ls = digitize("store", "ls", "--json", "--store", str(store))
    return [json.loads(line) for line in ls.stdout.splitlines()]


@pytest.fixture(scope="module")
def packages(store, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("packages")
    sip = digitize("store", "export", str(out / "sip"), "--format", "eark-sip", "--store", str(store),
                   "--organisation", "UBND xã Hải Lăng", timeout=300)
    aip = digitize("store", "export", str(out / "aip"), "--format", "eark-aip", "--zip", "--store", str(store),
                   "--organisation", "UBND xã Hải Lăng", timeout=300)
    assert sip.returncode == 0 and aip.returncode == 0, sip.stderr + aip.stderr
    return {"sip": out / "sip", "aip": out / "aip"}


def test_signed_input_is_kept_and_its_signature_recorded(store):
    rec = next(r for r in _records(store) if Path(r["source"]).samefile(SIGNED))
    show = json.loads(digitize("store", "show", rec["id"], "--store", str(store)).stdout)
    (original,) = show["originals"]
    assert original["kind"] == "electronic" and original["relation"] == "derivative"
    assert original["sha256"] == hashlib.sha256(SIGNED.read_bytes()).hexdigest()
    sig = original["signature"]
    assert sig["signer"] == GOV_SIGNER and sig["intact"] is True and sig["trusted"] is False
    assert sig["timestamp"]["time"] and sig["report"]["signatures"][0]["signer"] == GOV_SIGNER
    kept = store / "originals" / original["sha256"][:2] / f"{original['sha256']}.pdf"
    assert kept.read_bytes() == SIGNED.read_bytes()  # never modified
    assert rec["sha256"] != original["sha256"] and rec["signature"]["signer"] != GOV_SIGNER  # the derivative


def test_batch_keeps_scans_as_originals(store):
    for rec in _records(store):
        show = json.loads(digitize("store", "show", rec["id"], "--store", str(store)).stdout)
        assert [o["sha256"] for o in show["originals"]] == [show["source_sha256"]]


def test_every_package_passes_eark_validator(packages):
    sips = sorted(p for p in packages["sip"].iterdir() if p.is_dir())
    zips = sorted(packages["aip"].glob("*.zip"))
    assert [p.name for p in sips] == ["000.00.00.H42-240916-0088", "000.00.00.H42-250116-0150",
                                      "000.00.00.H42-250404-0249", "199-ndcp.signed"]
    assert [p.stem for p in zips] == [p.name for p in sips]
    for package in sips + zips:
        assert _errors(package) == [], package


def test_package_tree_names_and_metadata(packages):
    from lxml import etree

    pkg = packages["sip"] / "000.00.00.H42-240916-0088"
    data = sorted(p.name for p in (pkg / "representations" / "rep1" / "data").iterdir())
    originals = sorted(p.name for p in (pkg / "representations" / "rep0-original" / "data").iterdir())
    assert data == [f"000.00.00.H42-240916-0088.0{i}.pdf" for i in (1, 2, 3)]
    assert originals == ["000.00.00.H42-240916-0088.01.jpg", "000.00.00.H42-240916-0088.02.tif",
                         "000.00.00.H42-240916-0088.03.pdf"]
    assert (pkg / "representations/rep0-original/data/000.00.00.H42-240916-0088.02.tif").read_bytes() == \
        (DEMO / "000.00.00.H42-240916-0088" / "02_don_de_nghi.tif").read_bytes()
    root = ET.parse(pkg / "METS.xml").getroot()
    assert root.get("PROFILE") == "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
    assert root.get("OBJID") == pkg.name
    agents = root.findall(f"{METS}metsHdr/{METS}agent")
    assert [a.get("ROLE") for a in agents].count("CREATOR") == 1
    assert [a.findtext(f"{METS}name") for a in agents if a.get("OTHERROLE") == "SUBMITTER"] == ["UBND xã Hải Lăng"]
    schema = etree.XMLSchema(etree.parse(str(pkg / "schemas" / "digitize-hoso-1.0.xsd")))
    hoso = etree.parse(str(pkg / "metadata" / "descriptive" / "hoso.xml"))
    schema.assertValid(hoso)
    ns = {"hs": "https://digitize.example/ns/hoso/1.0"}
    assert hoso.findtext("hs:maHoSo", namespaces=ns) == "000.00.00.H42-240916-0088"
    assert hoso.findtext("hs:tongSoTaiLieu", namespaces=ns) == "3"
    assert hoso.findtext("hs:maThuTuc", namespaces=ns) == "1.004227"
    assert len(hoso.findall("hs:taiLieu/hs:truongDuLieu/hs:truong", namespaces=ns)) > 3


def _premis(pkg: Path) -> ET.Element:
    return ET.parse(pkg / "metadata" / "preservation" / "PREMIS.xml").getroot()


def test_premis_fixity_formats_and_derivation(packages):
    pkg = packages["sip"] / "000.00.00.H42-240916-0088"
    objects = {o.findtext(f"{PREMIS}objectIdentifier/{PREMIS}objectIdentifierValue"): o
               for o in _premis(pkg).iter(f"{PREMIS}object")}
    assert len(objects) == 6
    for path, obj in objects.items():
        digest = obj.findtext(f".//{PREMIS}messageDigest")
        assert digest == hashlib.sha256((pkg / path).read_bytes()).hexdigest()
        assert obj.findtext(f".//{PREMIS}size") == str((pkg / path).stat().st_size)
    keys = {p: o.findtext(f".//{PREMIS}formatRegistryKey") for p, o in objects.items()}
    assert {k for p, k in keys.items() if "/rep1/" in p} == {"fmt/477"}  # PDF/A-2b
    assert keys["representations/rep0-original/data/000.00.00.H42-240916-0088.01.jpg"] == "fmt/43"
    assert keys["representations/rep0-original/data/000.00.00.H42-240916-0088.02.tif"] == "fmt/353"
    derived = objects["representations/rep1/data/000.00.00.H42-240916-0088.02.pdf"]
    rel = derived.find(f"{PREMIS}relationship")
    assert rel.findtext(f"{PREMIS}relationshipSubType") == "has source"
    assert rel.findtext(f".//{PREMIS}relatedObjectIdentifierValue") == \
        "representations/rep0-original/data/000.00.00.H42-240916-0088.02.tif"


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_premis_events_match_the_audit_log(packages, store):
    pkg = packages["sip"] / "000.00.00.H42-250404-0249"
    rows = list(csv.DictReader(io.StringIO((pkg / "documentation" / "audit-log.csv").read_text("utf-8-sig"))))
    events = {e.findtext(f"{PREMIS}eventIdentifier/{PREMIS}eventIdentifierValue"): e
              for e in _premis(pkg).iter(f"{PREMIS}event")}
    assert len(rows) == len(events) > 10
    for row in rows:
        ev = events[row["id"]]
        assert ev.findtext(f"{PREMIS}eventType") == row["premis_event_type"]
        assert _instant(ev.findtext(f"{PREMIS}eventDateTime")) == _instant(row["time"])
        assert ev.findtext(f".//{PREMIS}eventOutcome") == row["outcome"]
    types = {r["premis_event_type"] for r in rows}
    assert {"capture", "validation", "metadata extraction", "digital signature generation", "ingestion",
            "fixity check", "information package creation"} <= types
    # every event the store's log holds for the dossier's documents is in the package's log
    con = sqlite3.connect(store / "catalog.sqlite")
    logged = con.execute("SELECT e.at, e.kind FROM events e JOIN documents d ON d.id = e.document_id "
                         "WHERE d.dossier = ?", (pkg.name,)).fetchall()
    exported = con.execute("SELECT data FROM events WHERE kind = 'exported'").fetchall()
    con.close()
    catalog_rows = {(_instant(r["time"]), r["event"]) for r in rows if r["origin"] == "catalog"}
    assert logged and {(_instant(at), kind) for at, kind in logged} == catalog_rows
    export_ids = {r["id"] for r in rows if r["origin"] == "export"}
    assert any(set(json.loads(d)["events"]) == export_ids for (d,) in exported)  # the export is logged too


def test_signed_original_in_its_package_byte_for_byte(packages):
    for pkg in (packages["sip"] / "199-ndcp.signed", packages["aip"] / "199-ndcp.signed.zip"):
        if pkg.suffix == ".zip":
            with zipfile.ZipFile(pkg) as z:
                kept = z.read("199-ndcp.signed/representations/rep0-original/data/199-ndcp.signed.01.pdf")
                premis = ET.fromstring(z.read("199-ndcp.signed/metadata/preservation/PREMIS.xml"))
        else:
            kept = (pkg / "representations/rep0-original/data/199-ndcp.signed.01.pdf").read_bytes()
            premis = _premis(pkg)
        assert kept == SIGNED.read_bytes()
        (validation,) = [e for e in premis.iter(f"{PREMIS}event")
                         if e.findtext(f"{PREMIS}eventType") == "digital signature validation"]
        assert GOV_SIGNER in validation.findtext(f".//{PREMIS}eventDetail")
        assert "intact True" in validation.findtext(f".//{PREMIS}eventDetail")
        agents = [a.findtext(f"{PREMIS}agentName") for a in premis.iter(f"{PREMIS}agent")]
        assert GOV_SIGNER in agents and "digitize" in agents


def _verify(package: Path) -> tuple[int, dict]:
    r = digitize("verify", "--package", str(package), "--json", timeout=300)
    return r.returncode, json.loads(r.stdout)


def test_verify_package_accepts_intact_packages(packages):
    for package in (packages["sip"] / "199-ndcp.signed", packages["aip"] / "199-ndcp.signed.zip"):
        code, report = _verify(package)
        assert code == 0 and report["verdict"] == "valid" and report["problems"] == []
        assert {s["signer"] for s in report["signatures"]} >= {GOV_SIGNER}
        assert all(s["intact"] for s in report["signatures"])


def _flip_byte(pkg: Path) -> str:
    pdf = pkg / "representations/rep1/data/000.00.00.H42-250116-0150.02.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    return "changed: representations/rep1/data/000.00.00.H42-250116-0150.02.pdf"


def _remove(pkg: Path) -> str:
    (pkg / "representations/rep0-original/data/000.00.00.H42-250116-0150.01.jpg").unlink()
    return "missing: representations/rep0-original/data/000.00.00.H42-250116-0150.01.jpg"


def _add(pkg: Path) -> str:
    (pkg / "representations/rep1/data/extra.pdf").write_bytes(b"%PDF-1.7\n")
    return "added: representations/rep1/data/extra.pdf"


def _edit_mets(pkg: Path) -> str:
    """Point the root METS at a tampered PDF's checksum: the files agree, PREMIS does not."""
    pdf = pkg / "representations/rep1/data/000.00.00.H42-250116-0150.01.pdf"
    old, old_size = hashlib.sha256(pdf.read_bytes()).hexdigest(), pdf.stat().st_size
    pdf.write_bytes(pdf.read_bytes() + b"\n% appended\n")
    new = hashlib.sha256(pdf.read_bytes()).hexdigest()
    rep = pkg / "representations/rep1/METS.xml"
    text = rep.read_text("utf-8").replace(old, new)
    text = text.replace(f'SIZE="{old_size}"', f'SIZE="{pdf.stat().st_size}"')
    rep.write_text(text, "utf-8")
    root = pkg / "METS.xml"
    rep_sha = hashlib.sha256(rep.read_bytes()).hexdigest()
    root_text = root.read_text("utf-8")
    start = root_text.index('ID="rep1-mets"')
    entry = root_text[start:root_text.index(">", start)]
    edited = entry
    for attr, value in (("SIZE", str(rep.stat().st_size)), ("CHECKSUM", rep_sha)):
        i = edited.index(f'{attr}="') + len(attr) + 2
        edited = edited[:i] + value + edited[edited.index('"', i):]
    root.write_text(root_text.replace(entry, edited), "utf-8")
    return "METS entry edited: representations/rep1/data/000.00.00.H42-250116-0150.01.pdf"


@pytest.mark.parametrize("tamper", [_flip_byte, _remove, _add, _edit_mets])
def test_verify_package_reports_what_changed(packages, tmp_path, tamper):
    pkg = tmp_path / "000.00.00.H42-250116-0150"
    shutil.copytree(packages["sip"] / pkg.name, pkg)
    expected = tamper(pkg)
    code, report = _verify(pkg)
    assert code == 1 and report["verdict"] == "invalid"
    assert any(p.startswith(expected) for p in report["problems"]), report["problems"]


def test_verify_package_in_a_zip_catches_a_flipped_byte(packages, tmp_path):
    src = packages["aip"] / "199-ndcp.signed.zip"
    bad = tmp_path / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith("rep0-original/data/199-ndcp.signed.01.pdf"):
                data = data[:1000] + bytes([data[1000] ^ 0x20]) + data[1001:]
            zout.writestr(info, data)
    code, report = _verify(bad)
    assert code == 1
    assert any(p.startswith("changed: representations/rep0-original/data/199-ndcp.signed.01.pdf")
               for p in report["problems"]), report["problems"]


def test_export_of_one_dossier_and_unknown_dossier(store, tmp_path):
    one = digitize("store", "export", str(tmp_path / "one"), "--format", "eark-aip", "--dossier",
                   "000.00.00.H42-250116-0150", "--store", str(store))
    assert one.returncode == 0, one.stderr
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["000.00.00.H42-250116-0150"]
    none = digitize("store", "export", str(tmp_path / "none"), "--format", "eark-sip", "--dossier", "nope",
                    "--store", str(store))
    assert none.returncode == 2 and "nope: no such dossier" in none.stderr and "Traceback" not in none.stderr


def test_an_older_store_gains_the_originals_tables(tmp_path):
    from digitize.store import open_store

    root = tmp_path / "old"
    open_store(root)
    con = sqlite3.connect(root / "catalog.sqlite")
    con.execute("DROP TABLE originals")
    con.execute("DROP TABLE document_originals")
    con.commit()
    con.close()
    store = open_store(root)  # opening migrates
    assert store.originals("nothing") == []


def test_run_keeps_a_scan_only_with_keep_source(tmp_path):
    scan = render_text_page(tmp_path / "giay.jpg", lines=("GIẤY XÁC NHẬN", "Số: 12/XN-UBND"), size=(900, 500))
    kept, plain = tmp_path / "kept", tmp_path / "plain"
    for store, flag in ((kept, "--keep-source"), (plain, "--no-keep-source")):
        r = digitize("run", str(scan), "--store", str(store), "--no-sign", "--jobs", "1", "--json", flag)
        assert r.returncode == 0, r.stderr
    for store, expected in ((kept, 1), (plain, 0)):
        (rec,) = _records(store)
        show = json.loads(digitize("store", "show", rec["id"], "--store", str(store)).stdout)
        assert len(show["originals"]) == expected
        if expected:
            assert show["originals"][0]["kind"] == "scan" and show["originals"][0]["ext"] == "jpg"
            sha = show["originals"][0]["sha256"]
            assert (store / "originals" / sha[:2] / f"{sha}.jpg").read_bytes() == scan.read_bytes()
