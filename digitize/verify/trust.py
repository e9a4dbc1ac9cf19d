"""Trust policy of `digitize verify`: the validation context (trust roots, intermediates, embedded revocation data,
point-in-time moment, revocation mode), the algorithm policy for old signatures, the signer key usage for PAdES,
and a precise reason when no chain can be built.

Policy choices (documented in the README):
- certificates are judged at the time the signature is proven to exist (its time-stamp) or, without one, at the
  time it claims; revocation data issued after that time counts (retroactive), as in PAdES long-term validation;
- SHA-1 in certificates, CRLs and OCSP responses is accepted for moments before SHA1_CUTOFF and RSA keys of
  1024..2047 bits before RSA1024_CUTOFF; MD2/MD5 never. Every such acceptance is reported as a note;
- revocation: a certificate that names an OCSP responder or CRL must have revocation data (embedded, or fetched
  with `online`) unless the caller turned revocation checking off; a missing answer is "indeterminate".
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from asn1crypto import algos, keys, x509
from pyhanko_certvalidator.policy_decl import AlgorithmUsageConstraint, AlgorithmUsagePolicy

SHA1_CUTOFF = dt.datetime(2017, 1, 1, tzinfo=dt.timezone.utc)  # CA/Browser Forum ended SHA-1 certificates in 2016
RSA1024_CUTOFF = dt.datetime(2014, 1, 1, tzinfo=dt.timezone.utc)  # NIST SP 800-131A: 1024-bit RSA until 2013
NEVER = {"md2", "md5"}


def _install_ocsp_hash_shim() -> None:
    """pyhanko-certvalidator 0.33 matches OCSP CertIDs by getattr(name, hash_algo), but asn1crypto only offers
    sha1/sha256: an OCSP response with a SHA-512 CertID (EU DSS does this) raised AttributeError. Add the others
    with the same definitions (RFC 6960: hash of the DER name, hash of the public key bits)."""
    for algo in ("sha224", "sha384", "sha512"):
        if not hasattr(x509.Name, algo):
            setattr(x509.Name, algo, property(lambda self, a=algo: hashlib.new(a, self.dump()).digest()))
        if not hasattr(keys.PublicKeyInfo, algo):
            setattr(keys.PublicKeyInfo, algo,
                    property(lambda self, a=algo: hashlib.new(a, bytes(self["public_key"])).digest()))


_install_ocsp_hash_shim()


@dataclass
class PointInTimeAlgorithms(AlgorithmUsagePolicy):
    """An algorithm policy that judges algorithms at the validation moment, and remembers
    every weak algorithm it accepted so the verdict can say so."""

    waived: set[str] = field(default_factory=set)

    def digest_algorithm_allowed(self, algo: algos.DigestAlgorithm, moment: dt.datetime | None):
        name = algo["algorithm"].native
        if name in NEVER:
            return AlgorithmUsageConstraint(False, failure_reason=f"{name} is never accepted")
        if name == "sha1":
            if moment is not None and moment < SHA1_CUTOFF:
                self.waived.add(f"SHA-1 accepted (used before {SHA1_CUTOFF.date()})")
                return AlgorithmUsageConstraint(True)
            return AlgorithmUsageConstraint(False, not_allowed_after=SHA1_CUTOFF,
                                            failure_reason=f"SHA-1 not accepted after {SHA1_CUTOFF.date()}")
        return AlgorithmUsageConstraint(True)

    def signature_algorithm_allowed(self, algo: algos.SignedDigestAlgorithm, moment: dt.datetime | None,
                                    public_key: keys.PublicKeyInfo | None):
        try:
            name = algo.signature_algo
        except ValueError:
            name = algo["algorithm"].native
        if public_key is not None and name.startswith("rsa"):
            bits = public_key.bit_size
            if bits < 1024 or (bits < 2048 and (moment is None or moment >= RSA1024_CUTOFF)):
                return AlgorithmUsageConstraint(False, failure_reason=f"RSA key of {bits} bits too small then")
            if bits < 2048:
                self.waived.add(f"RSA-{bits} accepted (used before {RSA1024_CUTOFF.date()})")
        try:
            hash_algo = algo.hash_algo
        except ValueError:
            return AlgorithmUsageConstraint(True)
        return self.digest_algorithm_allowed(algos.DigestAlgorithm({"algorithm": hash_algo}), moment)


def key_usage():
    """Signer key usage for PAdES: digitalSignature or nonRepudiation. A certificate without a key usage
    extension is unrestricted (RFC 5280 4.2.1.3); pyHanko would read it as 'no usage at all'."""
    from pyhanko.sign.validation import KeyUsageConstraints

    class _PadesKeyUsage(KeyUsageConstraints):
        def _validate_key_usage_extension(self, key_usage_extension_value, extra):
            if key_usage_extension_value is None:
                return
            super()._validate_key_usage_extension(key_usage_extension_value, extra)

    return _PadesKeyUsage(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


@dataclass(frozen=True)
class TrustOptions:
    roots: tuple[x509.Certificate, ...] = ()
    revocation: bool = True  # False: a trusted chain is enough, revocation data is used only where present
    online: bool = False  # fetch OCSP/CRL from the URLs in the certificates (validates at the present time)
    intermediates: tuple[x509.Certificate, ...] = ()

    @classmethod
    def from_certs(cls, certs, revocation: bool = True, online: bool = False) -> "TrustOptions":
        """A given certificate whose issuer (same name and key id) is also given is an intermediate, not an
        anchor: with an intermediate as anchor the path stops there, and a CRL that anchor signed can no longer
        be checked (certvalidator needs the anchor's issuer in the path). A CA given alone stays an anchor."""
        certs = list(certs)
        anchors, inter = [], []
        for c in certs:
            has_issuer = not c.self_issued and any(_issued_by(c, other) for other in certs if other is not c)
            (inter if has_issuer else anchors).append(c)
        return cls(tuple(anchors), revocation, online, tuple(inter))


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Name and signature, not key identifiers: test PKIs reuse names and key ids across generations."""
    if cert.issuer != issuer.subject:
        return False
    from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator

    try:  # certvalidator's own check: it also takes the SHA-1 signatures of old CAs
        DefaultSignatureValidator().validate_signature(cert["signature_value"].native, cert["tbs_certificate"].dump(),
                                                       issuer.public_key, cert["signature_algorithm"])
        return True
    except Exception:
        return False


def context(opts: TrustOptions, dss, moment: dt.datetime | None, online: bool = False):
    """A ValidationContext; `online` fetches revocation data, which certvalidator allows only at the present."""
    from pyhanko_certvalidator import ValidationContext

    if moment is not None and moment.tzinfo is None:  # PDF dates without a zone: read them as UTC
        moment = moment.replace(tzinfo=dt.timezone.utc)
    policy = PointInTimeAlgorithms()
    kwargs = dict(trust_roots=list(opts.roots), other_certs=list(opts.intermediates), allow_fetching=online, moment=None if online else moment,
                  retroactive_revinfo=True, revocation_mode="hard-fail" if opts.revocation else "soft-fail",
                  algorithm_usage_policy=policy, crls=[], ocsps=[])  # empty, not None: hard-fail then judges
                  # each certificate instead of refusing to start
    vc = None
    if dss is not None:
        try:
            vc = dss.as_validation_context(kwargs)
        except Exception:  # an unreadable DSS: validate without its data
            vc = None
    vc = vc or ValidationContext(**kwargs)
    vc.digitize_policy = policy  # read back after validation for the notes
    return vc


def missing_issuer(cert: x509.Certificate, pool: list[x509.Certificate], roots) -> str | None:
    """Walk issuer names from the signer through the certificates at hand; name the first issuer nobody has."""
    by_subject = {c.subject.dump(): c for c in list(pool) + list(roots)}
    root_subjects = {r.subject.dump() for r in roots}
    seen = set()
    while cert is not None and cert.subject.dump() not in seen:
        seen.add(cert.subject.dump())
        if cert.issuer.dump() in root_subjects:
            return None
        if cert.self_issued:
            return f"self-signed certificate '{_cn(cert.subject)}' is not a given trust root"
        nxt = by_subject.get(cert.issuer.dump())
        if nxt is None:
            return f"issuer certificate '{_cn(cert.issuer)}' is neither in the file nor among the trust roots"
        cert = nxt
    return None


def _cn(name: x509.Name) -> str:
    return name.native.get("common_name") or name.human_friendly


def embedded_certs(emb, dss) -> list[x509.Certificate]:
    out = []
    try:
        out += [c.chosen for c in emb.signed_data["certificates"] if c.name == "certificate"]
    except Exception:
        pass
    if dss is not None:
        try:
            out += list(dss.load_certs())
        except Exception:
            pass
    return out


def proven_time(emb, is_docts: bool) -> dt.datetime | None:
    """The time a signature is proven to exist: its own time-stamp token's genTime (document time-stamp: itself)."""
    try:
        sd = emb.signed_data if is_docts else emb.attached_timestamp_data
        if sd is None:
            return None
        return sd["encap_content_info"]["content"].parsed["gen_time"].native
    except Exception:
        return None
