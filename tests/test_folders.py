"""One folder scanner: run, batch and watch group a folder the same way and refuse the same files."""
from __future__ import annotations

import os
from pathlib import Path

from digitize.batch.manifest import DossierEntry, RowProblem, read_source
from digitize.intake.folders import expand_inputs
from digitize.intake.hotfolder import Watcher


def _archive(root: Path) -> Path:
    (root / "hs1").mkdir(parents=True)
    (root / "hs1" / "a.jpg").write_bytes(b"\xff\xd8\xff scan a")
    (root / "hs1" / "b.pdf").write_bytes(b"%PDF-1.4 scan b")
    (root / "hs1" / ".c.jpg").write_bytes(b"\xff\xd8\xff hidden")  # an editor's or a sync tool's file
    (root / "hs1" / "notes.txt").write_text("not a scan")
    (root.parent / "elsewhere.jpg").write_bytes(b"\xff\xd8\xff outside")
    os.symlink(root.parent / "elsewhere.jpg", root / "hs1" / "z.jpg")  # leads out of the dossier
    (root / "empty").mkdir()
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.jpg").write_bytes(b"\xff\xd8\xff hidden dossier")
    (root / "loose.png").write_bytes(b"\x89PNG\r\n\x1a\n loose")
    os.symlink(root.parent / "elsewhere.jpg", root / "link.jpg")
    return root


def test_run_batch_and_watch_group_a_mixed_folder_alike(tmp_path):
    root = _archive(tmp_path / "archive")
    run = {}
    for d in expand_inputs([str(root)]):
        run.setdefault(d.dossier, []).append((d.ordinal, Path(d.path).name))
    assert run == {"hs1": [(1, "a.jpg"), (2, "b.pdf")], "loose": [(1, "loose.png")]}

    items = list(read_source(root))
    batch = {i.code: [Path(f).name for f in i.files] for i in items if isinstance(i, DossierEntry)}
    assert batch == {"hs1": ["a.jpg", "b.pdf"], "loose": ["loose.png"]}
    assert [(p.code, "no scans" in p.reason) for p in items if isinstance(p, RowProblem)] == [("empty", True)]

    watched = [p.name for p in Watcher(root, ctx=None).entries()]
    assert watched == ["empty", "hs1", "loose.png"]
    taken = {}
    for entry in watched:
        for d in expand_inputs([str(root / entry)]):
            taken.setdefault(d.dossier, []).append(Path(d.path).name)
    assert taken == {"hs1": ["a.jpg", "b.pdf"], "loose": ["loose.png"]}


def test_a_folder_of_scans_only_is_one_dossier(tmp_path):
    (tmp_path / "hs9").mkdir()
    for name in ("2.jpg", "1.jpg"):
        (tmp_path / "hs9" / name).write_bytes(b"\xff\xd8\xff")
    docs = expand_inputs([str(tmp_path / "hs9")])
    assert [(d.dossier, d.ordinal, Path(d.path).name) for d in docs] == [("hs9", 1, "1.jpg"), ("hs9", 2, "2.jpg")]
