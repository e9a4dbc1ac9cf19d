"""Signature checks of one PDF with pyHanko: intactness, coverage, difference analysis, XMP, trust at the time a
time-stamp proves, the archival policy, timestamps and PAdES level, combined into one SignatureCheck per signature
or document timestamp; signatures pyHanko cannot read still get a row (sigfields.py)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

from asn1crypto import x509

from digitize.messages import Message
from digitize.verify import policy
from digitize.verify.assess import Validation, judge_trust
from digitize.verify.findings import Attempts, Finding, main_finding, problem, verdict_of
from digitize.verify.sigfields import Unverifiable, collect
from digitize.verify.trust import TrustOptions, context, key_usage, proven_time
from digitize.verify.verdict import SignatureCheck, Verdict, _short
from digitize.verify.xmp import xmp_changed

HARMLESS = ("NONE", "LTA_UPDATES")


def check_signatures(data: bytes, opts: TrustOptions) -> list[SignatureCheck]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    embedded, unverifiable = collect(reader, data)
    attempt = Attempts()
    dss = attempt("dss", lambda: _read_dss(reader), None)  # a DSS that cannot be read: each row says so
    rows = [_check_one(emb, embedded[i + 1:], opts, dss, tuple(attempt.findings)) for i, emb in enumerate(embedded)]
    return rows + [_unverifiable_row(u) for u in unverifiable]


def _read_dss(reader):
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:  # most files have none
        return None


def _unverifiable_row(u: Unverifiable) -> SignatureCheck:
    return SignatureCheck(u.field, u.kind, u.signer, None, None, None, None, None, False, None, u.signing_time,
                          None, None, None, u.finding.verdict, (u.finding,), policy=policy.POLICY_NAME,
                          indication=u.finding.sub_indication, subfilter=u.subfilter)


def _is_docts(emb) -> bool:
    return emb.sig_object.get("/Type") == "/DocTimeStamp"  # sig_object was parsed when the field was collected


def _poe(emb, later, is_docts: bool) -> dt.datetime | None:
    """What proves the signature existed: its own time-stamp, else the earliest later document time-stamp."""
    own = proven_time(emb, is_docts)
    if own is not None or is_docts:
        return own
    times = [t for e in later if _is_docts(e) for t in [proven_time(e, True)] if t is not None]
    return min(times, default=None)


def _validate(emb, later, opts: TrustOptions, dss, is_docts: bool, attempt: Attempts) -> Validation:
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    claimed = attempt("claimed_time", lambda: emb.self_reported_timestamp, None)
    poe = attempt("proof_of_existence", lambda: _poe(emb, later, is_docts), None)
    # judge the certificates when the signature is proven to exist (its time-stamp), else when it says it was made
    moment = poe or claimed
    out = Validation(poe=poe, claimed=claimed)

    def run(when, skip_diff, online=False, o=opts):
        vc = context(o, dss, when, online, poe)
        if is_docts:
            st = validate_pdf_timestamp(emb, validation_context=vc, skip_diff=skip_diff)
        else:
            st = validate_pdf_signature(emb, signer_validation_context=vc, skip_diff=skip_diff,
                                        key_usage_settings=key_usage())
        return st, vc

    for skip_diff in (False, True):  # if the difference analysis breaks, still establish what we can
        try:
            out.status, out.vc = run(moment, skip_diff)
            break
        except Exception as e:  # noqa: BLE001 — kept: a validation that breaks is the row's finding (diff_failed)
            out.diff_failed = f"{type(e).__name__}: {_short(e)}"
    status = out.status
    if status is not None and not status.trusted and opts.roots and not status.revoked:
        # online: fetch revocation data (certvalidator allows that at the present only); offline: the present may
        # lie inside the chain's validity when the claimed time does not. Keep the better answer.
        retry = attempt("validation_now", lambda: run(None, out.diff_failed is not None, opts.online), None)
        if retry is not None and retry[0].trusted:
            out.status, out.vc = retry
    status = out.status
    if status is not None and not status.trusted and opts.roots and opts.revocation and not status.revoked:
        # hard-fail reports missing revocation data as a general chain failure: the chain is fine when the same
        # validation without revocation checking trusts it
        lax = attempt("validation_without_revocation",
                      lambda: run(moment, True, o=dataclasses.replace(opts, revocation=False)), None)
        out.revinfo_missing = lax is not None and bool(lax[0].trusted)
    return out


def _check_one(emb, later, opts: TrustOptions, dss, file_findings: tuple[Finding, ...] = ()) -> SignatureCheck:
    attempt = Attempts()
    attempt.findings.extend(file_findings)
    name = emb.field_name or "?"
    is_docts = _is_docts(emb)
    kind = "document_timestamp" if is_docts else "signature"
    subfilter = str(emb.sig_object.get("/SubFilter")) if emb.sig_object.get("/SubFilter") is not None else None
    v = _validate(emb, later, opts, dss, is_docts, attempt)
    status = v.status
    if status is None:
        unvalidated = (problem("FORMAT_FAILURE", "finding.cannot_validate", detail=v.diff_failed or ""),
                       *attempt.findings)
        return SignatureCheck(name, kind, None, None, None, None, None, None, None, None, _iso(v.claimed), None,
                              None, None, Verdict.INVALID, unvalidated, policy=policy.POLICY_NAME,
                              indication="FORMAT_FAILURE", subfilter=subfilter)
    findings: list[Finding] = []
    facts = _integrity(emb, status, later, v.diff_failed, findings, attempt)
    judged = judge_trust(emb, status, v, opts, dss, is_docts, attempt)
    findings += judged.findings
    timestamp = None
    tsv = status if is_docts else getattr(status, "timestamp_validity", None)
    if tsv is not None:
        timestamp = {"time": _iso(tsv.timestamp), "valid": bool(tsv.intact and tsv.valid), "trusted": bool(tsv.trusted)}
        if not is_docts and not (tsv.intact and tsv.valid):
            findings.append(problem("SIG_CRYPTO_FAILURE", "finding.timestamp_invalid"))
    level = _level(emb, status, later, is_docts, attempt)
    findings += attempt.findings
    cert = status.signing_cert
    main = main_finding(findings)
    check = SignatureCheck(
        field=name, kind=kind, signer=_signer_name(cert) if cert is not None else None,
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted), coverage=facts[0],
        modification=facts[1], covers_whole_file=facts[2], modified_after_signing=facts[3],
        signing_time=_iso(getattr(status, "signer_reported_dt", None) or v.claimed), timestamp=timestamp,
        level=level, cert_sha256=cert.sha256.hex() if cert is not None else None,
        verdict=verdict_of(findings), findings=tuple(findings), chain=tuple(judged.chain),
        policy=policy.POLICY_NAME, indication=main.sub_indication if main else "OK", subfilter=subfilter,
    )
    if opts.etsi:
        from digitize.verify.etsi import signature_report

        check = dataclasses.replace(check, etsi_xml=signature_report(emb, status, check))
    return check


def _integrity(emb, status, later, diff_failed, findings: list[Finding], attempt: Attempts):
    """Is the file what was signed? Appends findings; returns (coverage, modification, whole, modified)."""
    if diff_failed:
        findings.append(problem("FORMAT_FAILURE", "finding.diff_failed", detail=diff_failed))
    coverage = status.coverage.name if status.coverage is not None else None
    modification = status.modification_level.name if status.modification_level is not None else None
    if not status.intact:
        findings.append(problem("HASH_FAILURE", "finding.not_intact"))
    if not status.valid:
        findings.append(problem("SIG_CRYPTO_FAILURE", "finding.crypto_invalid"))
    whole = coverage == "ENTIRE_FILE"
    harmless = whole or (coverage == "ENTIRE_REVISION" and (
        modification in HARMLESS or (modification == "FORM_FILLING" and _only_later_signatures(status, later))))
    modified = None if diff_failed and not whole else not harmless
    xmp_replaced = not whole and coverage == "ENTIRE_REVISION" and attempt("xmp_changed", lambda: xmp_changed(emb),
                                                                          True)
    if xmp_replaced and not modified:
        # pyHanko accepts any XMP update as LTA_UPDATES; for an archived copy the XMP is content
        modified, modification = True, "XMP"
    if coverage not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
        findings.append(problem("FORMAT_FAILURE", "finding.coverage", coverage=str(coverage)))
    elif modified:
        findings.append(problem("HASH_FAILURE", "finding.modified", what=_modification_words(modification)))
    return coverage, modification, whole, modified


def _only_later_signatures(status, later) -> bool:
    """FORM_FILLING is harmless only when every changed field is a signature field signed later in this file
    (a second approval signature, a document timestamp); a filled text field over an archived copy is not."""
    diff = status.diff_result
    changed = getattr(diff, "changed_form_fields", None)
    if changed is None:
        return False
    later_names = {e.field_name for e in later}
    return all(name in later_names for name in changed)


def _modification_words(level: str | None) -> Message:
    if level in ("FORM_FILLING", "ANNOTATIONS", "OTHER", "XMP"):
        return Message(f"modification.{level}")
    return Message("modification.level", {"level": str(level)})


def _level(emb, status, later, is_docts: bool, attempt: Attempts) -> str:
    if is_docts:
        return "DocTimeStamp"
    subfilter = str(emb.sig_object.get("/SubFilter"))
    if subfilter != "/ETSI.CAdES.detached":
        return "legacy" + ("-T" if getattr(status, "timestamp_validity", None) else "")
    later_docts = [e for e in later if _is_docts(e)]
    timestamped = getattr(status, "timestamp_validity", None) is not None or bool(later_docts)
    if not timestamped:
        return "B-B"
    dss_after = attempt("dss_present", lambda: "/DSS" in emb.reader.root, False)
    if not dss_after:
        return "B-T"
    # LTA: a document timestamp over the DSS, i.e. one that is not the signature's own B-T timestamp
    lta = len(later_docts) >= (1 if getattr(status, "timestamp_validity", None) else 2)
    return "B-LTA" if lta else "B-LT"


def _signer_name(cert: x509.Certificate) -> str:
    return cert.subject.native.get("common_name") or cert.subject.human_friendly


def _iso(when) -> str | None:
    return when.isoformat() if isinstance(when, dt.datetime) else None
