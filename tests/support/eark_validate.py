"""Run by the eark-validator venv (.venv-eark, made by `make setup`): validates one package offline and
prints its ERROR messages as JSON. Its four CSIP vocabulary downloads are answered from
../shared/corpus/eark-vocabularies (see INDEX.md there) while eark_validator's schematron module is
imported. Usage: .venv-eark/bin/python tests/support/eark_validate.py PACKAGE"""
from __future__ import annotations

import io
from pathlib import Path

VOCABULARIES = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "eark-vocabularies"
_BASE = "https://earkcsip.dilcis.eu/schema/"


def _offline_urlopen(url, *args, **kwargs):
    url = getattr(url, "full_url", url)
    if not str(url).startswith(_BASE):
        raise OSError(f"no network in tests: {url}")
    return io.BytesIO((VOCABULARIES / str(url)[len(_BASE):]).read_bytes())


def _import_offline() -> None:
    """eark_validator.ipxml.schematron fetches the vocabularies when imported (`from urllib.request
    import urlopen`): urllib's urlopen is answered offline for that import only."""
    import sys
    import urllib.request

    if "eark_validator.ipxml.schematron" in sys.modules:
        return
    real = urllib.request.urlopen
    urllib.request.urlopen = _offline_urlopen
    try:
        import eark_validator.ipxml.schematron  # noqa: F401
    finally:
        urllib.request.urlopen = real


def validate(package: Path) -> list[str]:
    """The package's ERROR messages from eark-validator (structure, METS schema, CSIP/SIP rules)."""
    _import_offline()
    from eark_validator.model.validation_report import Severity
    from eark_validator.packages import PackageValidator

    report = PackageValidator(Path(package)).validation_report
    errors = [f"structure {m.rule_id}: {m.message}" for m in report.structure.messages
              if m.severity == Severity.ERROR]
    if report.metadata is not None:
        for kind in ("schema_results", "schematron_results"):
            res = getattr(report.metadata, kind)
            errors += [f"{kind} {m.rule_id} {m.location}: {m.message}" for m in res.messages
                       if m.severity == Severity.ERROR]
    return errors


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(validate(Path(sys.argv[1])), ensure_ascii=False))
