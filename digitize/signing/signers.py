"""Signer construction: PKCS#12 file, PKCS#11 token, demo key.

Secrets (PKCS#12 password, token PIN) come from the environment or an interactive prompt, never from argv,
and never appear in an error message: every failure is re-raised as a SigningError (or UsageError) with a fixed reason.
"""
from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pkcs11 import Attribute, ObjectClass
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.keys import load_cert_from_pemder
from pyhanko.sign import signers
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from digitize.errors import SigningError, UsageError
from digitize.settings import DEFAULT_ORGANISATION, KEY_PASSWORD_ENV, TOKEN_PIN_ENV, secret

DEMO_ROOT = "demo-root.crt.pem"
DEMO_CERT = "demo-signer.crt.pem"
DEMO_KEY = "demo-signer.key.pem"


@dataclass(frozen=True)
class SignerSpec:
    """What `--signer` says: `demo`, `p12:PATH` or `pkcs11:module=..;token=..;key=..|key_id=..;cert=..|cert_id=..`."""

    kind: str  # demo | p12 | pkcs11
    path: str | None = None  # p12 file
    module: str | None = None  # pkcs11 module (.so)
    token: str | None = None
    key_label: str | None = None
    key_id: str | None = None  # hex
    cert_label: str | None = None
    cert_id: str | None = None  # hex

    @classmethod
    def parse(cls, text: str) -> "SignerSpec":
        text = (text or "").strip()
        if text == "demo":
            return cls("demo")
        if text.startswith("p12:"):
            path = text[4:]
            if not path:
                raise UsageError("--signer", "p12: needs a file path (p12:PATH)")
            return cls("p12", path=path)
        if text.startswith("pkcs11:"):
            parts: dict[str, str] = {}
            for item in filter(None, (p.strip() for p in text[7:].split(";"))):
                name, sep, value = item.partition("=")
                if not sep or not value:
                    raise UsageError("--signer", f"pkcs11 item {name!r} needs name=value")
                if name in ("pin", "password"):
                    raise UsageError("--signer", f"the PIN is read from {TOKEN_PIN_ENV} or a prompt, not from the command line")
                if name not in ("module", "token", "key", "key_id", "cert", "cert_id"):
                    raise UsageError("--signer", f"unknown pkcs11 item {name!r}")
                parts[name] = value
            if "module" not in parts:
                raise UsageError("--signer", "pkcs11 needs module=PATH")
            for hex_name in ("key_id", "cert_id"):
                if hex_name in parts:
                    try:
                        bytes.fromhex(parts[hex_name])
                    except ValueError:
                        raise UsageError("--signer", f"{hex_name} must be hexadecimal") from None
            return cls(
                "pkcs11", module=parts["module"], token=parts.get("token"), key_label=parts.get("key"),
                key_id=parts.get("key_id"), cert_label=parts.get("cert"), cert_id=parts.get("cert_id"),
            )
        raise UsageError("--signer", f"unknown signer {text!r} (demo, p12:PATH or pkcs11:module=...;token=...;key=...)")


@dataclass(frozen=True)
class DemoKey:
    root_cert: Path
    signer_cert: Path
    signer_key: Path
    subject: str
    created: bool  # False when the key already existed


@dataclass(frozen=True)
class TokenObject:
    kind: str  # private_key | certificate | public_key
    label: str
    id_hex: str
    subject: str = ""


def _secret(env: str, prompt_text: str, prompt: bool, where: str) -> str:
    value = secret(env)
    if value is not None:
        return value
    if not prompt:
        raise UsageError(where, f"no secret given: set {env} or run interactively")
    try:
        return getpass.getpass(prompt_text)
    except (EOFError, KeyboardInterrupt):
        raise UsageError(where, "no secret entered") from None


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)


def ensure_demo_key(keys_dir: Path, organisation: str = DEFAULT_ORGANISATION) -> DemoKey:
    """Create (once) a demo root CA and a signer key/certificate in keys_dir. Both subjects say DEMO."""
    keys_dir = Path(keys_dir)
    root_p, cert_p, key_p = keys_dir / DEMO_ROOT, keys_dir / DEMO_CERT, keys_dir / DEMO_KEY
    if root_p.exists() and cert_p.exists() and key_p.exists():
        cert = x509.load_pem_x509_certificate(cert_p.read_bytes())
        return DemoKey(root_p, cert_p, key_p, cert.subject.rfc4514_string(), created=False)
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)

    def name(cn: str) -> x509.Name:
        return x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "DEMO - not for production"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ])

    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    root_key, signer_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root_name = name("DEMO root CA")
    root = (
        x509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
        .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder().subject_name(name(f"DEMO signer - {organisation}")).issuer_name(root_name)
        .public_key(signer_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    _write_private(key_p, signer_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    _write_private(cert_p, cert.public_bytes(pem))
    _write_private(root_p, root.public_bytes(pem))
    return DemoKey(root_p, cert_p, key_p, cert.subject.rfc4514_string(), created=True)


def demo_root(keys_dir: Path) -> asn1_x509.Certificate | None:
    """The demo root certificate of a store, if one was created (verify trusts it for demo-signed files)."""
    path = Path(keys_dir) / DEMO_ROOT
    return load_cert_from_pemder(str(path)) if path.exists() else None


def open_signer(spec: SignerSpec, keys_dir: Path, prompt: bool = True) -> signers.Signer:
    """A pyHanko signer for the spec. For pkcs11 the open session is kept on the signer (`.pkcs11_session`)."""
    if spec.kind == "demo":
        demo = ensure_demo_key(Path(keys_dir))
        signer = signers.SimpleSigner.load(str(demo.signer_key), str(demo.signer_cert), ca_chain_files=(str(demo.root_cert),))
        if signer is None:
            raise SigningError(str(demo.signer_key), "cannot load the demo key")
        return signer
    if spec.kind == "p12":
        path = Path(spec.path or "")
        if not path.is_file():
            raise SigningError(str(path), "PKCS#12 file not found")
        password = _secret(KEY_PASSWORD_ENV, f"Password for {path.name}: ", prompt, str(path))
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), (), passphrase=password.encode())
        except Exception:  # the library message may quote input; keep ours fixed
            raise SigningError(str(path), "cannot open the PKCS#12 file (wrong password or damaged file)") from None
        return signer
    if spec.kind == "pkcs11":
        return _open_pkcs11(spec, prompt)
    raise UsageError("--signer", f"unknown signer kind {spec.kind!r}")


def _token_session(spec: SignerSpec, pin: str | None):
    where = f"pkcs11:{spec.token or spec.module}"
    if not spec.module or not Path(spec.module).is_file():
        raise SigningError(str(spec.module), "PKCS#11 module not found")
    try:
        return open_pkcs11_session(spec.module, token_criteria=TokenCriteria(label=spec.token) if spec.token else None,
                                   user_pin=pin)
    except Exception as e:
        kind = type(e).__name__
        reason = "wrong PIN" if "PinIncorrect" in kind else f"cannot open the token ({kind})"
        raise SigningError(where, reason) from None


def _open_pkcs11(spec: SignerSpec, prompt: bool) -> signers.Signer:
    pin = _secret(TOKEN_PIN_ENV, f"PIN for token {spec.token or ''}: ", prompt, f"pkcs11:{spec.token or spec.module}")
    session = _token_session(spec, pin)
    if not (spec.key_label or spec.key_id or spec.cert_label or spec.cert_id):
        raise UsageError("--signer", "pkcs11 needs key=LABEL or key_id=HEX (see `digitize keys list`)")
    signer = PKCS11Signer(
        session, cert_label=spec.cert_label, key_label=spec.key_label,
        key_id=bytes.fromhex(spec.key_id) if spec.key_id else None,
        cert_id=bytes.fromhex(spec.cert_id) if spec.cert_id else None,
        other_certs_to_pull=None,  # tokens carry the issuing CA chain; embed it so verifiers can build the path
    )
    try:
        _ = signer.signing_cert  # pulls key and certificate now, so a wrong label fails here, not mid-signing
    except Exception as e:
        session.close()
        raise SigningError(f"pkcs11:{spec.token or spec.module}", f"key or certificate not found on the token ({type(e).__name__})") from None
    return signer


def list_token(spec: SignerSpec, prompt: bool = True) -> list[TokenObject]:
    """Keys and certificates on a token, so the user can pick labels or ids (they often differ)."""
    pin = _secret(TOKEN_PIN_ENV, f"PIN for token {spec.token or ''}: ", prompt, f"pkcs11:{spec.token or spec.module}")
    session = _token_session(spec, pin)
    out: list[TokenObject] = []
    try:
        for cls, kind in ((ObjectClass.PRIVATE_KEY, "private_key"), (ObjectClass.CERTIFICATE, "certificate")):
            for obj in session.get_objects({Attribute.CLASS: cls}):
                label = _attr(obj, Attribute.LABEL) or ""
                oid = _attr(obj, Attribute.ID) or b""
                subject = ""
                if kind == "certificate":
                    value = _attr(obj, Attribute.VALUE)
                    if value:
                        subject = asn1_x509.Certificate.load(value).subject.human_friendly
                out.append(TokenObject(kind, label, bytes(oid).hex(), subject))
    finally:
        session.close()
    return out


def _attr(obj, attribute):
    try:
        return obj[attribute]
    except Exception:
        return None


def cert_fingerprint(cert: asn1_x509.Certificate) -> str:
    return cert.sha256.hex()
