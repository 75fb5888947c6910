"""How answers look: JSON `{"detail": message}` for the API, an HTML page for a person, and the
context every page gets (CSRF token, whether sign-in is on, the name the browser last used)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from bomtrace.web.problems import Problem
from bomtrace.web.templating import render

TITLES = {400: "Bad request", 401: "Sign in first", 403: "Refused", 404: "Not found", 405: "Not allowed",
          409: "Not ready", 413: "Too large", 415: "Wrong file type", 421: "Wrong address",
          422: "Cannot use this", 500: "Something went wrong", 503: "Not available"}


def wants_json(path: str) -> bool:
    """The API and the OpenAPI document answer in JSON; everything else is a page."""
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def common(scope: Any) -> dict[str, Any]:
    """What every page's template needs."""
    state = scope.get("state", {})
    return {"csrf": state.get("csrf", ""), "signed_in": state.get("signed_in", False),
            "your_name": state.get("your_name", "")}


async def answer(scope: Any, problem: Problem) -> Response:
    """A problem as JSON for the API, a redirect, or the error page."""
    if problem.status in (301, 302, 303, 307) and "location" in problem.headers:
        return RedirectResponse(problem.headers["location"], status_code=problem.status)
    if wants_json(scope["path"]):
        body = {"detail": problem.message, **({"field": problem.field} if problem.field else {})}
        return JSONResponse(body, problem.status, headers=problem.headers)
    context = {**common(scope), "status": problem.status, "message": problem.message,
               "heading": TITLES.get(problem.status, "Error")}
    return HTMLResponse(render("web/error.html", context), problem.status, headers=problem.headers)


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """One of the web pages, rendered with the common context."""
    return HTMLResponse(render(name, {**common(request.scope), **context}), status)
