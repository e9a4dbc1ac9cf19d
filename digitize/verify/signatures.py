"""Signature checks of one PDF with pyHanko: intactness, coverage, difference analysis, XMP, trust at signing
time, timestamps and PAdES level, combined into one SignatureCheck per signature or document timestamp."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

from asn1crypto import x509

from digitize.verify.files import SignatureCheck, Verdict, _safe
from digitize.verify.trust import TrustOptions, context, embedded_certs, key_usage, missing_issuer, proven_time


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


def check_signatures(data: bytes, opts: TrustOptions) -> list[SignatureCheck]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    embedded = list(reader.embedded_signatures)
    dss = _read_dss(reader)
    return [_check_one(emb, embedded[i + 1:], opts, dss) for i, emb in enumerate(embedded)]


def _read_dss(reader):
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    try:
        return DocumentSecurityStore.read_dss(reader)
    except Exception:  # no DSS, or one we cannot read: validate without its data
        return None


def _check_one(emb, later, opts: TrustOptions, dss) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    name = _safe(lambda: emb.field_name, "?") or "?"
    is_docts = _safe(lambda: emb.sig_object_type, None) == "/DocTimeStamp"
    claimed = _safe(lambda: emb.self_reported_timestamp, None)
    # judge the certificates when the signature is proven to exist (its time-stamp), else when it says it was made
    moment = proven_time(emb, is_docts) or claimed
    reasons: list[str] = []
    verdicts: list[Verdict] = []
    status, diff_failed, vc_used = None, None, None

    def run(when, skip_diff, online=False, o=opts):
        nonlocal vc_used
        vc = context(o, dss, when, online)
        if is_docts:
            st = validate_pdf_timestamp(emb, validation_context=vc, skip_diff=skip_diff)
        else:
            st = validate_pdf_signature(emb, signer_validation_context=vc, skip_diff=skip_diff,
                                        key_usage_settings=key_usage())
        vc_used = vc
        return st

    for skip_diff in (False, True):  # if the difference analysis breaks, still establish what we can
        try:
            status = run(moment, skip_diff)
            break
        except Exception as e:
            diff_failed = f"{type(e).__name__}: {_short(e)}"
    if status is not None and not status.trusted and opts.roots and not status.revoked:
        # online: fetch revocation data (certvalidator allows that at the present only); offline: the present may
        # lie inside the chain's validity when the claimed time does not. Keep the better answer.
        keep = vc_used
        retry = _safe(lambda: run(None, diff_failed is not None, opts.online), None)
        if retry is not None and retry.trusted:
            status = retry
        else:
            vc_used = keep
    revinfo_missing = False
    if status is not None and not status.trusted and opts.roots and opts.revocation and not status.revoked:
        # hard-fail reports missing revocation data as a general chain failure: the chain is fine when the same
        # validation without revocation checking trusts it
        keep = vc_used
        lax = _safe(lambda: run(moment, True, o=dataclasses.replace(opts, revocation=False)), None)
        revinfo_missing = lax is not None and bool(lax.trusted)
        vc_used = keep
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
    notes: list[str] = []
    if trusted:
        notes.extend(sorted(getattr(getattr(vc_used, "digitize_policy", None), "waived", ())))
    else:
        reason, verdict = _trust_problem(status, emb, dss, opts, revinfo_missing)
        reasons.append(reason)
        verdicts.append(verdict)
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
        verdict=Verdict.worst(verdicts), reasons=tuple(reasons), notes=tuple(notes),
    )


def _trust_problem(status, emb, dss, opts: TrustOptions, revinfo_missing: bool) -> tuple[str, Verdict]:
    """Why the chain is not trusted, as precisely as the validation result and the certificates allow."""
    indic = status.trust_problem_indic
    indic_name = getattr(indic, "name", str(indic))
    if status.revoked:
        return "certificate revoked", Verdict.INVALID
    if not opts.roots:
        return f"untrusted: no trust root given ({indic_name})", Verdict.INVALID
    cert = status.signing_cert
    gap = _safe(lambda: missing_issuer(cert, embedded_certs(emb, dss), opts.roots), None) if cert else None
    if gap:
        return f"untrusted: {gap} ({indic_name})", Verdict.INVALID
    if revinfo_missing or indic_name in ("TRY_LATER", "REVOCATION_OUT_OF_BOUNDS"):
        how = "" if opts.online else " offline"
        return (f"revocation status unknown: no OCSP/CRL data{how} for a certificate that names a responder "
                f"({indic_name})"), Verdict.INDETERMINATE
    if indic_name in ("OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED"):
        return f"untrusted: certificate not valid at the signing time ({indic_name})", Verdict.INVALID
    return f"untrusted: no valid chain to a trust root ({indic_name})", Verdict.INVALID


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


def _short(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return text[:160]
