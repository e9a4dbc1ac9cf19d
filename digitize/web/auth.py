"""Sessions, CSRF tokens and log-in throttling for the station.

Sessions live in the server's memory (a restart logs everyone out, which is what a desk expects):
an unguessable cookie (HttpOnly, SameSite=Strict, Secure over TLS) names a session holding the user,
role and its CSRF token. Every state-changing request must repeat the token in `X-CSRF-Token`.
After a few failed log-ins for one name, further attempts wait an ever longer time (429 with
Retry-After) so passwords cannot be guessed at speed.
"""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

COOKIE = "digitize_session"
IDLE_SECONDS = 8 * 3600  # a working day
FREE_FAILURES = 3
MAX_WAIT = 300


@dataclass
class Session:
    user: str
    role: str
    csrf: str
    seen: float = field(default_factory=time.monotonic)


class Sessions:
    def __init__(self):
        self._by_token: dict[str, Session] = {}
        self._failures: dict[str, tuple[int, float]] = {}  # name -> (count, not before)
        self._lock = threading.Lock()

    def open(self, user: str, role: str) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        s = Session(user, role, secrets.token_urlsafe(24))
        with self._lock:
            self._by_token[token] = s
            self._failures.pop(user, None)
        return token, s

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self._lock:
            s = self._by_token.get(token)
            if s is None:
                return None
            if time.monotonic() - s.seen > IDLE_SECONDS:
                del self._by_token[token]
                return None
            s.seen = time.monotonic()
            return s

    def close(self, token: str | None) -> None:
        with self._lock:
            self._by_token.pop(token or "", None)

    def close_user(self, user: str) -> None:
        """A disabled user is logged out everywhere."""
        with self._lock:
            for token in [t for t, s in self._by_token.items() if s.user == user]:
                del self._by_token[token]

    @staticmethod
    def csrf_ok(session: Session, header: str | None) -> bool:
        return bool(header) and hmac.compare_digest(session.csrf, header)

    # --- throttling --------------------------------------------------------------------------

    def wait_for(self, name: str) -> int:
        """Seconds before `name` may try again (0 = now)."""
        with self._lock:
            _, not_before = self._failures.get(name, (0, 0.0))
        return max(0, int(not_before - time.monotonic() + 0.999))

    def failed(self, name: str) -> int:
        """Count a failure; returns the wait now imposed on the name."""
        with self._lock:
            count, _ = self._failures.get(name, (0, 0.0))
            count += 1
            wait = 0 if count <= FREE_FAILURES else min(MAX_WAIT, 2 ** (count - FREE_FAILURES))
            self._failures[name] = (count, time.monotonic() + wait)
            return wait
