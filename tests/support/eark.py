"""eark-validator on a package, in its own venv: it pins lxml 5.1.0, which pyHanko refuses, so
`make setup` installs it in .venv-eark and the tests call it there (support/eark_validate.py)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EARK_PYTHON = REPO / ".venv-eark" / "bin" / "python"
SCRIPT = Path(__file__).with_name("eark_validate.py")
# eark-validator 1.1.3's SIP rule SIP14 wants the CREATOR agent's note typed IDENTIFICATIONCODE with an
# unqualified @NOTETYPE, while CSIP12-16 require that agent to be the software with one note typed
# csip:NOTETYPE="SOFTWARE VERSION" and the METS schema refuses unqualified attributes on a note: no
# package can satisfy both. That one message is the validator's contradiction, not a defect.
SIP_CONTRADICTION = "SIP14 /mets:mets/mets:metsHdr/mets:agent[@ROLE = 'CREATOR']/mets:note"


def validate(package: Path) -> list[str]:
    """The package's ERROR messages from eark-validator (structure, METS schema, CSIP/SIP rules)."""
    assert EARK_PYTHON.exists(), f"{EARK_PYTHON} missing: `make setup` installs eark-validator there"
    r = subprocess.run([str(EARK_PYTHON), str(SCRIPT), str(package)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])
