"""The intake hot folder: entries are taken only once settled, files arriving slowly are not
taken half-written, failures go to failed/ with an error file, and a dossier seen again after a
restart is not stored twice."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from support import digitize, popen, render_text_page, stored

pytestmark = pytest.mark.slow  # the watcher processes whole dossiers


def _page(path: Path, n: int) -> Path:
    return render_text_page(path, size=(900, 500), lines=("ĐƠN ĐỀ NGHỊ", f"Số: {n}/ĐN", "Người làm đơn: Lê Thị Hoa"))


def _age(path: Path, seconds: float) -> None:
    """Pretend the scanner finished `seconds` ago."""
    t = time.time() - seconds
    for p in [path, *path.rglob("*")]:
        os.utime(p, (t, t))


def test_once_takes_settled_entries_and_moves_them(tmp_path):
    inbox, store = tmp_path / "inbox", tmp_path / "store"
    (inbox / "HS-A").mkdir(parents=True)
    _page(inbox / "HS-A" / "1.jpg", 1)
    _page(inbox / "HS-A" / "2.jpg", 2)
    (inbox / "rac.jpg").write_bytes(b"\xff\xd8\xff\xe0 broken scan")
    _page(inbox / "fresh.jpg", 3)  # just written: not settled
    _age(inbox / "HS-A", 60)
    _age(inbox / "rac.jpg", 60)
    r = digitize("watch", str(inbox), "--store", str(store), "--settle", "30", "--once", "--no-sign", "--json")
    assert r.returncode == 0, r.stderr
    lines = {x["name"]: x for x in map(json.loads, r.stdout.splitlines())}
    assert set(lines) == {"HS-A", "rac.jpg"}
    assert lines["HS-A"]["status"] == "done" and len(lines["HS-A"]["ids"]) == 2
    assert lines["rac.jpg"]["status"] == "failed" and "rac.jpg" in lines["rac.jpg"]["errors"][0]
    assert sorted(p.name for p in (inbox / "done" / "HS-A").iterdir()) == ["1.jpg", "2.jpg"]
    assert (inbox / "failed" / "rac.jpg").exists()
    assert "rac.jpg" in (inbox / "failed" / "rac.jpg.error.txt").read_text()
    assert (inbox / "fresh.jpg").exists() and len(stored(store)) == 2

    # the same dossier scanned in again (or left behind by a crash before the move): no duplicate
    (inbox / "HS-A").mkdir()
    for p in (inbox / "done" / "HS-A").iterdir():
        (inbox / "HS-A" / p.name).write_bytes(p.read_bytes())
    _age(inbox / "HS-A", 60)
    _age(inbox / "fresh.jpg", 60)
    r2 = digitize("watch", str(inbox), "--store", str(store), "--settle", "30", "--once", "--no-sign")
    assert r2.returncode == 0, r2.stderr
    assert "done HS-A: 2 document(s)" in r2.stdout and "done fresh.jpg" in r2.stdout
    assert len(stored(store)) == 3  # HS-A's two documents once, plus fresh.jpg
    assert len(list((inbox / "done").iterdir())) == 3  # HS-A, HS-A-<time>, fresh.jpg


def test_files_arriving_slowly_are_taken_whole(tmp_path):
    """A file still being written and a dossier whose pages still arrive are left alone until they
    have been quiet for the settle time (their change times are set, not waited for)."""
    inbox, store = tmp_path / "inbox", tmp_path / "store"
    inbox.mkdir()
    src = _page(tmp_path / "scan.jpg", 7).read_bytes()
    folder_pages = [_page(tmp_path / f"p{i}.jpg", 10 + i).read_bytes() for i in range(3)]
    args = ("watch", str(inbox), "--store", str(store), "--settle", "30", "--once", "--no-sign", "--jobs", "1")
    (inbox / "slow.jpg").write_bytes(src[: len(src) // 2])  # the scanner is still writing it
    (inbox / "HS-B").mkdir()
    (inbox / "HS-B" / "0.jpg").write_bytes(folder_pages[0])
    _age(inbox / "HS-B", 60)
    (inbox / "HS-B" / "1.jpg").write_bytes(folder_pages[1])  # a page that just arrived
    early = digitize(*args)
    assert early.returncode == 0 and early.stdout == "", early.stderr
    assert not (inbox / "done").exists() and len(stored(store)) == 0

    with open(inbox / "slow.jpg", "ab") as f:
        f.write(src[len(src) // 2:])
    (inbox / "HS-B" / "2.jpg").write_bytes(folder_pages[2])
    _age(inbox / "slow.jpg", 60)
    _age(inbox / "HS-B", 60)
    late = digitize(*args)
    assert late.returncode == 0, late.stderr
    assert (inbox / "done" / "slow.jpg").read_bytes() == src
    assert sorted(p.name for p in (inbox / "done" / "HS-B").iterdir()) == ["0.jpg", "1.jpg", "2.jpg"]
    assert not (inbox / "failed").exists(), late.stderr
    assert late.stdout.count("done slow.jpg") == 1 and late.stdout.count("done HS-B: 3 document(s)") == 1
    assert len(stored(store)) == 4


def test_watching_takes_settled_entries_and_leaves_changing_ones(tmp_path):
    inbox, store = tmp_path / "inbox", tmp_path / "store"
    inbox.mkdir()
    _page(inbox / "settled.jpg", 21)
    _age(inbox / "settled.jpg", 60)
    _page(inbox / "busy.jpg", 22)
    future = time.time() + 3600  # changed "just now" for the whole test, however slow the machine
    os.utime(inbox / "busy.jpg", (future, future))
    proc = popen("watch", str(inbox), "--store", str(store), "--settle", "1.0", "--poll", "0.2", "--no-sign",
                 "--jobs", "1")
    try:
        deadline = time.monotonic() + 120  # a generous bound on a condition, not a guessed delay
        while not (inbox / "done" / "settled.jpg").exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    assert (inbox / "done" / "settled.jpg").exists(), err
    assert (inbox / "busy.jpg").exists() and not (inbox / "done" / "busy.jpg").exists()
    assert out.count("done settled.jpg") == 1, out + err
    assert len(stored(store)) == 1
