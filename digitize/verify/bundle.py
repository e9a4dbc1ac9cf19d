"""Where trust comes from: the built-in Vietnamese trust store (package data, one manifest), an operator's bundle
(DIGITIZE_TRUST_DIR, replaces the built-in one) and certificates an auditor gives with --trust.

Roots are trust anchors; CA intermediates and time-stamping certificates are only chain-building candidates, so
trust always ends at a root. Every certificate keeps how sure we are of it (`confirmed`: the same SHA-256
fingerprint in two independent public sources), so a report that relies on an unconfirmed one can say so.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from asn1crypto import pem, x509

from digitize.errors import UsageError

BUILTIN_DIR = Path(__file__).parent / "trust_store"
ORIGINS = ("built-in", "operator", "given")


@dataclass(frozen=True)
class TrustEntry:
    cert: x509.Certificate
    name: str
    role: str  # root | intermediate | tsa
    pki: str  # NEAC | VGCA | "" (unknown)
    confirmed: bool | None  # None: nobody said (an operator's or auditor's own certificate)
    source: str
    origin: str  # built-in | operator | given

    @property
    def sha256(self) -> str:
        return self.cert.sha256.hex()

    def as_json(self) -> dict[str, Any]:
        c = self.cert
        return {"name": self.name, "role": self.role, "pki": self.pki, "sha256": self.sha256,
                "not_before": c.not_valid_before.date().isoformat(), "not_after": c.not_valid_after.date().isoformat(),
                "signature_hash": c.hash_algo, "confirmed": self.confirmed, "source": self.source,
                "origin": self.origin}


@dataclass(frozen=True)
class TrustBundle:
    entries: tuple[TrustEntry, ...] = ()

    @property
    def anchors(self) -> tuple[x509.Certificate, ...]:
        return tuple(e.cert for e in self.entries if e.role == "root")

    @property
    def candidates(self) -> tuple[x509.Certificate, ...]:
        return tuple(e.cert for e in self.entries if e.role != "root")

    @functools.cached_property
    def by_sha256(self) -> dict[str, TrustEntry]:
        out: dict[str, TrustEntry] = {}
        for e in self.entries:
            out.setdefault(e.sha256, e)  # the first source wins: given after built-in never downgrades it
        return out

    def __add__(self, other: "TrustBundle") -> "TrustBundle":
        return TrustBundle(self.entries + other.entries)


def load_bundle(builtin: bool = True, operator_dir: str | Path | None = None, given: Sequence[Any] = ()
                ) -> TrustBundle:
    """The trust of one verification: the operator's bundle if set (else the built-in store, unless turned off),
    plus the auditor's own certificates."""
    bundle = TrustBundle()
    if builtin:
        bundle = operator_bundle(str(operator_dir)) if operator_dir else builtin_bundle()
    return bundle + given_bundle(load_certs(given))


@functools.lru_cache(maxsize=1)
def builtin_bundle() -> TrustBundle:
    return _from_manifest(BUILTIN_DIR, "built-in")


@functools.lru_cache(maxsize=4)
def operator_bundle(folder: str) -> TrustBundle:
    """An operator's folder: PEM/DER files, optionally with a manifest.json of the built-in store's shape (for
    names, roles and confirmation); without one, roles follow from the certificates themselves."""
    path = Path(folder)
    if not path.is_dir():
        raise UsageError(str(path), "trust folder (DIGITIZE_TRUST_DIR) not found")
    if (path / "manifest.json").exists():
        return _from_manifest(path, "operator")
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".pem", ".crt", ".cer", ".der"))
    return TrustBundle(tuple(_entry(c, "operator", str(path)) for c in load_certs(files)))


def given_bundle(certs: Iterable[x509.Certificate]) -> TrustBundle:
    """Certificates given by the auditor: one whose issuer is also given is an intermediate (with it as anchor the
    path would stop there, and a CRL its issuer signed could not be checked); a CA given alone stays an anchor."""
    certs = list(certs)
    entries = []
    for c in certs:
        has_issuer = not c.self_issued and any(issued_by(c, other) for other in certs if other is not c)
        entries.append(_entry(c, "given", "--trust", role="intermediate" if has_issuer else "root"))
    return TrustBundle(tuple(entries))


def _entry(c: x509.Certificate, origin: str, source: str, role: str | None = None) -> TrustEntry:
    if role is None:
        role = "root" if c.self_signed != "no" else "intermediate" if c.ca else "tsa"
    name = c.subject.native.get("common_name") or c.subject.human_friendly
    return TrustEntry(c, name, role, "", None, source, origin)


def _from_manifest(folder: Path, origin: str) -> TrustBundle:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        rows = manifest["certificates"]
    except (OSError, ValueError, KeyError) as e:
        raise UsageError(str(folder / "manifest.json"), f"unreadable trust manifest ({e})") from None
    entries = []
    for row in rows:
        path = folder / Path(row["file"]).name  # names only: a manifest never points outside its folder
        cert = load_certs([path])[0]
        if cert.sha256.hex() != row["sha256"]:
            raise UsageError(str(path), "fingerprint differs from the one in manifest.json")
        entries.append(TrustEntry(cert, row.get("name") or cert.subject.human_friendly, row["role"],
                                  row.get("pki", ""), row.get("confirmed"), row.get("source", ""), origin))
    return TrustBundle(tuple(entries))


def load_certs(items: Sequence[Any]) -> list[x509.Certificate]:
    """Certificates from asn1crypto objects, cryptography objects, or PEM/DER files (a file may hold several)."""
    certs: list[x509.Certificate] = []
    for item in items:
        if isinstance(item, x509.Certificate):
            certs.append(item)
        elif hasattr(item, "public_bytes"):  # cryptography certificate
            from cryptography.hazmat.primitives.serialization import Encoding

            certs.append(x509.Certificate.load(item.public_bytes(Encoding.DER)))
        else:
            path = Path(item)
            try:
                data = path.read_bytes()
                if pem.detect(data):
                    certs.extend(x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True))
                else:
                    cert = x509.Certificate.load(data)
                    _ = cert.native  # parse now: a bad file fails here, not inside validation
                    certs.append(cert)
            except OSError as e:
                raise UsageError(str(path), f"cannot read trust certificate ({e.strerror})") from None
            except ValueError:
                raise UsageError(str(path), "not a PEM or DER certificate") from None
    return certs


def issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
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


def walk_chain(cert: x509.Certificate, pool: Iterable[x509.Certificate], bundle: TrustBundle
               ) -> list[x509.Certificate]:
    """Signer first, issuer by issuer (name and signature) through the certificates at hand, as far as it goes."""
    candidates = list(pool) + [e.cert for e in bundle.entries]
    certs, seen = [cert], {cert.sha256}
    while certs[-1].self_signed == "no":
        nxt = next((c for c in candidates if c.sha256 not in seen and issued_by(certs[-1], c)), None)
        if nxt is None:
            break
        certs.append(nxt)
        seen.add(nxt.sha256)
    return certs


def chain_names(cert: x509.Certificate, pool: Iterable[x509.Certificate], bundle: TrustBundle,
                path: Iterable[x509.Certificate] | None = None) -> list[dict[str, Any]]:
    """The chain from the signer up, as names with fingerprint and how sure we are of each: the validated path
    when there is one, else issuer by issuer (name and signature) through the certificates at hand."""
    certs = list(path)[::-1] if path is not None else walk_chain(cert, pool, bundle)
    out = []
    for c in certs:
        entry = bundle.by_sha256.get(c.sha256.hex())
        out.append({"name": c.subject.native.get("common_name") or c.subject.human_friendly,
                    "sha256": c.sha256.hex(), "signature_hash": c.hash_algo,
                    "trust_store": entry.origin if entry else None, "role": entry.role if entry else None,
                    "confirmed": entry.confirmed if entry else None})
    return out
