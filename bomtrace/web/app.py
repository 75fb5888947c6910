"""The ASGI app: FastAPI routes for the pages and the API, the guard in front, error answers that are
a page or JSON (never a traceback), the worker started and stopped with the app, and /health outside
the guard (no token needed; it shows the worker's state and the queue, never case data)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from bomtrace import __version__, resources
from bomtrace.errors import BomtraceError, CatalogError
from bomtrace.web import api, pages, pages_makers, pages_review
from bomtrace.web.problems import Problem
from bomtrace.web.responses import answer
from bomtrace.web.security import Guard, Keys, load_secret
from bomtrace.web.service import Service
from bomtrace.web.settings import Settings
from bomtrace.web.store import is_locked

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> FastAPI:
    """The web app over one data folder; the worker runs while the app's lifespan does."""
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Start the service (clean-up, requeue, worker) and stop it at shutdown."""
        service.start()
        if settings.demo:
            await service.add_example()
        try:
            yield
        finally:
            service.stop()

    app = FastAPI(title="bomtrace", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Teardown spreadsheets in, explained origin breakdowns out. Send "
                  "'Authorization: Bearer TOKEN' when the server has a token.")
    app.state.service = service
    app.state.keys = Keys(load_secret(settings.data_dir), settings.token, settings.session_seconds)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(pages_review.router)
    app.include_router(pages_makers.router)
    app.mount("/static", StaticFiles(directory=resources.templates_dir() / "web" / "static"), name="static")
    _handlers(app)
    app.add_middleware(Guard, settings=settings, keys=app.state.keys, answer=answer)
    app.add_middleware(Health, service=service)
    return app


class Health:
    """ASGI middleware answering GET /health before the guard: the worker's lanes and the queue as
    JSON, 200 while every lane runs, 503 otherwise. Everything else passes on."""

    def __init__(self, app: ASGIApp, service: Service) -> None:
        """Wrap `app`."""
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer /health, pass the rest on."""
        if scope["type"] != "http" or scope["path"].rstrip("/") != "/health" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        state = await run_in_threadpool(self.service.health)
        response = JSONResponse(state, status_code=200 if state["status"] == "ok" else 503,
                                headers={"cache-control": "no-store", "x-content-type-options": "nosniff"})
        await response(scope, receive, send)


def _handlers(app: FastAPI) -> None:
    """Every error becomes a Problem answered as JSON (API) or the error page."""

    @app.exception_handler(Problem)
    async def on_problem(request: Request, problem: Problem) -> Response:
        """A Problem as it is."""
        return await answer(request.scope, problem)

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, error: HTTPException) -> Response:
        """Starlette's 404/405/400 in our words."""
        message = {404: "No such page. The case list is at /.", 405: "That method is not allowed here."
                   }.get(error.status_code, str(error.detail))
        return await answer(request.scope, Problem(error.status_code, message, dict(error.headers or {})))

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> Response:
        """Invalid JSON or parameters: 422 in one line."""
        return await answer(request.scope, Problem(422, validation_message(error.errors())))

    @app.exception_handler(CatalogError)
    async def on_catalog(request: Request, error: CatalogError) -> Response:
        """Catalogs that do not validate: 503, details in the log."""
        log.error("catalog error: %s %s", error.message, error.problems[:20])
        return await answer(request.scope, Problem(503, error.message))

    @app.exception_handler(sqlite3.OperationalError)
    async def on_database(request: Request, error: sqlite3.OperationalError) -> Response:
        """A database locked past its timeout and retries (or another SQLite fault): 503, try again."""
        log.error("database error on %s %s: %s", request.method, request.url.path, error)
        if is_locked(error):
            return await answer(request.scope, Problem(503, "The case database is busy. Try again in a moment.",
                                                       {"retry-after": "5"}))
        return await answer(request.scope, Problem(500, "Internal error (database). The server log has the "
                                                        "details."))

    @app.exception_handler(BomtraceError)
    async def on_bomtrace(request: Request, error: BomtraceError) -> Response:
        """Any other library error: 400 with its message."""
        return await answer(request.scope, Problem(400, error.message))

    @app.exception_handler(Exception)
    async def on_crash(request: Request, error: Exception) -> Response:
        """Anything unforeseen: 500 without a traceback, which goes to the log."""
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return await answer(request.scope, Problem(500, f"Internal error ({type(error).__name__}). "
                                                        "The server log has the details."))


def validation_message(errors: Any) -> str:
    """FastAPI's validation errors as one line: 'body.decision: Input should be ...; ...'."""
    parts = []
    for error in list(errors)[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "Invalid request (" + "; ".join(parts) + "). Check the fields against /openapi.json."
