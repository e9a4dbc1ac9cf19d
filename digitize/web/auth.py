"""Sessions, CSRF tokens, log-in throttling and the password-check limit for the station.

Sessions live in the catalog (digitize.store.sessions): the cookie (HttpOnly, SameSite=Strict, Secure
over TLS) carries a random token, the catalog only its SHA-256. A session ends after `idle` seconds
without a request and `absolute` seconds after log-in, whichever comes first, and at once when its
user is disabled (the user's row is read with the session on every request). The CSRF token is
derived from the session token, so it needs no storage and dies with the session; every
state-changing request repeats it in `X-CSRF-Token`.

Failed log-ins are throttled per (name, client address) and per client address: a stranger guessing
from elsewhere slows down only themselves, never the real user at their desk. The table is bounded
(least recently failed entries go first). Password hashing (argon2, 64 MiB each) runs at most
`HASH_SLOTS` at a time, with a bounded queue behind it.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

COOKIE = "digitize_session"
IDLE_SECONDS = 8 * 3600  # a working day without a request
ABSOLUTE_SECONDS = 12 * 3600  # log in again every morning
TOUCH_EVERY_S = 60.0  # `seen` is written at most this often per session (a write per read would cost an fsync)


@dataclass(frozen=True)
class Lifetimes:
    idle: float = IDLE_SECONDS
    absolute: float = ABSOLUTE_SECONDS


@dataclass(frozen=True)
class Session:
    user: str
    role: str
    csrf: str


def _now_ms() -> int:
    return int(time.time() * 1000)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_of(token: str) -> str:
    mac = hmac.new(token.encode(), b"digitize csrf", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode()


class Sessions:
    """Session policy over the store's session rows (`store.sessions`)."""

    def __init__(self, lifetimes: Lifetimes = Lifetimes()):
        self.lifetimes = lifetimes

    def open(self, store, user: str, role: str) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        now = _now_ms()
        rows = store.sessions
        rows.sweep(now - int(self.lifetimes.idle * 1000), now - int(self.lifetimes.absolute * 1000))
        rows.add(token_hash(token), user, now)
        return token, Session(user, role, csrf_of(token))

    def get(self, store, token: str | None) -> Session | None:
        if not token or len(token) > 200:
            return None
        key = token_hash(token)
        row = store.sessions.get(key)
        if row is None:
            return None
        now = _now_ms()
        idle_ms, absolute_ms = self.lifetimes.idle * 1000, self.lifetimes.absolute * 1000
        if row.disabled or now - row.seen_ms > idle_ms or now - row.created_ms > absolute_ms:
            store.sessions.remove(key)
            return None
        if now - row.seen_ms > min(TOUCH_EVERY_S * 1000, idle_ms / 4):
            store.sessions.touch(key, now)
        return Session(row.username, row.role, csrf_of(token))

    def close(self, store, token: str | None) -> None:
        if token:
            store.sessions.remove(token_hash(token))

    @staticmethod
    def csrf_ok(session: Session, header: str | None) -> bool:
        return header is not None and hmac.compare_digest(session.csrf.encode(), header.encode())


# --- throttling ------------------------------------------------------------------------------

FREE_PER_NAME = 3  # failures for one name from one address before waits begin
FREE_PER_ADDRESS = 10  # failures from one address (any names) before waits begin
MAX_WAIT = 300
FORGET_AFTER = 900  # s without a failure: the count starts again
MAX_ENTRIES = 10_000


class Throttle:
    """Failed log-ins per (name, address) and per address, in a bounded table."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._entries: OrderedDict[tuple, tuple[int, float, float]] = OrderedDict()  # key -> (count, not before, last)
        self._max = max_entries
        self._lock = threading.Lock()

    @staticmethod
    def _keys(name: str, address: str) -> tuple[tuple, tuple]:
        return ("name", name, address), ("address", address)

    def wait_for(self, name: str, address: str) -> int:
        """Seconds before `name` may be tried again from `address` (0 = now)."""
        now = time.monotonic()
        with self._lock:
            waits = [self._entries.get(k, (0, 0.0, 0.0))[1] - now for k in self._keys(name, address)]
        return max(0, int(max(waits) + 0.999))

    def failed(self, name: str, address: str) -> int:
        """Counts a failure; returns the wait it now imposes."""
        now = time.monotonic()
        waits = []
        with self._lock:
            for key, free in zip(self._keys(name, address), (FREE_PER_NAME, FREE_PER_ADDRESS)):
                count, _, last = self._entries.pop(key, (0, 0.0, now))
                count = 1 if now - last > FORGET_AFTER else count + 1
                wait = 0 if count <= free else min(MAX_WAIT, 2 ** (count - free))
                self._entries[key] = (count, now + wait, now)  # re-inserted: the most recent at the end
                waits.append(wait)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return max(waits)

    def succeeded(self, name: str, address: str) -> None:
        """The name's count from this address starts again; the address's own count stays."""
        with self._lock:
            self._entries.pop(self._keys(name, address)[0], None)

    def __len__(self) -> int:
        return len(self._entries)


# --- the password-check limit -----------------------------------------------------------------

HASH_SLOTS = 2  # argon2 checks at once (64 MiB and one core each)
HASH_QUEUE = 32  # log-ins waiting for a slot; more are told to retry


class Busy(Exception):
    """Too many log-ins are waiting for a password check."""


class HashLimit:
    """At most `slots` password checks at once; log-ins waiting for a slot hold no thread."""

    def __init__(self, slots: int = HASH_SLOTS, queue: int = HASH_QUEUE):
        self._slots, self._queue = slots, queue
        self._semaphore: asyncio.Semaphore | None = None  # made on the server's event loop
        self._waiting = 0

    @contextlib.asynccontextmanager
    async def slot(self):
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self._slots)
        if self._waiting >= self._queue:
            raise Busy()
        self._waiting += 1
        try:
            await self._semaphore.acquire()
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._semaphore.release()
