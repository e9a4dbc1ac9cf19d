"""Helpers for the review-station tests: a real `digitize serve` (uvicorn) on 127.0.0.1 and a free
port with a temporary store, users made with `digitize users add`, and bad files made on the fly."""
from __future__ import annotations

import contextlib
import os
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import httpx

from support.ports import free_port

PASSWORDS = {"lan": "Lan-matkhau-2025", "minh": "Minh-matkhau-2025", "ha": "Ha-matkhau-2025",
             "quan": "Quan-matkhau-2025", "tuan": "Tuan-matkhau-2025", "thu": "Thu-matkhau-2025"}
# "tuan" is only for the throttling test: a name it throttles must not be one other tests log in with,
# or they would depend on how fast the throttle's wait runs out
ROLES = {"lan": "staff", "minh": "signer", "ha": "auditor", "quan": "admin", "tuan": "staff"}
# "thu" is a second signer, added by the tests that need two (four eyes): add_user(store, "thu", "signer")
START_DEADLINE = 90  # s: the server imports the pipeline and opens the signer before it listens


@dataclass
class Station:
    url: str
    store: Path
    proc: subprocess.Popen
    log: Path

    @contextlib.contextmanager
    def client(self, user: str | None = None):
        """An HTTP client, logged in as `user` (its CSRF token in the headers) when given."""
        with httpx.Client(base_url=self.url, timeout=120) as c:
            if user:
                r = c.post("/api/session", json={"username": user, "password": PASSWORDS[user]})
                assert r.status_code == 200, r.text
                c.headers["X-CSRF-Token"] = r.json()["csrf"]
            yield c

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _digitize(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digitize.cli.app", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


def add_user(store: Path, name: str, role: str) -> None:
    proc = _digitize("users", "add", name, "--role", role, "--store", str(store),
                     env={"DIGITIZE_PASSWORD": PASSWORDS[name]})
    assert proc.returncode == 0, proc.stderr


def start_station(root: Path, *serve_args: str) -> Station:
    """`serve_args`: more options for `digitize serve` (`--no-four-eyes`)."""
    store = root / "store"
    for name, role in ROLES.items():
        add_user(store, name, role)
    port = free_port()
    log = root / "server.log"
    out = open(log, "wb")
    proc = subprocess.Popen([sys.executable, "-m", "digitize.cli.app", "serve", "--store", str(store),
                             "--port", str(port), "--signer", "demo", *serve_args], stdout=out, stderr=subprocess.STDOUT,
                            env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_DEADLINE
    while True:  # wait for the port to answer (the condition, bounded), not for a fixed time
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()}")
        try:
            if httpx.get(url + "/api/openapi.json", timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"server did not answer in {START_DEADLINE}s: {log.read_text()}")
        time.sleep(0.2)
    return Station(url, store, proc, log)


def wait_until_processed(client: httpx.Client, doc_id: str, deadline_s: float = 240, every_s: float = 0.2) -> dict:
    """Poll the document until it is no longer `processing` (bounded)."""
    deadline = time.monotonic() + deadline_s
    while True:
        doc = client.get(f"/api/documents/{doc_id}").json()
        if doc.get("status") != "processing":
            return doc
        assert time.monotonic() < deadline, f"{doc_id} still processing after {deadline_s}s"
        time.sleep(every_s)


def png_bomb(path: Path, side: int = 40000) -> Path:
    """A tiny PNG whose header claims side x side pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path


def encrypted_pdf(path: Path, source: Path) -> Path:
    import pikepdf

    with pikepdf.open(source) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="chu-so-huu", user="nguoi-dung", R=6))
    return path
