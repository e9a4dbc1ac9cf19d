"""`verify` on the attack corpus, on validly signed files from other tools, and on tampered copies of our own
signed output; the CLI contract (JSON per file, exit codes) and the store audit."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from digitize.signing.signers import SignerSpec, open_signer
from digitize.stages.sign import SignOptions, sign_pdf
from digitize.verify.files import Verdict, verify_file
from support import CORPUS

ATTACKS = CORPUS / "pdf-signature-attacks"
SIGNED = CORPUS / "signed-pdfs"
PDFA_INPUT = CORPUS / "pdfa" / "PDFA-2b_6-1-3-t01-pass-a.pdf"
BASELINES = {"dss_pdf-signed-original.pdf", "dss_hello_signed_INCSAVE_signed.pdf",
             "pyhanko_form-update-override-appearance-stream.pdf"}
# Expected verdicts for signed-pdfs/ with certs/ as trust roots: (verdict, verdict with --no-revocation, reason).
# B-B/B-T files whose certificates name an OCSP responder or CRL carry no revocation data -> indeterminate offline;
# B-B files whose chain has expired since are indeterminate even without revocation checking: no time-stamp proves
# they were signed while it was valid (NO_POE below).
NO_POE = "no proof of existence before"
TRUST_EXPECTED = {
    "dss_pades-bes.pdf": ("indeterminate", "indeterminate", "revocation status unknown"),
    "dss_certified-changes-permitted.pdf": ("indeterminate", "indeterminate", "revocation status unknown"),
    "dss_certified-no-change-permitted.pdf": ("indeterminate", "valid", "revocation status unknown"),
    "dss_pades-t-level-extended.pdf": ("indeterminate", "valid", "revocation status unknown"),
    "pyhanko_certified-with-indirect-refs-in-dir.pdf": ("indeterminate", "indeterminate", "revocation status unknown"),
    "pyhanko_pades-with-old-style-signing-cert-attr.pdf": ("indeterminate", "indeterminate",
                                                           "revocation status unknown"),
    "pyhanko_sig-with-ski-sid.pdf": ("indeterminate", "indeterminate", "revocation status unknown"),
    # long-term files: embedded OCSP/CRL answer the revocation question
    "pyhanko_pades-lta-dss-indirect-arrs-test.pdf": ("valid", "valid", None),
    # issuers that exist nowhere in the corpus: untrusted (indeterminate, EN 319 102-1: NO_CERTIFICATE_CHAIN_FOUND),
    # and the missing certificate is named
    "dss_Signature-P-FR_CS-5.pdf": ("invalid", "invalid", "issuer certificate 'Secu Test Intermediate1'"),  # and modified
    "dss_Signature-P-PK7-2.pdf": ("indeterminate", "indeterminate", "issuer certificate 'LevelBCAOK'"),
    "dss_Test.signed_Certipost-2048-SHA512.extended-LTA.pdf":
        ("indeterminate", "indeterminate", "issuer certificate 'Universign Timestamping CA 2015'"),
    # pyHanko's difference analysis breaks on a dangling reference of the original document
    "dss_pades-ltv.pdf": ("invalid", "invalid", "modification analysis failed (KeyError"),
    # self-signed signer: trusted only when its own certificate is given (test below)
    "pyhanko_minimal-signed-twice-both-created.pdf": ("invalid", "invalid",  # and the XMP replaced after signing
                                                      "self-signed certificate 'Lord Testerino'"),
}


def _index_roles() -> dict[str, str]:
    roles = {}
    for line in (ATTACKS / "INDEX.md").read_text().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 4 and cells[1].endswith(".pdf"):
            roles[cells[1]] = "BASELINE" if "BASELINE" in cells[3] else "ATTACK"
    return roles


ROLES = _index_roles()


def test_index_lists_every_file():
    assert set(ROLES) == {p.name for p in ATTACKS.glob("*.pdf")}
    assert {n for n, r in ROLES.items() if r == "BASELINE"} == BASELINES


# What each attack must be reported as: an integrity finding about the attacked signature (not merely
# "untrusted", which an attacker's own certificate would also give).
MODIFIED, NOT_INTACT, COVERAGE, UNREADABLE = ("modified after signing", "not intact: the signed bytes were changed",
                                              "nonstandard byte range coverage", "unreadable PDF")
ATTACK_REASONS = {
    "dss_dss-2236_shadow-hide.pdf": f"Signature1: {MODIFIED}",
    "dss_dss-2236_shadow-replace.pdf": f"Signature2: {MODIFIED} (form fields changed)",
    "dss_hello_signed_INCSAVE_signed_EDITED.pdf": f"Signature2: {NOT_INTACT}",
    "dss_pades-lta-copied-doctst.pdf": f"Signature2: {NOT_INTACT}",
    "dss_pades-signed-annot-added.pdf": f"Signature2: {MODIFIED}",
    "dss_pades-spoofing-replaced-reason.pdf": f"Signature1: {COVERAGE}",
    "dss_pades-t-duplicated-doctst.pdf": f"Signature3: {NOT_INTACT}",
    "dss_pdf-byterange-overlap.pdf": f"Signature2: {NOT_INTACT}",
    "dss_pdf-eof.pdf": f"Signature1: {COVERAGE}",
    "dss_pdf-signed-added-page.pdf": f"Signature1: {MODIFIED}",
    "dss_pdf-signed-corrupted.pdf": UNREADABLE,
    "dss_pdf-signed-out-of-byteRange.pdf": f"Signature1: {NOT_INTACT}",
    "dss_pdf-spoofing-attack.pdf": UNREADABLE,
    "dss_siwa.pdf": f"Signature1: {COVERAGE} (UNCLEAR)",
    "pyhanko_coverage-anomalies_one-byterange.pdf": f"Sig1: {COVERAGE} (UNCLEAR)",
    "pyhanko_coverage-anomalies_signature-gap-too-big.pdf": f"Sig1: {COVERAGE} (UNCLEAR)",
    "pyhanko_coverage-anomalies_tail-uncovered.pdf": f"Sig1: {COVERAGE}",
    "pyhanko_coverage-anomalies_weird-byterange.pdf": f"Sig1: {COVERAGE} (UNCLEAR)",
    "pyhanko_form-update-ap-indirect-sneaky-trailer.pdf": f"Sig1: {MODIFIED}",
    "pyhanko_form-update-no-override-appearance-stream-ap-indirect-sneaky.pdf": f"Sig1: {MODIFIED}",
    "pyhanko_form-update-override-appearance-stream-sneaky.pdf": f"Sig1: {MODIFIED}",
}


def test_every_attack_has_its_expected_reason():
    assert set(ATTACK_REASONS) == {n for n, r in ROLES.items() if r == "ATTACK"}


@pytest.mark.parametrize("name", sorted(ATTACK_REASONS))
def test_attack_is_never_valid_even_with_signers_trusted(name):
    v = verify_file(ATTACKS / name, sorted((ATTACKS / "certs").glob("*.pem")), pdfa=False)
    assert v.verdict is Verdict.INVALID
    assert any(r.startswith(ATTACK_REASONS[name]) for r in v.reasons), v.reasons


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_attack_corpus_baselines_are_intact(name):
    v = verify_file(ATTACKS / name, sorted((ATTACKS / "certs").glob("*.pem")), pdfa=False)
    assert v.signatures and all(s.intact and s.valid and not s.modified_after_signing for s in v.signatures)
    assert v.signatures[-1].covers_whole_file


@pytest.mark.parametrize("path", sorted(SIGNED.glob("*.pdf")), ids=lambda p: p.name)
def test_signed_pdfs_from_other_tools_are_intact(path):
    v = verify_file(path, sorted((SIGNED / "certs").glob("*.pem")), pdfa=False)
    assert v.signatures
    for s in v.signatures:
        assert s.intact and s.valid, (s.field, s.reasons)
    # the last one covers the file, or its revision plus a DSS update (pyHanko's own LTA file)
    assert v.signatures[-1].modified_after_signing is False


def test_expectations_cover_the_folder():
    assert set(TRUST_EXPECTED) == {p.name for p in SIGNED.glob("*.pdf")}


@pytest.mark.parametrize("name", sorted(TRUST_EXPECTED))
def test_trust_and_revocation_of_signed_pdfs(name):
    expected, expected_lax, reason = TRUST_EXPECTED[name]
    certs = sorted((SIGNED / "certs").glob("*.pem"))
    v = verify_file(SIGNED / name, certs, pdfa=False)
    assert v.verdict.value == expected, v.reasons
    assert reason is None or any(reason in r for r in v.reasons), v.reasons
    lax = verify_file(SIGNED / name, certs, pdfa=False, revocation=False)
    assert lax.verdict.value == expected_lax, lax.reasons
    untrusted = reason is not None and reason.startswith(("issuer certificate", "self-signed"))
    if untrusted:
        assert all(any(f.sub_indication == "NO_CERTIFICATE_CHAIN_FOUND" for f in s.findings)
                   for s in v.signatures if not s.trusted)
    elif expected_lax == "indeterminate" and expected != "invalid":
        assert all(NO_POE in r and "OUT_OF_BOUNDS_NO_POE" in r for r in lax.reasons), lax.reasons
    if expected_lax == "valid":
        assert all(s.trusted for s in lax.signatures)
        assert verify_file(SIGNED / name, [], pdfa=False, revocation=False).verdict is Verdict.INDETERMINATE


def test_old_chains_are_trusted_at_their_time_with_sha1_noted():
    # Certipost 2013: SHA-1 CA chain, certificates expired 2015-2017, CRLs in the DSS; the approval signature and
    # the first document time-stamp are trusted at their time, the weak algorithm is reported, not hidden
    v = verify_file(SIGNED / "dss_Test.signed_Certipost-2048-SHA512.extended-LTA.pdf",
                    sorted((SIGNED / "certs").glob("*.pem")), pdfa=False)
    sig, first_ts = v.signatures[0], v.signatures[1]
    assert sig.trusted and first_ts.trusted and sig.verdict is Verdict.VALID, sig.reasons
    assert any("SHA-1 signature on certificate" in n and "accepted" in n for n in sig.notes), sig.notes


def test_self_signed_signer_trusted_when_its_certificate_is_given(tmp_path):
    from asn1crypto import pem
    from pyhanko.pdf_utils.reader import PdfFileReader

    path = SIGNED / "pyhanko_minimal-signed-twice-both-created.pdf"
    with path.open("rb") as f:
        cert = PdfFileReader(f, strict=False).embedded_signatures[-1].signer_cert
    (tmp_path / "testerino.pem").write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    v = verify_file(path, [tmp_path / "testerino.pem"], pdfa=False, revocation=False)
    # trusted (no key usage extension means unrestricted); the earlier signature's XMP was changed afterwards
    assert all(s.trusted for s in v.signatures), v.reasons
    assert v.signatures[-1].verdict is Verdict.VALID


# --- tampering with our own signed output ---------------------------------------------------------

@pytest.fixture(scope="module")
def signed(tmp_path_factory):
    keys = tmp_path_factory.mktemp("keys")
    data, _ = sign_pdf(PDFA_INPUT.read_bytes(), open_signer(SignerSpec.parse("demo"), keys),
                       SignOptions(organisation="Sở Nội vụ"))
    return data, keys / "demo-root.crt.pem"


def _update(data: bytes, change) -> bytes:
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    change(w)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _draw_over(w):
    ref = w.add_object(generic.StreamObject(stream_data=b"q 1 1 1 rg 0 0 600 850 re f Q"))
    w.add_stream_to_page(0, ref)


def _add_page(w):
    page = generic.DictionaryObject({generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                                     generic.pdf_name("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
                                     generic.pdf_name("/Resources"): generic.DictionaryObject()})
    w.insert_page(page)


def _replace_xmp(w):
    old = w.root["/Metadata"].get_object().data
    new = generic.StreamObject({generic.pdf_name("/Type"): generic.pdf_name("/Metadata"),
                                generic.pdf_name("/Subtype"): generic.pdf_name("/XML")},
                               stream_data=old.replace(b"</rdf:RDF>", b"<rdf:Description rdf:about='' "
                                                       b"xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:source>forged"
                                                       b"</dc:source></rdf:Description></rdf:RDF>"))
    w.root["/Metadata"] = w.add_object(new)
    w.update_root()


def _flip_byte(data: bytes) -> bytes:
    at = len(PDFA_INPUT.read_bytes()) // 2  # inside the first signed range (the original document)
    return data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:]


@pytest.mark.parametrize("tamper, reason", [
    (_flip_byte, "not intact"),
    (lambda d: _update(d, _draw_over), "modified after signing"),
    (lambda d: _update(d, _add_page), "modified after signing"),
    (lambda d: _update(d, _replace_xmp), "modified after signing"),
], ids=["byte-in-signed-range", "page-content-update", "added-page", "replaced-xmp"])
def test_tampering_is_invalid_with_reason(signed, tmp_path, tamper, reason):
    data, root = signed
    ok = tmp_path / "ok.pdf"
    ok.write_bytes(data)
    assert verify_file(ok, [root], pdfa=False).verdict is Verdict.VALID
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(tamper(data))
    v = verify_file(bad, [root], pdfa=False)
    assert v.verdict is Verdict.INVALID
    assert any(reason in r for r in v.reasons), v.reasons


# --- CLI ------------------------------------------------------------------------------------------

DESIGN_KEYS = {"file", "verdict", "reasons", "signatures", "pdfa", "store"}
SIG_KEYS = {"signer", "intact", "trusted", "covers_whole_file", "modified_after_signing", "signing_time",
            "timestamp", "level"}


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "digitize.cli.app", *map(str, args)], capture_output=True, text=True,
                          env=env)


def test_cli_verify_json_and_exit_codes(signed, tmp_path):
    data, root = signed
    good, junk = tmp_path / "good.pdf", tmp_path / "junk.pdf"
    good.write_bytes(data)
    junk.write_bytes(b"%PDF-1.7\nthis is not a pdf\n")
    r = _cli("verify", good, "--trust", root, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    row = json.loads(r.stdout)
    assert DESIGN_KEYS <= set(row) and SIG_KEYS <= set(row["signatures"][0])
    assert set(row["pdfa"]) >= {"claimed", "ok", "problems"} and set(row["store"]) >= {"known", "sha256_match"}
    assert row["verdict"] == "valid"
    r = _cli("verify", good, junk, ATTACKS / "dss_siwa.pdf", "--trust", root, "--json")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["verdict"] for x in rows] == ["valid", "invalid", "invalid"]
    assert rows[1]["reasons"]
    # each finding carries its code, indication and sub-indication; the English `reasons` stay for compatibility
    assert [f["code"] for f in rows[1]["findings"]] == ["finding.unreadable_pdf"]
    attack = [f for sig in rows[2]["signatures"] for f in sig["findings"] if f["indication"] != "TOTAL_PASSED"]
    assert attack and all(f["code"].startswith("finding.") and f["sub_indication"] for f in attack), attack
    assert {f["text"] for f in attack} <= {r.split(": ", 1)[1] for r in rows[2]["reasons"]}
    r = _cli("verify", good)  # readable table; no trust root given -> untrusted
    assert r.returncode == 1 and "untrusted" in r.stdout


def test_cli_keys_demo_and_store_audit(tmp_path):
    from digitize.model import Record
    from digitize.store import open_store

    store_dir = tmp_path / "store"
    r = _cli("keys", "demo", "--store", store_dir, "--organisation", "Sở Nội vụ tỉnh Demo")
    assert r.returncode == 0 and "DEMO" in r.stdout
    store = open_store(store_dir)
    signer = open_signer(SignerSpec.parse("demo"), store.keys_dir)
    import hashlib

    shas = []
    for i in range(2):
        data, summary = sign_pdf(PDFA_INPUT.read_bytes(), signer, SignOptions(organisation=f"Org {i}"))
        sha = hashlib.sha256(data).hexdigest()
        rec = Record(id=f"doc{i}", dossier="D1", source=f"s{i}.pdf", source_sha256=f"{i:064d}", settings_key="k", doc_type="x",
                     pages=1, pdf=str(store.object_path(sha)), sha256=sha, fields=(), warnings=(), signature=summary,
                     created_at="2025-06-16T09:30:05+07:00", pipeline_version="test")
        store.put(rec, data, [])
        shas.append(sha)
    r = _cli("verify", "--store", store_dir, "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 2 and all(x["store"]["known"] and x["store"]["sha256_match"] for x in rows)
    reports = sorted((store_dir / "reports").glob("audit-*"))
    assert {p.suffix for p in reports} == {".json", ".html"}
    html = next(p for p in reports if p.suffix == ".html").read_text()
    assert "<svg" in html and "src=" not in html and "<link" not in html and "<script" not in html
    assert html.count("<h2>Hồ sơ D1 — Tài liệu") == 2  # one section per dossier and document, in Vietnamese
    # a stored object changed on disk: the sha256 no longer matches its record
    obj = store.object_path(shas[0])
    obj.write_bytes(_update(obj.read_bytes(), _add_page))
    r = _cli("verify", "--store", store_dir, "--json")
    assert r.returncode == 1
    rows = {json.loads(line)["file"]: json.loads(line) for line in r.stdout.splitlines()}
    bad = rows[str(obj)]
    assert bad["verdict"] == "invalid" and bad["store"]["sha256_match"] is False
    assert any("sha256 differs" in x for x in bad["reasons"])
