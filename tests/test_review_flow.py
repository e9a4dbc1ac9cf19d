"""The review flow on a real store: a draft from the real pipeline, corrected, approved and signed;
the signed PDF carries the reviewed values and `digitize verify` calls it valid."""
from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import pytest

from digitize.errors import ExitCode, InputError
from digitize.model import DocumentInput
from digitize.pdfa.reviewed import reviewed_values
from digitize.pipeline.context import RunContext, Signing
from digitize.pipeline.scheduler import run_documents
from digitize.profiles.loader import load_profiles
from digitize.review.approval import ApprovalIncomplete, FourEyes
from digitize.review.editing import change_type
from digitize.review.flow import Actor, NotFound, Review, WrongState
from digitize.review.roles import Forbidden
from digitize.settings import Settings, SigningSettings
from digitize.signing.signers import SignerSpec, open_signer
from digitize.stages.sign import SignOptions
from digitize.store import open_store
from digitize.store.reviews import RevisionConflict

STAFF, SIGNER, AUDITOR = Actor("lan", "staff"), Actor("minh", "signer"), Actor("ha", "auditor")
SECOND_SIGNER = Actor("thu", "signer")
SETTINGS = Settings(sign=True, signing=SigningSettings(signer="demo"))


def _draft(store, page):
    profiles = load_profiles()
    ctx = RunContext(SETTINGS, store, profiles, Signing(None, None, review=True))
    [outcome] = list(run_documents([DocumentInput(str(page), "HS-1")], ctx))
    assert outcome.ok, outcome.error
    return outcome, profiles


@pytest.fixture
def station(tmp_path, clean_page):
    store = open_store(tmp_path / "store")
    outcome, profiles = _draft(store, clean_page)
    signing = Signing(open_signer(SignerSpec.parse("demo"), store.keys_dir), SignOptions(organisation="UBND xã"))
    return store, outcome.record, Review(store, profiles, signing), profiles


def test_draft_is_unsigned_and_rerun_is_a_noop(station, clean_page):
    store, rec, review, _ = station
    assert rec.signature is None
    doc = review.document(rec.id)
    assert (doc["status"], doc["revision"]) == ("draft", 1)
    assert doc["fields"] and all({"value", "raw", "confidence", "page", "box", "valid", "needs_review",
                                  "reason"} <= set(f) for f in doc["fields"].values())
    again, _ = _draft(store, clean_page)
    assert not again.created and again.record.id == rec.id
    assert review.document(rec.id)["revision"] == 1


def test_correct_approve_sign_and_verify(station, tmp_path):
    store, rec, review, _ = station
    name = next(iter(review.document(rec.id)["fields"]))
    with pytest.raises(Forbidden):
        review.set_fields(AUDITOR, rec.id, 1, {name: "x"})
    rev = review.set_fields(STAFF, rec.id, 1, {name: "Nguyễn Thị Hồng Nhung Sửa", "ghi_chu": "bổ sung"})
    assert rev == 2
    with pytest.raises(RevisionConflict):  # a second person still on revision 1
        review.set_fields(STAFF, rec.id, 1, {name: "khác"})
    doc = review.document(rec.id)
    assert doc["fields"]["ghi_chu"]["value"] == "bổ sung"
    with pytest.raises(WrongState):
        review.sign(SIGNER, rec.id, 2)  # not approved yet
    with pytest.raises(ApprovalIncomplete) as refused:  # the flagged fields nobody touched are not checked yet
        review.approve(STAFF, rec.id, 2)
    flagged = [n for n, f in doc["fields"].items() if f["needs_review"] and n not in (name, "ghi_chu")]
    assert flagged and refused.value.unconfirmed == flagged and refused.value.missing == []
    assert review.store.review.state(rec.id) == ("draft", 2)  # nothing changed
    assert review.approve(STAFF, rec.id, 2, confirmed=flagged) == 3
    with pytest.raises(Forbidden):
        review.sign(STAFF, rec.id, 3)
    assert review.sign(SIGNER, rec.id, 3) == 4
    signed = review.document(rec.id)
    assert signed["status"] == "signed" and signed["signature"]["level"] == "B-B"
    pdf = store.object_path(signed["sha256"])
    values = reviewed_values(pdf.read_bytes())
    assert values[name] == doc["fields"][name]["value"] and values["ghi_chu"] == "bổ sung"
    assert store.object_path(rec.sha256).exists()  # the draft object is kept
    proc = subprocess.run([sys.executable, "-m", "digitize.cli.app", "verify", str(pdf), "--store",
                           str(store.root), "--json"], capture_output=True, text=True, timeout=300)
    verdict = json.loads(proc.stdout.splitlines()[0])
    assert verdict["verdict"] == "valid", verdict
    actions = [(e["action"], e["user"]) for e in review.history(rec.id)]
    assert ("field_changed", "lan") in actions and ("approved", "lan") in actions and ("signed", "minh") in actions
    confirmed = [e for e in review.history(rec.id) if e["action"] == "field_confirmed"]
    assert [(e["field"], e["user"], e["value"]) for e in confirmed] == \
        [(n, "lan", doc["fields"][n]["value"]) for n in flagged]
    changed = next(e for e in review.history(rec.id) if e["action"] == "field_changed")
    assert changed["old"] != changed["new"] and "ocr" in changed
    revisions = store.review.revisions(rec.id)
    assert [r["status"] for r in revisions] == ["draft", "draft", "reviewed", "signed"]
    assert revisions[0]["fields"][0]["value"] != revisions[1]["fields"][0]["value"] or name != revisions[0]["fields"][0]["name"]
    with pytest.raises(WrongState):
        review.set_fields(STAFF, rec.id, 4, {name: "sau khi ký"})


def test_invalid_value_is_kept_and_flagged(station):
    store, rec, review, profiles = station
    from digitize.stages.extract.entered import check_value

    bad = check_value(profiles["giay_khai_sinh"], "so_dinh_danh", "001", {})
    assert (bad.value, bad.valid, bad.needs_review) == ("001", False, True) and "12-digit" in bad.reason
    good = check_value(profiles["giay_khai_sinh"], "so_dinh_danh", "001090012345", {})
    assert good.valid and not good.needs_review
    rev = review.set_fields(STAFF, rec.id, 1, {"so_dinh_danh": "001"})
    assert review.document(rec.id)["fields"]["so_dinh_danh"]["value"] == "001"
    review.set_fields(STAFF, rec.id, rev, {"so_dinh_danh": None})
    assert "so_dinh_danh" not in review.document(rec.id)["fields"]


@pytest.mark.parametrize("bad", ["../../catalog.sqlite", "/etc/passwd", "%", "abc", "0" * 21])
def test_ids_that_are_not_ids_are_not_found(station, bad):
    _, _, review, _ = station
    with pytest.raises(NotFound):
        review.document(bad)


def test_a_store_made_before_the_review_station_is_migrated(tmp_path):
    import sqlite3

    from digitize.store.catalog import SCHEMA

    root = tmp_path / "old-store"
    root.mkdir()
    conn = sqlite3.connect(root / "catalog.sqlite")
    for stmt in SCHEMA:  # the tables as they were, without the review columns
        conn.execute(stmt)
    conn.execute("INSERT INTO documents (id, dossier, source, source_sha256, settings_key, doc_type, pages, sha256, "
                 "warnings, signature, created_at, pipeline_version) VALUES ('aaaaaaaaaaaaaaaaaaaa', 'HS', 'a.jpg', "
                 "'s', 'k', 'generic', 1, 'x', '[]', NULL, '2025-01-01T00:00:00+00:00', '0')")
    conn.execute("INSERT INTO events VALUES ('2025-01-01T00:00:00+00:00', 'stored', 'aaaaaaaaaaaaaaaaaaaa', '{}')")
    conn.commit()
    conn.close()
    store = open_store(root)
    assert store.review.state("aaaaaaaaaaaaaaaaaaaa") == ("unsigned", 1)
    assert [e["user"] for e in store.events("aaaaaaaaaaaaaaaaaaaa")] == [None]
    assert Review(store).listing()["total"] == 1
    open_store(root)  # opening again changes nothing


def test_hot_folder_makes_drafts(tmp_path, clean_page):
    import os
    import time

    inbox = tmp_path / "inbox"
    (inbox / "HS-NONG").mkdir(parents=True)
    scan = inbox / "HS-NONG" / "1.jpg"
    scan.write_bytes(clean_page.read_bytes())
    settled = time.time() - 120  # the scanner finished two minutes ago
    for p in (inbox / "HS-NONG", scan):
        os.utime(p, (settled, settled))
    store = tmp_path / "store"
    run = subprocess.run([sys.executable, "-m", "digitize.cli.app", "watch", str(inbox), "--store", str(store),
                          "--settle", "30", "--once", "--review", "--json"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    [line] = [json.loads(x) for x in run.stdout.splitlines()]
    assert line["status"] == "done"
    [doc_id] = line["ids"]
    assert Review(open_store(store)).document(doc_id)["status"] == "draft"
    assert open_store(store).get(doc_id).signature is None


def test_approval_needs_the_required_values_and_every_flagged_field_checked(station):
    store, rec, review, _ = station
    rev = change_type(review, STAFF, rec.id, 1, "cccd")  # an ID card: number, sex, expiry are required
    with pytest.raises(ApprovalIncomplete) as refused:
        review.approve(STAFF, rec.id, rev, confirmed=["noi_cu_tru"])
    assert {"so_dinh_danh", "gioi_tinh", "co_gia_tri_den"} <= set(refused.value.missing)
    assert refused.value.exit_code == ExitCode.CONFLICT
    with pytest.raises(InputError):  # a name that is not a field cannot be confirmed
        review.approve(STAFF, rec.id, rev, confirmed=["khong_co"])
    rev = review.set_fields(STAFF, rec.id, rev, {"so_dinh_danh": "001190012345", "gioi_tinh": "Nữ",
                                                 "co_gia_tri_den": "12/03/2035"})
    doc = review.document(rec.id)
    edited = {"so_dinh_danh", "gioi_tinh", "co_gia_tri_den"}
    assert doc["approval"]["missing"] == [] and edited <= set(doc["approval"]["edited"])
    left = doc["approval"]["unconfirmed"]
    assert not edited & set(left)  # a field a person corrected counts as checked, even when still flagged
    with pytest.raises(ApprovalIncomplete) as refused:
        review.approve(STAFF, rec.id, rev)
    assert refused.value.unconfirmed == left and left
    assert review.approve(STAFF, rec.id, rev, confirmed=left) == rev + 1
    assert [e["field"] for e in review.history(rec.id) if e["action"] == "field_confirmed"] == left


def test_four_eyes_the_signer_neither_approved_nor_changed_the_record(station):
    store, rec, review, _ = station
    flagged = review.document(rec.id)["approval"]["unconfirmed"]
    rev = review.set_fields(SIGNER, rec.id, 1, {"ghi_chu": "người ký sửa"})
    rev = review.approve(STAFF, rec.id, rev, confirmed=flagged)
    with pytest.raises(FourEyes) as refused:  # minh changed a field of what would be signed
        review.sign(SIGNER, rec.id, rev)
    assert "minh changed this record (ghi_chu)" in str(refused.value)
    assert review.store.review.state(rec.id) == ("reviewed", rev)
    rev = review.set_fields(STAFF, rec.id, rev, {"ghi_chu": "cán bộ sửa lại"})
    rev = review.approve(SECOND_SIGNER, rec.id, rev, confirmed=flagged)
    with pytest.raises(FourEyes) as refused:  # thu approved it
        review.sign(SECOND_SIGNER, rec.id, rev)
    assert "thu approved this record" in str(refused.value)
    with pytest.raises(FourEyes):  # minh's change is still in the values being signed
        review.sign(SIGNER, rec.id, rev)
    assert review.sign(Actor("an", "signer"), rec.id, rev) == rev + 1


def test_an_office_of_one_turns_four_eyes_off_and_the_audit_log_says_so(station, tmp_path):
    store, rec, review, _ = station
    flagged = review.document(rec.id)["approval"]["unconfirmed"]
    rev = review.approve(SIGNER, rec.id, 1, confirmed=flagged)
    with pytest.raises(FourEyes):
        review.sign(SIGNER, rec.id, rev)
    proc = subprocess.run([sys.executable, "-m", "digitize.cli.app", "review", "four-eyes", "off", "--store",
                           str(store.root), "--user", "quan"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert review.sign(SIGNER, rec.id, rev) == rev + 1
    [event] = [e for e in store.events() if e["kind"] == "setting_changed"]
    assert (event["user"], event["data"]["name"], event["data"]["old"], event["data"]["new"]) == \
        ("quan", "four_eyes", None, "off")
    assert not Review(store, four_eyes=False).four_eyes_on() and not review.four_eyes_on()
    review.store.review.set_setting("four_eyes", "on", "quan")
    assert review.four_eyes_on() and not Review(store, four_eyes=False).four_eyes_on()


@pytest.mark.parametrize("value, words", [("a\ufffeb", "noncharacter U+FFFE"), ("a\x00b", "control character U+0000"),
                                          ("\ud800", "lone surrogate U+D800"), ("x" * 4001, "4001 characters"),
                                          ("a\x1bb", "control character U+001B")])
def test_values_xml_cannot_hold_or_too_long_are_refused(station, value, words):
    store, rec, review, _ = station
    with pytest.raises(InputError) as refused:
        review.set_fields(STAFF, rec.id, 1, {"ghi_chu": value})
    assert words in str(refused.value) and "ghi_chu" in str(refused.value)
    assert store.review.state(rec.id) == ("draft", 1)


def test_values_are_nfc_lines_and_tabs_are_kept_and_fields_are_bounded(station):
    store, rec, review, _ = station
    decomposed = "Nguye\u0302\u0303n\tVa\u0306n\nA"  # NFD, as some keyboards type it
    rev = review.set_fields(STAFF, rec.id, 1, {"ghi_chu": decomposed})  # a tab and a new line are fine
    kept = review.document(rec.id)["fields"]["ghi_chu"]["value"]
    assert unicodedata.is_normalized("NFC", kept) and "Nguyễn" in kept and "Văn" in kept
    with pytest.raises(InputError) as refused:
        review.set_fields(STAFF, rec.id, rev, {f"truong_{i}": "x" for i in range(201)})
    assert "over the limit of 200" in str(refused.value)
    rev = review.set_fields(STAFF, rec.id, rev, {f"truong_{i}": "x" for i in range(190)})
    with pytest.raises(InputError):  # 190 + the document's own fields is over 200
        review.set_fields(STAFF, rec.id, rev, {f"them_{i}": "x" for i in range(10)})


def test_signing_refuses_a_stored_value_xml_cannot_hold(station):
    """A value that reached the store before values were checked: the signature is refused, naming it."""
    store, rec, review, _ = station
    from dataclasses import replace

    bad = [replace(f, value="sai\ufffe") if f.name == "ho_ten" else f for f in rec.fields]
    rev = store.review.change(rec.id, 1, "lan", status="reviewed", fields=bad)
    with pytest.raises(InputError) as refused:
        review.sign(SIGNER, rec.id, rev)
    assert "field ho_ten" in str(refused.value) and "U+FFFE" in str(refused.value)
    assert store.review.state(rec.id) == ("reviewed", rev)
