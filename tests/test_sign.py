"""Signing: demo key, PKCS#12 with a real TSA and OCSP responder (B-T, B-LTA), the copy stamp, PDF/A kept."""
from __future__ import annotations

import re
import stat
import subprocess
from pathlib import Path

import pikepdf
import pytest

from digitize.errors import DigitizeError
from digitize.signing.signers import SignerSpec, ensure_demo_key, open_signer
from digitize.stages.sign import SignOptions, sign_pdf
from digitize.verify.files import Verdict, verify_file
from support import ORG, PDFA_INPUT


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("store") / "keys"


@pytest.fixture(scope="session")
def demo_signed(keys_dir, tmp_path_factory):
    signer = open_signer(SignerSpec.parse("demo"), keys_dir)
    data, summary = sign_pdf(PDFA_INPUT.read_bytes(), signer, SignOptions(organisation=ORG))
    path = tmp_path_factory.mktemp("signed") / "demo.pdf"
    path.write_bytes(data)
    return path, summary


def test_signer_spec_parse():
    assert SignerSpec.parse("demo").kind == "demo"
    assert SignerSpec.parse("p12:/k/a.p12").path == "/k/a.p12"
    s = SignerSpec.parse("pkcs11:module=/usr/lib/x.so;token=VNPT-CA;key=Sig key;cert_id=0a1b")
    assert (s.module, s.token, s.key_label, s.cert_id) == ("/usr/lib/x.so", "VNPT-CA", "Sig key", "0a1b")
    for bad in ("pkcs11:token=x", "pkcs11:module=/x.so;pin=1234", "pkcs11:module=/x.so;key_id=zz", "rsa:x"):
        with pytest.raises(DigitizeError) as e:
            SignerSpec.parse(bad)
        assert "1234" not in str(e.value)


def test_demo_key_created_private_and_idempotent(tmp_path):
    demo = ensure_demo_key(tmp_path / "keys", "Sở Tư pháp")
    assert demo.created and "DEMO" in demo.subject and "Sở Tư pháp" in demo.subject
    for f in (demo.signer_key, demo.signer_cert, demo.root_cert):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    before = demo.signer_key.read_bytes()
    again = ensure_demo_key(tmp_path / "keys")
    assert not again.created and again.signer_key.read_bytes() == before


def test_demo_signature_valid_with_stamp(demo_signed, keys_dir):
    path, summary = demo_signed
    assert summary.level == "B-B" and "DEMO" in summary.signer
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", summary.signing_time)
    v = verify_file(path, [keys_dir / "demo-root.crt.pem"], pdfa=False)
    assert v.verdict is Verdict.VALID, v.reasons
    sig = v.signatures[0]
    assert sig.intact and sig.trusted and sig.covers_whole_file and not sig.modified_after_signing
    assert sig.level == "B-B" and sig.cert_sha256 == summary.cert_sha256
    # without the demo root the same file is not trusted: no chain to a trust root is INDETERMINATE in
    # ETSI EN 319 102-1 (NO_CERTIFICATE_CHAIN_FOUND), not a failed signature
    assert verify_file(path, [], pdfa=False).verdict is Verdict.INDETERMINATE


def test_stamp_text_font_and_position(demo_signed):
    path, summary = demo_signed
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "SAO Y" in text and ORG in text and summary.signing_time in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    serif = [line for line in fonts.splitlines() if "LiberationSerif" in line]
    assert serif and all(" yes yes yes " in line for line in serif)  # embedded, subset, ToUnicode
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        widget = next(a for a in page.Annots if a.get("/FT") == "/Sig" or a.get("/Subtype") == "/Widget")
        rx0, ry0, rx1, ry1 = (float(v) for v in widget.Rect)
        assert rx0 > (x0 + x1) / 2 and ry0 > (y0 + y1) / 2, "stamp must sit in the top-right quarter"
        assert int(widget.F) & 4, "print flag (PDF/A)"
    # glyph advances are right: 25 characters of 10 pt Times take ~116 pt, not twice that
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    m = re.search(r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>' + re.escape(summary.signing_time) + "<", bbox)
    assert m and 100 < float(m.group(2)) - float(m.group(1)) < 135, m and m.groups()


def test_signing_keeps_pdfa(demo_signed):
    path, _ = demo_signed
    original = PDFA_INPUT.read_bytes()
    data = path.read_bytes()
    assert data.startswith(original), "signing must be an incremental update"
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "2B"
        assert "/OutputIntents" in pdf.Root and not pdf.is_encrypted
    try:
        from digitize.pdfa.checks.conformance import check_pdfa
    except ImportError:
        return  # the project's own PDF/A checks are not part of this build yet
    before, after = check_pdfa(original), check_pdfa(data)
    assert after.claimed == before.claimed and after.ok == before.ok, after.problems


def test_b_t_with_real_tsa(pki, p12_signer, tmp_path):
    data, summary = sign_pdf(PDFA_INPUT.read_bytes(), p12_signer,
                             SignOptions(tsa_url=pki.tsa_url, organisation=ORG))
    assert summary.level == "B-T" and summary.signer == "UBND Phường Bến Thành (TEST)"
    (tmp_path / "t.pdf").write_bytes(data)
    v = verify_file(tmp_path / "t.pdf", [pki.root_pem], pdfa=False, online=True)  # B-T: OCSP from the responder
    assert v.verdict is Verdict.VALID, v.reasons
    sig = v.signatures[0]
    assert sig.level == "B-T" and sig.timestamp and sig.timestamp["valid"] and sig.timestamp["trusted"]


def test_b_lta_embeds_ocsp_and_doc_timestamp(pki, p12_signer, tmp_path):
    data, summary = sign_pdf(PDFA_INPUT.read_bytes(), p12_signer,
                             SignOptions(tsa_url=pki.tsa_url, ltv=True, organisation=ORG, trust_roots=(pki.cert("root"),)))
    assert summary.level == "B-LTA"
    path = tmp_path / "lta.pdf"
    path.write_bytes(data)
    with pikepdf.open(path) as pdf:
        dss = pdf.Root.DSS
        assert len(dss.OCSPs) >= 1 and len(dss.Certs) >= 2
    v = verify_file(path, [pki.root_pem], pdfa=False)
    assert v.verdict is Verdict.VALID, v.reasons
    kinds = [s.kind for s in v.signatures]
    assert kinds == ["signature", "document_timestamp"]
    assert v.signatures[0].level == "B-LTA"
    with pikepdf.open(path) as pdf:
        assert pdf.open_metadata().pdfa_status == "2B"


def test_levels_need_a_tsa():
    with pytest.raises(DigitizeError, match="--tsa"):
        SignOptions(ltv=True).effective_level()
    assert SignOptions(tsa_url="http://x").effective_level() == "B-T"


def test_wrong_p12_password_is_not_echoed(pki, monkeypatch):
    secret = "Wr0ng-P@ss-Secret-991"
    monkeypatch.setenv("DIGITIZE_KEY_PASSWORD", secret)
    with pytest.raises(DigitizeError) as e:
        open_signer(SignerSpec.parse(f"p12:{pki.p12}"), Path("/nonexistent"), prompt=False)
    assert "wrong password" in str(e.value) and secret not in str(e.value)
    assert secret not in repr(e.value.__cause__) and secret not in repr(e.value.__context__)
    monkeypatch.delenv("DIGITIZE_KEY_PASSWORD")
    with pytest.raises(DigitizeError, match="DIGITIZE_KEY_PASSWORD"):
        open_signer(SignerSpec.parse(f"p12:{pki.p12}"), Path("/nonexistent"), prompt=False)


def test_preflight_finds_nothing_new_after_signing(demo_signed):
    from digitize.tools.preflight import preflight

    path, _ = demo_signed
    before, after = preflight(PDFA_INPUT), preflight(path)
    # Preflight validates PDF/A-1b. Tolerated, as PDF/A-2 differs from PDF/A-1 there:
    #   3.1.11 CIDSet missing for a subset CID font (required by PDF/A-1 only; the stamp font is a subset)
    # 7.2 (Info vs XMP mismatch) would mean the signing revision broke metadata consistency: not tolerated.
    assert after.codes <= before.codes | {"3.1.11"}, after.errors
