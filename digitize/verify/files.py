"""Auditor checks of a file: its signatures, its PDF/A conformance, and its place in the store -> one verdict.

pyHanko reports `valid` for the cryptography over the signed bytes only; whether the file is what was signed lives
in `intact`, `coverage` and `modification_level`. A signature counts only if it is intact, valid, trusted and either
covers the entire file or covers its revision with only harmless later updates (a later signature, DSS, document
timestamp). Any step that fails still leaves a row with what could be established and a non-valid verdict.
"""
from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from asn1crypto import x509


class Verdict(str, enum.Enum):
    """Ordered: VALID < INDETERMINATE < INVALID; a file's verdict is the worst of its findings."""

    VALID = "valid"
    INDETERMINATE = "indeterminate"
    INVALID = "invalid"

    @property
    def rank(self) -> int:
        return ("valid", "indeterminate", "invalid").index(self.value)

    def __lt__(self, other: "Verdict") -> bool:  # type: ignore[override]
        return self.rank < other.rank

    @staticmethod
    def worst(verdicts: Iterable["Verdict"]) -> "Verdict":
        return max(verdicts, key=lambda v: v.rank, default=Verdict.VALID)


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    kind: str  # signature | document_timestamp
    signer: str | None
    intact: bool | None
    valid: bool | None  # cryptographic signature over the signed bytes
    trusted: bool | None
    coverage: str | None  # pyHanko SignatureCoverageLevel name
    modification: str | None  # pyHanko ModificationLevel name
    covers_whole_file: bool | None
    modified_after_signing: bool | None
    signing_time: str | None
    timestamp: dict | None  # {"time", "valid", "trusted"} of the signature (or document) timestamp
    level: str | None
    cert_sha256: str | None
    verdict: Verdict
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # policy choices that did not change the verdict (e.g. SHA-1 accepted then)

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field, "kind": self.kind, "signer": self.signer, "intact": self.intact, "valid": self.valid,
            "trusted": self.trusted, "covers_whole_file": self.covers_whole_file,
            "modified_after_signing": self.modified_after_signing, "signing_time": self.signing_time,
            "timestamp": self.timestamp, "level": self.level, "coverage": self.coverage,
            "modification": self.modification, "cert_sha256": self.cert_sha256, "verdict": self.verdict.value,
            "reasons": list(self.reasons), "notes": list(self.notes),
        }


@dataclass(frozen=True)
class PdfaCheck:
    claimed: str | None  # e.g. "2B"; None when the file claims no PDF/A part
    ok: bool | None  # None when the checks could not run
    problems: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"claimed": self.claimed, "ok": self.ok, "problems": list(self.problems)}


@dataclass(frozen=True)
class StoreCheck:
    known: bool | None = None  # None: no store given
    sha256_match: bool | None = None
    record_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"known": self.known, "sha256_match": self.sha256_match, "record": self.record_id}


@dataclass(frozen=True)
class FileVerdict:
    file: str
    verdict: Verdict
    reasons: tuple[str, ...]
    signatures: tuple[SignatureCheck, ...] = ()
    pdfa: PdfaCheck = PdfaCheck(None, None)
    store: StoreCheck = StoreCheck()
    sha256: str | None = None
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "verdict": self.verdict.value, "reasons": list(self.reasons),
            "signatures": [s.as_json() for s in self.signatures], "pdfa": self.pdfa.as_json(),
            "store": self.store.as_json(), "sha256": self.sha256,
        }


def _safe(fn, default):
    try:
        return fn()
    except Exception:
        return default


def _short(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return text[:160]


def load_trust(items: Sequence[Any]) -> list[x509.Certificate]:
    """Certificates from asn1crypto objects, cryptography objects, or PEM/DER files (a file may hold several)."""
    from asn1crypto import pem

    certs: list[x509.Certificate] = []
    for item in items:
        if isinstance(item, x509.Certificate):
            certs.append(item)
        elif hasattr(item, "public_bytes"):  # cryptography certificate
            from cryptography.hazmat.primitives.serialization import Encoding

            certs.append(x509.Certificate.load(item.public_bytes(Encoding.DER)))
        else:
            from digitize.errors import DigitizeError

            path = Path(item)
            try:
                data = path.read_bytes()
                if pem.detect(data):
                    certs.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))
                else:
                    certs.append(x509.Certificate.load(data))
            except OSError as e:
                raise DigitizeError(str(path), f"cannot read trust certificate ({e.strerror})") from None
            except ValueError:
                raise DigitizeError(str(path), "not a PEM or DER certificate") from None
    return certs


def verify_file(path: Path, trust: Sequence[Any] = (), store=None, pdfa: bool = True, revocation: bool = True,
                online: bool = False) -> FileVerdict:
    """Verify one file. Never raises for a bad file: the verdict says what is wrong.

    revocation=False accepts a trusted chain without revocation data (only data present in the file is used);
    online=True fetches OCSP/CRL answers from the URLs in the certificates."""
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
    sha = hashlib.sha256(data).hexdigest()
    reasons: list[str] = []
    sigs: tuple[SignatureCheck, ...] = ()
    try:
        from digitize.verify.signatures import check_signatures
        from digitize.verify.trust import TrustOptions

        sigs = tuple(check_signatures(data, TrustOptions.from_certs(roots, revocation, online)))
        if not sigs:
            reasons.append("no signature")
    except Exception as e:
        reasons.append(f"unreadable PDF: {type(e).__name__}: {_short(e)}")
    for s in sigs:
        reasons.extend(f"{s.field}: {r}" for r in s.reasons)
    verdicts = [s.verdict for s in sigs] + ([Verdict.INVALID] if not sigs else [])
    pdfa_check = _check_pdfa(data) if pdfa else PdfaCheck(None, None, ("not checked",))
    if pdfa_check.claimed and pdfa_check.ok is False:
        verdicts.append(Verdict.INDETERMINATE)
        reasons.extend(f"PDF/A-{pdfa_check.claimed}: {p}" for p in pdfa_check.problems)
    store_check = _check_store(path, sha, store)
    if store_check.known is False:
        verdicts.append(Verdict.INVALID)
        reasons.append("not in the store")
    elif store_check.sha256_match is False:
        verdicts.append(Verdict.INVALID)
        reasons.append("sha256 differs from the one recorded in the store")
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


def verify_store(store, trust: Sequence[Any] = (), revocation: bool = True, online: bool = False
                 ) -> list[FileVerdict]:
    """Every stored object against its record (the store's demo root is trusted)."""
    out = []
    for rec in store.records():
        path = Path(store.object_path(rec.sha256))
        out.append(verify_file(path, trust, store=store, revocation=revocation, online=online))
    return out
