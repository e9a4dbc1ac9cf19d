"""Auditor checks of a file: its signatures, its PDF/A conformance, and its place in the store -> one verdict.

pyHanko reports `valid` for the cryptography over the signed bytes only; whether the file is what was signed lives
in `intact`, `coverage` and `modification_level`. A signature counts only if it is intact, valid, trusted and either
covers the entire file or covers its revision with only harmless later updates (a later signature, DSS, document
timestamp). Any step that fails still leaves a row with what could be established and a non-valid verdict.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from asn1crypto import x509

HARMLESS = ("NONE", "LTA_UPDATES")


# XMP properties every incremental writer refreshes; anything else changed after signing is a modification.
VOLATILE_XMP = {"ModifyDate", "MetadataDate", "Producer", "CreatorTool"}


def _xmp_facts(data: bytes | None) -> set[tuple[str, str]] | None:
    """(property, value) pairs of an XMP packet, independent of serialisation (attribute or element form)."""
    import xml.etree.ElementTree as ET

    if data is None:
        return None
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return {("unparseable", data.decode("latin-1"))}
    facts = set()
    rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
    for desc in root.iter(f"{rdf}Description"):
        for key, value in desc.attrib.items():
            if not key.startswith(rdf) and key.split("}")[-1] not in VOLATILE_XMP:
                facts.add((key, value.strip()))
        for child in desc:
            if child.tag.split("}")[-1] not in VOLATILE_XMP:
                facts.add((child.tag, " ".join("".join(child.itertext()).split())))
    return facts


def _xmp_changed(emb) -> bool:
    def xmp(root):
        meta = root.get("/Metadata")
        return meta.get_object().data if meta is not None else None

    signed = xmp(emb.reader.get_historical_root(emb.signed_revision))
    final = xmp(emb.reader.root)
    return _xmp_facts(signed) != _xmp_facts(final)


def _key_usage():
    from pyhanko.sign.validation import KeyUsageConstraints

    # Either bit identifies a signing key; many CA profiles set only digitalSignature.
    return KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


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

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field, "kind": self.kind, "signer": self.signer, "intact": self.intact, "valid": self.valid,
            "trusted": self.trusted, "covers_whole_file": self.covers_whole_file,
            "modified_after_signing": self.modified_after_signing, "signing_time": self.signing_time,
            "timestamp": self.timestamp, "level": self.level, "coverage": self.coverage,
            "modification": self.modification, "cert_sha256": self.cert_sha256, "verdict": self.verdict.value,
            "reasons": list(self.reasons),
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
            from digitize.model import DigitizeError

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


def verify_file(path: Path, trust: Sequence[Any] = (), store=None, pdfa: bool = True) -> FileVerdict:
    """Verify one file. Never raises for a bad file: the verdict says what is wrong."""
    import time

    started = time.perf_counter()
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        return FileVerdict(str(path), Verdict.INVALID, (f"cannot read file: {e.strerror}",))
    roots = load_trust(trust)
    if store is not None:
        from digitize.signers import demo_root

        root = demo_root(Path(store.keys_dir))
        if root is not None:
            roots.append(root)
    sha = hashlib.sha256(data).hexdigest()
    reasons: list[str] = []
    sigs: tuple[SignatureCheck, ...] = ()
    try:
        sigs = tuple(_check_signatures(data, roots))
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
        from digitize.pdfa_checks import check_pdfa
    except ImportError:
        return PdfaCheck(None, None, ("PDF/A checks unavailable",))
    try:
        rep = check_pdfa(data)
    except Exception as e:
        return PdfaCheck(None, False, (f"PDF/A checks failed: {type(e).__name__}: {_short(e)}",))
    return PdfaCheck(rep.claimed or None, rep.ok, tuple(str(p) for p in rep.problems))


def _check_signatures(data: bytes, roots: list[x509.Certificate]) -> list[SignatureCheck]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    embedded = list(reader.embedded_signatures)
    dss = _read_dss(reader)
    has_dss = dss is not None
    results = []
    for i, emb in enumerate(embedded):
        later = embedded[i + 1:]
        results.append(_check_one(emb, later, roots, dss, has_dss))
    return results


def _read_dss(reader):
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        return DocumentSecurityStore.read_dss(reader)
    except Exception:  # no DSS, or one we cannot read: validate without its data
        return None


def _context(roots, dss, moment: dt.datetime | None):
    from pyhanko_certvalidator import ValidationContext

    # Validate at the signing time (most archived signatures outlive their certificates), never fetch:
    # an auditor's verdict must not depend on the network.
    if moment is not None and moment.tzinfo is None:  # PDF dates without a zone: read them as UTC
        moment = moment.replace(tzinfo=dt.timezone.utc)
    # SHA-1 in certificate chains was normal when many archived files were signed; judged at signing time.
    kwargs = dict(trust_roots=list(roots), allow_fetching=False, moment=moment, retroactive_revinfo=True,
                  revocation_mode="soft-fail", weak_hash_algos={"md2", "md5"})
    if dss is not None:
        try:
            return dss.as_validation_context(kwargs)
        except Exception:
            pass
    return ValidationContext(**kwargs)


def _check_one(emb, later, roots, dss, has_dss) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    KEY_USAGE = _key_usage()
    name = _safe(lambda: emb.field_name, "?") or "?"
    is_docts = _safe(lambda: emb.sig_object_type, None) == "/DocTimeStamp"
    claimed = _safe(lambda: emb.self_reported_timestamp, None)
    reasons: list[str] = []
    verdicts: list[Verdict] = []
    status, diff_failed = None, None

    def run(moment, skip_diff):
        vc = _context(roots, dss, moment)
        if is_docts:
            return validate_pdf_timestamp(emb, validation_context=vc, skip_diff=skip_diff)
        return validate_pdf_signature(emb, signer_validation_context=vc, skip_diff=skip_diff,
                                      key_usage_settings=KEY_USAGE)

    for skip_diff in (False, True):  # if the difference analysis breaks, still establish what we can
        try:
            status = run(claimed, skip_diff)
            break
        except Exception as e:
            diff_failed = f"{type(e).__name__}: {_short(e)}"
    if status is not None and not status.trusted and claimed is not None and roots:
        # the claimed time may lie outside the chain's validity while the present does not: take the better
        retry = _safe(lambda: run(None, diff_failed is not None), None)
        if retry is not None and retry.trusted:
            status = retry
    if status is None:
        return SignatureCheck(name, "document_timestamp" if is_docts else "signature", None, None, None, None, None,
                              None, None, None, _iso(claimed), None, None, None, Verdict.INVALID,
                              (f"cannot validate: {diff_failed}",))
    if diff_failed:
        reasons.append(f"modification analysis failed ({diff_failed})")
        verdicts.append(Verdict.INVALID)

    coverage = status.coverage.name if status.coverage is not None else None
    modification = status.modification_level.name if status.modification_level is not None else None
    trusted = bool(status.trusted)
    if not status.intact:
        reasons.append("not intact: the signed bytes were changed")
        verdicts.append(Verdict.INVALID)
    if not status.valid:
        reasons.append("cryptographic signature invalid")
        verdicts.append(Verdict.INVALID)
    whole = coverage == "ENTIRE_FILE"
    harmless = whole or (coverage == "ENTIRE_REVISION" and (
        modification in HARMLESS or (modification == "FORM_FILLING" and _only_later_signatures(status, later))))
    modified = None if diff_failed and not whole else not harmless
    xmp_replaced = not whole and coverage == "ENTIRE_REVISION" and _safe(lambda: _xmp_changed(emb), True)
    if xmp_replaced and not modified:
        # pyHanko accepts any XMP update as LTA_UPDATES; for an archived copy the XMP is content
        modified, modification = True, "XMP"
    if coverage not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
        reasons.append(f"nonstandard byte range coverage ({coverage})")
        verdicts.append(Verdict.INVALID)
    elif modified:
        reasons.append(f"modified after signing ({_modification_words(modification)})")
        verdicts.append(Verdict.INVALID)
    if not trusted:
        indic = status.trust_problem_indic
        indic_name = getattr(indic, "name", str(indic))
        if status.revoked:
            reasons.append("certificate revoked")
            verdicts.append(Verdict.INVALID)
        elif indic_name in ("TRY_LATER", "REVOCATION_OUT_OF_BOUNDS"):
            reasons.append(f"revocation status unknown ({indic_name})")
            verdicts.append(Verdict.INDETERMINATE)
        else:
            reasons.append(f"untrusted: no chain to a trust root ({indic_name})")
            verdicts.append(Verdict.INVALID)
    timestamp = None
    tsv = status if is_docts else getattr(status, "timestamp_validity", None)
    if tsv is not None:
        timestamp = {"time": _iso(tsv.timestamp), "valid": bool(tsv.intact and tsv.valid), "trusted": bool(tsv.trusted)}
        if not is_docts and not (tsv.intact and tsv.valid):
            reasons.append("signature timestamp invalid")
            verdicts.append(Verdict.INVALID)
    cert = status.signing_cert
    return SignatureCheck(
        field=name, kind="document_timestamp" if is_docts else "signature",
        signer=_signer_name(cert) if cert is not None else None,
        intact=bool(status.intact), valid=bool(status.valid), trusted=trusted, coverage=coverage,
        modification=modification, covers_whole_file=whole, modified_after_signing=modified,
        signing_time=_iso(getattr(status, "signer_reported_dt", None) or claimed), timestamp=timestamp,
        level=_level(emb, status, later, is_docts), cert_sha256=cert.sha256.hex() if cert is not None else None,
        verdict=Verdict.worst(verdicts), reasons=tuple(reasons),
    )


def _only_later_signatures(status, later) -> bool:
    """FORM_FILLING is harmless only when every changed field is a signature field signed later in this file
    (a second approval signature, a document timestamp); a filled text field over an archived copy is not."""
    diff = status.diff_result
    changed = getattr(diff, "changed_form_fields", None)
    if changed is None:
        return False
    later_names = {_safe(lambda e=e: e.field_name, None) for e in later}
    return all(name in later_names for name in changed)


def _modification_words(level: str | None) -> str:
    return {
        "FORM_FILLING": "form fields changed",
        "ANNOTATIONS": "annotations added or changed",
        "OTHER": "content or structure changed",
        "XMP": "XMP metadata replaced",
    }.get(level or "", f"modification level {level}")


def _level(emb, status, later, is_docts: bool) -> str:
    if is_docts:
        return "DocTimeStamp"
    subfilter = str(_safe(lambda: emb.sig_object.get("/SubFilter"), ""))
    if subfilter != "/ETSI.CAdES.detached":
        return "legacy" + ("-T" if getattr(status, "timestamp_validity", None) else "")
    later_docts = [e for e in later if _safe(lambda e=e: e.sig_object_type, None) == "/DocTimeStamp"]
    timestamped = getattr(status, "timestamp_validity", None) is not None or bool(later_docts)
    if not timestamped:
        return "B-B"
    dss_after = _safe(lambda: "/DSS" in emb.reader.root, False)
    if not dss_after:
        return "B-T"
    # LTA: a document timestamp over the DSS, i.e. one that is not the signature's own B-T timestamp
    lta = len(later_docts) >= (1 if getattr(status, "timestamp_validity", None) else 2)
    return "B-LTA" if lta else "B-LT"


def _signer_name(cert: x509.Certificate) -> str:
    return cert.subject.native.get("common_name") or cert.subject.human_friendly


def _iso(when) -> str | None:
    return when.isoformat() if isinstance(when, dt.datetime) else None


def _safe(fn, default):
    try:
        return fn()
    except Exception:
        return default


def _short(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return text[:160]


def verify_store(store, trust: Sequence[Any] = ()) -> list[FileVerdict]:
    """Every stored object against its record (the store's demo root is trusted)."""
    out = []
    for rec in store.records():
        path = Path(store.object_path(rec.sha256))
        out.append(verify_file(path, trust, store=store))
    return out
