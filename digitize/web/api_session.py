"""Logging in and out: POST/GET/DELETE /api/session. The password check runs under the app's hash
limit and the throttle (digitize.web.auth); every log-in, failed log-in and log-out is an event in
the audit log. A name typed at log-in is logged as is only when it is a user's name; anything else
(a password typed in the wrong box, say) only as a short hash, enough to see repeated attempts."""
from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from digitize.review import users
from digitize.web.auth import COOKIE, Busy
from digitize.web.deps import ApiError, ctx, session

router = APIRouter(prefix="/api")


class Login(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


def client_address(request: Request) -> str:
    """The client's address (behind a trusted reverse proxy, the one it forwards)."""
    return request.client.host if request.client else "unknown"


def _refuse_if_throttled(c, name: str, address: str) -> None:
    wait = c.throttle.wait_for(name, address)
    if wait:
        raise ApiError(429, "throttled", "too many failed log-ins", {"Retry-After": str(wait)})


def _check(c, name: str, password: str) -> tuple[str | None, str]:
    """(role or None, why it failed) — on the thread pool: argon2 and a catalog read."""
    store = c.review().store
    found = store.review.user(name) if users.NAME_RE.match(name) else None
    role = users.authenticate(store, name, password)
    if role is not None:
        return role, ""
    return None, "unknown_name" if found is None else ("disabled" if found[2] else "wrong_password")


def _audit_failure(c, name: str, address: str, why: str) -> None:
    who = {"name": name} if why != "unknown_name" else {
        "name_sha256": hashlib.sha256(name.encode()).hexdigest()[:16]}
    c.review().store.log("login_failed", None, None, reason=why, address=address, **who)


def _open(c, name: str, role: str, address: str):
    token, s = c.sessions.open(c.review().store, name, role)
    c.review().store.log("login", None, name, address=address)
    return token, s


@router.post("/session")
async def login(body: Login, request: Request, response: Response) -> dict[str, Any]:
    c = ctx(request)
    name, address = body.username.strip().lower(), client_address(request)
    _refuse_if_throttled(c, name, address)
    try:
        async with c.hash_limit.slot():
            _refuse_if_throttled(c, name, address)  # others from here may have failed while this one waited
            role, why = await run_in_threadpool(_check, c, name, body.password)
    except Busy:
        raise ApiError(429, "throttled", "too many log-ins at once", {"Retry-After": "1"}) from None
    if role is None:
        wait = c.throttle.failed(name, address)
        await run_in_threadpool(_audit_failure, c, name, address, why)
        raise ApiError(401, "bad_login", "wrong user name or password", {"Retry-After": str(wait)} if wait else None)
    c.throttle.succeeded(name, address)
    token, s = await run_in_threadpool(_open, c, name, role, address)
    response.set_cookie(COOKIE, token, max_age=int(c.sessions.lifetimes.absolute), httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/")
    return {"user": s.user, "role": s.role, "csrf": s.csrf}


@router.get("/session")
def whoami(request: Request) -> dict[str, Any]:
    s = session(request)
    return {"user": s.user, "role": s.role, "csrf": s.csrf}


@router.delete("/session")
def logout(request: Request, response: Response) -> dict[str, Any]:
    s = session(request)
    c = ctx(request)
    c.sessions.close(c.review().store, request.cookies.get(COOKIE))
    c.review().store.log("logout", None, s.user)
    response.delete_cookie(COOKIE, path="/")
    return {"ok": True}
