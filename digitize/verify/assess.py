"""Trust judgement of one validated signature under the archival policy: the chain as names (with how sure we are
of each certificate), weak algorithms judged at the time a time-stamp proves, a chain that expired with nothing
proving the signature older, the claimed time against the time-stamp, and a precise reason when untrusted."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from digitize.verify import policy
from digitize.verify.bundle import chain_names, walk_chain
from digitize.verify.trust import TrustOptions, embedded_certs, missing_issuer
from digitize.verify.verdict import Verdict, _safe


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
    reasons: list[str] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    indications: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chain: list[dict] = field(default_factory=list)

    def problem(self, reason: str, verdict: Verdict, indication: str) -> None:
        self.reasons.append(reason)
        self.verdicts.append(verdict)
        self.indications.append(indication)


def judge_trust(emb, status, v: Validation, opts: TrustOptions, dss, is_docts: bool) -> Judged:
    out = Judged()
    cert = status.signing_cert
    path = list(status.validation_path.iter_certs(include_root=True)) if (
        status.trusted and getattr(status, "validation_path", None) is not None) else None
    pool = _safe(lambda: embedded_certs(emb, dss), [])
    if cert is not None:
        out.chain = _safe(lambda: chain_names(cert, pool, opts.bundle, path), [])
    algorithms = getattr(v.vc, "digitize_policy", None)
    if status.trusted:
        out.notes.extend(sorted(getattr(algorithms, "waived", ())))
        _weak_path(path or [], opts, v, out)
        if not is_docts and v.poe is None:
            _expired_without_poe(path or [], out)
    else:
        reason, verdict, indication = _trust_problem(status, cert, pool, opts, v, algorithms)
        out.problem(reason, verdict, indication)
    for link in out.chain:
        if link["trust_store"] and link["confirmed"] is False:
            out.notes.append(f"relies on '{link['name']}' ({link['role']}, {link['trust_store']} trust store), "
                             f"an UNCONFIRMED certificate: its fingerprint {link['sha256'][:16]}… was seen in one "
                             f"public source only")
    own_stamp = getattr(getattr(status, "timestamp_validity", None), "timestamp", None)
    warning = None if is_docts else policy.claimed_time_warning(v.claimed, own_stamp)
    if warning:
        out.notes.append(warning)
    return out


def _weak_path(path, opts: TrustOptions, v: Validation, out: Judged) -> None:
    if len(path) < 2:
        return
    issuers = {path[i].sha256: path[i - 1].public_key for i in range(1, len(path))}
    accepted, refused = policy.weak_certificates(path[1:], set(opts.bundle.by_sha256), v.poe,
                                                 lambda c: issuers.get(c.sha256))
    out.notes.extend(accepted)
    for text in refused:
        out.problem(f"refused by the archival policy {policy.POLICY_NAME}: {text} "
                    f"(CRYPTO_CONSTRAINTS_FAILURE_NO_POE)", Verdict.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE")


def _expired_without_poe(path, out: Judged) -> None:
    """A chain valid at the time the signer claims but expired since, with no time-stamp: nothing proves the
    signature was made while the certificates were valid (EN 319 102-1: OUT_OF_BOUNDS_NO_POE)."""
    now = dt.datetime.now(dt.timezone.utc)
    expired = [c for c in path if c.not_valid_after < now]
    if not expired:
        return
    first = min(expired, key=lambda c: c.not_valid_after)
    who = "the signer's certificate" if first is path[-1] else "the CA"
    name = first.subject.native.get("common_name") or first.subject.human_friendly
    out.problem(f"no proof of existence before {who} expired: '{name}' expired on {first.not_valid_after.date()} "
                f"and no time-stamp proves the signature is older (OUT_OF_BOUNDS_NO_POE)",
                Verdict.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE")


def _expired_in_chain(cert, pool, opts: TrustOptions, v: Validation):
    """The first certificate of the signer's chain that had expired at the time judged (proven, claimed or now)."""
    when = v.poe or v.claimed or dt.datetime.now(dt.timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    chain = _safe(lambda: walk_chain(cert, pool, opts.bundle), [cert])
    return next((c for c in chain if c.not_valid_after < when), None)


def _cn(cert) -> str:
    return cert.subject.native.get("common_name") or cert.subject.human_friendly


def _trust_problem(status, cert, pool, opts: TrustOptions, v: Validation, algorithms) -> tuple[str, Verdict, str]:
    """Why the chain is not trusted, as precisely as the validation result and the certificates allow."""
    indic = status.trust_problem_indic
    indic_name = getattr(indic, "name", str(indic))
    if status.revoked:
        return "certificate revoked", Verdict.INVALID, "REVOKED"
    if not opts.roots:
        return f"untrusted: no trust root given ({indic_name})", Verdict.INVALID, "NO_CERTIFICATE_CHAIN_FOUND"
    refused = sorted(getattr(algorithms, "refused", ()))
    if refused and indic_name.startswith("CRYPTO_CONSTRAINTS"):
        return (f"refused by the archival policy {policy.POLICY_NAME}: {'; '.join(refused)} "
                f"(CRYPTO_CONSTRAINTS_FAILURE_NO_POE)"), Verdict.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"
    known = pool + list(opts.intermediates)
    gap = _safe(lambda: missing_issuer(cert, known, opts.roots), None) if cert is not None else None
    if gap:
        return f"untrusted: {gap} ({indic_name})", Verdict.INVALID, "NO_CERTIFICATE_CHAIN_FOUND"
    if v.revinfo_missing or indic_name in ("TRY_LATER", "REVOCATION_OUT_OF_BOUNDS"):
        how = "" if opts.online else " offline"
        return (f"revocation status unknown: no revocation data (OCSP/CRL){how} for a certificate that names a "
                f"responder ({indic_name})"), Verdict.INDETERMINATE, "TRY_LATER"
    expired = _expired_in_chain(cert, pool, opts, v) if cert is not None else None
    if expired is not None or indic_name in ("OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED"):
        what = f"'{_cn(expired)}' expired on {expired.not_valid_after.date()}" if expired is not None else \
            "the certificates expired"
        if v.poe is None:
            return (f"no proof of existence before the CA expired: {what} and no time-stamp proves the signature "
                    f"was made while it was valid (OUT_OF_BOUNDS_NO_POE)"), Verdict.INDETERMINATE, \
                "OUT_OF_BOUNDS_NO_POE"
        return (f"untrusted: certificate not valid at the time the time-stamp proves: {what} ({indic_name})",
                Verdict.INVALID, "EXPIRED")
    return f"untrusted: no valid chain to a trust root ({indic_name})", Verdict.INVALID, "CERTIFICATE_CHAIN_GENERAL_FAILURE"
