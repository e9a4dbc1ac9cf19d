"""Export of 1,000 documents streams: the exporter's peak memory for one dossier of 1,000 documents
stays close to its peak for 100 (each export measured in its own process), and the package passes
eark-validator. The records are built through the store API around one small signed PDF, as the
benchmark builds them (bench/bench_archive.py), so no OCR runs."""
from __future__ import annotations

import pytest

from bench.bench_archive import build_store, export_once
from support.eark import SIP_CONTRADICTION, validate


@pytest.mark.slow
def test_export_of_1000_documents_keeps_memory_flat(tmp_path):
    peaks = {}
    for n in (100, 1000):
        build_store(tmp_path / f"store{n}", n, per_dossier=n)
        result = export_once(tmp_path / f"store{n}", tmp_path / f"out{n}", "sip")
        assert result["packages"] == 1
        peaks[n] = result["peak_mib"]
    # holding the dossier's METS/PREMIS trees in memory costs ~70 MiB more at 1,000 documents
    assert peaks[1000] - peaks[100] < 35, peaks
    package = tmp_path / "out1000" / "000.00.00.H42-250101-0000"
    assert len(list((package / "representations" / "rep1" / "data").iterdir())) == 1000
    errors = [e for e in validate(package) if SIP_CONTRADICTION not in e]
    assert errors == []
