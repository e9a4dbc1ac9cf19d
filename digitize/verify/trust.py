"""Trust of `digitize verify`: the validation context (trust anchors and chain candidates from the trust bundle,
embedded revocation data, the moment, the revocation mode, the archival algorithm policy of policy.py), the signer
key usage for PAdES, the time a time-stamp proves, and a precise reason when no chain can be built.

- certificates are judged at the time the signature is proven to exist (its time-stamp) or, without one, at the
  time it claims (an expired chain without a time-stamp is then "no proof of existence", see signatures.py);
  revocation data issued after that time counts (retroactive), as in PAdES long-term validation;
- revocation: a certificate that names an OCSP responder or CRL must have revocation data (embedded, or fetched
  with `online`) unless the caller turned revocation checking off; a missing answer is "indeterminate".
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from asn1crypto import keys, x509

from digitize.verify.bundle import TrustBundle
from digitize.verify.policy import ArchivalAlgorithms


def _install_ocsp_hash_shim() -> None:
    """pyhanko-certvalidator 0.33 matches OCSP CertIDs by getattr(name, hash_algo), but asn1crypto only offers
    sha1/sha256: an OCSP response with a SHA-512 CertID (EU DSS does this) raised AttributeError. Add the others
    with the same definitions (RFC 6960: hash of the DER name, hash of the public key bits)."""
    def name_hash(algo: str) -> property:
        return property(lambda self: hashlib.new(algo, self.dump()).digest())

    def key_hash(algo: str) -> property:
        return property(lambda self: hashlib.new(algo, bytes(self["public_key"])).digest())

    for algo in ("sha224", "sha384", "sha512"):
        if not hasattr(x509.Name, algo):
            setattr(x509.Name, algo, name_hash(algo))
        if not hasattr(keys.PublicKeyInfo, algo):
            setattr(keys.PublicKeyInfo, algo, key_hash(algo))


_install_ocsp_hash_shim()


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
    bundle: TrustBundle = TrustBundle()
    revocation: bool = True  # False: a trusted chain is enough, revocation data is used only where present
    online: bool = False  # fetch OCSP/CRL from the URLs in the certificates (validates at the present time)
    etsi: bool = False  # also keep each signature's ETSI TS 119 102-2 report

    @property
    def roots(self) -> tuple[x509.Certificate, ...]:
        return self.bundle.anchors

    @property
    def intermediates(self) -> tuple[x509.Certificate, ...]:
        return self.bundle.candidates

    @functools.cached_property
    def pinned_issuer_keys(self) -> frozenset[bytes]:
        return frozenset(e.cert.public_key.dump() for e in self.bundle.entries if e.role != "tsa")


def context(opts: TrustOptions, dss, moment: dt.datetime | None, online: bool = False,
            poe: dt.datetime | None = None):
    """A ValidationContext at `moment`; weak algorithms judged at `poe` (see policy.py); `online` fetches revocation
    data, which certvalidator allows only at the present."""
    from pyhanko_certvalidator import ValidationContext

    if moment is not None and moment.tzinfo is None:  # PDF dates without a zone: read them as UTC
        moment = moment.replace(tzinfo=dt.timezone.utc)
    policy = ArchivalAlgorithms(poe, opts.pinned_issuer_keys)
    kwargs: dict[str, Any] = dict(trust_roots=list(opts.roots), other_certs=list(opts.intermediates), allow_fetching=online, moment=None if online else moment,
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
    setattr(vc, "digitize_policy", policy)  # noqa: B010 (read back after validation for the notes; not a pyHanko attribute)
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
        if is_docts:
            sd = emb.signed_data
        else:
            from pyhanko.sign.general import find_unique_cms_attribute

            token = find_unique_cms_attribute(emb.signer_info["unsigned_attrs"], "signature_time_stamp_token")
            sd = token["content"]
        return sd["encap_content_info"]["content"].parsed["gen_time"].native
    except Exception:  # no token, or one that does not parse: no proof
        return None
