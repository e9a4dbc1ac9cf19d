"""eark-validator on a package, in its own venv: it pins lxml 5.1.0, which pyHanko refuses, so
`make setup` installs it in .venv-eark and the tests call it there (support/eark_validate.py)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EARK_PYTHON = REPO / ".venv-eark" / "bin" / "python"
SCRIPT = Path(__file__).with_name("eark_validate.py")


def validate(package: Path) -> list[str]:
    """The package's ERROR messages from eark-validator (structure, METS schema, CSIP/SIP rules)."""
    assert EARK_PYTHON.exists(), f"{EARK_PYTHON} missing: `make setup` installs eark-validator there"
    r = subprocess.run([str(EARK_PYTHON), str(SCRIPT), str(package)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])
