"""PKCS#11 signing through a real SoftHSM2 token whose key and certificate labels differ (as on Vietnamese CA
tokens); listing the token; the PIN never shows up in output or errors."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from digitize.errors import DigitizeError, ExitCode
from digitize.signing.signers import SignerSpec, list_token, open_signer
from digitize.stages.sign import SignOptions, sign_pdf
from digitize.verify.files import Verdict, verify_file
from support import PDFA_INPUT

pytestmark = pytest.mark.system  # a SoftHSM2 token

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN, SO_PIN = "86420135", "97531864"
TOKEN = "VN-TEST-TOKEN"
KEY_LABEL, CERT_LABEL, KEY_ID = "Private key of signer", "Certificate UBND", bytes.fromhex("a1b2c3")



@pytest.fixture(scope="module")
def token(pki, tmp_path_factory):
    import pkcs11
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, CertificateType, ObjectClass
    from pkcs11.util.rsa import decode_rsa_private_key

    d = tmp_path_factory.mktemp("softhsm")
    (d / "tokens").mkdir()
    conf = d / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {d / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", SO_PIN],
                   check=True, capture_output=True)
    key = serialization.load_pem_private_key(pki.key_pem.read_bytes(), None)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    lib = pkcs11.lib(MODULE)
    tok = lib.get_token(token_label=TOKEN)
    with tok.open(rw=True, user_pin=PIN) as session:
        attrs = decode_rsa_private_key(der)
        attrs.update({Attribute.LABEL: KEY_LABEL, Attribute.ID: KEY_ID, Attribute.TOKEN: True,
                      Attribute.SENSITIVE: True, Attribute.SIGN: True, Attribute.PRIVATE: True})
        session.create_object(attrs)
        for label, cert, oid in ((CERT_LABEL, pki.cert("signer"), KEY_ID), ("Intermediate CA", pki.cert("interm"), b"\x02")):
            session.create_object({
                Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True, Attribute.LABEL: label, Attribute.ID: oid,
                Attribute.SUBJECT: cert.subject.dump(), Attribute.VALUE: cert.dump(),
            })
    yield conf
    mp.undo()


def spec(**extra) -> SignerSpec:
    items = {"module": MODULE, "token": TOKEN, **extra}
    return SignerSpec.parse("pkcs11:" + ";".join(f"{k}={v}" for k, v in items.items()))


def test_list_token_shows_differing_labels(token, monkeypatch):
    monkeypatch.setenv("DIGITIZE_PIN", PIN)
    objects = list_token(spec(), prompt=False)
    kinds = {(o.kind, o.label) for o in objects}
    assert ("private_key", KEY_LABEL) in kinds and ("certificate", CERT_LABEL) in kinds
    cert = next(o for o in objects if o.label == CERT_LABEL)
    assert cert.id_hex == KEY_ID.hex() and "UBND" in cert.subject


def test_sign_through_token_by_label_and_by_id(token, pki, monkeypatch, tmp_path):
    monkeypatch.setenv("DIGITIZE_PIN", PIN)
    for s in (spec(key=KEY_LABEL, cert=CERT_LABEL), spec(key_id=KEY_ID.hex(), cert_id=KEY_ID.hex())):
        signer = open_signer(s, tmp_path, prompt=False)
        try:
            data, summary = sign_pdf(PDFA_INPUT.read_bytes(), signer, SignOptions(organisation="UBND"))
        finally:
            signer.pkcs11_session.close()
        out = tmp_path / "hsm.pdf"
        out.write_bytes(data)
        v = verify_file(out, [pki.root_pem], pdfa=False, online=True)  # B-B: OCSP from the test responder
        assert v.verdict is Verdict.VALID, v.reasons
        assert v.signatures[0].cert_sha256 == pki.cert("signer").sha256.hex() == summary.cert_sha256


def test_wrong_pin_and_missing_label_are_clear_and_secret_free(token, monkeypatch, tmp_path):
    bad_pin = "55500099"
    monkeypatch.setenv("DIGITIZE_PIN", bad_pin)
    with pytest.raises(DigitizeError) as e:
        open_signer(spec(key=KEY_LABEL), tmp_path, prompt=False)
    assert "PIN" in str(e.value) and bad_pin not in str(e.value)
    monkeypatch.setenv("DIGITIZE_PIN", PIN)
    with pytest.raises(DigitizeError) as e:
        open_signer(spec(key="no such key"), tmp_path, prompt=False)
    assert "not found" in str(e.value) and PIN not in str(e.value)


def test_cli_keys_list_never_prints_pin(token):
    env = {**os.environ, "DIGITIZE_PIN": PIN}
    cmd = [sys.executable, "-m", "digitize.cli.app", "keys", "list", "--json", "--signer", f"pkcs11:module={MODULE};token={TOKEN}"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert KEY_LABEL in r.stdout and CERT_LABEL in r.stdout
    assert PIN not in r.stdout + r.stderr
    env["DIGITIZE_PIN"] = "00000000"
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    assert r.returncode == ExitCode.SIGNING and "error:" in r.stderr and "Traceback" not in r.stderr
    assert "00000000" not in r.stdout + r.stderr
