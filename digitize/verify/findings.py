"""What a check of `verify` finds, as data: a `Finding` is a code of the message catalog (digitize.messages) with
its parameters and the ETSI EN 319 102-1 indication it stands for. The indication is a type, and each sub-indication
belongs to one main indication (as pyHanko's AdESFailure / AdESIndeterminate): a chain that reaches no trust root is
INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND, never a failure. The verdict follows from the indication.

A check that raises does not vanish: `Attempts` runs it and keeps the error as a finding of its own
(`finding.check_failed` with the check's name), so a failure to check can never read as a pass."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, TypeVar

from digitize.messages import Message

T = TypeVar("T")


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


class Indication(str, enum.Enum):
    """EN 319 102-1 main indications."""

    TOTAL_PASSED = "TOTAL_PASSED"
    INDETERMINATE = "INDETERMINATE"
    TOTAL_FAILED = "TOTAL_FAILED"

    @property
    def verdict(self) -> Verdict:
        return {"TOTAL_PASSED": Verdict.VALID, "INDETERMINATE": Verdict.INDETERMINATE,
                "TOTAL_FAILED": Verdict.INVALID}[self.value]

    @property
    def urn(self) -> str:
        return "urn:etsi:019102:mainindication:" + self.value.lower().replace("_", "-")


# EN 319 102-1 table 5 (as pyhanko.sign.ades.report lists them): the sub-indications of each main indication
SUB_INDICATIONS: dict[Indication, frozenset[str]] = {
    Indication.TOTAL_PASSED: frozenset({"OK"}),
    Indication.TOTAL_FAILED: frozenset({"FORMAT_FAILURE", "HASH_FAILURE", "SIG_CRYPTO_FAILURE", "REVOKED",
                                        "NOT_YET_VALID"}),
    Indication.INDETERMINATE: frozenset({
        "SIG_CONSTRAINTS_FAILURE", "CHAIN_CONSTRAINTS_FAILURE", "CERTIFICATE_CHAIN_GENERAL_FAILURE",
        "CRYPTO_CONSTRAINTS_FAILURE", "EXPIRED", "NOT_YET_VALID", "POLICY_PROCESSING_ERROR",
        "SIGNATURE_POLICY_NOT_AVAILABLE", "TIMESTAMP_ORDER_FAILURE", "NO_SIGNING_CERTIFICATE_FOUND",
        "NO_CERTIFICATE_CHAIN_FOUND", "REVOKED_NO_POE", "REVOKED_CA_NO_POE", "OUT_OF_BOUNDS_NO_POE",
        "REVOCATION_OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
        "NO_POE", "TRY_LATER", "SIGNED_DATA_NOT_FOUND", "GENERIC"}),
}


def indication_of(sub_indication: str) -> Indication:
    """The main indication a sub-indication belongs to (NOT_YET_VALID, in both, counts as a failure)."""
    for main in (Indication.TOTAL_FAILED, Indication.INDETERMINATE, Indication.TOTAL_PASSED):
        if sub_indication in SUB_INDICATIONS[main]:
            return main
    raise ValueError(f"not an EN 319 102-1 sub-indication: {sub_indication}")


@dataclass(frozen=True)
class Finding:
    """One thing a check found. TOTAL_PASSED findings are notes (a policy choice, a warning) that leave the verdict
    as it is; the others are problems. `sub_indication` is None only for checks outside EN 319 102-1 (PDF/A, the
    store)."""

    code: str
    indication: Indication
    sub_indication: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.sub_indication is not None and self.sub_indication not in SUB_INDICATIONS[self.indication]:
            raise ValueError(f"{self.sub_indication} is not a sub-indication of {self.indication.value}")

    def __hash__(self) -> int:
        return hash((self.code, self.indication, self.sub_indication, self.message))

    @property
    def message(self) -> Message:
        return Message(self.code, self.params)

    @property
    def verdict(self) -> Verdict:
        return self.indication.verdict

    @property
    def is_problem(self) -> bool:
        return self.indication is not Indication.TOTAL_PASSED

    def text(self, lang: str) -> str:
        return self.message.text(lang)

    def __str__(self) -> str:
        return str(self.message)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "indication": self.indication.value, "sub_indication": self.sub_indication,
                "params": self.message.as_json()["params"], "text": str(self)}


def problem(sub_indication: str, code: str, **params: Any) -> Finding:
    """A problem under the main indication its sub-indication belongs to."""
    return Finding(code, indication_of(sub_indication), sub_indication, params)


def failed(code: str, sub_indication: str | None = None, **params: Any) -> Finding:
    return Finding(code, Indication.TOTAL_FAILED, sub_indication, params)


def indeterminate(code: str, sub_indication: str | None = None, **params: Any) -> Finding:
    return Finding(code, Indication.INDETERMINATE, sub_indication, params)


def note(code: str, **params: Any) -> Finding:
    return Finding(code, Indication.TOTAL_PASSED, None, params)


def note_of(message: Message) -> Finding:
    return Finding(message.code, Indication.TOTAL_PASSED, None, message.params)


def check_failed(check: str, error: BaseException) -> Finding:
    """A check that raised: the answer is not known (INDETERMINATE / GENERIC), and says which check and why."""
    detail = str(error).splitlines()[0][:160] if str(error) else ""
    return indeterminate("finding.check_failed", "GENERIC", check=check, error=type(error).__name__, detail=detail)


class Attempts:
    """Runs the checks of one signature or file; a check that raises leaves `default` and a finding."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def __call__(self, check: str, fn: Callable[[], T], default: T) -> T:
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 — kept as a finding: a check that cannot run is reported, not hidden
            self.findings.append(check_failed(check, e))
            return default


def verdict_of(findings: Iterable[Finding]) -> Verdict:
    return Verdict.worst(f.verdict for f in findings)


def main_finding(findings: Iterable[Finding]) -> Finding | None:
    """The first problem of the worst kind: the one whose sub-indication stands for the whole signature."""
    problems = [f for f in findings if f.is_problem]
    if not problems:
        return None
    worst = verdict_of(problems)
    return next(f for f in problems if f.verdict is worst)
