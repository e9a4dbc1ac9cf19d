"""What `verify` finds: the verdict scale, one row per signature, the PDF/A and store checks, one verdict per file.
Plain data, imported by the checks (signatures.py, files.py) and by the reports."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Iterable


class Verdict(str, enum.Enum):
    """Ordered: VALID < INDETERMINATE < INVALID; a file's verdict is the worst of its findings."""

    VALID = "valid"
    INDETERMINATE = "indeterminate"
    INVALID = "invalid"

    @property
    def rank(self) -> int:
        return ("valid", "indeterminate", "invalid").index(self.value)

    def __lt__(self, other: "Verdict") -> bool:  # type: ignore[override]
        return self.rank < other.rank

    @staticmethod
    def worst(verdicts: Iterable["Verdict"]) -> "Verdict":
        return max(verdicts, key=lambda v: v.rank, default=Verdict.VALID)


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
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # policy choices and warnings that did not change the verdict
    chain: tuple[dict, ...] = ()  # signer first: {"name", "sha256", "trust_store", "role", "confirmed"}
    policy: str | None = None  # the validation policy applied (policy.POLICY_NAME)
    indication: str | None = None  # EN 319 102-1 sub-indication behind the verdict (OK, HASH_FAILURE, ...)
    subfilter: str | None = None
    etsi_xml: str | None = field(default=None, compare=False, repr=False)  # pyHanko's report of this signature

    def as_json(self) -> dict[str, Any]:
        return {
            "field": self.field, "kind": self.kind, "signer": self.signer, "intact": self.intact, "valid": self.valid,
            "trusted": self.trusted, "covers_whole_file": self.covers_whole_file,
            "modified_after_signing": self.modified_after_signing, "signing_time": self.signing_time,
            "timestamp": self.timestamp, "level": self.level, "coverage": self.coverage,
            "modification": self.modification, "cert_sha256": self.cert_sha256, "verdict": self.verdict.value,
            "reasons": list(self.reasons), "notes": list(self.notes), "chain": list(self.chain),
            "policy": self.policy, "indication": self.indication, "subfilter": self.subfilter,
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
    reasons: tuple[str, ...]
    signatures: tuple[SignatureCheck, ...] = ()
    pdfa: PdfaCheck = PdfaCheck(None, None)
    store: StoreCheck = StoreCheck()
    sha256: str | None = None
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "verdict": self.verdict.value, "reasons": list(self.reasons),
            "signatures": [s.as_json() for s in self.signatures], "pdfa": self.pdfa.as_json(),
            "store": self.store.as_json(), "sha256": self.sha256,
        }


def _safe(fn, default):
    try:
        return fn()
    except Exception:
        return default


def _short(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else ""
    return text[:160]
