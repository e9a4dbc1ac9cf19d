"""`store export` names files as archives do, <dossier code>.<document ordinal>.pdf, and each
exported file is the stored object byte for byte."""
from __future__ import annotations

import hashlib
import json

import pytest

from support import PAGE_LINES, digitize, invoke, render_text_page

pytestmark = pytest.mark.slow  # a whole run


def test_export_names_by_dossier_and_ordinal(tmp_path):
    dossier = tmp_path / "000.00.00.H30-250205-0001"
    dossier.mkdir()
    for i in (1, 2):
        render_text_page(dossier / f"{i:02d}.jpg", (*PAGE_LINES, f"Thành phần hồ sơ số {i}"))
    store, out = tmp_path / "store", tmp_path / "export"
    run = digitize("run", str(dossier), "--store", str(store), "--no-sign", "--json", "--jobs", "1")
    assert run.returncode == 0, run.stderr
    export = invoke("store", "export", str(out), "--store", str(store))
    assert export.exit_code == 0, export.stderr
    names = sorted(p.name for p in out.glob("*.pdf"))
    assert names == [f"{dossier.name}.01.pdf", f"{dossier.name}.02.pdf"]
    rows = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    for row in rows:
        assert hashlib.sha256((out / row["file"]).read_bytes()).hexdigest() == row["sha256"]
