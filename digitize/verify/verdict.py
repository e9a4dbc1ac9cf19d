"""What `verify` finds: one row per signature, the PDF/A and store checks, one verdict per file, each made of
findings (findings.py). Plain data, imported by the checks (signatures.py, files.py) and by the reports."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from digitize.verify.findings import Finding, Verdict

__all__ = ["FileVerdict", "Finding", "PdfaCheck", "SignatureCheck", "StoreCheck", "Verdict"]


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    kind: str  # signature | document_timestamp
    signer: str | None
    intact: bool | None
    valid: bool | None  # cryptographic signature over the signed bytes
    trusted: bool | None
    coverage: str | None  # pyHanko SignatureCoverageLevel name
    modification: str | None  # pyHanko ModificationLevel name
    covers_whole_file: bool | None
    modified_after_signing: bool | None
    signing_time: str | None
    timestamp: dict | None  # {"time", "valid", "trusted"} of the signature (or document) timestamp
    level: str | None
    cert_sha256: str | None
    verdict: Verdict
    findings: tuple[Finding, ...] = ()  # problems, and notes (TOTAL_PASSED: policy choices, warnings)
    chain: tuple[dict, ...] = ()  # signer first: {"name", "sha256", "trust_store", "role", "confirmed"}
    policy: str | None = None  # the validation policy applied (policy.POLICY_NAME)
    indication: str | None = None  # EN 319 102-1 sub-indication behind the verdict (OK, HASH_FAILURE, ...)
    subfilter: str | None = None
    etsi_xml: str | None = dataclasses.field(default=None, compare=False, repr=False)  # pyHanko's report of this signature

    @property
    def reasons(self) -> tuple[str, ...]:
        """The problems in English (the verdict's reasons)."""
        return tuple(str(f) for f in self.findings if f.is_problem)

    @property
    def notes(self) -> tuple[str, ...]:
        """Policy choices and warnings that did not change the verdict, in English."""
        return tuple(str(f) for f in self.findings if not f.is_problem)

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field, "kind": self.kind, "signer": self.signer, "intact": self.intact, "valid": self.valid,
            "trusted": self.trusted, "covers_whole_file": self.covers_whole_file,
            "modified_after_signing": self.modified_after_signing, "signing_time": self.signing_time,
            "timestamp": self.timestamp, "level": self.level, "coverage": self.coverage,
            "modification": self.modification, "cert_sha256": self.cert_sha256, "verdict": self.verdict.value,
            "reasons": list(self.reasons), "notes": list(self.notes), "chain": list(self.chain),
            "policy": self.policy, "indication": self.indication, "subfilter": self.subfilter,
            "findings": [f.as_json() for f in self.findings],
        }


@dataclass(frozen=True)
class PdfaCheck:
    claimed: str | None  # e.g. "2B"; None when the file claims no PDF/A part
    ok: bool | None  # None when the checks could not run
    problems: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"claimed": self.claimed, "ok": self.ok, "problems": list(self.problems)}


@dataclass(frozen=True)
class StoreCheck:
    known: bool | None = None  # None: no store given
    sha256_match: bool | None = None
    record_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"known": self.known, "sha256_match": self.sha256_match, "record": self.record_id}


@dataclass(frozen=True)
class FileVerdict:
    file: str
    verdict: Verdict
    findings: tuple[Finding, ...]  # of the file itself (unreadable, no signature, PDF/A, store)
    signatures: tuple[SignatureCheck, ...] = ()
    pdfa: PdfaCheck = PdfaCheck(None, None)
    store: StoreCheck = StoreCheck()
    sha256: str | None = None
    seconds: float = 0.0

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every problem in English: each signature's (`field: reason`), then the file's."""
        signatures = [f"{s.field}: {r}" for s in self.signatures for r in s.reasons]
        return tuple(signatures + [str(f) for f in self.findings if f.is_problem])

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "verdict": self.verdict.value, "reasons": list(self.reasons),
            "findings": [f.as_json() for f in self.findings],
            "signatures": [s.as_json() for s in self.signatures], "pdfa": self.pdfa.as_json(),
            "store": self.store.as_json(), "sha256": self.sha256,
        }


def _short(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return text[:160]
