"""Findings as data: every sub-indication the archival policy gives an untrusted chain is INDETERMINATE (EN 319 102-1
table 5), in the verdict, in `verify --json` and in the ETSI report; only what is proven wrong is TOTAL_FAILED; a
check that raises is a finding of its own. Real documents (Vietnam's PKI) and the test PKI (tests/pki)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from digitize.verify import policy
from digitize.verify.files import verify_file
from digitize.verify.findings import SUB_INDICATIONS, Attempts, Finding, Indication, Verdict, problem, verdict_of
from digitize.verify.xmp import xmp_changed
from support import CORPUS, PDFA_INPUT

G2 = CORPUS / "real-scans" / "qd222-2025" / "222-ttg.signed.pdf"
G1_SHA1 = CORPUS / "vn-signed-pdfs" / "gov-2018-09-nd119-vgca-g1-sha1.pdf"


def _sign(pki, signer_label: str, ca_label: str, tsa: bool = False) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(
        signing_cert=pki.cert(signer_label), signing_key=pki.arch.key_set.get_private_key("signer"),
        cert_registry=SimpleCertificateStore.from_certs([pki.cert(ca_label), pki.cert("root")]))
    out = io.BytesIO()
    meta = signers.PdfSignatureMetadata(field_name="Sig1", subfilter=fields.SigSeedSubFilter.PADES)
    stamper = timestamps.HTTPTimeStamper(pki.tsa_url) if tsa else None
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(PDFA_INPUT.read_bytes())), meta, signer=signer,
                     timestamper=stamper, output=out)
    return out.getvalue()


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# case -> (how to make the file and verify it, the sub-indication, the finding's code)
CASES = {
    "no trust root at all": ("NO_CERTIFICATE_CHAIN_FOUND", "finding.no_trust_root"),
    "root not among the trusted": ("NO_CERTIFICATE_CHAIN_FOUND", "finding.chain_gap"),
    "no revocation data offline": ("TRY_LATER", "finding.no_revocation_data_offline"),
    "CA expired, no time-stamp": ("OUT_OF_BOUNDS_NO_POE", "finding.no_poe_ca"),
    "CA expired before the time-stamp": ("EXPIRED", "finding.expired_at_poe"),
    "SHA-1 after its sunset": ("CRYPTO_CONSTRAINTS_FAILURE_NO_POE", "finding.policy_refused"),
}  # CERTIFICATE_CHAIN_GENERAL_FAILURE is what is left when pyHanko names none of these: no file here reaches it


def _verify_case(case: str, pki, tmp_path: Path, monkeypatch):
    if case == "no trust root at all":
        return verify_file(G2, pdfa=False, revocation=False, builtin_trust=False, etsi=True)
    if case == "root not among the trusted":  # the built-in Vietnamese roots only: the test root is not one
        return verify_file(_file(tmp_path, "t.pdf", _sign(pki, "signer", "interm")), pdfa=False, revocation=False,
                           etsi=True)
    if case == "no revocation data offline":
        return verify_file(G2, pdfa=False, etsi=True)
    if case == "CA expired, no time-stamp":
        return verify_file(_file(tmp_path, "t.pdf", _sign(pki, "signer-old", "interm-old")), [pki.root_pem],
                           pdfa=False, revocation=False, etsi=True)
    if case == "CA expired before the time-stamp":
        return verify_file(_file(tmp_path, "t.pdf", _sign(pki, "signer-old", "interm-old", tsa=True)),
                           [pki.root_pem], pdfa=False, revocation=False, etsi=True)
    assert case == "SHA-1 after its sunset"
    monkeypatch.setattr(policy, "SHA1_SUNSET", policy.SHA1_SUNSET.replace(year=2018, month=1))
    return verify_file(G1_SHA1, pdfa=False, revocation=False, etsi=True)


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_untrusted_chain_is_indeterminate_with_its_sub_indication(case, pki, tmp_path, monkeypatch):
    from pyhanko.generated.etsi import ts_11910202 as vr
    from xsdata.formats.dataclass.parsers import XmlParser

    from digitize.reports.etsi import etsi_report

    sub, code = CASES[case]
    v = _verify_case(case, pki, tmp_path, monkeypatch)
    assert v.verdict is Verdict.INDETERMINATE, v.reasons
    sig = v.signatures[0]
    assert sig.verdict is Verdict.INDETERMINATE and sig.indication == sub, (sig.indication, sig.reasons)
    main = [f for f in sig.findings if f.is_problem]
    assert main[0].code == code and main[0].indication is Indication.INDETERMINATE and main[0].sub_indication == sub
    assert sub in SUB_INDICATIONS[Indication.INDETERMINATE]
    row = sig.as_json()
    assert row["verdict"] == "indeterminate" and row["indication"] == sub and row["reasons"]
    assert row["findings"][0]["code"] == code and row["findings"][0]["sub_indication"] == sub
    assert main[0].text("vi") != main[0].text("en")  # the Vietnamese report says it in Vietnamese
    report = XmlParser().from_string(etsi_report([v]), vr.ValidationReport)
    status = report.signature_validation_report[0].signature_validation_status
    assert status.main_indication == "urn:etsi:019102:mainindication:indeterminate"
    assert list(status.sub_indication) == [f"urn:etsi:019102:subindication:{sub}"]


def test_a_sub_indication_belongs_to_one_main_indication():
    assert problem("NO_CERTIFICATE_CHAIN_FOUND", "finding.no_trust_root", found="x").verdict is Verdict.INDETERMINATE
    assert problem("HASH_FAILURE", "finding.not_intact").verdict is Verdict.INVALID
    with pytest.raises(ValueError):
        Finding("finding.no_trust_root", Indication.TOTAL_FAILED, "NO_CERTIFICATE_CHAIN_FOUND")
    with pytest.raises(ValueError):
        problem("NOT_A_SUB_INDICATION", "finding.revoked")


def test_a_check_that_raises_is_a_finding_of_its_own():
    attempt = Attempts()
    # a real check given something that is not a signature: it raises inside pyHanko's object model
    changed = attempt("xmp_changed", lambda: xmp_changed(object()), True)
    assert changed is True and len(attempt.findings) == 1
    f = attempt.findings[0]
    assert (f.code, f.indication, f.sub_indication) == ("finding.check_failed", Indication.INDETERMINATE, "GENERIC")
    assert f.params["check"] == "xmp_changed" and f.params["error"] == "AttributeError"
    assert "xmp_changed" in str(f) and "xmp_changed" in f.text("vi")
    assert verdict_of(attempt.findings) is Verdict.INDETERMINATE  # an unknown answer never reads as valid
    assert f.as_json()["code"] == "finding.check_failed"
