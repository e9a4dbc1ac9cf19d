"""The test PKI in one place: keys generated per test session, certificates from certomancer.yml, and its
OCSP responder and RFC 3161 TSA served over real HTTP on 127.0.0.1 by certomancer's animator."""
from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

HERE = Path(__file__).parent
ARCH = "digitize-test"
P12_PASSWORD = "pki-test-passphrase-7Q"


@dataclass
class TestPki:
    arch: object  # certomancer PKIArchitecture
    url: str
    tsa_url: str
    root_pem: Path
    p12: Path
    key_pem: Path  # signer private key (PKCS#8, unencrypted) for importing into SoftHSM
    cert_der: bytes
    server: object

    def cert(self, label: str):
        return self.arch.get_cert(label)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_pki(workdir: Path) -> TestPki:
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from certomancer.registry import CertomancerConfig
    from werkzeug.serving import make_server

    keydir = workdir / "keys"
    keydir.mkdir(parents=True, exist_ok=True)
    for label in ("root", "interm", "ocsp", "tsa"):
        key = ec.generate_private_key(ec.SECP256R1())
        _write_key(keydir / f"{label}.key.pem", key)
    # RSA for the signer: the key SoftHSM imports and signs with (the common token case)
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _write_key(keydir / "signer.key.pem", signer_key)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cfg = CertomancerConfig.from_yaml((HERE / "certomancer.yml").read_text(), key_search_dir=str(keydir),
                                      external_url_prefix=url)
    arch = cfg.get_pki_arch(ARCH)
    app = Animator(AnimatorArchStore(cfg.pki_archs), with_web_ui=False)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    root_pem = workdir / "root.pem"
    root_pem.write_bytes(_pem(arch.get_cert("root").dump()))
    p12 = workdir / "signer.p12"
    p12.write_bytes(arch.package_pkcs12("signer", certs_to_embed=["interm", "root"], password=P12_PASSWORD.encode()))
    return TestPki(arch, url, f"{url}/{ARCH}/tsa/tsa", root_pem, p12, keydir / "signer.key.pem",
                   arch.get_cert("signer").dump(), server)


def _write_key(path: Path, key) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", der)
