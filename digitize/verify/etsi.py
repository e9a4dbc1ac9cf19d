"""Each signature's ETSI TS 119 102-2 validation report, made by pyHanko's generator
(pyhanko.sign.validation.report.tools) from our validation result; reports/etsi.py puts them in one file."""
from __future__ import annotations

from digitize.verify.verdict import SignatureCheck, Verdict


def signature_report(emb, status, check: SignatureCheck) -> str | None:
    """pyHanko's report (XML) of one signature with our verdict as its AdES indication; None when pyHanko's
    generator cannot describe it (document time-stamps, unusual signatures): the file report then writes a
    minimal entry of its own."""
    try:
        from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESPassed
        from pyhanko.sign.validation.ades import AdESBasicValidationResult, ValidationObjectSet
        from pyhanko.sign.validation.report.tools import generate_report
        from pyhanko.sign.validation.status import PdfSignatureStatus
        from pyhanko_certvalidator.ltv.poe import ValidationObject, ValidationObjectType
    except ImportError:  # the `etsi` extra (xsdata) is not installed
        return None
    if not isinstance(status, PdfSignatureStatus) or status.validation_time is None:
        return None
    subindic: AdESPassed | AdESFailure | AdESIndeterminate
    if check.verdict is Verdict.VALID:
        subindic = AdESPassed.OK
    else:
        family = AdESFailure if check.verdict is Verdict.INVALID else AdESIndeterminate
        subindic = getattr(family, check.indication or "", None) or (
            AdESFailure.FORMAT_FAILURE if family is AdESFailure else AdESIndeterminate.GENERIC)
    objects = [ValidationObject(ValidationObjectType.CERTIFICATE, c) for c in _path_certs(status)]
    result = AdESBasicValidationResult(ades_subindic=subindic, api_status=status,
                                       failure_msg="; ".join(check.reasons) or None,
                                       validation_objects=ValidationObjectSet(objects))
    try:
        return generate_report(emb, result)
    except Exception:  # pyHanko's generator is incubating: a signature it cannot describe gets the minimal entry
        return None


def _path_certs(status):
    path = getattr(status, "validation_path", None)
    if path is not None:
        return list(path.iter_certs(include_root=True))
    return [status.signing_cert] if status.signing_cert is not None else []
