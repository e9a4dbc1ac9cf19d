"""The intake hot folder: entries are taken only once settled, files arriving slowly are not
taken half-written, failures go to failed/ with an error file, and a dossier seen again after a
restart is not stored twice."""
from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

from support import render_text_page
from support import DIGITIZE, ENV, REPO, digitize, stored


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
    inbox, store = tmp_path / "inbox", tmp_path / "store"
    inbox.mkdir()
    src = _page(tmp_path / "scan.jpg", 7).read_bytes()
    folder_pages = [_page(tmp_path / f"p{i}.jpg", 10 + i).read_bytes() for i in range(3)]
    proc = subprocess.Popen(DIGITIZE + ["watch", str(inbox), "--store", str(store), "--settle", "1.0", "--poll",
                                        "0.2", "--no-sign", "--jobs", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd=REPO)

    def scanner() -> None:
        with open(inbox / "slow.jpg", "wb") as f:  # one file written in pieces
            for i in range(0, len(src), len(src) // 4 + 1):
                f.write(src[i:i + len(src) // 4 + 1])
                f.flush()
                time.sleep(0.4)
        (inbox / "HS-B").mkdir()  # a dossier whose pages arrive one by one
        for i, data in enumerate(folder_pages):
            (inbox / "HS-B" / f"{i}.jpg").write_bytes(data)
            time.sleep(0.5)

    writer = threading.Thread(target=scanner)
    writer.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = inbox / "done"
            if (done / "slow.jpg").exists() and (done / "HS-B").exists():
                break
            time.sleep(0.2)
        writer.join()
        time.sleep(0.5)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    assert (inbox / "done" / "slow.jpg").read_bytes() == src, err
    assert sorted(p.name for p in (inbox / "done" / "HS-B").iterdir()) == ["0.jpg", "1.jpg", "2.jpg"]
    assert not (inbox / "failed").exists(), err
    assert out.count("done slow.jpg") == 1 and out.count("done HS-B: 3 document(s)") == 1, out + err
    assert len(stored(store)) == 4
