"""The review station as an ASGI app: the JSON API under /api (OpenAPI at /api/openapi.json) and the
server-rendered pages, on one store. The signer is opened once by whoever builds the app (`digitize
serve`) and never travels over HTTP."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from digitize.errors import ConflictError, DigitizeError, InputError, SigningError
from digitize.pipeline.context import Signing
from digitize.profiles.loader import ProfileSet
from digitize.review.flow import NotFound, Review
from digitize.review.intake import Intake
from digitize.review.roles import Forbidden
from digitize.settings import Settings
from digitize.store import open_store, store_root
from digitize.web import api, api_people, api_session, desk, i18n, pages, search
from digitize.web.auth import HashLimit, Lifetimes, Sessions, Throttle
from digitize.web.deps import ApiError, current, error_body, lang
from digitize.web.guard import Guard
from digitize.web.uploads import UploadLimits

HERE = Path(__file__).parent
log = logging.getLogger("digitize.web")


@dataclass
class Station:
    """What the app serves: a store location, the settings drafts are made with, profiles, signer."""

    store: str
    settings: Settings
    profiles: ProfileSet | None = None
    signing: Signing | None = None  # None: nobody can sign
    four_eyes: bool = True  # False (`serve --no-four-eyes`): one person may approve and sign
    lifetimes: Lifetimes = Lifetimes()  # how long a session lasts idle and at most
    jobs: int = 1  # worker processes the pages of uploads share
    upload_limits: UploadLimits = field(default_factory=UploadLimits)
    max_queue: int = 200  # uploads waiting at most; beyond, 503


class Context:
    """Per-app state; stores (catalog connections) are one per thread."""

    def __init__(self, station: Station):
        self.station = station
        self.sessions = Sessions(station.lifetimes)
        self.throttle = Throttle()
        self.hash_limit = HashLimit()
        self._local = threading.local()
        self.upload_limits = station.upload_limits
        self.intake = Intake(self._open, station.settings, station.profiles, station.jobs, station.max_queue)
        self.intake.start()  # resumes the uploads a stopped server had accepted

    def _open(self):
        return open_store(self.station.store)

    def session(self, token: str | None):
        """The live session of a cookie's token, or None (blocking: a catalog read)."""
        return self.sessions.get(self.review().store, token)

    def review(self) -> Review:
        r = getattr(self._local, "review", None)
        if r is None:
            r = self._local.review = Review(self._open(), self.station.profiles, self.station.signing,
                                                self.station.four_eyes)
        return r


def _error_response(request: Request, status: int, code: str, reason: str, headers=None, detail=None,
                    message: str | None = None):
    language = lang(request)
    if request.url.path.startswith("/api"):
        return JSONResponse(error_body(code, reason, language, message or i18n.failure(code, language, detail, reason)),
                            status, headers=headers)
    if status == 401:
        return RedirectResponse("/login", 303)
    templates = request.app.state.templates
    key = "not_found_page" if status == 404 else "error_page"
    values = {"lang": language, "t": i18n.t, "message": i18n.t(key, language), "status": status,
              "user": current(request), "path": request.url.path}
    return templates.TemplateResponse(request, "error.html", values, status_code=status)


_KINDS = ((NotFound, 404, "not_found"), (Forbidden, 403, "forbidden"), (ConflictError, 409, "conflict"),
          (SigningError, 503, "signing"), (InputError, 422, "bad_input"))


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return _error_response(request, exc.status, exc.code, exc.reason, exc.headers, message=exc.message)

    @app.exception_handler(DigitizeError)
    async def digitize_error(request: Request, exc: DigitizeError):
        for kind, status, code in _KINDS:
            if isinstance(exc, kind):
                return _error_response(request, status, code, str(exc).splitlines()[0], detail=exc.message)
        return _error_response(request, 422, "bad_input", str(exc).splitlines()[0], detail=exc.message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        where = ".".join(str(p) for p in (exc.errors()[0].get("loc") or ())) if exc.errors() else "request"
        return _error_response(request, 422, "bad_input", f"{where}: {exc.errors()[0].get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "bad_input", 401: "unauthenticated", 403: "forbidden"}.get(exc.status_code,
                                                                                                "bad_input")
        return _error_response(request, exc.status_code, code, "")

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return _error_response(request, 500, "internal", "")


def _server_paths(location: str) -> list[str]:
    """The store's folder as it may appear in a path (given, absolute, symlinks resolved)."""
    root = store_root(location)
    return [str(root), str(root.resolve())]


def create_app(station: Station) -> FastAPI:
    app = FastAPI(title="digitize review station", openapi_url="/api/openapi.json", docs_url=None,
                  redoc_url=None)
    app.state.ctx = Context(station)
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api_session.router)
    app.include_router(api.router)
    app.include_router(desk.router)
    app.include_router(api_people.router)
    app.include_router(search.router)
    app.include_router(pages.router)
    _install_handlers(app)
    app.add_middleware(Guard, lookup=app.state.ctx.session, roots=_server_paths(station.store))
    return app
