"""Who may do what. Staff take in and correct, signers approve and sign, auditors read and verify,
admins manage users; every role reads."""
from __future__ import annotations

from digitize.errors import UsageError

ROLES = ("staff", "signer", "auditor", "admin")

RIGHTS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "upload": frozenset({"staff"}),
    "edit": frozenset({"staff", "signer"}),
    "approve": frozenset({"staff", "signer"}),
    "sign": frozenset({"signer"}),
    "verify": frozenset({"auditor", "signer", "staff", "admin"}),
    "users": frozenset({"admin"}),
    "people": frozenset({"staff", "signer", "auditor"}),  # look a person's records up (audited)
    "reuse": frozenset({"staff"}),  # attach a still-valid record to a dossier by reference
    "audit": frozenset({"auditor", "admin"}),  # read the look-up audit log
    "import": frozenset({"admin"}),  # take in another office's packages
}


class Forbidden(UsageError):
    """The user's role does not allow the action."""


def allowed(role: str, action: str) -> bool:
    return role in RIGHTS.get(action, frozenset())


def require(role: str, action: str, user: str = "") -> None:
    if not allowed(role, action):
        raise Forbidden(user or role, f"role {role!r} may not {action}")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError("role", f"unknown role {role!r} (use {', '.join(ROLES)})")
    return role
