"""Trust judgement of one validated signature under the archival policy: the chain as names (with how sure we are
of each certificate), weak algorithms judged at the time a time-stamp proves, a chain that expired with nothing
proving the signature older, the claimed time against the time-stamp, and a precise finding when untrusted: an
untrusted chain is INDETERMINATE (NO_CERTIFICATE_CHAIN_FOUND, EXPIRED, CERTIFICATE_CHAIN_GENERAL_FAILURE...), only a
revoked certificate is TOTAL_FAILED."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import x509

from digitize.messages import Message
from digitize.verify import policy
from digitize.verify.bundle import chain_names, walk_chain
from digitize.verify.findings import Attempts, Finding, note, note_of, problem
from digitize.verify.trust import TrustOptions, embedded_certs, missing_issuer


@dataclass
class Validation:
    """What pyHanko established for one signature, and at which times."""

    poe: dt.datetime | None = None  # time proven by a time-stamp
    claimed: dt.datetime | None = None
    status: Any = None
    vc: Any = None
    diff_failed: str | None = None
    revinfo_missing: bool = False


@dataclass
class Judged:
    findings: list[Finding] = field(default_factory=list)
    chain: list[dict] = field(default_factory=list)


def judge_trust(emb, status, v: Validation, opts: TrustOptions, dss, is_docts: bool, attempt: Attempts) -> Judged:
    out = Judged()
    cert = status.signing_cert
    path = list(status.validation_path.iter_certs(include_root=True)) if (
        status.trusted and getattr(status, "validation_path", None) is not None) else None
    pool: list[x509.Certificate] = attempt("embedded certificates", lambda: embedded_certs(emb, dss), [])
    if cert is not None:
        out.chain = attempt("chain names", lambda: chain_names(cert, pool, opts.bundle, path), [])
    algorithms = getattr(v.vc, "digitize_policy", None)
    if status.trusted:
        out.findings.extend(note_of(m) for m in sorted(getattr(algorithms, "waived", ()), key=str))
        _weak_path(path or [], opts, v, out)
        if not is_docts and v.poe is None:
            _expired_without_poe(path or [], out)
    else:
        out.findings.append(_trust_problem(status, cert, pool, opts, v, algorithms, attempt))
    for link in out.chain:
        if link["trust_store"] and link["confirmed"] is False:
            out.findings.append(note("finding.unconfirmed", name=link["name"], role=link["role"],
                                     store=link["trust_store"], fingerprint=link["sha256"][:16]))
    own_stamp = getattr(getattr(status, "timestamp_validity", None), "timestamp", None)
    warning = None if is_docts else policy.claimed_time_warning(v.claimed, own_stamp)
    if warning:
        out.findings.append(note_of(warning))
    return out


def _weak_path(path, opts: TrustOptions, v: Validation, out: Judged) -> None:
    if len(path) < 2:
        return
    issuers = {path[i].sha256: path[i - 1].public_key for i in range(1, len(path))}
    accepted, refused = policy.weak_certificates(path[1:], set(opts.bundle.by_sha256), v.poe,
                                                 lambda c: issuers.get(c.sha256))
    out.findings.extend(note_of(m) for m in accepted)
    out.findings.extend(problem("CRYPTO_CONSTRAINTS_FAILURE_NO_POE", "finding.policy_refused",
                                policy=policy.POLICY_NAME, detail=m) for m in refused)


def _expired_without_poe(path, out: Judged) -> None:
    """A chain valid at the time the signer claims but expired since, with no time-stamp: nothing proves the
    signature was made while the certificates were valid (EN 319 102-1: OUT_OF_BOUNDS_NO_POE)."""
    now = dt.datetime.now(dt.timezone.utc)
    expired = [c for c in path if c.not_valid_after < now]
    if not expired:
        return
    first = min(expired, key=lambda c: c.not_valid_after)
    who = Message("finding.who_signer" if first is path[-1] else "finding.who_ca")
    out.findings.append(problem("OUT_OF_BOUNDS_NO_POE", "finding.no_poe", who=who, name=_cn(first),
                                date=first.not_valid_after.date()))


def _expired_in_chain(cert, pool, opts: TrustOptions, v: Validation, attempt: Attempts):
    """The first certificate of the signer's chain that had expired at the time judged (proven, claimed or now)."""
    when = v.poe or v.claimed or dt.datetime.now(dt.timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    chain = attempt("certificate chain", lambda: walk_chain(cert, pool, opts.bundle), [cert])
    return next((c for c in chain if c.not_valid_after < when), None)


def _joined(items: list[Message]) -> Message:
    """`a; b; c` as one message whose parts render in the reader's language."""
    return items[0] if len(items) == 1 else Message("policy.and", {"first": items[0], "rest": _joined(items[1:])})


def _cn(cert) -> str:
    return cert.subject.native.get("common_name") or cert.subject.human_friendly


def _trust_problem(status, cert, pool, opts: TrustOptions, v: Validation, algorithms, attempt: Attempts) -> Finding:
    """Why the chain is not trusted, as precisely as the validation result and the certificates allow."""
    indic = status.trust_problem_indic
    found = getattr(indic, "name", str(indic))  # what pyHanko said, kept in the sentence
    if status.revoked:
        return problem("REVOKED", "finding.revoked")
    if not opts.roots:
        return problem("NO_CERTIFICATE_CHAIN_FOUND", "finding.no_trust_root", found=found)
    refused = sorted(getattr(algorithms, "refused", ()), key=str)
    if refused and found.startswith("CRYPTO_CONSTRAINTS"):
        return problem("CRYPTO_CONSTRAINTS_FAILURE_NO_POE", "finding.policy_refused", policy=policy.POLICY_NAME,
                       detail=_joined(refused))
    known = pool + list(opts.intermediates)
    gap = attempt("missing issuer", lambda: missing_issuer(cert, known, opts.roots), None) if cert is not None else None
    if gap:
        return problem("NO_CERTIFICATE_CHAIN_FOUND", "finding.chain_gap", gap=gap, found=found)
    if v.revinfo_missing or found in ("TRY_LATER", "REVOCATION_OUT_OF_BOUNDS"):
        code = "finding.no_revocation_data" if opts.online else "finding.no_revocation_data_offline"
        return problem("TRY_LATER", code, found=found)
    expired = _expired_in_chain(cert, pool, opts, v, attempt) if cert is not None else None
    if expired is not None or found in ("OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED"):
        what = Message("finding.expired_on", {"name": _cn(expired), "date": expired.not_valid_after.date()}) \
            if expired is not None else Message("finding.certificates_expired")
        if v.poe is None:
            return problem("OUT_OF_BOUNDS_NO_POE", "finding.no_poe_ca", what=what)
        return problem("EXPIRED", "finding.expired_at_poe", what=what, found=found)
    return problem("CERTIFICATE_CHAIN_GENERAL_FAILURE", "finding.no_valid_chain", found=found)
