"""The one runner of external programs (digitize/tools/run.py): timeouts name the file, a missing or too old
program names its Debian package, versions are checked at first use."""
from __future__ import annotations

import pytest

from digitize.errors import InputError, MissingDependency
from digitize.tools import qpdf, tesseract
from digitize.tools import run as tools_run


def test_a_program_that_runs_too_long_is_an_input_error_naming_the_file():
    with pytest.raises(InputError) as e:
        tools_run.run("sleep", "coreutils", ["30"], label="hồ-sơ/slow.pdf", timeout=0.5)
    assert e.value.args[0] == "hồ-sơ/slow.pdf" or "hồ-sơ/slow.pdf" in str(e.value)
    assert "sleep took longer than 0.5 s" in str(e.value)


def test_a_missing_program_names_its_debian_package():
    with pytest.raises(MissingDependency) as e:
        tools_run.run("no-such-program-here", "some-package", [], label="x.pdf", timeout=5)
    assert "some-package" in str(e.value)


def test_version_is_read_and_a_too_old_program_is_refused():
    assert tesseract.version().split(".")[0] in ("4", "5", "6")
    assert qpdf.qpdf_version()[0].isdigit()
    with pytest.raises(MissingDependency) as e:
        tools_run.version("tesseract", "tesseract-ocr", (999,), pattern=r"tesseract v?(\d+\.\d+(?:\.\d+)?)")
    assert "too old" in str(e.value) and "999 or later" in str(e.value) and "tesseract-ocr" in str(e.value)


def test_importing_the_ocr_wrapper_changes_no_environment():
    """OMP_THREAD_LIMIT is set by the engine factory, not as a side effect of an import."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}
    code = ("import os; from digitize.tools import tesseract; a = 'OMP_THREAD_LIMIT' in os.environ; "
            "tesseract.make_engine(); print(a, os.environ.get('OMP_THREAD_LIMIT'))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "1"]
