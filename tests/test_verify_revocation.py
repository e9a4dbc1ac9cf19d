"""Revocation in `verify` against the test PKI (its OCSP responder served on 127.0.0.1): a B-B signature whose
certificate names an OCSP responder is indeterminate offline, valid when the answer is fetched (--online) or when
revocation checking is waived (--no-revocation); a B-LT/B-LTA file carries its OCSP answer and is valid offline."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from digitize.stages.sign import SignOptions, sign_pdf
from digitize.verify.files import Verdict, verify_file
from support import ORG, PDFA_INPUT


@pytest.fixture(scope="module")
def b_b(pki, p12_signer, tmp_path_factory):
    data, summary = sign_pdf(PDFA_INPUT.read_bytes(), p12_signer, SignOptions(organisation=ORG))
    assert summary.level == "B-B"
    path = tmp_path_factory.mktemp("rev") / "bb.pdf"
    path.write_bytes(data)
    return path


def test_b_b_with_ocsp_pointer_is_indeterminate_offline(pki, b_b):
    v = verify_file(b_b, [pki.root_pem], pdfa=False)
    assert v.verdict is Verdict.INDETERMINATE
    assert any("revocation status unknown" in r for r in v.reasons), v.reasons
    assert v.signatures[0].intact and v.signatures[0].trusted is False


def test_b_b_online_fetches_from_the_responder(pki, b_b):
    v = verify_file(b_b, [pki.root_pem], pdfa=False, online=True)
    assert v.verdict is Verdict.VALID, v.reasons


def test_b_b_no_revocation_accepts_the_chain(pki, b_b):
    assert verify_file(b_b, [pki.root_pem], pdfa=False, revocation=False).verdict is Verdict.VALID
    # waiving revocation never makes an unknown root trusted
    unknown_root = verify_file(b_b, [], pdfa=False, revocation=False)
    assert unknown_root.verdict is Verdict.INDETERMINATE  # untrusted, not failed (EN 319 102-1)
    assert unknown_root.signatures[0].indication == "NO_CERTIFICATE_CHAIN_FOUND"


def test_b_lt_uses_embedded_ocsp_offline(pki, p12_signer, tmp_path):
    data, summary = sign_pdf(PDFA_INPUT.read_bytes(), p12_signer,
                             SignOptions(tsa_url=pki.tsa_url, ltv=True, organisation=ORG,
                                         trust_roots=(pki.cert("root"),)))
    path = tmp_path / "lt.pdf"
    path.write_bytes(data)
    v = verify_file(path, [pki.root_pem], pdfa=False)  # no fetching: the DSS answers
    assert v.verdict is Verdict.VALID, v.reasons


def test_cli_revocation_options(pki, b_b):
    def run(*extra):
        r = subprocess.run([sys.executable, "-m", "digitize.cli.app", "verify", str(b_b), "--trust", str(pki.root_pem),
                            "--json", *extra], capture_output=True, text=True)
        assert "Traceback" not in r.stderr
        return r.returncode, json.loads(r.stdout)["verdict"]

    assert run() == (1, "indeterminate")
    assert run("--no-revocation") == (0, "valid")
    assert run("--online") == (0, "valid")
