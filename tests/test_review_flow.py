"""The review flow on a real store: a draft from the real pipeline, corrected, approved and signed;
the signed PDF carries the reviewed values and `digitize verify` calls it valid."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from digitize.model import DocumentInput
from digitize.pdfa.reviewed import reviewed_values
from digitize.pipeline.context import RunContext, Signing
from digitize.pipeline.scheduler import run_documents
from digitize.profiles.loader import load_profiles
from digitize.review.flow import Actor, NotFound, Review, WrongState
from digitize.review.roles import Forbidden
from digitize.settings import Settings, SigningSettings
from digitize.signing.signers import SignerSpec, open_signer
from digitize.stages.sign import SignOptions
from digitize.store import open_store
from digitize.store.reviews import RevisionConflict

STAFF, SIGNER, AUDITOR = Actor("lan", "staff"), Actor("minh", "signer"), Actor("ha", "auditor")
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
    assert review.approve(STAFF, rec.id, 2) == 3
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
