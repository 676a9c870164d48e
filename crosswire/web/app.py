"""The dashboard: one FastAPI app over one engine.

    app = create_app(Crosswire(db="kb.db"))          # loopback, no token
    app = create_app(engine, token="s3cret")          # every request must carry the token
    app = create_app(engine, live=True)               # `crosswire serve`: fusion kept fresh in the background

The JSON API lives under /api (described at /openapi.json); the HTML pages render the same data
with Jinja2 templates (autoescape on). Nothing is built before it runs.

With ``live`` the app's lifespan starts the engine's background work when the server starts
(``Crosswire.start_background``: pages are answered from the previous fusion state while a newer one is
built, the first build starts at once rather than on the first page view, and reports another process
adds are picked up every ``watch_every`` seconds) and ends it when the server shuts down
(``Crosswire.stop_background``: no thread is left to read a connection the engine closes).
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.trustedhost import TrustedHostMiddleware
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..cache import PAGES
from ..errors import CrosswireError, NotFound, StoreError
from ..reading import WATCH_EVERY
from ..report.sources import SourceStyle
from ..store.health import store_error
from . import api, pages, review
from .docpage import PageCache
from .security import secure_headers, token_guard

HERE = Path(__file__).parent
log = logging.getLogger(__name__)


def templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(pages.FILTERS)
    env.globals.update(pages.GLOBALS)

    @lru_cache(maxsize=4096)
    def swatch_of(style: SourceStyle) -> Any:
        """macros.html ``swatch`` of a source's look, drawn once per look (a series page has one per row)."""
        return env.get_template("macros.html").module.swatch(style)  # type: ignore[attr-defined]

    env.globals["swatch_of"] = swatch_of
    return Jinja2Templates(env=env)


LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


def create_app(engine: Any, token: str | None = None, allowed_hosts: list[str] | None = None, live: bool = False,
               watch_every: float | None = WATCH_EVERY) -> FastAPI:
    """The dashboard app over ``engine``; with ``token`` every request must present it.

    ``allowed_hosts`` limits the Host header (``crosswire serve`` on loopback passes LOOPBACK_HOSTS, so a
    web page cannot reach the dashboard through DNS rebinding). ``live``: fusion kept up to date in the
    background while the server runs (see the module docstring; ``watch_every`` None: no watching).
    """
    app = FastAPI(title="crosswire", version="1", docs_url=None, redoc_url=None,
                  lifespan=background_work(engine, watch_every) if live else None,
                  description="Who claims what: reports, estimate series, contradictions, entities and "
                              "a timeline, each traced to its sentence. Every HTML page has a JSON twin "
                              "under /api.")
    app.state.engine = engine  # every page and route reads through it (and its one cache)
    app.state.templates = templates()
    app.state.page_cache = PageCache()  # long report pages, per knowledge-base version
    if live:  # the first views after an ingest: made by the background build, before the new state is served
        engine.prepare(partial(pages.prepare, engine, app.state.templates))
    # the last middleware added runs first: the headers go on every response, the 401 and 303 of the
    # token guard and the 400 of the host check included
    if token:
        app.middleware("http")(token_guard(token))
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
    app.middleware("http")(secure_headers)
    app.middleware("http")(fusion_header)
    app.middleware("http")(one_version)  # the fusion header reuses its version
    app.middleware("http")(pages_first)  # added last, runs first: the whole request counts as a page
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(review.api_router)
    app.include_router(review.router)
    app.include_router(pages.router)
    _errors(app)
    return app


READ_ONLY_METHODS = {"GET", "HEAD"}


async def one_version(request: Request, call_next: Any) -> Any:
    """A GET or HEAD (which writes nothing) asks the knowledge base for its version once, not once per cached
    answer (``Crosswire.pinned_version``); a POST may write, and its later reads must see that."""
    if request.method not in READ_ONLY_METHODS:
        return await call_next(request)
    with request.app.state.engine.pinned_version():
        return await call_next(request)


async def pages_first(request: Request, call_next: Any) -> Any:
    """While a request is answered, the engine's background builds give way to it (``crosswire.cache.Pages``)."""
    with PAGES.answering():
        return await call_next(request)


def background_work(engine: Any, watch_every: float | None) -> Any:
    """The lifespan of a live app: the engine's background work from start-up to shutdown."""
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine.start_background(watch_every=watch_every)
        try:
            yield
        finally:
            left = engine.stop_background(timeout=SHUTDOWN_WAIT)
            if left:
                log.warning("threads still running after %s s at shutdown: %s", SHUTDOWN_WAIT, ", ".join(left))

    return lifespan


SHUTDOWN_WAIT = 60.0  # seconds a shutdown waits for each background thread (a fusion build ends its step)


async def fusion_header(request: Request, call_next: Any) -> Any:
    """Every answer says whether fusion's data in it is current or the previous while a build runs:
    ``X-Crosswire-Fusion: current; as-of=<time>`` or ``updating; as-of=<time>`` (``none``: not built yet)."""
    response = await call_next(request)
    if not request.url.path.startswith("/static"):
        try:
            status = request.app.state.engine.fusion_status()
        except (CrosswireError, sqlite3.Error):  # the store cannot be read: the answer itself says so
            return response
        response.headers["X-Crosswire-Fusion"] = fusion_word(status)
    return response


def fusion_word(status: dict[str, Any]) -> str:
    if not status.get("built_at"):
        return "building" if status.get("building") else "none"
    word = "current" if status.get("current") else ("updating" if status.get("updating") else "stale")
    return f"{word}; as-of={status['built_at']}; reports={status.get('reports', 0)}"


def _errors(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(CrosswireError)
    async def failed(request: Request, exc: CrosswireError) -> Response:
        return _error(request, 503 if isinstance(exc, StoreError) else 400, str(exc))

    @app.exception_handler(sqlite3.Error)
    async def database(request: Request, exc: sqlite3.Error) -> Response:  # damaged, locked, ...: one line
        return _error(request, 503, str(store_error(exc, str(request.app.state.engine.settings["db"]))))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return _error(request, 422, detail or "invalid request")


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": {400: "bad request", 404: "not found", 422: "invalid request",
                                       503: "knowledge base unavailable"}.get(status, "error"),
                             "detail": message}, status_code=status)
    tpl: Jinja2Templates = request.app.state.templates
    return tpl.TemplateResponse(request, "error.html", {"status": status, "message": message}, status_code=status)
