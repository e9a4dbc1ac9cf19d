"""Auditor checks of a file: its signatures, its PDF/A conformance, and its place in the store -> one verdict.

pyHanko reports `valid` for the cryptography over the signed bytes only; whether the file is what was signed lives
in `intact`, `coverage` and `modification_level`. A signature counts only if it is intact, valid, trusted and either
covers the entire file or covers its revision with only harmless later updates (a later signature, DSS, document
timestamp). Any step that fails still leaves a row with what could be established and a non-valid verdict.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Sequence

from asn1crypto import x509

from digitize.settings import trust_dir
from digitize.verify.bundle import load_bundle, load_certs
from digitize.verify.signatures import check_signatures
from digitize.verify.trust import TrustOptions
from digitize.verify.verdict import FileVerdict, PdfaCheck, SignatureCheck, StoreCheck, Verdict, _short  # noqa: F401


def load_trust(items: Sequence[Any]) -> list[x509.Certificate]:
    """Certificates from asn1crypto or cryptography objects, or PEM/DER files (a file may hold several)."""
    return load_certs(items)


def verify_file(path: Path, trust: Sequence[Any] = (), store=None, pdfa: bool = True, revocation: bool = True,
                online: bool = False, builtin_trust: bool = True, etsi: bool = False) -> FileVerdict:
    """Verify one file. Never raises for a bad file: the verdict says what is wrong.

    trust: the auditor's own certificates, added to the built-in Vietnamese trust store (or the operator's bundle
    in DIGITIZE_TRUST_DIR) unless builtin_trust=False; revocation=False accepts a trusted chain without revocation
    data (only data present in the file is used); online=True fetches OCSP/CRL answers from the URLs in the
    certificates; etsi=True keeps each signature's ETSI TS 119 102-2 report for reports.etsi."""
    import time

    started = time.perf_counter()
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        return FileVerdict(str(path), Verdict.INVALID, (f"cannot read file: {e.strerror}",))
    roots = load_trust(trust)
    if store is not None:
        from digitize.signing.signers import demo_root

        root = demo_root(Path(store.keys_dir))
        if root is not None:
            roots.append(root)
        # roots the store's imports were verified under (`store import --trust`)
        roots.extend(load_trust(sorted((Path(store.keys_dir) / "trusted").glob("*.pem"))))
    sha = hashlib.sha256(data).hexdigest()
    reasons: list[str] = []
    sigs: tuple[SignatureCheck, ...] = ()
    bundle = load_bundle(builtin_trust, trust_dir(), roots)  # a bad trust source is the caller's error
    try:
        sigs = tuple(check_signatures(data, TrustOptions(bundle, revocation, online, etsi)))
        if not sigs:
            reasons.append("no signature")
    except Exception as e:
        reasons.append(f"unreadable PDF: {type(e).__name__}: {_short(e)}")
    for s in sigs:
        reasons.extend(f"{s.field}: {r}" for r in s.reasons)
    verdicts = [s.verdict for s in sigs] + ([Verdict.INVALID] if not sigs else [])
    pdfa_check = _check_pdfa(data) if pdfa else PdfaCheck(None, None, ("not checked",))
    # broken metadata fails the file even when no claim can be read from it: what was signed is unclear
    if pdfa_check.ok is False and (pdfa_check.claimed or _xmp_ill_formed(pdfa_check)):
        verdicts.append(Verdict.INDETERMINATE)
        reasons.extend(f"PDF/A-{pdfa_check.claimed or '?'}: {p}" for p in pdfa_check.problems)
    store_check = _check_store(path, sha, store)
    if store_check.known is False:
        verdicts.append(Verdict.INVALID)
        reasons.append("not in the store")
    elif store_check.sha256_match is False:
        verdicts.append(Verdict.INVALID)
        reasons.append("sha256 differs from the one recorded in the store")
    elif not _signer_as_recorded(store, store_check.record_id, sigs):
        verdicts.append(Verdict.INVALID)
        reasons.append("signer certificate differs from the one recorded in the store")
    return FileVerdict(str(path), Verdict.worst(verdicts), tuple(reasons), sigs, pdfa_check, store_check, sha,
                       time.perf_counter() - started)


def _check_store(path: Path, sha: str, store) -> StoreCheck:
    if store is None:
        return StoreCheck()
    rec = store.get_by_pdf_sha256(sha)
    if rec is not None:
        return StoreCheck(True, True, rec.id)
    # A stored object is named by its sha256: if the name is a known hash, the content changed.
    rec = store.get_by_pdf_sha256(path.stem) if len(path.stem) == 64 else None
    if rec is not None:
        return StoreCheck(True, False, rec.id)
    return StoreCheck(False, None)


def _signer_as_recorded(store, record_id: str | None, sigs: Sequence[SignatureCheck]) -> bool:
    """The record's signer certificate (signed here, or verified on import) is one the file carries."""
    rec = store.get(record_id) if store is not None and record_id else None
    recorded = rec.signature.cert_sha256 if rec is not None and rec.signature is not None else ""
    return not recorded or not sigs or any(s.cert_sha256 == recorded for s in sigs)


def _xmp_ill_formed(check: PdfaCheck) -> bool:
    from digitize.pdfa.checks.xmp import ILL_FORMED

    return any(p.startswith(ILL_FORMED) for p in check.problems)


def _check_pdfa(data: bytes) -> PdfaCheck:
    try:
        from digitize.pdfa.checks.conformance import check_pdfa
    except ImportError:
        return PdfaCheck(None, None, ("PDF/A checks unavailable",))
    try:
        rep = check_pdfa(data)
    except Exception as e:
        return PdfaCheck(None, False, (f"PDF/A checks failed: {type(e).__name__}: {_short(e)}",))
    return PdfaCheck(rep.claimed or None, rep.ok, tuple(str(p) for p in rep.problems))


def verify_store(store, trust: Sequence[Any] = (), revocation: bool = True, online: bool = False,
                 builtin_trust: bool = True, etsi: bool = False) -> list[FileVerdict]:
    """Every stored object against its record (the store's demo root is trusted)."""
    out = []
    for rec in store.records():
        path = Path(store.object_path(rec.sha256))
        out.append(verify_file(path, trust, store=store, revocation=revocation, online=online,
                               builtin_trust=builtin_trust, etsi=etsi))
    return out
