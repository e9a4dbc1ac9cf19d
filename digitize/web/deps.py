"""What the API and the pages share per request: the language, the session (401 without one), the
CSRF check on state-changing requests (403 without the token) and role checks (403)."""
from __future__ import annotations

from fastapi import Request

from digitize.review.flow import Actor
from digitize.review.roles import allowed
from digitize.web import i18n
from digitize.web.auth import COOKIE, Session, Sessions

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# codes whose message says all: their English reason is not translated into it


class ApiError(Exception):
    def __init__(self, status: int, code: str, reason: str = "", headers: dict | None = None,
                 message: str | None = None):
        """reason: English, for the JSON `error`; message: the page's sentence when it is more than `code`'s."""
        self.status, self.code, self.reason, self.headers = status, code, reason, headers or {}
        self.message = message


def lang(request: Request) -> str:
    return i18n.lang_of(request.query_params.get("lang") or request.cookies.get("lang"))


def lang_of_scope(scope) -> str:
    """The language of a request not yet made into a Request (the middleware's refusals)."""
    return lang(Request(scope))


def error_body(code: str, reason: str, language: str, message: str | None = None) -> dict:
    """The JSON of an API error: `error` (English, for logs and scripts), `code`, `message` (the user's language:
    the catalog's sentence for the code, or the message rendered from the error's own code)."""
    return {"error": reason or code, "code": code, "message": message or i18n.error(code, language)}


def ctx(request: Request):
    return request.app.state.ctx


def current(request: Request) -> Session | None:
    """The request's live session (read once by digitize.web.guard), or None."""
    state = request.scope.get("state") or {}
    if "session" in state:
        return state["session"]
    return ctx(request).session(request.cookies.get(COOKIE))


def session(request: Request) -> Session:
    """The logged-in session; state-changing requests must carry its CSRF token."""
    s = current(request)
    if s is None:
        raise ApiError(401, "unauthenticated")
    if request.method not in SAFE_METHODS and not Sessions.csrf_ok(s, request.headers.get("x-csrf-token")):
        raise ApiError(403, "csrf", "missing or wrong X-CSRF-Token")
    return s


def actor(request: Request) -> Actor:
    s = session(request)
    return Actor(s.user, s.role)


def need(request: Request, action: str) -> Actor:
    a = actor(request)
    if not allowed(a.role, action):
        raise ApiError(403, "forbidden", f"role {a.role!r} may not {action}")
    return a
