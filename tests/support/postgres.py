"""A real PostgreSQL server from Debian's `postgresql` package, initialised in a temporary folder on a
free port, for the tests of the PostgreSQL catalog."""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from support.ports import free_port


@contextlib.contextmanager
def postgres_server():
    """A PostgreSQL server of its own; yields its URL (user digitize, password in the URL)."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    assert bins, "PostgreSQL server binaries missing (make setup installs the postgresql package)"
    bin_dir = Path(bins[-1])
    # not under pytest's 0700 temp root: the server runs as another user and must reach its folder
    base = Path(tempfile.mkdtemp(prefix="digitize-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    pwfile = base / "pw"
    pwfile.write_text("s3cret-pg\n")
    if as_user:
        shutil.chown(pwfile, "postgres")
    subprocess.run(as_user + [str(bin_dir / "initdb"), "-D", str(data), "-U", "digitize", "--pwfile", str(pwfile),
                              "-A", "scram-sha-256", "-E", "UTF8", "--no-sync"],
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    subprocess.run(as_user + [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "-t", "60",
                              "-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                   check=True, capture_output=True, timeout=90)
    try:
        yield f"postgresql://digitize:s3cret-pg@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_user + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
