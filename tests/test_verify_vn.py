"""`verify` on real documents signed under Vietnam's government PKI, with the built-in trust store only (no --trust):
the archival policy's answers for G1/SHA-1 and G2 documents, the broken byte range as a signature row, signatures
pyHanko passes over (legacy SubFilter, CMS that does not parse) and an expired CA without time-stamp (test PKI),
the trust store's manifest, DIGITIZE_TRUST_DIR, `trust ls`, and the ETSI TS 119 102-2 report of a run."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from digitize.verify import policy
from digitize.verify.bundle import BUILTIN_DIR, builtin_bundle
from digitize.verify.files import Verdict, verify_file
from support import CORPUS, PDFA_INPUT

VN = CORPUS / "vn-signed-pdfs"
G2 = [CORPUS / "real-scans" / "qd222-2025" / "222-ttg.signed.pdf", CORPUS / "real-scans" / "nd199-2026" / "199-ndcp.signed.pdf"]
G1_TST = VN / "gov-2021-nd105-vgca-g1-tst.pdf"  # SHA-256 signature, SHA-1-signed G1 sub-CA, time-stamped 2021
G1_SHA1 = VN / "gov-2018-09-nd119-vgca-g1-sha1.pdf"  # SHA-1 signature and certificate, time-stamped 2018-09-13
BROKEN = VN / "gov-2021-luat73-BROKEN-byterange.pdf"
G2_CHAIN = ["CA phục vụ các cơ quan Nhà nước G2", "RootCA chuyên dùng Chính phủ G2"]
G1_CHAIN = ["Co quan chung thuc so Chinh phu", "Co quan chung thuc so chuyen dung Chinh phu (RootCA)"]


def _one(path: Path, **kw):
    v = verify_file(path, pdfa=False, **kw)
    assert len(v.signatures) == 1, v.signatures
    return v, v.signatures[0]


@pytest.mark.parametrize("path", G2, ids=lambda p: p.name)
def test_g2_documents_are_valid_with_the_builtin_store(path):
    v, sig = _one(path, revocation=False)
    assert v.verdict is Verdict.VALID, v.reasons
    assert [c["name"] for c in sig.chain[1:]] == G2_CHAIN
    assert all(c["confirmed"] and c["trust_store"] == "built-in" for c in sig.chain[1:])
    assert sig.policy == policy.POLICY_NAME and sig.timestamp["trusted"]
    # the portal's claimed time is local time labelled UTC: a warning, not a failure
    assert any("Vietnam local time (UTC+7) labelled UTC" in n for n in sig.notes), sig.notes


def test_g2_offline_with_revocation_is_indeterminate_no_revocation_data():
    v, sig = _one(G2[0])
    assert v.verdict is Verdict.INDETERMINATE
    assert any("no revocation data" in r for r in sig.reasons), sig.reasons


def test_without_the_builtin_store_nothing_is_trusted():
    v, sig = _one(G2[0], revocation=False, builtin_trust=False)
    assert v.verdict is Verdict.INDETERMINATE and any("no trust root given" in r for r in sig.reasons)
    assert sig.indication == "NO_CERTIFICATE_CHAIN_FOUND"  # untrusted is not a failure (EN 319 102-1)


def test_g1_chain_with_sha1_ca_is_valid_because_the_ca_is_pinned():
    v, sig = _one(G1_TST, revocation=False)
    assert v.verdict is Verdict.VALID, v.reasons
    assert [c["name"] for c in sig.chain[1:]] == G1_CHAIN
    assert any("SHA-1 signature on certificate 'Co quan chung thuc so Chinh phu' accepted" in n
               and "pinned by its SHA-256 fingerprint" in n for n in sig.notes), sig.notes


def test_g1_sha1_signature_proven_before_the_sunset_is_valid_with_a_warning():
    v, sig = _one(G1_SHA1, revocation=False)
    assert v.verdict is Verdict.VALID, v.reasons
    assert sig.timestamp["time"].startswith("2018-09-13")
    assert any(n.startswith("SHA-1 accepted: proven at 2018-09-13") and str(policy.SHA1_SUNSET.date()) in n
               for n in sig.notes), sig.notes


def test_g1_sha1_signature_after_the_sunset_is_refused_for_that_reason(monkeypatch):
    # the same document under a policy whose SHA-1 sunset precedes its time-stamp
    monkeypatch.setattr(policy, "SHA1_SUNSET", policy.SHA1_SUNSET.replace(year=2018, month=1))
    v, sig = _one(G1_SHA1, revocation=False)
    assert v.verdict is Verdict.INDETERMINATE, v.reasons
    assert sig.indication == "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
    assert any("refused by the archival policy" in r and "SHA-1" in r and "2018-01-01" in r for r in sig.reasons)
    assert not any("issuer" in r for r in sig.reasons), sig.reasons


def test_broken_byte_range_is_a_signature_row_that_is_not_valid():
    v, sig = _one(BROKEN, revocation=False)
    assert v.verdict is Verdict.INVALID
    assert "no signature" not in v.reasons
    assert sig.signer == "Cổng Thông tin điện tử Chính phủ" and sig.indication == "HASH_FAILURE"
    assert any("byte range no longer ends at the end of the file" in r for r in sig.reasons), sig.reasons


# --- the test PKI: what real files do not show --------------------------------------------------

def _sign_with(pki, signer_label: str, ca_label: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(
        signing_cert=pki.cert(signer_label), signing_key=pki.arch.key_set.get_private_key("signer"),
        cert_registry=SimpleCertificateStore.from_certs([pki.cert(ca_label), pki.cert("root")]))
    out = io.BytesIO()
    meta = signers.PdfSignatureMetadata(field_name="Sig1", subfilter=fields.SigSeedSubFilter.PADES)
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(PDFA_INPUT.read_bytes())), meta, signer=signer, output=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def signed_current(pki) -> bytes:
    return _sign_with(pki, "signer", "interm")


def test_expired_ca_without_time_stamp_is_indeterminate_no_poe(pki, tmp_path):
    path = tmp_path / "old-ca.pdf"
    path.write_bytes(_sign_with(pki, "signer-old", "interm-old"))
    v, sig = _one(path, trust=[pki.root_pem], revocation=False)
    assert v.verdict is Verdict.INDETERMINATE, v.reasons
    assert sig.indication == "OUT_OF_BOUNDS_NO_POE" and sig.intact and sig.valid
    assert any("no proof of existence before" in r for r in sig.reasons), sig.reasons


def _patch(data: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new) and data.count(old) == 1
    return data.replace(old, new)


@pytest.mark.parametrize("subfilter", [b"/adbe.pkcs7.sha1", b"/adbe.x509.rsa_sha1"])
def test_legacy_subfilter_is_a_signature_row(signed_current, tmp_path, subfilter):
    path = tmp_path / "legacy.pdf"
    path.write_bytes(_patch(signed_current, b"/ETSI.CAdES.detached", subfilter.ljust(20)))
    v, sig = _one(path, trust=[], revocation=False)
    assert v.verdict is Verdict.INVALID and sig.subfilter == subfilter.decode()
    assert any(f"legacy SubFilter {subfilter.decode()}" in r for r in sig.reasons), sig.reasons
    assert sig.signer is not None  # read from the signature data even though it is not validated


def test_cms_that_does_not_parse_is_a_signature_row(signed_current, tmp_path):
    start = signed_current.index(b"/Contents <") + len(b"/Contents <")
    garbage = signed_current[:start] + b"ff" * 64 + signed_current[start + 128:]
    path = tmp_path / "garbage.pdf"
    path.write_bytes(garbage)
    v, sig = _one(path, revocation=False)
    assert v.verdict is Verdict.INVALID and sig.indication == "FORMAT_FAILURE"
    assert any("does not parse" in r for r in sig.reasons), sig.reasons


# --- the trust store ------------------------------------------------------------------------------

def _certs_md() -> dict[str, tuple[str, bool]]:
    rows = {}
    for line in (CORPUS / "vn-pki" / "CERTS.md").read_text().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 9 and cells[1].endswith(".pem`"):
            rows[cells[1].strip("`")] = (cells[6].strip("`"), cells[8].strip("*") == "yes")
    return rows


def test_manifest_matches_certs_md_and_the_shipped_files():
    rows = _certs_md()
    bundle = builtin_bundle()
    manifest = json.loads((BUILTIN_DIR / "manifest.json").read_text())["certificates"]
    assert len(manifest) == len(bundle.entries) == len(rows) - 1  # all but the one non-CA certificate
    for row, entry in zip(manifest, bundle.entries):
        assert (row["sha256"], row["confirmed"]) == rows[row["file"]]
        assert entry.sha256 == row["sha256"]
    assert sum(e.confirmed for e in bundle.entries) == 14
    # only self-signed roots anchor trust; CA intermediates and TSAs are chain candidates
    assert {e.role for e in bundle.entries} == {"root", "intermediate", "tsa"}
    assert all(c.self_signed != "no" for c in bundle.anchors)
    assert not any(c.sha256 in {a.sha256 for a in bundle.anchors} for c in bundle.candidates)


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "digitize.cli.app", *map(str, args)], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=300)


def test_trust_ls_and_an_operator_bundle(tmp_path):
    out = _cli("trust", "ls", "--json")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 79 and sum(r["confirmed"] for r in rows) == 14
    g2_root = next(r for r in rows if r["name"] == "RootCA chuyên dùng Chính phủ G2")
    assert g2_root["role"] == "root" and g2_root["confirmed"] and g2_root["origin"] == "built-in"
    # an operator's folder replaces the built-in store: with only the G2 root, the G2 sub-CA is missing
    (tmp_path / "g2-root.pem").write_bytes((BUILTIN_DIR / "vgca-g2-rootca-2018.pem").read_bytes())
    env = {"DIGITIZE_TRUST_DIR": str(tmp_path)}
    out = _cli("trust", "ls", "--json", env=env)
    assert [json.loads(line)["origin"] for line in out.stdout.splitlines()] == ["operator"]
    out = _cli("verify", G2[0], "--json", "--no-revocation", env=env)
    assert out.returncode == 1
    assert "issuer certificate 'CA phục vụ các cơ quan Nhà nước G2'" in json.loads(out.stdout)["reasons"][0]
    (tmp_path / "g2-ca.pem").write_bytes((BUILTIN_DIR / "vgca-g2-cpcag2-nhanuoc-2018.pem").read_bytes())
    out = _cli("verify", G2[0], "--json", "--no-revocation", env={"DIGITIZE_TRUST_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stdout


def test_etsi_report_parses_back_with_one_report_per_signature(tmp_path):
    from pyhanko.generated.etsi import ts_11910202 as vr
    from xsdata.formats.dataclass.parsers import XmlParser

    files = [*G2, G1_TST, G1_SHA1, BROKEN]
    out = _cli("verify", *files, "--json", "--no-revocation", "--etsi", tmp_path / "etsi.xml",
               "--report", tmp_path / "report", "--lang", "en")
    rows = [s for line in out.stdout.splitlines() for s in json.loads(line)["signatures"]]
    report = XmlParser().from_string((tmp_path / "etsi.xml").read_text(), vr.ValidationReport)
    main = {"valid": "total-passed", "invalid": "total-failed", "indeterminate": "indeterminate"}
    indications = [r.signature_validation_status.main_indication for r in report.signature_validation_report]
    assert indications == [f"urn:etsi:019102:mainindication:{main[s['verdict']]}" for s in rows]
    assert [s["verdict"] for s in rows] == ["valid", "valid", "valid", "valid", "invalid"]
    assert all(s["chain"] and s["policy"] == policy.POLICY_NAME for s in rows[:4])
    html = next((tmp_path / "report").glob("*.html")).read_text()
    assert html.count("<h2>") == len(files) and "Certificate chain" in html and "RootCA chuyên dùng Chính phủ G2" in html


def test_default_audit_report_is_vietnamese_with_reasons_in_words(tmp_path):
    out = _cli("verify", G1_TST, BROKEN, "--no-revocation", "--report", tmp_path)
    assert out.returncode == 1
    html = next(tmp_path.glob("*.html")).read_text()
    assert '<html lang="vi">' in html and "Chuỗi chứng thư" in html and "Chính sách kiểm tra" in html
    assert "có chữ ký nhưng không kiểm tra được: phạm vi ký không còn kết thúc ở cuối tệp" in html
    assert "được ghim bằng dấu vân tay SHA-256 trong kho tin cậy" in html
    assert "giờ Việt Nam (UTC+7) bị ghi là UTC" in html
    assert "+07:00" in html  # the time-stamp's time in Vietnam's zone


def test_a_signature_relying_on_an_unconfirmed_certificate_says_so(pki, signed_current, tmp_path, monkeypatch):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    bundle.joinpath("root.pem").write_bytes(pki.root_pem.read_bytes())
    root = pki.cert("root")
    bundle.joinpath("manifest.json").write_text(json.dumps({"certificates": [
        {"file": "root.pem", "name": "Test Root CA", "role": "root", "sha256": root.sha256.hex(),
         "confirmed": False, "source": "one test source"}]}))
    monkeypatch.setenv("DIGITIZE_TRUST_DIR", str(bundle))
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_current)
    v, sig = _one(path, revocation=False)
    assert v.verdict is Verdict.VALID, v.reasons
    assert sig.chain[-1]["confirmed"] is False and sig.chain[-1]["trust_store"] == "operator"
    assert any("UNCONFIRMED" in n and "'Test Root CA'" in n for n in sig.notes), sig.notes


def test_a_missing_operator_bundle_is_a_one_line_error(tmp_path):
    for args in (("trust", "ls"), ("verify", G2[0])):
        out = _cli(*args, env={"DIGITIZE_TRUST_DIR": str(tmp_path / "nowhere")})
        assert out.returncode == 2, out  # a usage error, not a verdict
        assert "trust folder (DIGITIZE_TRUST_DIR) not found" in out.stderr and "Traceback" not in out.stderr
    bad = tmp_path / "not-a-cert.pem"
    bad.write_text("hello")
    out = _cli("verify", G2[0], "--trust", bad)
    assert out.returncode == 2 and "not a PEM or DER certificate" in out.stderr
