"""The review station as an ASGI app: the JSON API under /api (OpenAPI at /api/openapi.json) and the
server-rendered pages, on one store. The signer is opened once by whoever builds the app (`digitize
serve`) and never travels over HTTP."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
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
from digitize.store import open_store
from digitize.web import api, api_people, desk, i18n, pages, search
from digitize.web.auth import Sessions
from digitize.web.deps import ApiError, current, lang

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


class Context:
    """Per-app state; stores (catalog connections) are one per thread."""

    def __init__(self, station: Station):
        self.station = station
        self.sessions = Sessions()
        self._local = threading.local()
        self.intake = Intake(self._open, station.settings, station.profiles)

    def _open(self):
        return open_store(self.station.store)

    def review(self) -> Review:
        r = getattr(self._local, "review", None)
        if r is None:
            r = self._local.review = Review(self._open(), self.station.profiles, self.station.signing,
                                                self.station.four_eyes)
        return r


def _error_response(request: Request, status: int, code: str, reason: str, headers=None):
    language = lang(request)
    if request.url.path.startswith("/api"):
        message = i18n.error(code, language)
        if reason:
            message = f"{message} {i18n.upload_reason(reason.split(': ', 1)[-1], language)}"
        return JSONResponse({"error": reason or code, "code": code, "message": message}, status, headers=headers)
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
        return _error_response(request, exc.status, exc.code, exc.reason, exc.headers)

    @app.exception_handler(DigitizeError)
    async def digitize_error(request: Request, exc: DigitizeError):
        for kind, status, code in _KINDS:
            if isinstance(exc, kind):
                return _error_response(request, status, code, str(exc).splitlines()[0])
        return _error_response(request, 422, "bad_input", str(exc).splitlines()[0])

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


def create_app(station: Station) -> FastAPI:
    app = FastAPI(title="digitize review station", openapi_url="/api/openapi.json", docs_url=None,
                  redoc_url=None)
    app.state.ctx = Context(station)
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(desk.router)
    app.include_router(api_people.router)
    app.include_router(search.router)
    app.include_router(pages.router)
    _install_handlers(app)
    return app
