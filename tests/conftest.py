"""Fixtures shared across the suite (helpers live in tests/support): the shared corpus, a clean
page made on the fly, and one test PKI per session for the signing, token and verification tests."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from support import CORPUS, render_text_page

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, one per test module (tests/support/browser.py)."""
    from support.browser import chromium

    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    from pki.testpki import start_pki

    p = start_pki(tmp_path_factory.mktemp("pki"))
    yield p
    p.server.shutdown()


@pytest.fixture(scope="session")
def monkeypatch_session():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture(scope="session")
def p12_signer(pki, monkeypatch_session):
    from pki.testpki import P12_PASSWORD

    from digitize.signing.signers import SignerSpec, open_signer

    monkeypatch_session.setenv("DIGITIZE_KEY_PASSWORD", P12_PASSWORD)
    return open_signer(SignerSpec.parse(f"p12:{pki.p12}"), Path("/nonexistent"), prompt=False)


@pytest.fixture(scope="session")
def corpus() -> Path:
    assert CORPUS.is_dir(), f"shared corpus not found at {CORPUS}"
    return CORPUS


@pytest.fixture
def clean_page(tmp_path) -> Path:
    return render_text_page(tmp_path / "trang-1.jpg", size=(1654, 2339))
