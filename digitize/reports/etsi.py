"""ETSI TS 119 102-2 validation report (XML) of a `verify` run: one SignatureValidationReport per signature row, in
the order of the rows, with the main indication of our verdict (valid: total-passed, invalid: total-failed,
indeterminate: indeterminate), the EN 319 102-1 sub-indication of its main finding (verify/findings.py: for
INDETERMINATE as for TOTAL_FAILED), the
policy applied, and each reason. The per-signature parts come from pyHanko's generator
(pyhanko.sign.validation.report.tools); a row it cannot describe (a document time-stamp, a signature that cannot be
read) gets a minimal entry."""
from __future__ import annotations

import dataclasses
from typing import Any, Sequence

from digitize.errors import MissingDependency
from digitize.verify.findings import SUB_INDICATIONS, Indication

INDICATION = {"valid": Indication.TOTAL_PASSED, "invalid": Indication.TOTAL_FAILED,
              "indeterminate": Indication.INDETERMINATE}
MAIN = {verdict: indication.urn for verdict, indication in INDICATION.items()}
REASON_TYPE = "urn:digitize:reason"


def etsi_report(verdicts: Sequence) -> str:
    try:
        from pyhanko.generated.etsi import ts_11910202 as vr
        from pyhanko.sign.validation.report.tools import NAMESPACES
        from xsdata.formats.dataclass.parsers import XmlParser
        from xsdata.formats.dataclass.serializers import XmlSerializer
        from xsdata.formats.dataclass.serializers.config import SerializerConfig
    except ImportError:
        raise MissingDependency("--etsi", "the ETSI report needs xsdata: pip install 'digitize[etsi]'") from None

    reports: list[Any] = []  # xsdata classes of pyHanko's report module, imported above only when installed
    objects: dict[str | None, Any] = {}  # by the report's own object id
    for v in verdicts:
        for sig in v.signatures:
            part = None
            if sig.etsi_xml:
                parsed = XmlParser().from_string(sig.etsi_xml, vr.ValidationReport)
                part = parsed.signature_validation_report[0]
                if parsed.signature_validation_objects is not None:
                    for obj in parsed.signature_validation_objects.validation_object:
                        objects.setdefault(obj.id, obj)
            reports.append(_with_our_verdict(part or vr.SignatureValidationReportType(), sig, v.file, vr))
    report = vr.ValidationReport(
        signature_validation_report=tuple(reports),
        signature_validation_objects=vr.ValidationObjectListType(tuple(objects.values())) if objects else None)
    return XmlSerializer(config=SerializerConfig(indent="  ")).render(report, ns_map=NAMESPACES)


def _with_our_verdict(part, sig, file: str, vr):
    main = INDICATION[sig.verdict.value]
    sub: tuple[str, ...] = ()
    if main is not Indication.TOTAL_PASSED and sig.indication in SUB_INDICATIONS[main]:
        sub = (f"urn:etsi:019102:subindication:{sig.indication}",)
    reasons = [f"{file}: {sig.field}"] + list(sig.reasons) + list(sig.notes)
    data = vr.ValidationReportDataType(additional_validation_report_data=vr.AdditionalValidationReportDataType(
        report_data=tuple(vr.TypedDataType(type_value=REASON_TYPE, value=r) for r in reasons)))
    status = vr.ValidationStatusType(main_indication=MAIN[sig.verdict.value], sub_indication=sub,
                                     associated_validation_report_data=(data,))
    process = part.signature_validation_process or vr.SignatureValidationProcessType(
        signature_validation_process_id="urn:etsi:019102:validationprocess:Basic")
    process = dataclasses.replace(process, signature_validation_service_policy=f"urn:digitize:policy:{sig.policy}")
    return dataclasses.replace(part, signature_validation_status=status, signature_validation_process=process)
