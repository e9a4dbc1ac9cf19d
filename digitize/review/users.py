"""Users of the review station: names, roles and argon2 password hashes in the catalog. A password
is only ever hashed or checked here; it is never stored, logged or put in an error."""
from __future__ import annotations

import re

from digitize.errors import InputError, MissingDependency, UsageError
from digitize.messages import msg
from digitize.review.roles import check_role

NAME_RE = re.compile(r"^[a-z0-9_.-]{2,40}$")
MIN_PASSWORD = 8


def _hasher():
    try:
        from argon2 import PasswordHasher  # the web extra; only user commands and the server need it
    except ModuleNotFoundError:
        raise MissingDependency("argon2", "users need the web extra (pip install 'digitize[web]')") from None
    return PasswordHasher()


def add_user(store, name: str, role: str, password: str) -> None:
    if not NAME_RE.match(name or ""):
        raise UsageError(str(name)[:40], "a user name is 2-40 lower-case letters, digits, '.', '_' or '-'")
    check_role(role)
    if len(password or "") < MIN_PASSWORD:
        raise UsageError(name, f"the password must have at least {MIN_PASSWORD} characters")
    if not store.review.add_user(name, role, _hasher().hash(password)):
        raise InputError(name, msg("input.user_exists", name=name))


def authenticate(store, name: str, password: str) -> str | None:
    """The user's role when the password is right and the user is enabled, else None."""
    hasher = _hasher()
    from argon2.exceptions import InvalidHashError, VerificationError  # present: _hasher found argon2

    found = store.review.user(name) if NAME_RE.match(name or "") else None
    if found is None:
        hasher.hash(password or "x")  # as slow as a real check: no hint which names exist
        return None
    role, hashed, disabled = found
    try:
        hasher.verify(hashed, password or "")
    except (VerificationError, InvalidHashError):
        return None
    return None if disabled else role


def disable_user(store, name: str) -> None:
    """The user can no longer log in, and every session they have ends now."""
    if not store.review.set_user(name, disabled=True):
        raise InputError(name, msg("input.no_user", name=name))
    store.sessions.remove_user(name)


def enable_user(store, name: str) -> None:
    if not store.review.set_user(name, disabled=False):
        raise InputError(name, msg("input.no_user", name=name))


def reset_password(store, name: str, password: str) -> None:
    """A new password for the user (an admin's reset); the old one, and every session opened
    with it, stop working at once."""
    if len(password or "") < MIN_PASSWORD:
        raise UsageError(name, f"the password must have at least {MIN_PASSWORD} characters")
    if not store.review.set_user(name, password_hash=_hasher().hash(password)):
        raise InputError(name, msg("input.no_user", name=name))
    store.sessions.remove_user(name)


def set_role(store, name: str, role: str) -> None:
    check_role(role)
    if not store.review.set_user(name, role=role):
        raise InputError(name, msg("input.no_user", name=name))
