"""The project's own PDF/A checks against the veraPDF corpus samples (verdict in the file name)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from digitize.pdfa.checks.conformance import check_pdfa
from support import CORPUS

PDFA_DIR = CORPUS / "pdfa"
SAMPLES = sorted(PDFA_DIR.glob("*.pdf"))


def _clause(path: Path) -> str:
    # PDFA-2b_6-2-11-4-2-t01-fail-a.pdf -> 6.2.11.4.2
    return re.match(r"PDFA-2b_([\d-]+?)-t\d+", path.name).group(1).replace("-", ".")


def test_corpus_is_there():
    assert len(SAMPLES) >= 20, f"veraPDF samples missing in {PDFA_DIR}"
    assert any("-pass-" in p.name for p in SAMPLES) and any("-fail-" in p.name for p in SAMPLES)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_verapdf_sample_verdict(path: Path):
    report = check_pdfa(path)
    if "-pass-" in path.name:
        assert report.ok, report.problems
        assert report.problems == ()
        assert report.claimed == "2B"
    else:
        assert "-fail-" in path.name
        assert not report.ok
        # The failure is found for the right reason: a problem names the clause the sample tests
        # (the corpus sometimes files a rule one level deeper than the clause that states it, as
        # 6.2.8.1 for the 6.2.8 rule; never a broader ancestor).
        clause = _clause(path)
        named = {p.split(":", 1)[0] for p in report.problems}
        assert clause in named or clause.rsplit(".", 1)[0] in named, (clause, report.problems)


def test_pass_sample_fails_when_checked_against_another_level():
    report = check_pdfa(PDFA_DIR / "PDFA-2b_6-2-3-t01-pass-a.pdf", level="1b")
    assert not report.ok
    assert any(p.startswith("6.6.4") for p in report.problems)


def test_unreadable_input_gives_a_report_not_a_traceback(tmp_path: Path):
    for data in (b"", b"not a pdf at all", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<"):
        report = check_pdfa(data)
        assert report.claimed is None and not report.ok
        assert len(report.problems) == 1 and report.problems[0].startswith("unreadable: ")
    missing = check_pdfa(tmp_path / "missing.pdf")
    assert not missing.ok and missing.problems[0].startswith("unreadable: ")
