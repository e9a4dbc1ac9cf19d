"""The validation policy for archives, by name: when weak algorithms still count, how a claimed signing time is
compared with its time-stamp. Documented in the README ("Verification"); every acceptance it makes is reported.

- Weak algorithms are judged at the time a time-stamp proves the signature existed (its own RFC 3161 token, else
  the earliest later document time-stamp), never at the time the signer claims; without any time-stamp, at the
  moment of validation.
- SHA-1 (signature digests, certificates, CRLs, OCSP, time-stamp tokens) counts when proven before SHA1_SUNSET.
  Vietnam: the Government Cipher Committee's G1 PKI (root 2010-2030) signs its CA certificates with SHA-1 and
  issued SHA-1 end-entity certificates into 2019 (the government portal's own certificate of 2014-01-15 ran to
  2019-01-14; its successor of 2019-01-04 is SHA-256); the SHA-256 G2 PKI started on 2018-08-22. No written
  Vietnamese rule dating the end of SHA-1 was found, so the sunset follows that practice: 2019-01-01.
  For comparison: NIST SP 800-131A ended SHA-1 signature generation after 2013, the CA/Browser Forum SHA-1
  certificates in 2016, and a practical SHA-1 collision was published in February 2017.
- A SHA-1 (or RSA-1024) signature *on a certificate the trust store pins by its SHA-256 fingerprint* counts at any
  time: its bytes are known, so a collision cannot substitute it. That is how the G1 chain stays usable until 2030.
- RSA keys of 1024..2047 bits count when proven before RSA1024_SUNSET (NIST SP 800-131A); Circular 15/2025/TT-BKHCN
  (as summarised; not verified) asks for RSA >= 2048 today. Below 1024 bits, MD2 and MD5: never.
- A document that relies on a weak algorithm after its sunset is refused *for that reason*: `indeterminate`,
  CRYPTO_CONSTRAINTS_FAILURE_NO_POE (EN 319 102-1: no proof of existence before the algorithm stopped counting).
- Claimed signing time (/M or the signed attribute) against the time-stamp: within CLAIM_TOLERANCE either way is
  normal (the time-stamp is often seconds to minutes earlier: the signing software reads the clock before it
  hashes); 7 hours off, within the same tolerance, is Vietnam local time (UTC+7) labelled UTC: a warning; any other
  difference: a warning. The time-stamp, not the claim, is what the verdict relies on.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from asn1crypto import algos, keys, x509
from pyhanko_certvalidator.policy_decl import AlgorithmUsageConstraint, AlgorithmUsagePolicy

from digitize.messages import Message, msg

POLICY_NAME = "digitize-vn-archival-2026"
SHA1_SUNSET = dt.datetime(2019, 1, 1, tzinfo=dt.timezone.utc)
RSA1024_SUNSET = dt.datetime(2014, 1, 1, tzinfo=dt.timezone.utc)
NEVER = {"md2", "md5"}
CLAIM_TOLERANCE = dt.timedelta(minutes=30)
VIETNAM_OFFSET = dt.timedelta(hours=7)


def describe() -> dict:
    """The policy as it appears in JSON and in the reports."""
    return {"name": POLICY_NAME, "sha1_sunset": SHA1_SUNSET.date().isoformat(),
            "rsa1024_sunset": RSA1024_SUNSET.date().isoformat(), "never": sorted(NEVER),
            "claimed_time_tolerance_minutes": int(CLAIM_TOLERANCE.total_seconds() // 60),
            "judged_at": "time proven by a time-stamp (else the validation time)",
            "pinned_certificates": "weak signatures on certificates pinned in the trust store are accepted"}


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:  # PDF dates without a zone: read them as UTC
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment


@dataclass
class ArchivalAlgorithms(AlgorithmUsagePolicy):
    """Judges algorithms at `poe` (None: now), whatever moment certvalidator validates at; remembers what it
    accepted and refused so the verdict can say so. Weak signatures made by the key of a trust-store CA pass
    here provisionally; `weak_certificates` then decides per certificate of the validated path."""

    poe: dt.datetime | None = None
    pinned_issuer_keys: frozenset[bytes] = frozenset()
    waived: set[Message] = field(default_factory=set)  # codes policy.* of digitize.messages
    refused: set[Message] = field(default_factory=set)

    def _when(self) -> dt.datetime:
        return _utc(self.poe) or dt.datetime.now(dt.timezone.utc)

    def _proof(self) -> Message:
        return _proof(self.poe)

    def digest_algorithm_allowed(self, algo: algos.DigestAlgorithm, moment: dt.datetime | None):
        name = algo["algorithm"].native
        if name in NEVER:
            self.refused.add(msg("policy.never", name=name.upper()))
            return AlgorithmUsageConstraint(False, failure_reason=f"{name} is never accepted")
        if name == "sha1":
            if self._when() < SHA1_SUNSET:
                self.waived.add(msg("policy.sha1_waived", proof=self._proof(), sunset=SHA1_SUNSET.date()))
                return AlgorithmUsageConstraint(True)
            self.refused.add(msg("policy.sha1_refused", proof=self._proof(), sunset=SHA1_SUNSET.date()))
            return AlgorithmUsageConstraint(False, not_allowed_after=SHA1_SUNSET,
                                            failure_reason=f"SHA-1 not accepted after {SHA1_SUNSET.date()}")
        return AlgorithmUsageConstraint(True)

    def signature_algorithm_allowed(self, algo: algos.SignedDigestAlgorithm, moment: dt.datetime | None,
                                    public_key: keys.PublicKeyInfo | None):
        if public_key is not None and public_key.dump() in self.pinned_issuer_keys:
            # provisional: certvalidator does not say which certificate it checks; weak_certificates() judges
            # each certificate of the validated path. (CRLs and OCSP answers signed by such a CA pass here too.)
            return AlgorithmUsageConstraint(True)
        try:
            name = algo.signature_algo
        except ValueError:
            name = algo["algorithm"].native
        if public_key is not None and name.startswith("rsa"):
            bits = public_key.bit_size
            if bits < 1024 or (bits < 2048 and self._when() >= RSA1024_SUNSET):
                self.refused.add(msg("policy.rsa_refused", bits=bits, proof=self._proof(), sunset=RSA1024_SUNSET.date())
                                 if bits >= 1024 else msg("policy.rsa_too_small", bits=bits))
                return AlgorithmUsageConstraint(False, failure_reason=f"RSA key of {bits} bits too small then")
            if bits < 2048:
                self.waived.add(msg("policy.rsa_waived", bits=bits, proof=self._proof(), sunset=RSA1024_SUNSET.date()))
        try:
            hash_algo = algo.hash_algo
        except ValueError:
            return AlgorithmUsageConstraint(True)
        return self.digest_algorithm_allowed(algos.DigestAlgorithm({"algorithm": hash_algo}), moment)


def weak_certificates(path_certs, pinned: set[str], poe: dt.datetime | None, issuer_key_of
                      ) -> tuple[list[Message], list[Message]]:
    """(accepted, refused) statements for the weak signatures on the certificates of a validated path (the anchor
    excluded: nobody checks a root's own signature). `issuer_key_of(cert)` gives the issuer's public key."""
    accepted: list[Message] = []
    refused: list[Message] = []
    when = _utc(poe) or dt.datetime.now(dt.timezone.utc)
    proof = _proof(poe)
    for cert in path_certs:
        weak = _weakness(cert, issuer_key_of(cert))
        if weak is None:
            continue
        what, sunset = weak
        name = cert.subject.native.get("common_name") or cert.subject.human_friendly
        if cert.sha256.hex() in pinned:
            accepted.append(msg("policy.pinned", what=what, name=name))
        elif sunset is not None and when < sunset:
            accepted.append(msg("policy.before_sunset", what=what, name=name, proof=proof, sunset=sunset.date()))
        elif sunset is not None:
            refused.append(msg("policy.after_sunset", what=what, name=name, proof=proof, sunset=sunset.date()))
        else:
            refused.append(msg("policy.never_sunset", what=what, name=name, proof=proof))
    return accepted, refused


def _weakness(cert: x509.Certificate, issuer_key: keys.PublicKeyInfo | None):
    algo = cert["signature_algorithm"]
    try:
        digest = algo.hash_algo
    except ValueError:
        digest = None
    if digest in NEVER:
        return msg("policy.weak_signature", algorithm=digest.upper()), None
    if digest == "sha1":
        return msg("policy.weak_signature", algorithm="SHA-1"), SHA1_SUNSET
    if issuer_key is not None and issuer_key.algorithm == "rsa" and issuer_key.bit_size < 2048:
        bits = issuer_key.bit_size
        return msg("policy.weak_signature", algorithm=f"RSA-{bits}"), RSA1024_SUNSET if bits >= 1024 else None
    return None


def _proof(poe: dt.datetime | None) -> Message:
    return msg("policy.proven", date=poe.date()) if poe else msg("policy.unproven")


def claimed_time_warning(claimed: dt.datetime | None, stamped: dt.datetime | None) -> Message | None:
    """A warning when the claimed signing time does not fit the time-stamp (see the module docstring)."""
    claimed, stamped = _utc(claimed), _utc(stamped)
    if claimed is None or stamped is None:
        return None
    delta = claimed - stamped
    if abs(delta) <= CLAIM_TOLERANCE:
        return None
    if abs(delta - VIETNAM_OFFSET) <= CLAIM_TOLERANCE:
        return msg("policy.vietnam_time", claimed=claimed.isoformat(), stamped=stamped.isoformat())
    minutes = int(delta.total_seconds() // 60)
    return msg("policy.claimed_differs", claimed=claimed.isoformat(), stamped=stamped.isoformat(), minutes=minutes,
               tolerance=int(CLAIM_TOLERANCE.total_seconds() // 60))
