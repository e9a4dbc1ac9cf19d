"""The station's front door, an ASGI middleware run before any route: it reads the session from the
cookie and refuses, from the headers alone, what must not cost the server anything.

- /api/* (except logging in and the OpenAPI document) without a live session: 401; a state-changing
  request without its CSRF token: 403. Both are answered before a byte of the body is read, so an
  anonymous 300 MB upload costs nothing.
- A request body is at most `body_limit` bytes (413), except on the routes that stream files
  (`STREAMED`, which apply their own limit): by Content-Length before reading, and for a body without
  one (chunked) by reading at most that much.
- Every answer carries the security headers (CSP, nosniff, no framing, no referrer across sites) and
  `Cache-Control: no-store` (a page or API answer, personal data, is never kept by the browser:
  Back after log-out shows nothing); only the static files and the message scripts stay cacheable.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse

from digitize.web.auth import COOKIE, Session, Sessions
from digitize.web.deps import SAFE_METHODS, error_body, lang_of_scope
from digitize.web.exposure import Scrubber

BODY_LIMIT = 1024 * 1024  # JSON bodies: the largest real one (a page-order edit) is a few kB
OPEN = {("POST", "/api/session"), ("GET", "/api/openapi.json")}  # answered without a session
STREAMED = {("POST", "/api/documents"), ("POST", "/api/imports")}  # multipart files, limited by their routes
CACHEABLE = ("/static/", "/i18n/")
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin"}


class Guard:
    """`lookup(token) -> Session | None` reads the session (blocking: run on the thread pool)."""

    def __init__(self, app, lookup: Callable[[str | None], Session | None], roots: Sequence[str] = (),
                 body_limit: int = BODY_LIMIT):
        self.app, self.lookup, self.body_limit = app, lookup, body_limit
        self.scrubber = Scrubber(list(roots))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        send = _with_headers(scope, send)
        if scope["path"].startswith("/api/"):
            send = _scrubbed(send, self.scrubber)
        method, path = scope["method"], scope["path"]
        session = None
        if not path.startswith(CACHEABLE):
            token = Request(scope).cookies.get(COOKIE)
            session = await run_in_threadpool(self.lookup, token) if token else None
            scope.setdefault("state", {})["session"] = session  # read by digitize.web.deps.current
        if path.startswith("/api/") and (method, path) not in OPEN:
            if session is None:
                return await _refuse(scope, send, 401, "unauthenticated")
            if method not in SAFE_METHODS and not Sessions.csrf_ok(session, _header(scope, b"x-csrf-token")):
                return await _refuse(scope, send, 403, "csrf", "missing or wrong X-CSRF-Token")
        if (method, path) not in STREAMED:
            receive = await self._bounded_body(scope, receive)
            if receive is None:
                return await _refuse(scope, send, 413, "too_large",
                                     f"request body over {self.body_limit // 1024} KiB")
        await self.app(scope, receive, send)

    async def _bounded_body(self, scope, receive):
        """`receive` itself when the declared length is within the limit; the body read up front
        when no length is declared (chunked); None when it is too large."""
        length = _header(scope, b"content-length")
        if length is not None:
            return receive if length.isdigit() and int(length) <= self.body_limit else None
        if _header(scope, b"transfer-encoding") is None:
            return receive  # no body
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return _replay([message])
            size += len(message.get("body", b""))
            if size > self.body_limit:
                return None
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}])


def _replay(messages: list[dict]):
    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}
    return receive


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


async def _refuse(scope, send, status: int, code: str, reason: str = "") -> None:
    # the unread body is dropped by the server (uvicorn closes the connection rather than read it)
    body = error_body(code, reason, lang_of_scope(scope))
    await JSONResponse(body, status, headers={"Connection": "close"})(scope, _no_receive, send)


async def _no_receive():
    return {"type": "http.disconnect"}


def _scrubbed(send, scrubber: Scrubber):
    """JSON answers held until whole, then sent without server paths (digitize.web.exposure)."""
    held: dict = {}
    parts: list[bytes] = []

    async def send_scrubbed(message):
        if message["type"] == "http.response.start":
            kind = dict(message.get("headers", ())).get(b"content-type", b"")
            if kind.startswith(b"application/json"):
                held["start"] = message
                return None
        elif message["type"] == "http.response.body" and "start" in held:
            parts.append(message.get("body", b""))
            if message.get("more_body", False):
                return None
            body = scrubber.body(b"".join(parts))
            start = held.pop("start")
            MutableHeaders(scope=start)["Content-Length"] = str(len(body))
            await send(start)
            return await send({"type": "http.response.body", "body": body, "more_body": False})
        return await send(message)
    return send_scrubbed


def _with_headers(scope, send):
    cacheable = scope["path"].startswith(CACHEABLE)
    https = scope.get("scheme") == "https"

    async def send_with_headers(message):
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for key, value in HEADERS.items():
                headers[key] = value
            if not cacheable:
                headers["Cache-Control"] = "no-store"
            if https:
                headers["Strict-Transport-Security"] = "max-age=31536000"
        await send(message)
    return send_with_headers
